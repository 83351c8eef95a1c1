"""Thin tasks: a delivery's attempt, the retry sweep (beat, every minute), the email's former
task."""

from __future__ import annotations

from celery import shared_task

from network.celery import NetworkTask
from network.tasks import former_email_task


@shared_task(base=NetworkTask, acks_late=True)
def deliver_webhook(*, network_id: int, webhook_delivery_id: int) -> None:
    """One attempt of a delivery, if it is still pending and due (else nothing: safe to run
    twice). The next attempt is not a countdown in the broker: retries are hours apart, longer
    than the Redis visibility timeout, so the sweep below queues each when it comes due."""
    from webhooks.services import attempt_delivery

    attempt_delivery(webhook_delivery_id)


@shared_task(acks_late=True)
def retry_due_webhooks() -> int:
    """Beat, every minute: one deliver_webhook per delivery whose next attempt is due."""
    from webhooks.services import due_deliveries

    due = due_deliveries()
    for network_id, delivery_id in due:
        deliver_webhook.delay(network_id=network_id, webhook_delivery_id=delivery_id)
    return len(due)


# The email's task under its former name: messages queued before the generic
# network.tasks.send_email_of (which webhooks.services queues now) still send.
send_webhook_disabled_email = former_email_task(
    "webhooks.tasks.send_webhook_disabled_email", "webhook_disabled", "webhook_endpoint_id"
)
