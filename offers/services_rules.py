"""What publishers earn and how much an offer may take: goal payouts, per-publisher overrides,
payout tiers, and caps. Every change of what a publisher earns writes its audit row in the
same transaction; a row two admins could change at once is locked first.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

import audit
from network.models import Network, User
from offers.models import (
    Cap,
    Goal,
    Offer,
    PayoutOverride,
    PayoutTier,
    TierMembership,
    TierPayout,
)
from offers.services import ADVERTISER, OfferError, actor_kind, lock_writable, touch
from publishers.models import Publisher


def _terms_state(terms) -> str:
    """Payout terms as an audit state: "cpa 8.00 + 0%"."""
    return f"{terms.payout_type} {terms.payout_amount} + {terms.payout_percent}%"[:64]


@transaction.atomic
def goal_set_payout(
    *, goal: Goal, actor: User, payout_type: str, amount, percent, reason: str = ""
) -> Goal:
    """What every publisher earns on the goal unless a tier or an override says otherwise."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    before = _terms_state(goal)
    goal.payout_type, goal.payout_amount, goal.payout_percent = payout_type, amount, percent
    goal.payout_set = True
    goal.save(update_fields=["payout_type", "payout_amount", "payout_percent", "payout_set"])
    audit.record(
        network=goal.network,
        actor=actor,
        action="goal.payout",
        obj=goal,
        from_state=before,
        to_state=_terms_state(goal),
        reason=reason,
    )
    return goal


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
        raise OfferError(already_in_tier(publisher, current.tier if current else None)) from None
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
def cap_create(*, cap: Cap, actor: User, role: str) -> Cap:
    """Add a cap (`cap`: the cap form's unsaved row) to its offer. An advertiser's pages never
    write to an archived offer: for them the offer is locked and checked again here."""
    offer = _offer_for_caps(cap.offer, role)
    cap.network, cap.offer = offer.network, offer
    cap.save()
    touch(offer)
    audit.record(network=cap.network, actor=actor, action="cap.created", obj=cap)
    return cap


@transaction.atomic
def cap_delete(*, cap: Cap, actor: User, role: str) -> None:
    """Remove a cap once: of two removals at the same time, the second finds it gone."""
    offer = _offer_for_caps(cap.offer, role)
    if not Cap.objects.select_for_update().filter(pk=cap.pk).exists():
        raise OfferError(_("This cap was already removed."))
    audit.record(network=cap.network, actor=actor, action="cap.deleted", obj=cap)
    cap.delete()
    touch(offer)


def _offer_for_caps(offer: Offer, role: str) -> Offer:
    """The offer's row, locked (a concurrent archive move waits, or wins); an advertiser may
    not change an archived offer's caps, the admins may."""
    if actor_kind(role) == ADVERTISER:
        return lock_writable(offer)
    return Offer.objects.select_for_update().get(pk=offer.pk)


def already_in_tier(publisher: Publisher, tier: PayoutTier | None) -> str:
    if tier:
        return _(
            "%(publisher)s is already in the tier “%(tier)s”: a publisher is in one tier at most."
        ) % {"publisher": publisher, "tier": tier}
    return _("%(publisher)s is already in another tier: a publisher is in one tier at most.") % {
        "publisher": publisher
    }
