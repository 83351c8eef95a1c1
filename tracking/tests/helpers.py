"""Test data of the tracking tests, shared with the tests of the apps above tracking (reports):
make_world with the publisher who sends the clicks, a live offer with its default goal and a
landing page, a further goal, a cap, an approved publisher, a postback conversion and its
click; and, for the tests of the live stack, the PostgreSQL and Redis skip marks and an
emptied click buffer."""

from __future__ import annotations

import os
from datetime import datetime
from uuid import uuid4

import pytest
import redis
from django.conf import settings
from django_scopes import scope, scopes_disabled

from conftest import make_world
from offers.models import Cap, Goal, LandingPage, Offer, OfferAccess
from publishers.models import Publisher
from tracking.buffer import BUFFER_KEY, PROCESSING_KEY
from tracking.drain import LOCK_KEY
from tracking.models import Click, Conversion

REDIS_URL = os.environ.get("REDIS_URL", "")
# The click buffer, the drainer's counters and its lock (a drainer subprocess killed by a test
# leaves its lock).
BUFFER_KEYS = (BUFFER_KEY, PROCESSING_KEY, "clicks:moved", "clicks:written", LOCK_KEY)
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="the click buffer needs Redis (set REDIS_URL=redis://...; CI does)"
)


def needs_postgres(why: str):
    """Skip on SQLite, saying `why` the test needs PostgreSQL."""
    is_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    return pytest.mark.skipif(
        not is_postgres, reason=f"{why} (set DATABASE_URL=postgres://...; CI does)"
    )


def emptied_buffer(settings, *, also: tuple[str, ...] = (), patterns: tuple[str, ...] = ()):
    """For a fixture to `yield from`: a connection to the tests' Redis (REDIS_URL, set in
    `settings` too) with BUFFER_KEYS, `also` and the keys matching `patterns` deleted before,
    and BUFFER_KEYS and `also` after."""
    settings.REDIS_URL = REDIS_URL
    conn = redis.Redis.from_url(REDIS_URL)
    stale = [key for pattern in patterns for key in conn.scan_iter(pattern)]
    conn.delete(*BUFFER_KEYS, *also, *stale)
    yield conn
    conn.delete(*BUFFER_KEYS, *also)


def runner_world(network, owner, publisher_user, *, money: bool = True) -> dict:
    """make_world, with world["runner"]: the publisher_user's company, who sends the clicks."""
    world = make_world(network, owner, money=money)
    with scope(network=network):
        world["runner"] = publisher_user.memberships.get().publisher
    return world


def goal_terms(revenue, payout, kind: str = "cpa") -> dict:
    """A goal's money: `kind` ("cpa", "cpl", "cpc"...) both ways, the advertiser paying
    `revenue` and the publisher getting `payout`."""
    terms = {"revenue_type": kind, "revenue_amount": revenue, "payout_type": kind}
    return {**terms, "payout_amount": payout, "payout_set": True}


# The default goal of add_offer: a sale of 10.00 revenue that pays the publisher 8.00.
SALE_GOAL = {"name": "Sale", "is_default": True, **goal_terms(10, 8)}


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
    """A further goal of `offer` (goal_terms says what it pays)."""
    terms = goal_terms(revenue, payout, kind)
    with scopes_disabled():
        return Goal.objects.create(network_id=offer.network_id, offer=offer, name=name, **terms)


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


def make_postback_conversion(
    offer: Offer, publisher: Publisher, at: datetime, *, goal: Goal | None = None, **fields
) -> Conversion:
    """A postback conversion by `publisher` on `offer` and the click it came from, both made
    at `at`: of the offer's default goal unless `goal` says, in the offer's currency unless
    `fields` (the conversion's further fields) say otherwise."""
    with scopes_disabled():
        click = Click.objects.create(
            id=uuid4().hex, network=offer.network, offer=offer, publisher=publisher, created_at=at
        )
        return Conversion.objects.create(
            network=offer.network,
            click=click,
            offer=offer,
            goal=goal or Goal.objects.filter(offer=offer, is_default=True).first(),
            publisher=publisher,
            method=Conversion.Method.POSTBACK,
            created_at=at,
            **{"currency": offer.currency, **fields},
        )
