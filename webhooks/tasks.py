"""Thin tasks of the outbound deliveries (webhooks.delivery): the calls of queued deliveries,
the beat job that sends what is due (both kinds, every 30 s, network/celery.py), a publisher's
test call and the emails about an endpoint turned off.

The names the postback tasks had in the publishers app are kept (`name=`), so that messages
queued before the move still run: they call through the same engine. Each task body imports
what it runs (the engine and the adapters import this module).
"""

from __future__ import annotations

from celery import shared_task

from network.celery import NetworkTask
from network.tasks import former_email_task


@shared_task(base=NetworkTask, acks_late=True)
def deliver(*, network_id: int, kind: str, delivery_ids: list[int]) -> None:
    """The calls of a chunk of one endpoint's deliveries, one after the other. Each claims its
    delivery first: a duplicate message calls nothing twice, and a chunk cut short by the time
    limit is finished by the sweep. A failed call sets its next due time; the sweep queues it
    then (retries are hours apart at the end, longer than the Redis visibility timeout)."""
    _deliver(kind, delivery_ids)


@shared_task(acks_late=True)
def send_due_deliveries() -> int:
    """Beat, every 30 s: queue the calls of every delivery, of either kind, that is due."""
    return _send_due()


def _deliver(kind: str, delivery_ids: list[int]) -> None:
    from webhooks.delivery import engine

    for delivery_id in delivery_ids:
        engine.attempt(engine.KINDS[kind], delivery_id)


def _send_due() -> int:
    from webhooks.delivery import engine

    return engine.send_due()


@shared_task(base=NetworkTask, acks_late=True, name="publishers.tasks.send_test_postback")
def send_test_postback(*, network_id: int, postback_endpoint_id: int) -> None:
    """One call with sample values, logged as a test; it does not count as a failure."""
    from webhooks.delivery.postback import send_test
    from webhooks.postbacks import PostbackEndpoint

    endpoint = PostbackEndpoint.objects.filter(pk=postback_endpoint_id).first()
    if endpoint is not None:
        send_test(endpoint)


# The emails' tasks under their former names: messages queued before the generic
# network.tasks.send_email_of (which the delivery adapters queue now) still send.
send_postback_disabled_email = former_email_task(
    "publishers.tasks.send_postback_disabled_email", "postback_disabled", "postback_endpoint_id"
)
send_webhook_disabled_email = former_email_task(
    "webhooks.tasks.send_webhook_disabled_email", "webhook_disabled", "webhook_endpoint_id"
)


# Names of before the one delivery module, kept for the messages already queued under them.


@shared_task(base=NetworkTask, acks_late=True)
def deliver_webhook(*, network_id: int, webhook_delivery_id: int) -> None:
    _deliver("webhook", [webhook_delivery_id])


@shared_task(base=NetworkTask, acks_late=True, name="publishers.tasks.deliver_postback")
def deliver_postback(*, network_id: int, postback_delivery_id: int) -> None:
    _deliver("postback", [postback_delivery_id])


@shared_task(base=NetworkTask, acks_late=True, name="publishers.tasks.deliver_postbacks")
def deliver_postbacks(*, network_id: int, postback_delivery_ids: list[int]) -> None:
    _deliver("postback", postback_delivery_ids)


@shared_task(acks_late=True)
def retry_due_webhooks() -> int:
    return _send_due()


@shared_task(acks_late=True, name="publishers.tasks.retry_due_postbacks")
def retry_due_postbacks() -> int:
    return _send_due()


@shared_task(base=NetworkTask, acks_late=True, name="publishers.tasks.fire_conversion_postbacks")
def fire_conversion_postbacks(*, network_id: int, conversion_id: int, event: str = "created"):
    """A decision's postback queued before the move: owed as a row and called now."""
    _owe_and_call(conversion_id, event)


@shared_task(base=NetworkTask, acks_late=True, name="publishers.tasks.fire_endpoint_postback")
def fire_endpoint_postback(
    *, network_id: int, postback_endpoint_id: int, conversion_id: int, event: str
) -> None:
    """A retry queued (with a countdown) before the move: the call owed to that endpoint, as a
    row, called now; its further retries follow the one schedule."""
    _owe_and_call(conversion_id, event, endpoint_id=postback_endpoint_id)


def _owe_and_call(conversion_id: int, event: str, endpoint_id: int | None = None) -> None:
    from django.db import transaction

    from tracking.models import Conversion
    from webhooks.delivery import engine
    from webhooks.delivery.postback import POSTBACK, owe

    conversion = Conversion.objects.filter(pk=conversion_id).first()
    if conversion is None:
        return
    with transaction.atomic():
        owed = owe(conversion, event, endpoint_id=endpoint_id, again=False)
    for delivery in owed:
        engine.attempt(POSTBACK, delivery.pk)
