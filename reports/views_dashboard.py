"""The admin dashboard: the network at a glance, what waits for a decision, the latest
conversions (refreshed by htmx without a reload), and a new network's getting-started
checklist (reports/getting_started.py). The advertiser's and the publisher's are
in reports/views_advertiser.py and reports/views_publisher.py."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from lib.views import render_in_network_time
from network.access import ADMINS, role_required
from network.models import Network
from offers.models import Offer, OfferAccess
from payouts.models import PayoutRun
from publishers.models import Publisher
from reports import dashboards, getting_started
from reports.dashboards import CLICKS, CONVERSIONS, Measure
from tracking.models import Conversion

TOP = 5
LATEST = 10
REFRESH_SECONDS = 15

# The chart: the card's lines less what is only pending.
ADMIN_CHART = [
    CLICKS,
    CONVERSIONS,
    Measure(_("Revenue"), lambda t: t.revenue, "money"),
    Measure(_("Profit"), lambda t: t.profit, "money"),
]
ADMIN_MEASURES = [
    *ADMIN_CHART,
    # Most of a recent period's conversions still wait out their hold: what may come.
    Measure(_("Pending revenue"), lambda t: t.pending_revenue, "money"),
]


def top_rows(
    network: Network, role_scope: dict, group_by: str, first, last, order: str, limit: int = TOP
) -> list:
    """The best `limit` offers or publishers of [first, last] (one row per currency) by `order`."""
    rows = dashboards.rows_between(network, role_scope, group_by, first, last)
    return dashboards.best_rows(rows, group_by, order, limit)


def waiting_decisions() -> list[dict]:
    """Everything an admin has to decide, with how many and where (the current scope)."""
    flagged = Conversion.objects.filter(status=Conversion.Status.PENDING).exclude(fraud_flags=[])
    return [
        {
            "label": _("Publisher applications"),
            "count": Publisher.objects.filter(status=Publisher.Status.PENDING).count(),
            "url": "publisher_list",
            "query": "status=pending",
        },
        {
            "label": _("Offers to review"),
            "count": Offer.objects.filter(status=Offer.Status.PENDING).count(),
            "url": "admin_offer_list",
            "query": "status=pending",
        },
        {
            "label": _("Offer access requests"),
            "count": OfferAccess.objects.filter(status=OfferAccess.Status.PENDING).count(),
            "url": "admin_access_list",
            "query": "status=pending",
        },
        {
            "label": _("Flagged conversions"),
            "count": flagged.count(),
            "url": "admin_conversions",
            "query": "status=pending&flagged=yes",
        },
        {
            "label": _("Payout runs to approve"),
            "count": PayoutRun.objects.filter(status=PayoutRun.Status.REVIEW).count(),
            "url": "payout_run_list",
            "query": "",
        },
    ]


def latest_conversions() -> QuerySet:
    # Newest by id, the order they arrived in: the primary key's index serves it, where
    # ordering by created_at would need an index of its own on every postback's insert.
    return Conversion.objects.select_related("offer", "publisher", "goal").order_by("-id")[:LATEST]


@role_required(*ADMINS)
@require_safe
def admin_home(request: HttpRequest) -> HttpResponse:
    network = request.network
    moment = dashboards.local_now(network)
    today = moment.date()
    by_day = dashboards.days_of(network, {}, dashboards.first_day_needed(today), today)
    month = dashboards.month_start(today)
    pending = Publisher.objects.filter(status=Publisher.Status.PENDING).order_by("created_at")
    checklist = getting_started.checklist(network)
    return render_in_network_time(
        request,
        "reports/dashboard/admin.html",
        {
            "cards": dashboards.cards(network, {}, by_day, moment, ADMIN_MEASURES),
            "chart": dashboards.chart(network, by_day, today, ADMIN_CHART),
            "top_offers": top_rows(network, {}, "offer", month, today, "revenue"),
            "top_publishers": top_rows(network, {}, "publisher", month, today, "revenue"),
            "decisions": waiting_decisions(),
            "pending_publishers": pending[:5],
            "latest": latest_conversions(),
            "refresh_seconds": REFRESH_SECONDS,
            "checklist": checklist,
            "checklist_done": sum(step.done for step in checklist or ()),
        },
    )


@role_required(*ADMINS)
@require_safe
def admin_latest_conversions(request: HttpRequest) -> HttpResponse:
    """The dashboard's list of latest conversions, alone: htmx polls it."""
    return render_in_network_time(
        request,
        "reports/dashboard/latest_conversions.html",
        {"latest": latest_conversions(), "refresh_seconds": REFRESH_SECONDS},
    )
