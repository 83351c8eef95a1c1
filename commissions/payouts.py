"""Which payout a publisher earns on a goal: their override > their tier > the goal's payout.

Registered with offers.payout_hooks (the offers pages show it); the click path's conversions
read it through tracking.lookups.payout_terms.
"""

from __future__ import annotations

from decimal import Decimal

from commissions.models import PayoutOverride, TierPayout
from lib.money import quantize
from network.models import Network
from offers.models import Goal
from offers.payout_hooks import ResolvedPayout, resolved
from publishers.models import Publisher

__all__ = ["ResolvedPayout", "default_payout", "resolve_payout", "resolve_payouts"]


def resolve_payout(goal: Goal, publisher: Publisher) -> ResolvedPayout:
    return resolve_payouts([goal], publisher)[goal.pk]


def resolve_payouts(goals: list[Goal], publisher: Publisher) -> dict[int, ResolvedPayout]:
    """resolve_payout for many goals in two queries (the marketplace's rows)."""
    ids = [goal.pk for goal in goals]
    overrides = {
        o.goal_id: o for o in PayoutOverride.objects.filter(goal_id__in=ids, publisher=publisher)
    }
    tiers = {
        t.goal_id: t
        for t in TierPayout.objects.filter(goal_id__in=ids, tier__memberships__publisher=publisher)
    }
    found = {}
    for goal in goals:
        if goal.pk in overrides:
            found[goal.pk] = resolved("override", overrides[goal.pk])
        elif goal.pk in tiers:
            found[goal.pk] = resolved("tier", tiers[goal.pk])
        else:
            found[goal.pk] = resolved("goal", goal)
    return found


def default_payout(goal: Goal, network: Network) -> tuple[Decimal, Decimal]:
    """The payout an admin is offered for a goal: revenue minus the network's margin."""
    keep = (100 - network.default_margin_percent) / 100
    amount = quantize(goal.revenue_amount * keep, goal.offer.currency)
    percent = (goal.revenue_percent * keep).quantize(Decimal("0.001"))
    return amount, percent
