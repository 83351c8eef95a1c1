"""Credit notes (issue 15, section 3): a month with only reversals makes a credit note (its own
number series), never a negative invoice; the credit is taken off the advertiser's next
invoices in that currency; payments are always positive; invoices carry terms and a due date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django_scopes import scope

from conftest import client_for, make_world
from payouts.decisions import Actor, conversion_decide
from payouts.invoices import invoices_create
from payouts.models import Invoice, LedgerTransaction
from payouts.tests.helpers import make_conversion

SEPTEMBER = date(2026, 9, 1)
OCTOBER = date(2026, 10, 1)
NOVEMBER = date(2026, 11, 1)
DECEMBER = date(2026, 12, 1)
IN_SEPTEMBER = datetime(2026, 9, 10, 12, tzinfo=UTC)
IN_OCTOBER = datetime(2026, 10, 15, 12, tzinfo=UTC)
IN_NOVEMBER = datetime(2026, 11, 15, 12, tzinfo=UTC)
IN_DECEMBER = datetime(2026, 12, 15, 12, tzinfo=UTC)
AFTER_OCTOBER = datetime(2026, 11, 2, 12, tzinfo=UTC)
AFTER_NOVEMBER = datetime(2026, 12, 2, 12, tzinfo=UTC)
AFTER_DECEMBER = datetime(2027, 1, 2, 12, tzinfo=UTC)


def decide(network, conversion, to_status, at, reason=""):
    with time_machine.travel(at, tick=False), scope(network=network):
        conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status=to_status,
            actor=Actor(),
            reason=reason,
        )


def kwd(network, world, at, revenue="100.000", payout="80.000"):
    conversion = make_conversion(world, at=at, revenue=revenue, payout=payout, currency="KWD")
    decide(network, conversion, "approved", at)
    return conversion


def bill(network, period, at):
    with time_machine.travel(at, tick=False), scope(network=network):
        return invoices_create(network, period)


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """make_world also made INV-2026-0001 (September, USD) for Alpha Shop."""
    return make_world(network, owner)


@pytest.fixture
def reversed_month(network, world):
    """A 100.000 KWD sale approved in September, reversed in October: October has only the
    reversal (-100.000 KWD)."""
    sale = kwd(network, world, IN_SEPTEMBER)
    decide(network, sale, "reversed", IN_OCTOBER, reason="refund")
    return sale


def kwd_invoices(network):
    with scope(network=network):
        return list(Invoice.objects.filter(currency="KWD").order_by("number"))


# --- The report's steps: today they make a negative invoice and offer a negative payment ------


def test_a_month_of_reversals_makes_no_negative_invoice_nor_a_negative_payment(
    network, owner, world, reversed_month
):
    bill(network, SEPTEMBER, AFTER_OCTOBER)  # September's KWD sale: an invoice of 100.000
    bill(network, OCTOBER, AFTER_OCTOBER)
    invoices = kwd_invoices(network)
    assert [invoice.total for invoice in invoices] == [100_000]  # no -100.000 KWD invoice
    page = client_for(network, owner).get("/manage/invoices/").content.decode()
    assert "-100.000" not in page and "\u2212100.000" not in page
    september = invoices[0]
    detail = client_for(network, owner).get(f"/manage/invoices/{september.pk}/")
    assert "payment of the amount due, <strong>100.000 KWD</strong>" in detail.content.decode()
    # A payment of -100.000 KWD (or of nothing) is refused, page and form alike.
    for amount in ("-100.000", "0"):
        response = client_for(network, owner).post(
            f"/manage/invoices/{september.pk}/payment/", {"amount": amount, "reference": "X"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["amount"] == [
            "A payment is always positive: give an amount above zero."
        ]
    with scope(network=network):
        assert not LedgerTransaction.objects.filter(kind="adv_payment").exists()
