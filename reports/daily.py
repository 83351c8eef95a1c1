"""Daily rollups: a day of a network's hourly rows, summed in the network's time zone.

A day is recomputed, never incremented: its rows in every daily table are deleted
and inserted again from the HourlyStat rows whose hour starts inside the local day, by one
INSERT ... SELECT per table (the SELECT is the ORM's, so the time zone conversion is the
one the report pages use, on PostgreSQL and on SQLite). `reports.rollup` calls it in the
same transaction as the hours it recomputed, so the two grains never disagree.

An hour belongs to the local day in which it starts. In a zone with a half-hour offset the
UTC hour 18:00-19:00 starts at 23:30 in Asia/Kolkata, so it counts on the day before,
exactly as the hourly report's "date" grouping counts it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Model, Sum
from django.db.models.functions import TruncDate

from network.models import Network
from reports.kpis import AMOUNTS, COUNTS
from reports.models import (
    DailyGeoStat,
    DailyLandingPageStat,
    DailyOfferStat,
    DailyPublisherStat,
    DailyStat,
    DailyTrafficStat,
    HourlyStat,
)

DAILY_MODELS: tuple[type[Model], ...] = (
    DailyOfferStat,
    DailyPublisherStat,
    DailyLandingPageStat,
    DailyGeoStat,
    DailyStat,
    DailyTrafficStat,
)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def local_day(hour: datetime, zone: ZoneInfo) -> date:
    """The local date on which this (UTC) hour starts."""
    return hour.astimezone(zone).date()


def first_hour_of(day: date, zone: ZoneInfo) -> datetime:
    """The first whole UTC hour that starts on or after the local midnight of `day`."""
    midnight = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    floor = midnight.replace(minute=0, second=0, microsecond=0)
    return floor if floor == midnight else floor + HOUR


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Distinct days as [first, last] ranges of consecutive days."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] + DAY == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def rollup_days(network: Network, days: Iterable[date]) -> int:
    """Recompute these local days of the network from its hourly rows (inside its scope and
    a transaction holding the network's rollup lock); how many rows were written."""
    zone = ZoneInfo(network.timezone)
    written = 0
    for first, last in day_ranges(days):
        start, end = first_hour_of(first, zone), first_hour_of(last + DAY, zone)
        for model in DAILY_MODELS:
            model.objects.filter(network=network, day__gte=first, day__lte=last).delete()
            written += _insert_days(model, network, start, end, zone)
    return written


def _insert_days(
    model: type[Model], network: Network, start: datetime, end: datetime, zone: ZoneInfo
) -> int:
    sums = {name: Sum(name) for name in (*COUNTS, *AMOUNTS)}
    select = (
        HourlyStat.objects.filter(network=network, hour__gte=start, hour__lt=end)
        .values("network_id", *model.DIMENSIONS, day=TruncDate("hour", tzinfo=zone))
        .annotate(**sums)
        .order_by()
    )
    query = select.query
    columns = [*query.values_select, *query.annotation_select]
    sql, params = query.sql_with_params()
    quote = connection.ops.quote_name
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) {sql}"
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return cursor.rowcount


def days_of_hours(hours: Iterable[datetime], network: Network) -> set[date]:
    zone = ZoneInfo(network.timezone)
    return {local_day(hour, zone) for hour in hours}
