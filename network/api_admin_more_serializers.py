"""What the admins' audit log and members API (network/api_admin_more.py) shows: read only."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from network.api_policy import membership_of
from network.audit import AuditEntry
from network.audit_log import actor_shown
from network.models import Membership


class AuditEntrySerializer(serializers.ModelSerializer):
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
        read_only_fields = fields

    def get_actor(self, entry: AuditEntry) -> str:
        """As the audit page names the actor to this reader (network.audit_log)."""
        return actor_shown(entry, membership_of(self.context["request"]))


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    company = serializers.SerializerMethodField(
        help_text=_("The advertiser's or publisher's company name; null for owners, managers.")
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "email", "role", "advertiser", "publisher", "company", "created_at"]
        read_only_fields = fields

    def get_company(self, membership: Membership) -> str | None:
        company = membership.advertiser or membership.publisher
        return company.name if company else None
