"""Money test data: conversions made directly (their tracking is tested elsewhere); a PDF's
text (the run, statement, invoice and credit note PDFs)."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from uuid import uuid4

from django.utils.timezone import now
from django_scopes import scopes_disabled
from pypdf import PdfReader

from network.step_up import StepUp
from payouts.models import Entry
from publishers.models import Publisher
from tracking.models import Click, Conversion


def make_publisher(network, name: str) -> Publisher:
    with scopes_disabled():
        return Publisher.objects.create(
            network=network, name=name, website="https://p.example", country="US", status="approved"
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
    offer = world["offer"]
    publisher = publisher or world["offer_access"].publisher
    at = at or now()
    with scopes_disabled():
        click = Click.objects.create(
            id=uuid4().hex, network=offer.network, offer=offer, publisher=publisher, created_at=at
        )
        return Conversion.objects.create(
            network=offer.network,
            click=click,
            offer=offer,
            goal=world["goal"],
            publisher=publisher,
            revenue=Decimal(revenue),
            payout=Decimal(payout),
            currency=currency,
            method=Conversion.Method.POSTBACK,
            fraud_flags=flags or [],
            fraud_checked_at=at if checked else None,
            created_at=at,
        )


# What a page passes to the money services once allauth's re-authentication is recent.
RECENT = StepUp(recent=True)


def ledger_of(conversion: Conversion) -> list[tuple]:
    """The conversion's ledger entries: (transaction kind, account kind, amount), sorted."""
    with scopes_disabled():
        entries = Entry.objects.filter(conversion_id=conversion.pk).select_related("account")
        return sorted((e.kind, e.account.kind, e.amount) for e in entries)


def pdf_text(content: bytes) -> str:
    """The PDF's text as a reader's copy and paste gives it, whitespace folded."""
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))
