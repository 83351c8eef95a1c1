"""The admins' audit log (/api/v1/admin/audit-log/): read only, registered on the admin router
(network.api_router) below.

It is the audit page's (audit/views.py): the same rows (audit.log.visible_entries), the same
filters (audit.filters.AuditFilter: days in the network's time zone) and the same naming of
actors (actor_shown), newest first.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from audit.filters import SYSTEM, AuditFilter
from audit.log import OBJECT_TYPES, actor_shown, visible_entries, with_actor_side
from audit.models import AuditEntry
from network import api_router
from network.api_base import ListAndRetrieve, ReadOnlyModelSerializer, TenantViewSet
from network.api_docs import admin_roles, documented, listed, shown
from network.api_policy import membership_of


class AuditEntrySerializer(ReadOnlyModelSerializer):
    actor = serializers.SerializerMethodField(
        help_text=_("Who acted: an email, `system: ...` for a job, `... via API key ...`.")
    )
    actor_id = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("The acting user's id (the `actor` filter takes it); null for a job."),
    )

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_id",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "from_state",
            "to_state",
            "reason",
        ]

    def get_actor(self, entry: AuditEntry) -> str:
        """As the audit page names the actor to this reader (audit.log)."""
        return actor_shown(entry, membership_of(self.context["request"]))


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
    list=listed(
        summary="Read the audit log",
        description="Who changed what, when, from which state to which and why: every "
        "entry of the network, newest first, as on the audit log page. Filters: `actor` (a "
        "member's user id, or `system`), `action` (`offer.status`, or `offer` for every "
        "offer action), `object_type`, `object_id`, `created_from` / `created_to` (days in "
        "the network's time zone, both included), `q` (text in the object's name or the "
        "reason). Order by created_at or id.",
        row=AuditEntrySerializer,
        tags=TAGS_AUDIT,
    ),
    retrieve=shown(
        "One audit entry",
        AuditEntrySerializer,
        ("An invoice marked paid through a key", AUDIT_EXAMPLE),
        TAGS_AUDIT,
    ),
)
class AuditLogViewSet(ListAndRetrieve, TenantViewSet):
    """Read only: the log is append-only."""

    roles = admin_roles("list", "retrieve")
    serializer_class = AuditEntrySerializer
    filterset_class = AuditLogFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return with_actor_side(visible_entries(membership))

    def visible_model(self):
        return AuditEntry


api_router.register("admin", "audit-log", AuditLogViewSet, basename="admin-audit-log")
