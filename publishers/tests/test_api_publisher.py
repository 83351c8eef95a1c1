"""The publisher's API: who may call it. The marketplace: offers/tests/test_api_publisher.py;
postbacks: webhooks/tests/test_api_publisher.py; conversions and statements: tracking/tests and
payouts/tests."""
# ruff: noqa: F811  (the fixtures imported from api_world are the tests' arguments)

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from conftest import client_for, make_member
from network.models import Role
from network.tests.api import api_client, assert_only_the_role_lists, error_of, fresh, ids, key_for
from offers.models import OfferAccess
from payouts.tests.helpers import make_conversion, make_publisher
from publishers.models import Publisher
from publishers.tests.api_world import (  # noqa: F401  (fixtures)
    API,
    URL,
    foreign,
    grant,
    make_offer,
    pub,
    unapprove,
    world,
)
from webhooks.postbacks import PostbackAttempt, PostbackEndpoint

pytestmark = pytest.mark.django_db
LISTS = ["offers", "conversions", "statements", "postbacks", "postback-log", "stats"]

# --- Who may call --------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", LISTS)
def test_it_answers_publishers_of_this_network_and_refuses_the_rest(
    network, other_network, world, publisher_user, owner, advertiser_user, endpoint
):
    # Members of other roles are refused; stats is every role's (reports/tests/test_api_stats.py)
    url, others = f"{API}/{endpoint}/", (owner, advertiser_user) if endpoint != "stats" else ()
    assert_only_the_role_lists(network, other_network, url, publisher_user, others)


def test_a_member_of_another_network_gets_404_for_this_networks_ids(
    network, other_network, world, foreign
):
    stranger = make_member(other_network, Role.PUBLISHER, "x@beta.example")
    assert error_of(client_for(network, stranger).get(f"{API}/offers/{world['offer'].pk}/"), 404)
    conversion = make_conversion(world)
    for path in (
        f"offers/{world['offer'].pk}/",
        f"conversions/{conversion.pk}/",
        f"statements/{world['payout_line'].pk}/",
        f"postbacks/{world['postback_endpoint'].pk}/",
    ):
        assert error_of(foreign["client"].get(f"{API}/{path}"), 404), path
    client = foreign["client"]
    assert error_of(client.post(f"{API}/offers/{world['offer'].pk}/apply/", {}), 404)
    assert error_of(client.post(f"{API}/postbacks/{world['postback_endpoint'].pk}/disable/"), 404)
    assert fresh(world["postback_endpoint"]).is_active
    # An id of this network in a body, sent on the other network's host: does not exist.
    answer = client.post(f"{API}/tracking-links/", {"offer": world["offer"].pk}, format="json")
    assert "does not exist" in error_of(answer, 400)["fields"]["offer"][0]


def test_another_publisher_of_the_network_sees_none_of_it(network, world):
    other = make_publisher(network, "Other Media")
    grant(world["offer"], other)
    conversion = make_conversion(world, publisher=other)
    with scopes_disabled():
        endpoint = PostbackEndpoint.objects.create(
            network=network, publisher=other, url_template="https://o.example/pb"
        )
        attempt = PostbackAttempt.objects.create(
            network=network, endpoint=endpoint, event="test", url="https://o.example/pb"
        )
    user = make_member(network, Role.PUBLISHER, "mine@alpha.example", company="Third Media")
    with scopes_disabled():
        me = Publisher.objects.get(name="Third Media")
    grant(world["offer"], me)
    client = api_client(network, key_for(network, user))
    for path in (
        f"conversions/{conversion.pk}/",
        f"statements/{world['payout_line'].pk}/",
        f"postbacks/{endpoint.pk}/",
        f"postback-log/{attempt.pk}/",
    ):
        assert error_of(client.get(f"{API}/{path}"), 404), path
    assert error_of(client.delete(f"{API}/postbacks/{endpoint.pk}/"), 404)
    assert fresh(endpoint).url_template == "https://o.example/pb"
    for endpoint_name in ("conversions", "statements", "postbacks", "postback-log"):
        assert ids(client.get(f"{API}/{endpoint_name}/")) == [], endpoint_name


def test_a_publisher_under_review_is_refused_offers_links_and_postbacks(
    network, world, pub, publisher_user
):
    unapprove(world["me"])
    public = make_offer(world, "Open Offer", visibility="public")
    message = "not approved yet"
    for response in (
        pub.get(f"{API}/offers/"),
        pub.get(f"{API}/offers/{world['offer'].pk}/"),
        pub.post(f"{API}/offers/{public.pk}/apply/", {}, format="json"),
        pub.post(f"{API}/tracking-links/", {"offer": world["offer"].pk}, format="json"),
        pub.put(f"{API}/postbacks/global/", {"url_template": URL}, format="json"),
        pub.get(f"{API}/postback-log/"),
    ):
        assert message in error_of(response, 403)["message"]
    with scopes_disabled():
        assert not OfferAccess.objects.filter(offer=public).exists()
        assert not PostbackEndpoint.objects.filter(offer__isnull=True).exists()
    # Their conversions and statements stay theirs to read, as on the pages.
    assert pub.get(f"{API}/conversions/").status_code == 200
