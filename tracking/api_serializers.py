"""A conversion as each role's API shows it, as their conversions pages do: admins see revenue,
payout and the fraud checks' traces; advertisers the revenue (never the publisher's payout);
publishers their payout (never the network's revenue or the fraud flags)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from network import api_docs
from network.api_base import ReadOnlyModelSerializer
from network.api_forms import Amount
from tracking.models import ADV_SUB_FIELDS, SUB_FIELDS, Conversion

# What every role reads of a conversion, in the order of the answer.
HEAD = ["id", "transaction_id", "offer", "offer_name", "goal", "goal_name"]
TAIL = ["created_at", "decided_at"]


class ConversionSerializer(ReadOnlyModelSerializer):
    """The fields the roles share; each role's Meta lists what it reads, in order."""

    transaction_id = serializers.CharField(source="click_id", read_only=True)
    offer_name = serializers.CharField(source="offer.name", read_only=True)
    goal_name = serializers.CharField(source="goal.name", read_only=True)
    sale_amount = Amount()


class CompanyConversionSerializer(ConversionSerializer):
    """What admins and advertisers both read: the publisher, the advertiser's sub ids, the
    revenue and the fraud flags."""

    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    aff_sub = serializers.CharField(source="click.aff_sub", read_only=True)
    revenue = Amount(help_text=_("What the advertiser pays for this conversion."))
    fraud_flags = serializers.ListField(child=serializers.CharField(), read_only=True)


class AdminConversionSerializer(CompanyConversionSerializer):
    """A conversion as the admins' conversions page shows it: revenue and payout."""

    payout = Amount(help_text=_("What the publisher earns for this conversion."))

    class Meta:
        model = Conversion
        fields = [
            *HEAD,
            "publisher",
            "publisher_name",
            "status",
            "reason_code",
            "sale_amount",
            "revenue",
            "payout",
            "currency",
            "order_id",
            *ADV_SUB_FIELDS,
            "aff_sub",
            "method",
            "ip",
            "fraud_flags",
            *TAIL,
        ]


class AdvertiserConversionSerializer(CompanyConversionSerializer):
    """A conversion of one of the company's offers, as the advertiser's conversions page
    shows it (no publisher payout)."""

    class Meta:
        model = Conversion
        # The admins' fields, less the publisher's payout and the visitor's address.
        fields = [f for f in AdminConversionSerializer.Meta.fields if f not in ("payout", "ip")]


class PublisherConversionSerializer(ConversionSerializer):
    """A conversion of the publisher's traffic, as their conversions page shows it: their
    payout, never the network's revenue or the fraud flags."""

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
            *HEAD,
            "status",
            "reason_code",
            "sale_amount",
            "payout",
            "currency",
            "order_id",
            *SUB_FIELDS,
            "source",
            "method",
            *TAIL,
        ]


# What the schema shows of a conversion: a pending sale as an admin reads it (flagged), and as
# its advertiser reads it.
EXAMPLE_HEAD = {  # the HEAD fields of every role's example
    "id": 901,
    "transaction_id": "0190f3c2a4b87c1e9d2f4a6b8c0d1e2f",
    "offer": 12,
    "offer_name": "Summer Sale",
    "goal": 31,
    "goal_name": "Sale",
}
ADMIN_EXAMPLE = {
    **EXAMPLE_HEAD,
    "publisher": 7,
    "publisher_name": "Deal Blog",
    "status": "pending",
    "reason_code": "",
    "sale_amount": "120.00",
    "revenue": "10.00",
    "payout": "8.00",
    "currency": "USD",
    "order_id": "A-1001",
    "adv_sub": "",
    "adv_sub2": "",
    "adv_sub3": "",
    "adv_sub4": "",
    "adv_sub5": "",
    "aff_sub": "spring",
    "method": "postback",
    "ip": "203.0.113.9",
    "fraud_flags": ["ip_velocity"],
    "created_at": "2026-06-02T10:00:00Z",
    "decided_at": None,
}
ADVERTISER_EXAMPLE = {
    **{name: value for name, value in ADMIN_EXAMPLE.items() if name not in ("payout", "ip")},
    "revenue": "8.50",
    "fraud_flags": [],
}


def conversions_docs(
    row: type[ConversionSerializer],
    tags: list[str],
    *,
    listed: tuple[str, str],
    one: str,
    named: tuple[str, dict],
    parameters: list | None = None,
):
    """The schema of a role's conversions viewset (list and retrieve, as every role's reads
    are): `listed` the list's summary and description, `one` the retrieve's summary and
    `named` its example; `parameters` the day filters, where the role's filter has them."""
    return extend_schema_view(
        list=api_docs.listed(*listed, row, tags, parameters=parameters),
        retrieve=api_docs.shown(one, row, named, tags),
    )
