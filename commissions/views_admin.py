"""What publishers earn, on the admins' offer page (/manage/offers/<id>/): each goal's payout
(its form, suggested from the network's margin until set), the per-publisher overrides, the
tier payouts, and which rule pays the publishers running the offer. The offer page itself is
offers.views_admin's: it asks `goal_rows` (registered with offers.payout_hooks) for its goals.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commissions.forms import GoalPayoutForm, OverrideForm, payout_terms
from commissions.models import PayoutOverride, TierMembership
from commissions.payouts import default_payout
from commissions.services import goal_set_payout, payout_override_delete, payout_override_set
from lib.money import quantize
from network.access import ADMINS, posted, role_required
from offers.models import Goal, Offer
from offers.tables_admin import payout_text, terms_text
from offers.terms import plain
from offers.views_admin import offer_or_404, offer_url, render_offer


def goal_rows(
    request: HttpRequest, offer: Offer, goals: list[Goal], runner_ids: set[int], forms: dict
) -> list[dict]:
    """The offer page's goals: `forms` holds a goal's bound payout form that failed."""
    return [goal_row(request, offer, goal, runner_ids, forms.get(goal.pk)) for goal in goals]


def goal_row(request, offer: Offer, goal: Goal, runner_ids: set[int], form) -> dict:
    currency = offer.currency
    if form is None:
        if goal.payout_set:
            kind, amount, percent = goal.payout_type, goal.payout_amount, goal.payout_percent
        else:  # suggest revenue minus the network's margin
            kind = goal.revenue_type
            amount, percent = default_payout(goal, request.network)
        initial = {
            "payout_type": kind,
            "payout_amount": quantize(amount, currency),
            "payout_percent": plain(percent),
        }
        form = GoalPayoutForm(initial=initial, currency=currency, prefix=f"goal-{goal.pk}")
    overrides = list(goal.overrides.select_related("publisher").order_by("publisher__name"))
    tier_payouts = list(goal.tier_payouts.select_related("tier").order_by("tier__name"))
    # Which rule pays each publisher running the offer: override > tier > the goal's payout.
    by_override = {o.publisher_id for o in overrides} & runner_ids
    in_tier = TierMembership.objects.filter(tier__payouts__goal=goal, publisher_id__in=runner_ids)
    by_tier = set(in_tier.values_list("publisher_id", flat=True)) - by_override
    return {
        "goal": goal,
        "revenue": terms_text(
            goal.revenue_type, goal.revenue_amount, goal.revenue_percent, currency
        ),
        "payout": payout_text(goal, currency) if goal.payout_set else None,
        "form": form,
        "overrides": [(o, payout_text(o, currency)) for o in overrides],
        "tier_payouts": [(t, payout_text(t, currency)) for t in tier_payouts],
        "sources": {
            "override": len(by_override),
            "tier": len(by_tier),
            "goal": len(runner_ids) - len(by_override) - len(by_tier),
        },
    }


@role_required(*ADMINS)
@require_POST
def admin_goal_payout(request: HttpRequest, offer_id: int, goal_id: int) -> HttpResponse:
    offer = offer_or_404(offer_id)
    goal = get_object_or_404(Goal, pk=goal_id, offer=offer)
    form = GoalPayoutForm(request.POST, currency=offer.currency, prefix=f"goal-{goal.pk}")
    if not form.is_valid():
        return render_offer(request, offer, payout_forms={goal.pk: form})
    goal = goal_set_payout(goal=goal, actor=request.user, **payout_terms(form.cleaned_data))
    messages.success(request, _("Payout of “%(goal)s” saved.") % {"goal": goal.name})
    same_type = goal.payout_type == goal.revenue_type
    if same_type and (
        goal.payout_amount > goal.revenue_amount or goal.payout_percent > goal.revenue_percent
    ):
        messages.warning(
            request, _("This payout is above the revenue: each conversion loses money.")
        )
    return redirect(offer_url(offer, f"goal-{goal.pk}"))


# --- Overrides ------------------------------------------------------------------------------


@role_required(*ADMINS)
def admin_override_new(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = offer_or_404(offer_id)
    form = OverrideForm(posted(request), offer=offer, initial={"goal": request.GET.get("goal")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payout_override_set(
            goal=data["goal"], publisher=data["publisher"], actor=request.user, **payout_terms(data)
        )
        messages.success(
            request,
            _("%(publisher)s now earns their own payout on this goal.")
            % {"publisher": data["publisher"]},
        )
        return redirect(offer_url(offer, f"goal-{data['goal'].pk}"))
    return render(request, "commissions/admin/override_form.html", {"offer": offer, "form": form})


@role_required(*ADMINS)
@require_POST
def admin_override_delete(
    request: HttpRequest, offer_id: int, payout_override_id: int
) -> HttpResponse:
    offer = offer_or_404(offer_id)
    override = get_object_or_404(
        PayoutOverride.objects.select_related("goal", "publisher"),
        pk=payout_override_id,
        goal__offer=offer,
    )
    payout_override_delete(override=override, actor=request.user)
    messages.success(
        request,
        _("Override removed: %(publisher)s earns the usual payout.")
        % {"publisher": override.publisher},
    )
    return redirect(offer_url(offer, f"goal-{override.goal_id}"))
