"""What the invoices app does when lower layers tell it something (network.events)."""

from __future__ import annotations

from datetime import date

from invoices.services import month_bill
from network import events
from network.models import Network


@events.subscribe("month.closed")
def bill_the_month(name: str, *, network_id: int, source: Network, period: date, **context) -> None:
    """The monthly job (payouts.tasks.monthly_payouts) closed a month: bill it before its payout
    run is made. Made once: a month billed already makes nothing new. An error is not caught:
    the job fails and makes no run, and the next hourly check tries both again."""
    month_bill(source, period)
