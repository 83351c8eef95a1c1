"""Which currencies each payment method can pay.

- PayPal pays only in the currencies PayPal supports (its REST API currency codes for
  payouts); VND and KWD, for example, are not among them.
- A bank transfer pays in the account's own currency (PaymentDetails.currency, asked with the
  bank details): a EUR account cannot receive a VND payout.
- "Other" is paid by hand, as agreed with the publisher: any currency.

A line its method cannot pay stays in its run, flagged with the reason, and is left out of
the payment files (payouts/exports.py).
"""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext as _

from lib.money import CURRENCY_CODES
from payouts.models import PayoutLine, PayoutRun
from publishers.models import PaymentDetails

Method = PaymentDetails.Method

# The currency codes of PayPal's reference (developer.paypal.com/reference/currency-codes).
PAYPAL_CURRENCIES = frozenset(
    [
        "AUD",
        "BRL",
        "CAD",
        "CNY",
        "CZK",
        "DKK",
        "EUR",
        "HKD",
        "HUF",
        "ILS",
        "JPY",
        "MYR",
        "MXN",
        "TWD",
        "NZD",
        "NOK",
        "PHP",
        "PLN",
        "GBP",
        "SGD",
        "SEK",
        "CHF",
        "THB",
        "USD",
    ]
)


def can_pay(details: PaymentDetails, currency: str) -> bool:
    if details.method == Method.PAYPAL:
        return currency in PAYPAL_CURRENCIES
    if details.method == Method.BANK:
        return details.currency == currency
    return True


def currency_problem(details: PaymentDetails | None, currency: str) -> str:
    """Why these details cannot receive a payout in `currency`, or '' when they can (or when
    there are no details: that is flagged on its own)."""
    if details is None or can_pay(details, currency):
        return ""
    if details.method == Method.PAYPAL:
        return _("PayPal cannot pay %(currency)s: the publisher needs a bank account in it.") % {
            "currency": currency
        }
    if not details.currency:
        return _("The bank account's currency is not known: the publisher must give it.")
    return _("The bank account is in %(account)s: it cannot receive %(currency)s.") % {
        "account": details.currency,
        "currency": currency,
    }


def line_problem(line: PayoutLine, details: PaymentDetails | None) -> str:
    """Why this line cannot be paid by its method, or ''. Only lines still to pay are
    flagged: a carried or paid line is not in this run's payments."""
    if line.status != PayoutLine.Status.PAYABLE:
        return ""
    return currency_problem(details, line.currency)


def unpayable_lines(run: PayoutRun) -> list[tuple[PayoutLine, str]]:
    """The run's lines still to pay whose method cannot pay their currency, with the reason:
    flagged on the run page and in the API, left out of the payment files."""
    lines = (
        run.lines.filter(status=PayoutLine.Status.PAYABLE)
        .filter(
            Q(
                publisher__payment_details__method=Method.PAYPAL,
                currency__in=[code for code in CURRENCY_CODES if code not in PAYPAL_CURRENCIES],
            )
            | (
                Q(publisher__payment_details__method=Method.BANK)
                & ~Q(currency=F("publisher__payment_details__currency"))
            )
        )
        .select_related("publisher__payment_details")
        .order_by("publisher__name", "currency")
    )
    return [
        (line, currency_problem(line.publisher.payment_details, line.currency)) for line in lines
    ]
