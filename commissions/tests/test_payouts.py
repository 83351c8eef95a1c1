"""What a publisher earns: override > tier > the goal's payout; the suggested payout from the
revenue and the network's margin; the earning of one conversion, rounded once, half-even."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope

from commissions.models import PayoutOverride, PayoutTier, TierMembership, TierPayout
from commissions.payouts import ResolvedPayout, default_payout, resolve_payout, resolve_payouts
from conftest import make_member
from network.models import Role
from offers.models import Goal, Offer

D = Decimal


# publisher, company: commissions/tests/conftest.py.


def make_goal(network, company, *, currency="USD", name="Sale", **terms) -> Goal:
    with scope(network=network):
        offer = Offer.objects.create(
            network=network,
            advertiser=company,
            name=f"Offer {name}",
            category="other",
            currency=currency,
        )
        return Goal.objects.create(
            network=network,
            offer=offer,
            name=name,
            is_default=True,
            **{"revenue_type": "cpa", "payout_type": "cpa", "payout_amount": D(5), **terms},
        )


def in_gold_tier(publisher, goal: Goal, **payout) -> None:
    """`publisher` in a new tier, Gold, which pays `payout` on `goal`."""
    network = goal.network
    gold = PayoutTier.objects.create(network=network, name="Gold")
    TierMembership.objects.create(network=network, tier=gold, publisher=publisher)
    TierPayout.objects.create(network=network, tier=gold, goal=goal, **payout)


@pytest.fixture
def goal(network, company):
    return make_goal(network, company, revenue_amount=D(10), payout_set=True)


def test_it_pays_the_goals_payout_by_default(network, goal, publisher):
    with scope(network=network):
        resolved = resolve_payout(goal, publisher)
    assert resolved == ResolvedPayout("goal", "cpa", D(5), D(0))


def test_it_pays_the_tier_payout_to_tier_members(network, goal, publisher):
    with scope(network=network):
        in_gold_tier(publisher, goal, payout_type="cps", payout_percent=D(7))
        resolved = resolve_payout(goal, publisher)
    assert resolved == ResolvedPayout("tier", "cps", D(0), D(7))


def test_a_tier_without_a_payout_on_this_goal_leaves_the_goals_payout(
    network, company, goal, publisher
):
    other_goal = make_goal(network, company, name="Lead")
    with scope(network=network):
        in_gold_tier(publisher, other_goal, payout_type="cpa", payout_amount=D(9))
        assert resolve_payout(goal, publisher).source == "goal"
        assert resolve_payout(other_goal, publisher).amount == D(9)


def test_an_override_wins_over_the_tier(network, goal, publisher):
    with scope(network=network):
        in_gold_tier(publisher, goal, payout_type="cpa", payout_amount=D(6))
        PayoutOverride.objects.create(
            network=network,
            goal=goal,
            publisher=publisher,
            payout_type="cpa_cps",
            payout_amount=D("6.5"),
            payout_percent=D(1),
        )
        resolved = resolve_payout(goal, publisher)
    assert resolved == ResolvedPayout("override", "cpa_cps", D("6.5"), D(1))


def test_other_publishers_rules_do_not_apply(network, goal, publisher):
    someone = make_member(network, Role.PUBLISHER, "else@alpha.example")
    with scope(network=network):
        other = someone.memberships.get().publisher
        PayoutOverride.objects.create(
            network=network, goal=goal, publisher=other, payout_type="cpa", payout_amount=D(9)
        )
        in_gold_tier(other, goal, payout_type="cpa", payout_amount=D(8))
        assert resolve_payout(goal, publisher).source == "goal"
        assert resolve_payout(goal, other).source == "override"


@pytest.mark.parametrize(
    ("currency", "margin", "revenue", "percent", "expected"),
    [
        ("USD", "20", "10", "0", (D("8.00"), D("0.000"))),
        ("USD", "20", "0", "10", (D("0.00"), D("8.000"))),
        ("USD", "0", "0.125", "0", (D("0.12"), D("0.000"))),  # half-even: 0.125 -> 0.12
        ("USD", "0", "0.135", "0", (D("0.14"), D("0.000"))),  # half-even: 0.135 -> 0.14
        ("USD", "33.33", "0", "12.5", (D("0.00"), D("8.334"))),
        ("VND", "20", "100000", "0", (D("80000"), D("0.000"))),
        ("VND", "10", "12345", "0", (D("11110"), D("0.000"))),  # 11110.5 -> 11110
        ("VND", "10", "12355", "0", (D("11120"), D("0.000"))),  # 11119.5 -> 11120
    ],
)
def test_it_suggests_revenue_minus_the_network_margin(
    network, company, currency, margin, revenue, percent, expected
):
    network.default_margin_percent = D(margin)
    goal = make_goal(
        network, company, currency=currency, revenue_amount=D(revenue), revenue_percent=D(percent)
    )
    with scope(network=network):
        assert default_payout(goal, network) == expected


@pytest.mark.parametrize(
    ("currency", "payout_type", "amount", "percent", "sale", "earned"),
    [
        ("USD", "cpa", "8", "0", "100", D("8.00")),
        ("USD", "cpa", "8", "0", "0", D("8.00")),
        ("USD", "cpl", "2.5", "0", "0", D("2.50")),
        ("USD", "cps", "0", "5", "10.25", D("0.51")),  # 0.5125
        ("USD", "cps", "0", "10", "0.25", D("0.02")),  # 0.025: half-even, not 0.03
        ("USD", "cps", "0", "10", "0.35", D("0.04")),  # 0.035 -> 0.04
        ("USD", "cps", "9", "10", "100", D("10.00")),  # CPS ignores a stray flat amount
        ("USD", "cpa_cps", "2", "10", "0.45", D("2.04")),  # 2.045
        ("USD", "cpa_cps", "2", "10", "0.55", D("2.06")),  # 2.055
        ("VND", "cpa", "50000", "0", "1000000", D("50000")),
        ("VND", "cps", "0", "10", "12345", D("1234")),  # 1234.5 -> 1234
        ("VND", "cps", "0", "10", "12355", D("1236")),  # 1235.5 -> 1236
        ("VND", "cpa_cps", "20000", "1", "150", D("20002")),  # 20001.5 -> 20002
    ],
)
def test_it_computes_what_one_conversion_earns(
    currency, payout_type, amount, percent, sale, earned
):
    resolved = ResolvedPayout("goal", payout_type, D(amount), D(percent))
    result = resolved.earned(D(sale), currency)
    assert result == earned
    assert result.as_tuple().exponent == earned.as_tuple().exponent  # rounded to the currency


def test_the_bulk_resolution_agrees_with_the_single_one(network, company, goal, publisher):
    by_tier = make_goal(network, company, name="Lead")
    plain_goal = make_goal(network, company, name="Install")
    with scope(network=network):
        PayoutOverride.objects.create(
            network=network, goal=goal, publisher=publisher, payout_type="cpa", payout_amount=D(7)
        )
        in_gold_tier(publisher, by_tier, payout_type="cpa", payout_amount=D(6))
        goals = [goal, by_tier, plain_goal]
        bulk = resolve_payouts(goals, publisher)
        assert bulk == {g.pk: resolve_payout(g, publisher) for g in goals}
    assert [bulk[g.pk].source for g in goals] == ["override", "tier", "goal"]
