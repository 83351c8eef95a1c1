"""What the audit log says about payout runs and lines and payment details (audit.text,
audit.log): imported by PayoutsConfig.ready. Invoices and credit notes:
invoices/audit_labels.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit import log as audit_log
from audit import text as audit_text
from network.models import Role
from payouts.models import PayoutLine, PayoutRun
from publishers.models import PaymentDetails

audit_text.register_actions(
    {
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
audit_text.register_states("payouts.paymentdetails", dict(PaymentDetails.Method.choices))

for label, name in (
    ("payouts.payoutrun", _("Payout run")),
    ("payouts.payoutline", _("Payout line")),
    ("payouts.paymentdetails", _("Payment details")),
):
    audit_log.register_object_type(label, name)

audit_log.register_owned(Role.PUBLISHER, "payouts.payoutline", PayoutLine, "publisher_id")
audit_log.register_owned(Role.PUBLISHER, "payouts.paymentdetails", PaymentDetails, "publisher_id")

audit_log.register_page(audit_log.ADMIN, "payouts.payoutrun", "payout_run_detail")
audit_log.register_page(audit_log.ADMIN, "payouts.payoutline", "payout_line_detail")
audit_log.register_page(
    Role.PUBLISHER, "payouts.paymentdetails", "publisher_payment_details", takes_id=False
)
