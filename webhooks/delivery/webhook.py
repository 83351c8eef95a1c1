"""The webhook adapter of the outbound-delivery engine: the event's JSON (the same bytes on
every attempt) POSTed to the endpoint, signed with its secret (webhooks.signing).

The deliveries are written by webhooks.events when a subscribed event is emitted. A test ping
is a delivery too: sent whether the endpoint is on or off, it counts for nothing and is not
retried.
"""

from __future__ import annotations

import time

from lib import safehttp
from network.tasks import send_email_of
from webhooks.delivery import engine
from webhooks.events import forget_subscriptions
from webhooks.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.signing import body_bytes, signature

USER_AGENT = "AffiliatePortal-Webhooks/1.0"
EXCERPT_CHARS = 1000


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


class WebhookKind(engine.Kind[WebhookDelivery, WebhookEndpoint]):
    name = "webhook"
    delivery_model = WebhookDelivery
    disabled_action = "webhook.disabled"

    def load(self, delivery_id: int) -> WebhookDelivery:
        return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)

    def request(self, delivery: WebhookDelivery) -> engine.Request:
        body = body_bytes(delivery.payload)
        headers = headers_for(delivery.endpoint, delivery, body)
        return engine.Request(delivery.endpoint.url, body, headers)

    def log(
        self,
        delivery: WebhookDelivery,
        request: engine.Request,
        outcome: safehttp.Outcome,
        number: int,
    ) -> WebhookAttempt:
        """The attempt's row, and the delivery keeps its outcome as the last one."""
        attempt = WebhookAttempt.objects.create(
            network_id=delivery.network_id,
            delivery=delivery,
            attempt_number=number,
            status_code=outcome.status_code,
            response_excerpt=outcome.body.decode("utf-8", "replace")[:EXCERPT_CHARS],
            elapsed_ms=outcome.elapsed_ms,
            error=(outcome.error or "")[:500],
        )
        delivery.status_code = attempt.status_code
        delivery.response_excerpt = attempt.response_excerpt
        delivery.duration_ms = attempt.elapsed_ms
        delivery.error = attempt.error
        return attempt

    def counts(self, delivery: WebhookDelivery) -> bool:
        return delivery.event != Event.PING

    def turned_off(self, delivery: WebhookDelivery) -> None:
        engine.finish(delivery, WebhookDelivery.State.FAILED, error="The endpoint is turned off.")

    def disabled(self, endpoint: WebhookEndpoint) -> None:
        forget_subscriptions(endpoint.network_id)  # update() sends no post_save
        send_email_of.delay_on_commit(
            kind="webhook_disabled", network_id=endpoint.network_id, object_id=endpoint.pk
        )


WEBHOOK = engine.register(WebhookKind())
