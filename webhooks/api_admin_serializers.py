"""What the admins' webhook API reads and writes (webhooks/api_admin.py): endpoints without
their signing secret (but when made and rotated), and a delivery's outcome (the test ping).
A write's body is typed here, then judged by the webhook page's own EndpointForm."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from network.api_base import ReadOnlyModelSerializer
from webhooks.models import SUBSCRIBABLE, WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(ReadOnlyModelSerializer):
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


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    events = serializers.ListField(child=serializers.ChoiceField(choices=SUBSCRIBABLE))


class WebhookUpdateSerializer(WebhookCreateSerializer):
    is_active = serializers.BooleanField(required=False, default=True)


class WebhookDeliverySerializer(ReadOnlyModelSerializer):
    """A delivery (here the test ping) and its outcome."""

    status_code = serializers.IntegerField(read_only=True, allow_null=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "event_id", "state", "status_code", "error", "duration_ms"]

    # A plain enum (not a named component), as the endpoint's state.
    @extend_schema_field({"type": "string", "enum": list(WebhookDelivery.State.values)})
    def get_state(self, delivery: WebhookDelivery) -> str:
        return delivery.state
