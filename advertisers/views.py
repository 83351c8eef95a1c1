"""Advertiser companies for the admins (an advertiser's own home is their dashboard,
reports/views_advertiser.py). What each company owes is payouts' part of the list (the
template's payouts_parts tags)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advertisers.forms import AdvertiserStatusForm
from advertisers.models import Advertiser
from advertisers.services import AdvertiserError, advertiser_set_status
from audit.models import AuditEntry
from network.access import ADMINS, role_required


@role_required(*ADMINS)
def advertiser_list(request: HttpRequest) -> HttpResponse:
    decisions = last_status_decisions()
    companies = list(Advertiser.objects.prefetch_related("memberships__user"))
    for company in companies:
        company.last_decision = decisions.get(str(company.pk))
    return render(request, "advertisers/admin_list.html", {"companies": companies})


def last_status_decisions() -> dict[str, AuditEntry]:
    """The latest block / unblock of each company, by its id (as the audit log keeps it).
    Such decisions are rare: one query over them all, newest first."""
    latest: dict[str, AuditEntry] = {}
    entries = AuditEntry.objects.filter(
        object_type="advertisers.advertiser", action="advertiser.status"
    ).order_by("-created_at", "-id")
    for entry in entries:
        latest.setdefault(entry.object_id, entry)
    return latest


@role_required(*ADMINS)
@require_POST
def advertiser_status(request: HttpRequest, advertiser_id: int) -> HttpResponse:
    """Block or unblock a company (the advertisers list's per-row form)."""
    company = get_object_or_404(Advertiser, pk=advertiser_id)  # another network's: 404
    form = AdvertiserStatusForm(request.POST)
    if not form.is_valid():
        problems = " ".join(str(m) for errors in form.errors.values() for m in errors)
        messages.error(request, f"{company.name}: {problems}")
        return redirect("advertiser_list")
    try:
        advertiser_set_status(
            advertiser=company,
            actor=request.user,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except AdvertiserError as exc:
        messages.error(request, f"{company.name}: {exc}")
    else:
        done = (
            _("%(company)s is blocked: its offers take no traffic.")
            if form.cleaned_data["status"] == Advertiser.Status.BLOCKED
            else _("%(company)s is unblocked.")
        )
        messages.success(request, done % {"company": company.name})
    return redirect("advertiser_list")
