"""The report pages' rows: one service for every role, one row per group and currency.

`report_rows()` returns a QuerySet of dicts: `key` (the group's value: a date, an hour, an
id, a country...), `currency`, and the sums of `reports.kpis` (COUNTS, AMOUNTS) plus
`conversions` and `profit` (sortable in the database); `with_names()` adds the `name` of an
offer, goal, publisher or landing page group. `reports.kpis.Totals.from_row(row)` gives a
row's KPIs.
`report_totals()` is the same selection in one aggregate query (the table's totals row).

Two groupings at once (segments: publisher x country, offer x sub id...): `then_by` adds
`key2` to each row (and `name2`, like `name`, read in the query for a named group, so the
rows sort by name in the database and stream to an export). A pair exists only where one
source holds both dimensions (`PAIRS`): any two rollup groupings (HourlyStat holds them all,
a daily table when one has both), and a sub id or source with a dimension of the click
itself. The totals are those of the first grouping alone (the same rows, grouped finer);
with a sub id or source, those of the sub id report, read from the same clicks.

Sources:

- date, hour, offer, goal, publisher, landing page, country, device: the rollups. Whole
  local days in the network's own time zone read the smallest daily table that has the
  grouping and the filters (`stats()`; reports.models says which has what); anything
  else (hours, another zone, a publisher's countries) reads HourlyStat, whose UTC hours
  are truncated again in the zone (a zone with a half-hour offset puts an hour's rows in
  the local hour where it starts, as the daily tables do).
- aff_sub..aff_sub5, source: the raw clicks of ONE publisher (the index (network,
  publisher, created_at) serves the range scan), each with the conversions of those clicks
  (LEFT JOIN on the click, index conversion_click). Clicks count within [start, end);
  conversions count with their click, i.e. by click date, which is what a sub id report is
  for (which traffic converts). Clicks: accepted ones, as in the rollups.

Every query runs in the caller's tenant scope (the managers are scoped), and `role_scope`
(e.g. {"publisher_id": 3} or {"offer__advertiser_id": 5}) narrows it to the role's rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Model, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncDate, TruncHour

from network.errors import ServiceError
from network.models import Network
from offers.models import Goal, LandingPage, Offer
from publishers.models import Publisher
from reports.daily import daily_tables_zone
from reports.kpis import Totals, measure_sums, totals
from reports.models import (
    DailyAdvertiserPublisherStat,
    DailyGeoStat,
    DailyLandingPageStat,
    DailyOfferStat,
    DailyPublisherStat,
    DailyStat,
    DailyTrafficStat,
    HourlyStat,
)
from tracking.models import SUB_FIELDS, Click, Conversion

ROLLUP_GROUPS = ("date", "hour", "offer", "goal", "publisher", "landing_page", "country", "device")
SUB_GROUPS = (*SUB_FIELDS, "source")
NAMED_GROUPS = ("offer", "goal", "publisher", "landing_page")
# What a sub id or source row may be split by: the click's own columns (the goal is not one,
# and the publisher is the one the report is for).
CLICK_KEYS = {
    "date": None,  # TruncDate of created_at, in the zone
    "hour": None,
    "offer": "offer_id",
    "landing_page": "landing_page_id",
    "country": "country",
    "device": "device_type",
    **{name: name for name in SUB_GROUPS},
}


def _pairs() -> frozenset[tuple[str, str]]:
    """Every (group_by, then_by) the service can read from one source."""
    pairs = set()
    for first in (*ROLLUP_GROUPS, *SUB_GROUPS):
        for second in (*ROLLUP_GROUPS, *SUB_GROUPS):
            if first == second or {first, second} == {"date", "hour"}:
                continue
            both = {first, second}
            if both <= set(ROLLUP_GROUPS) or (both & set(SUB_GROUPS) and both <= set(CLICK_KEYS)):
                pairs.add((first, second))
    return frozenset(pairs)


PAIRS = _pairs()
# Filters the service understands (the same names on both sources).
FILTERS = ("offer_id", "publisher_id", "offer__advertiser_id", "country", "device")


class ReportError(ServiceError, ValueError):
    """A report that cannot be made as asked (shown as a form error)."""


def is_sub_group(group_by: str) -> bool:
    return group_by in SUB_GROUPS


def is_pair(group_by: str, then_by: str) -> bool:
    """Whether one source holds both groupings (`then_by` '' : one grouping)."""
    return not then_by or (group_by, then_by) in PAIRS


def reads_clicks(group_by: str, then_by: str = "") -> bool:
    """Whether the report reads the raw clicks of one publisher (a sub id or source in it)."""
    return is_sub_group(group_by) or is_sub_group(then_by)


def _clean_filters(filters: dict[str, Any]) -> dict[str, Any]:
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ReportError(f"Unknown report filters: {sorted(unknown)}")
    return {name: value for name, value in filters.items() if value not in (None, "")}


@dataclass(frozen=True)
class DailySource:
    model: type[Model]
    groups: frozenset[str]
    filters: frozenset[str]
    # A filter's name on the table when it differs (the advertiser is a column, not a join).
    renamed: tuple[tuple[str, str], ...] = ()


DAILY_SOURCES = (  # smallest first
    DailySource(
        DailyOfferStat,
        frozenset({"date", "offer", "goal"}),
        frozenset({"offer_id", "offer__advertiser_id"}),
    ),
    DailySource(DailyPublisherStat, frozenset({"date", "publisher"}), frozenset({"publisher_id"})),
    DailySource(
        DailyAdvertiserPublisherStat,
        frozenset({"date", "publisher"}),
        frozenset({"offer__advertiser_id", "publisher_id"}),
        renamed=(("offer__advertiser_id", "advertiser_id"),),
    ),
    DailySource(
        DailyLandingPageStat,
        frozenset({"date", "offer", "landing_page"}),
        frozenset({"offer_id", "offer__advertiser_id"}),
    ),
    DailySource(
        DailyGeoStat,
        frozenset({"date", "offer", "country", "device"}),
        frozenset({"offer_id", "offer__advertiser_id", "country", "device"}),
    ),
    DailySource(
        DailyStat,
        frozenset({"date", "offer", "goal", "publisher"}),
        frozenset({"offer_id", "publisher_id", "offer__advertiser_id"}),
    ),
    DailySource(
        DailyTrafficStat,
        frozenset({"date", "offer", "goal", "landing_page", "country", "device"}),
        frozenset({"offer_id", "offer__advertiser_id", "country", "device"}),
    ),
)


def _whole_local_days(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date] | None:
    """[start, end) as [first day, day after the last) when both are local midnights."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.time() != time() or local_end.time() != time():
        return None
    return local_start.date(), local_end.date()


def _daily_source(groups: set[str], wanted: set[str]) -> DailySource | None:
    for source in DAILY_SOURCES:
        if groups <= source.groups and wanted <= source.filters:
            return source
    return None


def stats(
    network: Network,
    *,
    role_scope: dict,
    start: datetime,
    end: datetime,
    filters: dict,
    tz: str,
    group_by: str | None = None,
    then_by: str = "",
) -> QuerySet:
    """The rollup rows of [start, end) for this grouping (None: totals only) and the second
    one: daily rows when the range is whole days of the network's zone and a daily table
    has what is asked."""
    wanted = {**role_scope, **filters}
    zone = ZoneInfo(tz)
    days = _whole_local_days(start, end, zone)
    groups = {name for name in (group_by, then_by) if name}
    source = _daily_source(groups, set(wanted))
    if days and source and tz == network.timezone == daily_tables_zone(network):
        first, after = days
        for name, column in source.renamed:
            if name in wanted:
                wanted[column] = wanted.pop(name)
        rows = source.model.objects.filter(network=network, day__gte=first, day__lt=after)
        return rows.filter(**wanted)
    return HourlyStat.objects.filter(network=network, hour__gte=start, hour__lt=end, **wanted)


def _group_key(group_by: str, tz: str, rows: QuerySet):
    zone = ZoneInfo(tz)
    if group_by == "date":
        if rows.model is not HourlyStat:
            return F("day")
        return TruncDate("hour", tzinfo=zone)
    if group_by == "hour":
        return TruncHour("hour", tzinfo=zone)
    if group_by in NAMED_GROUPS:
        return F(f"{group_by}_id")
    return F(group_by)


def _one_publisher(role_scope: dict, filters: dict) -> int:
    publisher = role_scope.get("publisher_id") or filters.get("publisher_id")
    if not publisher:
        raise ReportError("A sub id report is for one publisher: choose a publisher.")
    return publisher


def _clicks(
    network: Network, role_scope: dict, start: datetime, end: datetime, filters: dict
) -> QuerySet:
    """The clicks of the range, with the service's filters (device is device_type there)."""
    wanted = {**role_scope, **filters}
    if "device" in wanted:
        wanted["device_type"] = wanted.pop("device")
    clicks = Click.objects.filter(network=network, created_at__gte=start, created_at__lt=end)
    return clicks.filter(**wanted)


def _click_sums() -> dict[str, Any]:
    accepted = Q(status=Click.Status.ACCEPTED)
    approved = Q(conversions__status=Conversion.Status.APPROVED)
    pending = Q(conversions__status=Conversion.Status.PENDING)

    def count(status: str) -> Count:
        return Count("conversions", filter=Q(conversions__status=status))

    def money(field: str, when: Q) -> Sum:
        return Sum(f"conversions__{field}", filter=when)

    return {
        "clicks": Count("pk", filter=accepted, distinct=True),
        "unique_clicks": Count("pk", filter=accepted & Q(is_unique=True), distinct=True),
        "converting_clicks": Count("pk", filter=accepted & (approved | pending), distinct=True),
        "conversions_approved": count(Conversion.Status.APPROVED),
        "conversions_pending": count(Conversion.Status.PENDING),
        "conversions_rejected": count(Conversion.Status.REJECTED),
        "conversions_reversed": count(Conversion.Status.REVERSED),
        "sale_amount": money("sale_amount", approved),
        "revenue": money("revenue", approved),
        "payout": money("payout", approved),
        "pending_revenue": money("revenue", pending),
        "pending_payout": money("payout", pending),
    }


def _click_key(name: str, tz: str):
    zone = ZoneInfo(tz)
    if name == "date":
        return TruncDate("created_at", tzinfo=zone)
    if name == "hour":
        return TruncHour("created_at", tzinfo=zone)
    return F(CLICK_KEYS[name])


def _named(rows: QuerySet, group_by: str, then_by: str, key_path) -> QuerySet:
    """`name` and `name2` of the named groups, read in the grouped query (two groupings)."""
    names = {}
    for field, group in (("name", group_by), ("name2", then_by)):
        if group in NAMED_GROUPS:
            names[field] = F(key_path(group))
    return rows.annotate(**names) if names else rows


def _check_groups(group_by: str, then_by: str) -> None:
    for name in (group_by, then_by):
        if name and name not in (*ROLLUP_GROUPS, *SUB_GROUPS):
            raise ReportError(f"Unknown grouping: {name}")
    if not is_pair(group_by, then_by):
        raise ReportError(f"No report by {group_by} and {then_by}: no source holds both.")


def report_rows(
    network: Network,
    *,
    role_scope: dict,
    group_by: str,
    start: datetime,
    end: datetime,
    filters: dict,
    tz: str,
    then_by: str = "",
) -> QuerySet:
    """The report's rows in [start, end), grouped by `group_by` (and `then_by`) and
    currency, ordered by key (and key2)."""
    filters = _clean_filters(filters)
    _check_groups(group_by, then_by)
    order = ("key", "key2", "currency") if then_by else ("key", "currency")
    if reads_clicks(group_by, then_by):
        _one_publisher(role_scope, filters)
        clicks = _clicks(network, role_scope, start, end, filters)
        keys = {"key": _click_key(group_by, tz)}
        if then_by:
            keys["key2"] = _click_key(then_by, tz)
        rows = clicks.values(currency=F("offer__currency"), **keys).annotate(**_click_sums())
        # No impressions by sub id (impressions carry none).
        rows = rows.annotate(
            impressions=Value(0),
            conversions=F("conversions_approved") + F("conversions_pending"),
            profit=F("revenue") - F("payout"),
        )
        if then_by:
            rows = _named(rows, group_by, then_by, lambda g: f"{g}__name")
        return rows.order_by(*order)
    rollup = stats(
        network,
        role_scope=role_scope,
        start=start,
        end=end,
        filters=filters,
        tz=tz,
        group_by=group_by,
        then_by=then_by,
    )
    fields: dict[str, Any] = {"key": _group_key(group_by, tz, rollup)}
    if then_by:
        fields["key2"] = _group_key(then_by, tz, rollup)
    rows = rollup.values("currency", **fields).annotate(**measure_sums())
    # These F() name the sums above (the annotations shadow the fields).
    rows = rows.annotate(
        conversions=F("conversions_approved") + F("conversions_pending"),
        profit=F("revenue") - F("payout"),
    )
    if then_by:
        rows = _named(rows, group_by, then_by, lambda g: f"{g}__name")
    return rows.order_by(*order)


NAMED_MODELS = {
    "offer": Offer,
    "goal": Goal,
    "publisher": Publisher,
    "landing_page": LandingPage,
}


def with_names(
    rows: Iterable[dict], group_by: str, known: dict[int, str] | None = None
) -> list[dict]:
    """The rows (read) with the `name` of their offer, goal, publisher or landing page;
    `known` names (the filter form's options) are not read again.

    Names are read after the sums, for the keys there are: joining the names into the
    aggregate makes the database carry every name through the grouping (a 30-day report by
    publisher took 190 ms instead of 70)."""
    rows = list(rows)
    if group_by not in NAMED_GROUPS:
        return rows
    names = dict(known or {})
    missing = {row["key"] for row in rows if row["key"] is not None} - set(names)
    if missing:
        found = NAMED_MODELS[group_by].objects.filter(pk__in=missing).values_list("pk", "name")
        names.update(found)
    for row in rows:
        row["name"] = names.get(row["key"])
    return rows


def report_totals(
    network: Network,
    *,
    role_scope: dict,
    group_by: str,
    start: datetime,
    end: datetime,
    filters: dict,
    tz: str,
    then_by: str = "",
) -> Totals:
    """The totals of `report_rows()` with the same arguments, in one aggregate query (money
    only when every row has the same currency): those of `group_by` alone, as the second
    grouping only splits the same rows (with a sub id: the sub id report's)."""
    filters = _clean_filters(filters)
    _check_groups(group_by, then_by)
    if not reads_clicks(group_by, then_by):
        rollup = stats(network, role_scope=role_scope, start=start, end=end, filters=filters, tz=tz)
        return totals(rollup)
    _one_publisher(role_scope, filters)
    clicks = _clicks(network, role_scope, start, end, filters)
    sums = clicks.order_by().aggregate(
        **_click_sums(),
        currencies=Count("offer__currency", distinct=True),
        any_currency=Max("offer__currency"),
    )
    currency = sums["any_currency"] if sums["currencies"] == 1 else None
    return Totals.from_sums(sums, currency)
