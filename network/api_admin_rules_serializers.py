"""What the admins' invitations API reads and writes (network/api_admin_rules.py).

Rows are read only. A write's body is typed here, then judged by the Members page's own form
(network.forms.InvitationForm), so the API refuses what the page refuses, with its words.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from advertisers.models import Advertiser
from network.api_base import IdField
from network.models import Invitation

# --- Invitations ----------------------------------------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    advertiser_name = serializers.CharField(
        source="advertiser.name", read_only=True, default=None, allow_null=True
    )
    invited_by = serializers.EmailField(
        source="invited_by.email", read_only=True, default=None, allow_null=True
    )
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
        read_only_fields = fields

    def get_usable(self, invitation: Invitation) -> bool:
        return invitation.is_usable


class InvitationWriteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Invitation.INVITABLE_ROLES)
    advertiser = IdField(Advertiser, required=False, allow_null=True, default=None)
    company_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default=""
    )
