"""Credit notes (issue 15, section 3): a month with only reversals makes a credit note (its own
number series), never a negative invoice; the credit is taken off the advertiser's next
invoices in that currency; payments are always positive; invoices carry terms and a due date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_member, make_world
from invoices.services import invoice_record_payment, invoices_create, month_bill
from network.models import Role
from payouts import ledger
from payouts.models import Account, CreditNote, Entry, Invoice, LedgerTransaction
from payouts.runs import PayoutError
from payouts.tests.helpers import (
    AFTER_DECEMBER,
    AFTER_NOVEMBER,
    AFTER_OCTOBER,
    DECEMBER,
    IN_DECEMBER,
    IN_NOVEMBER,
    IN_OCTOBER,
    IN_SEPTEMBER,
    NOVEMBER,
    OCTOBER,
    SEPTEMBER,
    decide,
    make_conversion,
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
    """make_world also made INV-2026-0001 (September, USD) for Alpha Shop; its credit note
    (for the URL matrices) is left out: these tests count credit notes from the first."""
    made = make_world(network, owner)
    with scopes_disabled():
        made.pop("credit_note").delete()
    return made


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


# --- Credit notes: their own series, applied to the next invoices -----------------------------


def test_a_negative_month_makes_a_credit_note_in_its_own_series(network, world, reversed_month):
    bill(network, SEPTEMBER, AFTER_OCTOBER)
    with time_machine.travel(AFTER_OCTOBER, tick=False), scope(network=network):
        billing = month_bill(network, OCTOBER)
        assert billing.invoices == []
        (note,) = billing.credit_notes
        assert month_bill(network, OCTOBER).credit_notes == []  # made once
        line = note.lines.get()
        entry = AuditEntry.objects.get(action="credit_note.issued")
    assert (note.display_number, note.total, note.remaining, note.currency) == (
        "CN-2026-0001",
        100_000,
        100_000,
        "KWD",
    )
    assert (line.offer, line.conversions, line.amount) == (world["offer"], 0, -100_000)
    assert (entry.object_id, entry.to_state, entry.actor_label) == (
        str(note.pk),
        "100.000",
        "system: monthly invoices",
    )
    # The invoice series has no gap: INV-2026-0001 (make_world), 0002 (September's KWD).
    with scope(network=network):
        assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]


def test_credit_note_numbers_are_unique_by_database_constraint(network, world, reversed_month):
    bill(network, OCTOBER, AFTER_OCTOBER)
    with scopes_disabled():
        note = CreditNote.objects.get()
        with pytest.raises(IntegrityError), transaction.atomic():
            CreditNote.objects.create(
                network=network,
                advertiser=note.advertiser,
                number=note.number,
                period=NOVEMBER,
                currency="USD",
                total=1,
                remaining=1,
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Invoice.objects.create(
                network=network,
                advertiser=note.advertiser,
                number=99,
                period=NOVEMBER,
                currency="KWD",
                total=-100_000,
            )


def test_the_credit_goes_to_the_next_invoices_in_its_currency_and_its_remainder_carries_on(
    network, world, reversed_month
):
    bill(network, OCTOBER, AFTER_OCTOBER)  # CN-2026-0001: 100.000 KWD
    kwd(network, world, IN_NOVEMBER, revenue="60.000", payout="50.000")
    approved_usd = make_conversion(world, at=IN_NOVEMBER, revenue="10.00")
    decide(network, approved_usd, "approved", IN_NOVEMBER)
    november = {invoice.currency: invoice for invoice in bill(network, NOVEMBER, AFTER_NOVEMBER)}
    kwd_nov, usd_nov = november["KWD"], november["USD"]
    assert (kwd_nov.total, kwd_nov.credit_applied, kwd_nov.amount_due) == (60_000, 60_000, 0)
    assert kwd_nov.status == "paid"  # settled by the credit: nothing to pay
    assert (usd_nov.credit_applied, usd_nov.amount_due, usd_nov.status) == (0, 1000, "issued")
    kwd(network, world, IN_DECEMBER, revenue="70.000", payout="50.000")
    (december,) = bill(network, DECEMBER, AFTER_DECEMBER)
    assert (december.total, december.credit_applied, december.amount_due) == (
        70_000,
        40_000,
        30_000,
    )
    assert december.status == "issued"
    with scope(network=network):
        note = CreditNote.objects.get()
        assert note.remaining == 0
        uses = [(use.invoice_id, use.amount) for use in note.applications.order_by("id")]
        audits = AuditEntry.objects.filter(action="credit_note.applied").order_by("id")
        settled = AuditEntry.objects.get(action="invoice.paid")
    assert uses == [(kwd_nov.pk, 60_000), (december.pk, 40_000)]
    assert [(a.from_state, a.to_state, a.reason) for a in audits] == [
        ("100.000", "40.000", kwd_nov.display_number),
        ("40.000", "0.000", december.display_number),
    ]
    assert (settled.object_id, settled.reason) == (str(kwd_nov.pk), "settled by credit notes")


def test_another_advertisers_invoice_takes_none_of_the_credit(
    network, world, reversed_month, other_advertiser_world
):
    bill(network, OCTOBER, AFTER_OCTOBER)
    kwd(network, other_advertiser_world, IN_NOVEMBER)
    (theirs,) = bill(network, NOVEMBER, AFTER_NOVEMBER)
    assert (theirs.advertiser_id, theirs.credit_applied, theirs.amount_due) == (
        other_advertiser_world["offer"].advertiser_id,
        0,
        100_000,
    )


@pytest.fixture
def other_advertiser_world(network, world):
    from invoices.tests.test_pages import offer_of

    user = make_member(network, Role.ADVERTISER, "adv2@alpha.example", company="Other Shop")
    with scopes_disabled():
        company = user.memberships.get().advertiser
    return {**offer_of(network, company, "Other Offer"), "offer_access": world["offer_access"]}


@pytest.fixture
def credited(network, owner, world, reversed_month):
    """September's sale billed (INV-2026-0002) and paid, then refunded in October:
    CN-2026-0001 (100.000 KWD); December's 130.000 KWD invoice INV-2026-0003 has the credit
    applied: 30.000 KWD due."""
    (september,) = bill(network, SEPTEMBER, AFTER_OCTOBER)
    with scope(network=network):
        invoice_record_payment(
            network, september.pk, amount=Decimal("100.000"), reference="S", actor=owner
        )
    bill(network, OCTOBER, AFTER_OCTOBER)
    kwd(network, world, IN_DECEMBER, revenue="130.000", payout="100.000")
    (invoice,) = bill(network, DECEMBER, AFTER_DECEMBER)
    with scope(network=network):
        note = CreditNote.objects.get()
    assert (invoice.display_number, invoice.amount_due) == ("INV-2026-0003", 30_000)
    return invoice, note


def test_the_invoice_page_shows_the_credit_applied_and_the_amount_due(
    network, owner, advertiser_user, credited
):
    invoice, note = credited
    for client, prefix in (
        (client_for(network, owner), "manage"),
        (client_for(network, advertiser_user), "advertiser"),
    ):
        html = client.get(f"/{prefix}/invoices/{invoice.pk}/").content.decode()
        assert "130.000 KWD" in html
        # The credit taken off, with the language's own minus sign (lib.formats).
        assert "Credit note CN-2026-0001 applied" in html and "-100.000 KWD" in html
        assert "Amount due" in html and "30.000 KWD" in html
        assert f'href="/{prefix}/credit-notes/{note.pk}/"' in html
        assert f'href="/{prefix}/invoices/{invoice.pk}/pdf/"' in html
    admin = client_for(network, owner).get(f"/manage/invoices/{invoice.pk}/")
    assert admin.context["form"]["amount"].value() == Decimal("30.000")
    html = client_for(network, advertiser_user).get(f"/advertiser/credit-notes/{note.pk}/")
    html = html.content.decode()
    assert "Credit note CN-2026-0001" in html and "Applied to invoice INV-2026-0003" in html
    assert "Credit remaining" in html
    listing = client_for(network, advertiser_user).get("/advertiser/invoices/").content.decode()
    assert "CN-2026-0001" in listing
    totals = client_for(network, owner).get("/manage/invoices/").context["totals"]
    assert {row["currency"]: row["unpaid"] for row in totals}["KWD"] == Decimal("30.000")


# --- Payments are always positive, the amount due; the ledger stays balanced -----------------


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("-30.000", "A payment is always positive: give an amount above zero."),
        ("0", "A payment is always positive: give an amount above zero."),
        ("130.000", "The payment must be the amount due, 30.000 KWD."),
        ("30.0001", "Ensure that there are no more than 3 decimal places."),
    ],
)
def test_the_payment_form_refuses_a_payment_that_is_not_the_positive_amount_due(
    network, owner, credited, amount, error
):
    invoice, _ = credited
    response = client_for(network, owner).post(
        f"/manage/invoices/{invoice.pk}/payment/", {"amount": amount, "reference": "W"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [error]
    with scope(network=network):
        key = f"invoice:{invoice.pk}:payment"
        assert not LedgerTransaction.objects.filter(key=key).exists()


@pytest.mark.parametrize("amount", ["-30.000", "0", "0.000"])
def test_the_api_refuses_a_payment_that_is_not_positive(network, owner, credited, amount):
    from network.tests.api import api_client, key_for

    invoice, _ = credited
    api = api_client(network, key_for(network, owner))
    response = api.post(
        f"/api/v1/admin/invoices/{invoice.pk}/record_payment/",
        {"amount": amount, "reference": "W"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["amount"] == [
        "A payment is always positive: give an amount above zero."
    ]
    with scope(network=network):
        key = f"invoice:{invoice.pk}:payment"
        assert not LedgerTransaction.objects.filter(key=key).exists()


def test_the_service_refuses_a_payment_that_is_not_positive(network, owner, credited):
    invoice, _ = credited
    with scope(network=network), pytest.raises(PayoutError, match="always positive"):
        invoice_record_payment(
            network, invoice.pk, amount=Decimal("-30.000"), reference="W", actor=owner
        )


def test_paying_the_amount_due_balances_the_ledger_and_is_audited(network, owner, credited):
    invoice, _ = credited
    response = client_for(network, owner).post(
        f"/manage/invoices/{invoice.pk}/payment/",
        {"amount": "30.000", "reference": "WIRE-7"},
        follow=True,
    )
    assert "INV-2026-0003: payment recorded." in response.content.decode()
    with scope(network=network):
        cash = Account.objects.get(kind=Account.Kind.CASH, currency="KWD")
        receivable = Account.objects.get(kind="receivable", currency="KWD")
        assert ledger.balance(cash) == 130_000  # 100 + 30: no -100.000 booked
        assert ledger.balance(receivable) == 0  # 100 - 100 paid - 100 refunded + 130 - 30 paid
        sums = Entry.objects.values("transaction").annotate(total=Sum("amount"))
        assert {row["total"] for row in sums} == {0}
        entry = AuditEntry.objects.filter(action="invoice.paid").latest("id")
    assert (entry.actor, entry.reason, entry.to_state) == (owner, "WIRE-7", "paid")


# --- Terms and due date -------------------------------------------------------------------


def test_an_invoice_carries_the_networks_terms_and_its_due_date(network, owner, world):
    network.invoice_terms_days = 14
    network.timezone = "Asia/Tokyo"
    network.save()
    kwd(network, world, IN_NOVEMBER)
    issued = datetime(2026, 12, 1, 16, tzinfo=UTC)  # Dec 2 in Tokyo
    (invoice,) = bill(network, NOVEMBER, issued)
    assert (invoice.terms_days, invoice.due_date) == (14, date(2026, 12, 16))
    html = client_for(network, owner).get(f"/manage/invoices/{invoice.pk}/").content.decode()
    assert "Payment terms" in html and "Net 14" in html
    assert "Due date" in html and "Dec 16, 2026" in html
    from network.tests.api import api_client, key_for

    body = api_client(network, key_for(network, owner)).get(f"/api/v1/admin/invoices/{invoice.pk}/")
    body = body.json()
    assert (body["payment_terms"], body["terms_days"], body["due_date"]) == (
        "Net 14",
        14,
        "2026-12-16",
    )
    assert (body["total"], body["credit_applied"], body["amount_due"]) == (
        "100.000",
        "0.000",
        "100.000",
    )
    network.invoice_terms_days = 0
    network.save()
    kwd(network, world, IN_DECEMBER)
    (december,) = bill(network, DECEMBER, AFTER_DECEMBER)
    assert december.terms_label == "Due on receipt"
    with scope(network=network):  # a change applies to invoices issued after it
        assert Invoice.objects.get(pk=invoice.pk).terms_days == 14


def test_the_invoice_email_says_the_credit_applied_the_amount_due_and_the_due_date(
    network, advertiser_user, credited, mailoutbox
):
    from invoices.emails import send_invoice_issued

    invoice, _ = credited
    with scope(network=network):
        send_invoice_issued(invoice.pk)
    (mail,) = [m for m in mailoutbox if "INV-2026-0003" in m.subject]
    assert "Credit notes applied: 100.000 KWD. Amount due: 30.000 KWD." in mail.body
    assert "Payment terms: Net 30, due on Feb 1, 2027." in mail.body
