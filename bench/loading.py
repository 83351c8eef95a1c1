"""Bulk loading for the data benchmarks (payouts, reports): raw SQL, setting a table's
indexes and foreign keys aside while it is filled and making them again, and a stopwatch
of the steps."""

from __future__ import annotations

import time


class Stopwatch:
    """Seconds per step of a load: each call names the step that has just ended."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}
        self.clock = time.perf_counter()

    def __call__(self, name: str) -> None:
        self.steps[name] = time.perf_counter() - self.clock
        self.clock = time.perf_counter()


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


def fill(statements: dict[str, str], params: dict, step: Stopwatch) -> None:
    """Run each statement in its own transaction, timed as the step of its name."""
    from django.db import transaction

    for name, statement in statements.items():
        with transaction.atomic():
            sql(statement, params)
        step(name)


def remake(set_aside_statements: dict[str, list[str]], step: Stopwatch, work_mem: str) -> None:
    """Make again what set_aside took away (indexes, then foreign keys: each checks all rows
    at once) with `work_mem` of maintenance memory, then VACUUM ANALYZE; each step timed."""
    sql(f"SET maintenance_work_mem = '{work_mem}'")
    for kind in ("indexes", "foreign keys"):
        for statement in set_aside_statements[kind]:
            sql(statement)
        step(kind)
    sql("VACUUM ANALYZE")
    step("VACUUM ANALYZE")
