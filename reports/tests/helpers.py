"""Report test data: raw tracking rows made directly, and the rollup recomputed in Python."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4
from zoneinfo import ZoneInfo

from django_scopes import scopes_disabled

from advertisers.models import Advertiser
from conftest import make_world
from offers.models import Goal, LandingPage, Offer
from publishers.models import Publisher
from reports.kpis import AMOUNTS, COUNTS
from reports.models import HourlyStat
from tracking.models import Click, Conversion, Impression
from tracking.tests.helpers import add_goal, add_offer, add_publisher

# The rollup's measures: every count and amount the KPI queries sum.
MEASURES = (*COUNTS, *AMOUNTS)
DIMENSIONS = (
    "hour",
    "offer_id",
    "goal_id",
    "publisher_id",
    "landing_page_id",
    "country",
    "device",
    "currency",
)


def two_shops_world(network, owner, *, media: dict | None = None, **offer_fields) -> dict:
    """make_world's network on Ho Chi Minh City time: Alpha Shop's offer run by Alpha Media
    (the role fixtures' companies), and Other Shop's offer (`offer_fields` passed to
    add_offer) run by Other Media (`media`: its fields; None: no Other Media)."""
    network.timezone = "Asia/Ho_Chi_Minh"
    network.save(update_fields=["timezone"])
    world = make_world(network, owner, money=False)
    with scopes_disabled():
        shop = Advertiser.objects.create(network=network, name="Other Shop")
    offer = add_offer(network, shop, "Other Offer", **offer_fields)
    world.update(other_shop=shop, other_offer=offer)
    if media is not None:
        world["other_publisher"] = add_publisher(network, "Other Media", offer=offer, **media)
    return world


def make_click(world, at: datetime, **fields) -> Click:
    offer = fields.pop("offer", world["offer"])
    fields.setdefault("publisher", world["offer_access"].publisher)
    fields.setdefault("landing_page", world["landing_page"])
    with scopes_disabled():
        # Random ids, not new_click_id(): the rollup must not rely on ids sorting by time.
        return Click.objects.create(
            id=uuid4().hex, network=offer.network, offer=offer, created_at=at, **fields
        )


def make_impression(world, at: datetime, **fields) -> Impression:
    offer = fields.pop("offer", world["offer"])
    fields.setdefault("publisher", world["offer_access"].publisher)
    with scopes_disabled():
        return Impression.objects.create(
            network=offer.network, offer=offer, created_at=at, **fields
        )


def make_conversion(
    click: Click,
    at: datetime,
    *,
    status: str = Conversion.Status.PENDING,
    goal: Goal | None = None,
    revenue: str = "10.00",
    payout: str = "8.00",
    sale_amount: str = "0",
    currency: str | None = None,
) -> Conversion:
    with scopes_disabled():
        goal = goal or Goal.objects.get(offer_id=click.offer_id, is_default=True)
        return Conversion.objects.create(
            network_id=click.network_id,
            click=click,
            offer_id=click.offer_id,
            goal=goal,
            publisher_id=click.publisher_id,
            status=status,
            revenue=Decimal(revenue),
            payout=Decimal(payout),
            sale_amount=Decimal(sale_amount),
            currency=currency or click.offer.currency,
            method=Conversion.Method.POSTBACK,
            created_at=at,
        )


def other_offer_traffic(world, start: datetime) -> list[datetime]:
    """two_shops_world's other publisher on the other offer: five clicks a minute apart from
    `start`, the first two converted (approved, 20.00 revenue, 15.00 payout); their moments."""
    moments = [start + timedelta(minutes=minute) for minute in range(5)]
    for minute, at in enumerate(moments):
        click = make_click(
            world, at, offer=world["other_offer"], publisher=world["other_publisher"]
        )
        if minute < 2:
            status = Conversion.Status.APPROVED
            make_conversion(click, at, status=status, revenue="20.00", payout="15.00")
    return moments


def decide(conversion: Conversion, status: str, at: datetime) -> None:
    with scopes_disabled():
        Conversion.objects.filter(pk=conversion.pk).update(status=status, decided_at=at)


def make_traffic(
    world, start: datetime, hours: int, *, seed: int = 7, per_hour: int = 40
) -> dict[str, int]:
    """Random-ish clicks, impressions and conversions over `hours` hours from `start`: two
    publishers, two landing pages (and none), countries and devices (and unknown), rejected
    and repeated clicks, two goals, conversions in every status, some in the next hour."""
    rng = random.Random(seed)
    network = world["offer"].network
    with scopes_disabled():
        second_publisher = Publisher.objects.filter(network=network, name="Second Media").first()
        if second_publisher is None:
            second_publisher = Publisher.objects.create(
                network=network,
                name="Second Media",
                website="https://s.example",
                country="GB",
                status="approved",
            )
        second_page = LandingPage.objects.create(
            network=network,
            offer=world["offer"],
            name="Promo",
            url_template="https://shop.example/p?t={transaction_id}",
        )
    lead = add_goal(world["offer"], "Lead", revenue=2, payout=1)
    publishers = [world["offer_access"].publisher, second_publisher]
    pages = [world["landing_page"], second_page, None]
    statuses = list(Conversion.Status)
    made = defaultdict(int)
    for _ in range(per_hour * hours):
        at = start + timedelta(seconds=rng.randrange(hours * 3600))
        click = make_click(
            world,
            at,
            publisher=rng.choice(publishers),
            landing_page=rng.choice(pages),
            country=rng.choice(["US", "DE", "VN", ""]),
            device_type=rng.choice(["desktop", "mobile", "tablet", ""]),
            is_unique=rng.random() < 0.7,
            status=Click.Status.REJECTED if rng.random() < 0.1 else Click.Status.ACCEPTED,
        )
        made["clicks"] += 1
        if rng.random() < 0.3:
            later = min(at + timedelta(minutes=rng.randrange(90)), start + timedelta(hours=hours))
            make_conversion(
                click,
                later - timedelta(seconds=1),
                status=rng.choice(statuses),
                goal=lead if rng.random() < 0.3 else None,
                revenue=f"{rng.randrange(100, 5000) / 100:.2f}",
                payout=f"{rng.randrange(50, 4000) / 100:.2f}",
                sale_amount=f"{rng.randrange(0, 50000) / 100:.2f}",
            )
            made["conversions"] += 1
    for _ in range(per_hour * hours * 5 // 2):
        at = start + timedelta(seconds=rng.randrange(hours * 3600))
        make_impression(world, at, publisher=rng.choice(publishers))
        made["impressions"] += 1
    return made


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def expected_rows(network, *, hours: set[datetime] | None = None) -> dict[tuple, dict]:
    """The rollup of the network's raw rows, computed in Python, row by row."""
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))

    def add(key: tuple, **measures) -> None:
        if hours is None or key[0] in hours:
            for name, value in measures.items():
                rows[key][name] += value

    with scopes_disabled():
        counted = (Conversion.Status.APPROVED, Conversion.Status.PENDING)
        converting = set(
            Conversion.objects.filter(network=network, status__in=counted).values_list(
                "click_id", flat=True
            )
        )
        for c in Click.objects.filter(network=network).select_related("offer"):
            if c.status == Click.Status.ACCEPTED:
                key = (
                    hour_of(c.created_at),
                    c.offer_id,
                    None,
                    c.publisher_id,
                    c.landing_page_id,
                    c.country,
                    c.device_type,
                    c.offer.currency,
                )
                add(
                    key,
                    clicks=1,
                    unique_clicks=int(c.is_unique),
                    converting_clicks=int(c.pk in converting),
                )
        for i in Impression.objects.filter(network=network).select_related("offer"):
            key = (hour_of(i.created_at), i.offer_id, None, i.publisher_id, None, "", "")
            add((*key, i.offer.currency), impressions=1)
        for v in Conversion.objects.filter(network=network).select_related("click"):
            key = (
                hour_of(v.created_at),
                v.offer_id,
                v.goal_id,
                v.publisher_id,
                v.click.landing_page_id,
                v.click.country,
                v.click.device_type,
                v.currency,
            )
            add(key, **{f"conversions_{v.status}": 1})
            if v.status == Conversion.Status.APPROVED:
                add(key, sale_amount=v.sale_amount, revenue=v.revenue, payout=v.payout)
            if v.status == Conversion.Status.PENDING:
                add(key, pending_revenue=v.revenue, pending_payout=v.payout)
    return {key: {k: Decimal(x) for k, x in value.items()} for key, value in rows.items()}


def actual_rows(network, *, hours: set[datetime] | None = None) -> dict[tuple, dict]:
    with scopes_disabled():
        stats = HourlyStat.objects.filter(network=network)
        if hours is not None:
            stats = stats.filter(hour__in=hours)
        rows = {}
        for row in stats.values(*DIMENSIONS, *MEASURES):
            key = tuple(row[name] for name in DIMENSIONS)
            assert key not in rows, f"two rows for {key}"
            rows[key] = {name: Decimal(row[name]) for name in MEASURES}
    return rows


def dimensions_of(model) -> tuple[str, ...]:
    """A daily table's dimension columns, those read through the offer included."""
    return (*getattr(model, "DERIVED", {}), *model.DIMENSIONS)


def expected_daily_rows(network, model) -> dict[tuple, dict]:
    """The daily rows of `model` as sums of the network's hourly rows, in Python: each hour on
    the local date (network's zone) on which it starts."""
    zone = ZoneInfo(network.timezone)
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(MEASURES, Decimal(0)))
    with scopes_disabled():
        advertiser_of = dict(Offer.objects.values_list("pk", "advertiser_id"))
        for row in HourlyStat.objects.filter(network=network).values():
            row["advertiser_id"] = advertiser_of.get(row["offer_id"])
            key = (row["hour"].astimezone(zone).date(), *(row[d] for d in dimensions_of(model)))
            for name in MEASURES:
                rows[key][name] += Decimal(row[name])
    return {key: value for key, value in rows.items() if any(value.values())}


def actual_daily_rows(network, model) -> dict[tuple, dict]:
    with scopes_disabled():
        rows = {}
        stats = model.objects.filter(network=network)
        for row in stats.values("day", *dimensions_of(model), *MEASURES):
            key = (row["day"], *(row[d] for d in dimensions_of(model)))
            assert key not in rows, f"two rows for {key}"
            rows[key] = {name: Decimal(row[name]) for name in MEASURES}
    return rows
