"""The advertiser's API: who may call it. Their offers and parts:
offers/tests/test_api_advertiser.py; conversions: tracking/tests; decisions, order validation
and invoices: payouts/tests."""

import pytest
from django_scopes import scopes_disabled

from advertisers.tests.api_world import (
    API,
    make_conversion,
    make_foreign,
    make_rival,
)
from conftest import client_for, make_member, make_world
from network.models import Role
from network.tests.api import api_client, error_of, fresh, ids, key_for

pytestmark = pytest.mark.django_db

ENDPOINTS = ["offers", "goals", "landing-pages", "creatives", "conversions", "invoices"]


# --- Data ----------------------------------------------------------------------------------


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """make_world's offer (active, one landing page, a text creative, an invoice) belongs to
    advertiser_user's company, Alpha Shop."""
    return make_world(network, owner)


@pytest.fixture
def adv(network, advertiser_user, world):
    """A client with the advertiser's key."""
    return api_client(network, key_for(network, advertiser_user))


@pytest.fixture
def rival(network, world):
    """Another advertiser of the same network (api_world.make_rival)."""
    return make_rival(network, world)


@pytest.fixture
def foreign(other_network):
    """Another network's world, and a client of its advertiser on its own host."""
    return make_foreign(other_network)


# --- Who may call --------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_answers_only_advertisers_of_this_network(
    network, other_network, world, advertiser_user, owner, publisher_user, endpoint
):
    key = key_for(network, advertiser_user)
    assert api_client(network, key).get(f"{API}/{endpoint}/").status_code == 200
    assert error_of(api_client(network).get(f"{API}/{endpoint}/"), 401)
    for member in (owner, publisher_user):  # members whose role is not advertiser
        client = api_client(network, key_for(network, member))
        assert error_of(client.get(f"{API}/{endpoint}/"), 403)["code"] == "permission_denied"
    # The key on another network's host is no key there.
    assert error_of(api_client(other_network, key).get(f"{API}/{endpoint}/"), 401)


def test_a_member_of_another_network_gets_404_for_this_networks_ids(
    network, other_network, world, foreign
):
    # A member of beta only, calling alpha's host with a session: not a member here.
    stranger = make_member(other_network, Role.ADVERTISER, "x@beta.example")
    assert error_of(client_for(network, stranger).get(f"{API}/offers/{world['offer'].pk}/"), 404)
    # Beta's advertiser on beta's host asking for alpha's rows: none of them exist there.
    for endpoint, obj in [
        ("offers", world["offer"]),
        ("goals", world["goal"]),
        ("landing-pages", world["landing_page"]),
        ("creatives", world["creative"]),
        ("invoices", world["invoice"]),
    ]:
        assert error_of(foreign["client"].get(f"{API}/{endpoint}/{obj.pk}/"), 404)
    conversion = make_conversion(world["offer"])
    assert error_of(foreign["client"].get(f"{API}/conversions/{conversion.pk}/"), 404)
    body = {"ids": [conversion.pk], "status": "approved"}
    answer = foreign["client"].post(f"{API}/conversions/decide/", body, format="json")
    assert answer.json()["not_found"] == [conversion.pk] and fresh(conversion).status == "pending"


def test_another_advertiser_of_the_network_sees_none_of_it(network, world, adv, rival):
    conversion = make_conversion(rival["offer"])
    with scopes_disabled():
        goal, page = rival["offer"].goals.get(), rival["offer"].landing_pages.get()
    for path in (
        f"offers/{rival['offer'].pk}/",
        f"goals/{goal.pk}/",
        f"landing-pages/{page.pk}/",
        f"conversions/{conversion.pk}/",
        f"invoices/{rival['invoice'].pk}/",
    ):
        assert error_of(adv.get(f"{API}/{path}"), 404), path
    assert error_of(adv.patch(f"{API}/offers/{rival['offer'].pk}/", {"name": "Mine"}), 404)
    assert error_of(adv.post(f"{API}/offers/{rival['offer'].pk}/pause/"), 404)
    assert error_of(adv.patch(f"{API}/goals/{goal.pk}/", {"name": "Mine"}, format="json"), 404)
    assert fresh(rival["offer"]).status == "active" and fresh(goal).name == "Sale"
    assert rival["offer"].pk not in ids(adv.get(f"{API}/offers/"))
