"""The admins' API (/api/v1/admin/): publishers, advertisers and conversions (offers and access
requests: offers/tests/test_api_admin.py). Payout runs: test_api_admin_payouts.py. The
401/404/403 of every route for every role: test_api_matrix.py; here the behaviour of each
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
from payouts.models import LedgerTransaction
from payouts.tests.helpers import make_conversion, make_publisher
from publishers.models import Publisher, PublisherMinimum
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
