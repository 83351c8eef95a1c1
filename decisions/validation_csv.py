"""Order validation by CSV, the file: reading it into rows, each with its own problems.

What applying the rows would do, and applying them, is decisions.validation's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from decisions.bulk import CSV_STATUSES, MAX_REASON
from decisions.services import status_word
from lib.formats import format_money, format_number
from network.errors import ServiceError
from tracking.models import Conversion

Status = Conversion.Status
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_AMOUNT = Decimal("99999999999")  # the column's 14 digits, 3 of them decimals
COLUMNS = ("transaction_id", "order_id", "status", "sale_amount", "reason")


class UploadError(ServiceError, ValueError):
    """The file as a whole cannot be read (as opposed to one bad row)."""


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: transaction_id or order_id, status (approved, rejected or reversed), "
            "sale_amount (optional), reason (required to reject or reverse). UTF-8, comma "
            "or semicolon separated, at most 5 MB and 20,000 rows."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext("The file is larger than 5 MB: split it in several files.")
            )
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            text = decode(data)
            self.rows = parse(text)
        except UploadError as exc:
            raise ValidationError(str(exc)) from exc
        self.text = text
        return upload


@dataclass
class Row:
    """One line of the file, what it names, and what happens (happened) to it."""

    line: int
    transaction_id: str = ""
    order_id: str = ""
    status: str = ""
    amount_text: str = ""
    sale_amount: Decimal | None = None
    reason: str = ""
    problems: list[str] = field(default_factory=list)
    conversion: Conversion | None = None
    current_status: str = ""
    current_amount: Decimal | None = None
    new_amount: Decimal | None = None  # the corrected sale amount to apply, if it differs
    outcome: str = ""  # change | unchanged | error, then changed after apply
    note: str = ""  # why an unchanged row is so: who applied it meanwhile

    @property
    def error(self) -> str:
        return " ".join(self.problems)

    @property
    def amount_label(self) -> str:
        """The sale amount now, and the corrected one when it differs."""
        conversion = self.conversion
        if conversion is None or self.current_amount is None:
            return self.amount_text
        currency = conversion.currency
        label = format_money(self.current_amount, currency)
        if self.new_amount is not None:
            label += f" → {format_money(self.new_amount, currency)}"
        return label

    @property
    def status_label(self) -> str:
        """The wanted status in the language; what the file says when it is no status."""
        return Status(self.status).label if self.status in Status.values else self.status

    @property
    def current_status_label(self) -> str:
        return Status(self.current_status).label if self.current_status else ""

    @property
    def key(self) -> str:
        return " / ".join(part for part in (self.transaction_id, self.order_id) if part)

    def fail(self, problem: str) -> None:
        self.problems.append(problem)
        self.outcome = "error"


def decode(data: bytes) -> str:
    """UTF-8, with or without a byte order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(
            gettext("The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.")
        ) from exc


def sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def parse(text: str) -> list[Row]:
    """The rows of the file, each with its own problems; raises UploadError for the file."""
    if "\x00" in text:
        raise UploadError(gettext("The file is not a CSV file."))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise UploadError(gettext("The file is empty."))
        columns = header_columns(header)
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise UploadError(
                    gettext("The file has more than %(count)s rows: split it.")
                    % {"count": format_number(MAX_ROWS)}
                )
            rows.append(parse_row(reader.line_num, cells, columns, len(header), delimiter))
    except csv.Error as exc:
        raise UploadError(
            gettext("Line %(line)s: %(error)s.") % {"line": reader.line_num, "error": exc}
        ) from exc
    if not rows:
        raise UploadError(gettext("The file has a header but no rows."))
    return rows


def header_columns(header: list[str]) -> dict[str, int]:
    """Column name -> position; names are case-insensitive, spaces count as underscores."""
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        name = name.strip().lower().replace(" ", "_").replace("-", "_")
        if name in COLUMNS:
            if name in columns:
                raise UploadError(
                    gettext("The column %(name)s appears twice in the header.") % {"name": name}
                )
            columns[name] = position
    if "status" not in columns or not ({"transaction_id", "order_id"} & columns.keys()):
        found = ", ".join(cell.strip() for cell in header if cell.strip())
        if found:
            message = gettext(
                "The first line must name the columns: status and transaction_id or order_id "
                "(sale_amount and reason are optional). It has: %(found)s."
            ) % {"found": found[:200]}
        else:
            message = gettext(
                "The first line must name the columns: status and transaction_id or order_id "
                "(sale_amount and reason are optional). It has none."
            )
        raise UploadError(message)
    return columns


def parse_row(
    line: int, cells: list[str], columns: dict[str, int], width: int, delimiter: str
) -> Row:
    def cell(name: str) -> str:
        position = columns.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    row = Row(
        line=line,
        transaction_id=cell("transaction_id"),
        order_id=cell("order_id"),
        status=cell("status").lower(),
        amount_text=cell("sale_amount"),
        reason=cell("reason"),
    )
    if any(extra.strip() for extra in cells[width:]):
        if delimiter == ";":
            row.fail(
                gettext("More cells than the header has columns: quote a value with a semicolon.")
            )
        else:
            row.fail(gettext("More cells than the header has columns: quote a value with a comma."))
    if not row.transaction_id and not row.order_id:
        row.fail(gettext("Give the transaction_id or the order_id."))
    if row.status not in CSV_STATUSES:
        row.fail(gettext("The status must be approved, rejected or reversed."))
    elif row.status in (Status.REJECTED, Status.REVERSED) and not row.reason:
        row.fail(
            gettext("Give the reason why the conversion is %(status)s.")
            % {"status": status_word(row.status)}
        )
    if len(row.reason) > MAX_REASON:
        row.fail(
            gettext("The reason is longer than %(count)s characters.")
            % {"count": format_number(MAX_REASON)}
        )
    if row.amount_text:
        row.sale_amount = parse_amount(row.amount_text, delimiter)
        if row.sale_amount is None:
            row.fail(
                gettext("The sale amount “%(amount)s” is not a number like 120.50.")
                % {"amount": row.amount_text[:30]}
            )
        elif row.sale_amount < 0:
            row.fail(gettext("The sale amount cannot be negative."))
        elif row.sale_amount > MAX_AMOUNT:
            row.fail(gettext("The sale amount is too large."))
    return row


def parse_amount(text: str, delimiter: str) -> Decimal | None:
    """120.50; with semicolons between cells a decimal comma (120,50) is read too."""
    text = text.replace(" ", "")
    if delimiter == ";" and "," in text and "." not in text:
        text = text.replace(",", ".")
    if not text or any(ch not in "0123456789.-+" for ch in text):
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None
