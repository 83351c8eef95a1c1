"""What the invoice and credit note endpoints of both roles share (invoices/api_admin.py and
invoices/api_advertiser.py): the PDF download action (the page's own document, in the
reader's language), the prefetches of an invoice's credits and of a credit note's lines and
uses, and the examples."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import renderers, serializers
from rest_framework.decorators import action

from invoices import api_serializers as s
from network.api_docs import ERRORS, listed, shown
from payouts.models import CreditApplication, CreditNoteLine, InvoiceLine

PDF_ANSWERS = {(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS}
# What the PDF's bytes begin with (the document itself is the page's, in the reader's language).
PDF_EXAMPLE = OpenApiExample(
    "A PDF document", value="%PDF-1.7 ...", media_type="application/pdf", response_only=True
)


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for application/pdf; an error is still the JSON error body."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data)


PDF_RENDERERS = [renderers.JSONRenderer, PdfRenderer]


def pdf_action(description: str, tags: list[str]):
    """The `pdf` action of an invoice or credit note viewset (GET <id>/pdf/)."""
    return lambda view: extend_schema(
        summary="Download as PDF",
        description=description,
        responses=PDF_ANSWERS,
        examples=[PDF_EXAMPLE],
        tags=tags,
    )(action(detail=True, methods=["get"], renderer_classes=PDF_RENDERERS)(view))


def credit_note_docs(listed_: tuple[str, str], one: str, tags: list[str]):
    """The schema of a role's credit note reads: `listed_` the list's summary and description,
    `one` the retrieve's summary; the rows and examples are the same for every role."""
    named = "A credit note partly used"
    return extend_schema_view(
        list=listed(*listed_, s.CreditNoteSerializer, tags, named=(named, [CREDIT_NOTE_EXAMPLE])),
        retrieve=shown(
            one, s.CreditNoteDetailSerializer, (named, CREDIT_NOTE_DETAIL_EXAMPLE), tags
        ),
    )


def in_reader_language(request, render):
    """The PDF in the caller's language: the account's (an API key's user), else the page's."""
    language = getattr(request.user, "language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = request._request.LANGUAGE_CODE
    with translation.override(language):
        return render()


def with_credits(invoices):
    credits = CreditApplication.objects.select_related("credit_note", "invoice")
    return invoices.prefetch_related(Prefetch("credits", queryset=credits))


def with_credit_details(notes):
    lines = CreditNoteLine.objects.select_related("offer", "goal", "credit_note")
    uses = CreditApplication.objects.select_related("invoice")
    return notes.prefetch_related(
        Prefetch("lines", queryset=lines), Prefetch("applications", queryset=uses)
    )


def with_invoice_details(invoices):
    """The invoices with their lines (offer and goal) and the credit applied to them."""
    lines = InvoiceLine.objects.select_related("offer", "goal", "invoice")
    return with_credits(invoices.prefetch_related(Prefetch("lines", queryset=lines)))


# What the admin and advertiser viewsets of invoices and credit notes share: the caller's
# `documents`, listed by `list_serializer`; one read (downloaded, paid) with its details
# prefetched (`with_details`), by `detail_serializer`, whose model is the viewset's
# visible_model. (No docstring: the schema would describe the viewsets' operations with it.)
class DocumentViews:
    list_serializer: type[serializers.ModelSerializer]
    detail_serializer: type[serializers.ModelSerializer]

    def documents(self, membership) -> QuerySet:
        raise NotImplementedError

    def with_details(self, documents: QuerySet) -> QuerySet:
        raise NotImplementedError

    def visible(self, membership) -> QuerySet:
        documents = self.documents(membership)
        return documents if self.action == "list" else self.with_details(documents)

    def get_serializer_class(self):
        return self.list_serializer if self.action == "list" else self.detail_serializer


class InvoiceViews(DocumentViews):
    def with_details(self, invoices: QuerySet) -> QuerySet:
        return with_invoice_details(invoices)


class CreditNoteViews(DocumentViews):
    list_serializer = s.CreditNoteSerializer
    detail_serializer = s.CreditNoteDetailSerializer

    def with_details(self, notes: QuerySet) -> QuerySet:
        return with_credit_details(notes)


# An invoice as admins read it (paid), and as its advertiser reads an issued one.
INVOICE_EXAMPLE = {
    "id": 3,
    "number": "INV-2026-0003",
    "advertiser": 5,
    "advertiser_name": "Beach Shop",
    "period": "2026-10-01",
    "currency": "USD",
    "total": "1250.00",
    "status": "paid",
    "issued_at": "2026-11-01T02:00:00Z",
    "paid_at": "2026-11-20T10:15:00Z",
    "payment_reference": "WIRE-88213",
    "lines": [
        {
            "offer": 12,
            "offer_name": "Summer Sale",
            "goal": 31,
            "goal_name": "Sale",
            "conversions": 125,
            "amount": "1250.00",
        }
    ],
}
ADVERTISER_INVOICE_EXAMPLE = {
    **{name: value for name, value in INVOICE_EXAMPLE.items() if "advertiser" not in name},
    "period": "2026-05-01",
    "status": "issued",
    "issued_at": "2026-06-01T02:00:00Z",
    "paid_at": None,
    "payment_reference": "",
}
CREDIT_NOTE_EXAMPLE = {
    "id": 2,
    "number": "CN-2026-0002",
    "advertiser": 5,
    "advertiser_name": "Beach Shop",
    "period": "2026-11-01",
    "currency": "KWD",
    "total": "100.000",
    "remaining": "40.000",
    "issued_at": "2026-12-01T02:00:00Z",
}
CREDIT_NOTE_DETAIL_EXAMPLE = {
    **CREDIT_NOTE_EXAMPLE,
    "lines": [
        {
            "offer": 12,
            "offer_name": "Summer Sale",
            "goal": 31,
            "goal_name": "Sale",
            "conversions": -4,
            "amount": "-100.000",
        }
    ],
    "applications": [{"invoice": 9, "invoice_number": "INV-2026-0009", "amount": "60.000"}],
}
