"""What publishers earn: goal payouts, per-publisher overrides and payout tiers. Every change
writes its audit row in the same transaction; a row two admins could change at once is
locked first, and one created twice at the same time is refused with words, not a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from audit import audit_row
from commissions.models import PayoutOverride, PayoutTier, TierMembership, TierPayout
from network.models import Network, User
from network.services import create_unique
from offers.models import Goal
from offers.services import OfferError
from publishers.models import Publisher

Row = TypeVar("Row", bound=models.Model)


def _terms_state(terms) -> str:
    """Payout terms as an audit state: "cpa 8.00 + 0%"."""
    return f"{terms.payout_type} {terms.payout_amount} + {terms.payout_percent}%"[:64]


def _create(
    model: type[Row], refused: Callable[[], str], *, actor: User, action: str, to_state: str, **row
) -> Row:
    """A new row, audited; the database's uniqueness refuses a twin (`refused()`'s words)."""
    created = create_unique(model, lambda: OfferError(refused()), **row)
    audit_row(created, actor, action=action, network=row["network"], to_state=to_state[:64])
    return created


def _set_terms(
    model: type[Row], conflict: str, *, network: Network, actor: User, action: str, terms, **keys
) -> Row:
    """The terms of the `model` row of `keys` (made if there is none, locked if there is),
    audited from the old terms to the new."""
    row = model.objects.select_for_update().filter(**keys).first()  # type: ignore[attr-defined]
    before = _terms_state(row) if row else ""
    if row is None:
        row = model(network=network, **keys)
    row.payout_type, row.payout_amount, row.payout_percent = terms
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # created by someone else meanwhile
        raise OfferError(conflict) from None
    audit_row(
        row, actor, action=action, network=network, from_state=before, to_state=_terms_state(row)
    )
    return row


def _delete(row: models.Model, *, actor: User, action: str, from_state: str) -> None:
    audit_row(row, actor, action=action, from_state=from_state[:64])
    row.delete()


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
    audit_row(
        goal,
        actor,
        action="goal.payout",
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
    return _set_terms(
        PayoutOverride,
        _("This override was just changed by someone else; try again."),
        network=goal.network,
        actor=actor,
        action="payout_override.set",
        terms=(payout_type, amount, percent),
        goal=goal,
        publisher=publisher,
    )


@transaction.atomic
def payout_override_delete(*, override: PayoutOverride, actor: User) -> None:
    _delete(
        override,
        actor=actor,
        action="payout_override.deleted",
        from_state=_terms_state(override),
    )


@transaction.atomic
def tier_create(*, network: Network, name: str, actor: User) -> PayoutTier:
    return _create(
        PayoutTier,
        lambda: _("There is already a tier with this name."),
        actor=actor,
        action="tier.created",
        to_state=name,
        network=network,
        name=name,
    )


@transaction.atomic
def tier_member_add(*, tier: PayoutTier, publisher: Publisher, actor: User) -> TierMembership:
    """Put a publisher in a tier; the database keeps them in one tier at most."""

    def refused() -> str:
        current = TierMembership.objects.filter(publisher=publisher).select_related("tier").first()
        return already_in_tier(publisher, current.tier if current else None)

    return _create(
        TierMembership,
        refused,
        actor=actor,
        action="tier.member_added",
        to_state=tier.name,
        network=tier.network,
        tier=tier,
        publisher=publisher,
    )


@transaction.atomic
def tier_member_remove(*, membership: TierMembership, actor: User) -> None:
    _delete(membership, actor=actor, action="tier.member_removed", from_state=membership.tier.name)


@transaction.atomic
def tier_payout_set(
    *, tier: PayoutTier, goal: Goal, actor: User, payout_type: str, amount, percent
) -> TierPayout:
    return _set_terms(
        TierPayout,
        _("This tier payout was just changed by someone else; try again."),
        network=tier.network,
        actor=actor,
        action="tier_payout.set",
        terms=(payout_type, amount, percent),
        tier=tier,
        goal=goal,
    )


@transaction.atomic
def tier_payout_delete(*, tier_payout: TierPayout, actor: User) -> None:
    _delete(
        tier_payout,
        actor=actor,
        action="tier_payout.deleted",
        from_state=_terms_state(tier_payout),
    )


def already_in_tier(publisher: Publisher, tier: PayoutTier | None) -> str:
    if tier:
        return _(
            "%(publisher)s is already in the tier “%(tier)s”: a publisher is in one tier at most."
        ) % {"publisher": publisher, "tier": tier}
    return _("%(publisher)s is already in another tier: a publisher is in one tier at most.") % {
        "publisher": publisher
    }
