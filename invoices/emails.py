"""Emails about invoices: an invoice issued, to its advertiser's users (kind "invoice_issued",
sent by network.tasks.send_email_of)."""

from __future__ import annotations

from network.emails import emails_of, portal_path, send_linked
from payouts.ledger import from_minor
from payouts.models import Invoice


def send_invoice_issued(invoice_id: int) -> None:
    invoice = Invoice.objects.select_related("advertiser", "network").get(pk=invoice_id)
    send_linked(
        "invoice_issued",
        emails_of(invoice.advertiser.memberships.all()),
        invoice.network,
        portal_path("advertiser_invoice_detail", invoice_id=invoice.pk),
        invoice=invoice,
        total=from_minor(invoice.total, invoice.currency),
        credit=from_minor(invoice.credit_applied, invoice.currency),
        due=from_minor(invoice.amount_due, invoice.currency),
    )
