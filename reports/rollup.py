"""Hourly rollups: recompute whole hours of a network from the tracking tables.

An hour is recomputed, never incremented: one transaction deletes the hour's HourlyStat rows
and inserts them again from one INSERT ... SELECT over clicks, impressions and conversions
(UNION ALL, grouped by the dimension tuple). Doing it twice gives the same rows, and a crash
leaves the hour as it was. The transactions of a network take a lock on its RollupState row
first, so two runs (beat fired twice, a slow worker) take turns instead of colliding on the
unique constraint.

Which hours a run recomputes (`rollup_network`):

- every hour from the watermark (`rolled_until`) less SAFETY_MARGIN up to the current hour:
  clicks reach the table from the Redis buffer with a delay, and the current hour is still
  filling;
- the hours of older conversions decided (approved, rejected, reversed) since the previous
  complete run started, less DECISION_MARGIN (a decision's timestamp is taken before its
  transaction commits);
- the hours of older clicks whose conversions were made or decided since then (less the
  same margin): a click counts as converting in its own hour (`converting_clicks`), so a
  conversion that comes a day after its click changes the click's day;
- on a network's first run: every hour since its first click, impression or conversion.

Each transaction also recomputes the local days of its hours in the daily tables
(`reports.daily`), so the hours go in chunks of one local day per transaction (each day is
summed once), and the watermark moves after each chunk: a long backfill neither holds one
huge transaction nor starts again from scratch after a crash or a deadline. A change of
the network's time zone redoes every daily row (`redo_days`).

Conversions count in the hour they were created (not decided), with the landing page,
country and device of their click. Clicks count when accepted; rejected clicks (targeting,
paused offer) are not traffic the offer took.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Min, Q
from django.db.models.functions import TruncHour
from django.utils.timezone import now

from network.models import Network
from reports.daily import (
    daily_tables_zone,
    days_of_hours,
    local_day,
    lock_state,
    redo_days,
    rollup_days,
    start_days_in_zone,
)
from reports.models import HourlyStat, RollupState
from tracking.models import Click, Conversion, Impression

HOUR = timedelta(hours=1)
SAFETY_MARGIN = timedelta(hours=3)
DECISION_MARGIN = timedelta(minutes=15)

# {hour} is the vendor's expression that truncates a created_at column to the hour.
INSERT_SQL = """
INSERT INTO reports_hourlystat
    (network_id, hour, offer_id, goal_id, publisher_id, landing_page_id, country, device,
     currency, clicks, unique_clicks, converting_clicks, impressions, conversions_approved,
     conversions_pending, conversions_rejected, conversions_reversed, sale_amount, revenue,
     payout, pending_revenue, pending_payout)
SELECT %(network)s, hour, offer_id, goal_id, publisher_id, landing_page_id, country, device,
       currency,
       SUM(clicks), SUM(unique_clicks), SUM(converting_clicks), SUM(impressions),
       SUM(conversions_approved),
       SUM(conversions_pending), SUM(conversions_rejected), SUM(conversions_reversed),
       SUM(sale_amount), SUM(revenue), SUM(payout), SUM(pending_revenue), SUM(pending_payout)
FROM (
    SELECT {hour:c.created_at} AS hour, c.offer_id, CAST(NULL AS BIGINT) AS goal_id,
           c.publisher_id, c.landing_page_id, c.country, c.device_type AS device,
           o.currency,
           1 AS clicks, CASE WHEN c.is_unique THEN 1 ELSE 0 END AS unique_clicks,
           CASE WHEN converted.click_id IS NULL THEN 0 ELSE 1 END AS converting_clicks,
           0 AS impressions, 0 AS conversions_approved, 0 AS conversions_pending,
           0 AS conversions_rejected, 0 AS conversions_reversed,
           0 AS sale_amount, 0 AS revenue, 0 AS payout, 0 AS pending_revenue,
           0 AS pending_payout
    FROM tracking_click c
    JOIN offers_offer o ON o.id = c.offer_id AND o.network_id = c.network_id
    -- The clicks of these hours that have a counted conversion: one hash of the click ids
    -- of the conversions made since (the conversions of a click come after it; an hour of
    -- margin for clocks), rather than a lookup per click.
    LEFT JOIN (
        SELECT DISTINCT cv.click_id FROM tracking_conversion cv
        WHERE cv.network_id = %(network)s AND cv.status IN ('approved', 'pending')
          AND cv.created_at >= %(converted_since)s AND cv.click_id IS NOT NULL
    ) converted ON converted.click_id = c.id
    WHERE c.network_id = %(network)s AND c.status = 'accepted'
      AND c.created_at >= %(start)s AND c.created_at < %(end)s
    UNION ALL
    SELECT {hour:i.created_at}, i.offer_id, NULL, i.publisher_id, NULL, '', '', o.currency,
           0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM tracking_impression i
    JOIN offers_offer o ON o.id = i.offer_id AND o.network_id = i.network_id
    WHERE i.network_id = %(network)s
      AND i.created_at >= %(start)s AND i.created_at < %(end)s
    UNION ALL
    SELECT {hour:v.created_at}, v.offer_id, v.goal_id, v.publisher_id, c.landing_page_id,
           COALESCE(c.country, ''), COALESCE(c.device_type, ''), v.currency,
           0, 0, 0, 0,
           CASE WHEN v.status = 'approved' THEN 1 ELSE 0 END,
           CASE WHEN v.status = 'pending' THEN 1 ELSE 0 END,
           CASE WHEN v.status = 'rejected' THEN 1 ELSE 0 END,
           CASE WHEN v.status = 'reversed' THEN 1 ELSE 0 END,
           CASE WHEN v.status = 'approved' THEN v.sale_amount ELSE 0 END,
           CASE WHEN v.status = 'approved' THEN v.revenue ELSE 0 END,
           CASE WHEN v.status = 'approved' THEN v.payout ELSE 0 END,
           CASE WHEN v.status = 'pending' THEN v.revenue ELSE 0 END,
           CASE WHEN v.status = 'pending' THEN v.payout ELSE 0 END
    FROM tracking_conversion v
    LEFT JOIN tracking_click c ON c.id = v.click_id AND c.network_id = v.network_id
    WHERE v.network_id = %(network)s
      AND v.created_at >= %(start)s AND v.created_at < %(end)s
) t
GROUP BY hour, offer_id, goal_id, publisher_id, landing_page_id, country, device, currency
"""


def hour_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('hour', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    # SQLite keeps datetimes as UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]', as Django writes them.
    return f"substr({column}, 1, 13) || ':00:00'"


def insert_sql() -> str:
    sql = INSERT_SQL
    for column in ("c.created_at", "i.created_at", "v.created_at"):
        sql = sql.replace(f"{{hour:{column}}}", hour_sql(column))
    return sql


def floor_hour(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Rollup hours are aware datetimes.")
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def hour_ranges(hours: Iterable[datetime]) -> list[tuple[datetime, datetime]]:
    """Distinct hours as [start, end) ranges of consecutive hours."""
    ranges: list[tuple[datetime, datetime]] = []
    for hour in sorted({floor_hour(h) for h in hours}):
        if ranges and ranges[-1][1] == hour:
            ranges[-1] = (ranges[-1][0], hour + HOUR)
        else:
            ranges.append((hour, hour + HOUR))
    return ranges


def rollup_hours(network: Network, hours: list[datetime]) -> int:
    """Recompute these hours of the network (inside its scope), in one transaction; how many
    rows were written."""
    return _rollup_chunk(network, hours)


@transaction.atomic
def _rollup_chunk(
    network: Network, hours: list[datetime], *, run_started: datetime | None = None
) -> int:
    state = lock_state(network)
    written = 0
    sql = insert_sql()
    adapt = connection.ops.adapt_datetimefield_value  # as the ORM sends them (SQLite: text)
    for start, end in hour_ranges(hours):
        HourlyStat.objects.filter(hour__gte=start, hour__lt=end).delete()
        with connection.cursor() as cursor:
            params = {"network": network.pk, "start": adapt(start), "end": adapt(end)}
            params["converted_since"] = adapt(start - HOUR)
            cursor.execute(sql, params)
            written += cursor.rowcount
    rollup_days(network, days_of_hours(hours, network))
    if run_started is not None and hours:
        advance(state, min(floor_hour(max(hours)) + HOUR, floor_hour(run_started)), run_started)
    return written


def advance(state: RollupState, until: datetime, run_started: datetime) -> None:
    """Move the watermark forward (never back). A first run also records its start at once:
    the hours it has done include every decision made before it started."""
    fields = []
    if state.rolled_until is None or until > state.rolled_until:
        if state.rolled_until is None and state.last_run_started_at is None:
            state.last_run_started_at = run_started
            fields.append("last_run_started_at")
        state.rolled_until = until
        fields.append("rolled_until")
    if fields:
        state.save(update_fields=fields)


def rollup_network(network: Network, *, deadline: float | None = None) -> int:
    """Recompute the network's hours that may have changed (inside its scope); how many hours
    were recomputed. With a deadline (time.monotonic()), it stops between chunks once past
    it, and the next run carries on from the watermark."""
    started = now()
    current = floor_hour(started)
    state, _ = RollupState.objects.get_or_create(network=network)
    if state.rolled_until is None and state.daily_timezone != network.timezone:
        start_days_in_zone(network)  # nothing to redo: the backfill makes the days
    if state.rolled_until is None:
        first = first_activity()
        hours = list(hours_between(floor_hour(first), current)) if first else []
    else:
        window_start = min(state.rolled_until - SAFETY_MARGIN, current)
        hours = sorted(
            set(hours_between(window_start, current))
            | decided_hours(state.last_run_started_at, before=window_start)
            | converted_click_hours(state.last_run_started_at, before=window_start)
        )
    done = 0
    for chunk in chunks_by_day(hours, network):
        if deadline is not None and time.monotonic() > deadline and done:
            return done
        _rollup_chunk(network, chunk, run_started=started)
        done += len(chunk)
    finish_run(network, current, started)
    if daily_tables_zone(network) != network.timezone:
        redo_days(network, deadline=deadline)
    return done


def chunks_by_day(hours: list[datetime], network: Network) -> list[list[datetime]]:
    """The (sorted) hours cut where the local day changes."""
    zone = ZoneInfo(network.timezone)
    chunks: list[list[datetime]] = []
    last_day = None
    for hour in hours:
        day = local_day(hour, zone)
        if day != last_day:
            chunks.append([])
            last_day = day
        chunks[-1].append(hour)
    return chunks


def finish_run(network: Network, current: datetime, started: datetime) -> None:
    with transaction.atomic():
        state = lock_state(network)
        advance(state, current, started)
        if state.last_run_started_at is None or started > state.last_run_started_at:
            state.last_run_started_at = started
            state.save(update_fields=["last_run_started_at"])


def hours_between(first: datetime, last: datetime) -> Iterable[datetime]:
    """first, first + 1h, ... last (both whole hours)."""
    hour = first
    while hour <= last:
        yield hour
        hour += HOUR


def first_activity() -> datetime | None:
    """When the network's (current scope's) first click, impression or conversion was made."""
    firsts = [
        model.objects.aggregate(first=Min("created_at"))["first"]
        for model in (Click, Impression, Conversion)
    ]
    return min((first for first in firsts if first is not None), default=None)


def decided_hours(since: datetime | None, *, before: datetime) -> set[datetime]:
    """Hours before `before` holding conversions decided since `since` (less the margin)."""
    if since is None:
        return set()
    hours = (
        Conversion.objects.filter(decided_at__gte=since - DECISION_MARGIN, created_at__lt=before)
        .annotate(hour=TruncHour("created_at", tzinfo=UTC))
        .order_by()
        .values_list("hour", flat=True)
        .distinct()
    )
    return {floor_hour(hour) for hour in hours}


def converted_click_hours(since: datetime | None, *, before: datetime) -> set[datetime]:
    """Hours before `before` holding clicks whose conversions were made or decided since
    `since` (less the margin): whether such a click converts may have changed."""
    if since is None:
        return set()
    after = since - DECISION_MARGIN
    hours: set[datetime] = set()
    for recent in (Q(created_at__gte=after), Q(decided_at__gte=after)):
        clicks = Conversion.objects.filter(recent, click__isnull=False).values("click_id")
        found = (
            Click.objects.filter(pk__in=clicks, created_at__lt=before)
            .annotate(hour=TruncHour("created_at", tzinfo=UTC))
            .order_by()
            .values_list("hour", flat=True)
            .distinct()
        )
        hours.update(floor_hour(hour) for hour in found)
    return hours
