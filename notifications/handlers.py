"""Domain events that have no email of their own app yet and that notifications tells: an offer
going off or back on, to the publishers who run it. Each queues an email kind of this app
(notifications/emails.py), so it reaches each user as every other kind does: by email, in the
portal or both, as they chose."""

from __future__ import annotations

from network import events
from network.tasks import send_email_of
from offers.models import Offer

LIVE = Offer.Status.ACTIVE
# Going off (paused, archived) or back on: what a publisher sending traffic must know.
TOLD = {(LIVE, Offer.Status.PAUSED), (LIVE, Offer.Status.ARCHIVED), (Offer.Status.PAUSED, LIVE)}


@events.subscribe("offer.status_changed")
def offer_status_changed(
    name: str, *, network_id: int, source: Offer, from_status: str, to_status: str, **_context
) -> None:
    if (from_status, to_status) in TOLD:
        send_email_of.delay_on_commit(
            kind="offer_status", network_id=network_id, object_id=source.pk, status=to_status
        )
