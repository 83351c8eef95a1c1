"""Forms of the invoice pages: creating a month's invoices and recording an advertiser's
payment (the list's filters: invoices.filters.InvoicePageFilter)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from invoices.services import check_payment_amount
from lib.formats import format_month
from lib.money import minor_units
from network.models import Network
from payouts import ledger
from payouts.models import Invoice
from payouts.runs import PayoutError, last_closed_period, previous_month

MONTHS_OFFERED = 24


def month_value(period: date) -> str:
    return f"{period:%Y-%m}"


def month_label(period: date) -> str:
    """The month's name in the language (Babel): 'November 2026' / 'tháng 11 năm 2026'."""
    return format_month(period)


def parse_month(value: str) -> date | None:
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def closed_months(network: Network, count: int = MONTHS_OFFERED) -> list[date]:
    """The last `count` months that have ended in the network's time zone, latest first."""
    months = [last_closed_period(network)]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return months


class InvoicesCreateForm(forms.Form):
    """Bill a month that has ended; making a month's invoices again makes only what is new."""

    period = forms.TypedChoiceField(label=_("Month"), coerce=parse_month)

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        months = closed_months(network)
        self.fields["period"].choices = [(month_value(m), month_label(m)) for m in months]
        self.fields["period"].initial = month_value(months[0])


class PaymentForm(forms.Form):
    """The advertiser's payment of an invoice: always positive, the amount due."""

    amount = forms.DecimalField(label=_("Amount received"), max_digits=18, decimal_places=3)
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=200,
        help_text=_("The bank transfer's reference or the payment provider's transaction id."),
    )

    def __init__(self, *args, invoice: Invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        currency = invoice.currency
        self.fields["amount"].label = _("Amount received (%(currency)s)") % {"currency": currency}
        self.fields["amount"].widget.attrs.update(
            min="0", step=str(Decimal(1).scaleb(-minor_units(currency)))
        )
        self.initial.setdefault("amount", ledger.from_minor(invoice.amount_due, currency))

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        try:
            check_payment_amount(amount, self.invoice)
        except PayoutError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return amount
