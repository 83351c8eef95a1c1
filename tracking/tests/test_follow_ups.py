"""After a conversion is stored: one task checks it for fraud, then fires the postbacks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from kombu import Queue

from conftest import client_for
from lib.tests.test_safehttp import LOOPBACK, listening
from network.celery import app as celery_app
from network.tests.celery_worker import (
    TASK_TIMEOUT,
    _test_database_url,
    running_worker,
    worker_skip_reason,
)
from tracking import follow_ups
from tracking.models import Conversion
from tracking.tests.helpers import runner_world
from webhooks.delivery.engine import QUEUE_GRACE, RETRY_DELAYS
from webhooks.models import PostbackAttempt, PostbackDelivery, WebhookDelivery, WebhookEndpoint
from webhooks.tasks import send_due_deliveries

BOT = "python-requests/2.32"


@pytest.fixture
def world(network, owner, publisher_user):
    world = runner_world(network, owner, publisher_user)
    with scope(network=network):
        world["postback_endpoint"].publisher = world["runner"]
        world["postback_endpoint"].save()
    return world


def convert(network, world, agent=BOT, **params):
    client = client_for(network)
    click = client.get(
        f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}", HTTP_USER_AGENT=agent
    )
    click_id = click.cookies[f"tid_{world['offer'].pk}"].value
    token = world["advertiser"].postback_token
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"/aff_lsr?transaction_id={click_id}&security_token={token}&{query}")


def test_it_flags_and_fires_postbacks_after_commit(
    network, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        convert(network, world)
    with scope(network=network):
        conversion = Conversion.objects.get()
        attempt = PostbackAttempt.objects.get()
    assert "bot_user_agent" in conversion.fraud_flags and conversion.fraud_checked_at
    assert attempt.conversion == conversion and attempt.event == "created"
    assert f"c={conversion.pk}" in attempt.url


def test_it_fires_no_postback_for_a_refused_conversion(
    network, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        convert(network, world, status="rejected")
    with scope(network=network):
        assert Conversion.objects.get().status == "rejected"
        assert not PostbackAttempt.objects.exists()


# The real processes: a sweeper and a worker, each a process of its own.


@pytest.mark.skipif(worker_skip_reason() is not None, reason=worker_skip_reason() or "")
@pytest.mark.django_db(transaction=True)
def test_a_real_sweeper_and_worker_follow_up_every_conversion_of_a_burst(
    network, world, outbox, celery_queue, tmp_path
):
    env = {"OUTBOUND_ALLOWED_NETWORKS": "127.0.0.0/8", "SWEEP_IDLE_SECONDS": "0.1"}
    with running_worker(celery_queue, tmp_path / "worker.log", **env):
        for _ in range(20):
            assert b"success=true" in convert(network, world).content
        with running_sweeper(celery_queue, env):
            deadline = time.monotonic() + TASK_TIMEOUT
            while len(outbox.requests) < 20 and time.monotonic() < deadline:
                time.sleep(0.25)
    assert state_of(network) == (0, 20, 20)
    assert sorted(request["path"] for request in outbox.requests) == sorted(
        f"/pb?c={pk}" for pk in conversion_ids(network)
    )


@contextmanager
def running_sweeper(queue: str, extra_env: dict[str, str]):
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "SECRET_KEY": "sweeper-test-key",
        **extra_env,
    }
    sweeper = subprocess.Popen(
        [sys.executable, "manage.py", "sweep_conversions"],
        cwd=django_settings.BASE_DIR,
        env=env,
        start_new_session=True,
    )
    try:
        yield sweeper
    finally:
        os.killpg(sweeper.pid, signal.SIGTERM)
        sweeper.wait(30)


# The conversion row is the outbox: the postback only INSERTs, the sweeper does the rest.


def pg_skip_reason() -> str | None:
    from django.conf import settings as django_settings

    if "postgresql" in django_settings.DATABASES["default"]["ENGINE"]:
        return None
    return "SKIP LOCKED and a second process need PostgreSQL (set DATABASE_URL=postgres://...)"


needs_postgres = pytest.mark.skipif(pg_skip_reason() is not None, reason=pg_skip_reason() or "")


@pytest.fixture
def outbox(settings, world, network):
    """Production's setting (no inline sweep), the publisher's postback on a local sink and a
    webhook endpoint subscribed to conversion.created: every follow-up has work to do."""
    settings.FOLLOW_UPS_INLINE = False
    settings.OUTBOUND_ALLOWED_NETWORKS = LOOPBACK
    with listening() as sink:
        with scopes_disabled():
            world[
                "postback_endpoint"
            ].url_template = f"http://127.0.0.1:{sink.port}/pb?c={{conversion_id}}"
            world["postback_endpoint"].save()
            WebhookEndpoint.objects.filter(pk=world["webhook_endpoint"].pk).update(
                events=["conversion.created"]
            )
        yield sink


def queued_messages(queue: str) -> int:
    with celery_app.connection_for_write() as connection:
        declared = Queue(queue).bind(connection.default_channel).queue_declare()
        return declared.message_count


@pytest.fixture
def dead_broker(monkeypatch):
    """The broker unreachable (a port nothing listens on), tasks not eager: a publish fails."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:6399/0")
    monkeypatch.setitem(celery_app.conf, "broker_connection_retry", False)
    monkeypatch.setitem(celery_app.conf, "broker_connection_max_retries", 0)
    celery_app._pool = None  # the producer pool is made from the URL at first use
    yield
    celery_app._pool = None


def state_of(network) -> tuple[int, int, int]:
    """(unchecked conversions, postback deliveries, webhook deliveries of conversion.created)"""
    with scopes_disabled():
        return (
            Conversion.objects.filter(network=network, fraud_checked_at__isnull=True).count(),
            PostbackDelivery.objects.filter(network=network).count(),
            WebhookDelivery.objects.filter(network=network, event="conversion.created").count(),
        )


def test_it_publishes_nothing_when_a_postback_is_stored(
    network, world, outbox, celery_queue, django_capture_on_commit_callbacks
):
    """The request path's commit hooks run here, with a real queue of this test's own."""
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert b"success=true" in convert(network, world).content
    assert queued_messages(celery_queue) == 0
    assert state_of(network) == (3, 0, 0)  # all of it is the sweeper's


def test_it_checks_and_fires_every_conversion_whose_publish_would_have_failed(
    network, world, outbox, dead_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert b"success=true" in convert(network, world).content
        # The sweeper writes every follow-up although its own publishes fail too.
        assert follow_ups.sweep() == 3
    assert state_of(network) == (0, 3, 3)
    with scopes_disabled():
        flags = Conversion.objects.filter(network=network).values_list("fraud_flags", flat=True)
        assert all("bot_user_agent" in found for found in flags) and len(flags) == 3
    assert outbox.requests == []  # nothing reached the broker, so nothing was called yet


def test_the_retry_sweep_calls_each_delivery_once_after_a_lost_publish(
    network, world, outbox, dead_broker, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            convert(network, world)
        follow_ups.sweep()  # commits the deliveries; their messages are lost
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the broker is back
    with time_machine.travel(timezone.now() + QUEUE_GRACE + timedelta(seconds=1)):
        # One beat job for both kinds: the 3 postbacks and the 3 conversion.created webhooks.
        assert send_due_deliveries.apply().get() == 6
        assert send_due_deliveries.apply().get() == 0  # called: not queued again
    assert sorted(request["path"] for request in outbox.requests) == sorted(
        f"/pb?c={pk}" for pk in conversion_ids(network)
    )
    assert follow_ups.sweep() == 0  # checked once: a second pass fires nothing


def conversion_ids(network) -> list[int]:
    with scopes_disabled():
        return list(Conversion.objects.filter(network=network).values_list("pk", flat=True))


def test_a_sweeper_that_fails_mid_batch_leaves_the_batch_for_the_next_pass(network, world, outbox):
    for _ in range(3):
        convert(network, world)

    def crash(batch):
        raise RuntimeError("the sweeper dies before its commit")

    with pytest.raises(RuntimeError):
        follow_ups.sweep_batch(before_commit=crash)
    assert state_of(network) == (3, 0, 0)
    assert follow_ups.sweep() == 3
    assert state_of(network) == (0, 3, 3)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_share_the_work_without_firing_twice(network, world, outbox):
    for _ in range(12):
        convert(network, world)
    holding, claimed_by = threading.Event(), {}

    def first():
        def hold(batch):  # keep this batch locked until the other sweeper has claimed
            claimed_by["first"] = [c.pk for c in batch]
            holding.set()
            assert second_done.wait(30)

        try:
            follow_ups.sweep_batch(limit=6, before_commit=hold)
        finally:
            connection.close()

    second_done = threading.Event()
    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(30)
    try:
        claimed_by["second"] = follow_ups.sweep_batch(limit=12)
    finally:
        second_done.set()
        thread.join(30)
    assert len(claimed_by["first"]) == 6 and claimed_by["second"] == 6  # SKIP LOCKED
    assert follow_ups.sweep() == 0
    assert state_of(network) == (0, 12, 12)  # one of each per conversion


KILLABLE_SWEEPER = """
import os, sys, time, django
django.setup()
from tracking import follow_ups
def hold(batch):
    print("claimed", len(batch), flush=True)
    time.sleep(120)
follow_ups.sweep_batch(before_commit=hold)
"""


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_killed_sweeper_loses_nothing(network, world, outbox):
    for _ in range(5):
        convert(network, world)
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "DJANGO_SETTINGS_MODULE": "network.settings",
        "SECRET_KEY": "sweeper-test-key",
    }
    sweeper = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_SWEEPER],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert sweeper.stdout.readline().split() == [b"claimed", b"5"]
        assert follow_ups.sweep_batch() == 0  # its batch is locked: nothing for another pass
    finally:
        os.killpg(sweeper.pid, signal.SIGKILL)  # mid-batch, as the OOM killer would
        sweeper.wait(10)
    deadline = time.monotonic() + 30
    while (swept := follow_ups.sweep()) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)  # PostgreSQL notices the dead connection and releases its locks
    assert swept == 5
    assert state_of(network) == (0, 5, 5)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweeper_survives_a_database_restart(network, world, outbox, celery_queue):
    env = {"SWEEP_IDLE_SECONDS": "0.1"}
    with running_sweeper(celery_queue, env) as sweeper:
        convert(network, world)
        wait_until_checked(network, 1)
        with connection.cursor() as cursor:  # what a PostgreSQL restart does to its sessions
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1
        convert(network, world)
        wait_until_checked(network, 2)
        assert sweeper.poll() is None  # still running: it reconnected


def wait_until_checked(network, count: int) -> None:
    deadline = time.monotonic() + TASK_TIMEOUT
    while time.monotonic() < deadline:
        with scopes_disabled():
            checked = Conversion.objects.filter(
                network=network, fraud_checked_at__isnull=False
            ).count()
        if checked >= count:
            return
        time.sleep(0.1)
    pytest.fail(f"{checked} of {count} conversions checked after {TASK_TIMEOUT} s")


def test_a_failing_postback_is_retried_with_backoff_then_given_up(
    network, world, settings, django_capture_on_commit_callbacks
):
    settings.FOLLOW_UPS_INLINE = False
    settings.OUTBOUND_ALLOWED_NETWORKS = LOOPBACK
    with listening(status=500) as sink:
        with scopes_disabled():
            world["postback_endpoint"].url_template = f"http://127.0.0.1:{sink.port}/pb"
            world["postback_endpoint"].save()
        convert(network, world)
        with django_capture_on_commit_callbacks(execute=True):
            follow_ups.sweep()  # the first call, sent after the sweeper's commit, fails
        delays, called_at = [], timezone.now()
        for _ in range(8):
            with scopes_disabled():
                delivery = PostbackDelivery.objects.get()
            if delivery.state != "pending":
                break
            delays.append(round((delivery.next_attempt_at - called_at).total_seconds()))
            called_at = delivery.next_attempt_at + timedelta(seconds=1)
            with time_machine.travel(called_at, tick=False):
                send_due_deliveries.apply()
    assert delays == RETRY_DELAYS  # the one schedule of webhooks.delivery.engine
    assert (delivery.state, delivery.attempts, len(sink.requests)) == ("failed", 7, 7)
