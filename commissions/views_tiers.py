"""Payout tier pages for owners and managers: named groups of publishers with own payouts."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commissions.forms import TierForm, TierMemberForm, TierPayoutForm, payout_terms
from commissions.models import PayoutTier, TierMembership, TierPayout
from commissions.services import (
    tier_create,
    tier_member_add,
    tier_member_remove,
    tier_payout_delete,
    tier_payout_set,
)
from commissions.tables import TierTable
from lib.tables import configure
from network.access import ADMINS, posted, role_required
from offers.services import OfferError
from offers.tables_admin import payout_text

PER_PAGE = 25


@role_required(*ADMINS)
def admin_tier_list(request: HttpRequest) -> HttpResponse:
    form = TierForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            tier = tier_create(
                network=request.network, name=form.cleaned_data["name"], actor=request.user
            )
        except OfferError as exc:
            form.add_error("name", str(exc))
        else:
            done = _("Tier “%(tier)s” created: add publishers and payouts.") % {"tier": tier}
            return _to_tier(request, tier, done)
    tiers = PayoutTier.objects.annotate(
        member_count=Count("memberships", distinct=True),
        payout_count=Count("payouts", distinct=True),
    )
    table = TierTable(tiers)
    configure(request, table, PER_PAGE)
    return render(request, "commissions/admin/tier_list.html", {"table": table, "form": form})


@role_required(*ADMINS)
def admin_tier_detail(request: HttpRequest, payout_tier_id: int) -> HttpResponse:
    return _render_tier(request, get_object_or_404(PayoutTier, pk=payout_tier_id))


def _render_tier(request, tier: PayoutTier, *, member_form=None, payout_form=None):
    payouts = tier.payouts.select_related("goal__offer").order_by("goal__offer__name", "goal__id")
    context = {
        "tier": tier,
        "members": tier.memberships.select_related("publisher").order_by("publisher__name"),
        "payouts": [(p, payout_text(p, p.goal.offer.currency)) for p in payouts],
        "member_form": member_form or TierMemberForm(),
        "payout_form": payout_form or TierPayoutForm(),
    }
    return render(request, "commissions/admin/tier_detail.html", context)


def _to_tier(request, tier: PayoutTier, done: str) -> HttpResponse:
    """Back to the tier's page, saying what was `done`."""
    messages.success(request, done)
    return redirect("admin_tier_detail", payout_tier_id=tier.pk)


@role_required(*ADMINS)
@require_POST
def admin_tier_member_add(request: HttpRequest, payout_tier_id: int) -> HttpResponse:
    tier = get_object_or_404(PayoutTier, pk=payout_tier_id)
    form = TierMemberForm(request.POST)
    if form.is_valid():
        try:
            tier_member_add(tier=tier, publisher=form.cleaned_data["publisher"], actor=request.user)
        except OfferError as exc:
            form.add_error("publisher", str(exc))
        else:
            publisher = form.cleaned_data["publisher"]
            done = _("%(publisher)s added to “%(tier)s”.") % {"publisher": publisher, "tier": tier}
            return _to_tier(request, tier, done)
    return _render_tier(request, tier, member_form=form)


@role_required(*ADMINS)
@require_POST
def admin_tier_member_remove(
    request: HttpRequest, payout_tier_id: int, publisher_id: int
) -> HttpResponse:
    tier = get_object_or_404(PayoutTier, pk=payout_tier_id)
    membership = get_object_or_404(
        TierMembership.objects.select_related("publisher"), tier=tier, publisher_id=publisher_id
    )
    tier_member_remove(membership=membership, actor=request.user)
    done = _("%(publisher)s removed from “%(tier)s”.")
    return _to_tier(request, tier, done % {"publisher": membership.publisher, "tier": tier})


@role_required(*ADMINS)
@require_POST
def admin_tier_payout_set(request: HttpRequest, payout_tier_id: int) -> HttpResponse:
    tier = get_object_or_404(PayoutTier, pk=payout_tier_id)
    form = TierPayoutForm(request.POST)
    if not form.is_valid():
        return _render_tier(request, tier, payout_form=form)
    goal = form.cleaned_data["goal"]
    tier_payout_set(tier=tier, goal=goal, actor=request.user, **payout_terms(form.cleaned_data))
    done = _("“%(tier)s” payout on %(goal)s saved.") % {"tier": tier, "goal": goal}
    return _to_tier(request, tier, done)


@role_required(*ADMINS)
@require_POST
def admin_tier_payout_remove(
    request: HttpRequest, payout_tier_id: int, goal_id: int
) -> HttpResponse:
    tier = get_object_or_404(PayoutTier, pk=payout_tier_id)
    tier_payout = get_object_or_404(
        TierPayout.objects.select_related("goal__offer"), tier=tier, goal_id=goal_id
    )
    tier_payout_delete(tier_payout=tier_payout, actor=request.user)
    done = _("“%(tier)s” payout on %(goal)s removed.")
    return _to_tier(request, tier, done % {"tier": tier, "goal": tier_payout.goal})
