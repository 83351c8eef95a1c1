"""What a publisher's statements read: balances, pending earnings, the next payout, the list
of months and one month's conversions. Queries only; nothing here writes.

Amounts come from the ledger and the payout lines (integers in minor units) except where a
conversion's own payout is shown. Months are calendar months in the network's time zone.
Approvals and reversals count in the month they were posted, as the payout runs count them;
a month's conversions are those that happened in it. A conversion is "paid" when its
approval entry lies in the range [from_time, to_time) of a paid payout line of its publisher
and currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Case as CaseWhen
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from lib.money import to_minor
from network.models import Network
from payouts import ledger, methods
from payouts.minimums import Minimum, publisher_minimums
from payouts.models import (
    Account,
    Entry,
    LedgerTransaction,
    PayoutLine,
    PayoutRun,
)
from payouts.runs import last_closed_period, next_month, period_bounds
from publishers.models import PaymentDetails, Publisher
from publishers.payment_details import payment_hold_until
from tracking.models import Conversion

PAID = "paid"  # a conversion's shown status beyond Conversion.Status
SHOWN_STATUSES = [*Conversion.Status.choices, (PAID, _("Paid"))]
Kind = LedgerTransaction.Kind


class MonthStatus(models.TextChoices):
    OPEN = "open", _("Open: the month has not ended")
    AWAITING_RUN = "awaiting_run", _("Waiting for the payout run")
    NOTHING_DUE = "nothing_due", _("Nothing to pay")
    CARRIED = "carried", _("Below the minimum: carried over")
    NEGATIVE = "negative", _("Negative balance: carried over")
    TO_PAY = "to_pay", _("To be paid")
    PAID = "paid", _("Paid")


@dataclass(frozen=True)
class Amount:
    currency: str
    minor: int

    @property
    def value(self) -> Decimal:
        return ledger.from_minor(self.minor, self.currency)


@dataclass(frozen=True)
class NextPayout:
    """The publisher's balance not yet in an approved line, and when a run takes it."""

    amount: Amount
    run_date: date
    minimum: Decimal  # in the balance's currency: the publisher's own, else the network's
    below_minimum: bool
    negative: bool  # a reversal after a payout: nothing to pay, deducted from the next one
    awaiting: Amount | None  # lines approved for payment but not paid yet
    held_until: datetime | None
    cannot_pay: bool = False  # the payment method cannot pay this currency (payouts/methods)


@dataclass
class MonthRow:
    period: date
    currency: str
    conversions: int = 0
    approved: int = 0  # minor units posted in the month
    reversed: int = 0
    paid: int = 0  # paid lines of this month's run
    status: MonthStatus = MonthStatus.OPEN
    line_statuses: set[str] = field(default_factory=set)

    def money(self, minor: int) -> Decimal:
        return ledger.from_minor(minor, self.currency)

    @property
    def approved_amount(self) -> Decimal:
        return self.money(self.approved)

    @property
    def reversed_amount(self) -> Decimal:
        return self.money(self.reversed)

    @property
    def paid_amount(self) -> Decimal:
        return self.money(self.paid)


def payable_accounts(publisher: Publisher) -> list[Account]:
    return list(
        Account.objects.filter(kind=Account.Kind.PAYABLE, publisher=publisher).order_by("currency")
    )


def balances(accounts: list[Account]) -> list[Amount]:
    """What the network owes the publisher now, per currency, from the ledger."""
    return [Amount(acc.currency, ledger.balance(acc)) for acc in accounts]


def pending_earnings(publisher: Publisher) -> list[Amount]:
    """The payout of conversions still waiting for a decision, per currency."""
    pending = Conversion.objects.filter(publisher=publisher, status=Conversion.Status.PENDING)
    return [
        Amount(currency, to_minor(total, currency))
        for currency, total in totals_per_currency(pending, "payout")
    ]


def totals_per_currency(rows: QuerySet, field: str) -> list[tuple[str, Any]]:
    """(currency, the sum of `field`) over `rows`, one pair per currency, in currency order."""
    totals = rows.values("currency").annotate(total=Sum(field)).order_by("currency")
    return [(row["currency"], row["total"]) for row in totals]


def next_payouts(
    network: Network, publisher: Publisher, owed: list[Amount], *, moment: datetime | None = None
) -> list[NextPayout]:
    """Per currency: the balance the next monthly run would take if it ran now.

    Runs are made early on the 1st (network time) for the month that ended; a balance below
    the minimum payout is carried to the following month."""
    moment = moment or now()
    period = last_closed_period(network, moment)
    if PayoutRun.objects.filter(period__gte=period).exists():
        period = next_month(period)
    awaiting = dict(
        PayoutLine.objects.filter(publisher=publisher, status=PayoutLine.Status.PAYABLE)
        .values_list("currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    minimums = {m.currency: m for m in publisher_minimums(network, publisher)}
    held = payment_hold_until(publisher.pk)
    details = PaymentDetails.objects.filter(publisher=publisher).first()
    estimates = []
    for balance in owed:
        waiting = awaiting.get(balance.currency, 0)
        rest = balance.minor - waiting
        minimum = minimums.get(balance.currency, Minimum(balance.currency, None))
        estimates.append(
            NextPayout(
                amount=Amount(balance.currency, rest),
                run_date=next_month(period),
                minimum=minimum.applied_amount,
                below_minimum=rest <= 0 or rest < minimum.applied,
                negative=rest < 0,
                awaiting=Amount(balance.currency, waiting) if waiting else None,
                held_until=held,
                cannot_pay=bool(methods.currency_problem(details, balance.currency)),
            )
        )
    return estimates


def months(network: Network, publisher: Publisher, accounts: list[Account]) -> list[MonthRow]:
    """One row per month and currency with activity, newest first: conversions that
    happened, approvals and reversals posted, what the month's payout run paid."""
    zone = ZoneInfo(network.timezone)
    rows: dict[tuple[date, str], MonthRow] = {}

    def row(period: date, currency: str) -> MonthRow:
        return rows.setdefault((period, currency), MonthRow(period, currency))

    conversions = (
        Conversion.objects.filter(publisher=publisher)
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("month", "currency")
        .annotate(count=Count("id"))
        .order_by()
    )
    for item in conversions:
        row(item["month"].date(), item["currency"]).conversions = item["count"]
    for item in posted_by_month(accounts, zone):
        target = row(item["month"].date(), item["account__currency"])
        if item["kind"] == Kind.APPROVAL:
            target.approved = -item["total"]
        else:
            target.reversed = item["total"]
    lines = list(
        PayoutLine.objects.filter(publisher=publisher).values_list(
            "run__period", "currency", "status", "amount", "from_time", "to_time"
        )
    )
    for period, currency, status, amount, _from, _to in lines:
        target = row(period, currency)
        target.line_statuses.add(status)
        if status == PayoutLine.Status.PAID:
            target.paid += amount
    spans = [
        LineSpan(currency, status, start, end, amount)
        for _, currency, status, amount, start, end in lines
    ]
    last_run = last_run_period()
    current = now().astimezone(zone).date().replace(day=1)
    for target in rows.values():
        target.status = month_status(
            target.period,
            target.currency,
            spans if target.approved or target.reversed else [],
            zone=zone,
            current=current,
            last_run=last_run,
        )
    return sorted(rows.values(), key=lambda r: (r.period, r.currency), reverse=True)


def posted_by_month(accounts: list[Account], zone: ZoneInfo):
    kinds = [Kind.APPROVAL, Kind.REVERSAL]
    return (
        Entry.objects.filter(account__in=accounts, kind__in=kinds)
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("month", "account__currency", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )


@dataclass(frozen=True)
class LineSpan:
    """What the status of a month needs of a payout line: the entries it ranges over."""

    currency: str
    status: str
    from_time: datetime | None
    to_time: datetime
    amount: int = 0  # minor units: a carried line below zero is a negative balance


# A carried line with a negative amount (a reversal after a payout), told apart from a line
# carried because it is below the minimum.
NEGATIVE_BALANCE = "negative"


def last_run_period() -> date | None:
    """The latest month a run was made for: everything posted before its cut-off is in a
    line of it or of an earlier run (or was nothing to pay)."""
    made = PayoutRun.objects.exclude(status=PayoutRun.Status.MAKING)
    return made.aggregate(latest=Max("period"))["latest"]


def month_status(
    period: date,
    currency: str,
    lines: list[LineSpan],
    *,
    zone: ZoneInfo,
    current: date,
    last_run: date | None,
) -> MonthStatus:
    """The payout status of one month in one currency: the one function behind the
    statements list and the month's own page.

    A month's approvals are paid by the lines whose entry range covers part of the month,
    whichever run made them: a month without a run of its own is paid by the next run.
    (The caller passes no lines for a month where nothing was approved or reversed: a line
    covering it paid nothing of it.)"""
    if period >= current:
        return MonthStatus.OPEN
    start, end = period_bounds(period, str(zone))
    covering = {
        NEGATIVE_BALANCE
        if line.status == PayoutLine.Status.CARRIED and line.amount < 0
        else line.status
        for line in lines
        if line.currency == currency
        and line.to_time > start
        and (line.from_time is None or line.from_time < end)
    }
    if PayoutLine.Status.PAYABLE in covering:
        return MonthStatus.TO_PAY
    if PayoutLine.Status.PAID in covering:
        return MonthStatus.PAID
    if NEGATIVE_BALANCE in covering:
        return MonthStatus.NEGATIVE
    if PayoutLine.Status.CARRIED in covering:
        return MonthStatus.CARRIED
    if last_run is not None and last_run >= period:
        return MonthStatus.NOTHING_DUE
    return MonthStatus.AWAITING_RUN


def month_rows(network: Network, publisher: Publisher, period: date) -> list[MonthRow]:
    """The rows of the statements list for this month (one per currency), status included:
    what the month's page shows, so that the two always agree."""
    accounts = payable_accounts(publisher)
    return [row for row in months(network, publisher, accounts) if row.period == period]


# One month


@dataclass(frozen=True)
class StatusTotal:
    status: str
    label: str
    currency: str
    count: int
    payout: Decimal


def month_conversions(network: Network, publisher: Publisher, period: date) -> QuerySet:
    """The publisher's conversions that happened in the month, each with `shown_status`
    (its status, or "paid" once an approved one's approval entry was paid out)."""
    start, end = period_bounds(period, network.timezone)
    in_month = Conversion.objects.filter(publisher=publisher, created_at__gte=start)
    return with_shown_status(in_month.filter(created_at__lt=end))


def with_shown_status(conversions: QuerySet) -> QuerySet:
    approval = (
        Entry.objects.filter(
            conversion=OuterRef("pk"),
            kind=Kind.APPROVAL,
            account__kind=Account.Kind.PAYABLE,
        )
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    paid_line = PayoutLine.objects.filter(
        publisher=OuterRef("publisher"),
        currency=OuterRef("currency"),
        status=PayoutLine.Status.PAID,
        to_time__gt=OuterRef("approved_at"),
    ).filter(Q(from_time__isnull=True) | Q(from_time__lte=OuterRef("approved_at")))
    return conversions.annotate(approved_at=Subquery(approval)).annotate(
        shown_status=CaseWhen(
            When(Exists(paid_line), status=Conversion.Status.APPROVED, then=Value(PAID)),
            default=F("status"),
            output_field=CharField(),
        )
    )


def status_totals(conversions: QuerySet) -> list[StatusTotal]:
    """Count and payout per shown status and currency, in one grouped query."""
    labels = dict(SHOWN_STATUSES)
    order = [status for status, _ in SHOWN_STATUSES]
    rows = (
        conversions.values("shown_status", "currency")
        .annotate(count=Count("id"), payout=Sum("payout"))
        .order_by()
    )
    totals = [
        StatusTotal(
            status=row["shown_status"],
            label=str(labels.get(row["shown_status"], row["shown_status"])),
            currency=row["currency"],
            count=row["count"],
            payout=ledger.from_minor(to_minor(row["payout"], row["currency"]), row["currency"]),
        )
        for row in rows
    ]
    return sorted(totals, key=lambda t: (t.currency, order.index(t.status)))


def month_postings(accounts: list[Account], network: Network, period: date) -> list[MonthRow]:
    """Approvals and reversals posted in the month (they may be of earlier conversions)."""
    start, end = period_bounds(period, network.timezone)
    rows: dict[str, MonthRow] = {}
    sums = (
        Entry.objects.filter(
            account__in=accounts,
            kind__in=[Kind.APPROVAL, Kind.REVERSAL],
            created_at__gte=start,
            created_at__lt=end,
        )
        .values("account__currency", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for item in sums:
        currency = item["account__currency"]
        target = rows.setdefault(currency, MonthRow(period, currency))
        if item["kind"] == Kind.APPROVAL:
            target.approved = -item["total"]
        else:
            target.reversed = item["total"]
    return sorted(rows.values(), key=lambda r: r.currency)


def month_lines(network: Network, publisher: Publisher, period: date) -> QuerySet[PayoutLine]:
    """The payout lines whose entries range over part of the month, oldest run first."""
    start, end = period_bounds(period, network.timezone)
    return (
        PayoutLine.objects.filter(publisher=publisher, to_time__gt=start)
        .filter(Q(from_time__isnull=True) | Q(from_time__lt=end))
        .select_related("run")
        .order_by("run__period", "currency")
    )
