"""Advertiser company workflows: a company is made (by inviting its first user), the network's
admins block and unblock it.

What "blocked" means, in one place (HasOffers / Everflow behave alike):
- its offers take no traffic: a click is still recorded, rejected with the reason
  "advertiser_blocked", and sent to the fallback (tracking.clicks.rejection);
- its offers leave the publishers' marketplace (offers.models.OfferQuerySet.visible_to);
- postbacks for its offers are still accepted: conversions of earlier clicks are not lost;
- its users keep read access to their pages, but offers.services.offer_transition refuses
  to put one of its offers up for review or live again until it is unblocked.
No email is sent: the admins tell the company themselves.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from advertisers.models import Advertiser
from audit import audit_row
from network.errors import ServiceError
from network.models import Network, User


class AdvertiserError(ServiceError):
    """A refused change of an advertiser company, in words for the admin who asked."""


@transaction.atomic
def advertiser_create(*, network: Network, actor: User, name: str) -> Advertiser:
    """A new company, named in the invitation of its first user (network.services
    invitation_create asks through its registry); audited as "advertiser.created"."""
    advertiser = Advertiser.objects.create(network=network, name=name)
    audit_row(advertiser, actor, action="advertiser.created", to_state=advertiser.status)
    return advertiser


@transaction.atomic
def advertiser_set_status(
    *, advertiser: Advertiser, actor: User, status: str, reason: str
) -> Advertiser:
    """Block (reason required) or unblock an advertiser; audited as "advertiser.status"."""
    advertiser = Advertiser.objects.select_for_update().get(pk=advertiser.pk)
    new_status = Advertiser.Status(status)
    if advertiser.status == new_status:
        raise AdvertiserError(
            _("This advertiser is already %(status)s.")
            % {"status": advertiser.get_status_display().lower()}
        )
    reason = reason.strip()
    if new_status == Advertiser.Status.BLOCKED and not reason:
        raise AdvertiserError(_("Give a reason for blocking this advertiser."))
    old_status = advertiser.status
    advertiser.status = new_status
    advertiser.save(update_fields=["status"])
    audit_row(
        advertiser,
        actor,
        action="advertiser.status",
        from_state=old_status,
        to_state=new_status,
        reason=reason,
    )
    return advertiser
