"""The outbound-delivery engine, the same for publisher postbacks and webhooks.

A delivery row is written in the transaction of the change that owes it, and sent after
commit: one message per endpoint and CHUNK deliveries (`send`). Nothing depends on that
message arriving: the beat job `send_due_deliveries` (every 30 s, webhooks.tasks) queues every
pending delivery whose call is due and whose first message had QUEUE_GRACE to arrive, so a
broker outage delays calls and loses none.

Each attempt first claims its row with one conditional UPDATE that moves `next_attempt_at` a
LEASE ahead (`claim`): a duplicate message, the sweep and a second worker cannot call twice,
and a worker killed mid-call leaves a pending row that the sweep picks up when the lease ends.

The schedule, one for both kinds: a failed call is tried again after RETRY_DELAYS, 1 minute
times 4 after each failure (1 min, 4 min, 16 min, about 1 h, 4 h and 17 h: MAX_ATTEMPTS calls
over about 23 hours), unless the endpoint was turned off meanwhile.

Failed calls count against the endpoint, in the database so concurrent failures all count;
the one that makes MAX_CONSECUTIVE_FAILURES in a row turns it off, writes the audit entry and
emails (each kind says whom). A 2xx resets the count. Test calls count for nothing and are not
retried. Every call goes through lib.safehttp (SSRF-safe, TIMEOUT_SECONDS, no redirects).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from audit import audit_row
from lib import safehttp
from webhooks.delivery.base import CallLog, OutboundDelivery, OutboundEndpoint
from webhooks.tasks import deliver

logger = logging.getLogger(__name__)

MAX_CONSECUTIVE_FAILURES = 25
TIMEOUT_SECONDS = 5.0
FIRST_RETRY_SECONDS = 60
BACKOFF_FACTOR = 4
RETRY_DELAYS = [FIRST_RETRY_SECONDS * BACKOFF_FACTOR**n for n in range(6)]  # seconds
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LEASE = timedelta(seconds=120)  # longer than a call (TIMEOUT_SECONDS) and its bookkeeping
QUEUE_GRACE = timedelta(seconds=30)  # a first call's own message has this long to arrive
SWEEP_BATCH = 5000
CHUNK = 10  # deliveries per message: 10 calls of at most 5 s fit the 60 s soft time limit

State = OutboundDelivery.State


def retry_delay(attempts: int) -> timedelta:
    """How long after attempt number `attempts` (1-based) the next one is due."""
    return timedelta(seconds=RETRY_DELAYS[attempts - 1])


@dataclass(frozen=True)
class Request:
    """One call: a GET of `url` when `body` is None, else a POST of `body`."""

    url: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def call(request: Request) -> safehttp.Outcome:
    """The call itself, through the SSRF-safe client; never raises for a network problem."""
    if request.body is None:
        return safehttp.fetch(request.url, timeout=TIMEOUT_SECONDS)
    return safehttp.post(
        request.url, request.body, headers=request.headers, timeout=TIMEOUT_SECONDS
    )


D = TypeVar("D", bound=OutboundDelivery)
E = TypeVar("E", bound=OutboundEndpoint)


class Kind(Generic[D, E]):
    """What the engine needs of one kind of delivery (D, to endpoints E); each adapter
    subclasses it."""

    name: str = ""
    delivery_model: type[D]
    disabled_action: str = ""  # the audit action when its failures turn an endpoint off

    def load(self, delivery_id: int) -> D:
        """The claimed delivery with its endpoint and whatever `request` reads."""
        raise NotImplementedError

    def request(self, delivery: D) -> Request:
        raise NotImplementedError

    def log(self, delivery: D, request: Request, outcome: safehttp.Outcome, number: int) -> CallLog:
        """Write the call's log row (and whatever the delivery keeps of its last call)."""
        raise NotImplementedError

    def counts(self, delivery: D) -> bool:
        """Whether the call counts for the endpoint's failures (a test call does not), is
        retried and needs the endpoint on."""
        return True

    def turned_off(self, delivery: D) -> None:
        """The endpoint was off when the delivery's turn came: it is given up."""
        finish(delivery, State.FAILED)

    def disabled(self, endpoint: E) -> None:
        """After its failures turned the endpoint off (in that transaction): tell people."""

    @property
    def deliveries(self) -> Any:
        """The delivery model's manager (each kind's has an `endpoint` of its own)."""
        return self.delivery_model.objects


AnyKind = Kind[Any, Any]
KINDS: dict[str, AnyKind] = {}


def register(kind: AnyKind) -> AnyKind:
    KINDS[kind.name] = kind
    return kind


# Attempts


def claim(kind: AnyKind, delivery_id: int) -> bool:
    """Take the delivery for one call if it is pending and due; False if it is not ours."""
    moment = timezone.now()
    return bool(
        kind.deliveries.filter(
            pk=delivery_id, state=State.PENDING, next_attempt_at__lte=moment
        ).update(next_attempt_at=moment + LEASE)
    )


def attempt(kind: AnyKind, delivery_id: int) -> CallLog | None:
    """One call of a due delivery, logged; None when it was not due (or not pending) or its
    endpoint is off."""
    if not claim(kind, delivery_id):
        return None
    delivery = kind.load(delivery_id)
    endpoint = delivery.endpoint  # each kind's delivery has one
    counts = kind.counts(delivery)
    if counts and not endpoint.is_active:
        kind.turned_off(delivery)
        return None
    request = kind.request(delivery)
    outcome = call(request)
    number = delivery.attempts + 1
    with transaction.atomic():
        logged = kind.log(delivery, request, outcome, number)
        delivery.attempts = number
        if counts:
            count_outcome(kind, endpoint, ok=outcome.ok)
        if outcome.ok:
            settle(delivery, State.DELIVERED)
        elif not counts or number >= MAX_ATTEMPTS or not endpoint.is_active:
            settle(delivery, State.FAILED)
        else:
            delivery.next_attempt_at = timezone.now() + retry_delay(number)
        delivery.save()
    return logged


def settle(delivery: OutboundDelivery, state: str) -> None:
    delivery.state, delivery.next_attempt_at = state, None
    delivery.finished_at = timezone.now()


def finish(delivery: OutboundDelivery, state: str, **fields: object) -> None:
    """Settle and save a delivery that is not called (any other `fields` saved with it)."""
    settle(delivery, state)
    for name, value in fields.items():
        setattr(delivery, name, value)
    delivery.save(update_fields=["state", "next_attempt_at", "finished_at", *fields])


# The endpoint's failures in a row


def count_outcome(kind: AnyKind, endpoint: OutboundEndpoint, *, ok: bool) -> None:
    if ok:
        type(endpoint).objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        endpoint.consecutive_failures = 0
    else:
        count_failure(kind, endpoint)


def count_failure(kind: AnyKind, endpoint: OutboundEndpoint) -> None:
    """One more failure in a row, counted in the database so concurrent failures all count;
    the one that reaches MAX_CONSECUTIVE_FAILURES turns the endpoint off (call it inside the
    transaction that logs the call)."""
    endpoints = type(endpoint).objects
    endpoints.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    # The UPDATE holds the row lock on PostgreSQL until commit; read what it wrote.
    failures = (
        endpoints.select_for_update()
        .filter(pk=endpoint.pk)
        .values_list("consecutive_failures", flat=True)
        .get()
    )
    endpoint.consecutive_failures = failures
    if failures < MAX_CONSECUTIVE_FAILURES:
        return
    # Only the failure that flips the endpoint off writes the audit row and tells people.
    disabled_at = timezone.now()
    flipped = endpoints.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=disabled_at
    )
    if not flipped:
        return
    endpoint.is_active, endpoint.disabled_at = False, disabled_at
    audit_row(
        endpoint,
        None,
        action=kind.disabled_action,
        actor_label="system",
        from_state="active",
        to_state="failing",
        reason=f"{failures} failed calls in a row",
    )
    kind.disabled(endpoint)


# Sending: after the commit that wrote the rows, and the sweep of what is due


def send(kind_name: str, network_id: int, deliveries: Iterable[Any]) -> None:
    """One message per endpoint and CHUNK deliveries (call it after commit, robust).

    A publish cost the conversion sweeper more than everything else it does for a conversion,
    and a chunk's calls stay within a task's time limit. A failed publish is left to the sweep
    (the rows stay pending): a broker outage costs one quick failure here, not a blocked
    caller."""
    by_endpoint: dict[int, list[int]] = {}
    for delivery in deliveries:
        by_endpoint.setdefault(delivery.endpoint_id, []).append(delivery.pk)
    publish(kind_name, network_id, list(by_endpoint.values()))


def publish(kind_name: str, network_id: int, groups: list[list[int]]) -> None:
    chunks = [ids[start : start + CHUNK] for ids in groups for start in range(0, len(ids), CHUNK)]
    for sent, chunk in enumerate(chunks):
        try:
            kwargs = {"network_id": network_id, "kind": kind_name, "delivery_ids": chunk}
            deliver.apply_async(kwargs=kwargs, retry=False)
        except Exception:
            # The broker is down (or unreachable: each try could wait for a connect timeout):
            # stop trying for this batch; the rows wait for the sweep.
            logger.warning(
                "broker unavailable: %s %s messages left to the sweep",
                len(chunks) - sent,
                kind_name,
                exc_info=True,
            )
            return


def due(kind: AnyKind, moment: datetime | None = None) -> list[tuple[int, int, int]]:
    """(network id, endpoint id, delivery id) of the kind's deliveries whose call is due, in
    any network, oldest due first. A first call is left to its own message for QUEUE_GRACE."""
    moment = moment or timezone.now()
    with scopes_disabled():  # the sweep is across networks on purpose; each task re-scopes
        return list(
            kind.deliveries.filter(state=State.PENDING, next_attempt_at__lte=moment)
            .filter(Q(attempts__gt=0) | Q(created_at__lte=moment - QUEUE_GRACE))
            .order_by("next_attempt_at")
            .values_list("network_id", "endpoint_id", "pk")[:SWEEP_BATCH]
        )


def send_due(moment: datetime | None = None) -> int:
    """Queue every due delivery of every kind (the beat job); how many."""
    sent = 0
    for kind in KINDS.values():
        groups: dict[int, dict[int, list[int]]] = {}
        rows = due(kind, moment)
        for network_id, endpoint_id, delivery_id in rows:
            groups.setdefault(network_id, {}).setdefault(endpoint_id, []).append(delivery_id)
        for network_id, by_endpoint in groups.items():
            publish(kind.name, network_id, list(by_endpoint.values()))
        sent += len(rows)
    return sent
