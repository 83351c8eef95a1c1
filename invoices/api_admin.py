"""The admins' advertiser invoices (/api/v1/admin/invoices/): list, read with the lines and the
credit applied, download as PDF, and record an advertiser's payment, as the admin invoice pages
do (invoices/views.py): the same form judges the amount and reference, the same service
(invoices.services.invoice_record_payment) posts cash / receivable to the ledger and writes
the audit entry `invoice.paid`. Credit notes (/api/v1/admin/credit-notes/): list, read, PDF.

The pages offer no other move on an invoice (there is no void), so neither does the API.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from invoices import api_serializers as s
from invoices.api_documents import (
    INVOICE_EXAMPLE,
    CreditNoteViews,
    InvoiceViews,
    credit_note_docs,
    in_reader_language,
    pdf_action,
)
from invoices.filters import AdminCreditNoteFilter, AdminInvoiceFilter
from invoices.forms import PaymentForm
from invoices.services import invoice_record_payment
from invoices.views import credit_note_pdf, invoice_pdf
from network import api_router
from network.api_base import ListAndRetrieve, TenantViewSet
from network.api_docs import admin_roles, answers, example, listed, shown
from network.api_forms import form_errors
from payouts.models import CreditNote, Invoice
from payouts.runs import PayoutError

TAGS = ["admin: invoices"]


@extend_schema_view(
    list=listed(
        "List the advertisers' invoices",
        "One invoice per advertiser, month and currency, as on the invoices page. Filters: "
        "`status` (issued: not paid yet), `advertiser` (id), `currency`, `period_from` / "
        "`period_to` (months, as their first day). Order by period, issued_at, number or id; "
        "newest month first by default.",
        s.AdminInvoiceSerializer,
        TAGS,
    ),
    retrieve=shown(
        "One invoice, with its lines",
        s.AdminInvoiceDetailSerializer,
        ("A paid invoice", INVOICE_EXAMPLE),
        TAGS,
    ),
)
class InvoiceViewSet(InvoiceViews, ListAndRetrieve, TenantViewSet):
    roles = admin_roles("list", "retrieve", "record_payment", "pdf")
    list_serializer = s.AdminInvoiceSerializer
    detail_serializer = s.AdminInvoiceDetailSerializer
    filterset_class = AdminInvoiceFilter
    ordering_fields = ["period", "issued_at", "number", "id"]
    ordering = ["-period", "-id"]

    def documents(self, membership):
        return Invoice.objects.select_related("advertiser")

    @pdf_action(
        "The invoice's PDF: the invoice page's document in the language of the key's account.",
        TAGS,
    )
    def pdf(self, request, pk=None):
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
        sent = self.body_of(s.PaymentSerializer)  # amount: a decimal string
        form = PaymentForm(
            {"amount": request.data.get("amount"), "reference": sent["reference"]},
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


CREDIT_TAGS = ["admin: credit notes"]


@credit_note_docs(
    (
        "List the advertisers' credit notes",
        "A month whose reversals came to more than its approvals makes a credit note "
        "(CN-<year>-<number>, its own series), never a negative invoice. `remaining` is what "
        "the advertiser's next invoices in the currency have not taken off yet.",
    ),
    "One credit note, with its lines and the invoices it was applied to",
    CREDIT_TAGS,
)
class CreditNoteViewSet(CreditNoteViews, ListAndRetrieve, TenantViewSet):
    roles = admin_roles("list", "retrieve", "pdf")
    filterset_class = AdminCreditNoteFilter
    ordering_fields = ["period", "issued_at", "number", "id"]
    ordering = ["-period", "-id"]

    def documents(self, membership):
        return CreditNote.objects.select_related("advertiser")

    @pdf_action("The credit note's PDF, as its page, in the caller's language.", CREDIT_TAGS)
    def pdf(self, request, pk=None):
        note = self.get_object()
        return in_reader_language(request, lambda: credit_note_pdf(request._request, note, "admin"))


api_router.register("admin", "invoices", InvoiceViewSet, basename="admin-invoices")
api_router.register("admin", "credit-notes", CreditNoteViewSet, basename="admin-credit-notes")
