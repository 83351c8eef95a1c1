"""The admins' members and invitations (/api/v1/admin/members/, /invitations/), registered by
network/api_admin.py.

Members are the Members page's list (network/views.py members), read only: people join
through an invitation. Invitations are that page's too: the page's InvitationForm judges the
body, network.services (invitation_create, invitation_revoke) makes the change and writes the
audit entries.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from drf_spectacular.utils import extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from network import api_admin_members_serializers as s
from network.api_base import ListAndRetrieve, TenantViewSet, created
from network.api_docs import admin_roles, id_filter, listed, pressed, shown, text_filter, written
from network.api_forms import FormWrites, judged
from network.forms import InvitationForm
from network.models import Invitation, Membership, Role
from network.services import invitation_create, invitation_revoke

# --- Members --------------------------------------------------------------------------------


class MemberFilter(filters.FilterSet):
    role = filters.ChoiceFilter(choices=Role.choices)
    advertiser = id_filter("advertiser_id")
    publisher = id_filter("publisher_id")
    search = text_filter("user__email", 254, lookup_expr="icontains")


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
    list=listed(
        summary="List the network's members",
        description="Every user of the network with their role and company, as on the "
        "Members page. Filters: `role`, `advertiser`, `publisher` (company ids), `search` "
        "(in the email). Order by created_at or id. Read only: people join through an "
        "invitation made on the Members page.",
        row=s.MemberSerializer,
        tags=TAGS_MEMBERS,
    ),
    retrieve=shown(
        "One member", s.MemberSerializer, ("An advertiser's user", MEMBER_EXAMPLE), TAGS_MEMBERS
    ),
)
class MemberViewSet(ListAndRetrieve, TenantViewSet):
    roles = admin_roles("list", "retrieve")
    serializer_class = s.MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Membership.objects.select_related("user", "advertiser", "publisher")


# --- Invitations ----------------------------------------------------------------------------


def id_of(obj) -> int | None:
    return obj.pk if obj is not None else None


class InvitationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Invitation.Status.choices)
    role = filters.ChoiceFilter(choices=Invitation.INVITABLE_ROLES)


INVITATION_EXAMPLE = {
    "id": 21,
    "email": "ann@shop.example",
    "role": "advertiser",
    "advertiser": 5,
    "advertiser_name": "Beach Shop",
    "status": "pending",
    "usable": True,
    "invited_by": "owner@example.com",
    "created_at": "2026-06-01T09:30:00Z",
    "expires_at": "2026-06-08T09:30:00Z",
    "sent_at": "2026-06-01T09:30:05Z",
}
TAGS_INVITATIONS = ["admin: invitations"]


@extend_schema_view(
    list=listed(
        summary="List the invitations",
        description="Managers and advertiser users invited to the network, as on the Members "
        "page. Filters: `status`, `role`. Order by created_at or id.",
        row=s.InvitationSerializer,
        tags=TAGS_INVITATIONS,
    ),
    retrieve=shown(
        "One invitation",
        s.InvitationSerializer,
        ("An advertiser user invited", INVITATION_EXAMPLE),
        TAGS_INVITATIONS,
    ),
    create=written(
        "Invite a manager or an advertiser's user",
        "Emails a link, as the Members page's invite form: `role` manager or advertiser; an "
        "advertiser's user joins an existing company (`advertiser`, an id) or a new one "
        "(`company_name`), not both. Refused for a current member's email or one with an open "
        "invitation. Written to the audit log (`invitation.created`, and `advertiser.created` "
        "for a new company).",
        s.InvitationSerializer,
        TAGS_INVITATIONS,
        sent=(
            "A user of a new company",
            {"email": "ann@shop.example", "role": "advertiser", "company_name": "Beach Shop"},
        ),
        answer=("The invitation", INVITATION_EXAMPLE),
        body=s.InvitationWriteSerializer,
        code=201,
    ),
)
class InvitationViewSet(ListAndRetrieve, FormWrites, TenantViewSet):
    roles = admin_roles("list", "retrieve", "create", "revoke")
    serializer_class = s.InvitationSerializer
    filterset_class = InvitationFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Invitation.objects.select_related("advertiser", "invited_by")

    def create(self, request):
        data = self.body_of(s.InvitationWriteSerializer)
        form = InvitationForm({**data, "advertiser": id_of(data["advertiser"])})
        data = judged(form)
        invitation = invitation_create(
            network=request._request.network,
            invited_by=request.user,
            email=data["email"],
            role=data["role"],
            advertiser=data["advertiser"] if data["role"] == Role.ADVERTISER else None,
            company_name=data["company_name"],
        )
        return created(self.row_data(invitation))

    @pressed(
        "Revoke an invitation",
        "Its link stops working, as the Members page's Revoke button. Only a pending "
        "invitation can be revoked (else 400). Written to the audit log (`invitation.revoked`).",
        s.InvitationSerializer,
        ("Revoked", {**INVITATION_EXAMPLE, "status": "revoked", "usable": False}),
        TAGS_INVITATIONS,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = self.get_object()  # another network's id: 404 before anything else
        invitation_revoke(invitation=invitation, actor=request.user)
        return Response(self.get_serializer(self.get_object()).data)
