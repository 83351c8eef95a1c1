"""What the audit log says about payout runs and lines, invoices, credit notes and payment
details (audit.text, audit.log): imported by PayoutsConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit import log as audit_log
from audit import text as audit_text
from network.models import Role
from payouts.models import CreditNote, Invoice, PayoutLine, PayoutRun
from publishers.models import PaymentDetails

audit_text.register_actions(
    {
        "credit_note.issued": _("Credit note issued"),
        "credit_note.applied": _("Credit note applied"),
        "invoice.issued": _("Invoice issued"),
        "invoice.paid": _("Invoice paid"),
        "payment_details.created": _("Payment details added"),
        "payment_details.changed": _("Payment details changed"),
        "payout_line.paid": _("Payout paid"),
        "payout_run.created": _("Payout run started"),
        "payout_run.recovered": _("Payout run resumed"),
        "payout_run.first_approval": _("First approval"),
        "payout_run.approved": _("Payout run approved"),
        "payout_run.exported": _("Payment file downloaded"),
        "payout_run.paid": _("Payout run paid"),
    }
)
audit_text.register_states("payouts.payoutrun", dict(PayoutRun.Status.choices))
audit_text.register_states("payouts.payoutline", dict(PayoutLine.Status.choices))
audit_text.register_states("payouts.invoice", dict(Invoice.Status.choices))
audit_text.register_states("payouts.paymentdetails", dict(PaymentDetails.Method.choices))

for label, name in (
    ("payouts.payoutrun", _("Payout run")),
    ("payouts.payoutline", _("Payout line")),
    ("payouts.paymentdetails", _("Payment details")),
    ("payouts.invoice", _("Invoice")),
    ("payouts.creditnote", _("Credit note")),
):
    audit_log.register_object_type(label, name)

audit_log.register_owned(
    Role.ADVERTISER,
    "payouts.invoice",
    lambda company: Invoice.objects.filter(advertiser_id=company),
)
audit_log.register_owned(
    Role.ADVERTISER,
    "payouts.creditnote",
    lambda company: CreditNote.objects.filter(advertiser_id=company),
)
audit_log.register_owned(
    Role.PUBLISHER,
    "payouts.payoutline",
    lambda company: PayoutLine.objects.filter(publisher_id=company),
)
audit_log.register_owned(
    Role.PUBLISHER,
    "payouts.paymentdetails",
    lambda company: PaymentDetails.objects.filter(publisher_id=company),
)

audit_log.register_page(audit_log.ADMIN, "payouts.payoutrun", "payout_run_detail")
audit_log.register_page(audit_log.ADMIN, "payouts.payoutline", "payout_line_detail")
audit_log.register_page(audit_log.ADMIN, "payouts.invoice", "admin_invoice_detail")
audit_log.register_page(audit_log.ADMIN, "payouts.creditnote", "admin_credit_note_detail")
audit_log.register_page(Role.ADVERTISER, "payouts.invoice", "advertiser_invoice_detail")
audit_log.register_page(Role.ADVERTISER, "payouts.creditnote", "advertiser_credit_note_detail")
audit_log.register_page(
    Role.PUBLISHER, "payouts.paymentdetails", "publisher_payment_details", takes_id=False
)
