"""The admins' API (/api/v1/admin/): publishers, advertisers, offers and access requests.
Conversions: tracking/tests/test_api_conversions.py and
payouts/tests/test_api_admin_conversions.py; payout runs: payouts/tests/test_api_admin_payouts.py.
The 401/404/403 of every route for every role: test_api_matrix.py; here the behaviour of each
endpoint, its refusals and its audit."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from advertisers.models import Advertiser
from conftest import make_member, make_world
from network.api_keys import ApiKey
from network.audit import AuditEntry
from network.models import Role
from network.tests.api import api_client, key_for
from offers.models import Offer, OfferAccess
from payouts.tests.helpers import make_conversion, make_publisher
from publishers.models import Publisher, PublisherMinimum

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


# --- Publishers ----------------------------------------------------------------------------


def test_it_lists_publishers_with_the_pages_filters(api, network, world):
    german = world["publisher"]  # the pending applicant, from DE
    approved = world["offer_access"].publisher
    assert set(ids(api.get(f"{API}/publishers/"))) == {german.pk, approved.pk}
    assert ids(api.get(f"{API}/publishers/", {"status": "pending"})) == [german.pk]
    assert ids(api.get(f"{API}/publishers/", {"country": "DE"})) == [german.pk]
    assert ids(api.get(f"{API}/publishers/", {"search": "applicant"})) == [german.pk]
    assert ids(api.get(f"{API}/publishers/", {"search": "w.example"})) == [approved.pk]
    assert error_of(api.get(f"{API}/publishers/", {"status": "nope"}), 400)["fields"]["status"]


def test_publishers_are_ordered_and_paged_by_cursor(api, network, world):
    for name in ("Zed", "Alpha", "Mid"):
        make_publisher(network, name)
    page = api.get(f"{API}/publishers/", {"ordering": "name", "page_size": 2}).json()
    pages = [[row["name"] for row in page["results"]]]
    while page["next"]:
        page = api.get(page["next"]).json()
        pages.append([row["name"] for row in page["results"]])
    assert pages == [["Alpha", "Applicant alpha"], ["Mid", "World Media alpha"], ["Zed"]]


def test_it_shows_one_publisher_with_its_users(api, network, world, publisher_user):
    with scopes_disabled():
        publisher = Publisher.objects.get(memberships__user=publisher_user)
    body = api.get(f"{API}/publishers/{publisher.pk}/").json()
    assert body["users"] == [publisher_user.email]
    assert (body["status"], body["currency"], body["min_payout"]) == ("approved", "USD", None)
    assert body["min_payouts"] == []


def test_it_shows_a_publishers_own_minimums_per_currency(api, network, world, publisher_user):
    with scopes_disabled():
        publisher = Publisher.objects.get(memberships__user=publisher_user)
        for currency, amount in (("USD", 2000), ("KWD", 15000), ("VND", 500000)):
            PublisherMinimum.objects.create(
                network=network, publisher=publisher, currency=currency, amount=amount
            )
    body = api.get(f"{API}/publishers/{publisher.pk}/").json()
    assert body["min_payout"] == "20.00"  # in the network's currency, as before
    assert body["min_payouts"] == [
        {"currency": "KWD", "amount": "15.000"},
        {"currency": "USD", "amount": "20.00"},
        {"currency": "VND", "amount": "500000"},
    ]


def test_it_approves_an_application_and_audits_it(api, network, owner, key, world):
    applicant = world["publisher"]
    response = api.post(f"{API}/publishers/{applicant.pk}/approve/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["reviewed_by"] == owner.email
    [entry] = audit_of(applicant, "publisher.reviewed")
    assert (entry.from_state, entry.to_state, entry.actor) == ("pending", "approved", owner)
    assert entry.actor_label == via(owner, key)


def test_rejecting_needs_a_reason_as_on_the_page(api, network, world):
    applicant = world["publisher"]
    error = error_of(api.post(f"{API}/publishers/{applicant.pk}/reject/", {}, format="json"), 400)
    assert error["fields"]["reason"] == ["Give the applicant a reason for the rejection."]
    assert fresh(applicant).status == "pending"
    assert not audit_of(applicant, "publisher.reviewed")


def test_rejecting_an_approved_publisher_blocks_them(api, network, manager, world):
    """Managers decide as owners do; rejecting an approved publisher is the page's block."""
    publisher = world["offer_access"].publisher
    manager_api = api_client(network, key_for(network, manager))
    response = manager_api.post(
        f"{API}/publishers/{publisher.pk}/reject/", {"reason": "Cookie stuffing"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert fresh(publisher).status == "rejected"
    [entry] = audit_of(publisher, "publisher.reviewed")
    assert (entry.from_state, entry.to_state, entry.reason) == (
        "approved",
        "rejected",
        "Cookie stuffing",
    )
    # Deciding the same again is the service's refusal, as a 400.
    again = manager_api.post(
        f"{API}/publishers/{publisher.pk}/reject/", {"reason": "x"}, format="json"
    )
    assert "already" in error_of(again, 400)["message"]


def test_a_decision_writes_nothing_else_it_is_sent(api, network, world):
    applicant = world["publisher"]
    sent = {"reason": "", "status": "rejected", "name": "Hacked", "min_payout": "1", "id": 1}
    api.post(f"{API}/publishers/{applicant.pk}/approve/", sent, format="json")
    applicant = fresh(applicant)
    assert (applicant.status, applicant.name) == ("approved", "Applicant alpha")
    with scopes_disabled():
        assert not PublisherMinimum.objects.filter(publisher=applicant).exists()


def test_another_networks_publisher_is_not_found(api, network, world, other_network):
    _stranger, theirs = other_world(other_network)
    applicant = theirs["publisher"]
    assert api.get(f"{API}/publishers/{applicant.pk}/").status_code == 404
    response = api.post(f"{API}/publishers/{applicant.pk}/approve/", {}, format="json")
    assert response.status_code == 404
    assert fresh(applicant).status == "pending"


def test_a_key_of_another_network_is_no_key_here(network, other_network, world):
    stranger, _theirs = other_world(other_network)
    client = api_client(network, key_for(other_network, stranger))
    assert client.get(f"{API}/publishers/").status_code == 401


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_companies_may_not_use_the_admin_api(network, world, role):
    user = make_member(network, role, f"{role}@alpha.example")
    client = api_client(network, key_for(network, user))
    applicant = world["publisher"]
    assert error_of(client.get(f"{API}/publishers/"), 403)["code"] == "permission_denied"
    response = client.post(f"{API}/publishers/{applicant.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    assert fresh(applicant).status == "pending"


def test_removing_the_membership_disables_the_key(network, manager, world):
    key = key_for(network, manager)
    with scopes_disabled():
        manager.memberships.all().delete()
        assert ApiKey.objects.filter(user=manager).exists()
    assert api_client(network, key).get(f"{API}/publishers/").status_code == 401


# --- Advertisers ---------------------------------------------------------------------------


def test_it_lists_advertisers_and_shows_what_one_owes(api, network, advertiser_user, world):
    company = world["advertiser"]
    assert ids(api.get(f"{API}/advertisers/")) == [company.pk]
    assert ids(api.get(f"{API}/advertisers/", {"search": "nothing like it"})) == []
    conversion = make_conversion(world, revenue="10.00")
    approve = {"ids": [conversion.pk]}
    assert api.post(f"{API}/conversions/approve/", approve, format="json").status_code == 200
    body = api.get(f"{API}/advertisers/{company.pk}/").json()
    assert body["users"] == [advertiser_user.email]
    assert body["owed"] == [{"currency": "USD", "amount": "10.00"}]
    assert "postback_token" not in body


def test_advertisers_are_not_made_nor_changed_through_the_api(api, network, world):
    """The portal makes a company only with the invitation of its first user."""
    company = world["advertiser"]
    assert api.post(f"{API}/advertisers/", {"name": "New"}, format="json").status_code == 405
    patch = api.patch(f"{API}/advertisers/{company.pk}/", {"status": "suspended"}, format="json")
    assert patch.status_code == 405
    assert fresh(company).status == "active"
    with scopes_disabled():
        assert not Advertiser.objects.filter(name="New").exists()


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
