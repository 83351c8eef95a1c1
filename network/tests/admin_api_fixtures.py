"""Fixtures of the admins' API tests that use a manager's key (webhooks/tests/test_api_admin.py):
the network's world, a manager's key and client, another network's rows, a client of a
company's member (whom the admins' API refuses); and, for the modules that import them from
here, network/tests/api.py's helpers of an answer."""

from __future__ import annotations

import pytest

from conftest import make_member, make_world
from network.models import Network, Role
from network.tests.api import APIClient, api_client, audit_of, error_of, ids, key_for, ok, via

__all__ = [
    "api",
    "audit_of",
    "company_api",
    "error_of",
    "foreign",
    "ids",
    "key",
    "ok",
    "via",
    "world",
]

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


def company_api(network: Network, role: Role) -> APIClient:
    """A client with the key of a new member of `role` (an advertiser's or a publisher's)."""
    user = make_member(network, role, f"{role}@x.example", company=f"{role} co")
    return api_client(network, key_for(network, user))
