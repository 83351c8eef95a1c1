"""Cap windows in the network's time zone, what a window has used, and the flags the click
path reads.

Conversion caps are enforced in the database (tracking.conversions, under row locks). Click
caps count in the cache (atomic increments). When a cap whose action is "fallback" fills, a
flag in the cache sends the offer's clicks to the fallback until the window ends.
`usages()` is the one count of a window's use: the conversion path decides with it and the
advertiser's dashboard shows it, so the two cannot disagree.

While Redis (the cache) is away, caps fail open for clicks and stay exact for conversions:
a click cap does not count the outage's clicks (the visitor still goes to the offer, and the
dashboard shows the window's count without them), a "full" flag reads as not set (clicks go to
the offer, whose conversion caps the database still enforces under row locks: a conversion
over the cap is stored rejected). Turning paid traffic away because a cache is down would be
the worse error.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils.timezone import now

from lib.cache import CacheUnavailable
from network.models import Network
from offers.models import Cap
from tracking.models import Conversion

ALL_TIME = datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC"))
# The conversions a cap counts: those that may still be paid.
COUNTED = (Conversion.Status.PENDING, Conversion.Status.APPROVED)


def window_start(period: str, timezone_name: str, at: datetime | None = None) -> datetime:
    """Start of the current daily/weekly/monthly window in the network's time zone."""
    local = (at or now()).astimezone(zoneinfo.ZoneInfo(timezone_name))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == Cap.Period.DAILY:
        return midnight
    if period == Cap.Period.WEEKLY:
        return midnight - timedelta(days=midnight.weekday())
    if period == Cap.Period.MONTHLY:
        return midnight.replace(day=1)
    return ALL_TIME


def window_key(cap_id: int, period: str, timezone_name: str) -> str:
    return f"cap:{cap_id}:{window_start(period, timezone_name).date().isoformat()}"


def window_seconds_left(period: str, timezone_name: str) -> int:
    if period == Cap.Period.TOTAL:
        return 365 * 86400
    start = window_start(period, timezone_name)
    if period == Cap.Period.DAILY:
        end = start + timedelta(days=1)
    elif period == Cap.Period.WEEKLY:
        end = start + timedelta(days=7)
    else:
        end = (start + timedelta(days=32)).replace(day=1)
    return max(int((end - now()).total_seconds()), 1)


def clicks_key(cap, timezone_name: str) -> str:
    return f"{window_key(cap.id, cap.period, timezone_name)}:clicks"


def count_click(cap, timezone_name: str) -> int:
    """Add one click to a click cap's window; returns the window's count."""
    key = clicks_key(cap, timezone_name)
    ttl = window_seconds_left(cap.period, timezone_name)
    if cache.add(key, 1, ttl):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, ttl)
        return 1
    except CacheUnavailable:  # Redis away: not counted (module docstring)
        return 0


def mark_full(cap, timezone_name: str) -> None:
    key = f"{window_key(cap.id, cap.period, timezone_name)}:full"
    cache.set(key, 1, window_seconds_left(cap.period, timezone_name))


def is_full(cap, timezone_name: str) -> bool:
    return bool(cache.get(f"{window_key(cap.id, cap.period, timezone_name)}:full"))


def usages(caps: Iterable[Cap], network: Network) -> dict[int, Decimal]:
    """What each cap's current window has used, by cap id: the number or the payout of its
    COUNTED conversions (one aggregate query for all the caps), or its clicks (the cache)."""
    caps = list(caps)
    at = now()  # one moment for every window
    conversion_caps = [cap for cap in caps if cap.metric != Cap.Metric.CLICKS]
    click_caps = [cap for cap in caps if cap.metric == Cap.Metric.CLICKS]
    return {**_conversions_used(conversion_caps, network, at), **_clicks_used(click_caps, network)}


def _conversions_used(caps: list[Cap], network: Network, at: datetime) -> dict[int, Decimal]:
    if not caps:
        return {}
    starts = {cap.id: window_start(cap.period, network.timezone, at) for cap in caps}
    sums = {}
    for cap in caps:
        in_window = Q(offer_id=cap.offer_id, created_at__gte=starts[cap.id])
        if cap.publisher_id:
            in_window &= Q(publisher_id=cap.publisher_id)
        if cap.metric == Cap.Metric.CONVERSIONS:
            sums[f"cap_{cap.id}"] = Count("id", filter=in_window)
        else:
            sums[f"cap_{cap.id}"] = Sum("payout", filter=in_window)
    counted = Conversion.objects.filter(
        offer_id__in={cap.offer_id for cap in caps},
        status__in=COUNTED,
        created_at__gte=min(starts.values()),
    )
    totals = counted.order_by().aggregate(**sums)
    return {cap.id: Decimal(totals[f"cap_{cap.id}"] or 0) for cap in caps}


def _clicks_used(caps: list[Cap], network: Network) -> dict[int, Decimal]:
    if not caps:
        return {}
    keys = {cap.id: clicks_key(cap, network.timezone) for cap in caps}
    counts = cache.get_many(list(keys.values()))
    # The counter goes on counting the clicks it refuses past the limit: the window has
    # used the limit, no more.
    return {cap.id: min(Decimal(counts.get(keys[cap.id]) or 0), cap.limit) for cap in caps}
