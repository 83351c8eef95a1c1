"""Billing a month and recording a payment (invoices.services), and the monthly job that bills
the month before it makes the payout run (payouts.tasks.monthly_payouts, through the event
"month.closed"). Credit notes: test_credit_notes.py."""

# ruff: noqa: F811  (the fixtures imported from payouts' tests are the tests' arguments)
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from invoices import events as invoice_events
from invoices.services import invoice_record_payment, invoices_create
from payouts import ledger
from payouts.models import Account, Invoice, PayoutRun
from payouts.runs import PayoutError
from payouts.tasks import monthly_payouts
from payouts.tests.test_runs import (  # noqa: F401  (fixtures)
    AFTER_NOVEMBER,
    AFTER_OCTOBER,
    IN_NOVEMBER,
    IN_OCTOBER,
    OCTOBER,
    approved,
    world,
)

pytestmark = pytest.mark.django_db


def test_invoices_bill_each_advertisers_month_and_record_payment(network, world, owner):
    approved(network, world, IN_OCTOBER)
    approved(network, world, IN_OCTOBER)
    approved(network, world, IN_NOVEMBER)
    with time_machine.travel(AFTER_OCTOBER, tick=False), scope(network=network):
        invoices = invoices_create(network, OCTOBER)
        assert invoices_create(network, OCTOBER) == []  # made once
    (invoice,) = invoices
    assert (invoice.number, invoice.total, invoice.currency) == (1, 2000, "USD")
    with scopes_disabled():
        line = invoice.lines.get()
    assert (line.offer, line.goal, line.conversions, line.amount) == (
        world["offer"],
        world["goal"],
        2,
        2000,
    )
    with scope(network=network):
        invoice_record_payment(
            network, invoice.pk, amount=Decimal("20.00"), reference="WIRE 42", actor=owner
        )
        receivable = Account.objects.get(kind="receivable")
        assert ledger.balance(receivable) == 1000  # November's approval is still owed
        with pytest.raises(PayoutError, match="paid already"):
            invoice_record_payment(
                network, invoice.pk, amount=Decimal("20.00"), reference="WIRE 42", actor=owner
            )
    with time_machine.travel(AFTER_NOVEMBER, tick=False), scope(network=network):
        (november,) = invoices_create(network, date(2026, 11, 1))
    assert (november.number, november.total) == (2, 1000)
    with scopes_disabled():
        assert Invoice.objects.count() == 2


def test_the_monthly_job_bills_the_month_before_making_its_run(network, world):
    approved(network, world, IN_OCTOBER)
    with time_machine.travel(AFTER_OCTOBER, tick=False):
        monthly_payouts(network_id=network.pk)
        monthly_payouts(network_id=network.pk)  # run again: nothing new
    with scopes_disabled():
        (invoice,) = Invoice.objects.filter(network=network)
        (run,) = PayoutRun.objects.filter(network=network)
    assert (invoice.period, invoice.total, run.period) == (OCTOBER, 1000, OCTOBER)


def test_a_month_that_cannot_be_billed_gets_no_run_either(network, world, monkeypatch):
    def refuse(network, period):
        raise PayoutError("billing failed")

    monkeypatch.setattr(invoice_events, "month_bill", refuse)
    approved(network, world, IN_OCTOBER)
    with time_machine.travel(AFTER_OCTOBER, tick=False), pytest.raises(PayoutError):
        monthly_payouts(network_id=network.pk)
    with scopes_disabled():
        assert not PayoutRun.objects.filter(network=network).exists()
        assert not Invoice.objects.filter(network=network).exists()
