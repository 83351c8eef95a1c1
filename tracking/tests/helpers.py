"""Test data of the tracking tests, shared with the tests of the apps above tracking (reports):
a live offer with its default goal and a landing page, a further goal, a cap, an approved
publisher."""

from __future__ import annotations

from django_scopes import scopes_disabled

from offers.models import Cap, Goal, LandingPage, Offer, OfferAccess
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


def add_goal(offer: Offer, name: str, *, kind: str = "cpa", revenue, payout) -> Goal:
    """A further goal of `offer`: `kind` ("cpa", "cpl", "cpc"...) both ways, the advertiser
    paying `revenue` and the publisher getting `payout`."""
    terms = {"revenue_type": kind, "revenue_amount": revenue, "payout_type": kind}
    with scopes_disabled():
        return Goal.objects.create(
            network_id=offer.network_id,
            offer=offer,
            name=name,
            **terms,
            payout_amount=payout,
            payout_set=True,
        )


def add_cap(offer: Offer, metric: str, limit, action: str, *, period="daily", **fields) -> Cap:
    """A cap of `offer` (of one publisher's traffic with `publisher` in `fields`)."""
    terms = {"period": period, "metric": metric, "limit": limit, "action": action}
    with scopes_disabled():
        return Cap.objects.create(network_id=offer.network_id, offer=offer, **terms, **fields)


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
