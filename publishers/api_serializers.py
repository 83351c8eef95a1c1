"""What the publisher's conversions, statements and postbacks API reads and writes
(publishers/api.py; the marketplace's serializers: offers/api_publisher_serializers.py).

Everything a publisher reads is what their pages show them, and nothing more: their own
payout (never the network's revenue or margin), their own conversions, payout lines and
postbacks. Writes are judged by the pages' own forms (publishers.views_postbacks), so the
rules and messages are the same.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.money import from_minor
from network.api_base import NetworkRelatedField
from network.api_forms import DECIMAL, NULLABLE_DECIMAL, form_errors, money
from offers.api_publisher_serializers import runnable_offers  # the offers a postback may name
from offers.links import SUB_FIELDS
from offers.models import Offer
from payouts import ledger
from payouts.models import PayoutLine
from publishers.postbacks import (
    APPROVED,
    FIRING_EVENTS,
    PostbackAttempt,
    PostbackEndpoint,
    default_events,
)
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
        from publishers.views_postbacks import PostbackForm

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
        from publishers.views_postbacks import OfferPostbackForm

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


class PostbackAttemptSerializer(serializers.ModelSerializer):
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
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=OUTCOMES))
    def get_outcome(self, attempt: PostbackAttempt) -> str:
        if attempt.status_code is None:
            return "no_response"
        return "ok" if attempt.ok else "http_error"
