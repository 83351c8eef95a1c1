"""The KPIs, defined once, over sums of HourlyStat rows.

What counts:

- clicks: accepted clicks; unique clicks: the accepted clicks marked unique.
- converting clicks: the accepted clicks that have at least one approved or pending
  conversion, counted once however many conversions (goals) they have, in the click's own
  hour (by click date).
- conversions: approved + pending. Rejected and reversed ones are not conversions of the
  traffic (a refusal, a refund): they are shown on their own. Pending ones count because
  most conversions wait out a hold period, and a CR that only shows approved ones would drop
  for the last weeks of every report.
- revenue (advertiser cost), payout (publisher earnings), sale amount: of approved
  conversions only, the money owed. Pending money is `pending_revenue` / `pending_payout`.

Formulas (None when the denominator is zero, and for money when the rows mix currencies):

- CTR = clicks / impressions
- CR = converting clicks / clicks: the share of the clicks that converted, so never above
  100 % (one click with two goals is one converting click, not two conversions per click)
- EPC = payout / clicks
- CPA = revenue / approved conversions (cost of an approved action: same rows on both sides)
- profit = revenue - payout; margin = profit / revenue
- ROAS = sale amount / revenue (the advertiser's cost): a multiple, 35.0x
- ROI = (sale amount - revenue) / revenue: the advertiser's return on that cost, a percent

Rounding, half-even: ratios (CTR, CR, margin, ROAS, ROI) are fractions quantized to 4 places
(0.0123 is 1.23 %); amounts, profit and CPA are in the currency's precision
(lib.money.quantize); EPC has two places more than the currency (0.0123 USD a click).
The sums themselves are exact: HourlyStat keeps the conversions' Decimal amounts, which are
in the currency's precision already, so quantizing a sum only sets its number of places.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum

from lib.money import minor_units, quantize

RATIO_PLACES = Decimal("0.0001")

COUNTS = (
    "clicks",
    "unique_clicks",
    "converting_clicks",
    "impressions",
    "conversions_approved",
    "conversions_pending",
    "conversions_rejected",
    "conversions_reversed",
)
AMOUNTS = ("sale_amount", "revenue", "payout", "pending_revenue", "pending_payout")


def _ratio(numerator: Decimal | int, denominator: Decimal | int, places: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(places, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Totals:
    """Sums of HourlyStat rows. `currency` is None when the rows mix currencies (or there are
    none); amounts are then None, as they cannot be added up."""

    currency: str | None = None
    clicks: int = 0
    unique_clicks: int = 0
    converting_clicks: int = 0
    impressions: int = 0
    conversions_approved: int = 0
    conversions_pending: int = 0
    conversions_rejected: int = 0
    conversions_reversed: int = 0
    sale_amount: Decimal | None = None
    revenue: Decimal | None = None
    payout: Decimal | None = None
    pending_revenue: Decimal | None = None
    pending_payout: Decimal | None = None

    @classmethod
    def from_sums(cls, sums: dict[str, Any], currency: str | None) -> Totals:
        """From a dict of sums (an aggregate; missing or None sums count as zero)."""
        counts = {name: int(sums.get(name) or 0) for name in COUNTS}
        amounts = {
            name: (quantize(Decimal(sums.get(name) or 0), currency) if currency else None)
            for name in AMOUNTS
        }
        return cls(currency=currency, **counts, **amounts)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Totals:
        """From one grouped report row: its sums and its own `currency` (None: mixed)."""
        return cls.from_sums(row, row.get("currency"))

    def __add__(self, other: Totals) -> Totals:
        """Both rows' sums: money only when both are in the same currency (an empty Totals,
        the start of a sum, takes the other's currency)."""
        if not isinstance(other, Totals):
            return NotImplemented
        if self.is_empty() or other.is_empty():
            return other if self.is_empty() else self
        counts = {name: getattr(self, name) + getattr(other, name) for name in COUNTS}
        if self.currency is None or self.currency != other.currency:
            return Totals(currency=None, **counts)
        amounts = {name: getattr(self, name) + getattr(other, name) for name in AMOUNTS}
        return Totals(currency=self.currency, **counts, **amounts)

    def is_empty(self) -> bool:
        """Nothing counted and no currency: the zero of a sum."""
        return self.currency is None and not any(getattr(self, name) for name in COUNTS)

    # Counts

    @property
    def conversions(self) -> int:
        return self.conversions_approved + self.conversions_pending

    @property
    def ctr(self) -> Decimal | None:
        return _ratio(self.clicks, self.impressions, RATIO_PLACES)

    @property
    def cr(self) -> Decimal | None:
        return _ratio(self.converting_clicks, self.clicks, RATIO_PLACES)

    # Money

    @property
    def profit(self) -> Decimal | None:
        if self.revenue is None or self.payout is None:
            return None
        return self.revenue - self.payout

    @property
    def margin(self) -> Decimal | None:
        if self.revenue is None or self.payout is None:
            return None
        return _ratio(self.revenue - self.payout, self.revenue, RATIO_PLACES)

    @property
    def epc(self) -> Decimal | None:
        if self.payout is None or self.currency is None:
            return None
        places = Decimal(1).scaleb(-(minor_units(self.currency) + 2))
        return _ratio(self.payout, self.clicks, places)

    @property
    def cpa(self) -> Decimal | None:
        if self.revenue is None or self.currency is None or not self.conversions_approved:
            return None
        return quantize(self.revenue / self.conversions_approved, self.currency)

    @property
    def roas(self) -> Decimal | None:
        if self.sale_amount is None or self.revenue is None:
            return None
        return _ratio(self.sale_amount, self.revenue, RATIO_PLACES)

    @property
    def roi(self) -> Decimal | None:
        if self.sale_amount is None or self.revenue is None:
            return None
        return _ratio(self.sale_amount - self.revenue, self.revenue, RATIO_PLACES)


def measure_sums() -> dict[str, Sum]:
    """Sum(...) of every count and amount of a rollup table, named as its columns."""
    return {name: Sum(name) for name in (*COUNTS, *AMOUNTS)}


def totals(queryset: QuerySet) -> Totals:
    """The totals of these HourlyStat rows, in one query. Money only if they share a currency."""
    sums = queryset.order_by().aggregate(
        **measure_sums(), currencies=Count("currency", distinct=True), any_currency=Max("currency")
    )
    currency = sums["any_currency"] if sums["currencies"] == 1 else None
    return Totals.from_sums(sums, currency)
