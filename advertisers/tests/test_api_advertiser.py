"""The advertiser's API: who may call it, their conversions (bulk decisions, order validation
by CSV) and invoices, under the same rules, services and audit as their pages. Their offers and
parts: offers/tests/test_api_advertiser.py."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from advertisers.models import Advertiser
from conftest import client_for, make_member, make_world
from network.audit import AuditEntry
from network.models import Role
from network.tests.api import api_client, key_for
from offers.models import Goal, LandingPage, Offer
from payouts.models import Entry, Invoice
from tracking.models import Click, Conversion

pytestmark = pytest.mark.django_db

API = "/api/v1/advertiser"
ENDPOINTS = ["offers", "goals", "landing-pages", "creatives", "conversions", "invoices"]


# --- Data ----------------------------------------------------------------------------------


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """make_world's offer (active, one landing page, a text creative, an invoice) belongs to
    advertiser_user's company, Alpha Shop."""
    return make_world(network, owner)


@pytest.fixture
def adv(network, advertiser_user, world):
    """A client with the advertiser's key."""
    return api_client(network, key_for(network, advertiser_user))


@pytest.fixture
def rival(network, world):
    """Another advertiser of the same network, with an active offer run by the same
    publisher, its landing page, creative and invoice."""
    make_member(network, Role.ADVERTISER, "rival@alpha.example", company="Rival Shop")
    with scopes_disabled():
        company = Advertiser.objects.get(network=network, name="Rival Shop")
        offer = make_offer(network, company, name="Rival Offer", status=Offer.Status.ACTIVE)
        offer.accesses.create(
            network=network, publisher=world["offer_access"].publisher, status="approved"
        )
        invoice = Invoice.objects.create(
            network=network,
            advertiser=company,
            number=2,
            period=datetime(2026, 9, 1).date(),
            currency="USD",
            total=5_000,
        )
    return {"company": company, "offer": offer, "invoice": invoice}


@pytest.fixture
def foreign(other_network):
    """Another network's world, and a client of its advertiser on its own host."""
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    user = make_member(other_network, Role.ADVERTISER, "adv@beta.example", company="Beta Shop")
    world = make_world(other_network, admin)
    return {**world, "client": api_client(other_network, key_for(other_network, user))}


def make_offer(network, company, *, name="Winter Sale", status="draft", ready=True) -> Offer:
    with scopes_disabled():
        offer = Offer.objects.create(
            network=network,
            advertiser=company,
            name=name,
            category="ecommerce",
            currency="USD",
            status=status,
        )
        Goal.objects.create(
            network=network,
            offer=offer,
            name="Sale",
            is_default=True,
            revenue_type="cpa",
            revenue_amount="10",
            payout_type="cpa",
            payout_amount="8",
            payout_set=True,
        )
        if ready:
            LandingPage.objects.create(
                network=network,
                offer=offer,
                name="Home",
                url_template="https://shop.example/?c={transaction_id}",
            )
    return offer


def make_conversion(
    offer: Offer,
    *,
    order_id: str = "",
    status: str = "pending",
    at: datetime | None = None,
    flags: list[str] | None = None,
) -> Conversion:
    with scopes_disabled():
        goal = Goal.objects.get(offer=offer, is_default=True)
        publisher = offer.accesses.first().publisher
        at = at or datetime.now(UTC)
        click = Click.objects.create(
            id=uuid4().hex, network=offer.network, offer=offer, publisher=publisher, created_at=at
        )
        return Conversion.objects.create(
            network=offer.network,
            click=click,
            offer=offer,
            goal=goal,
            publisher=publisher,
            status=status,
            sale_amount=Decimal("100.00"),
            revenue=Decimal("10.00"),
            payout=Decimal("8.00"),
            currency=offer.currency,
            method=Conversion.Method.POSTBACK,
            order_id=order_id,
            fraud_flags=flags or [],
            fraud_checked_at=at,
            created_at=at,
        )


def fresh(obj):
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


def audit_of(obj, action: str | None = None) -> list[AuditEntry]:
    with scopes_disabled():
        entries = AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
        if action:
            entries = entries.filter(action=action)
        return list(entries.order_by("id"))


def ledger_of(conversion: Conversion) -> list[tuple]:
    with scopes_disabled():
        entries = Entry.objects.filter(conversion_id=conversion.pk).select_related("account")
        return sorted((e.kind, e.account.kind, e.amount) for e in entries)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    return body["error"]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def key_prefix(client) -> str:
    return client._credentials["HTTP_AUTHORIZATION"].split("_")[1]


# --- Who may call --------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_answers_only_advertisers_of_this_network(
    network, other_network, world, advertiser_user, owner, publisher_user, endpoint
):
    key = key_for(network, advertiser_user)
    assert api_client(network, key).get(f"{API}/{endpoint}/").status_code == 200
    assert error_of(api_client(network).get(f"{API}/{endpoint}/"), 401)
    for member in (owner, publisher_user):  # members whose role is not advertiser
        client = api_client(network, key_for(network, member))
        assert error_of(client.get(f"{API}/{endpoint}/"), 403)["code"] == "permission_denied"
    # The key on another network's host is no key there.
    assert error_of(api_client(other_network, key).get(f"{API}/{endpoint}/"), 401)


def test_a_member_of_another_network_gets_404_for_this_networks_ids(
    network, other_network, world, foreign
):
    # A member of beta only, calling alpha's host with a session: not a member here.
    stranger = make_member(other_network, Role.ADVERTISER, "x@beta.example")
    assert error_of(client_for(network, stranger).get(f"{API}/offers/{world['offer'].pk}/"), 404)
    # Beta's advertiser on beta's host asking for alpha's rows: none of them exist there.
    for endpoint, obj in [
        ("offers", world["offer"]),
        ("goals", world["goal"]),
        ("landing-pages", world["landing_page"]),
        ("creatives", world["creative"]),
        ("invoices", world["invoice"]),
    ]:
        assert error_of(foreign["client"].get(f"{API}/{endpoint}/{obj.pk}/"), 404)
    conversion = make_conversion(world["offer"])
    assert error_of(foreign["client"].get(f"{API}/conversions/{conversion.pk}/"), 404)
    body = {"ids": [conversion.pk], "status": "approved"}
    answer = foreign["client"].post(f"{API}/conversions/decide/", body, format="json")
    assert answer.json()["not_found"] == [conversion.pk] and fresh(conversion).status == "pending"


def test_another_advertiser_of_the_network_sees_none_of_it(network, world, adv, rival):
    conversion = make_conversion(rival["offer"])
    with scopes_disabled():
        goal, page = rival["offer"].goals.get(), rival["offer"].landing_pages.get()
    for path in (
        f"offers/{rival['offer'].pk}/",
        f"goals/{goal.pk}/",
        f"landing-pages/{page.pk}/",
        f"conversions/{conversion.pk}/",
        f"invoices/{rival['invoice'].pk}/",
    ):
        assert error_of(adv.get(f"{API}/{path}"), 404), path
    assert error_of(adv.patch(f"{API}/offers/{rival['offer'].pk}/", {"name": "Mine"}), 404)
    assert error_of(adv.post(f"{API}/offers/{rival['offer'].pk}/pause/"), 404)
    assert error_of(adv.patch(f"{API}/goals/{goal.pk}/", {"name": "Mine"}, format="json"), 404)
    assert fresh(rival["offer"]).status == "active" and fresh(goal).name == "Sale"
    assert rival["offer"].pk not in ids(adv.get(f"{API}/offers/"))


# --- Conversions ---------------------------------------------------------------------------


def test_it_lists_and_filters_the_conversions_of_the_companys_offers(
    network, world, adv, rival, foreign
):
    offer = world["offer"]
    second = make_offer(network, world["advertiser"], name="Second", status="active")
    with scopes_disabled():
        second.accesses.create(network=network, publisher=world["offer_access"].publisher)
    early = make_conversion(offer, order_id="A-1", at=datetime(2025, 3, 1, 12, tzinfo=UTC))
    late = make_conversion(
        offer, order_id="A-2", status="approved", at=datetime(2025, 3, 3, 12, tzinfo=UTC)
    )
    flagged = make_conversion(second, order_id="B-1", flags=["fast_conversion"])
    make_conversion(rival["offer"], order_id="A-1")
    make_conversion(foreign["offer"], order_id="A-1")
    url = f"{API}/conversions/"

    assert ids(adv.get(url)) == [flagged.pk, late.pk, early.pk]
    assert ids(adv.get(url, {"status": "approved"})) == [late.pk]
    assert ids(adv.get(url, {"offer": second.pk})) == [flagged.pk]
    assert ids(adv.get(url, {"order_id": "A-1"})) == [early.pk]
    assert ids(adv.get(url, {"transaction_id": late.click_id})) == [late.pk]
    assert ids(adv.get(url, {"flagged": "yes"})) == [flagged.pk]
    assert ids(adv.get(url, {"flagged": "no"})) == [late.pk, early.pk]
    assert ids(adv.get(url, {"created_from": "2025-03-01", "created_to": "2025-03-02"})) == [
        early.pk
    ]
    assert ids(adv.get(url, {"ordering": "created_at"})) == [early.pk, late.pk, flagged.pk]
    # Another advertiser's offer finds none of its conversions.
    assert ids(adv.get(url, {"offer": rival["offer"].pk})) == []
    assert error_of(adv.get(url, {"created_from": "0001-01-01"}), 400)["fields"]["created_from"]
    page = adv.get(url, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and ids(adv.get(page["next"])) == [early.pk]
    one = adv.get(f"{url}{flagged.pk}/").json()
    assert (one["sale_amount"], one["revenue"], one["currency"]) == ("100.00", "10.00", "USD")
    assert one["fraud_flags"] == ["fast_conversion"] and one["transaction_id"] == flagged.click_id
    assert "payout" not in one  # the publisher's side is not the advertiser's business


def test_a_bulk_decision_writes_the_same_audit_and_ledger_as_the_page(
    network, world, adv, advertiser_user, rival, foreign
):
    by_page = [make_conversion(world["offer"]) for _ in range(2)]
    by_api = [make_conversion(world["offer"]) for _ in range(2)]
    theirs, abroad = make_conversion(rival["offer"]), make_conversion(foreign["offer"])
    page = client_for(network, advertiser_user)
    page.post(
        "/advertiser/conversions/", {"selected": [c.pk for c in by_page], "action": "approved"}
    )
    response = adv.post(
        f"{API}/conversions/decide/",
        {"ids": [by_api[0].pk, by_api[1].pk, theirs.pk, abroad.pk], "status": "approved"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["changed"], body["errors"]) == (2, [])
    assert body["not_found"] == sorted([theirs.pk, abroad.pk])
    assert body["conversions"] == [{"id": c.pk, "status": "approved"} for c in by_api]
    for api_made, page_made in zip(by_api, by_page, strict=True):
        assert fresh(api_made).status == fresh(page_made).status == "approved"
        [api_entry], [page_entry] = audit_of(api_made), audit_of(page_made)

        def facts(entry):
            return (entry.action, entry.from_state, entry.to_state, entry.actor_id, entry.reason)

        assert (
            facts(api_entry)
            == facts(page_entry)
            == (
                "conversion.approved",
                "pending",
                "approved",
                advertiser_user.pk,
                "",
            )
        )
        assert api_entry.actor_label == f"{page_entry.actor_label} via API key {key_prefix(adv)}"
        assert ledger_of(api_made) == ledger_of(page_made) != []
        assert sum(amount for _kind, _account, amount in ledger_of(api_made)) == 0
    assert fresh(theirs).status == fresh(abroad).status == "pending"
    assert ledger_of(theirs) == ledger_of(abroad) == []


def test_a_rejection_needs_a_reason_and_a_reversal_moves_the_money_back(network, world, adv):
    pending, approved = make_conversion(world["offer"]), make_conversion(world["offer"])
    url = f"{API}/conversions/decide/"
    error = error_of(adv.post(url, {"ids": [pending.pk], "status": "rejected"}, format="json"), 400)
    assert error["fields"] == {"reason": ["Say why the conversions are rejected."]}
    assert fresh(pending).status == "pending" and audit_of(pending) == []
    done = adv.post(
        url, {"ids": [pending.pk], "status": "rejected", "reason": "Cancelled order"}, format="json"
    )
    assert done.json()["changed"] == 1
    rejected = fresh(pending)
    assert (rejected.status, rejected.reason_code) == ("rejected", "Cancelled order")
    assert audit_of(pending)[0].reason == "Cancelled order" and ledger_of(pending) == []

    adv.post(url, {"ids": [approved.pk], "status": "approved"}, format="json")
    reversed_ = adv.post(
        url,
        {"ids": [approved.pk, pending.pk], "status": "reversed", "reason": "Returned"},
        format="json",
    ).json()
    assert reversed_["changed"] == 1
    assert reversed_["errors"] == [f"#{pending.pk}: A rejected conversion cannot become reversed."]
    assert {k for k, _a, _m in ledger_of(approved)} == {"approval", "reversal"}
    assert sum(amount for _k, _a, amount in ledger_of(approved)) == 0


def test_an_advertiser_cannot_override_a_decision(network, world, adv):
    """Overrides (any status to any other, e.g. a rejected or flagged conversion approved
    again) are the network admins' (the page offers them to owners and managers only)."""
    rejected = make_conversion(world["offer"], status="rejected", flags=["ip_velocity"])
    url = f"{API}/conversions/decide/"
    for sneaky in (
        {"ids": [rejected.pk], "status": "pending", "reason": "x"},
        {"ids": [rejected.pk], "status": "override", "to_status": "approved", "reason": "x"},
    ):
        assert "status" in error_of(adv.post(url, sneaky, format="json"), 400)["fields"]
    body = adv.post(
        url, {"ids": [rejected.pk], "status": "approved", "override": True}, format="json"
    ).json()
    assert body["changed"] == 0
    assert body["errors"] == [f"#{rejected.pk}: A rejected conversion cannot become approved."]
    assert fresh(rejected).status == "rejected" and audit_of(rejected) == []


def test_it_refuses_selections_the_page_refuses(network, world, adv):
    conversion = make_conversion(world["offer"])
    url = f"{API}/conversions/decide/"
    for bad in ([], [conversion.pk, 2**63], [conversion.pk, -1], list(range(1, 502))):
        response = adv.post(url, {"ids": bad, "status": "approved"}, format="json")
        assert "ids" in error_of(response, 400)["fields"], bad
    assert fresh(conversion).status == "pending"


def test_a_retried_decision_with_its_idempotency_key_is_made_once(network, world, adv):
    conversion = make_conversion(world["offer"])
    body = {"ids": [conversion.pk], "status": "approved"}
    first = adv.post(f"{API}/conversions/decide/", body, format="json", HTTP_IDEMPOTENCY_KEY="d1")
    again = adv.post(f"{API}/conversions/decide/", body, format="json", HTTP_IDEMPOTENCY_KEY="d1")
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert len(audit_of(conversion)) == 1


# --- Order validation by CSV ---------------------------------------------------------------


def csv_upload(client, text: str, **extra):
    data = {"file": SimpleUploadedFile("orders.csv", text.encode(), content_type="text/csv")}
    return client.post(f"{API}/conversions/validate/", {**data, **extra}, format="multipart")


def test_the_csv_upload_previews_applies_and_applies_again_as_nothing(
    network, world, adv, advertiser_user, rival
):
    offer = world["offer"]
    approve = make_conversion(offer, order_id="A-1")
    reject = make_conversion(offer, order_id="A-2")
    done = make_conversion(offer, order_id="A-4", status="rejected")
    theirs = make_conversion(rival["offer"], order_id="R-1")
    text = "\n".join(
        [
            "order_id,status,sale_amount,reason",
            "A-1,approved,80.5,",  # 2: approve, with a corrected amount
            "A-2,rejected,,Cancelled",  # 3
            "A-4,approved,,",  # 4: a rejected conversion cannot become approved
            "R-1,approved,,",  # 5: another advertiser's
            "NOPE,approved,,",  # 6
        ]
    )
    preview = csv_upload(adv, text, dry_run="true")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert (body["dry_run"], body["file"]) == (True, "orders.csv")
    assert body["tally"] == {"change": 2, "changed": 0, "unchanged": 0, "error": 3}
    rows = {row["line"]: row for row in body["rows"]}
    assert (rows[2]["outcome"], rows[2]["conversion"], rows[2]["new_sale_amount"]) == (
        "change",
        approve.pk,
        "80.50",
    )
    assert rows[2]["status_before"] == "pending"
    assert rows[4]["error"] == "A rejected conversion cannot become approved."
    assert rows[5]["error"] == "This conversion belongs to another advertiser."
    assert (rows[5]["conversion"], rows[5]["status_before"]) == (None, None)  # nothing shown
    assert rows[6]["error"] == "No conversion has this order id."
    assert fresh(approve).status == "pending" and audit_of(approve) == audit_of(reject) == []

    applied = csv_upload(adv, text).json()
    assert applied["dry_run"] is False
    assert applied["tally"] == {"change": 0, "changed": 2, "unchanged": 0, "error": 3}
    assert (fresh(approve).status, fresh(approve).sale_amount) == ("approved", Decimal("80.50"))
    assert (fresh(reject).status, fresh(reject).reason_code) == ("rejected", "Cancelled")
    assert fresh(done).status == "rejected" and fresh(theirs).status == "pending"
    assert [e.actor_id for e in audit_of(approve) + audit_of(reject)] == [advertiser_user.pk] * 2
    assert ledger_of(approve) and not ledger_of(theirs)

    again = csv_upload(adv, text).json()
    assert again["tally"] == {"change": 0, "changed": 0, "unchanged": 2, "error": 3}
    assert len(audit_of(approve)) == 1


def test_it_refuses_a_file_it_cannot_read(network, world, adv):
    error = error_of(csv_upload(adv, "order,state\nA,approved\n"), 400)
    assert "The first line must name the columns" in error["fields"]["file"][0]
    response = adv.post(f"{API}/conversions/validate/", {"file": "not a file"}, format="multipart")
    assert "file" in error_of(response, 400)["fields"]


# --- Invoices ------------------------------------------------------------------------------


def test_it_lists_and_shows_the_companys_invoices(network, world, adv, rival):
    invoice = world["invoice"]
    listed = adv.get(f"{API}/invoices/")
    assert ids(listed) == [invoice.pk]
    row = listed.json()["results"][0]
    assert (row["number"], row["total"], row["currency"], row["status"]) == (
        "INV-2026-0001",
        "200.00",
        "USD",
        "issued",
    )
    assert ids(adv.get(f"{API}/invoices/", {"status": "paid"})) == []
    assert ids(adv.get(f"{API}/invoices/", {"period_from": "2026-09-01"})) == [invoice.pk]
    assert ids(adv.get(f"{API}/invoices/", {"period_from": "2026-10-01"})) == []
    detail = adv.get(f"{API}/invoices/{invoice.pk}/")
    assert detail.status_code == 200 and detail.json()["lines"] == []
    assert adv.post(f"{API}/invoices/", {}, format="json").status_code in (403, 405)
    with scopes_disabled():
        assert Invoice.objects.filter(network=network).count() == 2
