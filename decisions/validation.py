"""Order validation by CSV: an advertiser decides many conversions at once (upload -> preview
-> apply). The file is read by decisions.validation_csv; every change goes through
decisions.services, which locks the row, re-checks the transition, posts to the ledger and
writes the audit entry. The bulk form of the conversions pages is decisions.bulk.

The CSV is judged twice: for the preview (nothing changes) and again when applied, against
the conversions as they are then. Rows whose conversion has the wanted status (and sale
amount) already are "unchanged", so applying a file twice changes nothing the second time.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext

from audit.models import AuditEntry
from decisions.services import Actor, DecisionError, check_allowed, conversion_decide, status_word
from decisions.validation_csv import Row
from lib.formats import format_datetime
from lib.money import quantize, validate_amount
from lib.typing import TenantRequest
from network.models import Network
from tracking.models import Conversion

Status = Conversion.Status
LOOKUP_CHUNK = 500  # ids per IN (...) query
# Changes applied per request: each is a transaction with ledger and audit rows, and a web
# request must end within the server's timeout (30 s by default for gunicorn, and the page
# is read and shown too). The rest is applied by the next click.
APPLY_BATCH = 5000
APPLY_SECONDS = 10.0
SESSION_KEY = "tracking.validation_upload"  # its old name: sessions of the day hold it


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
    ordered = sorted(v for v in values if v)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
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


def keep_upload(request: TenantRequest, *, name: str, text: str) -> Upload:
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


def kept_upload(request: TenantRequest, token: str | None = None) -> Upload | None:
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
