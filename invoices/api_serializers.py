"""What the invoice and credit note endpoints of both roles read and take (invoices/api_admin.py,
invoices/api_advertiser.py): an invoice's lines and the credit taken off it, what it asks to
be paid and by when, a credit note with its lines and uses, each role's invoice, and the body
of "record a payment", judged by the invoice page's own PaymentForm; money as decimal strings
beside their currency."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.money import from_minor
from network.api_base import ReadOnlyModelSerializer
from network.api_forms import DECIMAL, MinorAmount
from payouts.models import CreditApplication, CreditNote, CreditNoteLine, Invoice, InvoiceLine

INVOICE_TERMS = [
    "credit_applied",
    "amount_due",
    "payment_terms",
    "terms_days",
    "due_date",
]
# What both roles read of an invoice, in order (admins also its advertiser, after the number).
INVOICE_FIELDS = [
    "id",
    "number",
    "period",
    "currency",
    "total",
    "status",
    "issued_at",
    "paid_at",
    "payment_reference",
    *INVOICE_TERMS,
]


class AdvertiserInvoiceLineSerializer(ReadOnlyModelSerializer):
    offer_name = serializers.CharField(source="offer.name", read_only=True)
    goal_name = serializers.CharField(source="goal.name", read_only=True)
    amount = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceLine
        fields = ["offer", "offer_name", "goal", "goal_name", "conversions", "amount"]

    @extend_schema_field(DECIMAL)
    def get_amount(self, line: InvoiceLine) -> str:
        return str(from_minor(line.amount, line.invoice.currency))


class AppliedCreditSerializer(ReadOnlyModelSerializer):
    """A credit note's part taken off an invoice."""

    credit_note_number = serializers.CharField(source="credit_note.display_number", read_only=True)
    amount = MinorAmount()

    class Meta:
        model = CreditApplication
        fields = ["credit_note", "credit_note_number", "amount"]


class InvoiceTermsMixin(serializers.Serializer):
    """What an invoice asks to be paid, and by when (admin and advertiser serializers)."""

    credit_applied = MinorAmount(help_text=_("Taken off the total by credit notes."))
    amount_due = MinorAmount(help_text=_("The total less the credit applied: what to pay."))
    payment_terms = serializers.CharField(
        source="terms_label", read_only=True, help_text=_('As printed: "Net 30".')
    )


# --- Credit notes ---------------------------------------------------------------------------------


class CreditNoteLineSerializer(ReadOnlyModelSerializer):
    offer_name = serializers.CharField(source="offer.name", read_only=True)
    goal_name = serializers.CharField(source="goal.name", read_only=True)
    amount = MinorAmount(help_text=_("As booked: negative, more reversed."))

    class Meta:
        model = CreditNoteLine
        fields = ["offer", "offer_name", "goal", "goal_name", "conversions", "amount"]


class CreditUseSerializer(ReadOnlyModelSerializer):
    """An invoice a credit note was applied to."""

    invoice_number = serializers.CharField(source="invoice.display_number", read_only=True)
    amount = MinorAmount()

    class Meta:
        model = CreditApplication
        fields = ["invoice", "invoice_number", "amount"]


class CreditNoteSerializer(ReadOnlyModelSerializer):
    number = serializers.CharField(source="display_number", read_only=True)
    advertiser_name = serializers.CharField(source="advertiser.name", read_only=True)
    total = MinorAmount(help_text=_("The credit (positive)."))
    remaining = MinorAmount(help_text=_("Not yet taken off an invoice."))

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "number",
            "advertiser",
            "advertiser_name",
            "period",
            "currency",
            "total",
            "remaining",
            "issued_at",
        ]
        extra_kwargs = {"period": {"help_text": _("The month credited (its first day).")}}


class CreditNoteDetailSerializer(CreditNoteSerializer):
    lines = CreditNoteLineSerializer(many=True, read_only=True)
    applications = CreditUseSerializer(many=True, read_only=True)

    class Meta(CreditNoteSerializer.Meta):
        fields = [*CreditNoteSerializer.Meta.fields, "lines", "applications"]


# --- The advertiser's invoices --------------------------------------------------------------------


# The mixin after ModelSerializer: the schema describes a serializer without a docstring by
# the first docstring before the library's classes, and these invoices have none.
class AdvertiserInvoiceSerializer(ReadOnlyModelSerializer, InvoiceTermsMixin):
    number = serializers.CharField(source="display_number", read_only=True)
    total = MinorAmount()

    class Meta:
        model = Invoice
        fields = INVOICE_FIELDS
        extra_kwargs = {"period": {"help_text": "The month billed (its first day)."}}


class AdvertiserInvoiceDetailSerializer(AdvertiserInvoiceSerializer):
    lines = AdvertiserInvoiceLineSerializer(many=True, read_only=True)

    class Meta(AdvertiserInvoiceSerializer.Meta):
        fields = [*AdvertiserInvoiceSerializer.Meta.fields, "lines"]


class InvoiceDetailSerializer(AdvertiserInvoiceDetailSerializer):
    credits = AppliedCreditSerializer(many=True, read_only=True)

    class Meta(AdvertiserInvoiceDetailSerializer.Meta):
        fields = [*AdvertiserInvoiceDetailSerializer.Meta.fields, "credits"]


# --- The admins' invoices -------------------------------------------------------------------------


class AdminInvoiceSerializer(InvoiceTermsMixin, ReadOnlyModelSerializer):
    number = serializers.CharField(source="display_number", read_only=True)
    advertiser_name = serializers.CharField(source="advertiser.name", read_only=True)
    total = MinorAmount()

    class Meta:
        model = Invoice
        fields = [*INVOICE_FIELDS[:2], "advertiser", "advertiser_name", *INVOICE_FIELDS[2:]]
        extra_kwargs = {"period": {"help_text": _("The month billed (its first day).")}}


class AdminInvoiceDetailSerializer(AdminInvoiceSerializer):
    lines = AdvertiserInvoiceLineSerializer(many=True, read_only=True)
    credits = AppliedCreditSerializer(many=True, read_only=True)

    class Meta(AdminInvoiceSerializer.Meta):
        fields = [*AdminInvoiceSerializer.Meta.fields, "lines", "credits"]


class PaymentSerializer(serializers.Serializer):
    """The payment form's fields; the form judges them (invoices.forms.PaymentForm)."""

    amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=3,
        coerce_to_string=True,
        help_text=_(
            "The amount received, as a decimal string in the invoice's currency: above zero, "
            "and the invoice's amount due."
        ),
    )
    reference = serializers.CharField(
        max_length=200,
        allow_blank=True,
        help_text=_("The bank transfer's reference or the payment provider's transaction id."),
    )
