"""The admins' caps API (/api/v1/admin/caps/): each write is the offer page's (same form, same
words, same audit entry); other networks' ids are refused; advertisers and publishers are
refused (403). The 401/404/403 of every route for every role: network/tests/test_api_matrix.py.
The fixtures (world, key, api, foreign): network/tests/admin_api_fixtures.py, by conftest.py."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from network.models import Role
from network.tests.admin_api_fixtures import company_api
from network.tests.api import audit_of, error_of, ids
from offers.models import Cap
from offers.tests.api import approved_publisher

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


def test_it_adds_and_removes_a_cap_with_audit(api, manager, network, world):
    publisher = approved_publisher(network)
    body = {
        "offer": world["offer"].pk,
        "publisher": publisher.pk,
        "period": "monthly",
        "metric": "payout",
        "limit": "250.5",
        "action": "fallback",
        "currency": "EUR",
    }
    response = api.post(f"{API}/caps/", body, format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["limit"], row["currency"], row["publisher"]) == ("250.50", "USD", publisher.pk)
    with scopes_disabled():
        cap = Cap.objects.get(pk=row["id"])
    assert (cap.network_id, cap.metric, cap.action) == (network.pk, "payout", "fallback")
    [entry] = audit_of(cap, "cap.created")
    assert entry.actor_id == manager.pk
    assert ids(api.get(f"{API}/caps/", {"offer": world["offer"].pk, "metric": "payout"})) == [
        cap.pk
    ]

    assert api.delete(f"{API}/caps/{cap.pk}/").status_code == 204
    with scopes_disabled():
        assert not Cap.objects.filter(pk=cap.pk).exists()
    assert len(audit_of(cap, "cap.deleted")) == 1


def test_a_cap_is_judged_by_the_pages_form(api, world):
    body = {
        "offer": world["offer"].pk,
        "period": "daily",
        "metric": "conversions",
        "limit": "2.5",
        "action": "stop",
    }
    fields = error_of(api.post(f"{API}/caps/", body, format="json"), 400)["fields"]
    assert fields["limit"] == ["Count caps are whole numbers."]
    fields = error_of(api.post(f"{API}/caps/", {**body, "limit": "0"}, format="json"), 400)
    assert fields["fields"]["limit"] == ["A cap is a positive number."]
    with scopes_disabled():
        assert Cap.objects.filter(offer=world["offer"]).count() == 1  # make_world's only


def test_caps_refuse_another_networks_ids(api, world, foreign):
    body = {"period": "daily", "metric": "clicks", "limit": "10", "action": "stop"}
    response = api.post(f"{API}/caps/", {**body, "offer": foreign["offer"].pk}, format="json")
    assert "does not exist" in error_of(response, 400)["fields"]["offer"][0]
    response = api.post(
        f"{API}/caps/",
        {**body, "offer": world["offer"].pk, "publisher": foreign["publisher"].pk},
        format="json",
    )
    assert "does not exist" in error_of(response, 400)["fields"]["publisher"][0]
    assert error_of(api.delete(f"{API}/caps/{foreign['cap'].pk}/"), 404)
    with scopes_disabled():
        assert Cap.objects.filter(pk=foreign["cap"].pk).exists()


# --- Roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_advertisers_and_publishers_are_refused(role, network, world):
    client = company_api(network, role)
    assert error_of(client.get(f"{API}/caps/"), 403)
    assert error_of(client.delete(f"{API}/caps/{world['cap'].pk}/"), 403)
    with scopes_disabled():
        assert Cap.objects.filter(pk=world["cap"].pk).exists()
