"""The network admins' API, /api/v1/admin/: publishers and advertisers here; offers and access
requests (network/api_admin_offers.py) register on this module's `router`; conversions, payout
runs, invoices and credit notes register from payouts/api_admin.py.

It mirrors the admin pages under /manage/: owners and managers alike (no admin page of the
portal is for owners only), the same forms judge what is sent, the same services make the
changes and write the audit entries. Ids of another network answer 404.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from advertisers.forms import AdvertiserStatusForm
from advertisers.models import Advertiser
from advertisers.services import advertiser_set_status
from network import api_admin_more, api_admin_offers, api_router
from network import api_admin_serializers as s
from network.api_base import TenantViewSet
from network.api_docs import admin_roles, answers, example, text_filter
from publishers.countries import COUNTRIES
from publishers.forms import DecisionForm
from publishers.models import Publisher
from publishers.services import publisher_decide
from reports.api import AdminStats

# --- Publishers ----------------------------------------------------------------------------


class PublisherFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Publisher.Status.choices)
    country = filters.ChoiceFilter(choices=COUNTRIES)
    search = text_filter("name", 100, method="filter_search")

    class Meta:
        model = Publisher
        fields: list[str] = []

    def filter_search(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(website__icontains=value))


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
    return extend_schema(
        summary=summary,
        description=description,
        request=s.ReasonSerializer,
        responses=answers(s.AdminPublisherSerializer),
        examples=[
            example("Why", body if decision == "reject" else {"reason": ""}, request=True),
            example("The publisher after the decision", PUBLISHER_EXAMPLE),
        ],
        tags=TAGS_PUBLISHERS,
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the publishers",
        description="Every publisher of the network. Filters: `status`, `country` (ISO code), "
        "`search` (in the name or website). Order by created_at, name or id.",
        responses=answers(s.AdminPublisherSerializer(many=True)),
        tags=TAGS_PUBLISHERS,
    ),
    retrieve=extend_schema(
        summary="One publisher",
        responses=answers(s.AdminPublisherSerializer),
        examples=[example("An approved publisher", PUBLISHER_EXAMPLE)],
        tags=TAGS_PUBLISHERS,
    ),
)
class PublisherViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The publisher review page: approve or reject with a reason (emailed to them). There
    is no separate "block": as on the page, rejecting an approved publisher is how they are
    blocked, and approving them again lifts it."""

    roles = admin_roles("list", "retrieve", "approve", "reject")
    serializer_class = s.AdminPublisherSerializer
    filterset_class = PublisherFilter
    ordering_fields = ["created_at", "name", "id"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Publisher.objects.select_related("network", "reviewed_by").prefetch_related(
            "memberships__user"
        )

    def decide(self, approve: bool) -> Response:
        publisher = self.get_object()  # another network's id: 404 before anything else
        body = s.ReasonSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data["reason"]
        form = DecisionForm({"decision": "approve" if approve else "reject", "reason": reason})
        if not form.is_valid():
            raise serializers.ValidationError(s.form_errors(form))
        publisher_decide(
            publisher=publisher,
            actor=self.request.user,
            approve=approve,
            reason=form.cleaned_data["reason"],
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


# --- Advertisers ---------------------------------------------------------------------------


class AdvertiserFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Advertiser.Status.choices)
    search = text_filter("name", 150, lookup_expr="icontains")

    class Meta:
        model = Advertiser
        fields: list[str] = []


ADVERTISER_EXAMPLE = {
    "id": 3,
    "name": "Beach Shop",
    "website": "https://shop.example",
    "status": "active",
    "require_token": True,
    "users": ["ann@shop.example"],
    "created_at": "2026-05-20T10:00:00Z",
    "owed": [{"currency": "USD", "amount": "1250.00"}],
}
TAGS_ADVERTISERS = ["admin: advertisers"]


def advertiser_status_schema(block: bool):
    if block:
        summary = "Block an advertiser"
        description = (
            "Blocks the company, with a reason (required). While blocked its offers take no "
            "traffic (clicks are recorded, rejected as `advertiser_blocked` and sent to the "
            "fallback) and leave the publishers' marketplace; postbacks of earlier clicks are "
            "still accepted; its users keep read access but cannot submit or resume an offer. "
            "Nothing is emailed. Written to the audit log (`advertiser.status`). Blocking a "
            "blocked advertiser answers 400."
        )
        body = {"reason": "Unpaid invoices since March."}
    else:
        summary = "Unblock an advertiser"
        description = (
            "Lifts the block: its active offers take traffic again (within seconds: the "
            "tracking servers cache offers briefly). The reason is optional. Written to the "
            "audit log (`advertiser.status`). Unblocking an active advertiser answers 400."
        )
        body = {"reason": "Invoices settled."}
    after = {**ADVERTISER_EXAMPLE, "status": "blocked" if block else "active"}
    after.pop("owed")
    return extend_schema(
        summary=summary,
        description=description,
        request=s.ReasonSerializer,
        responses=answers(s.AdminAdvertiserSerializer),
        examples=[
            example("Why", body, request=True),
            example("The advertiser after the decision", after),
        ],
        tags=TAGS_ADVERTISERS,
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the advertisers",
        description="The network's advertiser companies. Filters: `status`, `search` (in "
        "the name). Order by name, created_at or id. Companies are made by inviting their "
        "first user (Members > Invite, in the portal); the API does not create them.",
        responses=answers(s.AdminAdvertiserSerializer(many=True)),
        tags=TAGS_ADVERTISERS,
    ),
    retrieve=extend_schema(
        summary="One advertiser, with what it owes",
        responses=answers(s.AdminAdvertiserDetailSerializer),
        examples=[example("An advertiser", ADVERTISER_EXAMPLE)],
        tags=TAGS_ADVERTISERS,
    ),
)
class AdvertiserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """As the advertisers page: read, and block or unblock (advertisers.services). The
    portal has no page that creates a company by itself: inviting its first user does."""

    roles = admin_roles("list", "retrieve", "block", "unblock")
    filterset_class = AdvertiserFilter
    ordering_fields = ["name", "created_at", "id"]
    ordering = ["name", "id"]

    def visible(self, membership):
        return Advertiser.objects.prefetch_related("memberships__user")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.AdminAdvertiserDetailSerializer
        return s.AdminAdvertiserSerializer

    def set_status(self, status: str) -> Response:
        company = self.get_object()  # another network's id: 404 before anything else
        body = s.ReasonSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        form = AdvertiserStatusForm({"status": status, "reason": body.validated_data["reason"]})
        if not form.is_valid():
            raise serializers.ValidationError(s.form_errors(form))
        advertiser_set_status(
            advertiser=company,
            actor=self.request.user,
            status=status,
            reason=form.cleaned_data["reason"],
        )
        return Response(self.get_serializer(self.get_object()).data)

    @advertiser_status_schema(block=True)
    @action(detail=True, methods=["post"])
    def block(self, request, pk=None):
        return self.set_status(Advertiser.Status.BLOCKED)

    @advertiser_status_schema(block=False)
    @action(detail=True, methods=["post"])
    def unblock(self, request, pk=None):
        return self.set_status(Advertiser.Status.ACTIVE)


api_router.register("admin", "publishers", PublisherViewSet, basename="admin-publishers")
api_router.register("admin", "advertisers", AdvertiserViewSet, basename="admin-advertisers")
api_router.register("admin", "offers", api_admin_offers.OfferViewSet, basename="admin-offers")
api_router.register(
    "admin", "offer-access", api_admin_offers.OfferAccessViewSet, basename="admin-offer-access"
)
api_router.register("admin", "stats", AdminStats, basename="admin-stats")
api_router.register(
    "admin", "audit-log", api_admin_more.AuditLogViewSet, basename="admin-audit-log"
)
api_router.register("admin", "members", api_admin_more.MemberViewSet, basename="admin-members")

# Payout rules and invitations (network/api_admin_rules.py).
from network import api_admin_rules  # noqa: E402

api_router.register("admin", "goals", api_admin_rules.GoalViewSet, basename="admin-goals")
api_router.register(
    "admin",
    "payout-overrides",
    api_admin_rules.PayoutOverrideViewSet,
    basename="admin-payout-overrides",
)
api_router.register("admin", "caps", api_admin_rules.CapViewSet, basename="admin-caps")
api_router.register(
    "admin", "invitations", api_admin_rules.InvitationViewSet, basename="admin-invitations"
)

# Payout tiers (network/api_admin_tiers.py).
from network import api_admin_tiers  # noqa: E402

api_router.register(
    "admin", "payout-tiers", api_admin_tiers.PayoutTierViewSet, basename="admin-payout-tiers"
)
# The network's settings, one object at settings/ (an empty prefix: its routes are its actions).
api_router.register("admin", "", api_admin_tiers.NetworkSettingsViewSet, basename="admin-settings")
api_router.register(
    "admin", "webhooks", api_admin_tiers.WebhookEndpointViewSet, basename="admin-webhooks"
)
