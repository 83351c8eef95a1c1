"""POST /api/v1/admin/advertisers/{id}/block/ and /unblock/: the same service, refusals
and audit entries as the advertisers page (advertisers/tests/test_blocking.py)."""

from __future__ import annotations

import pytest

from advertisers.tests.test_blocking import status_entries, status_of
from conftest import make_member, make_world
from network.models import Role
from network.tests.admin_api_fixtures import company_api
from network.tests.api import api_client, error_of, key_for

pytestmark = pytest.mark.django_db
API = "/api/v1/admin/advertisers"


def test_it_blocks_and_unblocks_through_the_service_with_the_audit_via_the_key(
    api, network, owner, key, world
):
    company = world["advertiser"]
    response = api.post(f"{API}/{company.pk}/block/", {"reason": "Unpaid"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["status"]) == (company.pk, "blocked")
    assert status_of(company) == "blocked"
    assert api.get(f"{API}/", {"status": "blocked"}).json()["results"][0]["id"] == company.pk
    assert api.get(f"{API}/{company.pk}/").json()["status"] == "blocked"
    response = api.post(f"{API}/{company.pk}/unblock/", {}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "active")
    blocked, unblocked = status_entries(company)
    label = f"{owner.email} via API key {key.split('_')[1]}"
    assert (blocked.actor, blocked.actor_label) == (owner, label)
    assert (blocked.from_state, blocked.to_state, blocked.reason) == ("active", "blocked", "Unpaid")
    assert (unblocked.from_state, unblocked.to_state) == ("blocked", "active")


def test_a_block_needs_a_reason_and_a_repeat_is_refused(api, world):
    company = world["advertiser"]
    for body in ({}, {"reason": "   "}):
        error = error_of(api.post(f"{API}/{company.pk}/block/", body, format="json"), 400)
        assert "reason" in error["fields"]
    assert status_of(company) == "active"
    error = error_of(api.post(f"{API}/{company.pk}/unblock/", {}, format="json"), 400)
    assert "already active" in error["message"]
    assert api.post(f"{API}/{company.pk}/block/", {"reason": "x"}, format="json").status_code == 200
    error = error_of(api.post(f"{API}/{company.pk}/block/", {"reason": "y"}, format="json"), 400)
    assert "already blocked" in error["message"]
    assert len(status_entries(company)) == 1


def test_status_is_read_only_in_a_write(api, world):
    """Mass assignment: the body's status is not what decides, the action's name does."""
    company = world["advertiser"]
    body = {"reason": "Settled", "status": "blocked"}
    api.post(f"{API}/{company.pk}/block/", {"reason": "x"}, format="json")
    assert api.post(f"{API}/{company.pk}/unblock/", body, format="json").json()["status"] == (
        "active"
    )
    assert status_of(company) == "active"


def test_another_networks_advertiser_is_not_found_and_other_keys_fail(
    api, network, world, other_network
):
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    theirs = make_world(other_network, stranger, money=False)["advertiser"]
    response = api.post(f"{API}/{theirs.pk}/block/", {"reason": "x"}, format="json")
    assert response.status_code == 404
    assert status_of(theirs) == "active"
    foreign = api_client(network, key_for(other_network, stranger))
    mine = world["advertiser"]
    response = foreign.post(f"{API}/{mine.pk}/block/", {"reason": "x"}, format="json")
    assert response.status_code == 401
    assert status_of(mine) == "active"


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_companies_may_not_block(network, world, role):
    client = company_api(network, role)
    company = world["advertiser"]
    response = client.post(f"{API}/{company.pk}/block/", {"reason": "x"}, format="json")
    assert error_of(response, 403)["code"] == "permission_denied"
    assert status_of(company) == "active"
