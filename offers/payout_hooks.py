"""What the offers pages show that an app above this one decides: which payout a publisher
earns on a goal, and the goals' payout part of the admins' offer page. The commissions app
(overrides and tiers) registers both when it loads (its AppConfig.ready), so offers imports
none of it; without a registration a publisher earns the goal's own payout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lib.money import quantize
from offers.rules import GoalType


@dataclass(frozen=True)
class ResolvedPayout:
    source: str  # "override", "tier" or "goal": shown to admins so they see why
    payout_type: str
    amount: Decimal
    percent: Decimal

    def earned(self, sale_amount: Decimal, currency: str) -> Decimal:
        """What a conversion with this sale amount earns, rounded once to the currency."""
        flat = self.amount if self.payout_type != GoalType.CPS else Decimal(0)
        share = Decimal(0)
        if self.payout_type in (GoalType.CPS, GoalType.CPA_CPS):
            share = sale_amount * self.percent / 100
        return quantize(flat + share, currency)


def resolved(source: str, terms) -> ResolvedPayout:
    return ResolvedPayout(source, terms.payout_type, terms.payout_amount, terms.payout_percent)


# (goals, publisher) -> {goal id: ResolvedPayout}: commissions.payouts.resolve_payouts.
Resolver = Callable[[list, Any], dict[int, ResolvedPayout]]
# (request, offer, goals, approved publisher ids, bound payout forms by goal id) -> one dict a
# goal for templates/offers/admin/offer_detail.html: commissions.offer_page.goal_rows.
GoalRows = Callable[..., list[dict]]
_hooks: dict[str, Callable] = {}


def register(*, resolver: Resolver, goal_rows: GoalRows) -> None:
    _hooks.update(resolver=resolver, goal_rows=goal_rows)


def resolve_payouts(goals: list, publisher) -> dict[int, ResolvedPayout]:
    """What the publisher earns on each goal, by goal id."""
    if "resolver" in _hooks:
        return _hooks["resolver"](goals, publisher)
    return {goal.pk: resolved("goal", goal) for goal in goals}


def resolve_payout(goal, publisher) -> ResolvedPayout:
    return resolve_payouts([goal], publisher)[goal.pk]


def goal_rows(request, offer, goals: list, runner_ids: set[int], forms: dict) -> list[dict]:
    if "goal_rows" in _hooks:
        return _hooks["goal_rows"](request, offer, goals, runner_ids, forms)
    return [{"goal": goal} for goal in goals]
