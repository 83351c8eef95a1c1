"""Offer workflows: the lifecycle, payouts and access decisions. Each writes its audit row."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _

from network import audit
from network.errors import ServiceError
from network.models import ADMIN_ROLES, Network, User
from network.tasks import send_email_of
from offers.models import (
    Cap,
    Goal,
    Offer,
    OfferAccess,
    PayoutOverride,
    PayoutTier,
    TierMembership,
    TierPayout,
)
from publishers.models import Publisher

Status = Offer.Status
ADVERTISER, ADMIN = "advertiser", "admin"

# (from, to) -> who may make the move.
TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (Status.DRAFT, Status.PENDING): {ADVERTISER, ADMIN},  # submit for review
    (Status.PENDING, Status.ACTIVE): {ADMIN},  # approve
    (Status.PENDING, Status.DRAFT): {ADMIN},  # send back with a reason
    (Status.ACTIVE, Status.PAUSED): {ADVERTISER, ADMIN},
    (Status.PAUSED, Status.ACTIVE): {ADVERTISER, ADMIN},  # resume an approved offer
    (Status.DRAFT, Status.ARCHIVED): {ADVERTISER, ADMIN},
    (Status.PENDING, Status.ARCHIVED): {ADVERTISER, ADMIN},
    (Status.ACTIVE, Status.ARCHIVED): {ADVERTISER, ADMIN},
    (Status.PAUSED, Status.ARCHIVED): {ADVERTISER, ADMIN},
}
NEEDS_REASON = {(Status.PENDING, Status.DRAFT)}
# While its advertiser is blocked (advertisers.services), an offer may be paused, sent back or
# archived, but not submitted, approved or resumed: for the advertiser and the admins alike.
BLOCKED_ADVERTISER_REFUSES = {Status.PENDING, Status.ACTIVE}


class OfferError(ServiceError):
    """A refused change, in words for the person who asked for it."""


def actor_kind(role: str) -> str:
    return ADMIN if role in ADMIN_ROLES else ADVERTISER


def allowed_moves(offer: Offer, role: str) -> list[str]:
    """The statuses this role may move the offer to now (load the offer's advertiser with it:
    a blocked advertiser's offers cannot be submitted, approved or resumed)."""
    kind = actor_kind(role)
    refused = BLOCKED_ADVERTISER_REFUSES if offer.advertiser.is_blocked else set()
    return [
        to
        for (frm, to), who in TRANSITIONS.items()
        if frm == offer.status and kind in who and to not in refused
    ]


@transaction.atomic
def offer_create(
    *, network: Network, advertiser, actor: User, offer: Offer, default_goal: Goal
) -> Offer:
    """Save a new offer as a draft, with its default goal, and audit it."""
    offer.network, offer.advertiser, offer.status = network, advertiser, Status.DRAFT
    offer.save()
    default_goal.network, default_goal.offer, default_goal.is_default = network, offer, True
    default_goal.save()
    audit.record(
        network=network, actor=actor, action="offer.created", obj=offer, to_state=offer.status
    )
    return offer


@transaction.atomic
def offer_transition(
    *, offer: Offer, to_status: str, actor: User, role: str, reason: str = ""
) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    move = (offer.status, to_status)
    if move not in TRANSITIONS:
        raise OfferError(
            _("An offer that is %(from)s cannot become %(to)s.")
            % {
                "from": offer.get_status_display().lower(),
                "to": str(Status(to_status).label).lower(),
            }
        )
    if actor_kind(role) not in TRANSITIONS[move]:
        raise OfferError(_("Only the network's owners and managers can do that."))
    if move in NEEDS_REASON and not reason.strip():
        raise OfferError(_("Tell the advertiser what to change."))
    if to_status in BLOCKED_ADVERTISER_REFUSES and offer.advertiser.is_blocked:
        raise OfferError(_("The advertiser is blocked: its offers cannot be submitted or go live."))
    if to_status == Status.PENDING:
        _check_ready_for_review(offer)
    if to_status == Status.ACTIVE and offer.goals.filter(payout_set=False).exists():
        raise OfferError(
            _("Set the publisher payout of every goal before approving.")
            if actor_kind(role) == ADMIN
            else _(
                "A goal waits for the network to set its publisher payout; the offer can go "
                "live once that is done."
            )
        )
    offer.status = to_status
    offer.updated_at = now()
    offer.save(update_fields=["status", "updated_at"])
    audit.record(
        network=offer.network,
        actor=actor,
        action="offer.status",
        obj=offer,
        from_state=move[0],
        to_state=to_status,
        reason=reason.strip(),
    )
    _notify(offer, move)
    return offer


def _check_ready_for_review(offer: Offer) -> None:
    if not offer.goals.filter(is_default=True).exists():
        raise OfferError(_("Add a default goal before submitting."))
    if not offer.landing_pages.filter(is_active=True).exists():
        raise OfferError(_("Add at least one active landing page before submitting."))


def _notify(offer: Offer, move: tuple[str, str]) -> None:
    if move[1] == Status.PENDING:
        send_email_of.delay_on_commit(
            kind="offer_submitted", network_id=offer.network_id, object_id=offer.pk
        )
    if move in ((Status.PENDING, Status.ACTIVE), (Status.PENDING, Status.DRAFT)):
        send_email_of.delay_on_commit(
            kind="offer_review", network_id=offer.network_id, object_id=offer.pk
        )


@transaction.atomic
def goal_set_payout(
    *, goal: Goal, actor: User, payout_type: str, amount, percent, reason: str = ""
) -> Goal:
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    before = f"{goal.payout_type} {goal.payout_amount} + {goal.payout_percent}%"
    goal.payout_type, goal.payout_amount, goal.payout_percent = payout_type, amount, percent
    goal.payout_set = True
    goal.save(update_fields=["payout_type", "payout_amount", "payout_percent", "payout_set"])
    audit.record(
        network=goal.network,
        actor=actor,
        action="goal.payout",
        obj=goal,
        from_state=before[:64],
        to_state=f"{payout_type} {amount} + {percent}%"[:64],
        reason=reason,
    )
    return goal


@transaction.atomic
def access_request(*, offer: Offer, publisher: Publisher, actor: User, note: str) -> OfferAccess:
    """A publisher asks to run an offer; a public offer is theirs at once."""
    if not Offer.objects.visible_to(publisher).filter(pk=offer.pk).exists():
        raise OfferError(_("This offer is not available to you."))
    auto = offer.visibility == Offer.Visibility.PUBLIC
    status = OfferAccess.Status.APPROVED if auto else OfferAccess.Status.PENDING
    try:
        with transaction.atomic():
            access = OfferAccess.objects.create(
                network=offer.network,
                offer=offer,
                publisher=publisher,
                status=status,
                publisher_note=note.strip(),
                decided_at=now() if auto else None,
            )
    except IntegrityError:
        raise OfferError(_("You have already applied to this offer.")) from None
    audit.record(
        network=offer.network,
        actor=actor,
        action="offer_access.requested",
        obj=access,
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
    audit.record(
        network=access.network,
        actor=actor,
        action="offer_access.decided",
        obj=access,
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
    audit.record(
        network=offer.network,
        actor=actor,
        action="offer_access.invited",
        obj=access,
        to_state=access.status,
    )
    send_email_of.delay_on_commit(
        kind="access_decision", network_id=access.network_id, object_id=access.pk
    )
    return access


# --- Payout rules (overrides, tiers) and caps ---------------------------------------------
# Every change of what a publisher earns writes its audit row in the same transaction.


def _terms_state(terms) -> str:
    return f"{terms.payout_type} {terms.payout_amount} + {terms.payout_percent}%"[:64]


@transaction.atomic
def payout_override_set(
    *, goal: Goal, publisher: Publisher, actor: User, payout_type: str, amount, percent
) -> PayoutOverride:
    """Give one publisher their own payout on a goal (replacing the one they had)."""
    override = (
        PayoutOverride.objects.select_for_update().filter(goal=goal, publisher=publisher).first()
    )
    before = _terms_state(override) if override else ""
    if override is None:
        override = PayoutOverride(network=goal.network, goal=goal, publisher=publisher)
    override.payout_type, override.payout_amount = payout_type, amount
    override.payout_percent = percent
    try:
        with transaction.atomic():
            override.save()
    except IntegrityError:  # created by someone else meanwhile
        raise OfferError(_("This override was just changed by someone else; try again.")) from None
    audit.record(
        network=goal.network,
        actor=actor,
        action="payout_override.set",
        obj=override,
        from_state=before,
        to_state=_terms_state(override),
    )
    return override


@transaction.atomic
def payout_override_delete(*, override: PayoutOverride, actor: User) -> None:
    audit.record(
        network=override.network,
        actor=actor,
        action="payout_override.deleted",
        obj=override,
        from_state=_terms_state(override),
    )
    override.delete()


@transaction.atomic
def tier_create(*, network: Network, name: str, actor: User) -> PayoutTier:
    try:
        with transaction.atomic():
            tier = PayoutTier.objects.create(network=network, name=name)
    except IntegrityError:
        raise OfferError(_("There is already a tier with this name.")) from None
    audit.record(network=network, actor=actor, action="tier.created", obj=tier, to_state=name[:64])
    return tier


@transaction.atomic
def tier_member_add(*, tier: PayoutTier, publisher: Publisher, actor: User) -> TierMembership:
    """Put a publisher in a tier; the database keeps them in one tier at most."""
    try:
        with transaction.atomic():
            membership = TierMembership.objects.create(
                network=tier.network, tier=tier, publisher=publisher
            )
    except IntegrityError:
        current = TierMembership.objects.filter(publisher=publisher).select_related("tier").first()
        raise OfferError(already_in_tier(publisher, current and current.tier)) from None
    audit.record(
        network=tier.network,
        actor=actor,
        action="tier.member_added",
        obj=membership,
        to_state=tier.name[:64],
    )
    return membership


@transaction.atomic
def tier_member_remove(*, membership: TierMembership, actor: User) -> None:
    audit.record(
        network=membership.network,
        actor=actor,
        action="tier.member_removed",
        obj=membership,
        from_state=membership.tier.name[:64],
    )
    membership.delete()


@transaction.atomic
def tier_payout_set(
    *, tier: PayoutTier, goal: Goal, actor: User, payout_type: str, amount, percent
) -> TierPayout:
    current = TierPayout.objects.select_for_update().filter(tier=tier, goal=goal).first()
    before = _terms_state(current) if current else ""
    tier_payout, _created = TierPayout.objects.update_or_create(
        network=tier.network,
        tier=tier,
        goal=goal,
        defaults={"payout_type": payout_type, "payout_amount": amount, "payout_percent": percent},
    )
    audit.record(
        network=tier.network,
        actor=actor,
        action="tier_payout.set",
        obj=tier_payout,
        from_state=before,
        to_state=_terms_state(tier_payout),
    )
    return tier_payout


@transaction.atomic
def tier_payout_delete(*, tier_payout: TierPayout, actor: User) -> None:
    audit.record(
        network=tier_payout.network,
        actor=actor,
        action="tier_payout.deleted",
        obj=tier_payout,
        from_state=_terms_state(tier_payout),
    )
    tier_payout.delete()


@transaction.atomic
def cap_save(*, cap: Cap, actor: User) -> Cap:
    cap.save()
    audit.record(network=cap.network, actor=actor, action="cap.created", obj=cap)
    return cap


@transaction.atomic
def cap_delete(*, cap: Cap, actor: User) -> None:
    audit.record(network=cap.network, actor=actor, action="cap.deleted", obj=cap)
    cap.delete()


def already_in_tier(publisher: Publisher, tier: PayoutTier | None) -> str:
    if tier:
        return _(
            "%(publisher)s is already in the tier “%(tier)s”: a publisher is in one tier at most."
        ) % {"publisher": publisher, "tier": tier}
    return _("%(publisher)s is already in another tier: a publisher is in one tier at most.") % {
        "publisher": publisher
    }
