"""Webhook endpoints (the admins' changes, each audited) and deliveries (the HTTP calls).

A delivery is tried at once, then again after RETRY_DELAYS (1 min, 5 min, 30 min, 2 h, 6 h,
12 h: MAX_ATTEMPTS calls over about 21 hours) until the endpoint answers 2xx. Every call is a
WebhookAttempt row. Each attempt first claims the delivery with one conditional UPDATE (it is
pending and due); the claim moves `next_attempt_at` a lease ahead, so a duplicate message, the
retry sweep and a second worker cannot call twice, and a worker killed mid-call leaves a
delivery the sweep picks up again when the lease ends.

Failed calls count against the endpoint; the one that makes MAX_CONSECUTIVE_FAILURES in a row
turns it off, writes the audit entry and emails the network's owners. A 2xx resets the count.
Test pings count for nothing and are not retried.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from lib import safehttp
from network import audit
from webhooks.events import forget_subscriptions, ping_delivery
from webhooks.models import (
    MAX_CONSECUTIVE_FAILURES,
    Event,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    new_secret,
)
from webhooks.signing import body_bytes, signature

if TYPE_CHECKING:
    from network.models import Network, User

TIMEOUT_SECONDS = 5.0
USER_AGENT = "AffiliatePortal-Webhooks/1.0"
RETRY_DELAYS = [60, 300, 1800, 7200, 21600, 43200]  # seconds after attempt 1, 2, ...
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LEASE = timedelta(seconds=120)  # longer than a call (TIMEOUT_SECONDS) and its bookkeeping
EXCERPT_CHARS = 1000
QUEUE_GRACE = timedelta(seconds=30)  # a first attempt's own message has this long to arrive
SWEEP_BATCH = 5000


def retry_delay(attempts: int) -> timedelta:
    """How long after attempt number `attempts` (1-based) the next one is due."""
    return timedelta(seconds=RETRY_DELAYS[attempts - 1])


# Delivering


def headers_for(endpoint: WebhookEndpoint, delivery: WebhookDelivery, body: bytes) -> dict:
    timestamp = int(time.time())
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Event": delivery.event,
        "X-Webhook-Id": delivery.event_id,
        "X-Webhook-Timestamp": str(timestamp),
        "X-Webhook-Signature": signature(endpoint.secret, timestamp, body),
    }


def claim(delivery_id: int) -> bool:
    """Take the delivery for one attempt if it is pending and due; False if not ours."""
    moment = timezone.now()
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id,
            state=WebhookDelivery.State.PENDING,
            next_attempt_at__lte=moment,
        ).update(next_attempt_at=moment + LEASE)
    )


def attempt_delivery(delivery_id: int) -> WebhookAttempt | None:
    """One call of a due delivery, logged; None when it was not due (or not pending)."""
    if not claim(delivery_id):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    is_ping = delivery.event == Event.PING
    if not endpoint.is_active and not is_ping:
        finish(delivery, WebhookDelivery.State.FAILED, error="The endpoint is turned off.")
        return None
    body = body_bytes(delivery.payload)
    outcome = safehttp.post(
        endpoint.url, body, headers=headers_for(endpoint, delivery, body), timeout=TIMEOUT_SECONDS
    )
    excerpt = outcome.body.decode("utf-8", "replace")[:EXCERPT_CHARS]
    number = delivery.attempts + 1
    with transaction.atomic():
        attempt = WebhookAttempt.objects.create(
            network_id=delivery.network_id,
            delivery=delivery,
            number=number,
            status_code=outcome.status_code,
            response_excerpt=excerpt,
            duration_ms=outcome.elapsed_ms,
            error=(outcome.error or "")[:500],
        )
        delivery.attempts = number
        delivery.status_code = outcome.status_code
        delivery.response_excerpt = excerpt
        delivery.duration_ms = outcome.elapsed_ms
        delivery.error = attempt.error
        if outcome.ok:
            delivery.state, delivery.next_attempt_at = WebhookDelivery.State.DELIVERED, None
            delivery.finished_at = timezone.now()
            if not is_ping:
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        else:
            if not is_ping:
                count_failure(endpoint)
            if is_ping or number >= MAX_ATTEMPTS or not endpoint.is_active:
                delivery.state, delivery.next_attempt_at = WebhookDelivery.State.FAILED, None
                delivery.finished_at = timezone.now()
            else:
                delivery.next_attempt_at = timezone.now() + retry_delay(number)
        delivery.save()
    return attempt


def finish(delivery: WebhookDelivery, state: str, *, error: str) -> None:
    delivery.state, delivery.error = state, error
    delivery.next_attempt_at, delivery.finished_at = None, timezone.now()
    delivery.save(update_fields=["state", "error", "next_attempt_at", "finished_at"])


def count_failure(endpoint: WebhookEndpoint) -> None:
    """One more failure in a row, counted in the database so concurrent failures all count."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    failures = (
        WebhookEndpoint.objects.select_for_update()
        .filter(pk=endpoint.pk)
        .values_list("consecutive_failures", flat=True)
        .get()
    )
    endpoint.consecutive_failures = failures
    if failures < MAX_CONSECUTIVE_FAILURES:
        return
    disabled_at = timezone.now()
    flipped = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=disabled_at
    )
    if not flipped:
        return
    endpoint.is_active, endpoint.disabled_at = False, disabled_at
    forget_subscriptions(endpoint.network_id)  # update() sends no post_save
    audit.record(
        network=endpoint.network,
        actor=None,
        actor_label="system",
        action="webhook.disabled",
        obj=endpoint,
        from_state="active",
        to_state="failing",
        reason=f"{failures} failed calls in a row",
    )
    from network.tasks import send_email_of

    send_email_of.delay_on_commit(
        kind="webhook_disabled", network_id=endpoint.network_id, object_id=endpoint.pk
    )


def send_disabled_email(endpoint_id: int) -> None:
    """Tell the network's owners that an endpoint was turned off, and why."""
    from network.emails import emails_of, send_templated
    from network.models import Membership, Role

    endpoint = WebhookEndpoint.objects.select_related("network").get(pk=endpoint_id)
    if endpoint.is_active:
        return  # turned back on before the worker got to it
    last = (
        WebhookAttempt.objects.filter(delivery__endpoint=endpoint)
        .order_by("-created_at", "-id")
        .first()
    )
    send_templated(
        template="webhook_disabled",
        to=emails_of(Membership.objects.filter(role=Role.OWNER)),
        context={
            "endpoint": endpoint,
            "network": endpoint.network,
            "failures": endpoint.consecutive_failures,
            "last_attempt": last,
            "url": endpoint.network.absolute_url(f"/manage/webhooks/{endpoint.pk}/"),
        },
    )


def due_deliveries(moment=None):
    """Deliveries whose next attempt is due, in any network: (network id, delivery id) pairs.
    A first attempt is left to the message queued at commit for QUEUE_GRACE."""
    moment = moment or timezone.now()
    with scopes_disabled():  # the sweep is across networks on purpose; each task re-scopes
        return list(
            WebhookDelivery.objects.filter(
                state=WebhookDelivery.State.PENDING, next_attempt_at__lte=moment
            )
            .filter(Q(attempts__gt=0) | Q(created_at__lte=moment - QUEUE_GRACE))
            .order_by("next_attempt_at")
            .values_list("network_id", "pk")[:SWEEP_BATCH]
        )


def send_ping(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A ping to the endpoint now (in the caller's request), logged like any delivery."""
    delivery = ping_delivery(endpoint)
    attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    return delivery


# The admins' changes


@transaction.atomic
def endpoint_create(
    *, network: Network, actor: User, url: str, description: str, events: list[str]
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.create(
        network=network, url=url, description=description, events=list(events)
    )
    audit.record(
        network=network,
        actor=actor,
        action="webhook.created",
        obj=endpoint,
        to_state="active",
        reason=", ".join(events)[:500],
    )
    return endpoint


@transaction.atomic
def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    actor: User,
    url: str,
    description: str,
    events: list[str],
    is_active: bool,
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = endpoint.state
    changes = []
    if endpoint.url != url:
        changes.append(f"url: {endpoint.url} -> {url}")
    if list(endpoint.events) != list(events):
        changes.append(f"events: {', '.join(endpoint.events)} -> {', '.join(events)}")
    if endpoint.description != description:
        changes.append("description")
    endpoint.url, endpoint.description, endpoint.events = url, description, list(events)
    if is_active and not endpoint.is_active:
        endpoint.consecutive_failures = 0  # turned back on: a clean count
    if is_active != endpoint.is_active:
        endpoint.disabled_at = None
    endpoint.is_active = is_active
    endpoint.save()
    audit.record(
        network=endpoint.network,
        actor=actor,
        action="webhook.updated",
        obj=endpoint,
        from_state=before,
        to_state=endpoint.state,
        reason="; ".join(changes)[:2000],
    )
    return endpoint


@transaction.atomic
def endpoint_set_active(*, endpoint: WebhookEndpoint, actor: User, active: bool) -> None:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = endpoint.state
    endpoint.is_active = active
    if active:
        endpoint.consecutive_failures = 0
    endpoint.disabled_at = None
    endpoint.save(update_fields=["is_active", "consecutive_failures", "disabled_at", "updated_at"])
    audit.record(
        network=endpoint.network,
        actor=actor,
        action="webhook.enabled" if active else "webhook.turned_off",
        obj=endpoint,
        from_state=before,
        to_state=endpoint.state,
    )


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: User) -> WebhookEndpoint:
    """A new secret at once: the old one no longer signs anything (retries included)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    audit.record(
        network=endpoint.network,
        actor=actor,
        action="webhook.secret_rotated",
        obj=endpoint,
        from_state=endpoint.state,
        to_state=endpoint.state,
    )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: User) -> None:
    audit.record(
        network=endpoint.network,
        actor=actor,
        action="webhook.deleted",
        obj=endpoint,
        from_state=endpoint.state,
        reason=endpoint.url[:500],
    )
    endpoint.delete()


def pretty_json(payload: dict) -> str:
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False)
