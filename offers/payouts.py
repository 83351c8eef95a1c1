"""Which payout a publisher earns on a goal: their override > their tier > the goal's payout."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lib.money import quantize
from network.models import Network
from offers.models import Goal, PayoutOverride, TierPayout
from publishers.models import Publisher


@dataclass(frozen=True)
class ResolvedPayout:
    source: str  # "override", "tier" or "goal": shown to admins so they see why
    payout_type: str
    amount: Decimal
    percent: Decimal

    def earned(self, sale_amount: Decimal, currency: str) -> Decimal:
        """What a conversion with this sale amount earns, rounded once to the currency."""
        flat = self.amount if self.payout_type != Goal.Type.CPS else Decimal(0)
        share = Decimal(0)
        if self.payout_type in (Goal.Type.CPS, Goal.Type.CPA_CPS):
            share = sale_amount * self.percent / 100
        return quantize(flat + share, currency)


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
    resolved = {}
    for goal in goals:
        if goal.pk in overrides:
            resolved[goal.pk] = _resolved("override", overrides[goal.pk])
        elif goal.pk in tiers:
            resolved[goal.pk] = _resolved("tier", tiers[goal.pk])
        else:
            resolved[goal.pk] = _resolved("goal", goal)
    return resolved


def _resolved(source: str, terms) -> ResolvedPayout:
    return ResolvedPayout(source, terms.payout_type, terms.payout_amount, terms.payout_percent)


def default_payout(goal: Goal, network: Network) -> tuple[Decimal, Decimal]:
    """The payout an admin is offered for a goal: revenue minus the network's margin."""
    keep = (100 - network.default_margin_percent) / 100
    amount = quantize(goal.revenue_amount * keep, goal.offer.currency)
    percent = (goal.revenue_percent * keep).quantize(Decimal("0.001"))
    return amount, percent
