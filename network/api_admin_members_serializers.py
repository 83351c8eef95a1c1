"""What the admins' members and invitations API (network/api_admin_members.py) reads and
writes. Rows are read only; an invitation's body is typed here, then judged by the Members
page's own form (network.forms.InvitationForm), so the API refuses what the page refuses."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from network.api_base import IdField, ReadOnlyModelSerializer
from network.api_forms import user_email
from network.models import Invitation, Membership


class MemberSerializer(ReadOnlyModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    company = serializers.SerializerMethodField(
        help_text=_("The advertiser's or publisher's company name; null for owners, managers.")
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "email", "role", "advertiser", "publisher", "company", "created_at"]

    def get_company(self, membership: Membership) -> str | None:
        company = membership.advertiser or membership.publisher
        return company.name if company else None


class InvitationSerializer(ReadOnlyModelSerializer):
    advertiser_name = serializers.CharField(
        source="advertiser.name", read_only=True, default=None, allow_null=True
    )
    invited_by = user_email("invited_by")
    usable = serializers.SerializerMethodField(
        help_text=_("Pending and not expired: the link still works.")
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "advertiser",
            "advertiser_name",
            "status",
            "usable",
            "invited_by",
            "created_at",
            "expires_at",
            "sent_at",
        ]

    def get_usable(self, invitation: Invitation) -> bool:
        return invitation.is_usable


class InvitationWriteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Invitation.INVITABLE_ROLES)
    # The advertiser company, as Invitation's foreign key names its model.
    advertiser = IdField(Invitation.company_model(), required=False, allow_null=True, default=None)
    company_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default=""
    )
