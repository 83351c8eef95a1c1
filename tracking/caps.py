"""Cap windows in the network's time zone, and the flags the click path reads.

Conversion caps are enforced in the database (tracking.conversions, under row locks). Click
caps count in the cache (atomic increments). When a cap whose action is "fallback" fills, a
flag in the cache sends the offer's clicks to the fallback until the window ends.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils.timezone import now

from offers.models import Cap

ALL_TIME = datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC"))


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


def count_click(cap, timezone_name: str) -> int:
    """Add one click to a click cap's window; returns the window's count."""
    key = f"{window_key(cap.id, cap.period, timezone_name)}:clicks"
    ttl = window_seconds_left(cap.period, timezone_name)
    if cache.add(key, 1, ttl):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, ttl)
        return 1


def mark_full(cap, timezone_name: str) -> None:
    key = f"{window_key(cap.id, cap.period, timezone_name)}:full"
    cache.set(key, 1, window_seconds_left(cap.period, timezone_name))


def is_full(cap, timezone_name: str) -> bool:
    return bool(cache.get(f"{window_key(cap.id, cap.period, timezone_name)}:full"))
