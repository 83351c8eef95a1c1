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

import time as clock
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import F, Max, Min, Model
from django.db.models.functions import TruncDate

from network.models import Network
from reports.kpis import measure_sums
from reports.models import DAILY_MODELS, HourlyStat, RollupState

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
REDO_DAYS = 7  # days redone per transaction after a change of time zone


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
    derived = {name: F(path) for name, path in getattr(model, "DERIVED", {}).items()}
    select = (
        HourlyStat.objects.filter(network=network, hour__gte=start, hour__lt=end)
        .values("network_id", *model.DIMENSIONS, **derived, day=TruncDate("hour", tzinfo=zone))
        .annotate(**measure_sums())
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


def lock_state(network: Network) -> RollupState:
    """The network's rollup state, locked: its row serialises the network's rollups."""
    RollupState.objects.get_or_create(network=network)
    return RollupState.objects.select_for_update().get(network=network)


def daily_tables_zone(network: Network) -> str:
    """The time zone the network's daily rows are in ('' while they are being redone)."""
    zone = RollupState.objects.filter(network=network).values_list("daily_timezone", flat=True)
    return zone.first() or ""


@transaction.atomic
def start_days_in_zone(network: Network) -> None:
    """A network without rollups yet: its days will be made in its zone from the start."""
    state = lock_state(network)
    state.daily_timezone = network.timezone
    state.save(update_fields=["daily_timezone"])


def redo_days(network: Network, *, deadline: float | None = None) -> bool:
    """Every daily row again, in the network's current time zone (it changed, or a table is
    new), a week per transaction from the first hourly row to the last; True once done.

    Until it is done the reports read the hourly rows (`daily_timezone` is not the
    network's). With a deadline (time.monotonic()) it stops between weeks once past it and
    the next call carries on; a change of zone in between starts it again."""
    zone = network.timezone
    span = HourlyStat.objects.filter(network=network).aggregate(first=Min("hour"), last=Max("hour"))
    first, last = _local_span(span, ZoneInfo(zone))
    day = _redo_resume(network, zone, first)
    worked = False
    while day is not None and day <= last:
        if deadline is not None and clock.monotonic() > deadline and worked:
            return False
        week_end = min(day + (REDO_DAYS - 1) * DAY, last)
        with transaction.atomic():
            state = lock_state(network)
            if state.daily_redo_timezone != zone:
                return False  # the zone changed again meanwhile: the next run starts over
            rollup_days(network, [day + n * DAY for n in range((week_end - day).days + 1)])
            state.daily_redone_until = week_end + DAY
            state.save(update_fields=["daily_redone_until"])
        day, worked = week_end + DAY, True
    _finish_redo(network, zone, first, last)
    return True


def _local_span(span: dict, zone: ZoneInfo) -> tuple[date | None, date | None]:
    if span["first"] is None:
        return None, None
    return local_day(span["first"], zone), local_day(span["last"], zone)


@transaction.atomic
def _redo_resume(network: Network, zone: str, first: date | None) -> date | None:
    """The first day still to redo in `zone` (a new redo starts at the first day)."""
    state = lock_state(network)
    if state.daily_redo_timezone != zone or state.daily_redone_until is None:
        state.daily_redo_timezone, state.daily_redone_until = zone, first
        state.save(update_fields=["daily_redo_timezone", "daily_redone_until"])
    return state.daily_redone_until


@transaction.atomic
def _finish_redo(network: Network, zone: str, first: date | None, last: date | None) -> None:
    state = lock_state(network)
    if state.daily_redo_timezone != zone:
        return
    for model in DAILY_MODELS:  # days of the old zone that the new one does not have
        stale = model.objects.filter(network=network)
        if first is not None:
            stale = stale.exclude(day__gte=first, day__lte=last)
        stale.delete()
    state.daily_timezone = zone
    state.daily_redo_timezone, state.daily_redone_until = "", None
    state.save(update_fields=["daily_timezone", "daily_redo_timezone", "daily_redone_until"])
