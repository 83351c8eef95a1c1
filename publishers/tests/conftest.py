"""Fixtures of the publisher tests: for the admins' API, network/tests/admin_api_fixtures.py's
world and client with an owner's key (a module's own `world` fixture goes before it)."""

import pytest

from network.tests.admin_api_fixtures import api, world  # noqa: F401
from network.tests.api import key_for


@pytest.fixture
def key(network, owner):
    return key_for(network, owner)
