"""Invoice pages: advertisers see their own invoices and what they owe; admins filter every
invoice, bill a closed month and record payments. Data comes from real ledger postings."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connections
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_member, make_world
from invoices.services import invoices_create
from network.models import Role
from payouts import ledger
from payouts.models import Account, Invoice, LedgerTransaction
from payouts.tests.helpers import AFTER_OCTOBER, IN_NOVEMBER, IN_OCTOBER, OCTOBER, approved
from tracking.tests.helpers import add_goal, add_offer, goal_terms

URLS = [
    "/advertiser/invoices/",
    "/advertiser/invoices/{pk}/",
    "/manage/invoices/",
    "/manage/invoices/{pk}/",
    "/manage/invoices/{pk}/payment/",
]


def offer_of(network, advertiser, name: str) -> dict:
    """A world-like dict for make_conversion: another offer with its default goal."""
    offer = add_offer(network, advertiser, name, goal=goal_terms(50, 40))
    with scopes_disabled():
        goal = offer.goals.get()
    return {"offer": offer, "goal": goal}


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """Alpha Shop (advertiser_user's company) owns the world's offer; make_world also made
    invoice 1 (September, no lines) for it."""
    return make_world(network, owner)


@pytest.fixture
def other_advertiser(network):
    user = make_member(network, Role.ADVERTISER, "adv2@alpha.example", company="Other Shop")
    with scopes_disabled():
        return user, user.memberships.get().advertiser


@pytest.fixture
def lead_goal(network, world):
    return add_goal(world["offer"], "Lead", revenue=3, payout=2)


@pytest.fixture
def booked(network, world, lead_goal, other_advertiser):
    """October: Alpha Shop 2 sales (10.00) and a lead (3.00), Other Shop 1 sale (50.00);
    November: one more Alpha Shop sale, not invoiced yet."""
    approved(network, world, IN_OCTOBER)
    approved(network, world, IN_OCTOBER)
    approved(network, {**world, "goal": lead_goal}, IN_OCTOBER, revenue="3.00", payout="2.00")
    approved(network, world, IN_NOVEMBER)
    other = offer_of(network, other_advertiser[1], "Other Offer")
    approved(network, {**other, "offer_access": world["offer_access"]}, IN_OCTOBER, revenue="50.00")
    return other_advertiser


@pytest.fixture
def invoiced(network, booked):
    with time_machine.travel(AFTER_OCTOBER, tick=False), scope(network=network):
        made = invoices_create(network, OCTOBER)
    own, other = sorted(made, key=lambda invoice: invoice.number)
    assert (own.number, own.total, other.number, other.total) == (2, 2300, 3, 5000)
    return own, other


def get_invoice(network, pk: int) -> Invoice:
    with scope(network=network):
        return Invoice.objects.get(pk=pk)


# --- Advertisers -----------------------------------------------------------------------


def test_it_lists_the_advertisers_own_invoices_and_what_they_owe(
    network, advertiser_user, invoiced
):
    response = client_for(network, advertiser_user).get("/advertiser/invoices/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "INV-2026-0002" in html and "INV-2026-0001" in html
    assert "INV-2026-0003" not in html  # Other Shop's
    assert "23.00" in html and "October 2026" in html
    # 2 x 10.00 + 3.00 in October, 10.00 in November: all approved, none paid.
    assert response.context["receivables"] == [{"currency": "USD", "amount": Decimal("33.00")}]
    assert "33.00 USD" in html


def test_it_shows_the_advertiser_a_printable_invoice_with_a_line_per_offer_and_goal(
    network, advertiser_user, invoiced
):
    own, _ = invoiced
    response = client_for(network, advertiser_user).get(f"/advertiser/invoices/{own.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Invoice INV-2026-0002" in html
    assert "Alpha Network" in html and "Alpha Shop" in html  # issuer and customer
    assert "October 2026" in html and "Issued" in html
    rows = [
        (line.offer.name, line.goal.name, line.conversions, line.money)
        for line in response.context["lines"]
    ]
    assert rows == [
        ("World Offer alpha", "Lead", 1, Decimal("3.00")),
        ("World Offer alpha", "Sale", 2, Decimal("20.00")),
    ]
    assert "23.00 USD" in html
    assert "record payment" not in html.lower()  # the form is the admins'


def test_it_prints_without_inline_scripts(network, advertiser_user, invoiced):
    own, _ = invoiced
    html = (
        client_for(network, advertiser_user).get(f"/advertiser/invoices/{own.pk}/").content
    ).decode()
    assert "data-print" in html
    assert "/static/js/print.js" in html and "/static/css/invoice.css" in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


def test_it_answers_404_for_another_advertisers_invoice(network, advertiser_user, invoiced):
    _, other = invoiced
    client = client_for(network, advertiser_user)
    assert client.get(f"/advertiser/invoices/{other.pk}/").status_code == 404


def test_it_lets_the_other_advertiser_see_only_theirs(network, invoiced, booked):
    own, other = invoiced
    client = client_for(network, booked[0])
    html = client.get("/advertiser/invoices/").content.decode()
    assert "INV-2026-0003" in html and "INV-2026-0002" not in html
    assert client.get(f"/advertiser/invoices/{own.pk}/").status_code == 404
    assert client.get(f"/advertiser/invoices/{other.pk}/").status_code == 200


def test_it_refuses_publishers_and_keeps_advertisers_out_of_admin_pages(
    network, publisher_user, advertiser_user, invoiced
):
    own, _ = invoiced
    for url in URLS:
        path = url.format(pk=own.pk)
        assert client_for(network, publisher_user).get(path).status_code == 403, path
        assert client_for(network, publisher_user).post(path).status_code == 403, path
        if path.startswith("/manage/"):
            assert client_for(network, advertiser_user).post(path).status_code == 403, path


# --- Admins: list, filters, billing a month ---------------------------------------------


def test_it_lists_every_invoice_with_receivables(network, manager, invoiced):
    response = client_for(network, manager).get("/manage/invoices/")
    assert response.status_code == 200
    html = response.content.decode()
    for number in ("INV-2026-0001", "INV-2026-0002", "INV-2026-0003"):
        assert number in html
    assert response.context["receivables"] == [{"currency": "USD", "amount": Decimal("83.00")}]
    (totals,) = response.context["totals"]
    assert (totals["count"], totals["billed"], totals["unpaid"]) == (
        3,
        Decimal("273.00"),  # make_world's 200.00 + 23.00 + 50.00
        Decimal("273.00"),
    )


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("status=issued", {1, 2, 3}),
        ("status=paid", set()),
        ("period=2026-10", {2, 3}),
        ("period=2026-09", {1}),
        ("period=1999-99", {1, 2, 3}),  # not a choice: ignored
    ],
)
def test_it_filters_invoices(network, owner, invoiced, query, shown):
    response = client_for(network, owner).get(f"/manage/invoices/?{query}")
    assert {row.record.number for row in response.context["table"].rows} == shown


def test_it_filters_by_advertiser_and_shows_their_receivable(network, owner, invoiced, booked):
    other = booked[1]
    response = client_for(network, owner).get(f"/manage/invoices/?advertiser={other.pk}")
    assert {row.record.number for row in response.context["table"].rows} == {3}
    assert response.context["receivables"] == [{"currency": "USD", "amount": Decimal("50.00")}]
    assert "Receivable from Other Shop" in response.content.decode()


def test_it_creates_a_months_invoices_once_and_says_how_many(network, owner, booked):
    with time_machine.travel(AFTER_OCTOBER, tick=False):
        client = client_for(network, owner)
        page = client.get("/manage/invoices/")
        assert page.context["create_form"]["period"].value() == "2026-10"
        response = client.post("/manage/invoices/", {"period": "2026-10"}, follow=True)
        assert "October 2026: 2 invoices created, 0 existed already." in response.content.decode()
        again = client.post("/manage/invoices/", {"period": "2026-10"}, follow=True)
        assert "October 2026: 0 invoices created, 2 existed already." in again.content.decode()
        empty = client.post("/manage/invoices/", {"period": "2026-08"}, follow=True)
        assert "nothing to bill" in empty.content.decode()
    with scope(network=network):
        assert Invoice.objects.filter(period=OCTOBER).count() == 2


def test_it_does_not_bill_a_month_that_has_not_ended(network, owner, booked):
    with time_machine.travel(AFTER_OCTOBER, tick=False):
        response = client_for(network, owner).post("/manage/invoices/", {"period": "2026-11"})
    assert response.status_code == 200
    assert "period" in response.context["create_form"].errors
    with scope(network=network):
        assert not Invoice.objects.filter(period=date(2026, 11, 1)).exists()


# --- Admins: the invoice and its payment ------------------------------------------------


def test_it_shows_admins_the_invoice_with_the_payment_form(network, owner, invoiced):
    _, other = invoiced
    response = client_for(network, owner).get(f"/manage/invoices/{other.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Invoice INV-2026-0003" in html and "Other Shop" in html and "50.00 USD" in html
    assert f'action="/manage/invoices/{other.pk}/payment/"' in html


def test_it_records_a_payment_once(network, owner, invoiced):
    own, _ = invoiced
    client = client_for(network, owner)
    response = client.post(
        f"/manage/invoices/{own.pk}/payment/",
        {"amount": "23.00", "reference": " WIRE 42 "},
        follow=True,
    )
    assert "INV-2026-0002: payment recorded." in response.content.decode()
    paid = get_invoice(network, own.pk)
    assert (paid.status, paid.payment_reference) == ("paid", "WIRE 42")
    assert paid.paid_at is not None
    with scope(network=network):
        cash = Account.objects.get(kind=Account.Kind.CASH, currency="USD")
        receivable = Account.objects.get(kind="receivable", advertiser=own.advertiser)
        assert ledger.balance(cash) == 2300
        assert ledger.balance(receivable) == 1000  # November's sale is still owed
        entry = AuditEntry.objects.get(action="invoice.paid")
        assert (entry.actor, entry.object_id, entry.to_state) == (owner, str(own.pk), "paid")

    again = client.post(
        f"/manage/invoices/{own.pk}/payment/",
        {"amount": "23.00", "reference": "WIRE 43"},
        follow=True,
    )
    html = again.content.decode()
    assert "INV-2026-0002 is paid already (reference WIRE 42); nothing was recorded." in html
    with scope(network=network):
        payments = LedgerTransaction.objects.filter(kind="adv_payment")
        assert payments.count() == 1
        assert ledger.balance(cash) == 2300
        assert AuditEntry.objects.filter(action="invoice.paid").count() == 1
    assert get_invoice(network, own.pk).payment_reference == "WIRE 42"
    detail = client.get(f"/manage/invoices/{own.pk}/").content.decode()
    assert "reference <strong>WIRE 42</strong>" in detail
    assert "/payment/" not in detail  # no form for a paid invoice


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent payments need PostgreSQL's row locks (set DATABASE_URL=postgres://...)",
)
@pytest.mark.django_db(transaction=True)
def test_admins_recording_the_same_payment_at_once_post_it_once(network, owner, invoiced):
    own, _ = invoiced
    clients = [client_for(network, owner) for _ in range(4)]
    barrier = threading.Barrier(len(clients))

    def record(client):
        try:
            barrier.wait()
            return client.post(
                f"/manage/invoices/{own.pk}/payment/", {"amount": "23.00", "reference": "WIRE 42"}
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        responses = list(pool.map(record, clients))
    assert [response.status_code for response in responses] == [302] * len(clients)
    with scope(network=network):
        assert LedgerTransaction.objects.filter(kind="adv_payment").count() == 1
        assert AuditEntry.objects.filter(action="invoice.paid").count() == 1
        cash = Account.objects.get(kind=Account.Kind.CASH, currency="USD")
        assert ledger.balance(cash) == 2300


def test_it_asks_for_the_payment_reference(network, manager, invoiced):
    own, _ = invoiced
    response = client_for(network, manager).post(
        f"/manage/invoices/{own.pk}/payment/", {"amount": "23.00", "reference": "   "}
    )
    assert response.status_code == 200
    assert "reference" in response.context["form"].errors
    assert get_invoice(network, own.pk).status == "issued"
    with scope(network=network):
        assert not LedgerTransaction.objects.filter(kind="adv_payment").exists()


def test_it_shows_times_in_the_networks_time_zone(network, owner, advertiser_user, invoiced):
    own, _ = invoiced
    network.timezone = "Asia/Tokyo"
    network.save()
    paid_at = datetime(2026, 11, 2, 20, 30, tzinfo=UTC)  # 05:30 on the 3rd in Tokyo
    with time_machine.travel(paid_at, tick=False):
        client_for(network, owner).post(
            f"/manage/invoices/{own.pk}/payment/", {"amount": "23.00", "reference": "X"}
        )
    html = client_for(network, advertiser_user).get(f"/advertiser/invoices/{own.pk}/")
    assert "Nov 3, 2026, 5:30\u202fAM" in html.content.decode()
    listing = client_for(network, advertiser_user).get("/advertiser/invoices/").content.decode()
    assert "Nov 3, 2026" in listing


def test_it_hides_another_networks_invoice_from_admins(network, owner, other_network):
    other_world = make_world(other_network, make_member(other_network, Role.OWNER, "o@b.example"))
    foreign = other_world["invoice"]
    client = client_for(network, owner)
    assert client.get(f"/manage/invoices/{foreign.pk}/").status_code == 404
    response = client.post(
        f"/manage/invoices/{foreign.pk}/payment/", {"amount": "200.00", "reference": "X"}
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert Invoice.objects.get(pk=foreign.pk).status == "issued"


def test_the_admins_advertiser_list_shows_what_each_owes_from_the_ledger(
    network, owner, world, other_advertiser, booked
):
    page = client_for(network, owner).get("/manage/advertisers/").content.decode()
    rows = {row.split("</td>")[0]: row for row in page.split("<tr><td>")[1:]}
    assert "33.00 USD" in rows[world["advertiser"].name]  # 10 + 10 + 3 + 10 in November
    assert "50.00 USD" in rows["Other Shop"]
