"""What follows new conversions: the fraud check, the publisher's postback, the webhooks.

The conversion row is its own outbox: `fraud_checked_at` stays NULL until its follow-ups are
done. A postback does the INSERT and answers: no Celery publish, no webhook work on the
request path (on the 2-core machine the publish cost as much CPU as the rest of the postback).

The sweeper (`manage.py sweep_conversions`, one or more per deployment, beside the drainer)
claims unchecked conversions of every network in batches, oldest first, with
`FOR UPDATE SKIP LOCKED`, and in ONE transaction per batch, in each network's scope:

- stores the fraud flags and `fraud_checked_at` (one UPDATE per distinct outcome), with the
  audit entries of the flagged ones;
- emits `conversions.created` for the batch (network.events): the publisher postbacks the
  pending conversions owe are written by its subscriber (webhooks.delivery.postback: one
  query, one bulk INSERT, sent after commit), and `conversion.created` per conversion (the
  webhook deliveries, rows of this transaction too).

So a crash before commit leaves the rows unchecked and locked by nobody: the next pass (of
this or another sweeper) takes them, and nothing was sent. A crash after commit leaves the
deliveries written: their retry sweeps queue them (nothing fires twice: the conversion is
checked, and each call claims its delivery). A broker outage only delays the calls. Two
sweepers share the work: SKIP LOCKED hands each batch to one of them.

Backstop: the beat job `sweep_unchecked_conversions` (every minute) runs the same sweep in a
worker for conversions left unchecked STALE_AFTER, should no sweeper process be running.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from network import events
from tracking import fraud
from tracking.models import Conversion

logger = logging.getLogger(__name__)

BATCH = 500
STALE_AFTER = timedelta(seconds=30)


def conversion_stored(network_id: int) -> None:
    """Called after a conversion was inserted: nothing to do, the sweeper finds the row.

    FOLLOW_UPS_INLINE (the tests' default, like eager Celery) sweeps after commit in this
    process instead, so a test sees the follow-ups of its postback without a sweeper."""
    if settings.FOLLOW_UPS_INLINE:
        transaction.on_commit(lambda: sweep(network_id=network_id), robust=True)


def sweep(*, network_id: int | None = None, older_than: timedelta | None = None) -> int:
    """Batches until none is left (for one network, or all); how many conversions."""
    done = 0
    while True:
        claimed = sweep_batch(network_id=network_id, older_than=older_than)
        done += claimed
        if claimed < BATCH:
            return done


def sweep_batch(
    *,
    network_id: int | None = None,
    older_than: timedelta | None = None,
    limit: int = BATCH,
    before_commit: Callable[[list[Conversion]], None] | None = None,
) -> int:
    """Claim up to `limit` unchecked conversions and do their follow-ups; how many.

    `before_commit` is a test's hook: it runs with the batch claimed, before the commit."""
    with transaction.atomic():
        batch = claim(network_id=network_id, older_than=older_than, limit=limit)
        by_network: dict[int, list[Conversion]] = defaultdict(list)
        for conversion in batch:
            by_network[conversion.network_id].append(conversion)
        for network, conversions in by_network.items():
            with scope(network=network):
                follow_up(network, conversions)
        if before_commit is not None:
            before_commit(batch)
    return len(batch)


def claim(*, network_id: int | None, older_than: timedelta | None, limit: int) -> list[Conversion]:
    """Lock the oldest unchecked conversions nobody else holds (with their clicks)."""
    # Across networks on purpose: the sweeper serves every network, and follow_up() enters
    # each network's scope for its rows.
    with scopes_disabled():
        rows = Conversion.objects.filter(fraud_checked_at__isnull=True)
        if network_id is not None:
            rows = rows.filter(network_id=network_id)
        if older_than is not None:
            rows = rows.filter(created_at__lt=timezone.now() - older_than)
        rows = rows.select_related("click").select_for_update(skip_locked=True, of=("self",))
        return list(rows.order_by("id")[:limit])


def follow_up(network_id: int, conversions: list[Conversion]) -> None:
    """Inside the batch's transaction and the network's scope."""
    store_fraud_flags(network_id, conversions)
    # One event for the batch, so that its subscribers (the publisher postbacks) pay one query
    # for all of it, not one per conversion.
    events.emit("conversions.created", network_id=network_id, source=conversions)
    for conversion in conversions:
        # Costs a dict lookup unless an endpoint subscribes (webhooks.events: cached per
        # process); its deliveries are rows of this transaction, sent after commit.
        events.emit("conversion.created", network_id=network_id, source=conversion)


def store_fraud_flags(network_id: int, conversions: list[Conversion]) -> None:
    """fraud.fraud_flags for each conversion, written with one UPDATE per distinct outcome
    (most batches have one or two), and one audit entry per flagged conversion."""
    moment = timezone.now()
    outcomes: dict[tuple[tuple[str, ...], str], list[int]] = defaultdict(list)
    audits = []
    for conversion in conversions:
        flags = fraud.fraud_flags(conversion)
        # reason_code is shared with the other validation steps: a non-fraud reason (set by
        # the step that rejected the conversion) is kept.
        reason = conversion.reason_code
        if not reason or reason in fraud.FRAUD_CODES:
            reason = flags[0] if flags else ""
        conversion.fraud_flags, conversion.reason_code = flags, reason
        conversion.fraud_checked_at = moment
        outcomes[(tuple(flags), reason)].append(conversion.pk)
        if flags:
            audits.append(fraud_audit_entry(network_id, conversion, flags, moment))
    for (flags, reason), ids in outcomes.items():
        Conversion.objects.filter(pk__in=ids).update(
            fraud_flags=list(flags), reason_code=reason, fraud_checked_at=moment
        )
    AuditEntry.objects.bulk_create(audits)


def fraud_audit_entry(network_id: int, conversion: Conversion, flags, moment) -> AuditEntry:
    """What fraud.check_conversion's audit.record writes, made for a bulk insert."""
    return AuditEntry(
        network_id=network_id,
        actor=None,
        actor_label="system",
        action="conversion.fraud_checked",
        object_type=Conversion._meta.label_lower,
        object_id=str(conversion.pk),
        object_repr=str(conversion)[:200],
        reason=", ".join(flags),
        created_at=moment,
    )


def run_forever(*, idle_seconds: float, stop: Callable[[], bool]) -> None:
    """The sweeper's loop: sweep, wait a moment when a batch was not full, never exit on a
    database error (it backs off and reconnects), until `stop()` says so."""
    from django.db import close_old_connections, connection
    from django.db.utils import InterfaceError, OperationalError

    backoff = 0.0
    while not stop():
        try:
            claimed = sweep_batch()
        except (OperationalError, InterfaceError):
            backoff = min(max(backoff * 2, 0.2), 5.0)
            logger.warning("sweeper: database unavailable, retrying in %.1f s", backoff)
            connection.close()  # the next query opens a fresh connection
            time.sleep(backoff)
            continue
        except Exception:
            # Anything else (a bug in one batch): the batch rolled back and stays for the next
            # pass; exiting would stop every process of `make run` with it.
            backoff = min(max(backoff * 2, 0.2), 5.0)
            logger.exception("sweeper: a batch failed, retrying in %.1f s", backoff)
            time.sleep(backoff)
            continue
        backoff = 0.0
        close_old_connections()
        if claimed < BATCH:
            time.sleep(idle_seconds)
