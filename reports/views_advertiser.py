"""The advertiser's dashboard: what their offers cost and bring (cost, conversions, CPA,
ROAS and ROI) by period, by day and by offer, the conversions waiting for their validation, how full
their caps are, and the A/B results of their landing pages. The company's links and users
stay at the bottom, as on the page it replaces.

Everything is of the advertiser's own offers (`offer__advertiser_id`), in days of the
network's time zone, from the daily rollups (`reports.query`), as the report page is: the
page makes a handful of queries whatever the traffic. The caps' use comes from
`tracking.caps.usages`, the count the conversion path decides with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Min, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from lib.formats import format_number, format_percent
from lib.views import render_in_network_time
from network.access import role_required
from network.models import Invitation, Network, Role
from offers.models import Cap, Offer
from reports import dashboards
from reports.abtest import MIN_CLICKS, Result, Variant, Verdict, compare
from reports.dashboards import CONVERSIONS, EMPTY, Measure
from reports.filters import day_range
from reports.kpis import Totals
from reports.query import stats
from reports.views_dashboard import top_rows
from tracking import caps
from tracking.models import Conversion

OFFER_ROWS = 10
AB_OFFERS = 5
RANGE_DASH = "\u2013"  # an en dash, as between the ends of an interval

# What the network charges them: the network's revenue is the advertiser's cost, named "Cost"
# on every page of theirs (dashboard, reports, conversions, exports).
COST = Measure(_("Cost"), lambda t: t.revenue, "money")
PENDING_COST = Measure(_("Pending cost"), lambda t: t.pending_revenue, "money")
ADVERTISER_MEASURES = [
    COST,
    CONVERSIONS,
    Measure(_("CPA"), lambda t: t.cpa, "money", lower_is_better=True),
    Measure(_("ROAS"), lambda t: t.roas, "multiple", per_currency=True),
    Measure(_("ROI"), lambda t: t.roi, "ratio", per_currency=True),
    # Conversions wait out the hold period before they cost anything: what is coming.
    PENDING_COST,
]

VERDICTS = {
    Verdict.BASELINE: _("Baseline"),
    Verdict.BETTER: _("Better"),
    Verdict.WORSE: _("Worse"),
    Verdict.NOT_SIGNIFICANT: _("Not significant"),
    Verdict.TOO_FEW: _("Too few clicks"),
}


COST_CHART = [CONVERSIONS, COST, PENDING_COST]


def offer_rows(network: Network, role_scope: dict, today: date) -> tuple[list, bool]:
    """This month's offers that cost most (one row per currency), and whether there are more."""
    month = dashboards.month_start(today)
    rows = top_rows(network, role_scope, "offer", month, today, "revenue", limit=OFFER_ROWS + 1)
    return rows[:OFFER_ROWS], len(rows) > OFFER_ROWS


def pending_conversions(advertiser_id: int) -> dict:
    """How many of their conversions wait for a decision, and since when (one query)."""
    pending = Conversion.objects.filter(
        offer__advertiser_id=advertiser_id, status=Conversion.Status.PENDING
    )
    return pending.order_by().aggregate(count=Count("id"), oldest=Min("created_at"))


# --- Caps -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CapUse:
    cap: Cap
    used: Decimal

    @property
    def share(self) -> Decimal | None:
        """The share of the limit used (1 is full); None for a limit of zero."""
        return self.used / self.cap.limit if self.cap.limit else None

    @property
    def bar(self) -> int:
        """The progress bar's value out of 100 (a full cap's bar stays full)."""
        return 100 if self.share is None else int(min(self.share, 1) * 100)

    @property
    def is_full(self) -> bool:
        return self.share is None or self.share >= 1

    @property
    def is_money(self) -> bool:
        return self.cap.metric == Cap.Metric.PAYOUT


def cap_uses(network: Network, advertiser_id: int) -> list[CapUse]:
    """Every cap of their offers still in use, with what its current window used."""
    offer_caps = list(
        Cap.objects.filter(offer__advertiser_id=advertiser_id)
        .exclude(offer__status=Offer.Status.ARCHIVED)
        .select_related("offer", "publisher")
        .order_by("offer__name", "offer_id", "id")
    )
    used = caps.usages(offer_caps, network)
    return [CapUse(cap, used[cap.id]) for cap in offer_caps]


# --- A/B results of the landing pages ------------------------------------------------------


@dataclass(frozen=True)
class PageResult:
    """A landing page's row of an A/B table, written for the page."""

    result: Result

    @property
    def name(self) -> str:
        return self.result.variant.name

    @property
    def clicks(self) -> int:
        return self.result.variant.clicks

    @property
    def converting_clicks(self) -> int:
        return self.result.variant.converting_clicks

    @property
    def cr(self) -> str:
        cr = self.result.variant.cr
        return EMPTY if cr is None else format_percent(min(cr, 1.0), decimals=2, fixed=True)

    @property
    def interval(self) -> str:
        interval = self.result.variant.interval
        if interval is None:
            return EMPTY
        low, high = interval
        low_text, high_text = (format_percent(x, decimals=1, fixed=True) for x in (low, high))
        return f"{low_text} {RANGE_DASH} {high_text}"

    @property
    def verdict(self) -> str:
        return str(self.result.verdict)

    @property
    def verdict_label(self) -> str:
        return str(VERDICTS[self.result.verdict])

    @property
    def is_significant(self) -> bool:
        return self.result.verdict in (Verdict.BETTER, Verdict.WORSE)

    @property
    def p_value(self) -> str:
        p = self.result.p_value
        if p is None:
            return ""
        if p < 0.001:
            return gettext("p < %(p)s") % {"p": format_number(Decimal("0.001"))}
        return gettext("p = %(p)s") % {"p": format_number(Decimal(f"{p:.3f}"))}


@dataclass(frozen=True)
class OfferTest:
    offer_id: int
    name: str
    clicks: int
    pages: list[PageResult]


def landing_page_sums(network: Network, role_scope: dict, first: date, last: date) -> QuerySet:
    """The clicks and conversions of each offer's landing pages in [first, last], all offers
    in one grouped query (`stats` picks the daily table with landing pages for whole days)."""
    start, end = day_range(first, last, ZoneInfo(network.timezone))
    rows = stats(
        network,
        role_scope=role_scope,
        start=start,
        end=end,
        filters={},
        tz=network.timezone,
        group_by="landing_page",
    )
    # The sums are named as the columns, so Totals reads them (as in reports.query).
    return (
        rows.filter(landing_page__isnull=False)
        .values("offer_id", "landing_page_id")
        .annotate(
            offer_name=F("offer__name"),
            page_name=F("landing_page__name"),
            clicks=Sum("clicks"),
            converting_clicks=Sum("converting_clicks"),
        )
        .order_by()
    )


def page_variant(row: dict) -> Variant:
    totals = Totals.from_sums(row, None)
    # A deleted page keeps its id on the clicks, not its name.
    name = row["page_name"] or gettext("Landing page #%(id)s") % {"id": row["landing_page_id"]}
    return Variant(row["landing_page_id"], name, totals.clicks, totals.converting_clicks)


def offer_tests(
    network: Network, role_scope: dict, first: date, last: date
) -> tuple[list[OfferTest], int]:
    """The AB_OFFERS offers with most clicks among those whose traffic went to two or more
    landing pages in [first, last], each page against the baseline; and how many more
    there are."""
    rows_by_offer: dict[int, list[dict]] = {}
    for row in landing_page_sums(network, role_scope, first, last):
        if row["clicks"]:
            rows_by_offer.setdefault(row["offer_id"], []).append(row)
    tested = [rows for rows in rows_by_offer.values() if len(rows) >= 2]
    tested.sort(key=lambda rows: (-sum(r["clicks"] for r in rows), rows[0]["offer_name"]))
    tests = []
    for rows in tested[:AB_OFFERS]:
        variants = sorted(map(page_variant, rows), key=lambda v: (-v.clicks, v.name))
        pages = [PageResult(result) for result in compare(variants)]
        clicks = sum(r["clicks"] for r in rows)
        tests.append(OfferTest(rows[0]["offer_id"], rows[0]["offer_name"], clicks, pages))
    return tests, len(tested) - len(tests)


# --- The page ----------------------------------------------------------------------------


@role_required(Role.ADVERTISER)
@require_safe
def advertiser_home(request: HttpRequest) -> HttpResponse:
    network, company = request.network, request.membership.advertiser
    own_offers = {"offer__advertiser_id": company.pk}
    moment = dashboards.local_now(network)
    today = moment.date()
    by_day = dashboards.days_of(network, own_offers, dashboards.first_day_needed(today), today)
    offers, more_offers = offer_rows(network, own_offers, today)
    chart_days = dashboards.chart_days(today)
    tests, more_tests = offer_tests(network, own_offers, chart_days[0], today)
    return render_in_network_time(
        request,
        "reports/dashboard/advertiser.html",
        {
            "company": company,
            "cards": dashboards.cards(network, own_offers, by_day, moment, ADVERTISER_MEASURES),
            "chart": dashboards.chart(network, by_day, today, COST_CHART),
            "offers": offers,
            "more_offers": more_offers,
            "pending": pending_conversions(company.pk),
            "cap_uses": cap_uses(network, company.pk),
            "tests": tests,
            "more_tests": more_tests,
            "min_clicks": MIN_CLICKS,
            "users": company.memberships.select_related("user"),
            "invitations": company.invitations.filter(status=Invitation.Status.PENDING),
        },
    )
