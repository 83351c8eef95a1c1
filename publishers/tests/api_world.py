"""The publisher API tests' world (publishers/tests/test_api_publisher.py and the API's other
tests: webhooks/tests/test_api_publisher.py, tracking/tests/test_api_conversions.py): fixtures
and the offers, access rows and approvals they make."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from conftest import make_member, make_world
from network.models import Role
from network.tests.api import api_client, key_for
from offers.models import Goal, LandingPage, Offer, OfferAccess
from publishers.models import Publisher

API = "/api/v1/publisher"
URL = "https://tracker.example/pb?click={aff_click_id}&payout={payout}"
# make_offer's default goal: the advertiser pays 10 % of a sale, the publisher gets 7.5 %.
CPS_SALE = {
    "name": "Sale",
    "is_default": True,
    "revenue_type": "cps",
    "revenue_percent": 10,
    "payout_type": "cps",
    "payout_percent": "7.5",
    "payout_set": True,
}


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """make_world's offer (approval, active) is run by publisher_user's company, Alpha Media
    (world["me"]), with a payout override of 9.50 (over its tier's 9 and the goal's 8)."""
    world = make_world(network, owner)
    return {**world, "me": world["offer_access"].publisher}


@pytest.fixture
def pub(network, publisher_user, world):
    """A client with the publisher's key."""
    return api_client(network, key_for(network, publisher_user))


def make_offer(world, name: str, *, visibility="approval", **fields) -> Offer:
    """An active USD ecommerce offer (unless `fields` say otherwise) of make_world's
    advertiser, with CPS_SALE and a landing page."""
    network = world["offer"].network
    fields = {"category": "ecommerce", "currency": "USD", "status": "active", **fields}
    fields.update(network=network, advertiser=world["advertiser"], name=name, visibility=visibility)
    page = "https://s.example/?t={aff_sub}"
    with scopes_disabled():
        offer = Offer.objects.create(**fields)
        Goal.objects.create(network=network, offer=offer, **CPS_SALE)
        LandingPage.objects.create(network=network, offer=offer, name="Home", url_template=page)
    return offer


def grant(offer: Offer, publisher: Publisher, status: str = "approved") -> OfferAccess:
    with scopes_disabled():
        return offer.accesses.create(network=offer.network, publisher=publisher, status=status)


def unapprove(publisher: Publisher) -> None:
    with scopes_disabled():
        Publisher.objects.filter(pk=publisher.pk).update(status=Publisher.Status.PENDING)


@pytest.fixture
def foreign(other_network):
    """Another network's world, and a client of its publisher on its own host."""
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    user = make_member(other_network, Role.PUBLISHER, "pub@beta.example", company="Beta Media")
    client = api_client(other_network, key_for(other_network, user))
    return {**make_world(other_network, admin), "client": client}
