"""Emails about money: a run ready for review, a payout approved or paid (an invoice issued:
invoices/emails.py)."""

from __future__ import annotations

from network.emails import admin_emails, emails_of, portal_path, send_linked
from payouts.ledger import from_minor
from payouts.models import PayoutLine, PayoutRun


def send_run_ready(payout_run_id: int) -> None:
    run = PayoutRun.objects.select_related("network").get(pk=payout_run_id)
    path = portal_path("payout_run_detail", payout_run_id=run.pk)
    send_linked("payout_run_ready", admin_emails(), run.network, path, run=run)


def send_payout(payout_line_id: int, event: str) -> None:
    line = PayoutLine.objects.select_related("run", "publisher", "network").get(pk=payout_line_id)
    period = line.run.period
    send_linked(
        f"payout_{event}",
        emails_of(line.publisher.memberships.all()),
        line.network,
        portal_path("publisher_statement", year=period.year, month=period.month),
        line=line,
        amount=from_minor(line.amount, line.currency),
    )
