"""Who may run an offer: a publisher's request, the admins' decisions and invitations. Each
writes its audit row and emails the other side after the commit.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _

from audit import audit_row
from network.models import User
from network.services import create_unique
from network.tasks import send_email_of
from offers.models import Offer, OfferAccess
from offers.services import OfferError
from publishers.models import Publisher


@transaction.atomic
def access_request(*, offer: Offer, publisher: Publisher, actor: User, note: str) -> OfferAccess:
    """A publisher asks to run an offer; a public offer is theirs at once."""

    if not Offer.objects.visible_to(publisher).filter(pk=offer.pk).exists():
        raise OfferError(_("This offer is not available to you."))
    auto = offer.visibility == Offer.Visibility.PUBLIC
    status = OfferAccess.Status.APPROVED if auto else OfferAccess.Status.PENDING
    access = create_unique(
        OfferAccess,
        lambda: OfferError(_("You have already applied to this offer.")),
        network=offer.network,
        offer=offer,
        publisher=publisher,
        status=status,
        publisher_note=note.strip(),
        decided_at=now() if auto else None,
    )
    audit_row(
        access,
        actor,
        action="offer_access.requested",
        network=offer.network,
        to_state=status,
        reason=note.strip(),
    )
    if not auto:
        send_email_of.delay_on_commit(
            kind="access_request", network_id=offer.network_id, object_id=access.pk
        )
    return access


@transaction.atomic
def access_decide(*, access: OfferAccess, actor: User, status: str, reason: str) -> OfferAccess:

    access = OfferAccess.objects.select_for_update().get(pk=access.pk)
    if status not in (
        OfferAccess.Status.APPROVED,
        OfferAccess.Status.REJECTED,
        OfferAccess.Status.BLOCKED,
    ):
        raise OfferError(_("Approve, reject or block."))
    if access.status == status:
        raise OfferError(
            _("This publisher is already %(status)s.")
            % {"status": access.get_status_display().lower()}
        )
    if status != OfferAccess.Status.APPROVED and not reason.strip():
        raise OfferError(_("Give the publisher a reason."))
    old = access.status
    access.status, access.reason = status, reason.strip()
    access.decided_by, access.decided_at = actor, now()
    access.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_row(
        access,
        actor,
        action="offer_access.decided",
        from_state=old,
        to_state=status,
        reason=access.reason,
    )
    send_email_of.delay_on_commit(
        kind="access_decision", network_id=access.network_id, object_id=access.pk
    )
    return access


@transaction.atomic
def access_invite(*, offer: Offer, publisher: Publisher, actor: User) -> OfferAccess:
    """Give an approved publisher access to an offer (how private offers are shared)."""
    if publisher.status != Publisher.Status.APPROVED:
        raise OfferError(_("Only approved publishers can be invited to offers."))
    access, created = OfferAccess.objects.get_or_create(
        network=offer.network,
        offer=offer,
        publisher=publisher,
        defaults={"status": OfferAccess.Status.APPROVED, "decided_by": actor, "decided_at": now()},
    )
    if not created:
        if access.status == OfferAccess.Status.APPROVED:
            raise OfferError(_("%(publisher)s already runs this offer.") % {"publisher": publisher})
        return access_decide(access=access, actor=actor, status="approved", reason="Invited")
    audit_row(
        access, actor, action="offer_access.invited", network=offer.network, to_state=access.status
    )

    send_email_of.delay_on_commit(
        kind="access_decision", network_id=access.network_id, object_id=access.pk
    )
    return access
