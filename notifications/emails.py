"""The emails of events that no lower app emails about (kind "offer_status": an offer paused,
archived or resumed, to the publishers who run it), sent by network.tasks.send_email_of."""

from __future__ import annotations

from datetime import timedelta

from django.utils.timezone import now

from network.emails import emails_of, send_linked
from network.models import Membership
from offers.models import Offer, OfferAccess
from reports.models import DailyStat

# A publisher runs an offer it was approved for, or one it sent clicks to this long ago or less.
RECENT = timedelta(days=30)


def publishers_running(offer: Offer) -> set[int]:
    approved = OfferAccess.objects.filter(offer=offer, status=OfferAccess.Status.APPROVED)
    recent = DailyStat.objects.filter(offer=offer, day__gte=(now() - RECENT).date(), clicks__gt=0)
    return set(approved.values_list("publisher_id", flat=True)) | set(
        recent.values_list("publisher_id", flat=True)
    )


def send_offer_status(offer_id: int, status: str) -> None:
    offer = Offer.objects.select_related("network").get(pk=offer_id)
    members = Membership.objects.filter(publisher_id__in=publishers_running(offer))
    send_linked(
        "offer_status",
        emails_of(members),
        offer.network,
        f"/publisher/offers/{offer.pk}/",
        offer=offer,
        status=status,
    )
