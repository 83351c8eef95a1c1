"""What the publisher's statements endpoint reads (payouts/api_publisher.py): one payout line
per month and currency, as their statements show it. The minimum a line applied and why it
was carried are read by admins too (payouts.api_admin_serializers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.money import from_minor
from network.api_base import ReadOnlyModelSerializer
from network.api_forms import NULLABLE_DECIMAL, MinorAmount
from payouts.models import PayoutLine

# The minimum payout a line applied, and why a carried line was not paid. (No docstring: the
# schema would describe AdminPayoutLine, which has none, with it.)
# A payout line's own facts, as both the admin and the publisher API give them.
LINE_FIELDS = [
    "currency",
    "amount",
    "conversions",
    "status",
    "minimum",
    "carried_reason",
    "from_time",
    "to_time",
]


class CarriedLineMixin(serializers.Serializer):
    minimum = serializers.SerializerMethodField(
        help_text=_(
            "The minimum payout the run applied, in the line's currency; null on lines made "
            "before it was recorded."
        )
    )
    carried_reason = serializers.SerializerMethodField(
        help_text=_(
            "Why a carried line was not paid: below_minimum or negative_balance; null otherwise."
        )
    )

    @extend_schema_field(NULLABLE_DECIMAL)
    def get_minimum(self, line: PayoutLine) -> str | None:
        return None if line.minimum is None else str(from_minor(line.minimum, line.currency))

    @extend_schema_field(
        {"type": "string", "enum": ["below_minimum", "negative_balance", None], "nullable": True}
    )
    def get_carried_reason(self, line: PayoutLine) -> str | None:
        if line.status != PayoutLine.Status.CARRIED:
            return None
        return "negative_balance" if line.negative else "below_minimum"


class PayoutLineSerializer(CarriedLineMixin, ReadOnlyModelSerializer):
    """One payout of the publisher: a month's run, in one currency."""

    period = serializers.DateField(
        source="run.period", read_only=True, help_text=_("The month paid (its first day).")
    )
    amount = MinorAmount()

    class Meta:
        model = PayoutLine
        fields = [
            "id",
            "period",
            *LINE_FIELDS,
            "paid_at",
            "payment_reference",
        ]
