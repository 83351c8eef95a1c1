"""Webhook endpoints: the admins' changes, each audited; the test ping; the email about an
endpoint its failures turned off. The calls themselves are the outbound-delivery engine's
(webhooks.delivery: the schedule, the failure count and auto-disable; its webhook adapter
signs and POSTs).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.db import transaction

from audit import audit_row
from network.emails import emails_of, send_linked
from network.models import Membership, Role
from webhooks.delivery import engine
from webhooks.delivery.base import OutboundEndpoint
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
    send_turned_off_email(
        endpoint,
        template="webhook_disabled",
        to=emails_of(Membership.objects.filter(role=Role.OWNER)),
        last_attempt=last,
        path=f"/manage/webhooks/{endpoint.pk}/",
    )


def send_turned_off_email(
    endpoint: OutboundEndpoint, *, template: str, to: list[str], last_attempt, path: str
) -> None:
    """The email, webhook's or postback's, that the failures turned `endpoint` off: how many,
    the last call, and the page (`path`) where it is turned back on."""
    send_linked(
        template,
        to,
        endpoint.network,
        path,
        endpoint=endpoint,
        network=endpoint.network,
        failures=endpoint.consecutive_failures,
        last_attempt=last_attempt,
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
    reason = ", ".join(events)[:500]
    audit_row(endpoint, actor, action="webhook.created", to_state="active", reason=reason)
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
    if is_active != endpoint.is_active:
        endpoint.switch(is_active)  # by a person: on again with a clean count, or off
    endpoint.save()
    audit_row(
        endpoint,
        actor,
        action="webhook.updated",
        from_state=before,
        to_state=endpoint.state,
        reason="; ".join(changes)[:2000],
    )
    return endpoint


@transaction.atomic
def endpoint_set_active(*, endpoint: WebhookEndpoint, actor: User, active: bool) -> None:
    switch_endpoint(endpoint, actor, active, "webhook", "updated_at")


def switch_endpoint(
    endpoint: OutboundEndpoint, actor: User, active: bool, kind: str, *also_saved: str
) -> None:
    """Turn an endpoint (a webhook, a postback) on, with a clean failure count, or off: locked,
    saved (its switch's fields and `also_saved`) and audited as "<kind>.enabled" or
    "<kind>.turned_off"."""
    endpoint = type(endpoint)._default_manager.select_for_update().get(pk=endpoint.pk)
    before = endpoint.state
    endpoint.switch(active)
    endpoint.save(update_fields=[*endpoint.SWITCH_FIELDS, *also_saved])
    action = f"{kind}.enabled" if active else f"{kind}.turned_off"
    audit_row(endpoint, actor, action=action, from_state=before, to_state=endpoint.state)


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: User) -> WebhookEndpoint:
    """A new secret at once: the old one no longer signs anything (retries included)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    state = endpoint.state
    audit_row(endpoint, actor, action="webhook.secret_rotated", from_state=state, to_state=state)
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: User) -> None:
    state = endpoint.state
    audit_row(
        endpoint, actor, action="webhook.deleted", from_state=state, reason=endpoint.url[:500]
    )
    endpoint.delete()


def pretty_json(payload: dict) -> str:
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False)
