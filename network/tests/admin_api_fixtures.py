"""Fixtures of the admins' API tests that use a manager's key (webhooks/tests/test_api_admin.py):
the network's world, a manager's key and client, another network's rows."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from conftest import make_member, make_world
from network.models import Role
from network.tests.api import api_client, key_for

pytestmark = pytest.mark.django_db


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


def ok(response) -> dict:
    assert response.status_code == 200, response.content[:500]
    return response.json()


def ids(response) -> list[int]:
    return [row["id"] for row in ok(response)["results"]]
