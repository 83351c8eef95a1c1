"""Sixty days of generated traffic for `seed_demo` (network/demo.py), so that every dashboard,
report and chart of `make run` shows something real: clicks (countries, devices, sub ids, both
landing pages of the A/B test), impressions, and conversions priced by the offers' goals. How
an advertiser would decide each (approved after the hold period, a few rejected or refunded)
is planned here and left in the demo's plan: the decisions post to the ledger, so the
decisions app's next step makes them (decisions.demo.decide_activity), dated then.

Deterministic (one seeded random generator) and made once: the generated clicks carry
`source="demo"`, and a second run that finds them changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.utils.timezone import now

from network.demo import Demo
from network.models import Network
from offers.models import LandingPage, Offer, OfferAccess
from publishers.models import Publisher
from tracking import lookups
from tracking.conversions import ClickFacts, ConversionInput, build
from tracking.ids import new_click_id
from tracking.models import Click, Conversion, Impression

DAYS = 60
MARKER = "demo"
SEED = 2026
SUBS = ["email", "banner", "search", "social", "blog"]
DEVICES = [("desktop", "Windows", "Chrome", 45), ("mobile", "Android", "Chrome", 30)]
DEVICES += [("mobile", "iOS", "Safari", 20), ("tablet", "iOS", "Safari", 5)]
# Conversion rate by landing page name: the A/B test of the summer sale has a winner.
RATES = {"Home page": 0.02, "Sale landing B": 0.04, "Signup form": 0.12, "VIP page": 0.012}


# The demo's plan entry where this step leaves its decisions for payouts' step.
DECISIONS = "conversion_decisions"


@dataclass(frozen=True)
class DemoPublisher:
    name: str
    country: str
    clicks_per_day: int  # on an average weekday, per offer
    countries: tuple[str, ...]


PUBLISHERS = [
    DemoPublisher("Blue Traffic Media", "US", 50, ("US", "US", "US", "CA", "GB")),
    DemoPublisher("Red Deals", "GB", 25, ("GB", "GB", "US")),
    DemoPublisher("Lotus Coupons", "VN", 30, ("US", "CA", "GB", "VN")),
    DemoPublisher("Maple Reviews", "CA", 18, ("CA", "CA", "US")),
]
OFFERS = ["Acme Summer Sale", "Acme Newsletter Signup", "Acme VIP Club"]


@dataclass(frozen=True)
class Decision:
    """How the advertiser decides a demo conversion: approved (and maybe refunded later) or
    rejected, at `decided_at`."""

    conversion: Conversion
    decided_at: datetime
    approved: bool
    reason: str = ""
    reversed_at: datetime | None = None


def seed(demo: Demo) -> None:
    """seed_demo's step: the traffic, and the decisions it plans for payouts' next step."""
    demo.plan[DECISIONS] = seed_activity(demo.network)


def seed_activity(network: Network) -> list[Decision]:
    if Click.objects.filter(network=network, source=MARKER).exists():
        return []
    rng = random.Random(SEED)  # noqa: S311 (demo data, not a secret)
    offers = [Offer.objects.get(network=network, name=name) for name in OFFERS]
    end = now().replace(minute=0, second=0, microsecond=0)
    converting: list[tuple[datetime, Click]] = []
    for spec in PUBLISHERS:
        publisher = demo_publisher(network, spec)
        for offer in offers:
            if not has_access(network, offer, publisher):
                continue
            pages = list(LandingPage.objects.filter(offer=offer, is_active=True))
            clicks = make_clicks(network, offer, publisher, spec, pages, end, rng)
            make_impressions(network, offer, publisher, clicks, rng)
            for click in clicks:
                rate = RATES.get(click.landing_page.name if click.landing_page else "", 0.02)
                if rng.random() < rate:
                    at = click.created_at + timedelta(minutes=rng.randint(2, 600))
                    if at < end:
                        converting.append((at, click))
    # In the order they happened, as postbacks come: conversion ids follow their times, as
    # the admin dashboard's latest conversions (newest id first) expect.
    decisions = []
    for at, click in sorted(converting, key=lambda pair: (pair[0], pair[1].id)):
        decision = convert_and_plan(network, click, at, rng)
        if decision is not None:
            decisions.append(decision)
    return decisions


def demo_publisher(network: Network, spec: DemoPublisher) -> Publisher:
    publisher, _ = Publisher.objects.get_or_create(
        network=network,
        name=spec.name,
        defaults={
            "website": f"https://{spec.name.lower().replace(' ', '')}.example",
            "country": spec.country,
            "status": Publisher.Status.APPROVED,
        },
    )
    return publisher


def has_access(network: Network, offer: Offer, publisher: Publisher) -> bool:
    """The demo publishers run the public and approval offers; only Blue Traffic Media was
    invited to the private one (offers.demo gave it that access)."""
    if offer.visibility == Offer.Visibility.PRIVATE:
        return OfferAccess.objects.filter(
            offer=offer, publisher=publisher, status="approved"
        ).exists()
    OfferAccess.objects.update_or_create(
        network=network, offer=offer, publisher=publisher, defaults={"status": "approved"}
    )
    return True


def make_clicks(network, offer, publisher, spec, pages, end, rng) -> list[Click]:
    clicks = []
    weights = [page.weight for page in pages]
    for day in range(DAYS, 0, -1):
        start = end - timedelta(days=day)
        weekday = 1.25 if start.weekday() < 5 else 0.7
        growth = 0.7 + 0.6 * (DAYS - day) / DAYS  # the network grows over the two months
        count = int(spec.clicks_per_day * weekday * growth * rng.uniform(0.7, 1.3))
        for _ in range(count):
            device, os_name, browser, _weight = rng.choices(DEVICES, [d[3] for d in DEVICES])[0]
            page = rng.choices(pages, weights)[0] if pages else None
            country = rng.choice(spec.countries)
            if offer.allowed_countries and country not in offer.allowed_countries:
                country = offer.allowed_countries[0]
            if offer.device_types and device not in offer.device_types:
                device = offer.device_types[0]
            clicks.append(
                Click(
                    id=new_click_id(),
                    network=network,
                    offer=offer,
                    publisher=publisher,
                    landing_page=page,
                    aff_sub=rng.choice(SUBS),
                    aff_sub2=f"c{rng.randint(1, 6)}",
                    source=MARKER,
                    ip=f"203.0.113.{rng.randint(1, 254)}",
                    user_agent=f"Mozilla/5.0 ({os_name}) {browser}",
                    country=country,
                    device_type=device,
                    os=os_name,
                    browser=browser,
                    is_unique=rng.random() < 0.82,
                    created_at=start + timedelta(seconds=evening_weighted(rng)),
                )
            )
    return Click.objects.bulk_create(clicks, batch_size=2000)


def evening_weighted(rng: random.Random) -> int:
    """Seconds into the day, more of them in the evening."""
    hour = min(23, int(rng.triangular(0, 24, 20)))
    return hour * 3600 + rng.randint(0, 3599)


def make_impressions(network, offer, publisher, clicks, rng) -> None:
    """About three banner views per click, spread over the same hours. Rows go in through
    executemany: tens of thousands of model instances would be most of `make run`'s start."""
    rows = [
        (network.pk, offer.pk, publisher.pk, click.created_at - timedelta(seconds=seconds))
        for click in clicks
        for seconds in rng.sample(range(1, 3000), rng.randint(2, 4))
    ]
    table = Impression._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (network_id, offer_id, publisher_id, user_agent, created_at)"  # noqa: S608
            " VALUES (%s, %s, %s, '', %s)",
            [(*row[:3], adapt(row[3])) for row in rows],
        )


def convert_and_plan(network: Network, click: Click, at: datetime, rng) -> Decision | None:
    """The click's conversion, and its decision unless it is still in its hold period."""
    amount = Decimal(rng.randint(3500, 42000)) / 100
    conversion = convert_click(network, click, amount, at, f"ACME-{click.id[-10:].upper()}")
    decided = at + timedelta(days=click.offer.hold_days, hours=rng.randint(1, 30))
    if decided >= now():
        return None  # still in its hold period: pending
    roll = rng.random()
    if roll < 0.06:
        return Decision(conversion, decided, approved=False, reason="advertiser_rejected")
    refunded = decided + timedelta(days=rng.randint(2, 12))
    if roll > 0.97 and refunded < now():
        return Decision(conversion, decided, approved=True, reversed_at=refunded)
    return Decision(conversion, decided, approved=True)


def convert_click(
    network: Network,
    click: Click,
    amount: Decimal,
    at: datetime,
    order_id: str,
    flags: list[str] | None = None,
) -> Conversion:
    """The click's conversion at `at`, priced by its offer's default goal as a postback would
    be, fraud-checked (with `flags`, if any)."""
    terms = lookups.conversion_terms(network.pk, click.offer_id)
    goal = terms.goals[terms.default_goal_id]
    facts = ClickFacts(
        click.id, click.offer_id, click.publisher_id, click.status, "", click.created_at
    )
    data = ConversionInput(click_id=click.id, method=Conversion.Method.POSTBACK)
    data.order_id = order_id
    conversion = build(network, facts, terms, goal, amount, data)
    conversion.created_at = at
    conversion.ip = click.ip
    conversion.fraud_checked_at = at + timedelta(seconds=5)
    conversion.fraud_flags = flags or []
    conversion.reason_code = flags[0] if flags else ""
    conversion.save()
    return conversion
