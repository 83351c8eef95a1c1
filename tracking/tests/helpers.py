"""Test data of the tracking tests, shared with the tests of the apps above tracking (reports):
a live offer with its default goal and a landing page, an approved publisher."""

from __future__ import annotations

from django_scopes import scopes_disabled

from offers.models import Goal, LandingPage, Offer, OfferAccess
from publishers.models import Publisher

# The default goal of add_offer: a sale of 10.00 revenue that pays the publisher 8.00.
SALE_GOAL = {
    "name": "Sale",
    "is_default": True,
    "revenue_type": "cpa",
    "revenue_amount": 10,
    "payout_type": "cpa",
    "payout_amount": 8,
    "payout_set": True,
}


def add_offer(
    network,
    advertiser,
    name: str,
    *,
    goal: dict | None = SALE_GOAL,
    page: str | None = None,
    page_name: str = "Home",
    **fields,
) -> Offer:
    """An active USD ecommerce offer of `advertiser` (unless `fields` say otherwise) with
    `goal` (SALE_GOAL's fields over which `goal`'s go; None: no goal) and, given `page` (its
    URL template), a landing page named `page_name`."""
    fields = {"category": "ecommerce", "currency": "USD", "status": Offer.Status.ACTIVE, **fields}
    with scopes_disabled():
        offer = Offer.objects.create(network=network, advertiser=advertiser, name=name, **fields)
        if goal is not None:
            Goal.objects.create(network=network, offer=offer, **{**SALE_GOAL, **goal})
        if page is not None:
            LandingPage.objects.create(
                network=network, offer=offer, name=page_name, url_template=page
            )
    return offer


def add_publisher(network, name: str, *, offer: Offer | None = None, **fields) -> Publisher:
    """An approved publisher (of https://o.example unless `fields` say otherwise), approved
    on `offer` if given."""
    fields = {"website": "https://o.example", "status": Publisher.Status.APPROVED, **fields}
    with scopes_disabled():
        publisher = Publisher.objects.create(network=network, name=name, **fields)
        if offer is not None:
            OfferAccess.objects.create(
                network=network, offer=offer, publisher=publisher, status="approved"
            )
    return publisher
