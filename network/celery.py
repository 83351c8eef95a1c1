"""The Celery app: JSON only, time limits, late acks with prefetch 1, one beat schedule."""

from __future__ import annotations

import os
import signal

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.schedules import crontab
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network.settings")

# Every task's base (NetworkTask too): retried through a PostgreSQL or Redis restart.
app = Celery("network", task_cls="network.celery:OutageRetryTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_soft_time_limit=60,
    task_time_limit=90,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
)


def _filesystem_broker_options() -> dict:
    from django.conf import settings

    folder = str(settings.CELERY_BROKER_DIR / "queue")
    return {
        "data_folder_in": folder,
        "data_folder_out": folder,
        "processed_folder": str(settings.CELERY_BROKER_DIR / "processed"),
        # Fanout (worker control, beat wake-ups) would otherwise land in the working directory.
        "control_folder": str(settings.CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }


if app.conf.broker_url.startswith("filesystem://"):
    app.conf.broker_transport_options = _filesystem_broker_options()

# Every periodic job is declared here, and nowhere else.
app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "network.tasks.clear_expired_sessions",
        "schedule": crontab(hour=4, minute=17),
    },
    # The backstop of `manage.py sweep_conversions` (tracking.follow_ups): it follows up
    # conversions the sweeper process left unchecked for 30 s (none while it runs).
    "sweep-unchecked-conversions": {
        "task": "tracking.tasks.sweep_unchecked_conversions",
        "schedule": 60.0,
    },
    # Outbound deliveries (publisher postbacks and webhooks, webhooks.delivery) whose call is
    # due: retries, and first calls whose message was lost (a broker outage after a commit).
    "send-due-deliveries": {
        "task": "webhooks.tasks.send_due_deliveries",
        "schedule": 30.0,
    },
    "approve-held-conversions": {
        "task": "payouts.tasks.approve_held_conversions_everywhere",
        "schedule": crontab(minute="*/15"),
    },
    "rollup-stats": {
        "task": "reports.tasks.rollup_everywhere",
        "schedule": 300.0,
    },
    # Hourly, so each network's run starts at 03:00 on the 1st in its own time zone (and a
    # run missed while beat was down is made at the next hour).
    "monthly-payouts": {
        "task": "payouts.tasks.monthly_payouts_everywhere",
        "schedule": crontab(minute=5),
    },
    # Payout runs being made whose task stopped renewing their heartbeat (a worker lost):
    # made again within about a minute and a quarter, not after the broker's visibility
    # timeout (an hour).
    "recover-stalled-payout-runs": {
        "task": "payouts.tasks.recover_stalled_payout_runs",
        "schedule": 15.0,
    },
}

app.autodiscover_tasks()


@worker_process_init.connect
def _leave_sigterm_to_the_main_process(**kwargs) -> None:
    """A pool child ignores SIGTERM. Honcho (`make run`) and systemd's default KillMode send it
    to the whole process group: a child killed by it is an ERROR line and a task cut short,
    while the main process's warm shutdown lets the children finish their tasks and then stops
    them itself. A child still dies with its main process (Celery sets it a parent-death
    SIGKILL), and a hard time limit still kills it (SIGKILL after the SIGTERM)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


class OutageRetryTask(DjangoTask):
    """A task that fails because PostgreSQL or Redis is away (a restart) is retried with a
    growing delay (1 s, 2 s, ... 60 s) instead of being lost: the tasks take ids and call
    services that guard their own state, so running one again is safe. Other errors are
    not retried here (a task may still choose its own `autoretry_for`)."""

    def __call__(self, *args, **kwargs):
        from lib.resilience import OUTAGE_ERRORS, reset_database_connections

        try:
            return super().__call__(*args, **kwargs)
        except OUTAGE_ERRORS as error:
            if self.request.called_directly or self.request.is_eager:
                raise
            reset_database_connections()  # the next attempt must not reuse a dead connection
            delay = min(OUTAGE_RETRY_MAX_DELAY, 2**self.request.retries)
            raise self.retry(exc=error, countdown=delay, max_retries=OUTAGE_RETRIES) from error


OUTAGE_RETRIES = 30  # about 25 minutes of 60-second waits after the first few
OUTAGE_RETRY_MAX_DELAY = 60


class NetworkTask(OutageRetryTask):
    """Base for tasks about one network: called with `network_id=`, runs inside its scope."""

    def __call__(self, *args, **kwargs):
        from django_scopes import scope

        network_id = kwargs.get("network_id")
        if not isinstance(network_id, int):
            raise TypeError(f"{self.name} needs an integer network_id keyword argument")
        with scope(network=network_id):
            return super().__call__(*args, **kwargs)
