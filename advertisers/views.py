"""Advertiser company pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from advertisers.models import Advertiser
from network.access import ADMINS, role_required
from network.models import Invitation, Role


@role_required(Role.ADVERTISER)
def advertiser_home(request: HttpRequest) -> HttpResponse:
    company = request.membership.advertiser
    return render(
        request,
        "advertisers/home.html",
        {
            "company": company,
            "users": company.memberships.select_related("user"),
            "invitations": company.invitations.filter(status=Invitation.Status.PENDING),
        },
    )


@role_required(*ADMINS)
def advertiser_list(request: HttpRequest) -> HttpResponse:
    from payouts.views_invoices import receivables_by_advertiser

    owed = receivables_by_advertiser()
    companies = list(Advertiser.objects.prefetch_related("memberships__user"))
    for company in companies:
        company.owed = owed.get(company.pk, [])
    return render(request, "advertisers/admin_list.html", {"companies": companies})
