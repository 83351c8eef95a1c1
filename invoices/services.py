"""Advertiser invoices and credit notes: one per advertiser, month and currency, from the
ledger's receivables.

A month bills what was approved (less what was reversed) in it, by posting time in the
network's time zone, with a line per offer and goal. A positive month makes an invoice
(INV-<year>-<number>), a negative one a credit note (CN-<year>-<number>, its own series); both
count up per network without gaps (numbered under the network's row lock, in the transaction
that makes them) and the database refuses a number twice. A credit note's remainder is taken
off the advertiser's next invoices in its currency, oldest credit first; an invoice it covers
whole is settled (paid) without a payment. Nothing here posts to the ledger except a payment
(cash in, receivable down): the reversals already lowered the receivable.

The monthly job (payouts.tasks.monthly_payouts) bills the month before it makes the payout
run, through the event "month.closed" (invoices/events.py).
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypedDict, TypeVar, Unpack

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils.timezone import localtime, now
from django.utils.translation import gettext as _

from audit import audit_row
from lib.formats import format_money
from lib.money import minor_units, to_minor
from network.models import Network, User
from network.tasks import send_email_of
from payouts import ledger
from payouts.models import (
    Account,
    CreditApplication,
    CreditNote,
    CreditNoteLine,
    Entry,
    Invoice,
    InvoiceLine,
    LedgerTransaction,
)
from payouts.runs import PayoutError, mark_paid, month_start, period_bounds

Kind = LedgerTransaction.Kind
SYSTEM = "system: monthly invoices"


@dataclass
class Billing:
    """What billing a month made (what existed already is not in it)."""

    invoices: list[Invoice] = field(default_factory=list)
    credit_notes: list[CreditNote] = field(default_factory=list)


def invoices_create(network: Network, period: date) -> list[Invoice]:
    """The month's invoices (and credit notes), made once; the invoices made."""
    return month_bill(network, period).invoices


@transaction.atomic
def month_bill(network: Network, period: date) -> Billing:
    """Bill a month that has ended, once (the unique constraints and the network lock)."""
    period = month_start(period)
    start, end = period_bounds(period, network.timezone)
    if end > now():
        raise PayoutError(_("That month has not ended yet."))
    network = Network.objects.select_for_update().get(pk=network.pk)
    rows = (
        Entry.objects.filter(
            account__kind=Account.Kind.RECEIVABLE,
            kind__in=[Kind.APPROVAL, Kind.REVERSAL],
            created_at__gte=start,
            created_at__lt=end,
        )
        .values(
            "account__advertiser_id",
            "account__currency",
            "conversion__offer_id",
            "conversion__goal_id",
        )
        .annotate(total=Sum("amount"), approvals=Count("id", filter=Q(kind=Kind.APPROVAL)))
        .order_by("account__advertiser_id", "account__currency")
    )
    grouped = defaultdict(list)
    for row in rows:
        grouped[(row["account__advertiser_id"], row["account__currency"])].append(row)
    existing = set(Invoice.objects.filter(period=period).values_list("advertiser_id", "currency"))
    existing |= set(
        CreditNote.objects.filter(period=period).values_list("advertiser_id", "currency")
    )
    billing = Billing()
    for (advertiser_id, currency), lines in grouped.items():
        total = sum(line["total"] for line in lines)
        if (advertiser_id, currency) in existing or total == 0:
            continue
        document = {"period": period, "advertiser_id": advertiser_id, "currency": currency}
        if total > 0:
            billing.invoices.append(_invoice_create(network, lines, total=total, **document))
        else:
            billing.credit_notes.append(
                _credit_note_create(network, lines, total=-total, **document)
            )
    for invoice in billing.invoices:
        _apply_credit(network, invoice)
    transaction.on_commit(lambda: _notify(network, billing.invoices))
    return billing


def _line_fields(line: dict) -> dict[str, int]:
    """An invoice's or credit note's line from one row of the month's approvals."""
    return {
        "offer_id": line["conversion__offer_id"],
        "goal_id": line["conversion__goal_id"],
        "conversions": line["approvals"],
        "amount": line["total"],
    }


class _States(TypedDict, total=False):
    from_state: str
    to_state: str
    reason: str


def _record_system(
    network: Network, action: str, obj: Invoice | CreditNote, **states: Unpack[_States]
) -> None:
    """An audit row of billing done by the system (no user acts)."""
    audit_row(obj, None, action=action, network=network, actor_label=SYSTEM, **states)


Document = TypeVar("Document", Invoice, CreditNote)


def _numbered(model: type[Document], **document: Any) -> Document:
    """A new invoice or credit note with the network's next number of its kind (the caller
    holds the network's row lock)."""
    number = (model.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    return model.objects.create(number=number, **document)


def _invoice_create(network: Network, lines: list, **document: Any) -> Invoice:
    """The invoice of an advertiser's month (`document`: period, advertiser_id, currency,
    total), issued now, due after the network's terms."""
    issued_at = now()
    issued_on = localtime(issued_at, zoneinfo.ZoneInfo(network.timezone)).date()
    invoice = _numbered(
        Invoice,
        network=network,
        issued_at=issued_at,
        terms_days=network.invoice_terms_days,
        due_date=issued_on + timedelta(days=network.invoice_terms_days),
        **document,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(network=network, invoice=invoice, **_line_fields(line)) for line in lines
    )
    _record_system(network, "invoice.issued", invoice, to_state=invoice.status)
    return invoice


def _credit_note_create(
    network: Network, lines: list, *, total: int, **document: Any
) -> CreditNote:
    """The credit note of an advertiser's month whose reversals outweigh its approvals
    (`document`: period, advertiser_id, currency), all of it still to apply."""
    note = _numbered(CreditNote, network=network, total=total, remaining=total, **document)
    CreditNoteLine.objects.bulk_create(
        CreditNoteLine(network=network, credit_note=note, **_line_fields(line)) for line in lines
    )
    _record_system(
        network, "credit_note.issued", note, to_state=str(ledger.from_minor(total, note.currency))
    )
    return note


def _apply_credit(network: Network, invoice: Invoice) -> None:
    """Take the advertiser's open credit in the invoice's currency off it, oldest first; an
    invoice covered whole is settled without a payment."""
    notes = CreditNote.objects.select_for_update().filter(
        advertiser_id=invoice.advertiser_id, currency=invoice.currency, remaining__gt=0
    )
    for note in notes.order_by("period", "number"):
        taken = min(note.remaining, invoice.amount_due)
        if taken <= 0:
            break
        CreditApplication.objects.create(
            network=network, credit_note=note, invoice=invoice, amount=taken
        )
        before = note.remaining
        note.remaining -= taken
        note.save(update_fields=["remaining"])
        invoice.credit_applied += taken
        _record_system(
            network,
            "credit_note.applied",
            note,
            from_state=str(ledger.from_minor(before, note.currency)),
            to_state=str(ledger.from_minor(note.remaining, note.currency)),
            reason=invoice.display_number,
        )
    if not invoice.credit_applied:
        return
    fields = ["credit_applied"]
    if invoice.amount_due == 0:
        invoice.status, invoice.paid_at = Invoice.Status.PAID, invoice.issued_at
        fields += ["status", "paid_at"]
        _record_system(
            network,
            "invoice.paid",
            invoice,
            from_state=Invoice.Status.ISSUED,
            to_state=Invoice.Status.PAID,
            reason="settled by credit notes",
        )
    invoice.save(update_fields=fields)


def _notify(network: Network, invoices: list[Invoice]) -> None:
    for invoice in invoices:
        send_email_of.delay(kind="invoice_issued", network_id=network.pk, object_id=invoice.pk)


def check_payment_amount(amount: Decimal, invoice: Invoice) -> int:
    """The amount in minor units, or PayoutError: above zero, no finer than the currency's
    minor unit, and the amount due (a payment settles the invoice whole)."""
    if amount <= 0:
        raise PayoutError(_("A payment is always positive: give an amount above zero."))
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -minor_units(invoice.currency):
        raise PayoutError(
            _("%(currency)s has no amounts finer than %(places)d decimals.")
            % {"currency": invoice.currency, "places": minor_units(invoice.currency)}
        )
    minor = to_minor(amount, invoice.currency)
    if minor != invoice.amount_due:
        currency = invoice.currency
        due = format_money(ledger.from_minor(invoice.amount_due, currency), currency)
        raise PayoutError(_("The payment must be the amount due, %(due)s.") % {"due": due})
    return minor


@transaction.atomic
def invoice_record_payment(
    network: Network, invoice_id: int, *, amount: Decimal, reference: str, actor: User
) -> Invoice:
    """The advertiser paid the amount due: cash in, receivable down, once."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if invoice.status == Invoice.Status.PAID:
        raise PayoutError(_("This invoice is paid already."))
    if not reference.strip():
        raise PayoutError(_("Give the payment reference."))
    paid = check_payment_amount(amount, invoice)
    cash = ledger.account(network, Account.Kind.CASH, invoice.currency)
    receivable = ledger.account(
        network, Account.Kind.RECEIVABLE, invoice.currency, advertiser_id=invoice.advertiser_id
    )
    ledger.post(
        network,
        kind=Kind.ADVERTISER_PAYMENT,
        key=f"invoice:{invoice.pk}:payment",
        lines=[(cash, paid), (receivable, -paid)],
        memo=f"invoice {invoice.number} ref {reference}"[:200],
    )
    mark_paid(
        network,
        invoice,
        actor,
        "invoice.paid",
        reference=reference.strip(),
        from_state=Invoice.Status.ISSUED,
    )
    return invoice
