"""What the admins' payout tiers and network settings API reads and writes
(network/api_admin_tiers.py).

Rows are read only. A write's body is typed here, then judged by the tier page's own form
(offers.forms_admin.TierForm / TierMemberForm / TierPayoutForm), so the API refuses what the
page refuses, with its words; the settings by the settings page's NetworkSettingsForm.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.money import from_minor
from network.api_admin_rules_serializers import DECIMAL, IdField, PayoutTermsSerializer, _terms
from network.api_admin_serializers import DECIMAL_OR_NULL
from network.models import Network, PayoutMinimum
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


# --- Network settings -----------------------------------------------------------------------


class PayoutMinimumSerializer(serializers.Serializer):
    """One currency's minimum payout; in a PATCH, `amount` null removes it."""

    currency = serializers.CharField(max_length=3)
    # The decimals are the currency's (0 for VND, 3 for KWD): judged by the page's form.
    amount = serializers.DecimalField(max_digits=18, decimal_places=None, allow_null=True)


class NetworkSettingsSerializer(serializers.Serializer):
    """The settings page's fields, plus the address and currency (fixed: money is booked in it)."""

    name = serializers.CharField()
    slug = serializers.CharField(help_text="The network's address (fixed).")
    currency = serializers.CharField(help_text="Fixed: money is booked in it.")
    timezone = serializers.CharField()
    language = serializers.ChoiceField(choices=django_settings.LANGUAGES)
    default_margin_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    min_payout = serializers.SerializerMethodField(
        help_text="The minimum payout in the network's own currency (0: none)."
    )
    payout_minimums = serializers.SerializerMethodField(
        help_text="The minimum payout per currency; a currency not listed has none."
    )
    payout_second_approver = serializers.BooleanField()
    invoice_terms_days = serializers.IntegerField(
        help_text="Days an invoice is due after it is issued (Net 30); 0: due on receipt."
    )

    @extend_schema_field(DECIMAL)
    def get_min_payout(self, network: Network) -> str:
        return str(from_minor(network.minimum_payout(network.currency) or 0, network.currency))

    @extend_schema_field(PayoutMinimumSerializer(many=True))
    def get_payout_minimums(self, network: Network) -> list[dict]:
        rows = PayoutMinimum.objects.filter(network=network)
        return [
            {"currency": row.currency, "amount": str(from_minor(row.amount, row.currency))}
            for row in rows
        ]


class NetworkSettingsWriteSerializer(serializers.Serializer):
    """What PATCH may change (each optional); the settings page's form judges the result."""

    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False)
    language = serializers.ChoiceField(choices=django_settings.LANGUAGES, required=False)
    default_margin_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False
    )
    min_payout = serializers.DecimalField(max_digits=14, decimal_places=3, required=False)
    payout_minimums = PayoutMinimumSerializer(many=True, required=False)
    payout_second_approver = serializers.BooleanField(required=False)
    invoice_terms_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
