"""What the three dashboards share: periods with their change, figures by day, and charts.

Every figure comes from `reports.query` (the daily rollups for whole days of the network's
time zone), through the KPIs of `reports.kpis`, so a dashboard shows what the report page
shows for the same days. A dashboard reads the days it needs once (`days_of`): from the
first day of the month before last to today, one row per day and currency, and sums the
periods from them in Python.

Periods and what each is compared with:

- today (so far): yesterday up to the same time of day, in the network's time zone
  (`same_time_yesterday`, from the hourly rollups: yesterday's whole hours before that time,
  and the hour it falls in pro rata), not the whole of yesterday, which any morning would
  show as a fall of nearly 100 %;
- yesterday: the day before;
- this month (to today): the same days of last month (1st to the same day, or its end);
- last month: the month before.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils.timezone import now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.formats import format_date, format_money, format_number, format_percent, money_affixes
from network.models import Network
from reports.daily import first_hour_of
from reports.filters import day_range
from reports.formats import format_multiple, format_time_of_day
from reports.kpis import AMOUNTS, COUNTS, Totals, measure_sums
from reports.query import report_rows, stats, with_names

ByDay = dict[date, dict[str, Totals]]  # day -> currency -> sums


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first: date
    last: date
    previous_first: date
    previous_last: date
    compared_with: str = ""  # what the change is against, for the page


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def periods(today: date, time_of_day: str = "") -> list[Period]:
    """The four periods of the cards; `time_of_day` is the time "today" is compared up to
    (written for the page)."""
    yesterday = today - timedelta(days=1)
    this_month, last_month = month_start(today), previous_month(today)
    same_day_last_month = min(last_month + timedelta(days=today.day - 1), month_end(last_month))
    before_last = previous_month(last_month)
    if time_of_day:
        so_far = gettext("Against yesterday up to %(time)s") % {"time": time_of_day}
    else:
        so_far = gettext("Against yesterday up to the same time")
    return [
        Period("today", _("Today"), today, today, yesterday, yesterday, so_far),
        Period(
            "yesterday",
            _("Yesterday"),
            yesterday,
            yesterday,
            yesterday - timedelta(days=1),
            yesterday - timedelta(days=1),
            gettext("Against the day before"),
        ),
        Period(
            "this_month",
            _("This month"),
            this_month,
            today,
            last_month,
            same_day_last_month,
            gettext("Against the same days of last month"),
        ),
        Period(
            "last_month",
            _("Last month"),
            last_month,
            month_end(last_month),
            before_last,
            month_end(before_last),
            gettext("Against the month before"),
        ),
    ]


def local_now(network: Network) -> datetime:
    return now().astimezone(ZoneInfo(network.timezone))


def local_today(network: Network) -> date:
    return local_now(network).date()


HOUR = timedelta(hours=1)


def same_time_yesterday(network: Network, role_scope: dict, moment: datetime) -> dict[str, Totals]:
    """Yesterday's sums up to the time of day of `moment` (the network's zone), per currency,
    from the hourly rollups: the whole hours of yesterday that ended by then, and the hour
    that was running then in proportion to the part of it that had passed (10:30 counts half
    of yesterday's 10:00-11:00). Yesterday starts at its first hour (reports.daily: an hour
    belongs to the local day in which it starts), as today's daily rows do."""
    zone = ZoneInfo(network.timezone)
    local = moment.astimezone(zone)
    yesterday = local.date() - timedelta(days=1)
    cut = datetime.combine(yesterday, local.time(), tzinfo=zone).astimezone(UTC)
    start = first_hour_of(yesterday, zone)
    if cut <= start:
        return {}
    hourly = stats(
        network, role_scope=role_scope, start=start, end=cut, filters={}, tz=network.timezone
    )
    sums: dict[str, Totals] = defaultdict(Totals)
    whole_until = cut - HOUR
    whole = hourly.filter(hour__lte=whole_until).values("currency")
    for row in whole.annotate(**measure_sums()).order_by():
        sums[row["currency"]] = sums[row["currency"]] + Totals.from_row(row)
    running = hourly.filter(hour__gt=whole_until).values("currency", "hour")
    for row in running.annotate(**measure_sums()).order_by():  # the hour running then, if any
        share = Decimal((cut - row["hour"]) / HOUR)
        sums[row["currency"]] = sums[row["currency"]] + part_of(Totals.from_row(row), share)
    return dict(sums)


def part_of(totals: Totals, share: Decimal) -> Totals:
    """A share of an hour's sums (not rounded: only its change against today is shown)."""
    counts = {name: getattr(totals, name) * share for name in COUNTS}
    amounts = {name: getattr(totals, name) * share for name in AMOUNTS}
    return Totals(currency=totals.currency, **counts, **amounts)


def rows_between(
    network: Network, role_scope: dict, group_by: str, first: date, last: date, **filters
) -> QuerySet:
    """The role's report rows of the days [first, last] of the network's zone."""
    start, end = day_range(first, last, ZoneInfo(network.timezone))
    return report_rows(
        network,
        role_scope=role_scope,
        group_by=group_by,
        start=start,
        end=end,
        filters=filters,
        tz=network.timezone,
    )


def best_rows(rows: QuerySet, group_by: str, order: str, limit: int) -> list[dict]:
    """The first `limit` rows by `order` (descending), named, with their KPIs."""
    best = with_names(rows.order_by(f"-{order}", "key")[:limit], group_by)
    return [
        {"key": row["key"], "name": row.get("name"), "totals": Totals.from_row(row)} for row in best
    ]


def days_of(network: Network, role_scope: dict, first: date, last: date, **filters) -> ByDay:
    """The role's sums of each day in [first, last], per currency (one grouped query)."""
    by_day: ByDay = defaultdict(dict)
    for row in rows_between(network, role_scope, "date", first, last, **filters):
        by_day[row["key"]][row["currency"]] = Totals.from_row(row)
    return by_day


def sum_days(by_day: ByDay, first: date, last: date) -> dict[str, Totals]:
    """Sums of [first, last] per currency."""
    sums: dict[str, Totals] = defaultdict(Totals)
    for day, currencies in by_day.items():
        if first <= day <= last:
            for currency, totals in currencies.items():
                sums[currency] = sums[currency] + totals
    return dict(sums)


def all_currencies(per_currency: dict[str, Totals]) -> Totals:
    """The counts of every currency together (money only if there is one currency)."""
    total = Totals()
    for totals in per_currency.values():
        total = total + totals
    return total


def change(current: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """The relative change (0.25 is +25 %); None when there is nothing to compare with."""
    if current is None or not previous:
        return None
    return (Decimal(current) - Decimal(previous)) / abs(Decimal(previous))


@dataclass
class PeriodFigures:
    """A period's totals and its comparison period's, over all currencies and per currency."""

    period: Period
    current: dict[str, Totals]
    previous: dict[str, Totals]
    total: Totals = field(init=False)
    previous_total: Totals = field(init=False)

    def __post_init__(self) -> None:
        self.total = all_currencies(self.current)
        self.previous_total = all_currencies(self.previous)

    def currencies(self) -> list[str]:
        return sorted(set(self.current) | set(self.previous))

    def money(self, currency: str) -> tuple[Totals, Totals]:
        return self.current.get(currency, Totals()), self.previous.get(currency, Totals())


def period_figures(
    by_day: ByDay, today: date, yesterday_so_far: dict[str, Totals], time_of_day: str = ""
) -> list[PeriodFigures]:
    """Each period's sums and its comparison's: today's with `yesterday_so_far`
    (`same_time_yesterday`), the others' with whole days."""
    return [
        PeriodFigures(
            period,
            sum_days(by_day, period.first, period.last),
            yesterday_so_far
            if period.key == "today"
            else sum_days(by_day, period.previous_first, period.previous_last),
        )
        for period in periods(today, time_of_day)
    ]


def first_day_needed(today: date) -> date:
    """The earliest day the period cards compare with: the 1st of the month before last."""
    return previous_month(previous_month(today))


def chart_days(today: date, count: int = 30) -> list[date]:
    return [today - timedelta(days=count - 1 - n) for n in range(count)]


def chart(network: Network, by_day: ByDay, today: date, measures: list[Measure]) -> dict:
    """The last 30 days of these measures, for static/js/charts.js (through json_script):
    counts on the left axis, money (in the main currency) on the right; day labels in the
    language."""
    days = chart_days(today)
    currency = main_currency(network, sum_days(by_day, days[0], today))
    datasets = []
    for measure in measures:
        money = measure.kind == "money"
        values = daily_values(by_day, days, measure.value, currency if money else None)
        axis = "money" if money else "count"
        datasets.append({"label": str(measure.label), "data": values, "axis": axis})
    return {
        "labels": [format_date(day, style="short") for day in days],
        "currency": currency or "",
        "money": money_affixes(currency) if currency else None,
        "datasets": datasets,
    }


def daily_values(by_day: ByDay, days: list[date], measure, currency: str | None = None):
    """measure(Totals) for each day: of one currency, or all currencies' counts."""
    values = []
    for day in days:
        currencies = by_day.get(day, {})
        totals = currencies.get(currency, Totals()) if currency else all_currencies(currencies)
        value = measure(totals)
        values.append(float(value) if value is not None else None)
    return values


def main_currency(network: Network, per_currency: dict[str, Totals]) -> str:
    """The currency the charts show money in: the network's, or else the one with most revenue."""
    if network.currency in per_currency or not per_currency:
        return network.currency
    return max(per_currency, key=lambda c: per_currency[c].clicks + per_currency[c].conversions)


@dataclass(frozen=True)
class Measure:
    """A line of a period card: the KPI, how it is written, and whether it is money (one line
    per currency) or a count (every currency together). A ratio of two amounts (ROAS, ROI) is
    `per_currency` too: it cannot be computed over mixed currencies. A cost (CPA) is
    `lower_is_better`: its fall is shown as the good news it is."""

    label: str
    value: Callable[[Totals], Decimal | int | None]
    kind: str  # "count", "ratio" (a percent), "multiple" (ROAS: 35.0x), "money"
    per_currency: bool = False
    lower_is_better: bool = False

    @property
    def by_currency(self) -> bool:
        return self.kind == "money" or self.per_currency


# The lines every role's cards or charts show alike (each role names its money its own way).
CLICKS = Measure(_("Clicks"), lambda t: t.clicks, "count")
CONVERSIONS = Measure(_("Conversions"), lambda t: t.conversions, "count")


@dataclass(frozen=True)
class CardLine:
    label: str
    text: str
    change: Decimal | None
    lower_is_better: bool = False

    @property
    def size(self) -> Decimal | None:
        """The change without its sign (the page shows an arrow for it)."""
        return None if self.change is None else abs(self.change)


EMPTY = "—"


def written(value: Decimal | int | None, kind: str, currency: str | None) -> str:
    if value is None:
        return EMPTY
    if kind == "money":
        return format_money(value, currency) if currency else EMPTY
    if kind == "ratio":
        return format_percent(value, decimals=2)
    if kind == "multiple":
        return format_multiple(value)
    return format_number(value)


def card_lines(figures: PeriodFigures, measures: list[Measure]) -> list[CardLine]:
    lines = []
    for measure in measures:
        if not measure.by_currency:
            now_value = measure.value(figures.total)
            before = measure.value(figures.previous_total)
            text = written(now_value, measure.kind, None)
            lines.append(
                CardLine(measure.label, text, change(now_value, before), measure.lower_is_better)
            )
            continue
        currencies = figures.currencies()
        for currency in currencies or [None]:
            current, previous = figures.money(currency) if currency else (Totals(), Totals())
            now_value, before = measure.value(current), measure.value(previous)
            if currency is None:
                now_value = None
            label = f"{measure.label} ({currency})" if len(currencies) > 1 else measure.label
            text = written(now_value, measure.kind, currency)
            lines.append(CardLine(label, text, change(now_value, before), measure.lower_is_better))
    return lines


@dataclass(frozen=True)
class Card:
    period: Period
    lines: list[CardLine]


def cards(
    network: Network, role_scope: dict, by_day: ByDay, moment: datetime, measures: list[Measure]
) -> list[Card]:
    """The period cards at `moment` (local_now): today is compared with yesterday up to the
    same time of day."""
    so_far = same_time_yesterday(network, role_scope, moment)
    figures = period_figures(by_day, moment.date(), so_far, format_time_of_day(moment))
    return [Card(f.period, card_lines(f, measures)) for f in figures]
