"""What the admins' invoice API (payouts/api_invoices.py) reads and takes: an invoice with
its advertiser and lines, money as decimal strings beside their currency, and the body of
"record a payment" (judged by the invoice page's own PaymentForm)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from advertisers.api_serializers import AdvertiserInvoiceLineSerializer, MinorAmount
from payouts.models import Invoice


class AdminInvoiceSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="display_number", read_only=True)
    advertiser_name = serializers.CharField(source="advertiser.name", read_only=True)
    total = MinorAmount()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "advertiser",
            "advertiser_name",
            "period",
            "currency",
            "total",
            "status",
            "issued_at",
            "paid_at",
            "payment_reference",
        ]
        read_only_fields = fields
        extra_kwargs = {"period": {"help_text": _("The month billed (its first day).")}}


class AdminInvoiceDetailSerializer(AdminInvoiceSerializer):
    lines = AdvertiserInvoiceLineSerializer(many=True, read_only=True)

    class Meta(AdminInvoiceSerializer.Meta):
        fields = [*AdminInvoiceSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class PaymentSerializer(serializers.Serializer):
    """The payment form's fields; the form judges them (payouts.forms_invoices.PaymentForm)."""

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
