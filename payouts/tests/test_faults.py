"""Fault tests of the monthly payout run on PostgreSQL and a real broker: a worker killed in
the middle of the run, and two runs of the same month started at once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Sum
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import make_world
from decisions.services import Actor, conversion_decide
from network.tests.celery_worker import (
    kill_worker,
    read_log,
    running_worker,
    wait_for_log,
    worker_skip_reason,
)
from payouts.models import PayoutLine, PayoutRun
from payouts.runs import last_closed_period, payout_run_create, period_bounds
from payouts.tasks import create_payout_run
from payouts.tests.helpers import make_conversion, make_publisher

PUBLISHERS = 12
RUN_TIMEOUT = 60  # seconds: a second worker starts, gets the message back and runs it
RECOVERY_TIMEOUT = 90  # seconds from the kill: heartbeat stale after 60, beat every 15

needs_postgresql = pytest.mark.skipif(
    worker_skip_reason() is not None, reason=worker_skip_reason() or ""
)


def approved_month(network, owner) -> tuple:
    """PUBLISHERS publishers with 1..PUBLISHERS approved conversions in the last closed
    month; (that month, what each publisher earned in minor units)."""
    world = make_world(network, owner, money=False)
    period = last_closed_period(network)
    start, _ = period_bounds(period, network.timezone)
    earned = {}
    for n in range(1, PUBLISHERS + 1):
        publisher = make_publisher(network, f"Publisher {n}")
        at = start + timedelta(days=n, hours=n)
        for _ in range(n):
            conversion = make_conversion(world, publisher=publisher, payout=f"{n}.25", at=at)
            with time_machine.travel(at, tick=False), scope(network=network):
                conversion_decide(
                    network=network,
                    conversion_id=conversion.pk,
                    to_status="approved",
                    actor=Actor(label="test"),
                )
        earned[publisher.pk] = n * (n * 100 + 25)
    return period, earned


def lines_of(network, period) -> dict[int, int]:
    with scopes_disabled():
        return dict(
            PayoutLine.objects.filter(run__network=network, run__period=period).values_list(
                "publisher_id", "amount"
            )
        )


def wait_for_run(network, period) -> PayoutRun:
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        with scopes_disabled():
            run = (
                PayoutRun.objects.filter(network=network, period=period)
                .exclude(status=PayoutRun.Status.MAKING)
                .first()
            )
        if run is not None:
            return run
        time.sleep(0.3)
    pytest.fail(f"no payout run for {period} after {RUN_TIMEOUT} s")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_the_run_leaves_the_same_run_to_its_successor(
    network, owner, celery_queue, tmp_path
):
    period, earned = approved_month(network, owner)
    log = tmp_path / "workers.log"
    # A short visibility timeout: Redis gives the killed worker's unacked message to the next.
    with running_worker(
        celery_queue, log, PAYOUT_RUN_PAUSE_SECONDS="120", CELERY_VISIBILITY_TIMEOUT="2"
    ) as first:
        task = create_payout_run.delay(network_id=network.pk, period=period.isoformat())
        wait_for_log(log, "lines inserted, pausing", first, RUN_TIMEOUT, "the run's lines")
        kill_worker(first)
    with scopes_disabled():  # the lines were rolled back; the run is still being made
        run = PayoutRun.objects.get(network=network)
        assert run.status == PayoutRun.Status.MAKING and not run.lines.exists()

    time.sleep(3)  # past the visibility timeout
    with running_worker(celery_queue, log, CELERY_VISIBILITY_TIMEOUT="2") as second:
        run = wait_for_run(network, period)
        wait_for_log(log, f"{task.id}] succeeded", second, RUN_TIMEOUT, "the redelivered task")

    assert read_log(log).count(f"create_payout_run[{task.id}] received") == 2  # redelivered
    assert lines_of(network, period) == earned  # same totals, one line per publisher
    with scopes_disabled():
        assert PayoutRun.objects.filter(network=network).count() == 1
        assert AuditEntry.objects.filter(action="payout_run.created").count() == 1
    assert run.status == PayoutRun.Status.REVIEW


def wait_for_review(run: PayoutRun, deadline: float, worker, log) -> None:
    """Poll the database until the run is ready for review, or fail at `deadline`."""
    while time.monotonic() < deadline:
        with scopes_disabled():
            run.refresh_from_db()
        if run.status == PayoutRun.Status.REVIEW:
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited with {worker.returncode}:\n{read_log(log)}")
        time.sleep(0.3)
    pytest.fail(f"the run is still {run.status} {RECOVERY_TIMEOUT} s after the kill")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_run_whose_worker_was_killed_is_made_again_by_the_beat_within_90_seconds(
    network, owner, celery_queue, tmp_path
):
    """Independent of the broker: Redis keeps the killed worker's message for its visibility
    timeout (an hour, as configured), but the run's heartbeat stops with the worker and the
    beat's recovery job makes the run again, once."""
    period, earned = approved_month(network, owner)
    log = tmp_path / "workers.log"
    with running_worker(celery_queue, log, PAYOUT_RUN_PAUSE_SECONDS="120") as first:
        task = create_payout_run.delay(network_id=network.pk, period=period.isoformat())
        wait_for_log(log, "lines inserted, pausing", first, RUN_TIMEOUT, "the run's lines")
        kill_worker(first)
        killed = time.monotonic()
    with scopes_disabled():
        run = PayoutRun.objects.get(network=network)
        assert run.status == PayoutRun.Status.MAKING and not run.lines.exists()

    beat = ("--beat", "--schedule", str(tmp_path / "beat-schedule"))
    with running_worker(celery_queue, log, *beat) as second:  # the hour-long visibility timeout
        wait_for_review(run, killed + RECOVERY_TIMEOUT, second, log)
        made_after = time.monotonic() - killed

    assert made_after < RECOVERY_TIMEOUT
    text = read_log(log)
    assert text.count(f"create_payout_run[{task.id}] received") == 1  # the broker gave nothing back
    assert text.count("payouts.tasks.make_payout_run[") >= 1
    assert lines_of(network, period) == earned  # same totals, one line per publisher
    with scopes_disabled():
        assert PayoutRun.objects.filter(network=network).count() == 1
        assert AuditEntry.objects.filter(action="payout_run.created").count() == 1
        assert AuditEntry.objects.filter(action="payout_run.recovered").count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_the_same_month_started_at_once_make_one_run(network, owner):
    period, earned = approved_month(network, owner)
    start_together = threading.Barrier(2)
    made, failures = [], []

    def run_payouts():
        try:
            start_together.wait(timeout=10)
            with scope(network=network):
                made.append(payout_run_create(network, period).pk)
        except Exception as error:  # reported below, with the other thread's result
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_payouts) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert len(made) == 2 and made[0] == made[1]
    assert lines_of(network, period) == earned
    with scopes_disabled():
        assert PayoutRun.objects.filter(network=network).count() == 1
        total = PayoutLine.objects.filter(run_id=made[0]).aggregate(total=Sum("amount"))
    assert total["total"] == sum(earned.values())
