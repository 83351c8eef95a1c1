"""Offer workflows: an offer's life (create, edit, moves). Each writes its audit row.

Every state change of the offers app is one function `<entity>_<action>(..., actor)` that the
pages and the API both call: it validates, locks the rows a concurrent request could change,
checks again under the lock, writes, audits in the same transaction and emits the domain
event others react to. Here the offer itself; its goals, landing pages and creatives:
offers/services_parts.py; caps: offers/services_rules.py; who may run an offer:
offers/services_access.py. What publishers earn (payouts, overrides, tiers): commissions.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Field
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import audit_row
from network import events
from network.errors import ServiceError
from network.models import ADMIN_ROLES, Network, User
from network.tasks import send_email_of
from offers.models import Goal, Offer

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
ARCHIVED = gettext_lazy("This offer is archived: it can no longer be changed.")

# The offer's settings whose change is audited: what decides which conversions count and what
# they are worth (the other settings describe the offer). Field -> audit action.
AUDITED_SETTINGS = {
    "currency": "offer.currency",
    "hold_days": "offer.hold_days",
    "attribution_window_days": "offer.attribution_window",
}
# What an edit of the offer's settings never writes: its place, its owner, its state.
NOT_SETTINGS = {"id", "network", "advertiser", "status", "created_at"}


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


def lock_writable(offer: Offer) -> Offer:
    """The offer's row, locked until the transaction ends, refused once archived: an
    archive move waits for a change to its parts, or the change sees it archived."""
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if locked.status == Status.ARCHIVED:
        raise OfferError(str(ARCHIVED))
    return locked


def touch(offer: Offer) -> None:
    """A change to a goal, page, creative or cap is a change to the offer (the list's
    "Updated")."""
    Offer.objects.filter(pk=offer.pk).update(updated_at=now())


@transaction.atomic
def offer_create(
    *, network: Network, advertiser, actor: User, offer: Offer, default_goal: Goal
) -> Offer:
    """Save a new offer as a draft, with its default goal, and audit it."""
    offer.network, offer.advertiser, offer.status = network, advertiser, Status.DRAFT
    offer.save()
    default_goal.network, default_goal.offer, default_goal.is_default = network, offer, True
    default_goal.save()
    audit_row(offer, actor, action="offer.created", network=network, to_state=offer.status)
    return offer


@transaction.atomic
def offer_update(*, offer: Offer, actor: User) -> Offer:
    """Save an offer's settings as edited (`offer`: the edit form's unsaved copy). Refused once
    archived, checked again under the row's lock; the status stays what it is now (a move
    made meanwhile is kept). Each changed setting is written to the log: the money settings
    under their own action, the others as `offer.updated` naming the field; saving the form
    unchanged writes nothing."""
    saved = lock_writable(offer)
    offer.status = saved.status
    changed = [
        field
        for field in Offer._meta.concrete_fields
        if field.name not in NOT_SETTINGS | {"updated_at"}
        and getattr(saved, field.attname) != getattr(offer, field.attname)
    ]
    if not changed:
        return offer
    offer.updated_at = now()
    offer.save(update_fields=[*(field.name for field in changed), "updated_at"])
    for field in changed:
        _audit_setting(saved, offer, field, actor)
    return offer


def _audit_setting(saved: Offer, offer: Offer, field: Field, actor: User) -> None:
    """One changed setting: a money setting under its action, another as `offer.updated` with
    the field's code as the reason (the log names it in words)."""
    before, after = getattr(saved, field.attname), getattr(offer, field.attname)
    action = AUDITED_SETTINGS.get(field.name, "offer.updated")
    audit_row(
        offer,
        actor,
        action=action,
        network=saved.network,
        from_state=_shown(before),
        to_state=_shown(after),
        reason="" if field.name in AUDITED_SETTINGS else field.name,
    )


def _shown(value) -> str:
    """A setting's value as the log stores it ("US, VN" for a list; 64 characters at most:
    long text is cut)."""
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    return "" if value is None else str(value)[:64]


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
    audit_row(
        offer,
        actor,
        action="offer.status",
        from_state=move[0],
        to_state=to_status,
        reason=reason.strip(),
    )
    _notify(offer, move)
    # For whoever reacts to an offer going live, pausing or closing (nothing in a lower layer
    # may: tracking reads offers through its short cache, tracking.lookups).
    events.emit(
        "offer.status_changed",
        network_id=offer.network_id,
        source=offer,
        from_status=move[0],
        to_status=to_status,
    )
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
