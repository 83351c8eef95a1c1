"""A run being made whose task was lost is made again by the beat, whatever the broker does
(the real worker and SIGKILL: test_faults.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_world
from network.tests.money import with_mfa
from payouts.models import PayoutLine, PayoutRun
from payouts.runs import (
    PayoutError,
    payout_run_approve,
    payout_run_make,
    payout_run_request,
    payout_runs_recover,
)
from payouts.tasks import recover_stalled_payout_runs
from payouts.tests.helpers import AFTER_OCTOBER, IN_OCTOBER, OCTOBER, RECENT, approved


@pytest.fixture
def world(network, owner):
    return make_world(network, owner, money=False)


def requested(network, world, at=AFTER_OCTOBER) -> PayoutRun:
    network.min_payout = 1
    network.save()
    approved(network, world, IN_OCTOBER)
    with time_machine.travel(at, tick=False), scope(network=network):
        return payout_run_request(network, OCTOBER)


def test_a_requested_run_is_being_made_with_a_heartbeat_until_it_is_made(network, world):
    run = requested(network, world)
    assert (run.status, run.heartbeat_at) == ("making", AFTER_OCTOBER)
    with scopes_disabled():
        assert not PayoutLine.objects.filter(run=run).exists()
    with scope(network=network):
        made = payout_run_make(network, run.pk)
        again = payout_run_make(network, run.pk)  # idempotent
    assert (made.status, made.heartbeat_at) == ("review", None)
    assert again.status == "review"
    with scopes_disabled():
        assert PayoutLine.objects.filter(run=run).count() == 1
        assert AuditEntry.objects.filter(action="payout_run.created").count() == 1


def test_only_a_run_silent_for_over_a_minute_is_claimed_once(network, world):
    run = requested(network, world)
    assert payout_runs_recover(AFTER_OCTOBER + timedelta(seconds=60)) == []  # a minute: alive
    later = AFTER_OCTOBER + timedelta(seconds=61)
    assert payout_runs_recover(later) == [(network.pk, run.pk)]
    assert payout_runs_recover(later) == []  # claimed: the new task has a minute to start
    with scopes_disabled():
        run.refresh_from_db()
        recovered = AuditEntry.objects.get(action="payout_run.recovered")
    assert (run.status, run.heartbeat_at) == ("making", later)
    assert recovered.actor_label == "system: payout run recovery"
    assert payout_runs_recover(later + timedelta(seconds=61)) == [(network.pk, run.pk)]


def test_the_beat_job_makes_a_stalled_run_and_leaves_made_runs_alone(network, world):
    run = requested(network, world)
    with time_machine.travel(AFTER_OCTOBER + timedelta(minutes=5), tick=False):
        assert recover_stalled_payout_runs() == 1  # enqueued: run in-process here (eager)
        with scopes_disabled():
            run.refresh_from_db()
        assert run.status == "review"
        assert recover_stalled_payout_runs() == 0
    with scopes_disabled():
        assert PayoutLine.objects.filter(run=run).count() == 1


def test_a_run_being_made_is_listed_as_such_and_cannot_be_approved(network, world, owner):
    run = requested(network, world)
    client = client_for(network, owner)
    listed = client.get("/manage/payouts/").content.decode()
    assert '<span class="badge badge-making">Being made</span>' in listed
    page = client.get(f"/manage/payouts/{run.pk}/").content.decode()
    assert "This run is being made" in page and "Approve these payouts" not in page
    with_mfa(owner)
    with scope(network=network), pytest.raises(PayoutError, match="still being made"):
        payout_run_approve(network, run.pk, actor=owner, proof=RECENT)
