"""Thin Celery tasks of the reports app: they take ids, load, and call the rollup."""

from __future__ import annotations

import time

from celery import shared_task
from django_scopes import scopes_disabled

from network.celery import NetworkTask
from network.models import Network

EVERY_SECONDS = 300  # the beat entry "rollup-stats" in network/celery.py
# A run stops between chunks after this long (under the 60 s soft time limit); the next run
# carries on from the watermark, so a first backfill spreads over a few runs.
RUN_SECONDS = 40


@shared_task(acks_late=True)
def rollup_everywhere() -> None:
    """Beat, every 5 minutes: one rollup task per active network."""
    with scopes_disabled():
        active = Network.objects.filter(status=Network.Status.ACTIVE)
        ids = list(active.values_list("pk", flat=True))
    for network_id in ids:
        # A task still queued when the next beat comes is superseded by that one.
        rollup_stats.apply_async(kwargs={"network_id": network_id}, expires=EVERY_SECONDS)


@shared_task(base=NetworkTask, acks_late=True)
def rollup_stats(*, network_id: int) -> int:
    from reports.rollup import rollup_network

    network = Network.objects.get(pk=network_id)
    return rollup_network(network, deadline=time.monotonic() + RUN_SECONDS)
