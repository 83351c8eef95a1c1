"""Publisher applications: apply, then an owner or manager approves or rejects with a reason;
admins may also give a publisher their own payout minimum."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import audit_row
from lib.money import plain_money
from network import events
from network.errors import ServiceError
from network.models import Membership, Network, Role, User
from network.services import minimum_replace
from network.step_up import StepUp, require_step_up
from network.tasks import send_email_of
from publishers.models import Publisher, PublisherMinimum


class ApplicationError(ServiceError):
    pass


@transaction.atomic
def publisher_apply(*, network: Network, user: User, **profile) -> Publisher:
    """Create the publisher company (pending) and make the applicant its first user."""
    if Membership.objects.filter(user=user).exists():
        raise ApplicationError(_("You are already a member of this network."))
    publisher = Publisher.objects.create(network=network, **profile)
    Membership.objects.create(network=network, user=user, role=Role.PUBLISHER, publisher=publisher)
    audit_row(publisher, user, action="publisher.applied", to_state=publisher.status)
    events.emit(
        "publisher.applied", network_id=network.pk, source=publisher, applicant_email=user.email
    )
    send_email_of.delay_on_commit(
        kind="new_application", network_id=network.pk, object_id=publisher.pk
    )
    return publisher


@transaction.atomic
def publisher_decide(*, publisher: Publisher, actor: User, approve: bool, reason: str) -> Publisher:
    """Approve or reject a pending application (or revisit an earlier decision)."""
    publisher = Publisher.objects.select_for_update().get(pk=publisher.pk)
    new_status = Publisher.Status.APPROVED if approve else Publisher.Status.REJECTED
    if publisher.status == new_status:
        raise ApplicationError(
            _("This publisher is already %(status)s.") % {"status": publisher.get_status_display()}
        )
    if not approve and not reason.strip():
        raise ApplicationError(_("Give the applicant a reason for the rejection."))
    old_status = publisher.status
    publisher.status = new_status
    publisher.decision_reason = reason.strip()
    publisher.reviewed_by = actor
    publisher.reviewed_at = timezone.now()
    publisher.save(update_fields=["status", "decision_reason", "reviewed_by", "reviewed_at"])
    audit_row(
        publisher,
        actor,
        action="publisher.reviewed",
        from_state=old_status,
        to_state=new_status,
        reason=publisher.decision_reason,
    )
    send_email_of.delay_on_commit(
        kind="publisher_decision", network_id=publisher.network_id, object_id=publisher.pk
    )
    return publisher


@transaction.atomic
def publisher_minimum_set(
    *,
    publisher: Publisher,
    actor: User,
    currency: str,
    amount: Decimal | None,
    proof: StepUp,
) -> PublisherMinimum | None:
    """Set the publisher's own minimum payout in one currency, or clear it (None: the
    network's minimum in that currency applies). Raises ValidationError for a bad amount.
    A money control, as the network's minimums: two-factor and a fresh proof of presence
    (StepUpRequired otherwise)."""
    require_step_up(actor, proof, settings=True)
    # One change of a publisher's minimums at a time, so the audit's "from" is the real one.
    publisher = Publisher.objects.select_for_update().get(pk=publisher.pk)
    row, old, new = minimum_replace(
        PublisherMinimum, currency, amount, network=publisher.network, publisher=publisher
    )
    if old == new:
        return row
    audit_row(
        publisher,
        actor,
        action="publisher.min_payout",
        from_state="network default" if old is None else plain_money(old, currency),
        to_state="network default" if new is None else plain_money(new, currency),
        reason=currency,
    )
    return row


@transaction.atomic
def publisher_update_profile(*, publisher: Publisher, actor: User, form) -> Publisher:
    """Save the publisher's profile form (PublisherProfileForm), one audit row per changed
    field (its code in the reason, the values before and after)."""
    Publisher.objects.select_for_update().filter(pk=publisher.pk).first()
    for field in form.changed_data:
        audit_row(
            publisher,
            actor,
            action="publisher.profile",
            from_state=str(form.initial.get(field, ""))[:64],
            to_state=str(form.cleaned_data[field])[:64],
            reason=field,
        )
    return form.save() if form.changed_data else publisher
