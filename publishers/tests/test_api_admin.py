"""The admins' API about publishers (/api/v1/admin/publishers/): list, read, approve, reject
(publishers/api_admin.py), and the admin API's keys and roles seen through it. The 401/404/403
of every route for every role: network/tests/test_api_matrix.py."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from conftest import make_member, make_world
from network.api_keys import ApiKey
from network.models import Role
from network.tests.admin_api_fixtures import audit_of, company_api, error_of, ids, via
from network.tests.api import api_client, fresh, key_for
from payouts.tests.helpers import make_publisher
from publishers.models import Publisher, PublisherMinimum

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


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
    client = company_api(network, role)
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
