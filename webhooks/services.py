"""Webhook endpoints: the admins' changes, each audited; the test ping; the email about an
endpoint its failures turned off. The calls themselves are the outbound-delivery engine's
(webhooks.delivery: the schedule, the failure count and auto-disable; its webhook adapter
signs and POSTs).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.db import transaction

import audit
from network.emails import emails_of, send_templated
from network.models import Membership, Role
from webhooks.delivery import engine
from webhooks.delivery.webhook import WEBHOOK
from webhooks.events import ping_delivery
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, new_secret

if TYPE_CHECKING:
    from network.models import Network, User


def send_disabled_email(endpoint_id: int) -> None:
    """Tell the network's owners that an endpoint was turned off, and why."""
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


def send_ping(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A ping to the endpoint now (in the caller's request), logged like any delivery."""
    delivery = ping_delivery(endpoint)
    engine.attempt(WEBHOOK, delivery.pk)
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
