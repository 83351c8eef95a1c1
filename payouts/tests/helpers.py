"""Money test data: conversions made directly (their tracking is tested elsewhere); a PDF's
text (the run, statement, invoice and credit note PDFs)."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from uuid import uuid4

import time_machine
from django.utils.timezone import now
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from decisions.services import Actor, conversion_decide
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


def pdf_text(content: bytes) -> str:
    """The PDF's text as a reader's copy and paste gives it, whitespace folded."""
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))
