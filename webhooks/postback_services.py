"""Publisher postbacks: the publisher's own changes (each audited) and the email about an
endpoint its failures turned off. The calls themselves are the outbound-delivery engine's
(webhooks.delivery: the schedule, the failure count and auto-disable; its postback adapter
fills the URL and calls it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from audit import audit_row
from network.emails import emails_of
from network.errors import ServiceError
from network.services import create_unique
from webhooks.postbacks import PostbackEndpoint
from webhooks.services import send_turned_off_email, switch_endpoint

if TYPE_CHECKING:
    from network.models import User
    from offers.models import Offer
    from publishers.models import Publisher


class PostbackError(ServiceError):
    """A change the publisher asked for that cannot be made; the message says why."""


def send_postback_disabled(endpoint_id: int) -> None:
    """Tell the publisher's users that an endpoint was turned off, and why."""
    endpoint = PostbackEndpoint.objects.select_related("network", "publisher", "offer").get(
        pk=endpoint_id
    )
    if endpoint.is_active:
        return  # re-enabled before the worker got to it
    send_turned_off_email(
        endpoint,
        template="postback_disabled",
        to=emails_of(endpoint.publisher.memberships.all()),
        last_attempt=endpoint.attempts.order_by("-created_at", "-id").first(),
        path="/publisher/postbacks/",
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
        endpoint = create_unique(
            PostbackEndpoint,
            lambda: PostbackError(_("This postback was just added: reload the page.")),
            network_id=publisher.network_id,
            publisher=publisher,
            offer=offer,
            url_template=url_template,
            events=events,
        )
        action = "postback.created"
    else:
        endpoint.url_template = url_template
        endpoint.events = events
        endpoint.save(update_fields=["url_template", "events"])
        action = "postback.updated"
    audit_row(endpoint, actor, action=action, network=publisher.network, to_state=url_template[:64])
    return endpoint


@transaction.atomic
def postback_set_active(*, endpoint: PostbackEndpoint, actor: User, active: bool) -> None:
    """Turn an endpoint on (with a clean failure count) or off."""
    switch_endpoint(endpoint, actor, active, "postback")


@transaction.atomic
def postback_delete(*, endpoint: PostbackEndpoint, actor: User) -> None:
    reason = endpoint.url_template[:500]
    audit_row(endpoint, actor, action="postback.deleted", from_state=endpoint.state, reason=reason)
    endpoint.delete()
