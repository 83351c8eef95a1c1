"""The admins' API fixtures (a manager's key and client, the network's world, another
network's rows) for the modules that do not make their own (test_api_admin_caps.py), and the
advertiser's company (offers/tests/world.py)."""

from network.tests.admin_api_fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    api,
    foreign,
    key,
    world,
)
from offers.tests.world import company  # noqa: F401
