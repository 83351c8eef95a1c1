"""Invoices' tasks: only the email task under its former name, registered as it always was
(messages queued before the generic network.tasks.send_email_of still send). The month's
invoices are made by the monthly job (payouts.tasks.monthly_payouts, through invoices/events.py).
"""

from __future__ import annotations

from network.tasks import former_email_task

send_invoice_email = former_email_task(
    "payouts.tasks.send_invoice_email", "invoice_issued", "invoice_id"
)
