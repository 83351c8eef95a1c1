"""The admins' offers and access requests API (/api/v1/admin/offers/, /offer-access/): the
review page's moves and the access decisions, their refusals and their audit. The 401/404/403
of every route for every role: network/tests/test_api_matrix.py."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from network.tests.api import audit_of, error_of, fresh, ids, key_for, via
from offers.models import Offer, OfferAccess
from offers.tests.api import approved_publisher

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


# world, api, foreign: offers/tests/conftest.py; the key is the owner's.


@pytest.fixture
def key(network, owner):
    return key_for(network, owner)


# --- Offers --------------------------------------------------------------------------------


@pytest.fixture
def pending_offer(world):
    offer = world["offer"]
    with scopes_disabled():
        Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.PENDING)
    return fresh(offer)


def test_it_lists_the_networks_offers_with_filters(api, network, world, foreign):
    offer = world["offer"]
    assert ids(api.get(f"{API}/offers/")) == [offer.pk]
    assert ids(api.get(f"{API}/offers/", {"status": "active"})) == [offer.pk]
    assert ids(api.get(f"{API}/offers/", {"status": "pending"})) == []
    assert ids(api.get(f"{API}/offers/", {"visibility": "public"})) == []
    assert ids(api.get(f"{API}/offers/", {"advertiser": world["advertiser"].pk})) == [offer.pk]
    # Another network's advertiser id finds nothing here.
    assert ids(api.get(f"{API}/offers/", {"advertiser": foreign["advertiser"].pk})) == []
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


def test_another_networks_offer_is_not_found(api, network, world, foreign):
    offer = foreign["offer"]
    assert api.post(f"{API}/offers/{offer.pk}/pause/", {}, format="json").status_code == 404
    assert fresh(offer).status == "active"


def test_it_invites_a_publisher_to_an_offer_and_audits_it(
    api, network, owner, key, world, other_network
):
    offer, invitee = world["offer"], approved_publisher(network, "Invitee Media")
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
    stranger_pub = approved_publisher(other_network, "Beta Media")
    assert error_of(api.post(url, {"publisher": stranger_pub.pk}, format="json"), 400)["fields"]
    with scopes_disabled():
        assert OfferAccess.objects.filter(offer=offer).count() == 2  # world's one + the invitee


# --- Access requests -----------------------------------------------------------------------


@pytest.fixture
def request_(network, world):
    """A pending access request of the applicant, approved first so that it may run offers."""
    publisher = approved_publisher(network, "Asker")
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
