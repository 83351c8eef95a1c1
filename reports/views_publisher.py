"""The publisher's dashboard: what they earned (pending, approved, paid) and when they are paid
next, their clicks, conversions, CR and EPC by day, offer and sub id, the offers that earn
best in the network, and a quick tracking link.

A publisher whose application is pending or was refused sees their application's status
instead (the figures would all be empty).
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from lib.views import render_in_network_time
from network.access import posted, role_required
from network.models import Network, Role
from offers.forms_publisher import SUB_MAX_LENGTH
from offers.links import click_link
from offers.models import Offer, OfferAccess
from payouts import statements
from payouts.models import PayoutLine
from payouts.statements import Amount
from publishers.models import Publisher
from reports import dashboards
from reports.dashboards import Measure, Series
from reports.kpis import Totals
from reports.query import report_rows, with_names

TOP = 5
SUB_ROWS = 10
SUB_DAYS = 7

PUBLISHER_MEASURES = [
    Measure(_("Clicks"), lambda t: t.clicks, "count"),
    Measure(_("Conversions"), lambda t: t.conversions, "count"),
    Measure(_("CR"), lambda t: t.cr, "ratio"),
    Measure(_("EPC"), lambda t: t.epc, "money"),
    Measure(_("Earnings"), lambda t: t.payout, "money"),
    Measure(_("Pending earnings"), lambda t: t.pending_payout, "money"),
]


class QuickLinkForm(forms.Form):
    """An offer the publisher runs, a sub id and a source: the link most people need."""

    offer = forms.ModelChoiceField(label=_("Offer"), queryset=Offer.objects.none())
    aff_sub = forms.CharField(
        label=_("Sub ID (aff_sub)"), required=False, max_length=SUB_MAX_LENGTH
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=SUB_MAX_LENGTH)

    def __init__(self, *args, publisher: Publisher, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = Offer.objects.runnable_by(publisher).order_by("name")


def rows_of(network: Network, publisher: Publisher, group_by: str, first: date, last: date):
    zone = ZoneInfo(network.timezone)
    return report_rows(
        network,
        role_scope={"publisher_id": publisher.pk},
        group_by=group_by,
        start=dashboards.local_midnight(first, zone),
        end=dashboards.local_midnight(last + timedelta(days=1), zone),
        filters={},
        tz=network.timezone,
    )


def table_rows(rows, group_by: str, order: str, limit: int) -> list[dict]:
    return [
        {"key": row["key"], "name": row.get("name"), "totals": Totals.from_row(row)}
        for row in with_names(rows.order_by(f"-{order}", "key")[:limit], group_by)
    ]


def best_offers_for(network: Network, publisher: Publisher, today: date) -> list[dict]:
    """The offers they may run or apply to, by what a click earned across the network in the
    last 30 days (EPC): where their traffic is likely to earn most."""
    visible = {o.pk: o for o in Offer.objects.visible_to(publisher)}
    if not visible:
        return []
    first = today - timedelta(days=29)
    zone = ZoneInfo(network.timezone)
    rows = report_rows(
        network,
        role_scope={},
        group_by="offer",
        start=dashboards.local_midnight(first, zone),
        end=dashboards.local_midnight(today + timedelta(days=1), zone),
        filters={},
        tz=network.timezone,
    ).filter(offer_id__in=list(visible))
    ranked = sorted(
        ((Totals.from_row(row), visible[row["key"]]) for row in rows if row["clicks"]),
        key=lambda pair: (pair[0].epc or 0, pair[0].clicks),
        reverse=True,
    )
    runs = set(
        OfferAccess.objects.filter(
            publisher=publisher, status=OfferAccess.Status.APPROVED
        ).values_list("offer_id", flat=True)
    )
    return [
        {"offer": offer, "totals": totals, "runs": offer.pk in runs}
        for totals, offer in ranked[:TOP]
    ]


def paid_to_date(publisher: Publisher) -> list[Amount]:
    """What the network has paid them, per currency (paid payout lines)."""
    rows = (
        PayoutLine.objects.filter(publisher=publisher, status=PayoutLine.Status.PAID)
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return [Amount(row["currency"], row["total"]) for row in rows]


def publisher_chart(network: Network, by_day, today: date) -> dict:
    days = dashboards.chart_days(today)
    currency = dashboards.main_currency(network, dashboards.sum_days(by_day, days[0], today))

    def per_day(measure, in_currency=None):
        return dashboards.daily_values(by_day, days, measure, in_currency)

    series = [
        Series(_("Clicks"), per_day(lambda t: t.clicks)),
        Series(_("Conversions"), per_day(lambda t: t.conversions)),
        Series(_("Earnings"), per_day(lambda t: t.payout, currency), "money"),
        Series(_("Pending earnings"), per_day(lambda t: t.pending_payout, currency), "money"),
    ]
    return dashboards.chart_data(days, series, currency)


def dashboard_context(request: HttpRequest, link_form: QuickLinkForm, link: str) -> dict:
    network, publisher = request.network, request.membership.publisher
    today = dashboards.local_today(network)
    role_scope = {"publisher_id": publisher.pk}
    by_day = dashboards.days_of(network, role_scope, dashboards.first_day_needed(today), today)
    month = dashboards.month_start(today)
    owed = statements.balances(statements.payable_accounts(publisher))
    return {
        "publisher": publisher,
        "cards": dashboards.cards(by_day, today, PUBLISHER_MEASURES),
        "chart": publisher_chart(network, by_day, today),
        "pending": statements.pending_earnings(publisher),
        "owed": owed,
        "paid": paid_to_date(publisher),
        "next_payouts": statements.next_payouts(network, publisher, owed),
        "by_offer": table_rows(
            rows_of(network, publisher, "offer", month, today), "offer", "payout", 10
        ),
        "by_sub": table_rows(
            rows_of(network, publisher, "aff_sub", today - timedelta(days=SUB_DAYS - 1), today),
            "aff_sub",
            "clicks",
            SUB_ROWS,
        ),
        "sub_days": SUB_DAYS,
        "best_offers": best_offers_for(network, publisher, today),
        "link_form": link_form,
        "link": link,
        "runnable_count": Offer.objects.runnable_by(publisher).count(),
        "pending_count": publisher.offer_accesses.filter(status=OfferAccess.Status.PENDING).count(),
    }


def application_context(publisher: Publisher) -> dict:
    return {
        "publisher": publisher,
        "colleagues": publisher.memberships.select_related("user"),
    }


@role_required(Role.PUBLISHER)
@require_http_methods(["GET", "HEAD", "POST"])
def publisher_home(request: HttpRequest) -> HttpResponse:
    """GET: the dashboard. POST: the quick link builder (htmx swaps in the link alone)."""
    publisher = request.membership.publisher
    if publisher.status != Publisher.Status.APPROVED:
        return render(request, "publishers/home.html", application_context(publisher))
    form = QuickLinkForm(posted(request), publisher=publisher)
    link = ""
    if form.is_bound and form.is_valid():
        subs = {"aff_sub": form.cleaned_data["aff_sub"], "source": form.cleaned_data["source"]}
        link = click_link(offer=form.cleaned_data["offer"], publisher=publisher, subs=subs)
    if request.headers.get("HX-Request") == "true":
        return render(
            request, "reports/dashboard/quick_link.html", {"link_form": form, "link": link}
        )
    return render_in_network_time(
        request, "reports/dashboard/publisher.html", dashboard_context(request, form, link)
    )
