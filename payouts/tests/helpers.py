"""Money test data: the months the money tests live in, conversions made directly (their
tracking is tested elsewhere); a PDF's text (the run, statement, invoice and credit note
PDFs)."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils.timezone import now
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from decisions.services import Actor, conversion_decide
from network.step_up import StepUp
from payouts.models import Entry, PayoutLine, PayoutRun
from publishers.models import PaymentDetails, Publisher
from tracking.models import Conversion
from tracking.tests.helpers import make_postback_conversion

# The months of 2026 the money tests live in: the first of each, a day in it (at noon UTC)
# and the second day after it, when its payout run and invoices are made.
SEPTEMBER, OCTOBER, NOVEMBER, DECEMBER = (date(2026, month, 1) for month in (9, 10, 11, 12))
IN_SEPTEMBER = datetime(2026, 9, 10, 12, tzinfo=UTC)
IN_OCTOBER = datetime(2026, 10, 15, 12, tzinfo=UTC)
IN_NOVEMBER = datetime(2026, 11, 15, 12, tzinfo=UTC)
IN_DECEMBER = datetime(2026, 12, 15, 12, tzinfo=UTC)
AFTER_OCTOBER = datetime(2026, 11, 2, 12, tzinfo=UTC)
AFTER_NOVEMBER = datetime(2026, 12, 2, 12, tzinfo=UTC)
AFTER_DECEMBER = datetime(2027, 1, 2, 12, tzinfo=UTC)

# When the tests of payout runs and their money controls run, if their module imports
# held_at_now: late November 2026, October's run due.
NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def held_at_now():
    """The clock held at NOW for every test of a module that imports this fixture."""
    with time_machine.travel(NOW, tick=False):
        yield


def make_publisher(network, name: str) -> Publisher:
    with scopes_disabled():
        return Publisher.objects.create(
            network=network, name=name, website="https://p.example", country="US", status="approved"
        )


def payment_details(publisher: Publisher, changed_at: datetime, **fields) -> PaymentDetails:
    """`publisher`'s payment details (`fields`: the method and its account), last changed at
    `changed_at`."""
    with scopes_disabled():
        return PaymentDetails.objects.create(
            network_id=publisher.network_id, publisher=publisher, changed_at=changed_at, **fields
        )


def make_line(
    run: PayoutRun, publisher: Publisher, currency: str, amount: int, status: str, **fields
) -> PayoutLine:
    """A line of `run` paying `publisher` `amount` (in minor units of `currency`) earned up to
    the run's cutoff."""
    line = {"currency": currency, "amount": amount, "status": status, "to_time": run.cutoff}
    with scopes_disabled():
        return PayoutLine.objects.create(
            network=run.network, run=run, publisher=publisher, **line, **fields
        )


def make_conversion(
    world,
    *,
    publisher=None,
    revenue: str = "10.00",
    payout: str = "8.00",
    at: datetime | None = None,
    flags: list[str] | None = None,
    checked: bool = True,
    currency: str = "USD",
) -> Conversion:
    at = at or now()
    return make_postback_conversion(
        world["offer"],
        publisher or world["offer_access"].publisher,
        at,
        goal=world["goal"],
        revenue=Decimal(revenue),
        payout=Decimal(payout),
        currency=currency,
        fraud_flags=flags or [],
        fraud_checked_at=at if checked else None,
    )


def decide(network, conversion: Conversion, to_status: str, at: datetime, reason: str = "") -> None:
    """The conversion decided by the system (no user) at `at`, the clock held there."""
    with time_machine.travel(at, tick=False), scope(network=network):
        conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status=to_status,
            actor=Actor(),
            reason=reason,
        )


def approved(network, world, at: datetime, decided: datetime | None = None, **kwargs) -> Conversion:
    """make_conversion's conversion made at `at`, approved then (or at `decided`)."""
    conversion = make_conversion(world, at=at, **kwargs)
    decide(network, conversion, "approved", decided or at)
    return conversion


# What a page passes to the money services once allauth's re-authentication is recent.
RECENT = StepUp(recent=True)


def ledger_of(conversion: Conversion) -> list[tuple]:
    """The conversion's ledger entries: (transaction kind, account kind, amount), sorted."""
    with scopes_disabled():
        entries = Entry.objects.filter(conversion_id=conversion.pk).select_related("account")
        return sorted((e.kind, e.account.kind, e.amount) for e in entries)


def pdf_answer(response, url: str):
    """`response` (to a GET of `url`), which must be a PDF answered 200."""
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return response


def pdf_text(content: bytes) -> str:
    """The PDF's text as a reader's copy and paste gives it, whitespace folded."""
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))
