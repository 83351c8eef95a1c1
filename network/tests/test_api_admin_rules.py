"""The admins' invitations API (/api/v1/admin/invitations/): each write is the Members page's
(same form, same words, same audit entry); other networks' ids are refused; advertisers and
publishers are refused (403). Goal payouts, overrides and caps:
offers/tests/test_api_admin_rules.py. The 401/404/403 of every route for every role:
test_api_matrix.py."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from conftest import make_member, make_world
from network.models import Role
from network.tests.api import api_client, key_for

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


@pytest.fixture
def world(network, owner):
    return make_world(network, owner, money=False)


@pytest.fixture
def key(network, manager):
    return key_for(network, manager)  # managers may do all of it, as on the pages


@pytest.fixture
def api(network, key):
    return api_client(network, key)


@pytest.fixture
def foreign(other_network):
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    return make_world(other_network, stranger, money=False)


def audit_of(obj, action: str) -> list[AuditEntry]:
    with scopes_disabled():
        return list(
            AuditEntry.objects.filter(
                action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
            ).order_by("id")
        )


def via(user, key: str) -> str:
    return f"{user.email} via API key {key.split('_')[1]}"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    return response.json()["error"]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return [row["id"] for row in response.json()["results"]]


def fresh(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


# --- Roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_advertisers_and_publishers_are_refused(role, network, world):
    user = make_member(network, role, f"{role}@x.example", company=f"{role} co")
    client = api_client(network, key_for(network, user))
    assert error_of(client.get(f"{API}/invitations/"), 403)
    assert error_of(client.post(f"{API}/invitations/", {"email": "z@z.example"}), 403)
