"""What the click path needs to know about offers and publishers, cached in each process.

Each answer is kept LOOKUP_SECONDS: a change made in the portal (an offer paused, an access
approved) reaches the click path within that time, without a database query per click.
While the database is away (a restart), an expired answer is served again rather than
failing the click, and the database is asked again after STALE_RETRY_SECONDS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.timezone import now

from lib.resilience import OUTAGE_ERRORS
from offers.models import Cap, Offer, OfferAccess
from publishers.models import Publisher

LOOKUP_SECONDS = 10
STALE_RETRY_SECONDS = 1.0
_cache: dict[tuple, tuple[float, object]] = {}


@dataclass(frozen=True)
class Landing:
    id: int
    url_template: str
    weight: int


@dataclass(frozen=True)
class CapRule:
    id: int
    publisher_id: int | None
    period: str
    metric: str
    limit: int
    action: str


@dataclass(frozen=True)
class OfferView:
    id: int
    name: str
    status: str
    expires_on: date | None
    countries: frozenset[str]
    devices: frozenset[str]
    deep_link_domains: tuple[str, ...]
    fallback_url: str
    fallback_offer_id: int | None
    landings: tuple[Landing, ...]
    caps: tuple[CapRule, ...]
    attribution_window_days: int
    # First click within the window (Offer.Attribution): a click keeps the visitor's cookie of
    # an earlier click still inside the window instead of overwriting it (tracking.clicks).
    first_click: bool = False
    # The advertiser is blocked (advertisers.services): no traffic, not even as a fallback.
    advertiser_blocked: bool = False

    @property
    def is_live(self) -> bool:
        return (
            self.status == Offer.Status.ACTIVE
            and not self.advertiser_blocked
            and not (self.expires_on and self.expires_on < now().date())
        )


def cached(key: tuple, load):
    hit = _cache.get(key)
    clock = time.monotonic()
    if hit is not None and hit[0] > clock:
        return hit[1]
    try:
        value = load()
    except OUTAGE_ERRORS:
        if hit is None:
            raise
        _cache[key] = (clock + STALE_RETRY_SECONDS, hit[1])  # the last answer beats none
        return hit[1]
    if len(_cache) > 50_000:  # bounded: ids in junk URLs must not grow memory
        _cache.clear()
    _cache[key] = (clock + LOOKUP_SECONDS, value)
    return value


def offer_view(network_id: int, offer_id: int) -> OfferView | None:
    return cached(("offer", network_id, offer_id), lambda: _load_offer(offer_id))


def _offer(offer_id: int) -> Offer | None:
    # The advertiser's status comes in the same query (a join), not one more per click.
    return Offer.objects.select_related("advertiser").filter(pk=offer_id).first()


def _load_offer(offer_id: int) -> OfferView | None:
    offer = _offer(offer_id)
    if offer is None:
        return None
    landings = tuple(
        Landing(lp.pk, lp.url_template, lp.weight)
        for lp in offer.landing_pages.filter(is_active=True, weight__gt=0).order_by("id")
    )
    caps = tuple(
        CapRule(c.pk, c.publisher_id, c.period, c.metric, int(c.limit), c.action)
        for c in Cap.objects.filter(offer=offer).order_by("id")
    )
    return OfferView(
        id=offer.pk,
        name=offer.name,
        status=offer.status,
        expires_on=offer.expires_on,
        countries=frozenset(offer.allowed_countries),
        devices=frozenset(offer.device_types),
        deep_link_domains=tuple(offer.deep_link_domains),
        fallback_url=offer.fallback_url,
        fallback_offer_id=offer.fallback_offer_id,
        landings=landings,
        caps=caps,
        attribution_window_days=offer.attribution_window_days,
        first_click=offer.attribution_model == Offer.Attribution.FIRST_CLICK,
        advertiser_blocked=offer.advertiser.is_blocked,
    )


def publisher_status(network_id: int, publisher_id: int) -> str | None:
    """The publisher's application status, or None when the network has no such publisher."""

    def load():
        return Publisher.objects.filter(pk=publisher_id).values_list("status", flat=True).first()

    return cached(("publisher", network_id, publisher_id), load)


def access_status(network_id: int, offer_id: int, publisher_id: int) -> str | None:
    def load():
        return (
            OfferAccess.objects.filter(offer_id=offer_id, publisher_id=publisher_id)
            .values_list("status", flat=True)
            .first()
        )

    return cached(("access", network_id, offer_id, publisher_id), load)


def creative_offer(network_id: int, creative_id: int) -> int | None:
    from offers.models import Creative

    def load():
        return Creative.objects.filter(pk=creative_id).values_list("offer_id", flat=True).first()

    return cached(("creative", network_id, creative_id), load)


@dataclass(frozen=True)
class GoalTerms:
    id: int
    revenue_type: str
    revenue_amount: Decimal
    revenue_percent: Decimal


@dataclass(frozen=True)
class ConversionTerms:
    """What a postback needs to know about an offer and its advertiser."""

    offer_id: int
    advertiser_id: int
    postback_token: str
    require_token: bool
    postback_ips: tuple[str, ...]
    currency: str
    attribution_window_days: int
    multiple_conversions: bool
    goals: dict[int, GoalTerms]
    default_goal_id: int | None
    has_conversion_caps: bool


def conversion_terms(network_id: int, offer_id: int) -> ConversionTerms | None:
    return cached(("terms", network_id, offer_id), lambda: _load_terms(offer_id))


def _load_terms(offer_id: int) -> ConversionTerms | None:
    offer = _offer(offer_id)
    if offer is None:
        return None
    goals = {
        g.pk: GoalTerms(g.pk, g.revenue_type, g.revenue_amount, g.revenue_percent)
        for g in offer.goals.all()
    }
    default = next((g.pk for g in offer.goals.all() if g.is_default), None)
    advertiser = offer.advertiser
    return ConversionTerms(
        offer_id=offer.pk,
        advertiser_id=advertiser.pk,
        postback_token=advertiser.postback_token,
        require_token=advertiser.require_token,
        postback_ips=tuple(advertiser.postback_ips),
        currency=offer.currency,
        attribution_window_days=offer.attribution_window_days,
        multiple_conversions=offer.multiple_conversions,
        goals=goals,
        default_goal_id=default,
        has_conversion_caps=Cap.objects.filter(offer=offer).exclude(metric="clicks").exists(),
    )


def payout_terms(network_id: int, goal_id: int, publisher_id: int):
    """The publisher's resolved payout for a goal (override > tier > goal), cached."""
    from commissions.payouts import resolve_payout
    from offers.models import Goal

    def load():
        goal = Goal.objects.get(pk=goal_id)
        return resolve_payout(goal, Publisher(pk=publisher_id))

    return cached(("payout", network_id, goal_id, publisher_id), load)


def forget_all() -> None:
    """For tests: the next lookups read the database."""
    _cache.clear()
