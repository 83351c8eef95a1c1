"""Payment files of an approved payout run, for the admins to upload to PayPal or the bank.

What a file holds:

- only the run's lines that are still to pay (status "payable"): carried lines (below the
  minimum) and lines marked paid already are left out;
- only the publishers paid by the file's method (PayPal mass payment file: method "paypal";
  bank file: method "bank"); publishers with no payment details, or "other", are in neither
  and are paid by hand;
- only lines in a currency the method can pay (payouts/methods.py): PayPal only in the
  currencies it supports, a bank transfer only in the account's currency. The run page
  flags the others with the reason; they are paid by hand or once the details change;
- no line whose publisher changed their payment details in the last 48 hours
  (`publishers.payment_details.PAYMENT_HOLD`): the hold is there so that someone who took
  over an account cannot redirect a payout, and a file made during the hold would pay the new
  details. Export again once the hold ends (the run page says until when).

Downloading a file changes nothing: after the transfer, mark the lines paid on the run page
with the batch reference. Each download is written to the audit log.

Formats:

- PayPal mass payment (`paypal`): no header row; columns recipient email, amount (with the
  currency's decimals, e.g. 123.45 or 12345 for VND), currency code, unique id (the line id),
  note ("Commission for 2026-09").
- Bank (`bank`): a header row, then publisher id, publisher name, account holder, IBAN,
  SWIFT/BIC, bank name, account number, routing/sort code, amount, currency, reference
  ("Commission 2026-09 line 17").

Publisher names and payment details are typed by publishers, so a cell that a spreadsheet
would read as a formula (starting with = + - @, a tab or a carriage return) gets a leading
single quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db.models import F, QuerySet
from django.utils.timezone import now

from lib.cells import safe_cell
from payouts.ledger import from_minor
from payouts.methods import PAYPAL_CURRENCIES
from payouts.models import PayoutLine, PayoutRun
from publishers.models import PaymentDetails
from publishers.payment_details import PAYMENT_HOLD

FORMATS = {"paypal": PaymentDetails.Method.PAYPAL, "bank": PaymentDetails.Method.BANK}
BANK_HEADER = [
    "publisher id",
    "publisher name",
    "account holder",
    "IBAN",
    "SWIFT/BIC",
    "bank name",
    "account number",
    "routing/sort code",
    "amount",
    "currency",
    "reference",
]


def exported_lines(run: PayoutRun, fmt: str) -> QuerySet[PayoutLine]:
    """The run's lines to pay by this file's method, leaving out those on hold and those in
    a currency the method cannot pay."""
    lines = run.lines.filter(
        status=PayoutLine.Status.PAYABLE,
        publisher__payment_details__method=FORMATS[fmt],
        publisher__payment_details__changed_at__lte=now() - PAYMENT_HOLD,
    )
    if fmt == "paypal":
        lines = lines.filter(currency__in=PAYPAL_CURRENCIES)
    else:
        lines = lines.filter(currency=F("publisher__payment_details__currency"))
    return lines.select_related("publisher__payment_details").order_by(
        "publisher__name", "currency", "pk"
    )


def paypal_rows(run: PayoutRun, lines: Iterable[PayoutLine]) -> Iterable[list]:
    for line in lines:
        yield [
            line.publisher.payment_details.paypal_email,
            from_minor(line.amount, line.currency),
            line.currency,
            line.pk,
            f"Commission for {run.period:%Y-%m}",
        ]


def bank_rows(run: PayoutRun, lines: Iterable[PayoutLine]) -> Iterable[list]:
    yield BANK_HEADER
    for line in lines:
        details = line.publisher.payment_details
        yield [
            line.publisher_id,
            line.publisher.name,
            details.account_holder,
            details.iban,
            details.swift,
            details.bank_name,
            details.account_number,
            details.routing_number,
            from_minor(line.amount, line.currency),
            line.currency,
            f"Commission {run.period:%Y-%m} line {line.pk}",
        ]


def export_csv(run: PayoutRun, fmt: str) -> tuple[str, int]:
    """The file's text and how many lines it pays."""
    lines = list(exported_lines(run, fmt))
    rows = paypal_rows(run, lines) if fmt == "paypal" else bank_rows(run, lines)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue(), len(lines)


def filename(network, run: PayoutRun, fmt: str) -> str:
    return f"payouts-{network.slug}-{run.period:%Y-%m}-{fmt}.csv"
