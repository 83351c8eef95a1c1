"""Tables of the admins' payout run pages: runs, a run's lines, a line's ledger entries."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.formats import (
    format_amount,
    format_datetime,
    format_money,
    format_month,
    format_number,
    format_percent,
)
from lib.tables import DateTimeColumn, NumberColumn, SelectColumn, Table, name_link
from payouts import methods
from payouts.ledger import from_minor
from payouts.models import Entry, PayoutLine, PayoutRun
from publishers.models import PaymentDetails
from publishers.payment_details import hold_ends

BADGE = '<span class="badge badge-{}">{}</span>'
DASH = "—"


def money(amount: int, currency: str) -> str:
    """Minor units written for the active language: '12.50 USD', '1.234.567 ₫'."""
    return format_money(from_minor(amount, currency), currency)


def local(moment: datetime) -> str:
    """A time in the active time zone (the network's, on these pages), for the language."""
    return format_datetime(moment)


def details_of(line: PayoutLine) -> PaymentDetails | None:
    try:
        return line.publisher.payment_details
    except PaymentDetails.DoesNotExist:
        return None


def change_text(amount: int, previous: int | None, currency: str) -> str:
    """'+12.00 USD (+25.0%)' against last month's line; a dash when there was none."""
    if previous is None:
        return DASH
    diff = amount - previous
    ratio = Decimal(diff) / abs(previous) if previous else None
    percent = (
        f" ({format_percent(ratio, decimals=1, fixed=True, signed=diff > 0)})"
        if ratio is not None
        else ""
    )
    return f"{format_money(from_minor(diff, currency), currency, signed=True)}{percent}"


class RunTable(Table):
    period = tables.LinkColumn(
        "payout_run_detail", args=[tables.A("pk")], verbose_name=_("Month"), orderable=False
    )
    status = tables.Column(orderable=False, verbose_name=_("Status"))
    to_pay = tables.Column(empty_values=(), orderable=False, verbose_name=_("To pay"))
    lines = tables.Column(empty_values=(), orderable=False, verbose_name=_("Lines"))
    approvers = tables.Column(empty_values=(), orderable=False, verbose_name=_("Approved by"))
    created_at = DateTimeColumn(verbose_name=_("Made"), orderable=False)

    class Meta:
        model = PayoutRun
        fields = ["period", "status", "to_pay", "lines", "approvers", "created_at"]
        attrs = {"class": "table"}
        empty_text = _("No payout runs yet.")

    def __init__(self, *args, totals: dict[int, dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.totals = totals

    def render_period(self, value) -> str:
        return format_month(value)

    def render_status(self, record: PayoutRun):
        return format_html(BADGE, record.status, record.get_status_display())

    def render_to_pay(self, record: PayoutRun) -> str:
        """Payable and paid lines per currency: what the run pays out."""
        per_currency = self.totals.get(record.pk, {})
        parts = [
            money(t["payable"] + t["paid"], currency)
            for currency, t in sorted(per_currency.items())
        ]
        return ", ".join(parts) or DASH

    def render_lines(self, record: PayoutRun) -> str:
        counts = {"payable": 0, "carried": 0, "paid": 0}
        for t in self.totals.get(record.pk, {}).values():
            for status in counts:
                counts[status] += t[f"{status}_lines"]
        shown = {status: format_number(count) for status, count in counts.items()}
        return gettext("%(payable)s to pay · %(carried)s carried · %(paid)s paid") % shown

    def render_approvers(self, record: PayoutRun) -> str:
        names = [user.email for user in (record.first_approver, record.approved_by) if user]
        return ", ".join(names) or DASH


class PayableSelectColumn(SelectColumn):
    """A checkbox on the lines still to pay only."""

    def render(self, value, bound_column, record):
        if record.status != PayoutLine.Status.PAYABLE:
            return ""
        return super().render(value, bound_column, record)


def select_label(record: PayoutLine) -> str:
    return gettext("Select %(publisher)s") % {"publisher": record.publisher.name}


class LineTable(Table):
    selected = PayableSelectColumn(
        accessor="pk",
        attrs={"td__input": {"aria-label": select_label}},
    )
    publisher = name_link("payout_line_detail", "pk", "publisher__name", _("Publisher"))
    currency = tables.Column(verbose_name=_("Currency"))
    amount = tables.Column(verbose_name=_("Amount"), attrs={"td": {"class": "num"}})
    conversions = NumberColumn(verbose_name=_("Conversions"))
    status = tables.Column(verbose_name=_("Status"))
    change = tables.Column(
        accessor="previous_amount",
        empty_values=(),
        orderable=False,
        verbose_name=_("Change vs last month"),
    )
    payment = tables.Column(empty_values=(), orderable=False, verbose_name=_("Payment details"))
    payment_reference = tables.Column(verbose_name=_("Reference"))

    class Meta:
        model = PayoutLine
        fields = [
            "selected",
            "publisher",
            "currency",
            "amount",
            "conversions",
            "status",
            "change",
            "payment",
            "payment_reference",
        ]
        attrs = {"class": "table"}
        empty_text = _("This run has no lines: nobody had a balance at the cut-off.")

    def render_amount(self, record: PayoutLine) -> str:
        return format_amount(from_minor(record.amount, record.currency), record.currency)

    def render_status(self, record: PayoutLine):
        badge = format_html(BADGE, record.status, record.status_label)
        if record.status != PayoutLine.Status.CARRIED or record.negative or not record.minimum:
            return badge
        minimum = gettext("minimum %(amount)s") % {"amount": money(record.minimum, record.currency)}
        return format_html('{} <small class="muted">{}</small>', badge, minimum)

    def render_change(self, record: PayoutLine) -> str:
        return change_text(record.amount, record.previous_amount, record.currency)

    def render_payment(self, record: PayoutLine):
        details = details_of(record)
        if details is None:
            return format_html(BADGE, "rejected", gettext("Missing payment details"))
        shown = format_html("{}", details.get_method_display())
        # Only lines to pay: the reason in full is in the run page's list and on the line.
        problem = methods.line_problem(record, details)
        if problem:
            short = gettext("Cannot pay %(currency)s") % {"currency": record.currency}
            shown = format_html(
                '{} <span class="badge badge-rejected" title="{}">{}</span>', shown, problem, short
            )
        held = hold_ends(details)
        if held is not None:
            until = gettext("On hold until %(until)s") % {"until": local(held)}
            shown = format_html("{} " + BADGE, shown, "pending", until)
        return shown


def line_table(queryset, *, payable: bool, selected: Collection[int] = ()) -> LineTable:
    """The run's lines; a checkbox per line when the run can be paid (ticked: `selected`)."""
    table = LineTable(queryset, exclude=() if payable else ("selected",))
    if payable:
        chosen = frozenset(selected)
        table.columns["selected"].column.checked = lambda value, record: value in chosen
    return table


class EntryTable(Table):
    """A line's ledger entries: what each conversion added to (or took from) the balance."""

    created_at = DateTimeColumn(verbose_name=_("Posted"))
    conversion = tables.Column(accessor="conversion_id", verbose_name=_("Conversion"))
    order_id = tables.Column(accessor="conversion__order_id", verbose_name=_("Order"))
    offer = tables.Column(accessor="conversion__offer__name", verbose_name=_("Offer"))
    goal = tables.Column(accessor="conversion__goal__name", verbose_name=_("Goal"))
    kind = tables.Column(verbose_name=_("Entry"))
    amount = tables.Column(verbose_name=_("Earned"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Entry
        fields = ["created_at", "conversion", "order_id", "offer", "goal", "kind", "amount"]
        attrs = {"class": "table"}
        order_by = "created_at"
        empty_text = _("No ledger entries in this line's range.")

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def render_kind(self, record: Entry) -> str:
        return record.get_kind_display()

    def render_amount(self, value: int) -> str:
        """A payable account is credited what the publisher earns: earned = -amount."""
        return format_amount(from_minor(-value, self.currency), self.currency)
