"""One statement of a hot path, run as a PostgreSQL prepared statement.

Django's psycopg cursors bind parameters on the client: every execution sends the statement's
text with its values quoted in, and PostgreSQL parses and plans it anew. For the postback's
two statements (find the click, insert the conversion) that costs more server CPU than the
work itself. Here they run through a plain psycopg cursor of Django's own connection (same
transaction, same adapters) with server-side binding and `prepare=True`: psycopg prepares
each statement once per connection (DB_CONN_MAX_AGE keeps connections) and then sends only
the values.

A connection pooler in transaction mode (PgBouncer before 1.21) cannot keep prepared
statements across transactions: set DB_PREPARED_STATEMENTS=0 there (README, production).
Other databases (SQLite in development) run the statement through Django's cursor, and so does
PostgreSQL while an execute_wrapper or the DEBUG query log watches the connection.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


def fetch_one(sql: str, params: Sequence) -> tuple | None:
    """The first row of `sql` (placeholders %s) with `params`, or None. Errors are Django's
    (IntegrityError, OperationalError ...), as from connection.cursor()."""
    wrapper = connections[DEFAULT_DB_ALIAS]  # once: each use of the proxy is a lookup
    if not _prepared(wrapper):
        with wrapper.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    wrapper.ensure_connection()
    with wrapper.wrap_database_errors:
        wrapper.validate_no_broken_transaction()
        # A plain psycopg cursor binds on the server (Django's own binds on the client).
        with psycopg.Cursor(wrapper.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone()


def _prepared(wrapper) -> bool:
    """Prepared on PostgreSQL unless switched off, or unless something watches Django's
    cursors: an execute_wrapper (instrumentation, the tests' interleavings) or the DEBUG
    query log must see the statement."""
    return (
        wrapper.vendor == "postgresql"
        and settings.DB_PREPARED_STATEMENTS
        and not wrapper.execute_wrappers
        and not wrapper.queries_logged
    )
