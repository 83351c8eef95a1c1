"""Thin Celery tasks of the money app: they take ids, load, and call a service. (The hold-period
approval, payouts.tasks.approve_held_conversions under its name of old, is decisions/tasks.py.)"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from celery import shared_task
from django.utils.timezone import now
from django_scopes import scopes_disabled

from network.celery import NetworkTask
from network.models import Network
from network.tasks import former_email_task

MONTHLY_RUN_HOUR = 3  # local time on the 1st


def active_network_ids() -> list[int]:
    with scopes_disabled():
        return list(
            Network.objects.filter(status=Network.Status.ACTIVE).values_list("pk", flat=True)
        )


@shared_task(acks_late=True)
def monthly_payouts_everywhere() -> None:
    """Beat, hourly: a network whose last month has no run yet, once the 1st, 03:00 local
    time has come, gets that month's invoices and payout run."""
    from payouts.models import PayoutRun
    from payouts.runs import last_closed_period

    with scopes_disabled():
        for network in Network.objects.filter(status=Network.Status.ACTIVE):
            local = now().astimezone(ZoneInfo(network.timezone))
            if local.day == 1 and local.hour < MONTHLY_RUN_HOUR:
                continue
            period = last_closed_period(network)
            if not PayoutRun.objects.filter(network=network, period__gte=period).exists():
                monthly_payouts.delay(network_id=network.pk)


@shared_task(base=NetworkTask, acks_late=True)
def monthly_payouts(*, network_id: int) -> None:
    """Invoices first, then the run: a run that exists means both were made. The month's
    invoices are the invoices app's (a higher layer): it bills the month when told that the
    month closed (the event runs its handler here, in this task: if billing fails, no run)."""
    from network import events
    from payouts.models import PayoutRun
    from payouts.runs import last_closed_period, payout_run_request

    network = Network.objects.get(pk=network_id)
    period = last_closed_period(network)
    if PayoutRun.objects.filter(period__gte=period).exists():
        return  # made, or being made (the recovery job takes care of a lost one)
    events.emit("month.closed", network_id=network.pk, source=network, period=period)
    run = payout_run_request(network, period)
    make_run(monthly_payouts, network, run.pk)


def make_run(task, network: Network, payout_run_id: int) -> int:
    """Make the run with its heartbeat renewed while this worker lives. (Not when the task
    runs in-process, eagerly, or on SQLite: its one writer would make the heartbeat wait.)"""
    from django.db import connection

    from payouts.runs import heartbeat, payout_run_make

    if task.request.is_eager or task.request.called_directly or connection.vendor != "postgresql":
        return payout_run_make(network, payout_run_id).pk
    with heartbeat(payout_run_id):
        return payout_run_make(network, payout_run_id).pk


@shared_task(base=NetworkTask, acks_late=True)
def create_payout_run(*, network_id: int, period: str, user_id: int | None = None) -> int:
    """Make the run of a month (ISO date of its first day), requested here if need be."""
    from datetime import date

    from network.models import User
    from payouts.runs import payout_run_request

    network = Network.objects.get(pk=network_id)
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    run = payout_run_request(network, date.fromisoformat(period), actor=actor)
    return make_run(create_payout_run, network, run.pk)


@shared_task(base=NetworkTask, acks_late=True)
def make_payout_run(*, network_id: int, payout_run_id: int) -> int:
    """Make a run requested on the page, or one the recovery job found without heartbeat.
    Safe to run twice, or after a crash: a run is made once."""
    return make_run(make_payout_run, Network.objects.get(pk=network_id), payout_run_id)


@shared_task(acks_late=True)
def recover_stalled_payout_runs() -> int:
    """Beat, every 15 s: a run being made whose heartbeat is older than a minute lost its
    task (a worker killed mid-run, a message lost); enqueue its making again."""
    from payouts.runs import payout_runs_recover

    claimed = payout_runs_recover()
    for network_id, payout_run_id in claimed:
        make_payout_run.delay(network_id=network_id, payout_run_id=payout_run_id)
    return len(claimed)


# The email tasks under their former names: messages queued before the generic
# network.tasks.send_email_of (which the services queue now) still send.
send_run_ready_email = former_email_task(
    "payouts.tasks.send_run_ready_email", "run_ready", "payout_run_id"
)
send_payout_email = former_email_task("payouts.tasks.send_payout_email", "payout", "payout_line_id")
send_payment_details_email = former_email_task(
    "payouts.tasks.send_payment_details_email", "payment_details_changed", "publisher_id"
)
