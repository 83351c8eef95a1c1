"""The admins' invitations API (/api/v1/admin/invitations/): each write is the Members page's
(same form, same words, same audit entry); other networks' ids are refused; advertisers and
publishers are refused (403). Goal payouts, overrides and caps:
offers/tests/test_api_admin_rules.py. The 401/404/403 of every route for every role:
test_api_matrix.py."""
# ruff: noqa: F811  (the fixtures imported from the admin API's tests are the tests' arguments)

from __future__ import annotations

import pytest

from network.models import Role
from network.tests.admin_api_fixtures import company_api, world  # noqa: F401  (world: a fixture)
from network.tests.api import error_of

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


# --- Roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_advertisers_and_publishers_are_refused(role, network, world):
    client = company_api(network, role)
    assert error_of(client.get(f"{API}/invitations/"), 403)
    assert error_of(client.post(f"{API}/invitations/", {"email": "z@z.example"}), 403)
