"""Thin Celery tasks of the tracking app: they take ids, load, and call a service."""

from __future__ import annotations

from celery import shared_task

from network.celery import NetworkTask
from tracking import follow_ups


@shared_task(base=NetworkTask, acks_late=True)
def check_new_conversions(*, network_id: int) -> int:
    """Sweep one network's unchecked conversions (messages queued before the sweeper existed,
    and an operator's nudge); the sweeper process does this for every network."""
    return follow_ups.sweep(network_id=network_id)


@shared_task(acks_late=True)
def sweep_unchecked_conversions() -> int:
    """Beat, the backstop of the sweeper process: follow up conversions left unchecked for
    STALE_AFTER (none while a sweeper runs; SKIP LOCKED keeps the two from colliding)."""
    return follow_ups.sweep(older_than=follow_ups.STALE_AFTER)
