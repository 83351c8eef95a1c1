"""Random sequences of approve, reject, reverse, run and pay, checked against the ledger."""

from __future__ import annotations

import contextlib
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Sum
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_world, set_minimum
from decisions.services import Actor, DecisionError, conversion_decide
from network.step_up import StepUpRequired
from payouts import ledger
from payouts.models import Account, Entry, PayoutLine
from payouts.runs import (
    PayoutError,
    next_month,
    payout_lines_mark_paid,
    payout_run_approve,
    payout_run_create,
    previous_month,
)
from payouts.tests.helpers import RECENT, make_conversion, make_publisher
from tracking.models import Conversion

START = datetime(2026, 1, 5, tzinfo=UTC)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("convert"), st.integers(0, 2), st.integers(500, 3000)),
        st.tuples(st.just("convert"), st.integers(0, 2), st.integers(500, 3000)),
        st.tuples(st.just("approve"), st.integers(0, 30)),
        st.tuples(st.sampled_from(["approve", "reject", "reverse"]), st.integers(0, 30)),
        st.tuples(st.just("next_month")),
        st.tuples(st.just("next_month")),
        st.tuples(st.just("run")),
        st.tuples(st.just("pay")),
        st.tuples(st.just("pay")),
    ),
    min_size=10,
    max_size=50,
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=steps)
def test_the_ledger_holds_whatever_happens(network, owner, steps):
    # Hypothesis runs many examples in one test: each one is rolled back at its end.
    with transaction.atomic():
        play_all(network, owner, steps)
        transaction.set_rollback(True)


def play_all(network, owner, steps):
    world = make_world(network, owner, money=False)
    set_minimum(network, "USD", 20)
    Authenticator.objects.get_or_create(user=owner, type="totp", defaults={"data": {"s": "x"}})
    publishers = [
        world["offer_access"].publisher,
        make_publisher(network, "P1"),
        make_publisher(network, "P2"),
    ]
    moment, conversions, month = START, [], date(2026, 1, 1)
    entries: dict[int, tuple] = {}
    for step in steps:
        moment += timedelta(hours=7)
        with time_machine.travel(moment, tick=False), scope(network=network):
            play(step, network, owner, world, publishers, conversions, month)
        if step[0] == "next_month":  # and its run, as the beat job makes it
            month = next_month(month)
            moment = datetime(month.year, month.month, 2, tzinfo=UTC)
            with time_machine.travel(moment, tick=False), scope(network=network):
                play(("run",), network, owner, world, publishers, conversions, month)
        check_invariants(network)
        entries = check_append_only(network, entries)


def play(step, network, owner, world, publishers, conversions, month):
    kind = step[0]
    if kind == "convert":
        cents = step[2]
        conversions.append(
            make_conversion(
                world,
                publisher=publishers[step[1]],
                revenue=f"{cents * 2 / 100:.2f}",
                payout=f"{cents / 100:.2f}",
            )
        )
    elif kind in ("approve", "reject", "reverse") and conversions:
        target = conversions[step[1] % len(conversions)]
        status = {"approve": "approved", "reject": "rejected", "reverse": "reversed"}[kind]
        with contextlib.suppress(DecisionError):
            conversion_decide(
                network=network,
                conversion_id=target.pk,
                to_status=status,
                actor=Actor(user=owner),
                reason="test",
            )
    elif kind == "run":
        previous = previous_month(month)
        try:
            run = payout_run_create(network, previous)
            lines = sorted(run.lines.values_list("pk", "amount", "status"))
            again = payout_run_create(network, previous)  # re-running makes nothing new
            assert (
                again.pk == run.pk
                and sorted(again.lines.values_list("pk", "amount", "status")) == lines
            )
            if run.status == "review":
                payout_run_approve(network, run.pk, actor=owner, proof=RECENT)
        except (PayoutError, StepUpRequired):
            pass
    elif kind == "pay":
        for line in PayoutLine.objects.filter(status="payable").select_related("run"):
            payout_lines_mark_paid(
                network, line.run_id, [line.pk], reference="R", actor=owner, proof=RECENT
            )


def check_invariants(network):
    with scope(network=network):
        # every transaction sums to zero
        unbalanced = (
            Entry.objects.values("transaction_id").annotate(total=Sum("amount")).exclude(total=0)
        )
        assert not unbalanced.exists()
        # payable = approved payouts - reversals - paid, per publisher
        for account in Account.objects.filter(kind="payable"):
            approved = sum(
                round(c.payout * 100)
                for c in Conversion.objects.filter(publisher=account.publisher, status="approved")
            )
            paid = (
                PayoutLine.objects.filter(publisher=account.publisher, status="paid").aggregate(
                    total=Sum("amount")
                )["total"]
                or 0
            )
            assert ledger.balance(account) == approved - paid
        # a run's lines sum to its range's entries; no entry is in two paid lines' ranges
        for line in PayoutLine.objects.exclude(status="carried"):
            in_range = Entry.objects.filter(
                account__kind="payable",
                account__publisher=line.publisher,
                kind__in=["approval", "reversal"],
                created_at__lt=line.to_time,
            )
            if line.from_time:
                in_range = in_range.filter(created_at__gte=line.from_time)
            assert -(in_range.aggregate(total=Sum("amount"))["total"] or 0) == line.amount
        # a line, carried or not, holds everything approved before its cut-off and not taken
        # by an earlier line: carried money is never lost
        for line in PayoutLine.objects.all():
            earned = -(
                Entry.objects.filter(
                    account__kind="payable",
                    account__publisher=line.publisher,
                    kind__in=["approval", "reversal"],
                    created_at__lt=line.to_time,
                ).aggregate(total=Sum("amount"))["total"]
                or 0
            )
            taken = (
                PayoutLine.objects.filter(publisher=line.publisher, to_time__lt=line.to_time)
                .exclude(status="carried")
                .aggregate(total=Sum("amount"))["total"]
                or 0
            )
            assert line.amount == earned - taken
        # no entry is in two lines' ranges: the ranges of a publisher's lines do not overlap
        taken = sorted(
            (line.publisher_id, line.currency, line.to_time, line.from_time)
            for line in PayoutLine.objects.exclude(status="carried")
        )
        for before, after in itertools.pairwise(taken):
            if before[:2] == after[:2]:
                assert after[3] is not None and after[3] >= before[2]


def check_append_only(network, before: dict[int, tuple]) -> dict[int, tuple]:
    """No entry is ever updated or deleted: every entry seen before is still there, as it was."""
    with scope(network=network):
        now_seen = {
            row[0]: row[1:]
            for row in Entry.objects.values_list(
                "pk", "transaction_id", "account_id", "amount", "kind", "created_at"
            )
        }
    assert {pk: now_seen.get(pk) for pk in before} == before
    return now_seen
