"""What the admins' network settings and webhooks API reads and writes
(network/api_admin_tiers.py; the payout tiers' serializers: offers/api_admin_rules_serializers.py).

The settings are judged by the settings page's NetworkSettingsForm, so the API refuses what the
page refuses, with its words.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.money import from_minor
from network.models import Network, PayoutMinimum
from webhooks.models import SUBSCRIBABLE, WebhookDelivery, WebhookEndpoint

DECIMAL = {"type": "string", "format": "decimal"}


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
