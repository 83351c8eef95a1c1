"""Publisher postbacks: which endpoint a conversion fires, the filled URL, the call and its
log, the failure count that turns an endpoint off, and the publisher's own changes.

Every call goes through lib.safehttp. Every change of an endpoint's state is audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import safehttp
from lib.macros import fill
from lib.money import quantize
from network import audit
from network.errors import ServiceError
from publishers.postbacks import (
    APPROVED,
    CREATED,
    MACROS,
    MAX_CONSECUTIVE_FAILURES,
    REVERSED,
    PostbackAttempt,
    PostbackEndpoint,
)

if TYPE_CHECKING:
    from network.models import User
    from offers.models import Offer
    from publishers.models import Publisher
    from tracking.models import Conversion

TIMEOUT_SECONDS = 5.0
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


class PostbackError(ServiceError):
    """A change the publisher asked for that cannot be made; the message says why."""


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


def queue_decision_postbacks(conversion: Conversion) -> None:
    """After a conversion became approved or reversed (in the caller's transaction): call the
    publisher's endpoint, after commit, when it asks for that event. No endpoint, no task."""
    event = {APPROVED: APPROVED, REVERSED: REVERSED}.get(conversion.status)
    if event is None or not postback_endpoints_for(conversion, event=event):
        return
    from publishers.tasks import fire_conversion_postbacks

    fire_conversion_postbacks.delay_on_commit(
        network_id=conversion.network_id, conversion_id=conversion.pk, event=event
    )


def postback_values(conversion: Conversion, *, event: str = CREATED) -> dict[str, str]:
    """The macros' values. {status} of an approval's or a reversal's call is that event's
    status, whatever happened to the conversion between the decision and the call."""
    click = conversion.click
    created = conversion.created_at.astimezone(dt.UTC)
    status = event if event in (APPROVED, REVERSED) else conversion.status
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


def fire_postback(
    endpoint: PostbackEndpoint,
    conversion: Conversion | None,
    event: str,
    attempt: int = 1,
) -> PostbackAttempt:
    """Call the endpoint once for the conversion (None: a test call) and log the outcome.

    A 2xx resets the endpoint's failure count; anything else adds one, and the failure that
    reaches MAX_CONSECUTIVE_FAILURES turns the endpoint off. Test calls count for nothing.
    """
    if conversion is None:
        values = {**SAMPLE_VALUES, "datetime": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")}
        url = fill_values(endpoint.url_template, values)
    else:
        url = fill_postback_url(endpoint.url_template, conversion, event=event)
    outcome = safehttp.fetch(url, timeout=TIMEOUT_SECONDS)
    with transaction.atomic():
        logged = PostbackAttempt.objects.create(
            network_id=endpoint.network_id,
            endpoint=endpoint,
            conversion=conversion,
            event=event,
            url=url,
            status_code=outcome.status_code,
            elapsed_ms=outcome.elapsed_ms,
            error=(outcome.error or "")[:500],
            attempt_number=attempt,
        )
        if event != PostbackAttempt.Event.TEST:
            if outcome.ok:
                PostbackEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
            else:
                count_failure(endpoint)
    return logged


def count_failure(endpoint: PostbackEndpoint) -> None:
    """One more failure in a row, counted in the database so concurrent failures all count."""
    PostbackEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    # The UPDATE holds the row lock on PostgreSQL until commit; read what it wrote.
    failures = (
        PostbackEndpoint.objects.select_for_update()
        .filter(pk=endpoint.pk)
        .values_list("consecutive_failures", flat=True)
        .get()
    )
    endpoint.consecutive_failures = failures
    if failures < MAX_CONSECUTIVE_FAILURES:
        return
    # Only the failure that flips the endpoint off writes the audit row and sends the email.
    disabled_at = timezone.now()
    flipped = PostbackEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=disabled_at
    )
    if not flipped:
        return
    endpoint.is_active, endpoint.disabled_at = False, disabled_at
    audit.record(
        network=endpoint.network,
        actor=None,
        actor_label="system",
        action="postback.disabled",
        obj=endpoint,
        from_state="active",
        to_state="failing",
        reason=f"{failures} failed calls in a row",
    )
    from network.tasks import send_email_of

    send_email_of.delay_on_commit(
        kind="postback_disabled", network_id=endpoint.network_id, object_id=endpoint.pk
    )


def send_postback_disabled(endpoint_id: int) -> None:
    """Tell the publisher's users that an endpoint was turned off, and why."""
    from network.emails import emails_of, send_templated

    endpoint = PostbackEndpoint.objects.select_related("network", "publisher", "offer").get(
        pk=endpoint_id
    )
    if endpoint.is_active:
        return  # re-enabled before the worker got to it
    recipients = emails_of(endpoint.publisher.memberships.all())
    send_templated(
        template="postback_disabled",
        to=recipients,
        context={
            "endpoint": endpoint,
            "network": endpoint.network,
            "failures": endpoint.consecutive_failures,
            "last_attempt": endpoint.attempts.order_by("-created_at", "-id").first(),
            "url": endpoint.network.absolute_url("/publisher/postbacks/"),
        },
    )


# The publisher's own changes


@transaction.atomic
def postback_save(
    *,
    publisher: Publisher,
    actor: User,
    offer: Offer | None,
    url_template: str,
    events: list[str],
) -> PostbackEndpoint:
    """Create or update the publisher's endpoint for the offer (None: the global one), called
    for `events` (some of created, approved, reversed)."""
    endpoint = (
        PostbackEndpoint.objects.select_for_update()
        .filter(publisher=publisher, offer=offer)
        .first()
    )
    if endpoint is None:
        try:
            with transaction.atomic():
                endpoint = PostbackEndpoint.objects.create(
                    network_id=publisher.network_id,
                    publisher=publisher,
                    offer=offer,
                    url_template=url_template,
                    events=events,
                )
        except IntegrityError:
            raise PostbackError(_("This postback was just added: reload the page.")) from None
        action = "postback.created"
    else:
        endpoint.url_template = url_template
        endpoint.events = events
        endpoint.save(update_fields=["url_template", "events"])
        action = "postback.updated"
    audit.record(
        network=publisher.network,
        actor=actor,
        action=action,
        obj=endpoint,
        to_state=url_template[:64],
    )
    return endpoint


@transaction.atomic
def postback_set_active(*, endpoint: PostbackEndpoint, actor: User, active: bool) -> None:
    """Turn an endpoint on (with a clean failure count) or off."""
    endpoint = PostbackEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = endpoint.state
    endpoint.is_active = active
    if active:
        endpoint.consecutive_failures = 0
    endpoint.disabled_at = None
    endpoint.save(update_fields=["is_active", "consecutive_failures", "disabled_at"])
    audit.record(
        network=endpoint.network,
        actor=actor,
        action="postback.enabled" if active else "postback.turned_off",
        obj=endpoint,
        from_state=before,
        to_state=endpoint.state,
    )


@transaction.atomic
def postback_delete(*, endpoint: PostbackEndpoint, actor: User) -> None:
    audit.record(
        network=endpoint.network,
        actor=actor,
        action="postback.deleted",
        obj=endpoint,
        from_state=endpoint.state,
        reason=endpoint.url_template[:500],
    )
    endpoint.delete()
