"""What the publisher's postback API reads and writes (webhooks/api_publisher.py): their
postbacks and the log of their calls, nothing of another publisher's. Writes are judged by the
postback page's own forms (webhooks.views_publisher), so the rules and messages are the same.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from network.api_base import NetworkRelatedField, ReadOnlyModelSerializer
from network.api_forms import form_errors
from offers.api_publisher_serializers import runnable_offers
from offers.models import Offer
from webhooks.postbacks import (
    APPROVED,
    FIRING_EVENTS,
    PostbackAttempt,
    PostbackEndpoint,
    default_events,
)
from webhooks.views_publisher import OfferPostbackForm, PostbackForm

# --- Postbacks -----------------------------------------------------------------------------


class PostbackSerializer(serializers.ModelSerializer):
    offer_name = serializers.CharField(source="offer.name", read_only=True, allow_null=True)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=FIRING_EVENTS),
        required=False,
        help_text=_(
            "What the postback is called for: created (each new conversion), approved, "
            'reversed. Default: ["created"].'
        ),
    )
    fire_on_approval = serializers.BooleanField(
        required=False,
        help_text=_("Whether `events` has approved (kept for older integrations)."),
    )
    state = serializers.ChoiceField(
        choices=["active", "failing", "off"],
        read_only=True,
        help_text=_(
            "active; failing: turned off after 25 failed calls in a row; off: turned off "
            "by you. Turn it on again with `enable`."
        ),
    )

    class Meta:
        model = PostbackEndpoint
        fields = [
            "id",
            "offer",
            "offer_name",
            "url_template",
            "events",
            "fire_on_approval",
            "state",
            "consecutive_failures",
            "disabled_at",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "offer",
            "consecutive_failures",
            "disabled_at",
            "created_at",
        ]
        extra_kwargs = {
            "url_template": {
                "help_text": _(
                    "An http(s) URL; macros such as {aff_click_id}, {payout}, {conversion_id}, "
                    "{status} are filled for each call."
                )
            }
        }

    def validate(self, attrs: dict) -> dict:
        data = {
            "url_template": attrs.get("url_template", getattr(self.instance, "url_template", "")),
            "events": wanted_events(attrs, self.instance),
        }
        form = PostbackForm(data)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {**attrs, **form.cleaned_data}


class OfferPostbackSerializer(PostbackSerializer):
    """A new postback for one offer you run (one per offer)."""

    offer = NetworkRelatedField(
        Offer,
        limit=runnable_offers,
        help_text=_("An offer you run that has no postback of its own yet."),
    )

    class Meta(PostbackSerializer.Meta):
        read_only_fields = ["id", "consecutive_failures", "disabled_at", "created_at"]

    def validate(self, attrs: dict) -> dict:
        publisher, offer = self.context["publisher"], attrs["offer"]
        if PostbackEndpoint.objects.filter(publisher=publisher, offer=offer).exists():
            raise serializers.ValidationError(
                {"offer": [_("This offer has a postback already: change that one instead.")]}
            )
        data = {
            "offer": offer.pk,
            "url_template": attrs.get("url_template", ""),
            "events": wanted_events(attrs, None),
        }
        form = OfferPostbackForm(data, publisher=publisher)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return form.cleaned_data


def wanted_events(attrs: dict, endpoint: PostbackEndpoint | None) -> list[str]:
    """`events` as sent, else the endpoint's (a new one: created only); an older client's
    `fire_on_approval` adds or removes approved."""
    events = list(attrs.get("events", endpoint.events if endpoint else default_events()))
    if "fire_on_approval" in attrs:
        events = [event for event in events if event != APPROVED]
        if attrs["fire_on_approval"]:
            events.append(APPROVED)
    return events


OUTCOMES = ["ok", "http_error", "no_response"]


class PostbackAttemptSerializer(ReadOnlyModelSerializer):
    """One call of a postback, as the log on the postbacks page shows it."""

    postback = serializers.IntegerField(source="endpoint_id", read_only=True)
    offer = serializers.IntegerField(source="endpoint.offer_id", read_only=True, allow_null=True)
    outcome = serializers.SerializerMethodField(
        help_text=_(
            "ok: answered 2xx; http_error: answered another status; no_response: refused, "
            "timed out or not allowed (see error)."
        )
    )

    class Meta:
        model = PostbackAttempt
        fields = [
            "id",
            "postback",
            "offer",
            "conversion",
            "event",
            "url",
            "outcome",
            "status_code",
            "error",
            "elapsed_ms",
            "attempt_number",
            "created_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=OUTCOMES))
    def get_outcome(self, attempt: PostbackAttempt) -> str:
        if attempt.status_code is None:
            return "no_response"
        return "ok" if attempt.ok else "http_error"
