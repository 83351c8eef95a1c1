"""How much an offer may take: its caps, added and removed by the advertiser's pages and the
admins' (pages and API), audited in the same transaction. What publishers earn (goal payouts,
overrides, tiers) is commissions.services.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit import audit_row
from network.models import User
from offers.models import Cap, Offer
from offers.services import ADVERTISER, OfferError, actor_kind, lock_writable, touch


@transaction.atomic
def cap_create(*, cap: Cap, actor: User, role: str) -> Cap:
    """Add a cap (`cap`: the cap form's unsaved row) to its offer. An advertiser's pages never
    write to an archived offer: for them the offer is locked and checked again here."""
    offer = _offer_for_caps(cap.offer, role)
    cap.network, cap.offer = offer.network, offer
    cap.save()
    touch(offer)
    audit_row(cap, actor, action="cap.created")
    return cap


@transaction.atomic
def cap_delete(*, cap: Cap, actor: User, role: str) -> None:
    """Remove a cap once: of two removals at the same time, the second finds it gone."""
    offer = _offer_for_caps(cap.offer, role)
    if not Cap.objects.select_for_update().filter(pk=cap.pk).exists():
        raise OfferError(_("This cap was already removed."))
    audit_row(cap, actor, action="cap.deleted")
    cap.delete()
    touch(offer)


def _offer_for_caps(offer: Offer, role: str) -> Offer:
    """The offer's row, locked (a concurrent archive move waits, or wins); an advertiser may
    not change an archived offer's caps, the admins may."""
    if actor_kind(role) == ADVERTISER:
        return lock_writable(offer)
    return Offer.objects.select_for_update().get(pk=offer.pk)
