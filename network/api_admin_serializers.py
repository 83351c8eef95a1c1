"""What the network admins' API reads and writes about publishers and advertisers
(network/api_admin.py; offers and access requests keep theirs in offers/api_admin_serializers.py,
conversions and payout runs in network/api_admin_conversions.py and payouts/api_serializers.py).

Everything a row shows is read only: the moves (approve, reject, pay...) are actions that take
a small body, judged by the portal page's own form (publishers.forms.DecisionForm,
offers.forms_admin, tracking.validation.BulkDecisionForm, payouts.forms_runs), so the API
refuses what the page refuses, with the same words.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advertisers.api_serializers import DECIMAL, Amount, MinorAmount, form_errors
from advertisers.models import Advertiser
from lib.money import from_minor
from network.api_forms import ReasonSerializer
from publishers.models import Publisher, PublisherMinimum

__all__ = ["Amount", "MinorAmount", "ReasonSerializer", "form_errors"]


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
