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
from webhooks.models import SUBSCRIBABLE, WebhookDelivery, WebhookEndpoint


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


# --- Webhook endpoints ----------------------------------------------------------------------


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint of the network's webhooks, without its signing secret."""

    events = serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIBABLE), read_only=True
    )
    state = serializers.SerializerMethodField(
        help_text="active, failing (turned off after too many failures) or off (by an admin)."
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "is_active",
            "state",
            "consecutive_failures",
            "disabled_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"disabled_at": {"allow_null": True}}

    # A pattern, not an enum: the schema's enum names are per field name, and "state" names
    # another choice set already (settings are shared; no override added there).
    @extend_schema_field({"type": "string", "pattern": "^(active|failing|off)$"})
    def get_state(self, endpoint: WebhookEndpoint) -> str:
        return endpoint.state


class WebhookEndpointSecretSerializer(WebhookEndpointSerializer):
    """The endpoint with its signing secret: answered when it is made and when rotated."""

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    events = serializers.ListField(child=serializers.ChoiceField(choices=SUBSCRIBABLE))


class WebhookUpdateSerializer(WebhookCreateSerializer):
    is_active = serializers.BooleanField(required=False, default=True)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """A delivery (here the test ping) and its outcome."""

    status_code = serializers.IntegerField(read_only=True, allow_null=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "event_id", "state", "status_code", "error", "duration_ms"]
        read_only_fields = fields

    # A plain enum (not a named component), as the endpoint's state.
    @extend_schema_field({"type": "string", "enum": list(WebhookDelivery.State.values)})
    def get_state(self, delivery: WebhookDelivery) -> str:
        return delivery.state
