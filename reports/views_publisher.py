"""The publisher's dashboard: what they earned (pending, approved, paid) and when they are paid
next, their clicks, conversions, CR and EPC by day, offer and sub id, the offers that earn
best in the network, and a quick tracking link.

A publisher whose application is pending or was refused sees their application's status
instead (the figures would all be empty).
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
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
from payouts.statements import Amount, totals_per_currency
from publishers.models import Publisher
from reports import dashboards
from reports.dashboards import CLICKS, CONVERSIONS, Measure
from reports.kpis import Totals

TOP = 5
SUB_ROWS = 10
SUB_DAYS = 7

EARNINGS = Measure(_("Earnings"), lambda t: t.payout, "money")
PENDING_EARNINGS = Measure(_("Pending earnings"), lambda t: t.pending_payout, "money")
PUBLISHER_MEASURES = [
    CLICKS,
    CONVERSIONS,
    Measure(_("CR"), lambda t: t.cr, "ratio"),
    Measure(_("EPC"), lambda t: t.epc, "money"),
    EARNINGS,
    PENDING_EARNINGS,
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


def best_offers_for(network: Network, publisher: Publisher, today: date) -> list[dict]:
    """The offers they may run or apply to, by what a click earned across the network in the
    last 30 days (EPC): where their traffic is likely to earn most."""
    visible = {o.pk: o for o in Offer.objects.visible_to(publisher)}
    if not visible:
        return []
    first = today - timedelta(days=29)
    rows = dashboards.rows_between(network, {}, "offer", first, today)
    rows = rows.filter(offer_id__in=list(visible))
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
    paid = PayoutLine.objects.filter(publisher=publisher, status=PayoutLine.Status.PAID)
    return [Amount(*pair) for pair in totals_per_currency(paid, "amount")]


PUBLISHER_CHART = [CLICKS, CONVERSIONS, EARNINGS, PENDING_EARNINGS]


def dashboard_context(request: HttpRequest, link_form: QuickLinkForm, link: str) -> dict:
    network, publisher = request.network, request.membership.publisher
    moment = dashboards.local_now(network)
    today = moment.date()
    role_scope = {"publisher_id": publisher.pk}
    by_day = dashboards.days_of(network, role_scope, dashboards.first_day_needed(today), today)
    month = dashboards.month_start(today)
    owed = statements.balances(statements.payable_accounts(publisher))
    return {
        "publisher": publisher,
        "cards": dashboards.cards(network, role_scope, by_day, moment, PUBLISHER_MEASURES),
        "chart": dashboards.chart(network, by_day, today, PUBLISHER_CHART),
        "pending": statements.pending_earnings(publisher),
        "owed": owed,
        "paid": paid_to_date(publisher),
        "next_payouts": statements.next_payouts(network, publisher, owed),
        "by_offer": dashboards.best_rows(
            dashboards.rows_between(network, role_scope, "offer", month, today),
            "offer",
            "payout",
            10,
        ),
        "by_sub": dashboards.best_rows(
            dashboards.rows_between(
                network, role_scope, "aff_sub", today - timedelta(days=SUB_DAYS - 1), today
            ),
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
