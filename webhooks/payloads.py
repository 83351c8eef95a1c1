"""What each event says: the `data` of its JSON body, built from the service's own objects.

Money is a string of an exact decimal in the currency's precision, with the currency beside
it ("12.50" USD, "125000" VND): conversions keep Decimal amounts, the ledger and payout lines
integers in the currency's minor unit. Times are ISO 8601 in UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from lib.money import minor_units, quantize

if TYPE_CHECKING:
    from payouts.models import PayoutLine, PayoutRun
    from publishers.models import Publisher
    from tracking.models import Conversion


def decimal_text(amount: Decimal | int | float | str, currency: str) -> str:
    """A Decimal amount as an exact string in the currency's precision."""
    return format(quantize(Decimal(str(amount)), currency), "f")


def minor_text(amount: int, currency: str) -> str:
    """Integer minor units (the ledger's) as an exact decimal string: 12345 USD -> "123.45"."""
    return format(Decimal(int(amount)).scaleb(-minor_units(currency)), "f")


def iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def conversion(item: Conversion) -> dict:
    currency = item.currency
    return {
        "id": item.pk,
        "status": item.status,
        "reason_code": item.reason_code,
        "transaction_id": item.click_id,
        "offer": {"id": item.offer_id, "name": item.offer.name},
        "goal_id": item.goal_id,
        "publisher_id": item.publisher_id,
        "order_id": item.order_id,
        "currency": currency,
        "sale_amount": decimal_text(item.sale_amount, currency),
        "revenue": decimal_text(item.revenue, currency),
        "payout": decimal_text(item.payout, currency),
        "method": item.method,
        "adv_sub": item.adv_sub,
        "adv_sub2": item.adv_sub2,
        "adv_sub3": item.adv_sub3,
        "adv_sub4": item.adv_sub4,
        "adv_sub5": item.adv_sub5,
        "created_at": iso(item.created_at),
        "decided_at": iso(item.decided_at),
    }


def conversion_created(item: Conversion) -> dict:
    return {"conversion": conversion(item)}


def conversion_status_changed(
    item: Conversion, *, previous_status: str, reason: str = "", changed_by: str = ""
) -> dict:
    return {
        "conversion": conversion(item),
        "previous_status": previous_status,
        "status": item.status,
        "reason": reason,
        "changed_by": changed_by,
    }


def publisher_applied(item: Publisher, *, applicant_email: str = "") -> dict:
    return {
        "publisher": {
            "id": item.pk,
            "name": item.name,
            "website": item.website,
            "country": item.country,
            "traffic_sources": list(item.traffic_sources or []),
            "status": item.status,
            "applicant_email": applicant_email,
            "created_at": iso(item.created_at),
        }
    }


def payout_run_approved(run: PayoutRun) -> dict:
    """The run and, per currency, what its payable lines add up to."""
    from payouts.models import PayoutLine

    totals: dict[str, list[int]] = {}
    for line in run.lines.filter(status=PayoutLine.Status.PAYABLE).order_by("currency"):
        total = totals.setdefault(line.currency, [0, 0])
        total[0] += line.amount
        total[1] += 1
    return {
        "payout_run": {
            "id": run.pk,
            "period": run.period.strftime("%Y-%m"),
            "cutoff": iso(run.cutoff),
            "status": run.status,
            "approved_at": iso(run.approved_at),
            "approved_by": run.approved_by.email if run.approved_by_id else "",
            "totals": [
                {"currency": currency, "amount": minor_text(amount, currency), "lines": count}
                for currency, (amount, count) in sorted(totals.items())
            ],
        }
    }


def payout_line_paid(line: PayoutLine) -> dict:
    return {
        "payout_line": {
            "id": line.pk,
            "payout_run": {"id": line.run_id, "period": line.run.period.strftime("%Y-%m")},
            "publisher": {"id": line.publisher_id, "name": line.publisher.name},
            "currency": line.currency,
            "amount": minor_text(line.amount, line.currency),
            "conversions": line.conversions,
            "status": line.status,
            "payment_reference": line.payment_reference,
            "paid_at": iso(line.paid_at),
        }
    }


def ping() -> dict:
    return {"message": "This is a test event sent from the webhooks page."}


BUILDERS = {
    "conversion.created": conversion_created,
    "conversion.status_changed": conversion_status_changed,
    "publisher.applied": publisher_applied,
    "payout_run.approved": payout_run_approved,
    "payout_line.paid": payout_line_paid,
}
