"""The advertiser API tests' data, for the tests of every app whose advertiser endpoints they
call (offers, conversions, invoices): offers of a company, conversions of an offer, another
advertiser of the network and another network's advertiser."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from django_scopes import scopes_disabled

from advertisers.models import Advertiser
from conftest import make_member, make_world
from network.models import Role
from network.tests.api import api_client, key_for
from offers.models import Goal, LandingPage, Offer
from payouts.models import Invoice
from tracking.models import Click, Conversion

API = "/api/v1/advertiser"


def make_offer(network, company, *, name="Winter Sale", status="draft", ready=True) -> Offer:
    with scopes_disabled():
        offer = Offer.objects.create(
            network=network,
            advertiser=company,
            name=name,
            category="ecommerce",
            currency="USD",
            status=status,
        )
        Goal.objects.create(
            network=network,
            offer=offer,
            name="Sale",
            is_default=True,
            revenue_type="cpa",
            revenue_amount="10",
            payout_type="cpa",
            payout_amount="8",
            payout_set=True,
        )
        if ready:
            LandingPage.objects.create(
                network=network,
                offer=offer,
                name="Home",
                url_template="https://shop.example/?c={transaction_id}",
            )
    return offer


def make_conversion(
    offer: Offer,
    *,
    order_id: str = "",
    status: str = "pending",
    at: datetime | None = None,
    flags: list[str] | None = None,
) -> Conversion:
    with scopes_disabled():
        goal = Goal.objects.get(offer=offer, is_default=True)
        publisher = offer.accesses.first().publisher
        at = at or datetime.now(UTC)
        click = Click.objects.create(
            id=uuid4().hex, network=offer.network, offer=offer, publisher=publisher, created_at=at
        )
        return Conversion.objects.create(
            network=offer.network,
            click=click,
            offer=offer,
            goal=goal,
            publisher=publisher,
            status=status,
            sale_amount=Decimal("100.00"),
            revenue=Decimal("10.00"),
            payout=Decimal("8.00"),
            currency=offer.currency,
            method=Conversion.Method.POSTBACK,
            order_id=order_id,
            fraud_flags=flags or [],
            fraud_checked_at=at,
            created_at=at,
        )


def make_rival(network, world) -> dict:
    """Another advertiser of the same network, with an active offer run by the same
    publisher, its landing page, creative and invoice."""
    make_member(network, Role.ADVERTISER, "rival@alpha.example", company="Rival Shop")
    with scopes_disabled():
        company = Advertiser.objects.get(network=network, name="Rival Shop")
        offer = make_offer(network, company, name="Rival Offer", status=Offer.Status.ACTIVE)
        offer.accesses.create(
            network=network, publisher=world["offer_access"].publisher, status="approved"
        )
        invoice = Invoice.objects.create(
            network=network,
            advertiser=company,
            number=2,
            period=datetime(2026, 9, 1).date(),
            currency="USD",
            total=5_000,
        )
    return {"company": company, "offer": offer, "invoice": invoice}


def make_foreign(other_network) -> dict:
    """Another network's world, and a client of its advertiser on its own host."""
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    user = make_member(other_network, Role.ADVERTISER, "adv@beta.example", company="Beta Shop")
    world = make_world(other_network, admin)
    return {**world, "client": api_client(other_network, key_for(other_network, user))}
