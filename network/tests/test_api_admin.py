"""The admins' API (/api/v1/admin/): offers, access requests and conversions. Publishers and
advertisers: publishers/tests/test_api_admin.py, advertisers/tests/test_api_admin.py; payout
runs: test_api_admin_payouts.py. The 401/404/403 of every route for every role:
test_api_matrix.py; here the behaviour of each endpoint, its refusals and its audit."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from conftest import make_member, make_world
from network.audit import AuditEntry
from network.models import Role
from network.tests.api import api_client, key_for
from offers.models import Offer, OfferAccess
from payouts.models import LedgerTransaction
from payouts.tests.helpers import make_conversion, make_publisher
from tracking.models import Conversion

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


@pytest.fixture
def world(network, owner):
    return make_world(network, owner, money=False)


@pytest.fixture
def key(network, owner):
    return key_for(network, owner)


@pytest.fixture
def api(network, key):
    return api_client(network, key)


def via(user, key: str) -> str:
    """The actor label of an audit entry written through `key`."""
    return f"{user.email} via API key {key.split('_')[1]}"


def audit_of(obj, action: str) -> list[AuditEntry]:
    with scopes_disabled():
        return list(
            AuditEntry.objects.filter(
                action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
            ).order_by("id")
        )


def fresh(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return [row["id"] for row in response.json()["results"]]


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    return response.json()["error"]


def other_world(other_network):
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    return stranger, make_world(other_network, stranger, money=False)


# --- Offers --------------------------------------------------------------------------------


@pytest.fixture
def pending_offer(world):
    offer = world["offer"]
    with scopes_disabled():
        Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.PENDING)
    return fresh(offer)


def test_it_lists_the_networks_offers_with_filters(api, network, world, other_network):
    offer = world["offer"]
    _stranger, theirs = other_world(other_network)
    assert ids(api.get(f"{API}/offers/")) == [offer.pk]
    assert ids(api.get(f"{API}/offers/", {"status": "active"})) == [offer.pk]
    assert ids(api.get(f"{API}/offers/", {"status": "pending"})) == []
    assert ids(api.get(f"{API}/offers/", {"visibility": "public"})) == []
    assert ids(api.get(f"{API}/offers/", {"advertiser": world["advertiser"].pk})) == [offer.pk]
    # Another network's advertiser id finds nothing here.
    assert ids(api.get(f"{API}/offers/", {"advertiser": theirs["advertiser"].pk})) == []
    assert ids(api.get(f"{API}/offers/", {"search": str(offer.pk)})) == [offer.pk]


def test_the_offer_shows_its_goals_and_the_moves_it_allows(api, network, pending_offer):
    body = api.get(f"{API}/offers/{pending_offer.pk}/").json()
    assert body["moves"] == ["approve", "send_back", "archive"]
    [goal] = body["goals"]
    assert (goal["revenue_amount"], goal["payout_amount"], goal["payout_percent"]) == (
        "10.00",
        "8.00",
        None,
    )


def test_it_approves_an_offer_and_audits_it(api, network, owner, key, pending_offer):
    response = api.post(f"{API}/offers/{pending_offer.pk}/approve/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    assert response.json()["moves"] == ["pause", "archive"]
    [entry] = audit_of(pending_offer, "offer.status")
    assert (entry.from_state, entry.to_state, entry.actor_label) == (
        "pending",
        "active",
        via(owner, key),
    )


def test_sending_back_needs_a_note(api, network, pending_offer):
    url = f"{API}/offers/{pending_offer.pk}/send_back/"
    assert "what to change" in error_of(api.post(url, {}, format="json"), 400)["message"]
    response = api.post(url, {"reason": "Add a VN landing page"}, format="json")
    assert response.json()["status"] == "draft"
    [entry] = audit_of(pending_offer, "offer.status")
    assert entry.reason == "Add a VN landing page"


def test_a_move_the_offer_does_not_allow_now_is_refused(api, network, world):
    """Approve and resume both lead to active; a paused offer is resumed, not approved."""
    offer = world["offer"]
    assert api.post(f"{API}/offers/{offer.pk}/pause/", {}, format="json").status_code == 200
    error = error_of(api.post(f"{API}/offers/{offer.pk}/approve/", {}, format="json"), 400)
    assert error["message"].startswith("An offer that is paused cannot make this move")
    assert fresh(offer).status == "paused"
    assert api.post(f"{API}/offers/{offer.pk}/resume/", {}, format="json").json()["status"] == (
        "active"
    )
    assert [e.to_state for e in audit_of(offer, "offer.status")] == ["paused", "active"]


def test_an_offer_move_changes_nothing_else_it_is_sent(api, network, pending_offer):
    sent = {"status": "archived", "name": "Hacked", "advertiser": 999, "currency": "EUR"}
    api.post(f"{API}/offers/{pending_offer.pk}/approve/", sent, format="json")
    offer = fresh(pending_offer)
    assert (offer.status, offer.name, offer.currency) == ("active", "World Offer alpha", "USD")


def test_another_networks_offer_is_not_found(api, network, world, other_network):
    _stranger, theirs = other_world(other_network)
    offer = theirs["offer"]
    assert api.post(f"{API}/offers/{offer.pk}/pause/", {}, format="json").status_code == 404
    assert fresh(offer).status == "active"


def test_it_invites_a_publisher_to_an_offer_and_audits_it(
    api, network, owner, key, world, other_network
):
    offer, invitee = world["offer"], make_publisher(network, "Invitee Media")
    url = f"{API}/offers/{offer.pk}/invite/"
    response = api.post(url, {"publisher": invitee.pk}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["publisher"], response.json()["status"]) == (invitee.pk, "approved")
    with scopes_disabled():
        access = OfferAccess.objects.get(offer=offer, publisher=invitee)
    [entry] = audit_of(access, "offer_access.invited")
    assert entry.actor_label == via(owner, key)
    # Already running it, not approved, or of another network: refused, nothing made.
    assert error_of(api.post(url, {"publisher": invitee.pk}, format="json"), 400)["fields"]
    applicant = world["publisher"]
    assert error_of(api.post(url, {"publisher": applicant.pk}, format="json"), 400)["fields"]
    stranger_pub = make_publisher(other_network, "Beta Media")
    assert error_of(api.post(url, {"publisher": stranger_pub.pk}, format="json"), 400)["fields"]
    with scopes_disabled():
        assert OfferAccess.objects.filter(offer=offer).count() == 2  # world's one + the invitee


# --- Access requests -----------------------------------------------------------------------


@pytest.fixture
def request_(network, world):
    """A pending access request of the applicant, approved first so that it may run offers."""
    publisher = make_publisher(network, "Asker")
    with scopes_disabled():
        return OfferAccess.objects.create(
            network=network, offer=world["offer"], publisher=publisher, publisher_note="Hi"
        )


def test_it_lists_access_requests_with_filters(api, network, world, request_):
    approved = world["offer_access"]
    assert ids(api.get(f"{API}/offer-access/")) == [request_.pk, approved.pk]
    assert ids(api.get(f"{API}/offer-access/", {"status": "pending"})) == [request_.pk]
    assert ids(api.get(f"{API}/offer-access/", {"publisher": approved.publisher_id})) == [
        approved.pk
    ]
    assert ids(api.get(f"{API}/offer-access/", {"ordering": "id"})) == [approved.pk, request_.pk]


def test_it_decides_access_requests_and_audits_them(api, network, owner, key, request_):
    url = f"{API}/offer-access/{request_.pk}/"
    response = api.post(url + "approve/", {}, format="json")
    assert response.json()["status"] == "approved", response.content
    assert response.json()["decided_by"] == owner.email
    assert error_of(api.post(url + "block/", {}, format="json"), 400)["fields"]["reason"] == [
        "Give the publisher a reason."
    ]
    response = api.post(url + "block/", {"reason": "Brand bidding"}, format="json")
    assert response.json()["status"] == "blocked"
    entries = audit_of(request_, "offer_access.decided")
    assert [(e.from_state, e.to_state, e.reason) for e in entries] == [
        ("pending", "approved", ""),
        ("approved", "blocked", "Brand bidding"),
    ]
    assert {e.actor_label for e in entries} == {via(owner, key)}


def test_rejecting_access_changes_nothing_else_it_is_sent(api, network, request_, world):
    sent = {"reason": "Not now", "status": "approved", "offer": 1, "publisher": 1}
    api.post(f"{API}/offer-access/{request_.pk}/reject/", sent, format="json")
    access = fresh(request_)
    assert (access.status, access.offer_id, access.publisher_id) == (
        "rejected",
        world["offer"].pk,
        request_.publisher_id,
    )


# --- Conversions ---------------------------------------------------------------------------


def test_it_lists_conversions_with_filters(api, network, world):
    flagged = make_conversion(world, flags=["ip_velocity"])
    other_publisher = make_publisher(network, "Other")
    clean = make_conversion(world, publisher=other_publisher)
    assert ids(api.get(f"{API}/conversions/")) == [clean.pk, flagged.pk]
    assert ids(api.get(f"{API}/conversions/", {"flagged": "yes"})) == [flagged.pk]
    assert ids(api.get(f"{API}/conversions/", {"publisher": other_publisher.pk})) == [clean.pk]
    assert ids(api.get(f"{API}/conversions/", {"advertiser": world["advertiser"].pk})) == [
        clean.pk,
        flagged.pk,
    ]
    assert ids(api.get(f"{API}/conversions/", {"status": "approved"})) == []
    assert ids(api.get(f"{API}/conversions/", {"ordering": "id"})) == [flagged.pk, clean.pk]
    body = api.get(f"{API}/conversions/{flagged.pk}/").json()
    assert (body["revenue"], body["payout"], body["fraud_flags"]) == (
        "10.00",
        "8.00",
        ["ip_velocity"],
    )


def test_it_approves_conversions_posting_to_the_ledger(api, network, owner, key, world):
    conversion = make_conversion(world)
    sent = {"ids": [conversion.pk], "status": "rejected"}  # the move is the action's
    result = api.post(f"{API}/conversions/approve/", sent, format="json").json()
    assert result == {
        "changed": 1,
        "errors": [],
        "not_found": [],
        "conversions": [{"id": conversion.pk, "status": "approved"}],
    }
    [entry] = audit_of(conversion, "conversion.approved")
    assert (entry.from_state, entry.to_state, entry.actor_label) == (
        "pending",
        "approved",
        via(owner, key),
    )
    with scopes_disabled():
        kinds = list(
            LedgerTransaction.objects.filter(entries__conversion=conversion)
            .values_list("kind", flat=True)
            .distinct()
        )
    assert kinds == ["approval"]


def test_admins_override_a_decision_with_a_reason(api, network, world):
    conversion = make_conversion(world)
    url = f"{API}/conversions/"
    no_reason = api.post(url + "reject/", {"ids": [conversion.pk]}, format="json")
    assert error_of(no_reason, 400)["fields"]["reason"]
    api.post(url + "reject/", {"ids": [conversion.pk], "reason": "Dup"}, format="json")
    # Rejected -> approved is no usual move: an override, and it needs a reason.
    plain = api.post(url + "approve/", {"ids": [conversion.pk]}, format="json").json()
    assert plain["changed"] == 0 and "cannot become approved" in plain["errors"][0]
    override = f"{API}/conversions/override/"
    no_reason = api.post(
        override, {"ids": [conversion.pk], "status": "approved", "reason": " "}, format="json"
    )
    assert error_of(no_reason, 400)["fields"]["reason"]
    body = {"ids": [conversion.pk], "status": "approved", "reason": "Paid"}
    assert api.post(override, body, format="json").json()["changed"] == 1
    assert fresh(conversion).status == "approved"
    [entry] = audit_of(conversion, "conversion.override")
    assert (entry.from_state, entry.to_state, entry.reason) == ("rejected", "approved", "Paid")
    # And back to pending, which only an override reaches: the approval is reversed.
    body = {"ids": [conversion.pk], "status": "pending", "reason": "Recheck"}
    assert api.post(override, body, format="json").json()["changed"] == 1
    with scopes_disabled():
        kinds = sorted(
            LedgerTransaction.objects.filter(entries__conversion=conversion)
            .values_list("kind", flat=True)
            .distinct()
        )
    assert kinds == ["approval", "reversal"]


def test_ids_of_another_network_are_left_alone(api, network, world, other_network):
    _stranger, theirs = other_world(other_network)
    mine, foreign = make_conversion(world), make_conversion(theirs)
    body = {"ids": [mine.pk, foreign.pk]}
    result = api.post(f"{API}/conversions/approve/", body, format="json").json()
    assert (result["changed"], result["not_found"]) == (1, [foreign.pk])
    assert fresh(foreign).status == Conversion.Status.PENDING
    assert api.get(f"{API}/conversions/{foreign.pk}/").status_code == 404
