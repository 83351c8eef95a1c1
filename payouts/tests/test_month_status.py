"""statements.month_status: the one status of a month, for the list and the month's page."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from payouts.statements import LineSpan, MonthStatus, month_status
from payouts.tests.helpers import DECEMBER, OCTOBER, SEPTEMBER

UTC_ZONE = ZoneInfo("UTC")
END_OF = {
    SEPTEMBER: datetime(2026, 10, 1, tzinfo=UTC),
    OCTOBER: datetime(2026, 11, 1, tzinfo=UTC),
}


def status(lines, *, period=SEPTEMBER, last_run=OCTOBER, currency="USD"):
    return month_status(period, currency, lines, zone=UTC_ZONE, current=DECEMBER, last_run=last_run)


def test_a_month_carried_by_its_run_and_paid_by_the_next_reads_paid():
    carried = LineSpan("USD", "carried", None, END_OF[SEPTEMBER])
    paid = LineSpan("USD", "paid", None, END_OF[OCTOBER])
    assert status([carried]) == MonthStatus.CARRIED
    assert status([carried, paid]) == MonthStatus.PAID
    assert status([carried, LineSpan("USD", "payable", None, END_OF[OCTOBER])]) == "to_pay"


def test_only_lines_covering_the_month_in_its_currency_count():
    later = LineSpan("USD", "paid", END_OF[SEPTEMBER], END_OF[OCTOBER])  # October alone
    other_currency = LineSpan("EUR", "paid", None, END_OF[OCTOBER])
    assert status([later, other_currency]) == MonthStatus.NOTHING_DUE
    assert status([later], last_run=None) == MonthStatus.AWAITING_RUN
    assert status([later], period=DECEMBER) == MonthStatus.OPEN
