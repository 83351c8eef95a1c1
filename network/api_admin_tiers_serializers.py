"""What the admins' payout tiers API reads and writes (network/api_admin_tiers.py).

Rows are read only. A write's body is typed here, then judged by the tier page's own form
(offers.forms_admin.TierForm / TierMemberForm / TierPayoutForm), so the API refuses what the
page refuses, with its words.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from network.api_admin_rules_serializers import IdField, PayoutTermsSerializer, _terms
from network.api_admin_serializers import DECIMAL_OR_NULL
from offers.models import Goal, PayoutTier, TierMembership, TierPayout
from publishers.models import Publisher


class TierMemberSerializer(serializers.ModelSerializer):
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)

    class Meta:
        model = TierMembership
        fields = ["publisher", "publisher_name"]
        read_only_fields = fields


class TierPayoutSerializer(serializers.ModelSerializer):
    """The tier's payout on one goal (wins over the goal's payout; an override wins over it)."""

    offer = serializers.IntegerField(source="goal.offer_id", read_only=True)
    offer_name = serializers.CharField(source="goal.offer.name", read_only=True)
    goal_name = serializers.CharField(source="goal.name", read_only=True)
    currency = serializers.CharField(source="goal.offer.currency", read_only=True)
    payout_amount = serializers.SerializerMethodField()
    payout_percent = serializers.SerializerMethodField()

    class Meta:
        model = TierPayout
        fields = [
            "offer",
            "offer_name",
            "goal",
            "goal_name",
            "currency",
            "payout_type",
            "payout_amount",
            "payout_percent",
        ]
        read_only_fields = fields

    @extend_schema_field(DECIMAL_OR_NULL)
    def get_payout_amount(self, row: TierPayout) -> str | None:
        return _terms(row, row.goal.offer.currency)[0]

    @extend_schema_field(DECIMAL_OR_NULL)
    def get_payout_percent(self, row: TierPayout) -> str | None:
        return _terms(row, row.goal.offer.currency)[1]


class TierSerializer(serializers.ModelSerializer):
    """A tier with its publishers (by name) and its payouts (by offer, then goal)."""

    members = serializers.SerializerMethodField()
    payouts = serializers.SerializerMethodField()

    class Meta:
        model = PayoutTier
        fields = ["id", "name", "members", "payouts"]
        read_only_fields = fields

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
