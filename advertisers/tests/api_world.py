"""The advertiser API tests' data, for the tests of every app whose advertiser endpoints they
call (offers, conversions, invoices): offers of a company, conversions of an offer, another
advertiser of the network and another network's advertiser; and the fixtures of those tests
(a module imports the ones it uses by name)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from advertisers.models import Advertiser
from conftest import make_member, make_world
from network.models import Role
from network.tests.api import api_client, key_for
from offers.models import Goal, LandingPage, Offer
from payouts.models import Invoice
from tracking.models import Conversion
from tracking.tests.helpers import make_postback_conversion

API = "/api/v1/advertiser"
ECOMMERCE_USD = {"category": "ecommerce", "currency": "USD"}
# make_offer's default goal: the advertiser pays 10 a sale, the publisher gets 8.
SALE = {
    "name": "Sale",
    "is_default": True,
    "revenue_type": "cpa",
    "revenue_amount": "10",
    "payout_type": "cpa",
    "payout_amount": "8",
    "payout_set": True,
}


def make_offer(network, company, *, name="Winter Sale", status="draft", ready=True) -> Offer:
    """An ecommerce USD offer of `company` with SALE as its default goal and, if `ready`, a
    landing page."""
    with scopes_disabled():
        offer = Offer.objects.create(
            network=network, advertiser=company, name=name, status=status, **ECOMMERCE_USD
        )
        Goal.objects.create(network=network, offer=offer, **SALE)
        if ready:
            page = "https://shop.example/?c={transaction_id}"
            LandingPage.objects.create(network=network, offer=offer, name="Home", url_template=page)
    return offer


def make_conversion(
    offer: Offer,
    *,
    publisher=None,
    order_id: str = "",
    status: str = "pending",
    sale_amount: str = "100.00",
    payout: str = "8.00",
    at: datetime | None = None,
    flags: list[str] | None = None,
) -> Conversion:
    """A postback sale (of 10.00 to the network) by `publisher`, else the offer's first."""
    at = at or datetime.now(UTC)
    with scopes_disabled():
        publisher = publisher or offer.accesses.first().publisher
    return make_postback_conversion(
        offer,
        publisher,
        at,
        status=status,
        sale_amount=Decimal(sale_amount),
        revenue=Decimal("10.00"),
        payout=Decimal(payout),
        order_id=order_id,
        fraud_flags=flags or [],
        fraud_checked_at=at,
    )


def make_rival_offer(network, world) -> Offer:
    """An active offer of another advertiser of the same network (Rival Shop) with its landing
    page, run by the same publisher."""
    make_member(network, Role.ADVERTISER, "rival@alpha.example", company="Rival Shop")
    with scopes_disabled():
        company = Advertiser.objects.get(network=network, name="Rival Shop")
        offer = make_offer(network, company, name="Rival Offer", status=Offer.Status.ACTIVE)
        offer.accesses.create(
            network=network, publisher=world["offer_access"].publisher, status="approved"
        )
    return offer


def make_rival(network, world) -> dict:
    """make_rival_offer's advertiser and offer, and an invoice of that advertiser."""
    offer = make_rival_offer(network, world)
    with scopes_disabled():
        september = datetime(2026, 9, 1).date()
        invoice = Invoice.objects.create(
            network=network,
            advertiser=offer.advertiser,
            number=2,
            period=september,
            total=5_000,
            currency="USD",
        )
    return {"company": offer.advertiser, "offer": offer, "invoice": invoice}


def make_foreign(other_network) -> dict:
    """Another network's world, and a client of its advertiser on its own host."""
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    user = make_member(other_network, Role.ADVERTISER, "adv@beta.example", company="Beta Shop")
    client = api_client(other_network, key_for(other_network, user))
    return {**make_world(other_network, admin), "client": client}


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
    """Another advertiser of the same network (make_rival)."""
    return make_rival(network, world)


@pytest.fixture
def foreign(other_network):
    """Another network's world, and a client of its advertiser (make_foreign)."""
    return make_foreign(other_network)
