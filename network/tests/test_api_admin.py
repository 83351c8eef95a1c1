"""The admins' API (/api/v1/admin/): what is left here after each app took its endpoints' tests
(offers/, publishers/, advertisers/, tracking/ and payouts/ tests/test_api_admin*.py). The
401/404/403 of every route for every role: test_api_matrix.py."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from conftest import make_member, make_world
from network.audit import AuditEntry
from network.models import Role
from network.tests.api import api_client, key_for

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
