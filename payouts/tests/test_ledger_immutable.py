"""The database itself refuses to rewrite money (triggers of payouts/migrations/0001_squashed.py):
raw UPDATE and DELETE of ledger rows, of an approved run's lines and of the approved run."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django_scopes import scopes_disabled

from conftest import set_minimum
from payouts.models import Account, Entry, LedgerTransaction, PayoutLine
from payouts.tests.test_runs import (
    AFTER_OCTOBER,
    IN_OCTOBER,
    OCTOBER,
    approve,
    approved,
    pay,
    run_for,
    with_mfa,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the triggers are PostgreSQL's; SQLite is for development only and has none",
)


@pytest.fixture
def world(network, owner):
    from conftest import make_world

    return make_world(network, owner, money=False)


def refused(sql: str, params: list) -> str:
    """The database's error for `sql` (in a savepoint, so the test's transaction goes on)."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)
    return str(caught.value)


def allowed(sql: str, params: list) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.fixture
def approved_run(network, world, owner):
    set_minimum(network, "USD", 1)
    with_mfa(owner)
    approved(network, world, IN_OCTOBER)
    run = run_for(network, OCTOBER, AFTER_OCTOBER)
    approve(network, run, owner)
    return run


LEDGER_CHANGES = {
    Entry: [
        "UPDATE payouts_entry SET amount = amount + 1 WHERE id = %s",
        "UPDATE payouts_entry SET id = id WHERE id = %s",  # not even a change that is none
        "DELETE FROM payouts_entry WHERE id = %s",
    ],
    LedgerTransaction: [
        "UPDATE payouts_ledgertransaction SET memo = 'x' WHERE id = %s",
        "UPDATE payouts_ledgertransaction SET id = id WHERE id = %s",
        "DELETE FROM payouts_ledgertransaction WHERE id = %s",
    ],
    Account: [
        "UPDATE payouts_account SET currency = 'EUR' WHERE id = %s",
        "UPDATE payouts_account SET id = id WHERE id = %s",
        "DELETE FROM payouts_account WHERE id = %s",
    ],
}


@pytest.mark.parametrize("model", LEDGER_CHANGES, ids=lambda model: model.__name__)
def test_it_refuses_any_update_or_delete_of_the_ledger(network, world, model):
    approved(network, world, IN_OCTOBER)
    with scopes_disabled():
        assert Entry.objects.count() == 3 and LedgerTransaction.objects.count() == 1
        row_id = model.objects.values_list("pk", flat=True)[0]
    for sql in LEDGER_CHANGES[model]:
        assert "refused" in refused(sql, [row_id]), sql
    with scopes_disabled():
        assert Entry.objects.count() == 3 and LedgerTransaction.objects.count() == 1


def test_an_approved_runs_line_can_only_be_marked_paid(network, approved_run, owner):
    with scopes_disabled():
        line = PayoutLine.objects.get(run=approved_run)
    assert (line.amount, line.status) == (800, "payable")
    for sql in (
        "UPDATE payouts_payoutline SET amount = 1 WHERE id = %s",
        "UPDATE payouts_payoutline SET status = 'carried' WHERE id = %s",
        "UPDATE payouts_payoutline SET amount = 1, status = 'paid' WHERE id = %s",
        "DELETE FROM payouts_payoutline WHERE id = %s",
    ):
        assert "refused" in refused(sql, [line.pk]), sql

    paid, skipped = pay(network, approved_run, owner, AFTER_OCTOBER)  # the workflow passes
    assert (len(paid), skipped) == (1, [])
    line.refresh_from_db()
    assert (line.amount, line.status, line.payment_reference) == (800, "paid", "BATCH-1")
    for sql in (
        "UPDATE payouts_payoutline SET status = 'payable' WHERE id = %s",
        "UPDATE payouts_payoutline SET payment_reference = 'other' WHERE id = %s",
        "DELETE FROM payouts_payoutline WHERE id = %s",
    ):
        assert "refused" in refused(sql, [line.pk]), sql


def test_an_approved_run_cannot_go_back_to_review_or_be_deleted(network, approved_run):
    for sql in (
        "UPDATE payouts_payoutrun SET status = 'review' WHERE id = %s",
        "UPDATE payouts_payoutrun SET cutoff = cutoff + interval '1 day' WHERE id = %s",
        "UPDATE payouts_payoutrun SET approved_by_id = NULL WHERE id = %s",
        "DELETE FROM payouts_payoutrun WHERE id = %s",
    ):
        assert "refused" in refused(sql, [approved_run.pk]), sql
    approved_run.refresh_from_db()
    assert approved_run.status == "approved"


def test_a_run_in_review_is_not_approved_yet_and_may_change(network, world):
    approved(network, world, IN_OCTOBER)
    run = run_for(network, OCTOBER, AFTER_OCTOBER)
    assert allowed("UPDATE payouts_payoutline SET conversions = 1 WHERE run_id = %s", [run.pk])
    assert allowed("DELETE FROM payouts_payoutline WHERE run_id = %s", [run.pk]) == 1
    assert allowed("DELETE FROM payouts_payoutrun WHERE id = %s", [run.pk]) == 1
