"""The admins' invoices, audit log and members through the API: what the invoice, audit and
members pages show, with their filters; recording an invoice's payment through the page's
service (ledger posting, audit entry, refusals); owners and managers only; another network's
rows are not found."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django_scopes import scope, scopes_disabled

from conftest import make_member, make_world
from network.audit import AuditEntry
from network.models import Membership, Role
from network.tests.api import api_client, key_for
from payouts import ledger
from payouts.models import Account, Invoice, InvoiceLine

pytestmark = pytest.mark.django_db
ADMIN = "/api/v1/admin"


@pytest.fixture
def world(network, owner):
    return make_world(network, owner)


@pytest.fixture
def owner_api(network, owner):
    return api_client(network, key_for(network, owner))


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def make_invoice(world, *, number: int, period: date, status: str = "issued", **extra):
    with scopes_disabled():
        invoice = Invoice.objects.create(
            network=world["offer"].network,
            advertiser=world["advertiser"],
            number=number,
            period=period,
            currency="USD",
            total=123_450,
            status=status,
            **extra,
        )
        InvoiceLine.objects.create(
            network=invoice.network,
            invoice=invoice,
            offer=world["offer"],
            goal=world["goal"],
            conversions=12,
            amount=123_450,
        )
    return invoice


# --- Invoices -----------------------------------------------------------------------------


def test_it_lists_invoices_with_money_as_strings_and_filters(network, world, owner_api):
    october = make_invoice(world, number=2, period=date(2026, 10, 1))
    paid = make_invoice(world, number=3, period=date(2026, 8, 1), status="paid")
    with scopes_disabled():
        other_company = type(world["advertiser"]).objects.create(network=network, name="Other")
        Invoice.objects.filter(pk=paid.pk).update(advertiser=other_company)
    rows = results(owner_api.get(f"{ADMIN}/invoices/"))
    # Newest month first: October, September (make_world's), August.
    assert [r["id"] for r in rows] == [october.pk, world["invoice"].pk, paid.pk]
    assert rows[0]["number"] == "INV-2026-0002"
    assert (rows[0]["total"], rows[0]["currency"]) == ("1234.50", "USD")
    assert rows[0]["advertiser_name"] == world["advertiser"].name

    def ids(**query) -> list[int]:
        return [r["id"] for r in results(owner_api.get(f"{ADMIN}/invoices/", query))]

    assert ids(status="paid") == [paid.pk]
    assert ids(advertiser=other_company.pk) == [paid.pk]
    assert ids(period_from="2026-09-01") == [october.pk, world["invoice"].pk]
    assert ids(period_from="2026-09-01", period_to="2026-09-30") == [world["invoice"].pk]
    assert ids(ordering="period") == [paid.pk, world["invoice"].pk, october.pk]
    assert owner_api.get(f"{ADMIN}/invoices/", {"status": "void"}).status_code == 400


def test_an_invoice_reads_with_its_lines(world, owner_api):
    invoice = make_invoice(world, number=2, period=date(2026, 10, 1))
    body = owner_api.get(f"{ADMIN}/invoices/{invoice.pk}/").json()
    assert body["status"] == "issued" and body["total"] == "1234.50"
    assert body["lines"] == [
        {
            "offer": world["offer"].pk,
            "offer_name": world["offer"].name,
            "goal": world["goal"].pk,
            "goal_name": "Sale",
            "conversions": 12,
            "amount": "1234.50",
        }
    ]


def test_a_manager_records_a_payment_as_the_page_does(network, world, manager):
    invoice = world["invoice"]  # 200.00 USD, issued
    api = api_client(network, key_for(network, manager))
    response = api.post(
        f"{ADMIN}/invoices/{invoice.pk}/record_payment/",
        {"amount": "200.00", "reference": "WIRE-88213", "status": "issued", "total": "1.00"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["payment_reference"], body["total"]) == (
        "paid",
        "WIRE-88213",
        "200.00",  # a total sent along changes nothing
    )
    assert body["paid_at"] is not None
    with scope(network=network):
        entry = AuditEntry.objects.get(action="invoice.paid")
        cash = ledger.account(network, Account.Kind.CASH, "USD")
        assert ledger.balance(cash) == 20_000
    assert (entry.object_id, entry.from_state, entry.to_state, entry.reason) == (
        str(invoice.pk),
        "issued",
        "paid",
        "WIRE-88213",
    )
    assert entry.actor == manager and "via API key" in entry.actor_label


def test_a_paid_invoice_or_a_blank_reference_records_nothing(network, world, owner_api):
    invoice = world["invoice"]
    url = f"{ADMIN}/invoices/{invoice.pk}/record_payment/"
    blank = owner_api.post(url, {"amount": "200.00", "reference": "  "}, format="json")
    assert blank.status_code == 400 and "reference" in blank.json()["error"]["fields"]
    assert (
        owner_api.post(url, {"amount": "200.00", "reference": "R-1"}, format="json").status_code
        == 200
    )
    again = owner_api.post(url, {"amount": "200.00", "reference": "R-2"}, format="json")
    assert again.status_code == 400
    assert "paid already (reference R-1)" in again.json()["error"]["message"]
    with scope(network=network):
        assert AuditEntry.objects.filter(action="invoice.paid").count() == 1
        assert Invoice.objects.get(pk=invoice.pk).payment_reference == "R-1"


def test_another_networks_invoice_is_not_found(network, other_network, owner_api, world):
    theirs = make_world(other_network, make_member(other_network, Role.OWNER, "o@beta.example"))
    invoice = theirs["invoice"]
    assert owner_api.get(f"{ADMIN}/invoices/{invoice.pk}/").status_code == 404
    paying = owner_api.post(
        f"{ADMIN}/invoices/{invoice.pk}/record_payment/",
        {"amount": "200.00", "reference": "X"},
        format="json",
    )
    assert paying.status_code == 404
    assert invoice.pk not in [r["id"] for r in results(owner_api.get(f"{ADMIN}/invoices/"))]
    with scopes_disabled():
        assert Invoice.objects.get(pk=invoice.pk).status == "issued"


@pytest.mark.parametrize("path", ["invoices/", "audit-log/", "members/"])
def test_companies_keys_are_refused_on_the_admin_routes(
    path, network, world, advertiser_user, publisher_user
):
    for user in (advertiser_user, publisher_user):
        api = api_client(network, key_for(network, user))
        assert api.get(f"{ADMIN}/{path}").status_code == 403
    api = api_client(network, key_for(network, advertiser_user))
    paying = api.post(
        f"{ADMIN}/invoices/{world['invoice'].pk}/record_payment/",
        {"amount": "200.00", "reference": "X"},
        format="json",
    )
    assert paying.status_code == 403
    with scopes_disabled():
        assert Invoice.objects.get(pk=world["invoice"].pk).status == "issued"


# --- Audit log ----------------------------------------------------------------------------


def entry(network, action: str, at: datetime, **fields) -> AuditEntry:
    with scopes_disabled():
        return AuditEntry.objects.create(
            network=network,
            action=action,
            created_at=at,
            actor_label=fields.pop("actor_label", "system: jobs"),
            object_type=fields.pop("object_type", "offers.offer"),
            object_id=fields.pop("object_id", "1"),
            object_repr=fields.pop("object_repr", "Summer Sale"),
            **fields,
        )


@pytest.fixture
def log(network, other_network, owner, manager):
    network.timezone = "Asia/Ho_Chi_Minh"  # UTC+7
    network.save()
    return {
        "old": entry(network, "offer.status", datetime(2026, 11, 1, 9, tzinfo=UTC)),
        # 19 Nov 18:30 UTC is 20 Nov 01:30 in Ho Chi Minh City.
        "late": entry(
            network,
            "invoice.paid",
            datetime(2026, 11, 19, 18, 30, tzinfo=UTC),
            actor=owner,
            actor_label=owner.email,
            object_type="payouts.invoice",
            object_id="3",
            object_repr="INV-2026-0003",
            reason="WIRE-88213",
        ),
        "new": entry(
            network,
            "offer.created",
            datetime(2026, 11, 21, 9, tzinfo=UTC),
            actor=manager,
            actor_label=manager.email,
            object_id="2",
        ),
        "theirs": entry(other_network, "offer.status", datetime(2026, 11, 22, tzinfo=UTC)),
    }


def without_keys(rows: list[dict]) -> list[dict]:
    """Leaves out the entry of the test's own API key (written at the real time)."""
    return [row for row in rows if row["object_type"] != "network.apikey"]


def test_the_audit_log_lists_the_networks_entries_newest_first(log, owner_api, owner):
    rows = without_keys(results(owner_api.get(f"{ADMIN}/audit-log/")))
    assert [r["id"] for r in rows] == [log["new"].pk, log["late"].pk, log["old"].pk]
    late = rows[1]
    assert (late["actor"], late["actor_id"], late["action"], late["reason"]) == (
        owner.email,
        owner.pk,
        "invoice.paid",
        "WIRE-88213",
    )
    assert owner_api.get(f"{ADMIN}/audit-log/{log['late'].pk}/").json() == late
    assert owner_api.get(f"{ADMIN}/audit-log/{log['theirs'].pk}/").status_code == 404
    assert owner_api.post(f"{ADMIN}/audit-log/", {}, format="json").status_code == 405


def test_the_audit_log_filters_as_the_page_does(log, owner_api, manager):
    def ids(**query) -> list[int]:
        rows = results(owner_api.get(f"{ADMIN}/audit-log/", query))
        return [r["id"] for r in without_keys(rows)]

    assert ids(actor=manager.pk) == [log["new"].pk]
    assert ids(actor="system") == [log["old"].pk]
    assert ids(action="offer") == [log["new"].pk, log["old"].pk]
    assert ids(action="offer.status") == [log["old"].pk]
    assert ids(object_type="payouts.invoice") == [log["late"].pk]
    assert ids(object_type="offers.offer", object_id="2") == [log["new"].pk]
    assert ids(q="wire-88") == [log["late"].pk]
    # Days in the network's time zone: 01:30 on the 20th there is still the 19th in UTC.
    assert ids(created_from="2026-11-20", created_to="2026-11-20") == [log["late"].pk]
    assert ids(created_to="2026-11-19") == [log["old"].pk]
    # An actor who is not a member here is no choice: refused, not an empty page.
    assert owner_api.get(f"{ADMIN}/audit-log/", {"actor": "999999"}).status_code == 400


def test_the_audit_log_pages_with_a_cursor(log, owner_api):
    query = {"page_size": 2, "created_to": "2026-11-21"}  # not the key's own entry
    first = owner_api.get(f"{ADMIN}/audit-log/", query).json()
    assert [r["id"] for r in first["results"]] == [log["new"].pk, log["late"].pk]
    second = owner_api.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [log["old"].pk] and second["next"] is None


# --- Members ------------------------------------------------------------------------------


def test_members_list_with_role_and_company(network, owner_api, owner, advertiser_user):
    rows = results(owner_api.get(f"{ADMIN}/members/", {"ordering": "id"}))
    assert [r["email"] for r in rows] == [owner.email, advertiser_user.email]
    with scopes_disabled():
        membership = Membership.objects.get(network=network, user=advertiser_user)
    assert rows[1] == {
        "id": membership.pk,
        "user": advertiser_user.pk,
        "email": "adv@alpha.example",
        "role": "advertiser",
        "advertiser": membership.advertiser_id,
        "publisher": None,
        "company": "Alpha Shop",
        "created_at": rows[1]["created_at"],
    }
    assert rows[0]["company"] is None and rows[0]["role"] == "owner"
    found = results(owner_api.get(f"{ADMIN}/members/", {"role": "advertiser"}))
    assert [r["id"] for r in found] == [membership.pk]
    found = results(owner_api.get(f"{ADMIN}/members/", {"search": "ADV@"}))
    assert [r["id"] for r in found] == [membership.pk]
    found = results(owner_api.get(f"{ADMIN}/members/", {"advertiser": membership.advertiser_id}))
    assert [r["id"] for r in found] == [membership.pk]
    assert owner_api.get(f"{ADMIN}/members/{membership.pk}/").json() == rows[1]


def test_another_networks_member_is_not_found(other_network, owner_api):
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    with scopes_disabled():
        theirs = Membership.objects.get(user=stranger)
    assert owner_api.get(f"{ADMIN}/members/{theirs.pk}/").status_code == 404
    emails = [r["email"] for r in results(owner_api.get(f"{ADMIN}/members/"))]
    assert stranger.email not in emails
