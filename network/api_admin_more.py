"""The admins' audit log and members (/api/v1/admin/audit-log/, /members/): read only.
Registered on network.api_admin.router.

The audit log is the audit page's (network/views_audit.py): the same rows
(network.audit_log.visible_entries), the same filters (network.audit_filters.AuditFilter:
days in the network's time zone) and the same naming of actors (actor_shown), newest first.
Members are the Members page's list; invitations are made on that page.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from network import api_admin_more_serializers as s
from network.api_base import TenantViewSet
from network.api_docs import admin_roles, answers, documented, example, id_filter, text_filter
from network.api_policy import membership_of
from network.audit import AuditEntry
from network.audit_filters import SYSTEM, AuditFilter
from network.audit_log import OBJECT_TYPES, visible_entries, with_actor_side
from network.models import Membership, Role

# --- Audit log ------------------------------------------------------------------------------


class AuditLogFilter(AuditFilter):
    """The page's filters, as query parameters. Choices depend on the caller (the members of
    this network), so the schema states their form and a value out of them answers 400."""

    actor = documented(
        filters.ChoiceFilter(method="filter_actor"),
        type="string",
        maxLength=20,
        description=f"A member's user id, or `{SYSTEM}` (entries written by a job).",
    )
    object_type = documented(
        filters.ChoiceFilter(field_name="object_type"),
        type="string",
        enum=sorted(OBJECT_TYPES),
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(
            data,
            queryset=queryset,
            membership=membership_of(request),
            timezone=request._request.network.timezone,
        )


AUDIT_EXAMPLE = {
    "id": 4410,
    "created_at": "2026-11-20T10:15:00Z",
    "actor": "owner@example.com via API key 1a2b3c4d",
    "actor_id": 2,
    "action": "invoice.paid",
    "object_type": "payouts.invoice",
    "object_id": "3",
    "object_repr": "INV-2026-0003",
    "from_state": "issued",
    "to_state": "paid",
    "reason": "WIRE-88213",
}
TAGS_AUDIT = ["admin: audit log"]


@extend_schema_view(
    list=extend_schema(
        summary="Read the audit log",
        description="Who changed what, when, from which state to which and why: every "
        "entry of the network, newest first, as on the audit log page. Filters: `actor` (a "
        "member's user id, or `system`), `action` (`offer.status`, or `offer` for every "
        "offer action), `object_type`, `object_id`, `created_from` / `created_to` (days in "
        "the network's time zone, both included), `q` (text in the object's name or the "
        "reason). Order by created_at or id.",
        responses=answers(s.AuditEntrySerializer(many=True)),
        tags=TAGS_AUDIT,
    ),
    retrieve=extend_schema(
        summary="One audit entry",
        responses=answers(s.AuditEntrySerializer),
        examples=[example("An invoice marked paid through a key", AUDIT_EXAMPLE)],
        tags=TAGS_AUDIT,
    ),
)
class AuditLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Read only: the log is append-only."""

    roles = admin_roles("list", "retrieve")
    serializer_class = s.AuditEntrySerializer
    filterset_class = AuditLogFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return with_actor_side(visible_entries(membership))

    def visible_model(self):
        return AuditEntry


# --- Members --------------------------------------------------------------------------------


class MemberFilter(filters.FilterSet):
    role = filters.ChoiceFilter(choices=Role.choices)
    advertiser = id_filter("advertiser_id")
    publisher = id_filter("publisher_id")
    search = text_filter("user__email", 254, lookup_expr="icontains")

    class Meta:
        model = Membership
        fields: list[str] = []


MEMBER_EXAMPLE = {
    "id": 14,
    "user": 9,
    "email": "ann@shop.example",
    "role": "advertiser",
    "advertiser": 5,
    "publisher": None,
    "company": "Beach Shop",
    "created_at": "2026-05-20T10:00:00Z",
}
TAGS_MEMBERS = ["admin: members"]


@extend_schema_view(
    list=extend_schema(
        summary="List the network's members",
        description="Every user of the network with their role and company, as on the "
        "Members page. Filters: `role`, `advertiser`, `publisher` (company ids), `search` "
        "(in the email). Order by created_at or id. Read only: people join through an "
        "invitation made on the Members page.",
        responses=answers(s.MemberSerializer(many=True)),
        tags=TAGS_MEMBERS,
    ),
    retrieve=extend_schema(
        summary="One member",
        responses=answers(s.MemberSerializer),
        examples=[example("An advertiser's user", MEMBER_EXAMPLE)],
        tags=TAGS_MEMBERS,
    ),
)
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    roles = admin_roles("list", "retrieve")
    serializer_class = s.MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Membership.objects.select_related("user", "advertiser", "publisher")
