"""Days in a time zone, as the lists' date filters take them: a day there is not a UTC day."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.validators import MaxValueValidator, MinValueValidator

# Days whose midnight exists in every time zone (0001-01-01 in Tokyo is before year 1 in UTC).
DAY_RANGE = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(9998, 12, 31))]


def day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)
