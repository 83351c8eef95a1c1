from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Sum
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import make_world
from decisions.services import (
    Actor,
    DecisionError,
    approve_held_conversions,
    conversion_decide,
)
from offers.models import Goal
from payouts import ledger
from payouts.models import Account, Entry
from payouts.tests.helpers import make_conversion
from tracking.models import Conversion

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(network, owner):
    return make_world(network, owner, money=False)


def decide(network, conversion, to_status, user=None, **kwargs):
    with scope(network=network):
        return conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status=to_status,
            actor=Actor(user=user),
            **kwargs,
        )


def balances(network, world) -> dict[str, int]:
    with scope(network=network):
        return {acc.kind: ledger.balance(acc) for acc in Account.objects.filter(currency="USD")}


def test_it_posts_revenue_payout_and_margin_when_approved(network, world, owner):
    conversion = make_conversion(world, revenue="10.00", payout="8.25")
    decide(network, conversion, "approved", owner)
    assert balances(network, world) == {"receivable": 1000, "payable": 825, "margin": 175}
    with scopes_disabled():
        assert Entry.objects.aggregate(total=Sum("amount"))["total"] == 0
        conversion.refresh_from_db()
    assert (conversion.status, conversion.ledger_postings) == ("approved", 1)


def test_it_posts_the_opposite_when_reversed(network, world, owner):
    conversion = make_conversion(world)
    decide(network, conversion, "approved", owner)
    decide(network, conversion, "reversed", owner, reason="chargeback")
    assert balances(network, world) == {"receivable": 0, "payable": 0, "margin": 0}
    with scopes_disabled():
        assert Entry.objects.count() == 6


def test_it_posts_nothing_for_a_rejection(network, world, owner):
    conversion = make_conversion(world)
    decide(network, conversion, "rejected", owner, reason="test order")
    with scopes_disabled():
        assert not Entry.objects.exists()
        conversion.refresh_from_db()
    assert conversion.status == "rejected"


@pytest.mark.parametrize(
    ("start", "to_status", "reason", "message"),
    [
        ("pending", "rejected", "", "Say why"),
        ("approved", "reversed", " ", "Say why"),
        ("rejected", "approved", "changed my mind", "cannot become"),
        ("reversed", "approved", "x", "cannot become"),
        ("pending", "pending", "x", "already"),
        ("pending", "paid", "x", "Unknown status"),
    ],
)
def test_it_refuses_what_the_lifecycle_does_not_allow(
    network, world, owner, start, to_status, reason, message
):
    conversion = make_conversion(world)
    with scopes_disabled():
        Conversion.objects.filter(pk=conversion.pk).update(status=start)
    with pytest.raises(DecisionError, match=message):
        decide(network, conversion, to_status, owner, reason=reason)
    with scopes_disabled():
        assert (
            not Entry.objects.exists()
            and not AuditEntry.objects.filter(action__startswith="conversion.").exists()
        )


def test_an_admin_override_needs_a_reason_and_moves_the_money(network, world, owner):
    conversion = make_conversion(world)
    decide(network, conversion, "rejected", owner, reason="duplicate order")
    with pytest.raises(DecisionError, match="reason"):
        decide(network, conversion, "approved", owner, override=True)
    decide(network, conversion, "approved", owner, override=True, reason="advertiser confirmed")
    assert balances(network, world)["payable"] == 800
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="conversion.override")
    assert (entry.actor, entry.from_state, entry.to_state) == (owner, "rejected", "approved")
    assert entry.reason == "advertiser confirmed"


def test_every_change_is_audited_with_its_actor(network, world, owner):
    conversion = make_conversion(world)
    decide(network, conversion, "approved", owner)
    with scope(network=network):
        conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status="reversed",
            actor=Actor(label="api key adv_1234"),
            reason="refund",
        )
    with scopes_disabled():
        entries = list(AuditEntry.objects.order_by("id").values_list("actor_label", "action"))
    assert entries[-2:] == [
        ("owner@alpha.example", "conversion.approved"),
        ("api key adv_1234", "conversion.reversed"),
    ]


def test_a_corrected_sale_amount_reprices_a_percent_goal(network, world, owner):
    with scopes_disabled():
        Goal.objects.filter(pk=world["goal"].pk).update(
            revenue_type="cps", revenue_percent=10, payout_type="cps", payout_percent=5
        )
        from commissions.models import PayoutOverride, TierPayout

        PayoutOverride.objects.all().delete()
        TierPayout.objects.all().delete()
    conversion = make_conversion(world)
    decide(network, conversion, "approved", owner, sale_amount=Decimal("123.45"))
    with scopes_disabled():
        conversion.refresh_from_db()
    assert (conversion.sale_amount, conversion.revenue, conversion.payout) == (
        Decimal("123.45"),
        Decimal("12.34"),  # 12.345 rounded half-even
        Decimal("6.17"),  # 6.1725
    )
    assert balances(network, world)["receivable"] == 1234


# The hold-period job


def test_the_hold_job_approves_checked_clean_conversions_past_their_hold(network, world):
    hold = world["offer"].hold_days
    due = make_conversion(world, at=T0)
    recent = make_conversion(world, at=T0 + timedelta(days=hold, hours=1))
    flagged = make_conversion(world, at=T0, flags=["bot_user_agent"])
    unchecked = make_conversion(world, at=T0, checked=False)
    later = T0 + timedelta(days=hold, minutes=1)
    with time_machine.travel(later, tick=False), scope(network=network):
        assert approve_held_conversions(network) == 1
        assert approve_held_conversions(network) == 0  # twice: nothing more
    with scopes_disabled():
        statuses = {c.pk: c.status for c in Conversion.objects.all()}
        entry = AuditEntry.objects.get(action="conversion.approved")
    assert statuses == {
        due.pk: "approved",
        recent.pk: "pending",
        flagged.pk: "pending",
        unchecked.pk: "pending",
    }
    assert (entry.actor, entry.actor_label) == (None, "system: hold period passed")


def test_the_hold_jobs_tasks_keep_the_names_they_had_in_payouts(network, world):
    """The beat schedule and messages queued before the move name them payouts.tasks.*."""
    from decisions import tasks
    from network.celery import app as celery_app

    celery_app.loader.import_default_modules()
    everywhere = "payouts.tasks.approve_held_conversions_everywhere"
    for name, task in (
        ("payouts.tasks.approve_held_conversions", tasks.approve_held_conversions),
        (everywhere, tasks.approve_held_conversions_everywhere),
    ):
        assert task.name == name
        assert celery_app.tasks[name].run.__module__ == "decisions.tasks"
    due = make_conversion(world, at=T0)
    later = T0 + timedelta(days=world["offer"].hold_days, minutes=1)
    with time_machine.travel(later, tick=False):
        celery_app.tasks[everywhere].apply()
    due.refresh_from_db()
    assert due.status == "approved"
