"""The publisher-postback adapter of the outbound-delivery engine: which endpoint a conversion
fires, the URL with its macros filled from the conversion (a GET), and the rows owed.

The postbacks a conversion owes are PostbackDelivery rows, written where the change happens,
by subscribing to its domain events (network.events), so that tracking and payouts name no
webhooks code:

- "conversions.created" (the conversion sweeper, tracking.follow_ups, once per batch and
  network): the pending conversions' `created` postbacks, for the whole batch in one query and
  one bulk INSERT, sent after commit;
- "conversion.status_changed" (decisions.services): an approval's or a reversal's postback, when
  the chosen endpoint asks for that event.

Test calls (the publisher's button) are one logged call without a row; they count for nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lib import safehttp
from lib.macros import fill
from lib.money import quantize
from network import events
from network.tasks import send_email_of
from tracking.models import Conversion
from webhooks.delivery import engine
from webhooks.postbacks import (
    APPROVED,
    CREATED,
    MACROS,
    REVERSED,
    PostbackAttempt,
    PostbackDelivery,
    PostbackEndpoint,
)

# What a test call sends: recognisable values, one per macro.
SAMPLE_VALUES = {
    "aff_sub": "test-sub",
    "aff_sub2": "",
    "aff_sub3": "",
    "aff_sub4": "",
    "aff_sub5": "",
    "aff_click_id": "test-click",
    "source": "test",
    "offer_id": "0",
    "offer_name": "Test offer",
    "goal_id": "0",
    "payout": "1.00",
    "currency": "USD",
    "conversion_id": "test",
    "status": "test",
    "datetime": "",  # filled with the time of the call
}
# The conversion statuses a decision's postback is for (its event has the same name).
DECISION_EVENTS = (APPROVED, REVERSED)


# Which endpoint a conversion fires


def postback_endpoints_for(conversion: Conversion, *, event: str = CREATED) -> list:
    """The endpoint a conversion fires: the offer's own when active, else the global one;
    and only when it is called for this event (created, approved, reversed)."""
    active = PostbackEndpoint.objects.filter(
        Q(offer_id=conversion.offer_id) | Q(offer__isnull=True),
        publisher_id=conversion.publisher_id,
        is_active=True,
    )
    chosen = sorted(active, key=lambda endpoint: endpoint.offer_id is None)[:1]
    return [endpoint for endpoint in chosen if endpoint.fires_on(event)]


def endpoints_by_conversion(
    conversions: Iterable[Conversion], event: str
) -> dict[int, PostbackEndpoint]:
    """The endpoint each conversion fires for `event` (as `postback_endpoints_for` decides for
    one conversion), for a batch in one query; conversions whose chosen endpoint is not called
    for that event are left out."""
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


# The rows owed


def queue_postback_deliveries(
    network_id: int, conversions: Iterable[Conversion], event: str = CREATED
) -> list[PostbackDelivery]:
    """Write the deliveries the conversions owe (inside the caller's transaction, in the
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
    engine.send(POSTBACK.name, network_id, deliveries)


def owe(
    conversion: Conversion, event: str, *, endpoint_id: int | None = None, again: bool = True
) -> list[PostbackDelivery]:
    """The deliveries one conversion owes for `event` now (a decision's), written in the
    caller's transaction, to the endpoint it fires (or to `endpoint_id` while it is on).

    A decision made `again` (an admin's override back and forth) calls again: its finished row
    is made pending once more, with a fresh count of attempts. A message queued before the one
    delivery module is not a new decision: it only writes the row that is missing."""
    if endpoint_id is None:
        endpoints = postback_endpoints_for(conversion, event=event)
    else:
        endpoints = list(PostbackEndpoint.objects.filter(pk=endpoint_id, is_active=True))
    owed = []
    for endpoint in endpoints:
        moment = timezone.now()
        delivery, created = PostbackDelivery.objects.select_for_update().get_or_create(
            network_id=conversion.network_id,
            conversion_id=conversion.pk,
            endpoint=endpoint,
            event=event,
            defaults={"created_at": moment, "next_attempt_at": moment},
        )
        if again and not created and delivery.state != PostbackDelivery.State.PENDING:
            delivery.state, delivery.attempts = PostbackDelivery.State.PENDING, 0
            delivery.next_attempt_at, delivery.finished_at = moment, None
            delivery.save(update_fields=["state", "attempts", "next_attempt_at", "finished_at"])
        owed.append(delivery)
    return owed


@events.subscribe("conversions.created")
def on_conversions_created(
    name: str, *, network_id: int, source: list[Conversion], **context: object
) -> None:
    """The sweeper's batch: the pending conversions' postbacks, one query and one INSERT."""
    pending = [c for c in source if c.status == Conversion.Status.PENDING]
    deliveries = queue_postback_deliveries(network_id, pending)
    if deliveries:
        transaction.on_commit(lambda: send_postback_deliveries(network_id, deliveries), robust=True)


@events.subscribe("conversion.status_changed")
def on_status_changed(name: str, *, network_id: int, source: Conversion, **context: object) -> None:
    """An approval or a reversal: called after commit when the publisher asks for it."""
    if source.status not in DECISION_EVENTS:
        return
    deliveries = owe(source, source.status)
    if deliveries:
        transaction.on_commit(lambda: send_postback_deliveries(network_id, deliveries), robust=True)


# The call


def postback_values(conversion: Conversion, *, event: str = CREATED) -> dict[str, str]:
    """The macros' values. {status} of an approval's or a reversal's call is that event's
    status, whatever happened to the conversion between the decision and the call."""
    click = conversion.click
    created = conversion.created_at.astimezone(dt.UTC)
    status = event if event in DECISION_EVENTS else conversion.status
    return {
        "aff_sub": click.aff_sub,
        "aff_sub2": click.aff_sub2,
        "aff_sub3": click.aff_sub3,
        "aff_sub4": click.aff_sub4,
        "aff_sub5": click.aff_sub5,
        "aff_click_id": click.aff_click_id,
        "source": click.source,
        "offer_id": str(conversion.offer_id),
        "offer_name": conversion.offer.name,
        "goal_id": str(conversion.goal_id),
        "payout": format(quantize(Decimal(conversion.payout), conversion.currency), "f"),
        "currency": conversion.currency,
        "conversion_id": str(conversion.pk),
        "status": status,
        "datetime": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def fill_values(template: str, values: dict[str, str]) -> str:
    """Each known {macro} replaced by its percent-encoded value; anything else left as is."""
    return fill(template, values, known=MACROS)


def fill_postback_url(template: str, conversion: Conversion, *, event: str = CREATED) -> str:
    return fill_values(template, postback_values(conversion, event=event))


class PostbackKind(engine.Kind[PostbackDelivery, PostbackEndpoint]):
    name = "postback"
    delivery_model = PostbackDelivery
    disabled_action = "postback.disabled"

    def load(self, delivery_id: int) -> PostbackDelivery:
        return PostbackDelivery.objects.select_related(
            "endpoint", "conversion__click", "conversion__offer"
        ).get(pk=delivery_id)

    def request(self, delivery: PostbackDelivery) -> engine.Request:
        template = delivery.endpoint.url_template
        return engine.Request(
            fill_postback_url(template, delivery.conversion, event=delivery.event)
        )

    def log(
        self,
        delivery: PostbackDelivery,
        request: engine.Request,
        outcome: safehttp.Outcome,
        number: int,
    ) -> PostbackAttempt:
        return log_call(
            delivery.endpoint, delivery.conversion, delivery.event, request, outcome, number
        )

    def disabled(self, endpoint: PostbackEndpoint) -> None:
        send_email_of.delay_on_commit(
            kind="postback_disabled", network_id=endpoint.network_id, object_id=endpoint.pk
        )


POSTBACK = engine.register(PostbackKind())


def log_call(
    endpoint: PostbackEndpoint,
    conversion: Conversion | None,
    event: str,
    request: engine.Request,
    outcome: safehttp.Outcome,
    number: int = 1,
) -> PostbackAttempt:
    return PostbackAttempt.objects.create(
        network_id=endpoint.network_id,
        endpoint=endpoint,
        conversion=conversion,
        event=event,
        url=request.url,
        status_code=outcome.status_code,
        elapsed_ms=outcome.elapsed_ms,
        error=(outcome.error or "")[:500],
        attempt_number=number,
    )


def send_test(endpoint: PostbackEndpoint) -> PostbackAttempt:
    """One call with sample values, logged as a test: it counts for nothing, is not retried."""
    values = {**SAMPLE_VALUES, "datetime": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")}
    request = engine.Request(fill_values(endpoint.url_template, values))
    return log_call(endpoint, None, PostbackAttempt.Event.TEST, request, engine.call(request))
