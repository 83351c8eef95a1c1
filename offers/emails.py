"""Offer emails: review outcome to the advertiser, access requests to admins, decisions to
publishers. The audit log holds the reason; the email repeats it."""

from __future__ import annotations

from audit.models import AuditEntry
from network.emails import admin_emails, emails_of, send_templated
from offers.models import Offer, OfferAccess


def send_offer_review(offer_id: int) -> None:
    offer = Offer.objects.select_related("network", "advertiser").get(pk=offer_id)
    entry = AuditEntry.objects.filter(
        action="offer.status", object_type="offers.offer", object_id=str(offer.pk)
    ).first()
    recipients = emails_of(offer.advertiser.memberships.all())
    if recipients:
        send_templated(
            template="offer_review",
            to=recipients,
            context={
                "offer": offer,
                "reason": entry.reason if entry else "",
                "url": offer.network.absolute_url(f"/advertiser/offers/{offer.pk}/"),
            },
        )


def send_offer_submitted(offer_id: int) -> None:
    offer = Offer.objects.select_related("network", "advertiser").get(pk=offer_id)
    send_templated(
        template="offer_submitted",
        to=admin_emails(),
        context={
            "offer": offer,
            "url": offer.network.absolute_url(f"/manage/offers/{offer.pk}/"),
        },
    )


def send_access_request(access_id: int) -> None:
    access = OfferAccess.objects.select_related("offer", "publisher", "network").get(pk=access_id)
    recipients = admin_emails()
    if recipients:
        send_templated(
            template="access_request",
            to=recipients,
            context={
                "access": access,
                "url": access.network.absolute_url("/manage/offer-access/"),
            },
        )


def send_access_decision(access_id: int) -> None:
    access = OfferAccess.objects.select_related("offer", "publisher", "network").get(pk=access_id)
    recipients = emails_of(access.publisher.memberships.all())
    if recipients:
        send_templated(
            template="access_decision",
            to=recipients,
            context={
                "access": access,
                "url": access.network.absolute_url(f"/publisher/offers/{access.offer_id}/"),
            },
        )
