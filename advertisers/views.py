"""Advertiser companies for the admins (an advertiser's own home is their dashboard,
reports/views_advertiser.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from advertisers.models import Advertiser
from network.access import ADMINS, role_required


@role_required(*ADMINS)
def advertiser_list(request: HttpRequest) -> HttpResponse:
    from payouts.views_invoices import receivables_by_advertiser

    owed = receivables_by_advertiser()
    companies = list(Advertiser.objects.prefetch_related("memberships__user"))
    for company in companies:
        company.owed = owed.get(company.pk, [])
    return render(request, "advertisers/admin_list.html", {"companies": companies})
