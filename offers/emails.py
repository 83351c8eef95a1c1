"""Offer emails: review outcome to the advertiser, access requests to admins, decisions to
publishers. The audit log holds the reason; the email repeats it."""

from __future__ import annotations

from audit.models import AuditEntry
from network.emails import admin_emails, emails_of, send_linked
from offers.models import Offer, OfferAccess


def send_offer_review(offer_id: int) -> None:
    offer = Offer.objects.select_related("network", "advertiser").get(pk=offer_id)
    entry = AuditEntry.objects.filter(
        action="offer.status", object_type="offers.offer", object_id=str(offer.pk)
    ).first()
    send_linked(
        "offer_review",
        emails_of(offer.advertiser.memberships.all()),
        offer.network,
        f"/advertiser/offers/{offer.pk}/",
        offer=offer,
        reason=entry.reason if entry else "",
    )


def send_offer_submitted(offer_id: int) -> None:
    offer = Offer.objects.select_related("network", "advertiser").get(pk=offer_id)
    send_linked(
        "offer_submitted", admin_emails(), offer.network, f"/manage/offers/{offer.pk}/", offer=offer
    )


def send_access_request(access_id: int) -> None:
    access = OfferAccess.objects.select_related("offer", "publisher", "network").get(pk=access_id)
    send_linked(
        "access_request", admin_emails(), access.network, "/manage/offer-access/", access=access
    )


def send_access_decision(access_id: int) -> None:
    access = OfferAccess.objects.select_related("offer", "publisher", "network").get(pk=access_id)
    send_linked(
        "access_decision",
        emails_of(access.publisher.memberships.all()),
        access.network,
        f"/publisher/offers/{access.offer_id}/",
        access=access,
    )
