"""Bulk loading for the data benchmarks (payouts, reports): raw SQL, and setting a table's
indexes and foreign keys aside while it is filled."""

from __future__ import annotations


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def set_aside(tables: tuple[str, ...]) -> dict[str, list[str]]:
    """Drop the foreign keys and the plain indexes of `tables`; the statements that make them
    again. As pg_restore does: remade after the load, an index is built from sorted rows
    and a foreign key checks all rows in one join, instead of per inserted row. Primary keys
    and unique constraints stay and check every row as it comes."""
    foreign_keys = sql(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
        [list(tables)],
    )
    indexes = sql(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i"
        " WHERE indrelid = ANY(%s::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
        " WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid"
        " AND c.contype IN ('p', 'u', 'x'))",
        [list(tables)],
    )
    for table, name, _ in foreign_keys:
        sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        sql(f"DROP INDEX {name}")
    return {
        "indexes": [definition for _, definition in indexes],
        "foreign keys": [
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition in foreign_keys
        ],
    }
