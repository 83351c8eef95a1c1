"""The report table: one column class per kind of number, the KPIs of reports.kpis on every
row and in the footer (the totals row), and each role's columns.

A column gives a cell's raw value (`raw()`: int, Decimal, str or None, what the exports
write) and its text for the page (`render()`: Babel formats, None as "—").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django_tables2.utils import OrderByTuple

from lib.formats import format_date, format_money, format_number, format_percent
from lib.tables import Table
from reports.filters import GROUP_LABELS
from reports.formats import format_multiple
from reports.kpis import Totals
from reports.query import NAMED_GROUPS

EMPTY = "—"
# Each role's columns, in order (the group column comes first for everyone).
ROLE_COLUMNS = {
    "publisher": ("clicks", "unique_clicks", "impressions", "conversions", "cr", "payout", "epc"),
    "advertiser": ("clicks", "conversions", "cr", "sale_amount", "revenue", "cpa", "roas", "roi"),
    "admin": (
        "clicks",
        "unique_clicks",
        "impressions",
        "conversions",
        "cr",
        "sale_amount",
        "revenue",
        "payout",
        "profit",
        "margin",
        "epc",
        "cpa",
        "roas",
        "roi",
    ),
}
# Headers that differ by role: an advertiser's cost is the network's revenue, a publisher's
# earnings are its payout. Each role's name is the one its dashboard, conversions and exports
# use too (the advertiser's dashboard says "Cost", never "Spend").
ROLE_HEADERS = {
    "advertiser": {"revenue": _("Cost")},
    "publisher": {"payout": _("Earnings")},
}


def totals_of(record: dict) -> Totals:
    """The row's KPIs, computed once per row."""
    if "_totals" not in record:
        record["_totals"] = Totals.from_row(record)
    return record["_totals"]


class KpiColumn(tables.Column):
    """A Totals attribute: `kind` is count, money, ratio or multiple (ROAS). Sortable when the
    query has the column (the sums); the ratios are computed in Python and are not."""

    def __init__(self, kpi: str, kind: str, *, orderable: bool = True, **kwargs):
        # Figures align at the end of their column, header and totals too.
        attrs = {"th": {"class": "num"}, "td": {"class": "num"}, "tf": {"class": "num"}}
        super().__init__(accessor=kpi, empty_values=(), orderable=orderable, attrs=attrs, **kwargs)
        self.kpi = kpi
        self.kind = kind

    def value_of(self, totals: Totals):
        return getattr(totals, self.kpi)

    def raw(self, record: dict):
        return self.value_of(totals_of(record))

    def text(self, value, currency: str | None) -> str:
        if value is None:
            return EMPTY
        if self.kind == "money":
            return format_money(value, currency) if currency else EMPTY
        if self.kind == "ratio":
            return format_percent(value, decimals=2)
        if self.kind == "multiple":
            return format_multiple(value)
        return format_number(value)

    def render(self, record):
        return self.text(self.raw(record), record.get("currency"))

    def render_footer(self, bound_column, table):
        return self.text(self.value_of(table.totals), table.totals.currency)


class GroupColumn(tables.Column):
    """The row's group: a day, an hour (in the network's zone), a named object, a value.
    `suffix` "2": the second grouping's (key2, name2)."""

    def __init__(self, suffix: str = "", **kwargs):
        super().__init__(accessor=f"key{suffix}", empty_values=(), **kwargs)
        self.key, self.name = f"key{suffix}", f"name{suffix}"
        self.suffix = suffix

    def raw(self, record: dict) -> str:
        key, name = record.get(self.key), record.get(self.name)
        if isinstance(key, datetime):
            return key.strftime("%Y-%m-%d %H:00")
        if isinstance(key, date):
            return key.isoformat()
        if self.name in record:
            return f"{name} (#{key})" if key is not None else str(_("(none)"))
        return key if key not in (None, "") else str(_("(none)"))

    def render(self, record):
        key = record.get(self.key)
        if isinstance(key, date) and not isinstance(key, datetime):
            return format_date(key)
        return self.raw(record)

    def render_footer(self, bound_column, table):
        return "" if self.suffix else _("Total")


class ReportTable(Table):
    label = GroupColumn(verbose_name=_("Group"))
    label2 = GroupColumn("2", verbose_name=_("Group"))
    clicks = KpiColumn("clicks", "count", verbose_name=_("Clicks"))
    unique_clicks = KpiColumn("unique_clicks", "count", verbose_name=_("Unique clicks"))
    impressions = KpiColumn("impressions", "count", verbose_name=_("Impressions"))
    conversions = KpiColumn("conversions", "count", verbose_name=_("Conversions"))
    cr = KpiColumn("cr", "ratio", orderable=False, verbose_name=_("CR"))
    sale_amount = KpiColumn("sale_amount", "money", verbose_name=_("Sale amount"))
    revenue = KpiColumn("revenue", "money", verbose_name=_("Revenue"))
    payout = KpiColumn("payout", "money", verbose_name=_("Payout"))
    profit = KpiColumn("profit", "money", verbose_name=_("Profit"))
    margin = KpiColumn("margin", "ratio", orderable=False, verbose_name=_("Margin"))
    epc = KpiColumn("epc", "money", orderable=False, verbose_name=_("EPC"))
    cpa = KpiColumn("cpa", "money", orderable=False, verbose_name=_("CPA"))
    roas = KpiColumn("roas", "multiple", orderable=False, verbose_name=_("ROAS"))
    roi = KpiColumn("roi", "ratio", orderable=False, verbose_name=_("ROI"))

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("No traffic in this period.")

    def __init__(
        self, data, *, role: str, group_by: str, totals: Totals, then_by: str = "", **kwargs
    ):
        shown = ROLE_COLUMNS[role]
        labels = ("label", "label2") if then_by else ("label",)
        every = [name for name in type(self).base_columns if name not in labels]
        exclude = [name for name in every if name not in shown]
        super().__init__(data, exclude=exclude, sequence=(*labels, *shown), **kwargs)
        self.totals = totals
        self.groups = len(labels)
        for label, group, suffix in zip(labels, (group_by, then_by), ("", "2"), strict=False):
            column = self.columns[label].column
            column.verbose_name = GROUP_LABELS[group]
            keys = (f"name{suffix}", f"key{suffix}") if group in NAMED_GROUPS else (f"key{suffix}",)
            # Sorting by the first grouping keeps the second's order inside it, and back.
            other = ("key2",) if then_by and not suffix else ("key",) if suffix else ()
            column.order_by = OrderByTuple((*keys, *other, "currency"))
        for name, header in ROLE_HEADERS.get(role, {}).items():
            self.columns[name].column.verbose_name = header

    def export_header(self) -> list[str]:
        headers = [str(column.header) for column in self.columns]
        groups = headers[: self.groups]
        return [*groups, str(_("Currency")), *headers[self.groups :]]

    def export_row(self, record: dict) -> list[str | int | Decimal | None]:
        cells = [bound.column.raw(record) for bound in self.columns]
        return [*cells[: self.groups], record.get("currency") or "", *cells[self.groups :]]
