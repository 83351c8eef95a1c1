"""The advertiser's invoices and credit notes (/api/v1/advertiser/invoices/ and
/api/v1/advertiser/credit-notes/): list, read, PDF, with the rules of the invoice pages (the
company's own only; another's answers 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view

from invoices import api_serializers as s
from invoices.api_documents import (
    ADVERTISER_INVOICE_EXAMPLE,
    CreditNoteViews,
    InvoiceViews,
    credit_note_docs,
    in_reader_language,
    pdf_action,
)
from invoices.filters import CreditNoteFilter, InvoiceFilter
from invoices.views import credit_note_pdf, invoice_pdf
from network import api_router
from network.api_base import ListAndRetrieve, TenantViewSet
from network.api_docs import READ, listed, roles_of, shown
from payouts.models import CreditNote, Invoice
from tracking.api_advertiser import ADVERTISER

TAGS = ["advertiser: invoices"]


@extend_schema_view(
    list=listed(
        "List your invoices",
        "What the network bills your company, one invoice per month and currency. Filter by "
        "status, currency, period; order by period, issued_at or id.",
        s.AdvertiserInvoiceSerializer,
        TAGS,
    ),
    retrieve=shown(
        "One of your invoices, with its lines",
        s.AdvertiserInvoiceDetailSerializer,
        ("An issued invoice", ADVERTISER_INVOICE_EXAMPLE),
        TAGS,
    ),
)
class InvoiceViewSet(InvoiceViews, ListAndRetrieve, TenantViewSet):
    roles = roles_of(ADVERTISER, *READ, "pdf")
    list_serializer = s.AdvertiserInvoiceSerializer
    detail_serializer = s.InvoiceDetailSerializer
    filterset_class = InvoiceFilter
    ordering_fields = ["period", "issued_at", "id"]
    ordering = ["-period", "-id"]

    def documents(self, membership):
        return Invoice.objects.filter(advertiser_id=membership.advertiser_id)

    @pdf_action(
        "Your invoice's PDF: the invoice page's document in your account's language.",
        TAGS,
    )
    def pdf(self, request, pk=None):
        invoice = self.get_object()
        return in_reader_language(
            request, lambda: invoice_pdf(request._request, invoice, "advertiser")
        )


@credit_note_docs(
    (
        "List your credit notes",
        "A month whose reversals came to more than its approvals makes a credit note instead "
        "of an invoice; `remaining` is what your next invoices in the currency have not taken "
        "off yet.",
    ),
    "One of your credit notes, with its lines and the invoices it was applied to",
    TAGS,
)
class CreditNoteViewSet(CreditNoteViews, ListAndRetrieve, TenantViewSet):
    roles = roles_of(ADVERTISER, *READ, "pdf")
    filterset_class = CreditNoteFilter
    ordering_fields = ["period", "issued_at", "id"]
    ordering = ["-period", "-id"]

    def documents(self, membership):
        notes = CreditNote.objects.filter(advertiser_id=membership.advertiser_id)
        return notes.select_related("advertiser")

    @pdf_action("Your credit note's PDF, as its page, in your language.", TAGS)
    def pdf(self, request, pk=None):
        note = self.get_object()
        return in_reader_language(
            request, lambda: credit_note_pdf(request._request, note, "advertiser")
        )


api_router.register("advertiser", "invoices", InvoiceViewSet, basename="advertiser-invoices")
api_router.register(
    "advertiser", "credit-notes", CreditNoteViewSet, basename="advertiser-credit-notes"
)
