"""The network admins' API about advertiser companies, /api/v1/admin/advertisers/: read them
(with what one owes) and block or unblock them.

It mirrors the advertisers page (advertisers/views.py): owners and managers alike, the page's
AdvertiserStatusForm judges the body, advertisers.services.advertiser_set_status makes the
change and writes the audit entry. The portal has no page that creates a company by itself:
inviting its first user does. Ids of another network answer 404.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from advertisers.forms import AdvertiserStatusForm
from advertisers.models import Advertiser
from advertisers.owed import owed_by
from advertisers.services import advertiser_set_status
from network import api_router
from network.api_base import ListAndRetrieve, ReadOnlyModelSerializer, TenantViewSet
from network.api_docs import admin_roles, listed, shown, text_filter, written
from network.api_forms import DECIMAL, ReasonSerializer, emails, judged


class AdvertiserFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Advertiser.Status.choices)
    search = text_filter("name", 150, lookup_expr="icontains")


class OwedSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.SerializerMethodField()

    @extend_schema_field(DECIMAL)
    def get_amount(self, owed: dict) -> str:
        return str(owed["amount"])  # from the ledger: in the currency's precision already


class AdminAdvertiserSerializer(ReadOnlyModelSerializer):
    website = serializers.CharField(read_only=True)
    users = serializers.SerializerMethodField()

    class Meta:
        model = Advertiser
        fields = ["id", "name", "website", "status", "require_token", "users", "created_at"]

    @extend_schema_field(serializers.ListField(child=serializers.EmailField()))
    def get_users(self, advertiser: Advertiser) -> list[str]:
        return emails(advertiser.memberships)


class AdminAdvertiserDetailSerializer(AdminAdvertiserSerializer):
    owed = serializers.SerializerMethodField(
        help_text=_("What the company owes the network now (invoiced or not), per currency.")
    )

    class Meta(AdminAdvertiserSerializer.Meta):
        fields = [*AdminAdvertiserSerializer.Meta.fields, "owed"]

    @extend_schema_field(OwedSerializer(many=True))
    def get_owed(self, advertiser: Advertiser) -> list[dict]:
        owed = owed_by(advertiser.pk).get(advertiser.pk, [])
        return OwedSerializer(owed, many=True).data


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
    return written(
        summary,
        description,
        AdminAdvertiserSerializer,
        TAGS_ADVERTISERS,
        body=ReasonSerializer,
        sent=("Why", body),
        answer=("The advertiser after the decision", after),
    )


@extend_schema_view(
    list=listed(
        "List the advertisers",
        "The network's advertiser companies. Filters: `status`, `search` (in the name). Order "
        "by name, created_at or id. Companies are made by inviting their first user (Members > "
        "Invite, in the portal); the API does not create them.",
        AdminAdvertiserSerializer,
        TAGS_ADVERTISERS,
    ),
    retrieve=shown(
        "One advertiser, with what it owes",
        AdminAdvertiserDetailSerializer,
        ("An advertiser", ADVERTISER_EXAMPLE),
        TAGS_ADVERTISERS,
    ),
)
class AdminAdvertiserViewSet(ListAndRetrieve, TenantViewSet):
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
            return AdminAdvertiserDetailSerializer
        return AdminAdvertiserSerializer

    def set_status(self, status: str) -> Response:
        company = self.get_object()  # another network's id: 404 before anything else
        reason = self.body_of(ReasonSerializer)["reason"]
        form = AdvertiserStatusForm({"status": status, "reason": reason})
        reason = judged(form)["reason"]
        advertiser_set_status(
            advertiser=company, actor=self.request.user, status=status, reason=reason
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


api_router.register("admin", "advertisers", AdminAdvertiserViewSet, basename="admin-advertisers")
