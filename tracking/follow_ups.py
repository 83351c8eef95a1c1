"""What follows new conversions: the fraud check, then the publisher's postbacks.

The conversion row is its own outbox: `fraud_checked_at` stays NULL until the check has run.
A postback does not publish a Celery message of its own (on the 2-core machine the publish
cost as much CPU as the rest of the postback). After commit it makes sure that one
`check_new_conversions` task for its network is queued to run within a second, and that task
checks every unchecked conversion of the network, in batches. So at 1,000 postbacks/s each web
process publishes about one message a second per busy network, not a thousand.

Nothing depends on that message arriving: a beat job (`sweep_unchecked_conversions`, every
minute) queues the check for any network whose conversions stay unchecked, whether a publish
failed, a worker died mid-batch (its transaction rolls back) or clocks drifted. The hold-period
approval only approves conversions that were checked.
"""

from __future__ import annotations

import time
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from tracking import fraud
from tracking.models import Conversion

CHECK_DELAY = 1.0  # seconds a queued check waits, so that it finds a batch
CHECK_MARGIN = 0.2  # a check due sooner than this may start before a commit is visible
BATCH = 200
STALE_AFTER = timedelta(seconds=30)

# Per process: until when a check already queued for a network will pick up new rows.
_check_queued_until: dict[int, float] = {}


def conversion_stored(network_id: int) -> None:
    """Called in the transaction that inserted a conversion."""
    transaction.on_commit(lambda: queue_check(network_id), robust=True)


def queue_check(network_id: int) -> None:
    from tracking.tasks import check_new_conversions

    kwargs = {"network_id": network_id}
    if current_app.conf.task_always_eager:  # it runs inline: there is no queued task to join
        check_new_conversions.apply_async(kwargs=kwargs)
        return
    moment = time.monotonic()
    if moment < _check_queued_until.get(network_id, 0.0) - CHECK_MARGIN:
        return
    _check_queued_until[network_id] = moment + CHECK_DELAY
    check_new_conversions.apply_async(kwargs=kwargs, countdown=CHECK_DELAY)


def forget_queued_checks() -> None:
    _check_queued_until.clear()


def check_new_conversions(network_id: int) -> int:
    """Check every unchecked conversion of the network (inside its scope); how many were checked.

    Each batch is one transaction holding its rows with SKIP LOCKED, so concurrent tasks
    share the work and a crash mid-batch leaves those rows unchecked for the next run."""
    checked = 0
    while True:
        with transaction.atomic():
            batch = list(
                Conversion.objects.filter(fraud_checked_at__isnull=True)
                .select_for_update(skip_locked=True)
                .order_by("id")[:BATCH]
            )
            for conversion in batch:
                fraud.check_conversion(conversion)
            to_fire = [c.pk for c in batch if c.status == Conversion.Status.PENDING]
            transaction.on_commit(lambda ids=to_fire: fire_postbacks(network_id, ids))
        checked += len(batch)
        if len(batch) < BATCH:
            return checked


def fire_postbacks(network_id: int, conversion_ids: list[int]) -> None:
    """Publisher postbacks for new pending conversions (not for refusals: caps, advertiser)."""
    from publishers.tasks import fire_conversion_postbacks

    for conversion_id in conversion_ids:
        fire_conversion_postbacks.delay(network_id=network_id, conversion_id=conversion_id)


def networks_with_unchecked_conversions() -> list[int]:
    cutoff = timezone.now() - STALE_AFTER
    with scopes_disabled():
        rows = Conversion.objects.filter(fraud_checked_at__isnull=True, created_at__lt=cutoff)
        return list(rows.order_by("network_id").values_list("network_id", flat=True).distinct())
