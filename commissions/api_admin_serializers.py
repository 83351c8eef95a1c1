"""What the admins' payout API reads and writes (commissions/api_admin.py,
commissions/api_admin_tiers.py): goal payouts, per-publisher payout overrides and tiers.

Rows are read only. A write's body is typed here, then judged by the portal page's own form
(commissions.forms.GoalPayoutForm / OverrideForm / TierForm / TierMemberForm /
TierPayoutForm), so the API refuses what the page refuses, with its words.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commissions.models import PayoutOverride, PayoutTier, TierMembership, TierPayout
from network.api_base import IdField, ReadOnlyModelSerializer
from offers.api_admin_serializers import AdminGoalSerializer, TermsPart, terms_text
from offers.models import Goal
from offers.rules import GoalType
from publishers.models import Publisher

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


# What GoalRuleSerializer reads of a rule's terms, last in each rule's fields.
RULE_TERMS = ["currency", "payout_type", "payout_amount", "payout_percent"]


class GoalRuleSerializer(ReadOnlyModelSerializer):
    """A payout rule on one goal (an override's, a tier's): the goal's offer and currency, and
    the terms in the currency's precision (a part the type does not have is null)."""

    offer = serializers.IntegerField(source="goal.offer_id", read_only=True)
    goal_name = serializers.CharField(source="goal.name", read_only=True)
    currency = serializers.CharField(source="goal.offer.currency", read_only=True)
    payout_amount = TermsPart("terms", 0)
    payout_percent = TermsPart("terms", 1)

    def terms(self, rule) -> tuple[str | None, str | None]:
        currency = rule.goal.offer.currency
        return terms_text(rule.payout_type, rule.payout_amount, rule.payout_percent, currency)


class OverrideSerializer(GoalRuleSerializer):
    """One publisher's own payout on one goal (wins over tiers and the goal's payout)."""

    publisher_name = serializers.CharField(source="publisher.name", read_only=True)

    class Meta:
        model = PayoutOverride
        fields = [
            "id",
            "offer",
            "goal",
            "goal_name",
            "publisher",
            "publisher_name",
            *RULE_TERMS,
        ]


class OverrideWriteSerializer(PayoutTermsSerializer):
    """A new override: goal, publisher and terms (replaces the publisher's override there)."""

    goal = IdField(Goal)
    publisher = IdField(Publisher)


# --- Payout tiers ---------------------------------------------------------------------------


class TierMemberSerializer(ReadOnlyModelSerializer):
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)

    class Meta:
        model = TierMembership
        fields = ["publisher", "publisher_name"]


class TierPayoutSerializer(GoalRuleSerializer):
    """The tier's payout on one goal (wins over the goal's payout; an override wins over it)."""

    offer_name = serializers.CharField(source="goal.offer.name", read_only=True)

    class Meta:
        model = TierPayout
        fields = [
            "offer",
            "offer_name",
            "goal",
            "goal_name",
            *RULE_TERMS,
        ]


class TierSerializer(ReadOnlyModelSerializer):
    """A tier with its publishers (by name) and its payouts (by offer, then goal)."""

    members = serializers.SerializerMethodField()
    payouts = serializers.SerializerMethodField()

    class Meta:
        model = PayoutTier
        fields = ["id", "name", "members", "payouts"]

    @extend_schema_field(TierMemberSerializer(many=True))
    def get_members(self, tier: PayoutTier) -> list:
        rows = sorted(tier.memberships.all(), key=lambda m: (m.publisher.name, m.publisher_id))
        return TierMemberSerializer(rows, many=True).data

    @extend_schema_field(TierPayoutSerializer(many=True))
    def get_payouts(self, tier: PayoutTier) -> list:
        rows = sorted(tier.payouts.all(), key=lambda p: (p.goal.offer.name, p.goal_id))
        return TierPayoutSerializer(rows, many=True).data


class TierWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class TierMemberWriteSerializer(serializers.Serializer):
    publisher = IdField(Publisher)


class TierGoalSerializer(serializers.Serializer):
    goal = IdField(Goal)


class TierPayoutWriteSerializer(PayoutTermsSerializer):
    goal = IdField(Goal)
