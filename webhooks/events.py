"""Emitting events: `emit(network_id, event, source, **context)` from the service that made
the change, inside its transaction.

When an active endpoint of the network subscribes to the event, emit builds the payload now
(it describes the change as committed with it), stores one WebhookDelivery per endpoint in the
same transaction (rolled back with the change) and has the outbound-delivery engine
(webhooks.delivery) send them after commit. When
nobody subscribes it returns at once: which events a network's endpoints subscribe to is
cached in each process for SUBSCRIPTION_SECONDS, so the postback hot path
(conversion.created) pays a dict lookup, not a query. Saving an endpoint forgets the cache in
the saving process (webhooks.models); other processes follow within SUBSCRIPTION_SECONDS.

A failure here is logged and swallowed (inside a savepoint): a webhook must never cost a
postback or a payout its transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from network import events
from webhooks import payloads
from webhooks.delivery import engine
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint, new_event_id

logger = logging.getLogger(__name__)

SUBSCRIPTION_SECONDS = 5
# Per process: network id -> (valid until, events some active endpoint subscribes to).
_subscriptions: dict[int, tuple[float, frozenset[str]]] = {}


def subscribed_events(network_id: int) -> frozenset[str]:
    hit = _subscriptions.get(network_id)
    clock = time.monotonic()
    if hit is not None and hit[0] > clock:
        return hit[1]
    with scope(network=network_id):
        rows = WebhookEndpoint.objects.filter(is_active=True).values_list("events", flat=True)
        events = frozenset(event for row in rows for event in (row or []))
    if len(_subscriptions) > 50_000:  # bounded, like tracking.lookups
        _subscriptions.clear()
    _subscriptions[network_id] = (clock + SUBSCRIPTION_SECONDS, events)
    return events


def forget_subscriptions(network_id: int | None = None) -> None:
    if network_id is None:
        _subscriptions.clear()
    else:
        _subscriptions.pop(network_id, None)


def emit(network_id: int, event: str, source: object | Callable[[], dict], **context) -> int:
    """Queue `event` for every active endpoint of the network subscribed to it; how many.

    `source` is the service's object (its builder in webhooks.payloads makes the data, with
    `context`), or a callable returning the data. Nothing is built when nobody subscribes.
    """
    if event not in subscribed_events(network_id):
        return 0
    try:
        with transaction.atomic(), scope(network=network_id):
            endpoints = [
                endpoint
                for endpoint in WebhookEndpoint.objects.filter(is_active=True).order_by("pk")
                if event in endpoint.events
            ]
            if not endpoints:
                return 0
            data = source() if callable(source) else payloads.BUILDERS[event](source, **context)
            deliveries = [
                create_delivery(network_id, endpoint, event, data) for endpoint in endpoints
            ]
    except Exception:
        logger.exception("webhook event %s of network %s not queued", event, network_id)
        return 0
    # Robust: a broker outage must not fail the caller after its commit (a request, the
    # conversion sweeper); the rows stay pending and the engine's sweep sends them later.
    transaction.on_commit(lambda: engine.send("webhook", network_id, deliveries), robust=True)
    return len(deliveries)


@events.subscribe(*payloads.BUILDERS)
def on_domain_event(name: str, *, network_id: int, source: object = None, **context) -> None:
    """The services of lower layers emit network.events; those a webhook can carry go out."""
    emit(network_id, name, source, **context)


def envelope(network_id: int, event: str, event_id: str, data: dict) -> dict:
    return {
        "id": event_id,
        "type": event,
        "created_at": payloads.iso(timezone.now()),
        "network_id": network_id,
        "data": data,
    }


def create_delivery(
    network_id: int, endpoint: WebhookEndpoint, event: str, data: dict
) -> WebhookDelivery:
    event_id = new_event_id()
    return WebhookDelivery.objects.create(
        network_id=network_id,
        endpoint=endpoint,
        event=event,
        event_id=event_id,
        payload=envelope(network_id, event, event_id, data),
        next_attempt_at=timezone.now(),
    )


def ping_delivery(endpoint: WebhookEndpoint) -> WebhookDelivery:
    return create_delivery(endpoint.network_id, endpoint, Event.PING, payloads.ping())
