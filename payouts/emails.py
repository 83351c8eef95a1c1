"""Emails about money: a run ready for review, a payout approved or paid (an invoice issued:
invoices/emails.py)."""

from __future__ import annotations

from django.urls import reverse

from network.emails import admin_emails, emails_of, send_templated
from payouts.ledger import from_minor
from payouts.models import PayoutLine, PayoutRun


def portal_path(name: str, **kwargs) -> str:
    """A page of a network's portal (emails are sent outside any request's urlconf)."""
    return reverse(name, urlconf="network.urls", kwargs=kwargs)


def send_run_ready(payout_run_id: int) -> None:
    run = PayoutRun.objects.select_related("network").get(pk=payout_run_id)
    send_templated(
        template="payout_run_ready",
        to=admin_emails(),
        context={
            "run": run,
            "url": run.network.absolute_url(portal_path("payout_run_detail", payout_run_id=run.pk)),
        },
    )


def send_payout(payout_line_id: int, event: str) -> None:
    line = PayoutLine.objects.select_related("run", "publisher", "network").get(pk=payout_line_id)
    send_templated(
        template=f"payout_{event}",
        to=emails_of(line.publisher.memberships.all()),
        context={
            "line": line,
            "amount": from_minor(line.amount, line.currency),
            "url": line.network.absolute_url(
                portal_path(
                    "publisher_statement",
                    year=line.run.period.year,
                    month=line.run.period.month,
                )
            ),
        },
    )
