"""Every state change of the commissions app is one service (a function of
commissions.services that runs in a transaction) and writes its audit row: each is called
here with audit.record watched (offers' checks, offers/tests/test_services_audit.py). A
service added without a line here fails the first test."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from audit.text import ACTIONS
from commissions import services
from commissions.models import TierMembership, TierPayout
from offers.tests.test_services_audit import check_audited, new_publisher, state_changes

pytestmark = pytest.mark.django_db

# Each service: how to call it on make_world's rows (`w`) by `user`, and the audit action.
CALLS: dict[str, tuple[Callable, str]] = {
    "goal_set_payout": (
        lambda w, user: services.goal_set_payout(
            goal=w["goal"], actor=user, payout_type="cpa", amount=Decimal(7), percent=Decimal(0)
        ),
        "goal.payout",
    ),
    "payout_override_set": (
        lambda w, user: services.payout_override_set(
            goal=w["goal"],
            publisher=w["payout_override"].publisher,
            actor=user,
            payout_type="cpa",
            amount=Decimal(10),
            percent=Decimal(0),
        ),
        "payout_override.set",
    ),
    "payout_override_delete": (
        lambda w, user: services.payout_override_delete(override=w["payout_override"], actor=user),
        "payout_override.deleted",
    ),
    "tier_create": (
        lambda w, user: services.tier_create(network=w["offer"].network, name="Silver", actor=user),
        "tier.created",
    ),
    "tier_member_add": (
        lambda w, user: services.tier_member_add(
            tier=w["payout_tier"], publisher=new_publisher(w), actor=user
        ),
        "tier.member_added",
    ),
    "tier_member_remove": (
        lambda w, user: services.tier_member_remove(
            membership=TierMembership.objects.get(tier=w["payout_tier"]), actor=user
        ),
        "tier.member_removed",
    ),
    "tier_payout_set": (
        lambda w, user: services.tier_payout_set(
            tier=w["payout_tier"],
            goal=w["goal"],
            actor=user,
            payout_type="cpa",
            amount=Decimal(11),
            percent=Decimal(0),
        ),
        "tier_payout.set",
    ),
    "tier_payout_delete": (
        lambda w, user: services.tier_payout_delete(
            tier_payout=TierPayout.objects.get(tier=w["payout_tier"]), actor=user
        ),
        "tier_payout.deleted",
    ),
}


def test_every_state_change_is_called_here():
    assert state_changes([services]) == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_state_change_writes_its_audit_row(name, network, owner):
    check_audited(*CALLS[name], network, owner)


def test_every_action_the_services_write_has_a_label():
    assert {action for _call, action in CALLS.values()} <= set(ACTIONS)
