"""What the admins' offers API reads (offers/api_admin.py): offers with their goals, the
publishers' access to them, and caps (offers/api_admin_caps.py; what publishers earn:
commissions.api_admin_serializers).

Everything a row shows is read only: the moves (approve, send back, pause...) and the access
decisions are actions that take a small body (network.api_forms.ReasonSerializer), judged by
the portal page's own form (offers.forms_admin), so the API refuses what the page refuses,
with the same words.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.money import quantize
from network.api_base import IdField, ReadOnlyModelSerializer
from network.api_forms import NULLABLE_DECIMAL, user_email
from network.api_policy import membership_of
from offers.api_moves import ADMIN_OFFER_MOVES, move_names
from offers.models import CATEGORIES, GOAL_PRICE_FIELDS, Cap, Goal, Offer, OfferAccess
from offers.rules import GoalType
from publishers.models import Publisher

DECIMAL = {"type": "string", "format": "decimal"}


def terms_text(
    kind: str | None, amount: Decimal | None, percent: Decimal | None, currency: str
) -> tuple[str | None, str | None]:
    """A (type, flat amount, percent) triple as the API shows it: the amount in the
    currency's precision, the percent with 3 decimals; a part the type does not have is
    null (both are, for no type)."""
    try:
        kind = GoalType(kind)
    except ValueError:
        return None, None
    flat = str(quantize(amount or 0, currency)) if kind.has_flat else None
    pct = str(Decimal(percent or 0).quantize(Decimal("0.001"))) if kind.has_percent else None
    return flat, pct


@extend_schema_field(NULLABLE_DECIMAL)
class TermsPart(serializers.Field):
    """The flat amount (`part` 0) or the percent (1) of the terms (terms_text) that the
    serializer's method `terms` gives for the row."""

    def __init__(self, terms: str, part: int) -> None:
        self.terms, self.part = terms, part
        super().__init__(read_only=True, source="*")

    def to_representation(self, row) -> str | None:
        return getattr(self.parent, self.terms)(row)[self.part]


class AdminGoalSerializer(ReadOnlyModelSerializer):
    """A goal: what the advertiser pays (revenue) and what publishers earn (payout)."""

    currency = serializers.CharField(source="offer.currency", read_only=True)
    revenue_amount = TermsPart("revenue", 0)
    revenue_percent = TermsPart("revenue", 1)
    payout_type = serializers.SerializerMethodField()
    payout_amount = TermsPart("payout", 0)
    payout_percent = TermsPart("payout", 1)

    class Meta:
        model = Goal
        fields = ["id", "name", "is_default", *GOAL_PRICE_FIELDS]

    def revenue(self, goal: Goal):
        return terms_text(
            goal.revenue_type, goal.revenue_amount, goal.revenue_percent, goal.offer.currency
        )

    def payout(self, goal: Goal):
        if not goal.payout_set:
            return None, None
        return terms_text(
            goal.payout_type, goal.payout_amount, goal.payout_percent, goal.offer.currency
        )

    @extend_schema_field({"type": "string", "enum": [*GoalType.values, None], "nullable": True})
    def get_payout_type(self, goal: Goal) -> str | None:
        return goal.payout_type if goal.payout_set else None


class AdminOfferSerializer(ReadOnlyModelSerializer):
    category = serializers.ChoiceField(
        choices=[code for code, _label in CATEGORIES], read_only=True
    )
    advertiser_name = serializers.CharField(source="advertiser.name", read_only=True)
    preview_url = serializers.CharField(read_only=True)
    allowed_countries = serializers.ListField(child=serializers.CharField(), read_only=True)
    device_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    moves = serializers.SerializerMethodField(
        help_text=_("The moves the offer allows now (each is an action of this endpoint).")
    )

    class Meta:
        model = Offer
        fields = [
            "id",
            "name",
            "advertiser",
            "advertiser_name",
            "category",
            "status",
            "visibility",
            "currency",
            "preview_url",
            "allowed_countries",
            "device_types",
            "hold_days",
            "attribution_window_days",
            "attribution_model",
            "expires_on",
            "moves",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=ADMIN_OFFER_MOVES))
    )
    def get_moves(self, offer: Offer) -> list[str]:
        return move_names(offer, membership_of(self.context["request"]).role)


class AdminOfferDetailSerializer(AdminOfferSerializer):
    goals = AdminGoalSerializer(many=True, read_only=True)
    landing_pages = serializers.SerializerMethodField()
    pending_access = serializers.SerializerMethodField(
        help_text=_("Publishers waiting for a decision on their access request.")
    )

    class Meta(AdminOfferSerializer.Meta):
        fields = [
            *AdminOfferSerializer.Meta.fields,
            "description",
            "terms",
            "multiple_conversions",
            "deep_link_domains",
            "goals",
            "landing_pages",
            "pending_access",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_landing_pages(self, offer: Offer) -> list[str]:
        return [page.url_template for page in offer.landing_pages.filter(is_active=True)]

    def get_pending_access(self, offer: Offer) -> int:
        return offer.accesses.filter(status=OfferAccess.Status.PENDING).count()


class AdminOfferAccessSerializer(ReadOnlyModelSerializer):
    offer_name = serializers.CharField(source="offer.name", read_only=True)
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    decided_by = user_email("decided_by")

    class Meta:
        model = OfferAccess
        fields = [
            "id",
            "offer",
            "offer_name",
            "publisher",
            "publisher_name",
            "status",
            "publisher_note",
            "reason",
            "decided_by",
            "decided_at",
            "created_at",
        ]


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


class CapSerializer(ReadOnlyModelSerializer):
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


class CapWriteSerializer(serializers.Serializer):
    offer = IdField(Offer)
    publisher = IdField(Publisher, required=False, allow_null=True, default=None)
    period = serializers.ChoiceField(choices=Cap.Period.choices)
    metric = serializers.ChoiceField(choices=Cap.Metric.choices)
    limit = serializers.DecimalField(max_digits=14, decimal_places=3)
    action = serializers.ChoiceField(choices=Cap.Action.choices)
