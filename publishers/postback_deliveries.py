"""The publisher postbacks a conversion owes, as rows (PostbackDelivery): queued by the
conversion sweeper in its transaction, called by `deliver_postback` tasks, retried by a sweep.

Nothing depends on a Celery message arriving: the sweeper publishes one message per delivery
after its commit, and `retry_due_postbacks` (beat) queues every pending delivery whose call is
due and whose first message had QUEUE_GRACE to arrive, so a broker outage delays calls and
loses none. Each call first claims its row with one conditional UPDATE that moves
`next_attempt_at` a lease ahead, so a duplicate message, the sweep and a second worker cannot
call twice, and a worker killed mid-call leaves a row the sweep picks up when the lease ends.

A failed call is tried again after 30 s, 1, 2, 4, 8 and 16 minutes (publishers.tasks), unless
the endpoint was turned off meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

from publishers.postback_services import fire_postback
from publishers.postbacks import PostbackAttempt, PostbackDelivery, PostbackEndpoint

if TYPE_CHECKING:
    from tracking.models import Conversion

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # longer than a call (its 5 s timeout) and its bookkeeping
QUEUE_GRACE = timedelta(seconds=30)  # a first call's own message has this long to arrive
SWEEP_BATCH = 5000
CHUNK = 10  # deliveries per message: 10 calls of at most 5 s fit the 60 s soft time limit


def endpoints_by_conversion(
    conversions: Iterable[Conversion], event: str
) -> dict[int, PostbackEndpoint]:
    """The endpoint each conversion fires for `event` (the offer's own when active, else the
    global one, as `postback_endpoints_for` decides for one conversion), for a batch in one
    query; conversions whose chosen endpoint is not called for that event are left out."""
    conversions = list(conversions)
    publisher_ids = {conversion.publisher_id for conversion in conversions}
    active = PostbackEndpoint.objects.filter(publisher_id__in=publisher_ids, is_active=True)
    by_key = {(endpoint.publisher_id, endpoint.offer_id): endpoint for endpoint in active}
    chosen = {}
    for conversion in conversions:
        endpoint = by_key.get((conversion.publisher_id, conversion.offer_id)) or by_key.get(
            (conversion.publisher_id, None)
        )
        if endpoint is not None and endpoint.fires_on(event):
            chosen[conversion.pk] = endpoint
    return chosen


def queue_postback_deliveries(
    network_id: int, conversions: Iterable[Conversion], event: str = PostbackAttempt.Event.CREATED
) -> list[PostbackDelivery]:
    """Write the deliveries the conversions owe (call inside the caller's transaction, in the
    network's scope); the caller sends them after commit (`send_postback_deliveries`)."""
    moment = timezone.now()
    rows = [
        PostbackDelivery(
            network_id=network_id,
            endpoint=endpoint,
            conversion_id=conversion_id,
            event=event,
            created_at=moment,
            next_attempt_at=moment,
        )
        for conversion_id, endpoint in endpoints_by_conversion(conversions, event).items()
    ]
    return PostbackDelivery.objects.bulk_create(rows) if rows else []


def send_postback_deliveries(network_id: int, deliveries: list[PostbackDelivery]) -> None:
    """One message per endpoint and CHUNK deliveries: a publish cost the sweeper more than
    everything else it does for a conversion, and a chunk's calls (5 s timeout each) stay
    within a task's time limit. A failed publish is left to the retry sweep (the rows stay
    pending), so a broker outage costs one quick failure here, not a blocked sweeper."""
    from publishers.tasks import deliver_postbacks

    by_endpoint: dict[int, list[int]] = {}
    for delivery in deliveries:
        by_endpoint.setdefault(delivery.endpoint_id, []).append(delivery.pk)
    chunks = [
        ids[start : start + CHUNK]
        for ids in by_endpoint.values()
        for start in range(0, len(ids), CHUNK)
    ]
    for sent, chunk in enumerate(chunks):
        try:
            kwargs = {"network_id": network_id, "postback_delivery_ids": chunk}
            deliver_postbacks.apply_async(kwargs=kwargs, retry=False)
        except Exception:
            # The broker is down (or unreachable: each try could wait for a connect timeout):
            # stop trying for this batch; the rows wait for the retry sweep.
            logger.warning(
                "broker unavailable: %s postback messages left to the retry sweep",
                len(chunks) - sent,
                exc_info=True,
            )
            return


def claim(delivery_id: int) -> bool:
    """Take the delivery for one call if it is pending and due; False if it is not ours."""
    moment = timezone.now()
    return bool(
        PostbackDelivery.objects.filter(
            pk=delivery_id, state=PostbackDelivery.State.PENDING, next_attempt_at__lte=moment
        ).update(next_attempt_at=moment + LEASE)
    )


def attempt_postback_delivery(delivery_id: int) -> PostbackAttempt | None:
    """One call of a due delivery, logged; None when it was not due or its endpoint is off."""
    from publishers.tasks import MAX_POSTBACK_RETRIES, postback_retry_countdown

    if not claim(delivery_id):
        return None
    delivery = PostbackDelivery.objects.select_related(
        "endpoint", "conversion__click", "conversion__offer"
    ).get(pk=delivery_id)
    if not delivery.endpoint.is_active:
        finish(delivery, PostbackDelivery.State.FAILED)
        return None
    delivery.attempts += 1
    attempt = fire_postback(
        delivery.endpoint, delivery.conversion, delivery.event, attempt=delivery.attempts
    )
    if attempt.ok:
        finish(delivery, PostbackDelivery.State.DELIVERED)
    elif delivery.endpoint.is_active and delivery.attempts <= MAX_POSTBACK_RETRIES:
        delay = postback_retry_countdown(delivery.attempts - 1)
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    else:
        finish(delivery, PostbackDelivery.State.FAILED)
    return attempt


def finish(delivery: PostbackDelivery, state: str) -> None:
    delivery.state, delivery.next_attempt_at = state, None
    delivery.finished_at = timezone.now()
    delivery.save(update_fields=["state", "attempts", "next_attempt_at", "finished_at"])


def due_postback_deliveries(moment=None) -> list[tuple[int, int]]:
    """(network id, delivery id) of deliveries whose call is due, in any network. A first
    call is left to the message queued at commit for QUEUE_GRACE."""
    moment = moment or timezone.now()
    with scopes_disabled():  # the sweep is across networks on purpose; each task re-scopes
        return list(
            PostbackDelivery.objects.filter(
                state=PostbackDelivery.State.PENDING, next_attempt_at__lte=moment
            )
            .filter(Q(attempts__gt=0) | Q(created_at__lte=moment - QUEUE_GRACE))
            .order_by("next_attempt_at")
            .values_list("network_id", "pk")[:SWEEP_BATCH]
        )
