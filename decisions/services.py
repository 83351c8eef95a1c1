"""A conversion's life after it is stored: approve, reject, reverse, and admin overrides.

pending -> approved | rejected; approved -> reversed. An admin may override any decision
(any status to any other) with a reason. Every change locks the row, re-checks the status,
posts to the ledger when money moves (into or out of "approved"), and writes the audit entry,
all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.timezone import now
from django.utils.translation import gettext as _

from audit import audit_row
from lib.money import quantize, validate_amount
from network import events
from network.errors import ServiceError
from network.models import Network, User
from offers.models import Offer
from payouts import ledger
from tracking import lookups
from tracking.conversions import goal_revenue
from tracking.models import Conversion

Status = Conversion.Status
ALLOWED = {
    Status.PENDING: {Status.APPROVED, Status.REJECTED},
    Status.APPROVED: {Status.REVERSED},
    Status.REJECTED: set(),
    Status.REVERSED: set(),
}
NEEDS_REASON = {Status.REJECTED, Status.REVERSED}
HOLD_BATCH = 500


class DecisionError(ServiceError, ValueError):
    """Why a decision cannot be made, in words for the page (translated when raised)."""


def status_word(status: str) -> str:
    """A status as a word within a sentence: 'pending', 'chờ duyệt'."""
    return str(Status(status).label).lower() if status in Status.values else status


@dataclass(frozen=True)
class Actor:
    """Who decides: a person, or a label for an API key or the system job."""

    user: User | None = None
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or (self.user.email if self.user else "system")


SYSTEM_HOLD = Actor(label="system: hold period passed")


def check_allowed(conversion: Conversion, to_status: str, *, override: bool, reason: str) -> None:
    if to_status not in Status.values:
        raise DecisionError(_("Unknown status “%(status)s”.") % {"status": to_status})
    if to_status == conversion.status:
        raise DecisionError(
            _("The conversion is %(status)s already.") % {"status": status_word(to_status)}
        )
    if override:
        if not reason.strip():
            raise DecisionError(_("An override needs a reason."))
        return
    if to_status not in ALLOWED[Status(conversion.status)]:
        raise DecisionError(
            _("A %(from)s conversion cannot become %(to)s.")
            % {"from": status_word(conversion.status), "to": status_word(to_status)}
        )
    if to_status in NEEDS_REASON and not reason.strip():
        raise DecisionError(
            _("Say why the conversion is %(status)s.") % {"status": status_word(to_status)}
        )


@transaction.atomic
def conversion_decide(
    *,
    network: Network,
    conversion_id: int,
    to_status: str,
    actor: Actor,
    reason: str = "",
    override: bool = False,
    sale_amount: Decimal | None = None,
) -> Conversion:
    """Change a conversion's status (and, while pending, its sale amount); raises DecisionError."""
    conversion = (
        Conversion.objects.select_for_update().select_related("offer").get(pk=conversion_id)
    )
    check_allowed(conversion, to_status, override=override, reason=reason)
    if sale_amount is not None:
        reprice(network, conversion, sale_amount)
    was_approved = conversion.status == Status.APPROVED
    if was_approved != (to_status == Status.APPROVED):
        post_change(network, conversion, approve=not was_approved)
    from_status = conversion.status
    conversion.status, conversion.decided_at = to_status, now()
    if to_status != Status.PENDING and reason:
        conversion.reason_code = reason[:32] if to_status != Status.APPROVED else ""
    conversion.save(
        update_fields=[
            "status",
            "decided_at",
            "reason_code",
            "ledger_postings",
            "sale_amount",
            "revenue",
            "payout",
        ]
    )
    audit_row(
        conversion,
        actor.user,
        action="conversion.override" if override else f"conversion.{to_status}",
        network=network,
        actor_label=actor.name,
        from_state=from_status,
        to_state=to_status,
        reason=reason,
    )
    events.emit(
        "conversion.status_changed",
        network_id=network.pk,
        source=conversion,
        previous_status=from_status,
        reason=reason,
        changed_by=actor.name,
    )
    return conversion


def post_change(network: Network, conversion: Conversion, *, approve: bool) -> None:
    """The approval's entries, or their opposite (payouts.ledger.post_conversion); the
    conversion's row is locked."""
    if ledger.post_conversion(network, conversion, approve=approve) is None:
        # the row lock makes this unreachable; the constraint makes it certain
        raise DecisionError(_("This change was posted already."))


def reprice(network: Network, conversion: Conversion, sale_amount: Decimal) -> None:
    """A corrected sale amount re-prices the percent parts with the goal's current terms."""
    if conversion.status != Status.PENDING:
        raise DecisionError(_("Only a pending conversion's sale amount can be corrected."))
    currency = conversion.currency
    if sale_amount < 0:
        raise DecisionError(_("A sale amount cannot be negative."))
    try:  # never rounded away: 0.001 USD would re-price a percent commission to 0
        validate_amount(sale_amount, currency)
    except ValidationError as exc:
        raise DecisionError(" ".join(exc.messages)) from exc
    amount = quantize(sale_amount, currency)
    terms = lookups.conversion_terms(network.pk, conversion.offer_id)
    goal = terms.goals.get(conversion.goal_id) if terms is not None else None
    if goal is None:
        raise DecisionError(_("The conversion's goal no longer exists."))
    payout = lookups.payout_terms(network.pk, conversion.goal_id, conversion.publisher_id)
    conversion.sale_amount = amount
    conversion.revenue = goal_revenue(goal, amount, currency)
    conversion.payout = payout.earned(amount, currency)


def approve_held_conversions(network: Network) -> int:
    """Approve pending, checked, unflagged conversions whose offer's hold period has passed.

    Flagged ones (and ones not checked yet) wait for a person. Safe to run twice: each
    approval locks its row and re-checks that it is still pending."""
    approved = 0
    while True:
        due = list(held_and_due().values_list("pk", flat=True)[:HOLD_BATCH])
        for conversion_id in due:
            try:
                conversion_decide(
                    network=network,
                    conversion_id=conversion_id,
                    to_status=Status.APPROVED,
                    actor=SYSTEM_HOLD,
                )
                approved += 1
            except DecisionError:  # decided by someone else meanwhile
                pass
        if len(due) < HOLD_BATCH:
            return approved


def held_and_due() -> QuerySet[Conversion]:
    """Pending conversions past their offer's hold period, checked and unflagged."""
    pending = Conversion.objects.filter(
        status=Status.PENDING, fraud_checked_at__isnull=False, fraud_flags=[]
    )
    moment = now()
    due = Q(pk__in=[])
    # One condition per hold period in use (a handful), so the created_at index serves it.
    for days in Offer.objects.values_list("hold_days", flat=True).distinct():
        due |= Q(offer__hold_days=days, created_at__lte=moment - timedelta(days=days))
    return pending.filter(due).order_by("id")
