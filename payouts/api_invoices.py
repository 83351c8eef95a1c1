"""The admins' advertiser invoices (/api/v1/admin/invoices/): list, read with the lines and the
credit applied, download as PDF, and record an advertiser's payment, as the admin invoice pages
do (payouts/views_invoices.py): the same form judges the amount and reference, the same service
(payouts.invoices.invoice_record_payment) posts cash / receivable to the ledger and writes the
audit entry `invoice.paid`. Credit notes (/api/v1/admin/credit-notes/): list, read, PDF.

The pages offer no other move on an invoice (there is no void), so neither does the API.
Registered on network.api_admin.router.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from advertisers.api_serializers import form_errors
from network.api_base import TenantViewSet
from network.api_docs import ERRORS, admin_roles, answers, example, id_filter, text_filter
from payouts import api_invoice_serializers as s
from payouts.forms_invoices import PaymentForm
from payouts.invoices import invoice_record_payment
from payouts.models import CreditApplication, CreditNote, CreditNoteLine, Invoice, InvoiceLine
from payouts.runs import PayoutError

TAGS = ["admin: invoices"]
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


def in_reader_language(request, render):
    """The PDF in the caller's language: the account's (an API key's user), else the page's."""
    from django.conf import settings
    from django.utils import translation

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


class InvoiceFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Invoice.Status.choices)
    advertiser = id_filter("advertiser_id")
    currency = text_filter("currency", 3)
    period_from = filters.DateFilter(field_name="period", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = Invoice
        fields: list[str] = []


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


@extend_schema_view(
    list=extend_schema(
        summary="List the advertisers' invoices",
        description="One invoice per advertiser, month and currency, as on the invoices "
        "page. Filters: `status` (issued: not paid yet), `advertiser` (id), `currency`, "
        "`period_from` / `period_to` (months, as their first day). Order by period, "
        "issued_at, number or id; newest month first by default.",
        responses=answers(s.AdminInvoiceSerializer(many=True)),
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary="One invoice, with its lines",
        responses=answers(s.AdminInvoiceDetailSerializer),
        examples=[example("A paid invoice", INVOICE_EXAMPLE)],
        tags=TAGS,
    ),
)
class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    roles = admin_roles("list", "retrieve", "record_payment", "pdf")
    filterset_class = InvoiceFilter
    ordering_fields = ["period", "issued_at", "number", "id"]
    ordering = ["-period", "-id"]

    def visible(self, membership):
        invoices = Invoice.objects.select_related("advertiser")
        if self.action != "list":
            lines = InvoiceLine.objects.select_related("offer", "goal", "invoice")
            invoices = with_credits(invoices.prefetch_related(Prefetch("lines", queryset=lines)))
        return invoices

    def visible_model(self):
        return Invoice

    def get_serializer_class(self):
        if self.action == "list":
            return s.AdminInvoiceSerializer
        return s.AdminInvoiceDetailSerializer

    @pdf_action(
        "The invoice's PDF: the invoice page's document in the language of the key's account.",
        TAGS,
    )
    def pdf(self, request, pk=None):
        from payouts.views_invoices import invoice_pdf

        invoice = self.get_object()
        return in_reader_language(request, lambda: invoice_pdf(request._request, invoice, "admin"))

    @extend_schema(
        summary="Record an advertiser's payment of an invoice",
        description="After the advertiser paid: the `amount` received (the invoice's "
        "`amount_due`, its total less the credit notes applied) and the payment reference (the "
        "bank transfer's or the payment provider's id). The reference is kept on the invoice, "
        "cash in / receivable down is posted to the ledger, the invoice becomes paid and the "
        "audit log keeps it (`invoice.paid`, with the reference as the reason), as the invoice "
        "page's payment form does. A payment is always positive: an amount of zero or less, "
        "one other than the amount due, an invoice paid already, or a blank reference answers "
        "400 and records nothing.",
        request=s.PaymentSerializer,
        responses=answers(s.AdminInvoiceDetailSerializer),
        examples=[
            example(
                "A wire transfer", {"amount": "1250.00", "reference": "WIRE-88213"}, request=True
            ),
            example("The paid invoice", INVOICE_EXAMPLE),
        ],
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def record_payment(self, request, pk=None):
        invoice = self.get_object()  # another network's invoice: 404 before anything else
        if invoice.status == Invoice.Status.PAID:
            raise PayoutError(
                _("%(number)s is paid already (reference %(reference)s); nothing was recorded.")
                % {"number": invoice.display_number, "reference": invoice.payment_reference}
            )
        body = s.PaymentSerializer(data=request.data)  # amount: a decimal string
        body.is_valid(raise_exception=True)
        form = PaymentForm(
            {"amount": request.data.get("amount"), "reference": body.validated_data["reference"]},
            invoice=invoice,
        )
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        invoice_record_payment(
            request._request.network,
            invoice.pk,
            amount=form.cleaned_data["amount"],
            reference=form.cleaned_data["reference"],
            actor=request.user,
        )
        return Response(self.get_serializer(self.get_object()).data)


class CreditNoteFilter(filters.FilterSet):
    advertiser = id_filter("advertiser_id")
    currency = text_filter("currency", 3)
    period_from = filters.DateFilter(field_name="period", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = CreditNote
        fields: list[str] = []


CREDIT_TAGS = ["admin: credit notes"]
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


@extend_schema_view(
    list=extend_schema(
        summary="List the advertisers' credit notes",
        description="A month whose reversals came to more than its approvals makes a credit "
        "note (CN-<year>-<number>, its own series), never a negative invoice. `remaining` is "
        "what the advertiser's next invoices in the currency have not taken off yet.",
        responses=answers(s.CreditNoteSerializer(many=True)),
        examples=[example("A credit note partly used", [CREDIT_NOTE_EXAMPLE])],
        tags=CREDIT_TAGS,
    ),
    retrieve=extend_schema(
        summary="One credit note, with its lines and the invoices it was applied to",
        responses=answers(s.CreditNoteDetailSerializer),
        examples=[example("A credit note partly used", CREDIT_NOTE_DETAIL_EXAMPLE)],
        tags=CREDIT_TAGS,
    ),
)
class CreditNoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    roles = admin_roles("list", "retrieve", "pdf")
    filterset_class = CreditNoteFilter
    ordering_fields = ["period", "issued_at", "number", "id"]
    ordering = ["-period", "-id"]

    def visible(self, membership):
        notes = CreditNote.objects.select_related("advertiser")
        return notes if self.action == "list" else with_credit_details(notes)

    def visible_model(self):
        return CreditNote

    def get_serializer_class(self):
        if self.action == "list":
            return s.CreditNoteSerializer
        return s.CreditNoteDetailSerializer

    @pdf_action("The credit note's PDF, as its page, in the caller's language.", CREDIT_TAGS)
    def pdf(self, request, pk=None):
        from payouts.views_invoices import credit_note_pdf

        note = self.get_object()
        return in_reader_language(request, lambda: credit_note_pdf(request._request, note, "admin"))
