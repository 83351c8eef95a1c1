"""The advertiser's API: who may call it. Their offers and parts:
offers/tests/test_api_advertiser.py; conversions: tracking/tests; decisions, order validation
and invoices: payouts/tests."""
# ruff: noqa: F811  (the fixtures imported from api_world are the tests' arguments)

import pytest
from django_scopes import scopes_disabled

from advertisers.tests.api_world import API, adv, foreign, make_conversion, rival, world  # noqa: F401  (fixtures)
from conftest import client_for, make_member
from network.models import Role
from network.tests.api import assert_only_the_role_lists, error_of, fresh, ids

pytestmark = pytest.mark.django_db

ENDPOINTS = ["offers", "goals", "landing-pages", "creatives", "conversions", "invoices"]


# --- Who may call --------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_answers_only_advertisers_of_this_network(
    network, other_network, world, advertiser_user, owner, publisher_user, endpoint
):
    url, others = f"{API}/{endpoint}/", (owner, publisher_user)  # members of other roles
    assert_only_the_role_lists(network, other_network, url, advertiser_user, others)


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
