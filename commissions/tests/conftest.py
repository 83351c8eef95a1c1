"""Fixtures shared with the offers app's tests of the same pages, and with the admins' API
tests (a manager's key and client, the network's world, another network's rows)."""

from network.tests.admin_api_fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    api,
    foreign,
    key,
    world,
)
from offers.tests.test_admin_pages import (  # noqa: F401
    admin,
    goal,
    offer,
    publisher,
    request_access,
)
from offers.tests.world import company  # noqa: F401
