"""Delivering webhooks: a real, signed POST to a server on the loopback address; loopback and
private addresses refused unless allowed; retries with backoff until a 2xx or the last
attempt; one call per attempt however often its task runs; the endpoint turned off (and its
owners emailed) after 25 failed calls in a row."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import make_member
from network.models import Role
from webhooks import events, tasks
from webhooks.delivery.engine import MAX_ATTEMPTS, MAX_CONSECUTIVE_FAILURES, RETRY_DELAYS
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.tests.helpers import Receiver, make_endpoint

START = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def readme_verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check exactly as the README documents it."""
    timestamp = headers["X-Webhook-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    signed = timestamp.encode() + b"." + body
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Webhook-Signature"])


def emit(network, event="publisher.applied", data=None) -> int:
    return events.emit(network.pk, event, lambda: data or {"hello": "world"})


def deliveries(network) -> list[WebhookDelivery]:
    with scopes_disabled():
        return list(WebhookDelivery.objects.filter(network=network).order_by("id"))


def attempts_of(delivery) -> list[WebhookAttempt]:
    with scopes_disabled():
        return list(WebhookAttempt.objects.filter(delivery=delivery).order_by("attempt_number"))


def run_task(network, delivery) -> None:
    tasks.deliver_webhook.apply(
        kwargs={"network_id": network.pk, "webhook_delivery_id": delivery.pk}
    )


def sweep() -> int:
    return tasks.retry_due_webhooks.apply().get()


def reload(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


@pytest.mark.usefixtures("allow_loopback")
def test_it_posts_the_signed_event_to_the_receiver(
    network, receiver, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(network, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        assert emit(network, data={"amount": "12.50", "currency": "USD"}) == 1
    [delivery] = deliveries(network)
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert request["path"] == "/hooks"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("AffiliatePortal-Webhooks/")
    assert headers["X-Webhook-Event"] == "publisher.applied"
    assert headers["X-Webhook-Id"] == delivery.event_id
    assert abs(int(headers["X-Webhook-Timestamp"]) - time.time()) < 60
    sent = json.loads(body)
    assert sent == {
        "id": delivery.event_id,
        "type": "publisher.applied",
        "created_at": sent["created_at"],
        "network_id": network.pk,
        "data": {"amount": "12.50", "currency": "USD"},
    }
    # The documented recipe accepts the call, and only with the right secret and body.
    assert readme_verify(endpoint.secret, headers, body)
    assert not readme_verify("whsec_wrong", headers, body)
    assert not readme_verify(endpoint.secret, headers, body.replace(b"12.50", b"99.50"))
    stale = {**headers, "X-Webhook-Timestamp": str(int(headers["X-Webhook-Timestamp"]) - 3600)}
    assert not readme_verify(endpoint.secret, stale, body)
    delivery = reload(delivery)
    assert (delivery.state, delivery.attempts, delivery.status_code, delivery.next_attempt_at) == (
        "delivered",
        1,
        200,
        None,
    )
    [attempt] = attempts_of(delivery)
    assert (attempt.attempt_number, attempt.status_code, attempt.response_excerpt) == (
        1,
        200,
        '{"received": true}',
    )


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("http://127.0.0.1:{port}/hooks", "loopback"),
        ("http://localhost:{port}/hooks", "loopback"),
        ("http://10.0.0.1:{port}/hooks", "private"),
        ("http://169.254.169.254:{port}/latest/meta-data", "link-local"),
    ],
)
def test_it_refuses_loopback_and_private_addresses_unless_allowed(network, template, reason):
    server = Receiver()
    try:
        endpoint = make_endpoint(network, template.format(port=server.port))
        emit(network)
        [delivery] = deliveries(network)
        run_task(network, delivery)
    finally:
        server.close()
    assert server.requests == []
    [attempt] = attempts_of(delivery)
    assert attempt.status_code is None
    assert attempt.error.startswith("Refused:") and reason in attempt.error
    assert reload(delivery).state == "pending"  # a failure like any other: retried later
    assert reload(endpoint).consecutive_failures == 1


def test_a_failing_delivery_is_retried_with_backoff_then_given_up(network):
    # The one schedule of both kinds (webhooks.delivery.engine): about 23 hours in all.
    assert RETRY_DELAYS == [60, 240, 960, 3840, 15360, 61440]
    make_endpoint(network, "http://10.0.0.1/hooks")
    with time_machine.travel(START, tick=False) as traveller:
        emit(network)
        [delivery] = deliveries(network)
        # The message queued at commit was lost (here: never sent); the sweep makes up for it
        # once the grace period has passed.
        assert sweep() == 0
        traveller.shift(timedelta(seconds=31))
        assert sweep() == 1
        for delay in RETRY_DELAYS:
            traveller.shift(timedelta(seconds=delay - 1))
            assert sweep() == 0  # not due yet
            traveller.shift(timedelta(seconds=1))
            assert sweep() == 1
        traveller.shift(timedelta(days=3))
        assert sweep() == 0
    logged = attempts_of(delivery)
    assert [a.attempt_number for a in logged] == list(range(1, MAX_ATTEMPTS + 1))
    gaps = [
        round((later.created_at - earlier.created_at).total_seconds())
        for earlier, later in itertools.pairwise(logged)
    ]
    assert gaps == RETRY_DELAYS
    delivery = reload(delivery)
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 7, None)
    assert "Refused" in delivery.error


@pytest.mark.usefixtures("allow_loopback")
def test_a_receiver_that_recovers_gets_the_same_event_and_the_count_resets(network):
    server = Receiver(statuses=(500, 200))
    try:
        endpoint = make_endpoint(network, server.url, consecutive_failures=3)
        with time_machine.travel(START, tick=False) as traveller:
            emit(network)
            [delivery] = deliveries(network)
            run_task(network, delivery)
            assert (reload(delivery).state, reload(endpoint).consecutive_failures) == (
                "pending",
                4,
            )
            traveller.shift(timedelta(seconds=60))
            assert sweep() == 1
    finally:
        server.close()
    first, second = server.requests
    assert first["body"] == second["body"]
    assert first["headers"]["X-Webhook-Id"] == second["headers"]["X-Webhook-Id"]
    assert [a.status_code for a in attempts_of(delivery)] == [500, 200]
    assert reload(delivery).state == "delivered"
    assert reload(endpoint).consecutive_failures == 0


def test_a_delivery_is_called_once_however_often_its_task_runs(network):
    make_endpoint(network, "http://10.0.0.1/hooks")
    emit(network)
    [delivery] = deliveries(network)
    for _ in range(3):  # a duplicate message, a redelivery after a lost ack ...
        run_task(network, delivery)
    assert len(attempts_of(delivery)) == 1


def test_the_task_stays_in_its_network(network, other_network):
    make_endpoint(network, "http://10.0.0.1/hooks")
    emit(network)
    [delivery] = deliveries(network)
    tasks.deliver_webhook.apply(
        kwargs={"network_id": other_network.pk, "webhook_delivery_id": delivery.pk}
    )
    assert attempts_of(delivery) == []


def test_it_turns_the_endpoint_off_after_25_failures_in_a_row(
    network, owner, django_capture_on_commit_callbacks
):
    make_member(network, Role.MANAGER, "manager@alpha.example")
    endpoint = make_endpoint(
        network, "http://10.0.0.1/hooks", consecutive_failures=MAX_CONSECUTIVE_FAILURES - 2
    )
    with time_machine.travel(START, tick=False) as traveller:
        emit(network)
        emit(network)
        first, second = deliveries(network)
        run_task(network, first)
        assert reload(endpoint).is_active  # 24 in a row: still on
        with django_capture_on_commit_callbacks(execute=True):
            run_task(network, second)
        endpoint = reload(endpoint)
        assert (endpoint.is_active, endpoint.state, endpoint.consecutive_failures) == (
            False,
            "failing",
            MAX_CONSECUTIVE_FAILURES,
        )
        # Its pending deliveries are not called again, and it receives no new events.
        traveller.shift(timedelta(hours=1))
        sweep()
        assert emit(network) == 0
    assert [len(attempts_of(d)) for d in (first, second)] == [1, 1]
    assert {reload(first).state, reload(second).state} == {"failed"}
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="webhook.disabled")
    assert (entry.from_state, entry.to_state, entry.actor_label) == ("active", "failing", "system")
    [email] = mail.outbox
    assert email.to == ["owner@alpha.example"]  # the owners, not the managers
    assert "25" in email.subject and endpoint.url in email.body
    assert f"/manage/webhooks/{endpoint.pk}/" in email.body


def test_a_test_ping_does_not_count_as_a_failure(network):
    from webhooks.services import send_ping

    endpoint = make_endpoint(network, "http://10.0.0.1/hooks")
    with scope(network=network):
        delivery = send_ping(endpoint)
    assert (delivery.state, delivery.attempts) == ("failed", 1)  # not retried
    assert reload(endpoint).consecutive_failures == 0


@pytest.mark.usefixtures("allow_loopback")
def test_a_redirect_is_not_followed_and_counts_as_a_failure(network):
    server = Receiver(statuses=(302,))
    try:
        endpoint = make_endpoint(network, server.url)
        emit(network)
        [delivery] = deliveries(network)
        run_task(network, delivery)
    finally:
        server.close()
    assert len(server.requests) == 1
    delivery = reload(delivery)
    assert (delivery.state, delivery.status_code, delivery.attempts) == ("pending", 302, 1)
    assert reload(endpoint).consecutive_failures == 1
