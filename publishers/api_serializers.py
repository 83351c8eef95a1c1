"""What the publisher's conversions, statements and postbacks API reads and writes
(publishers/api.py; the marketplace's serializers: offers/api_publisher_serializers.py).

Everything a publisher reads is what their pages show them, and nothing more: their own
payout (never the network's revenue or margin), their own conversions and payout lines (their
postbacks: webhooks/api_publisher_serializers.py; the marketplace:
offers/api_publisher_serializers.py). Writes are judged by the pages' own forms, so the rules
and messages are the same.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.money import from_minor
from network.api_forms import DECIMAL, NULLABLE_DECIMAL, money
from offers.links import SUB_FIELDS
from payouts import ledger
from payouts.models import PayoutLine
from tracking.models import Conversion

# --- Conversions ---------------------------------------------------------------------------


@extend_schema_field(DECIMAL)
class Amount(serializers.Field):
    """A stored amount in its currency's precision, as a string. Read only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return super().get_attribute(instance), instance.currency

    def to_representation(self, value) -> str:
        amount, currency = value
        return money(amount, currency)


@extend_schema_field(DECIMAL)
class MinorAmount(Amount):
    """An amount kept in minor units (a payout line's), as a decimal string."""

    def to_representation(self, value) -> str:
        amount, currency = value
        return str(ledger.from_minor(amount, currency))


class PublisherConversionSerializer(serializers.ModelSerializer):
    """A conversion of the publisher's traffic, as their conversions page shows it: their
    payout, never the network's revenue or the fraud flags."""

    transaction_id = serializers.CharField(source="click_id", read_only=True)
    offer_name = serializers.CharField(source="offer.name", read_only=True)
    goal_name = serializers.CharField(source="goal.name", read_only=True)
    sale_amount = Amount()
    payout = Amount(help_text=_("What you earn for this conversion."))
    aff_sub = serializers.CharField(source="click.aff_sub", read_only=True)
    aff_sub2 = serializers.CharField(source="click.aff_sub2", read_only=True)
    aff_sub3 = serializers.CharField(source="click.aff_sub3", read_only=True)
    aff_sub4 = serializers.CharField(source="click.aff_sub4", read_only=True)
    aff_sub5 = serializers.CharField(source="click.aff_sub5", read_only=True)
    source = serializers.CharField(source="click.source", read_only=True)

    class Meta:
        model = Conversion
        fields = [
            "id",
            "transaction_id",
            "offer",
            "offer_name",
            "goal",
            "goal_name",
            "status",
            "reason_code",
            "sale_amount",
            "payout",
            "currency",
            "order_id",
            *SUB_FIELDS,
            "method",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


# --- Statements ----------------------------------------------------------------------------


class PayoutLineSerializer(serializers.ModelSerializer):
    """One payout of the publisher: a month's run, in one currency."""

    period = serializers.DateField(
        source="run.period", read_only=True, help_text=_("The month paid (its first day).")
    )
    amount = MinorAmount()
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

    class Meta:
        model = PayoutLine
        fields = [
            "id",
            "period",
            "currency",
            "amount",
            "conversions",
            "status",
            "minimum",
            "carried_reason",
            "from_time",
            "to_time",
            "paid_at",
            "payment_reference",
        ]
        read_only_fields = fields

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
