"""Order validation: an advertiser (or an admin) decides many conversions at once.

Two ways in, one way through: the bulk form of the conversions page, and a CSV file of
orders (upload -> preview -> apply). Every change goes through payouts.decisions, which
locks the row, re-checks the transition, posts to the ledger and writes the audit entry.

The CSV is judged twice: for the preview (nothing changes) and again when applied, against
the conversions as they are then. Rows whose conversion has the wanted status (and sale
amount) already are "unchanged", so applying a file twice changes nothing the second time.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import secrets
import time
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lib.formats import format_datetime, format_money, format_number
from lib.money import quantize, validate_amount
from network.errors import ServiceError
from network.models import Network
from payouts.decisions import Actor, DecisionError, check_allowed, conversion_decide, status_word
from tracking.models import Conversion

Status = Conversion.Status
MAX_SELECTED = 500  # a page shows at most 100 rows; more is not a person's selection
MAX_ID = 2**63 - 1
MAX_REASON = 500
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_AMOUNT = Decimal("99999999999")  # the column's 14 digits, 3 of them decimals
CSV_STATUSES = (Status.APPROVED, Status.REJECTED, Status.REVERSED)
LOOKUP_CHUNK = 500  # ids per IN (...) query
# Changes applied per request: each is a transaction with ledger and audit rows, and a web
# request must end within the server's timeout (30 s by default for gunicorn, and the page
# is read and shown too). The rest is applied by the next click.
APPLY_BATCH = 5000
APPLY_SECONDS = 10.0
SESSION_KEY = "tracking.validation_upload"


# --- The bulk form of the conversions page ------------------------------------------------

OVERRIDE = "override"
BULK_DONE = {
    Status.APPROVED: _("approved"),
    Status.REJECTED: _("rejected"),
    Status.REVERSED: _("reversed"),
    Status.PENDING: _("set back to pending"),
}


class IdsField(forms.Field):
    """The ticked rows: every `selected` value of the POST, as a set of ints."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> set[int]:
        if not value:
            return set()
        try:
            ids = {int(item) for item in value}
        except (TypeError, ValueError) as exc:
            raise ValidationError(gettext("Select conversions from the list.")) from exc
        if any(not 0 < pk <= MAX_ID for pk in ids):  # the database refuses larger ones
            raise ValidationError(gettext("Select conversions from the list."))
        if len(ids) > MAX_SELECTED:
            raise ValidationError(
                ngettext(
                    "Select at most %(count)s conversion at a time.",
                    "Select at most %(count)s conversions at a time.",
                    MAX_SELECTED,
                )
                % {"count": format_number(MAX_SELECTED)}
            )
        return ids

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError(gettext("Select at least one conversion."))


class BulkDecisionForm(forms.Form):
    """Approve, reject or reverse the ticked conversions; admins may also override."""

    selected = IdsField()
    action = forms.ChoiceField(
        choices=[(s, s) for s in CSV_STATUSES],
        error_messages={"required": _("Choose what to do with the selected conversions.")},
    )
    to_status = forms.ChoiceField(
        label=_("Override to"),
        choices=[("", _("Choose a status")), *Status.choices],
        required=False,
    )
    reason = forms.CharField(
        max_length=MAX_REASON,
        required=False,
        help_text=_("Required to reject, reverse or override; the publisher may see it."),
    )

    def __init__(self, *args, admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin = admin
        if admin:
            self.fields["action"].choices = [*self.fields["action"].choices, (OVERRIDE, OVERRIDE)]
        else:
            del self.fields["to_status"]

    def clean(self):
        data = super().clean()
        action, reason = data.get("action"), data.get("reason", "")
        if action == OVERRIDE:
            if not data.get("to_status"):
                self.add_error("to_status", gettext("Choose the status to override to."))
            if not reason:
                self.add_error("reason", gettext("An override needs a reason."))
        elif action in (Status.REJECTED, Status.REVERSED) and not reason:
            self.add_error(
                "reason",
                gettext("Say why the conversions are %(status)s.")
                % {"status": status_word(action)},
            )
        return data

    @property
    def target_status(self) -> str:
        data = self.cleaned_data
        return data["to_status"] if data["action"] == OVERRIDE else data["action"]

    @property
    def override(self) -> bool:
        return self.cleaned_data["action"] == OVERRIDE

    def ticked(self) -> set[int]:
        """The ids ticked in the posted data, valid or not: shown ticked again on an error."""
        try:
            return self.fields["selected"].to_python(self.data.getlist("selected"))
        except (ValidationError, AttributeError):
            return set()


@dataclass
class BulkResult:
    changed: int = 0
    ignored: int = 0  # ids that are not the user's to decide (or do not exist)
    errors: list[str] = field(default_factory=list)


def decide_selected(
    *,
    network: Network,
    decidable: QuerySet[Conversion],
    ids: Iterable[int],
    to_status: str,
    actor: Actor,
    reason: str,
    override: bool = False,
) -> BulkResult:
    """Decide each of `ids` that is in `decidable` (the user's own conversions), one by one;
    the others are ignored, never touched."""
    ids = set(ids)
    own = list(decidable.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    result = BulkResult(ignored=len(ids) - len(own))
    for conversion_id in own:
        try:
            conversion_decide(
                network=network,
                conversion_id=conversion_id,
                to_status=to_status,
                actor=actor,
                reason=reason,
                override=override,
            )
        except DecisionError as exc:
            result.errors.append(
                gettext("#%(id)s: %(error)s") % {"id": conversion_id, "error": exc}
            )
        else:
            result.changed += 1
    return result


# --- The CSV of order validations ---------------------------------------------------------

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


def judge(rows: list[Row], *, conversions: QuerySet[Conversion], advertiser_id: int) -> None:
    """Find each row's conversion and say what applying it would do; changes nothing.

    `conversions` are the network's (the request's scope); those of another advertiser are
    named as such but not shown."""
    by_transaction = lookup(conversions, "click_id", {r.transaction_id for r in rows})
    # A row with a transaction id is found by it (and its order id checked on the result).
    by_order = lookup(conversions, "order_id", {r.order_id for r in rows if not r.transaction_id})
    first_line: dict[int, int] = {}
    for row in rows:
        candidates = match(row, by_transaction, by_order)
        own = [c for c in candidates if c.offer.advertiser_id == advertiser_id]
        if not candidates:
            if row.transaction_id:
                row.fail(gettext("No conversion has this transaction id."))
            else:
                row.fail(gettext("No conversion has this order id."))
        elif not own:
            row.fail(gettext("This conversion belongs to another advertiser."))
        elif len(own) > 1:
            row.fail(
                gettext(
                    "%(count)s of your conversions match: give both the transaction_id and "
                    "the order_id to name one."
                )
                % {"count": len(own)}
            )
        else:
            conversion = row.conversion = own[0]
            row.current_status = conversion.status
            row.current_amount = conversion.sale_amount
            if conversion.pk in first_line:
                row.fail(
                    gettext("Duplicate: line %(line)s names this conversion.")
                    % {"line": first_line[conversion.pk]}
                )
            else:
                first_line[conversion.pk] = row.line
        if row.problems:
            row.outcome = "error"
            continue
        judge_change(row)


LOOKUP_FIELDS = (
    "id",
    "click_id",
    "order_id",
    "status",
    "sale_amount",
    "currency",
    "created_at",
    "offer__id",
    "offer__name",
    "offer__advertiser",
)


def lookup(conversions: QuerySet[Conversion], field_name: str, values: set[str]) -> dict:
    found: dict[str, list[Conversion]] = {}
    values = sorted(v for v in values if v)
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = values[start : start + LOOKUP_CHUNK]
        query = (
            conversions.filter(**{f"{field_name}__in": chunk})
            .select_related("offer")
            .only(*LOOKUP_FIELDS)
            .order_by("pk")
        )
        for conversion in query:
            found.setdefault(getattr(conversion, field_name), []).append(conversion)
    return found


def match(row: Row, by_transaction: dict, by_order: dict) -> list[Conversion]:
    if row.transaction_id:
        found = by_transaction.get(row.transaction_id, [])
        return [c for c in found if c.order_id == row.order_id] if row.order_id else found
    return by_order.get(row.order_id, [])


def judge_change(row: Row) -> None:
    """change, unchanged, or error: what conversion_decide would say, without calling it."""
    conversion = row.conversion
    assert conversion is not None
    amount = None
    if row.sale_amount is not None:
        try:  # finer than the currency allows: refused, never rounded (0.001 USD is not 0)
            validate_amount(row.sale_amount, conversion.currency)
        except ValidationError as exc:
            row.fail(
                gettext("The sale amount “%(amount)s” is refused: %(error)s")
                % {"amount": row.amount_text[:30], "error": " ".join(exc.messages)}
            )
            return
        amount = quantize(row.sale_amount, conversion.currency)
    row.new_amount = amount if amount is not None and amount != conversion.sale_amount else None
    if row.status == conversion.status:
        if row.new_amount is None:
            row.outcome = "unchanged"
        else:
            row.fail(
                gettext(
                    "The conversion is %(status)s already; only a pending conversion's sale "
                    "amount can be corrected."
                )
                % {"status": status_word(conversion.status)}
            )
        return
    try:
        check_allowed(conversion, row.status, override=False, reason=row.reason)
    except DecisionError as exc:
        row.fail(str(exc))
        return
    if row.new_amount is not None and conversion.status != Status.PENDING:
        row.fail(gettext("Only a pending conversion's sale amount can be corrected."))
        return
    row.outcome = "change"


def apply(
    rows: list[Row],
    *,
    network: Network,
    actor: Actor,
    limit: int = APPLY_BATCH,
    seconds: float = APPLY_SECONDS,
) -> None:
    """Apply the rows judged "change", at most `limit` of them and for about `seconds`, each
    in its own transaction (a failed row stops none); the rest stay "change", for the next
    batch."""
    batch = [row for row in rows if row.outcome == "change"][:limit]
    deadline = time.monotonic() + seconds
    for row in batch:
        if row is not batch[0] and time.monotonic() > deadline:
            break  # at least one row per click: every click makes progress
        assert row.conversion is not None
        try:
            conversion_decide(
                network=network,
                conversion_id=row.conversion.pk,
                to_status=row.status,
                actor=actor,
                reason=row.reason,
                sale_amount=row.new_amount,
            )
        except DecisionError as exc:
            # Decided by someone else since it was read (two people applying the same file
            # at once): the same decision is no error, and the row says who made it.
            current = (
                Conversion.objects.filter(pk=row.conversion.pk)
                .values("status", "sale_amount")
                .first()
            )
            if (
                current
                and current["status"] == row.status
                and (row.new_amount is None or current["sale_amount"] == row.new_amount)
            ):
                row.outcome = "unchanged"
                row.note = applied_by(network, row.conversion.pk, row.status)
            else:
                row.fail(str(exc))
        else:
            row.outcome = "changed"


def applied_by(network: Network, conversion_id: int, status: str) -> str:
    """ "Already applied by <who> at <time>", from the audit entry of the decision."""
    from network.audit import AuditEntry

    entry = (
        AuditEntry.objects.filter(
            object_type=Conversion._meta.label_lower,
            object_id=str(conversion_id),
            to_state=status,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if entry is None:
        return ""
    return gettext("Already applied by %(who)s at %(time)s.") % {
        "who": entry.actor_label,
        "time": format_datetime(entry.created_at, tz=ZoneInfo(network.timezone)),
    }


def tally(rows: list[Row]) -> Counter:
    return Counter(row.outcome for row in rows)


# --- The uploaded file between the preview and the apply ----------------------------------


@dataclass(frozen=True)
class Upload:
    token: str
    name: str
    text: str


def keep_upload(request: HttpRequest, *, name: str, text: str) -> Upload:
    """The file's text in the user's session (compressed), for this network and company only.

    A new upload replaces the last one; the token ties an Apply button to what it previewed."""
    upload = Upload(token=secrets.token_urlsafe(16), name=name[:200], text=text)
    request.session[SESSION_KEY] = {
        "token": upload.token,
        "network": request.network.pk,
        "advertiser": request.membership.advertiser_id,
        "name": upload.name,
        "data": base64.b64encode(zlib.compress(text.encode())).decode("ascii"),
    }
    return upload


def kept_upload(request: HttpRequest, token: str | None = None) -> Upload | None:
    """The kept upload of this network and company (with this token, if given)."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict):
        return None
    if kept.get("network") != request.network.pk:
        return None
    if kept.get("advertiser") != request.membership.advertiser_id:
        return None
    if token is not None and not secrets.compare_digest(str(kept.get("token", "")), token):
        return None
    try:
        text = zlib.decompress(base64.b64decode(kept["data"])).decode()
    except (KeyError, TypeError, ValueError, binascii.Error, zlib.error):
        return None
    return Upload(token=kept["token"], name=kept.get("name", ""), text=text)


def forget_upload(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
