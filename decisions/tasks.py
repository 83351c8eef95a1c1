"""The hold-period approval's tasks, thin: they take ids and call decisions.services. They keep
the names they had in payouts (the beat schedule in network/celery.py and messages queued
before the move name them so)."""

from __future__ import annotations

from celery import shared_task

from decisions import services
from network.celery import NetworkTask
from network.models import Network
from payouts.tasks import active_network_ids


@shared_task(acks_late=True, name="payouts.tasks.approve_held_conversions_everywhere")
def approve_held_conversions_everywhere() -> None:
    """Beat, every 15 minutes: one task per network."""
    for network_id in active_network_ids():
        approve_held_conversions.delay(network_id=network_id)


@shared_task(base=NetworkTask, acks_late=True, name="payouts.tasks.approve_held_conversions")
def approve_held_conversions(*, network_id: int) -> int:
    return services.approve_held_conversions(Network.objects.get(pk=network_id))
