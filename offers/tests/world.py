"""The offers tests' data: the advertiser's company (a fixture) and offers with a default goal
and a landing page, each test module choosing its own name, status, goal and page."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from advertisers.tests.api_world import SALE  # the default CPA goal: pays 10, earns 8
from network.models import Membership
from offers.models import Goal, LandingPage, Offer


@pytest.fixture
def company(network, advertiser_user):
    """advertiser_user's company, Alpha Shop."""
    with scopes_disabled():
        return Membership.objects.get(user=advertiser_user).advertiser


def offer_with_parts(
    network,
    company,
    *,
    name: str,
    status: str,
    goal: dict | None = SALE,
    page: str | None = None,
    page_active: bool = True,
    **fields,
) -> Offer:
    """An ecommerce USD offer (unless `fields` say otherwise) of `company` with `goal` (the
    Goal's fields) and, if `page` (a URL template) is given, a landing page "Home"."""
    fields = {"category": "ecommerce", "currency": "USD", **fields}
    with scopes_disabled():
        offer = Offer.objects.create(
            network=network, advertiser=company, name=name, status=status, **fields
        )
        if goal is not None:
            Goal.objects.create(network=network, offer=offer, **goal)
        if page is not None:
            LandingPage.objects.create(
                network=network, offer=offer, name="Home", url_template=page, is_active=page_active
            )
    return offer
