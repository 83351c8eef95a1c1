"""The one outbound-delivery engine (webhooks.delivery.engine), run through both of its adapters
alike: publisher postbacks (a GET of the filled URL) and webhooks (a signed POST). One failure
count and the auto-disable at 25 in a row, one backoff schedule, a worker killed mid-call that
loses no delivery, and the SSRF refusal of the one client."""

from __future__ import annotations

import itertools
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import make_world
from network.celery import app as celery_app
from network.tests.celery_worker import (
    TASK_TIMEOUT,
    kill_worker,
    running_worker,
    worker_skip_reason,
)
from publishers.models import Publisher
from webhooks import events, tasks
from webhooks.delivery import engine
from webhooks.delivery.engine import LEASE, MAX_ATTEMPTS, MAX_CONSECUTIVE_FAILURES, RETRY_DELAYS
from webhooks.models import (
    PostbackAttempt,
    PostbackDelivery,
    PostbackEndpoint,
    WebhookAttempt,
    WebhookDelivery,
)
from webhooks.tests.helpers import LOOPBACK, Receiver
from webhooks.tests.helpers import make_endpoint as make_webhook_endpoint
from webhooks.tests.test_postbacks import make_conversion

START = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
KINDS = ["postback", "webhook"]


@dataclass
class Case:
    """One kind of delivery with an endpoint of its own, and how to owe it a delivery."""

    name: str
    network: object
    endpoint: object
    world: dict
    publisher: Publisher | None = None

    @property
    def kind(self) -> engine.Kind:
        return engine.KINDS[self.name]

    def owe(self) -> int:
        """A new delivery, due now (its own message is not sent: the test calls it)."""
        if self.name == "webhook":
            with scopes_disabled():
                before = set(WebhookDelivery.objects.values_list("pk", flat=True))
            events.emit(self.network.pk, "publisher.applied", lambda: {"hello": "world"})
            with scopes_disabled():
                return WebhookDelivery.objects.exclude(pk__in=before).get().pk
        conversion = make_conversion(self.world, self.publisher)
        with scopes_disabled():
            return PostbackDelivery.objects.create(
                network=self.network,
                endpoint=self.endpoint,
                conversion=conversion,
                event="created",
                next_attempt_at=timezone.now(),
            ).pk

    def attempt(self, delivery_id: int):
        with scope(network=self.network):
            return engine.attempt(self.kind, delivery_id)

    def delivery(self, delivery_id: int):
        with scopes_disabled():
            return self.kind.delivery_model.objects.get(pk=delivery_id)

    def calls(self) -> list:
        with scopes_disabled():
            if self.name == "webhook":
                calls = WebhookAttempt.objects.filter(delivery__endpoint=self.endpoint)
            else:
                calls = PostbackAttempt.objects.filter(endpoint=self.endpoint)
            return list(calls.order_by("id"))

    def reload(self):
        with scopes_disabled():
            self.endpoint.refresh_from_db()
        return self.endpoint


def make_case(name: str, network, owner, publisher_user, url: str, **fields) -> Case:
    world = make_world(network, owner)
    if name == "webhook":
        endpoint = make_webhook_endpoint(network, url, events=["publisher.applied"], **fields)
        return Case(name, network, endpoint, world)
    with scopes_disabled():
        PostbackEndpoint.objects.filter(network=network).delete()
        publisher = Publisher.objects.get(memberships__user=publisher_user)
        endpoint = PostbackEndpoint.objects.create(
            network=network, publisher=publisher, url_template=url, **fields
        )
    return Case(name, network, endpoint, world, publisher)


@pytest.fixture(params=KINDS)
def kind_name(request) -> str:
    return request.param


def refused_case(kind_name, network, owner, publisher_user, **fields) -> Case:
    return make_case(kind_name, network, owner, publisher_user, "http://10.0.0.1/in", **fields)


# One failure count, turned off at 25 in a row


def test_both_kinds_turn_an_endpoint_off_at_25_failures_in_a_row(
    kind_name, network, owner, publisher_user, django_capture_on_commit_callbacks
):
    case = refused_case(
        kind_name,
        network,
        owner,
        publisher_user,
        consecutive_failures=MAX_CONSECUTIVE_FAILURES - 2,
    )
    first, second, third = case.owe(), case.owe(), case.owe()
    case.attempt(first)
    assert case.reload().is_active  # 24 in a row: still on
    with django_capture_on_commit_callbacks(execute=True):
        case.attempt(second)
    endpoint = case.reload()
    assert (endpoint.is_active, endpoint.state, endpoint.consecutive_failures) == (
        False,
        "failing",
        MAX_CONSECUTIVE_FAILURES,
    )
    # Its other deliveries are given up without a call.
    assert case.attempt(third) is None
    assert len(case.calls()) == 2
    assert {case.delivery(d).state for d in (second, third)} == {"failed"}
    with scopes_disabled():
        [entry] = AuditEntry.objects.filter(action=f"{kind_name}.disabled")
    assert (entry.object_id, entry.actor_label, entry.from_state, entry.to_state) == (
        str(endpoint.pk),
        "system",
        "active",
        "failing",
    )
    assert entry.object_type == f"webhooks.{kind_name}endpoint"
    [email] = mail.outbox  # the publisher's people, or the network's owners
    assert email.to == [publisher_user.email if kind_name == "postback" else owner.email]
    assert "25" in email.subject


@pytest.mark.usefixtures("allow_loopback")
def test_both_kinds_reset_the_count_on_a_2xx(kind_name, network, owner, publisher_user):
    receiver = Receiver(statuses=(500, 204))
    try:
        case = make_case(
            kind_name, network, owner, publisher_user, receiver.url, consecutive_failures=7
        )
        delivery = case.owe()
        case.attempt(delivery)
        assert case.reload().consecutive_failures == 8
        with time_machine.travel(timezone.now() + timedelta(seconds=RETRY_DELAYS[0])):
            case.attempt(delivery)
    finally:
        receiver.close()
    assert [call.status_code for call in case.calls()] == [500, 204]
    assert [call.attempt_number for call in case.calls()] == [1, 2]
    assert case.reload().consecutive_failures == 0
    assert case.delivery(delivery).state == "delivered"
    assert [r["headers"].get("Content-Type") for r in receiver.requests] == (
        ["application/json"] * 2 if kind_name == "webhook" else [None, None]
    )


# One backoff schedule


def test_both_kinds_retry_on_the_one_schedule_then_give_up(
    kind_name, network, owner, publisher_user
):
    case = refused_case(kind_name, network, owner, publisher_user)
    with time_machine.travel(START, tick=False) as traveller:
        delivery = case.owe()
        case.attempt(delivery)
        for delay in RETRY_DELAYS:
            traveller.shift(timedelta(seconds=delay - 1))
            assert tasks.send_due_deliveries.apply().get() == 0  # not due yet
            traveller.shift(timedelta(seconds=1))
            assert tasks.send_due_deliveries.apply().get() == 1
        traveller.shift(timedelta(days=3))
        assert tasks.send_due_deliveries.apply().get() == 0
    calls = case.calls()
    assert [call.attempt_number for call in calls] == list(range(1, MAX_ATTEMPTS + 1))
    gaps = [
        round((later.created_at - earlier.created_at).total_seconds())
        for earlier, later in itertools.pairwise(calls)
    ]
    assert gaps == RETRY_DELAYS == [60, 240, 960, 3840, 15360, 61440]
    row = case.delivery(delivery)
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert case.reload().consecutive_failures == MAX_ATTEMPTS


# A worker killed mid-call


class Killed(BaseException):
    """What the process's death looks like from inside: nothing after it runs."""


@pytest.mark.usefixtures("allow_loopback")
def test_a_worker_killed_mid_call_leaves_the_delivery_due_after_its_lease(
    kind_name, network, owner, publisher_user, monkeypatch
):
    receiver = Receiver()
    try:
        case = make_case(kind_name, network, owner, publisher_user, receiver.url)
        with time_machine.travel(START, tick=False) as traveller:
            delivery = case.owe()

            def killed(request):
                raise Killed

            with monkeypatch.context() as patch:
                patch.setattr(engine, "call", killed)
                with pytest.raises(Killed):
                    case.attempt(delivery)
            row = case.delivery(delivery)
            # Claimed, not lost: still pending, due again when the lease ends.
            assert (row.state, row.attempts, row.next_attempt_at) == ("pending", 0, START + LEASE)
            assert case.calls() == []
            assert case.attempt(delivery) is None  # a redelivered message: not ours yet
            traveller.shift(LEASE - timedelta(seconds=1))
            assert tasks.send_due_deliveries.apply().get() == 0
            traveller.shift(timedelta(seconds=1))
            assert tasks.send_due_deliveries.apply().get() == 1
    finally:
        receiver.close()
    assert len(receiver.requests) == 1
    assert case.delivery(delivery).state == "delivered"
    assert [call.attempt_number for call in case.calls()] == [1]


def wait_for(condition, what: str, timeout: float = TASK_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.1)


@pytest.mark.skipif(worker_skip_reason() is not None, reason=worker_skip_reason() or "")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_killed_mid_call_loses_no_delivery(
    kind_name, network, owner, publisher_user, celery_queue, tmp_path, settings
):
    """SIGKILL while the endpoint is still answering: the row stays pending; the sweep calls
    it again once the lease has passed, and only then."""
    receiver = Receiver(delay=30)  # answers long after the kill
    try:
        case = make_case(kind_name, network, owner, publisher_user, receiver.url)
        delivery = case.owe()
        log = tmp_path / "worker.log"
        with running_worker(celery_queue, log, OUTBOUND_ALLOWED_NETWORKS=LOOPBACK[0]) as worker:
            tasks.deliver.apply_async(
                kwargs={"network_id": network.pk, "kind": kind_name, "delivery_ids": [delivery]}
            )
            wait_for(lambda: receiver.requests, "the worker's call")
            kill_worker(worker)
        row = case.delivery(delivery)
        assert (row.state, row.attempts) == ("pending", 0)
        assert case.calls() == []
        assert row.next_attempt_at > timezone.now()  # leased: the sweep leaves it alone
        assert engine.due(case.kind) == []
        # Once the lease has passed, the sweep finds it and it is called again (here, in this
        # process, eagerly, against a receiver that answers at once).
        settings.OUTBOUND_ALLOWED_NETWORKS = LOOPBACK
        quick = Receiver()
        try:
            with scopes_disabled():
                type(case.endpoint).objects.filter(pk=case.endpoint.pk).update(
                    **{"url" if kind_name == "webhook" else "url_template": quick.url}
                )
            with (
                eager(),
                time_machine.travel(row.next_attempt_at + timedelta(seconds=1)),
            ):
                assert tasks.send_due_deliveries.apply().get() == 1
        finally:
            quick.close()
    finally:
        receiver.close()
    assert len(quick.requests) == 1
    row = case.delivery(delivery)
    assert (row.state, row.attempts) == ("delivered", 1)


@contextmanager
def eager():
    """Tasks run in this process again (celery_queue turned that off for the worker's sake)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


# The SSRF-safe client, for both adapters


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("127.0.0.1", "a loopback address"),
        ("localhost", "a loopback address"),
        ("10.0.0.1", "a private address"),
        ("169.254.169.254", "link-local"),
    ],
)
def test_both_kinds_refuse_a_private_address_and_count_it(
    kind_name, network, owner, publisher_user, host, words
):
    receiver = Receiver()  # on the loopback address: nothing must reach it
    try:
        url = f"http://{host}:{receiver.port}/in"
        case = make_case(kind_name, network, owner, publisher_user, url)
        delivery = case.owe()
        call = case.attempt(delivery)
    finally:
        receiver.close()
    assert receiver.requests == []
    assert call.status_code is None
    assert call.error.startswith("Refused:") and words in call.error
    assert case.reload().consecutive_failures == 1
    assert case.delivery(delivery).state == "pending"  # a failure like any other: retried
