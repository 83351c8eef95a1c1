"""The network admins' API about publishers, /api/v1/admin/publishers/: read them and decide
their application (approve, or reject with a reason).

It mirrors the publisher review page (publishers/views.py): owners and managers alike, the
page's DecisionForm judges the body, publishers.services.publisher_decide makes the change and
writes the audit entry. Ids of another network answer 404.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from lib.countries import COUNTRY_CHOICES
from lib.money import from_minor
from network import api_router
from network.api_base import ListAndRetrieve, ReadOnlyModelSerializer, TenantViewSet
from network.api_docs import admin_roles, listed, shown, text_filter, written
from network.api_forms import ReasonSerializer, emails, judged, user_email
from publishers.forms import DecisionForm
from publishers.models import Publisher, PublisherMinimum
from publishers.services import publisher_decide


class PublisherFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Publisher.Status.choices)
    country = filters.ChoiceFilter(choices=COUNTRY_CHOICES)
    search = text_filter("name", 100, method="filter_search")

    def filter_search(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(website__icontains=value))


class AdminPublisherSerializer(ReadOnlyModelSerializer):
    reviewed_by = user_email("reviewed_by")
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


PUBLISHER_EXAMPLE = {
    "id": 7,
    "name": "Deal Blog",
    "website": "https://deals.example",
    "country": "US",
    "traffic_sources": ["content", "email"],
    "traffic_description": "A coupon blog with 40k readers.",
    "status": "approved",
    "decision_reason": "",
    "reviewed_by": "owner@example.com",
    "reviewed_at": "2026-06-02T08:00:00Z",
    "min_payout": None,
    "min_payouts": [{"currency": "VND", "amount": "500000"}],
    "currency": "USD",
    "users": ["pub@deals.example"],
    "created_at": "2026-06-01T09:30:00Z",
}
TAGS_PUBLISHERS = ["admin: publishers"]


def decision_schema(decision: str, summary: str, description: str):
    body = {"reason": "Traffic sources do not fit our advertisers."}
    return written(
        summary,
        description,
        AdminPublisherSerializer,
        TAGS_PUBLISHERS,
        body=ReasonSerializer,
        sent=("Why", body if decision == "reject" else {"reason": ""}),
        answer=("The publisher after the decision", PUBLISHER_EXAMPLE),
    )


@extend_schema_view(
    list=listed(
        "List the publishers",
        "Every publisher of the network. Filters: `status`, `country` (ISO code), `search` (in "
        "the name or website). Order by created_at, name or id.",
        AdminPublisherSerializer,
        TAGS_PUBLISHERS,
    ),
    retrieve=shown(
        "One publisher",
        AdminPublisherSerializer,
        ("An approved publisher", PUBLISHER_EXAMPLE),
        TAGS_PUBLISHERS,
    ),
)
class AdminPublisherViewSet(ListAndRetrieve, TenantViewSet):
    """The publisher review page: approve or reject with a reason (emailed to them). There
    is no separate "block": as on the page, rejecting an approved publisher is how they are
    blocked, and approving them again lifts it."""

    roles = admin_roles("list", "retrieve", "approve", "reject")
    serializer_class = AdminPublisherSerializer
    filterset_class = PublisherFilter
    ordering_fields = ["created_at", "name", "id"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Publisher.objects.select_related("network", "reviewed_by").prefetch_related(
            "memberships__user"
        )

    def decide(self, approve: bool) -> Response:
        publisher = self.get_object()  # another network's id: 404 before anything else
        reason = self.body_of(ReasonSerializer)["reason"]
        form = DecisionForm({"decision": "approve" if approve else "reject", "reason": reason})
        reason = judged(form)["reason"]
        publisher_decide(
            publisher=publisher, actor=self.request.user, approve=approve, reason=reason
        )
        return Response(self.get_serializer(self.get_object()).data)

    @decision_schema(
        "approve",
        "Approve a publisher",
        "A pending application, or a rejected (blocked) publisher: they may run offers. The "
        "decision is emailed to them and written to the audit log (`publisher.reviewed`).",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.decide(approve=True)

    @decision_schema(
        "reject",
        "Reject or block a publisher",
        "Rejects a pending application, or blocks an approved publisher (their tracking "
        "links stop counting and the offers close to them), with a reason (required, emailed "
        "to them). "
        "Written to the audit log (`publisher.reviewed`).",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self.decide(approve=False)


api_router.register("admin", "publishers", AdminPublisherViewSet, basename="admin-publishers")
