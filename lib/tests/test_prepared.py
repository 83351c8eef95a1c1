"""lib.prepared: the postback's statements as PostgreSQL prepared statements, with Django's
errors and transactions, and Django's own cursor wherever something watches it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from lib import prepared

pytestmark = pytest.mark.django_db(transaction=True)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="prepared statements are PostgreSQL's (set DATABASE_URL=postgres://...; CI does)",
)

CREATE = "CREATE TABLE prepared_probe (id int PRIMARY KEY, name text)"
INSERT = "INSERT INTO prepared_probe (id, name) VALUES (%s, %s) RETURNING id"


@pytest.fixture
def probe_table():
    with connection.cursor() as cursor:
        cursor.execute(CREATE)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE prepared_probe")


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@postgres_only
def test_it_prepares_the_statement_once_per_connection(probe_table):
    assert prepared.fetch_one(INSERT, [1, "a"]) == (1,)
    assert prepared.fetch_one(INSERT, [2, "b"]) == (2,)
    (statement,) = [s for s in prepared_statements() if "prepared_probe" in s]
    assert "$1" in statement  # the values travel apart from the text: bound on the server


@postgres_only
def test_a_unique_violation_is_djangos_and_undoes_only_its_savepoint(probe_table):
    prepared.fetch_one(INSERT, [1, "a"])
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            prepared.fetch_one(INSERT, [1, "again"])
        assert prepared.fetch_one(INSERT, [2, "b"]) == (2,)  # the outer transaction lives on
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM prepared_probe ORDER BY id")
        assert cursor.fetchall() == [(1, "a"), (2, "b")]


@postgres_only
def test_a_rolled_back_transaction_keeps_nothing(probe_table):
    with pytest.raises(RuntimeError), transaction.atomic():
        prepared.fetch_one(INSERT, [1, "a"])
        raise RuntimeError
    assert prepared.fetch_one("SELECT count(*) FROM prepared_probe", []) == (0,)


def test_an_execute_wrapper_sees_the_statement(probe_table, settings):
    seen = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        prepared.fetch_one(INSERT, [1, "a"])
    assert seen == [INSERT]


@postgres_only
def test_it_can_be_switched_off_for_a_pooler(probe_table, settings):
    settings.DB_PREPARED_STATEMENTS = False
    prepared.fetch_one(INSERT, [1, "a"])
    assert not [s for s in prepared_statements() if "prepared_probe" in s]
