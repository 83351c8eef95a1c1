"""What the network admins' API reads and writes about publishers, advertisers, offers and
access requests (network/api_admin.py, network/api_admin_offers.py; conversions and payout
runs keep theirs in tracking/api_serializers.py and payouts/api_admin_serializers.py).

Everything a row shows is read only: the moves (approve, reject, pay...) are actions that take
a small body, judged by the portal page's own form (publishers.forms.DecisionForm,
offers.forms_admin, payouts.bulk_decisions.BulkDecisionForm, payouts.forms_runs), so the API
refuses what the page refuses, with the same words.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advertisers.api_serializers import DECIMAL, Amount, MinorAmount, form_errors
from advertisers.models import Advertiser
from lib.money import from_minor, quantize
from network.api_policy import membership_of
from offers.models import CATEGORIES, Goal, Offer, OfferAccess
from offers.rules import GoalType
from offers.services import allowed_moves
from publishers.models import Publisher, PublisherMinimum

__all__ = ["Amount", "MinorAmount", "form_errors"]

REASON_MAX = 2000  # the pages' reason fields


class ReasonSerializer(serializers.Serializer):
    """The body of a move: why (sent to the company concerned; required to refuse)."""

    reason = serializers.CharField(
        max_length=REASON_MAX, required=False, allow_blank=True, default=""
    )


def emails(memberships) -> list[str]:
    return sorted(m.user.email for m in memberships.all())


# --- Publishers ----------------------------------------------------------------------------


class AdminPublisherSerializer(serializers.ModelSerializer):
    reviewed_by = serializers.EmailField(
        source="reviewed_by.email", default=None, read_only=True, allow_null=True
    )
    min_payout = serializers.SerializerMethodField(
        help_text=_(
            "This publisher's own payout minimum in the network's currency; null: the "
            "network's applies."
        )
    )
    min_payouts = serializers.SerializerMethodField(
        help_text=_("This publisher's own payout minimum per currency (others: the network's).")
    )
    currency = serializers.CharField(source="network.currency", read_only=True)
    users = serializers.SerializerMethodField()
    traffic_sources = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Publisher
        fields = [
            "id",
            "name",
            "website",
            "country",
            "traffic_sources",
            "traffic_description",
            "status",
            "decision_reason",
            "reviewed_by",
            "reviewed_at",
            "min_payout",
            "min_payouts",
            "currency",
            "users",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
    def get_min_payout(self, publisher: Publisher) -> str | None:
        own = self.own_minimums(publisher)
        return own.get(publisher.network.currency)

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "currency": {"type": "string"},
                    "amount": {"type": "string", "format": "decimal"},
                },
                "required": ["currency", "amount"],
            },
        }
    )
    def get_min_payouts(self, publisher: Publisher) -> list[dict[str, str]]:
        own = self.own_minimums(publisher)
        return [{"currency": code, "amount": amount} for code, amount in sorted(own.items())]

    def own_minimums(self, publisher: Publisher) -> dict[str, str]:
        rows = PublisherMinimum.objects.filter(publisher=publisher)
        return {row.currency: str(from_minor(row.amount, row.currency)) for row in rows}

    @extend_schema_field(serializers.ListField(child=serializers.EmailField()))
    def get_users(self, publisher: Publisher) -> list[str]:
        return emails(publisher.memberships)


# --- Advertisers ---------------------------------------------------------------------------


class OwedSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.SerializerMethodField()

    @extend_schema_field(DECIMAL)
    def get_amount(self, owed: dict) -> str:
        return str(owed["amount"])  # from the ledger: in the currency's precision already


class AdminAdvertiserSerializer(serializers.ModelSerializer):
    website = serializers.CharField(read_only=True)
    users = serializers.SerializerMethodField()

    class Meta:
        model = Advertiser
        fields = ["id", "name", "website", "status", "require_token", "users", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.EmailField()))
    def get_users(self, advertiser: Advertiser) -> list[str]:
        return emails(advertiser.memberships)


class AdminAdvertiserDetailSerializer(AdminAdvertiserSerializer):
    owed = serializers.SerializerMethodField(
        help_text=_("What the company owes the network now (invoiced or not), per currency.")
    )

    class Meta(AdminAdvertiserSerializer.Meta):
        fields = [*AdminAdvertiserSerializer.Meta.fields, "owed"]
        read_only_fields = fields

    @extend_schema_field(OwedSerializer(many=True))
    def get_owed(self, advertiser: Advertiser) -> list[dict]:
        from payouts.views_invoices import receivables_by_advertiser

        owed = receivables_by_advertiser(advertiser.pk).get(advertiser.pk, [])
        return OwedSerializer(owed, many=True).data


# --- Offers --------------------------------------------------------------------------------


def _terms(kind: str | None, amount: Decimal | None, percent: Decimal | None, currency: str):
    """Amount in the currency's precision; a part the type does not have is null."""
    try:
        kind = GoalType(kind)
    except ValueError:
        return None, None
    flat = str(quantize(amount or 0, currency)) if kind.has_flat else None
    pct = str(Decimal(percent or 0).quantize(Decimal("0.001"))) if kind.has_percent else None
    return flat, pct


DECIMAL_OR_NULL = {"type": "string", "format": "decimal", "nullable": True}


class AdminGoalSerializer(serializers.ModelSerializer):
    """A goal: what the advertiser pays (revenue) and what publishers earn (payout)."""

    currency = serializers.CharField(source="offer.currency", read_only=True)
    revenue_amount = serializers.SerializerMethodField()
    revenue_percent = serializers.SerializerMethodField()
    payout_type = serializers.SerializerMethodField()
    payout_amount = serializers.SerializerMethodField()
    payout_percent = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = [
            "id",
            "name",
            "is_default",
            "currency",
            "revenue_type",
            "revenue_amount",
            "revenue_percent",
            "payout_set",
            "payout_type",
            "payout_amount",
            "payout_percent",
        ]
        read_only_fields = fields

    def revenue(self, goal: Goal):
        return _terms(
            goal.revenue_type, goal.revenue_amount, goal.revenue_percent, goal.offer.currency
        )

    def payout(self, goal: Goal):
        if not goal.payout_set:
            return None, None
        return _terms(
            goal.payout_type, goal.payout_amount, goal.payout_percent, goal.offer.currency
        )

    @extend_schema_field(DECIMAL_OR_NULL)
    def get_revenue_amount(self, goal: Goal) -> str | None:
        return self.revenue(goal)[0]

    @extend_schema_field(DECIMAL_OR_NULL)
    def get_revenue_percent(self, goal: Goal) -> str | None:
        return self.revenue(goal)[1]

    @extend_schema_field({"type": "string", "enum": [*GoalType.values, None], "nullable": True})
    def get_payout_type(self, goal: Goal) -> str | None:
        return goal.payout_type if goal.payout_set else None

    @extend_schema_field(DECIMAL_OR_NULL)
    def get_payout_amount(self, goal: Goal) -> str | None:
        return self.payout(goal)[0]

    @extend_schema_field(DECIMAL_OR_NULL)
    def get_payout_percent(self, goal: Goal) -> str | None:
        return self.payout(goal)[1]


# The admins' offer moves, by name: (the statuses it starts from, the status it leads to).
S = Offer.Status
OFFER_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": ((S.PENDING,), S.ACTIVE),
    "send_back": ((S.PENDING,), S.DRAFT),
    "submit": ((S.DRAFT,), S.PENDING),
    "pause": ((S.ACTIVE,), S.PAUSED),
    "resume": ((S.PAUSED,), S.ACTIVE),
    "archive": ((S.DRAFT, S.PENDING, S.ACTIVE, S.PAUSED), S.ARCHIVED),
}


ADMIN_OFFER_MOVES = list(OFFER_MOVES)


def move_names(offer: Offer, role: str) -> list[str]:
    """The moves the offer allows now (offers.services.allowed_moves), by name."""
    targets = set(allowed_moves(offer, role))
    return [
        name for name, (froms, to) in OFFER_MOVES.items() if offer.status in froms and to in targets
    ]


class AdminOfferSerializer(serializers.ModelSerializer):
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
            "expires_on",
            "moves",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

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
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_landing_pages(self, offer: Offer) -> list[str]:
        return [page.url_template for page in offer.landing_pages.filter(is_active=True)]

    def get_pending_access(self, offer: Offer) -> int:
        return offer.accesses.filter(status=OfferAccess.Status.PENDING).count()


class AdminOfferAccessSerializer(serializers.ModelSerializer):
    offer_name = serializers.CharField(source="offer.name", read_only=True)
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    decided_by = serializers.EmailField(
        source="decided_by.email", default=None, read_only=True, allow_null=True
    )

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
        read_only_fields = fields
