"""Advertiser invoices: one per advertiser, month and currency, from the ledger's receivables.

An invoice bills what was approved (less what was reversed) in the month, by posting time in
the network's time zone, with a line per offer and goal. Numbers count up per network.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils.timezone import now
from django.utils.translation import gettext as _

from network import audit
from network.models import Network, User
from payouts import ledger
from payouts.models import Account, Entry, Invoice, InvoiceLine, LedgerTransaction
from payouts.runs import PayoutError, month_start, period_bounds

Kind = LedgerTransaction.Kind


@transaction.atomic
def invoices_create(network: Network, period: date) -> list[Invoice]:
    """The month's invoices, made once (the unique constraint and the network lock)."""
    period = month_start(period)
    start, end = period_bounds(period, network.timezone)
    if end > now():
        raise PayoutError(_("That month has not ended yet."))
    Network.objects.select_for_update().filter(pk=network.pk).first()
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
    number = Invoice.objects.aggregate(last=Max("number"))["last"] or 0
    made = []
    for (advertiser_id, currency), lines in grouped.items():
        total = sum(line["total"] for line in lines)
        if (advertiser_id, currency) in existing or total == 0:
            continue
        number += 1
        invoice = Invoice.objects.create(
            network=network,
            advertiser_id=advertiser_id,
            number=number,
            period=period,
            currency=currency,
            total=total,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                network=network,
                invoice=invoice,
                offer_id=line["conversion__offer_id"],
                goal_id=line["conversion__goal_id"],
                conversions=line["approvals"],
                amount=line["total"],
            )
            for line in lines
        )
        audit.record(
            network=network,
            actor=None,
            actor_label="system: monthly invoices",
            action="invoice.issued",
            obj=invoice,
            to_state=invoice.status,
        )
        made.append(invoice)
    transaction.on_commit(lambda: _notify(network, made))
    return made


def _notify(network: Network, invoices: list[Invoice]) -> None:
    from payouts.tasks import send_invoice_email

    for invoice in invoices:
        send_invoice_email.delay(network_id=network.pk, invoice_id=invoice.pk)


@transaction.atomic
def invoice_record_payment(
    network: Network, invoice_id: int, *, reference: str, actor: User
) -> Invoice:
    """The advertiser paid: cash in, receivable down, once."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if invoice.status == Invoice.Status.PAID:
        raise PayoutError(_("This invoice is paid already."))
    if not reference.strip():
        raise PayoutError(_("Give the payment reference."))
    cash = ledger.account(network, Account.Kind.CASH, invoice.currency)
    receivable = ledger.account(
        network, Account.Kind.RECEIVABLE, invoice.currency, advertiser_id=invoice.advertiser_id
    )
    ledger.post(
        network,
        kind=Kind.ADVERTISER_PAYMENT,
        key=f"invoice:{invoice.pk}:payment",
        lines=[(cash, invoice.total), (receivable, -invoice.total)],
        memo=f"invoice {invoice.number} ref {reference}"[:200],
    )
    invoice.status, invoice.paid_at = Invoice.Status.PAID, now()
    invoice.payment_reference = reference.strip()
    invoice.save(update_fields=["status", "paid_at", "payment_reference"])
    audit.record(
        network=network,
        actor=actor,
        action="invoice.paid",
        obj=invoice,
        from_state=Invoice.Status.ISSUED,
        to_state=Invoice.Status.PAID,
        reason=reference,
    )
    return invoice
