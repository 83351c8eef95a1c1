"""The admins' API about advertiser companies (/api/v1/admin/advertisers/): list, read with
what one owes (advertisers/api_admin.py); blocking: test_api_admin_blocking.py."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from advertisers.models import Advertiser
from network.tests.admin_api_fixtures import ids
from network.tests.api import fresh
from payouts.tests.helpers import make_conversion

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


# --- Advertisers ---------------------------------------------------------------------------


def test_it_lists_advertisers_and_shows_what_one_owes(api, network, advertiser_user, world):
    company = world["advertiser"]
    assert ids(api.get(f"{API}/advertisers/")) == [company.pk]
    assert ids(api.get(f"{API}/advertisers/", {"search": "nothing like it"})) == []
    conversion = make_conversion(world, revenue="10.00")
    approve = {"ids": [conversion.pk]}
    assert api.post(f"{API}/conversions/approve/", approve, format="json").status_code == 200
    body = api.get(f"{API}/advertisers/{company.pk}/").json()
    assert body["users"] == [advertiser_user.email]
    assert body["owed"] == [{"currency": "USD", "amount": "10.00"}]
    assert "postback_token" not in body


def test_advertisers_are_not_made_nor_changed_through_the_api(api, network, world):
    """The portal makes a company only with the invitation of its first user."""
    company = world["advertiser"]
    assert api.post(f"{API}/advertisers/", {"name": "New"}, format="json").status_code == 405
    patch = api.patch(f"{API}/advertisers/{company.pk}/", {"status": "suspended"}, format="json")
    assert patch.status_code == 405
    assert fresh(company).status == "active"
    with scopes_disabled():
        assert not Advertiser.objects.filter(name="New").exists()
