"""What the admins' payout rules API reads and writes (network/api_admin_rules.py): goal
payouts, per-publisher payout overrides and caps.

Rows are read only. A write's body is typed here, then judged by the portal page's own form
(offers.forms_admin.GoalPayoutForm / OverrideForm, offers.forms.CapForm), so the API refuses
what the page refuses, with its words.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.money import quantize
from network.api_admin_serializers import DECIMAL_OR_NULL, AdminGoalSerializer
from network.api_base import NetworkRelatedField
from offers.models import Cap, Goal, Offer, PayoutOverride
from offers.rules import GoalType
from publishers.models import Publisher

DECIMAL = {"type": "string", "format": "decimal"}


@extend_schema_field(OpenApiTypes.INT)
class IdField(NetworkRelatedField):
    """An id of this network's rows (typed for the schema: written in a plain serializer)."""


# --- Goal payouts -------------------------------------------------------------------------


class GoalPayoutSerializer(AdminGoalSerializer):
    """A goal of any offer: revenue (advertiser pays) and payout (publishers earn)."""

    offer = serializers.IntegerField(source="offer_id", read_only=True)
    offer_name = serializers.CharField(source="offer.name", read_only=True)
    loses_money = serializers.SerializerMethodField(
        help_text=_("This payout is above the revenue: each conversion loses money.")
    )

    class Meta(AdminGoalSerializer.Meta):
        fields = ["offer", "offer_name", *AdminGoalSerializer.Meta.fields, "loses_money"]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(choices=GoalType.choices, allow_null=True, read_only=True)
    )
    def get_payout_type(self, goal: Goal) -> str | None:
        return super().get_payout_type(goal)

    def get_loses_money(self, goal: Goal) -> bool:
        """The offer page's warning after a payout is saved."""
        if not goal.payout_set or goal.payout_type != goal.revenue_type:
            return False
        return (goal.payout_amount or 0) > (goal.revenue_amount or 0) or (
            goal.payout_percent or 0
        ) > (goal.revenue_percent or 0)


class PayoutTermsSerializer(serializers.Serializer):
    """A payout's type, flat amount and percent (the page's payout form)."""

    payout_type = serializers.ChoiceField(choices=GoalType.choices)
    payout_amount = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, default=Decimal(0)
    )
    payout_percent = serializers.DecimalField(
        max_digits=6, decimal_places=3, required=False, default=Decimal(0)
    )


def terms_data(data: dict) -> dict:
    return {
        "payout_type": data["payout_type"],
        "payout_amount": data["payout_amount"],
        "payout_percent": data["payout_percent"],
    }


# --- Payout overrides -----------------------------------------------------------------------


def _terms(obj, currency: str) -> tuple[str | None, str | None]:
    kind = GoalType(obj.payout_type)
    flat = str(quantize(obj.payout_amount or 0, currency)) if kind.has_flat else None
    pct = str(Decimal(obj.payout_percent or 0).quantize(Decimal("0.001")))
    return flat, pct if kind.has_percent else None


class OverrideSerializer(serializers.ModelSerializer):
    """One publisher's own payout on one goal (wins over tiers and the goal's payout)."""

    offer = serializers.IntegerField(source="goal.offer_id", read_only=True)
    goal_name = serializers.CharField(source="goal.name", read_only=True)
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    currency = serializers.CharField(source="goal.offer.currency", read_only=True)
    payout_amount = serializers.SerializerMethodField()
    payout_percent = serializers.SerializerMethodField()

    class Meta:
        model = PayoutOverride
        fields = [
            "id",
            "offer",
            "goal",
            "goal_name",
            "publisher",
            "publisher_name",
            "currency",
            "payout_type",
            "payout_amount",
            "payout_percent",
        ]
        read_only_fields = fields

    @extend_schema_field(DECIMAL_OR_NULL)
    def get_payout_amount(self, override: PayoutOverride) -> str | None:
        return _terms(override, override.goal.offer.currency)[0]

    @extend_schema_field(DECIMAL_OR_NULL)
    def get_payout_percent(self, override: PayoutOverride) -> str | None:
        return _terms(override, override.goal.offer.currency)[1]


class OverrideWriteSerializer(PayoutTermsSerializer):
    """A new override: goal, publisher and terms (replaces the publisher's override there)."""

    goal = IdField(Goal)
    publisher = IdField(Publisher)


# --- Caps -----------------------------------------------------------------------------------


@extend_schema_field(DECIMAL)
class CapLimit(serializers.Field):
    """A payout budget in the offer's currency's precision; counts as whole numbers."""

    def __init__(self, **kwargs) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, cap: Cap):
        return cap

    def to_representation(self, cap: Cap) -> str:
        if cap.metric == Cap.Metric.PAYOUT:
            return str(quantize(cap.limit, cap.offer.currency))
        return str(cap.limit.to_integral_value())


class CapSerializer(serializers.ModelSerializer):
    publisher = serializers.IntegerField(source="publisher_id", read_only=True, allow_null=True)
    publisher_name = serializers.CharField(
        source="publisher.name", read_only=True, default=None, allow_null=True
    )
    currency = serializers.CharField(source="offer.currency", read_only=True)
    limit = CapLimit()

    class Meta:
        model = Cap
        fields = [
            "id",
            "offer",
            "publisher",
            "publisher_name",
            "period",
            "metric",
            "limit",
            "currency",
            "action",
        ]
        read_only_fields = fields


class CapWriteSerializer(serializers.Serializer):
    offer = IdField(Offer)
    publisher = IdField(Publisher, required=False, allow_null=True, default=None)
    period = serializers.ChoiceField(choices=Cap.Period.choices)
    metric = serializers.ChoiceField(choices=Cap.Metric.choices)
    limit = serializers.DecimalField(max_digits=14, decimal_places=3)
    action = serializers.ChoiceField(choices=Cap.Action.choices)
