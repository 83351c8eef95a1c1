"""Conversion lists for each role with their filters, and the advertiser's integration page.

The lists only read: the bulk decisions of advertisers and admins (their form on the same
page) post to decisions.views, which serves those two pages and hands the list
back to `conversions_page` with its form."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lib.tables import configure
from lib.views import render_in_network_time
from network.access import role_required
from network.models import Role
from offers.links import tracking_host
from tracking.filters import ConversionFilter, offers_for
from tracking.models import Conversion, RejectedPostback
from tracking.tables import conversion_table


def conversions_page(
    request: HttpRequest,
    queryset: QuerySet[Conversion],
    role: str,
    bulk_form: forms.Form | None = None,
    ticked: set[int] | tuple = (),
) -> HttpResponse:
    """The role's conversions, filtered; with the bulk form of advertisers and admins (and the
    rows ticked when it came back with an error)."""
    filters = ConversionFilter(
        request.GET,
        queryset=queryset,
        offers=offers_for(role, request.membership),
        timezone=request.network.timezone,
        role=role,
    )
    table = conversion_table(
        filters.qs.select_related("offer", "goal", "publisher", "click"), role, selected=ticked
    )
    configure(request, table, per_page=50)
    return render_in_network_time(
        request,
        "tracking/conversions.html",
        {
            "table": table,
            "filter": filters,
            "bulk_form": bulk_form,
            "role": role,
            "sort": request.GET.get("sort", ""),
        },
    )


@role_required(Role.PUBLISHER)
@require_safe
def publisher_conversions(request: HttpRequest) -> HttpResponse:
    publisher = request.membership.publisher
    return conversions_page(request, Conversion.objects.filter(publisher=publisher), "publisher")


@role_required(Role.ADVERTISER)
def advertiser_integration(request: HttpRequest) -> HttpResponse:
    company = request.membership.advertiser
    base = f"{request.scheme}://{tracking_host(request.network)}"
    return render(
        request,
        "tracking/integration.html",
        {
            "company": company,
            "base": base,
            "offers": company.offers.exclude(status="archived").order_by("name"),
            "rejected": RejectedPostback.objects.filter(advertiser=company)[:20],
        },
    )
