from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from conftest import make_member, make_world, set_minimum
from network.models import Role
from network.step_up import StepUpRequired
from network.tests.money import with_mfa
from payouts import ledger
from payouts.models import Account, PayoutLine, PayoutRun
from payouts.runs import (
    PayoutError,
    payout_lines_mark_paid,
    payout_run_approve,
    payout_run_create,
)
from payouts.tests.helpers import (
    AFTER_NOVEMBER,
    AFTER_OCTOBER,
    IN_NOVEMBER,
    IN_OCTOBER,
    NOVEMBER,
    OCTOBER,
    RECENT,
    approved,
    decide,
    payment_details,
)
from publishers.models import PublisherMinimum


@pytest.fixture
def world(network, owner):
    return make_world(network, owner, money=False)


@pytest.fixture
def runner(world):
    return world["offer_access"].publisher


def run_for(network, period, at):
    with time_machine.travel(at, tick=False), scope(network=network):
        return payout_run_create(network, period)


def lines_of(run) -> dict[str, tuple[int, str]]:
    with scopes_disabled():
        return {
            line.publisher.name: (line.amount, line.status)
            for line in PayoutLine.objects.filter(run=run).select_related("publisher")
        }


def pay(network, run, user, at, reference="BATCH-1"):
    with time_machine.travel(at, tick=False), scope(network=network):
        lines = list(PayoutLine.objects.filter(run=run).values_list("pk", flat=True))
        return payout_lines_mark_paid(
            network, run.pk, lines, reference=reference, actor=user, proof=RECENT
        )


def approve(network, run, user, at=AFTER_OCTOBER):
    with time_machine.travel(at, tick=False), scope(network=network):
        return payout_run_approve(network, run.pk, actor=user, proof=RECENT)


def test_a_line_pays_what_was_approved_up_to_the_cutoff(network, world, runner):
    set_minimum(network, "USD", 10)
    for _ in range(3):
        approved(network, world, IN_OCTOBER)  # 8.00 each
    approved(network, world, IN_NOVEMBER)
    run = run_for(network, OCTOBER, AFTER_NOVEMBER)
    with scopes_disabled():
        line = PayoutLine.objects.get(run=run)
    assert (line.amount, line.status, line.conversions) == (2400, "payable", 3)
    assert run.cutoff == datetime(2026, 11, 1, tzinfo=UTC)


def test_a_balance_below_the_minimum_is_carried_then_paid(network, world, runner, owner):
    set_minimum(network, "USD", 20)
    approved(network, world, IN_OCTOBER)
    october = run_for(network, OCTOBER, AFTER_OCTOBER)
    assert lines_of(october) == {runner.name: (800, "carried")}
    approved(network, world, IN_NOVEMBER)
    approved(network, world, IN_NOVEMBER)
    november = run_for(network, date(2026, 11, 1), AFTER_NOVEMBER)
    assert lines_of(november) == {runner.name: (2400, "payable")}


def test_a_publishers_own_minimum_wins(network, world, runner):
    set_minimum(network, "USD", 100)
    with scopes_disabled():
        PublisherMinimum.objects.create(
            network=network, publisher=runner, currency="USD", amount=500
        )
    approved(network, world, IN_OCTOBER)
    assert lines_of(run_for(network, OCTOBER, AFTER_OCTOBER)) == {runner.name: (800, "payable")}


def test_a_reversal_after_payment_is_netted_in_the_next_run(network, world, runner, owner):
    set_minimum(network, "USD", 1)
    with_mfa(owner)
    first = approved(network, world, IN_OCTOBER)
    approved(network, world, IN_OCTOBER)
    october = run_for(network, OCTOBER, AFTER_OCTOBER)
    approve(network, october, owner)
    pay(network, october, owner, AFTER_OCTOBER)
    decide(network, first, "reversed", IN_NOVEMBER, "refund")
    november = run_for(network, date(2026, 11, 1), AFTER_NOVEMBER)
    assert lines_of(november) == {runner.name: (-800, "carried")}
    with scope(network=network):
        payable = Account.objects.get(kind="payable", publisher=runner)
        assert ledger.balance(payable) == -800  # the publisher owes it back
    approved(network, world, datetime(2026, 12, 10, tzinfo=UTC))
    approved(network, world, datetime(2026, 12, 11, tzinfo=UTC))
    december = run_for(network, date(2026, 12, 1), datetime(2027, 1, 2, tzinfo=UTC))
    assert lines_of(december) == {runner.name: (800, "payable")}


def test_running_a_period_again_makes_nothing_new(network, world):
    approved(network, world, IN_OCTOBER)
    first = run_for(network, OCTOBER, AFTER_OCTOBER)
    approved(network, world, IN_NOVEMBER)  # after the cut-off: not in October's run
    again = run_for(network, OCTOBER, AFTER_NOVEMBER)
    assert again.pk == first.pk
    with scopes_disabled():
        assert PayoutRun.objects.count() == 1 and PayoutLine.objects.count() == 1


def test_a_run_cannot_go_back_in_time_or_into_the_future(network, world):
    run_for(network, date(2026, 11, 1), AFTER_NOVEMBER)
    with pytest.raises(PayoutError, match="back in time"):
        run_for(network, OCTOBER, AFTER_NOVEMBER)
    with pytest.raises(PayoutError, match="not ended"):
        run_for(network, date(2026, 12, 1), AFTER_NOVEMBER)


def test_the_last_second_of_the_month_belongs_to_it_in_the_networks_time_zone(
    network, world, runner, settings
):
    settings.TIME_ZONE = "America/Los_Angeles"  # the server's zone must not matter
    network.timezone = "Asia/Ho_Chi_Minh"
    network.save()
    set_minimum(network, "USD", 1)
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    approved(network, world, datetime(2026, 10, 31, 23, 59, 59, tzinfo=zone))
    approved(network, world, datetime(2026, 11, 1, 0, 0, 0, tzinfo=zone))
    october = run_for(network, OCTOBER, AFTER_NOVEMBER)
    assert lines_of(october) == {runner.name: (800, "payable")}
    november = run_for(network, date(2026, 11, 1), AFTER_NOVEMBER + timedelta(days=30))
    assert lines_of(november) == {runner.name: (800, "payable")}


# Approving and paying


def test_approving_needs_mfa(network, world, owner):
    approved(network, world, IN_OCTOBER)
    run = run_for(network, OCTOBER, AFTER_OCTOBER)
    with pytest.raises(StepUpRequired, match="two-factor"):
        approve(network, run, owner)
    with_mfa(owner)
    assert approve(network, run, owner).status == "approved"


def test_a_second_approver_must_be_someone_else(network, world, owner, manager):
    network.payout_second_approver = True
    network.save()
    with_mfa(owner), with_mfa(manager)
    run = run_for(network, OCTOBER, AFTER_OCTOBER)
    assert approve(network, run, owner).status == "review"
    with pytest.raises(PayoutError, match="different"):
        approve(network, run, owner)
    run = approve(network, run, manager)
    assert (run.status, run.first_approver, run.approved_by) == ("approved", owner, manager)


def test_a_run_keeps_the_second_approver_rule_it_started_with(network, world, owner, manager):
    """Issue 15: unticking the setting mid-run let the first approver finish alone."""
    network.payout_second_approver = True
    network.save()
    with_mfa(owner), with_mfa(manager)
    run = run_for(network, OCTOBER, AFTER_OCTOBER)
    assert run.needs_second_approver
    assert approve(network, run, owner).status == "review"
    network.payout_second_approver = False
    network.save()
    with pytest.raises(PayoutError, match="different"):
        approve(network, run, owner)
    assert approve(network, run, manager).status == "approved"
    later = run_for(network, NOVEMBER, AFTER_NOVEMBER)  # started after the change: one approval
    assert not later.needs_second_approver
    assert approve(network, later, owner).status == "approved"


def test_whoever_started_a_run_never_approves_it(network, world, owner, manager):
    with_mfa(owner), with_mfa(manager)
    with time_machine.travel(AFTER_OCTOBER, tick=False), scope(network=network):
        run = payout_run_create(network, OCTOBER, actor=owner)
    assert (run.created_by, run.scheduled) == (owner, False)
    with pytest.raises(PayoutError, match="You started this run"):
        approve(network, run, owner)
    assert approve(network, run, manager).status == "approved"
    scheduled = run_for(network, NOVEMBER, AFTER_NOVEMBER)  # the monthly job: no person
    assert (scheduled.created_by, scheduled.scheduled) == (None, True)


def test_a_second_approver_cannot_be_the_starter_either(network, world, owner, manager):
    network.payout_second_approver = True
    network.save()
    with_mfa(owner), with_mfa(manager)
    with time_machine.travel(AFTER_OCTOBER, tick=False), scope(network=network):
        run = payout_run_create(network, OCTOBER, actor=manager)
    assert approve(network, run, owner).status == "review"
    with pytest.raises(PayoutError, match="You started this run"):
        approve(network, run, manager)


def test_paying_posts_payable_to_cash_once(network, world, runner, owner):
    set_minimum(network, "USD", 1)
    with_mfa(owner)
    approved(network, world, IN_OCTOBER)
    run = run_for(network, OCTOBER, AFTER_OCTOBER)
    with pytest.raises(PayoutError, match="Approve"):
        pay(network, run, owner, AFTER_OCTOBER)
    approve(network, run, owner)
    paid, skipped = pay(network, run, owner, AFTER_OCTOBER)
    assert (len(paid), skipped) == (1, [])
    paid, skipped = pay(network, run, owner, AFTER_OCTOBER)
    assert paid == [] and "paid already" in skipped[0]
    with scope(network=network):
        payable = Account.objects.get(kind="payable", publisher=runner)
        cash = Account.objects.get(kind="cash")
        assert (ledger.balance(payable), ledger.balance(cash)) == (0, -800)
        run.refresh_from_db()
        line = PayoutLine.objects.get()
    assert (run.status, line.status, line.payment_reference) == ("paid", "paid", "BATCH-1")


def test_new_payment_details_hold_the_payout_for_48_hours(network, world, runner, owner):
    set_minimum(network, "USD", 1)
    with_mfa(owner)
    approved(network, world, IN_OCTOBER)
    run = run_for(network, OCTOBER, AFTER_OCTOBER)
    approve(network, run, owner)
    new = {"method": "paypal", "paypal_email": "new@pub.example"}
    payment_details(runner, AFTER_OCTOBER - timedelta(hours=47), **new)
    paid, skipped = pay(network, run, owner, AFTER_OCTOBER)
    assert paid == [] and "on hold" in skipped[0]
    paid, skipped = pay(network, run, owner, AFTER_OCTOBER + timedelta(hours=2))
    assert len(paid) == 1


def test_publishers_in_other_networks_are_not_in_the_run(network, other_network, world, owner):
    other_world = make_world(
        other_network, make_member(other_network, Role.OWNER, "o@b.example"), money=False
    )
    approved(network, world, IN_OCTOBER)
    approved(other_network, other_world, IN_OCTOBER)
    run = run_for(network, OCTOBER, AFTER_OCTOBER)
    with scopes_disabled():
        assert {line.publisher.network_id for line in PayoutLine.objects.filter(run=run)} == {
            network.pk
        }
