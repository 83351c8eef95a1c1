"""Conversion lists for each role, and the advertiser's integration page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lib.tables import configure
from network.access import ADMINS, role_required
from network.models import Role
from offers.links import tracking_host
from tracking.models import Conversion, RejectedPostback
from tracking.tables import conversion_table


def conversions_page(request: HttpRequest, queryset, role: str) -> HttpResponse:
    status = request.GET.get("status", "")
    if status in Conversion.Status.values:
        queryset = queryset.filter(status=status)
    queryset = queryset.select_related("offer", "goal", "publisher", "click")
    table = conversion_table(queryset, role)
    configure(request, table, per_page=50)
    return render(
        request,
        "tracking/conversions.html",
        {
            "table": table,
            "statuses": Conversion.Status.choices,
            "status": status,
        },
    )


@role_required(*ADMINS)
def admin_conversions(request: HttpRequest) -> HttpResponse:
    return conversions_page(request, Conversion.objects.all(), "admin")


@role_required(Role.ADVERTISER)
def advertiser_conversions(request: HttpRequest) -> HttpResponse:
    company = request.membership.advertiser
    return conversions_page(
        request, Conversion.objects.filter(offer__advertiser=company), "advertiser"
    )


@role_required(Role.PUBLISHER)
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
