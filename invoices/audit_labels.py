"""What the audit log says about invoices and credit notes (audit.text,
audit.log): imported by InvoicesConfig.ready. The models are payouts' (payouts.Invoice,
payouts.CreditNote): the log calls their rows "payouts.invoice" and "payouts.creditnote"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit import log as audit_log
from audit import text as audit_text
from network.models import Role
from payouts.models import CreditNote, Invoice

INVOICE = Invoice._meta.label_lower
CREDIT_NOTE = CreditNote._meta.label_lower

audit_text.register_actions(
    {
        "credit_note.issued": _("Credit note issued"),
        "credit_note.applied": _("Credit note applied"),
        "invoice.issued": _("Invoice issued"),
        "invoice.paid": _("Invoice paid"),
    }
)
audit_text.register_states(INVOICE, dict(Invoice.Status.choices))

audit_log.register_object_type(INVOICE, _("Invoice"))
audit_log.register_object_type(CREDIT_NOTE, _("Credit note"))

audit_log.register_owned(Role.ADVERTISER, INVOICE, Invoice, "advertiser_id")
audit_log.register_owned(Role.ADVERTISER, CREDIT_NOTE, CreditNote, "advertiser_id")

audit_log.register_page(audit_log.ADMIN, INVOICE, "admin_invoice_detail")
audit_log.register_page(audit_log.ADMIN, CREDIT_NOTE, "admin_credit_note_detail")
audit_log.register_page(Role.ADVERTISER, INVOICE, "advertiser_invoice_detail")
audit_log.register_page(Role.ADVERTISER, CREDIT_NOTE, "advertiser_credit_note_detail")
