"""Thin Celery tasks of the tracking app: they take ids, load, and call a service."""

from __future__ import annotations

from celery import shared_task

from network.celery import NetworkTask
from tracking import fraud
from tracking.models import Conversion


@shared_task(base=NetworkTask, acks_late=True)
def conversion_created(*, network_id: int, conversion_id: int) -> None:
    """What follows a new conversion, in one task so a postback publishes one message: the
    fraud check here, then the publisher's postbacks (their own task: they call out)."""
    from publishers.tasks import fire_conversion_postbacks

    conversion = Conversion.objects.filter(pk=conversion_id).first()
    if conversion is None:
        return
    fraud.check_conversion(conversion)
    if conversion.status == Conversion.Status.PENDING:  # not for refusals (caps, advertiser)
        fire_conversion_postbacks.delay(network_id=network_id, conversion_id=conversion_id)
