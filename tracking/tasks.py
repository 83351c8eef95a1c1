"""Thin Celery tasks of the tracking app: they take ids, load, and call a service."""

from __future__ import annotations

from celery import shared_task

from network.celery import NetworkTask
from tracking import follow_ups


@shared_task(base=NetworkTask, acks_late=True)
def check_new_conversions(*, network_id: int) -> int:
    """Fraud-check the network's unchecked conversions, then fire their publisher postbacks."""
    return follow_ups.check_new_conversions(network_id)


@shared_task(acks_late=True)
def sweep_unchecked_conversions() -> None:
    """Beat: queue the check for networks whose conversions were left unchecked."""
    for network_id in follow_ups.networks_with_unchecked_conversions():
        check_new_conversions.delay(network_id=network_id)
