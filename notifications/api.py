"""/api/v1/<role>/notifications/: the caller's own notifications in this network, newest first,
and marking them read (one, or all). The same rows and the same services as the pages; a key
acts as its owner, so it reads its owner's notifications. Each role's module
(api_admin.py, api_advertiser.py, api_publisher.py) registers the viewset on its router."""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from network import api_router
from network.api_base import ListAndRetrieve, ReadOnlyModelSerializer, TenantViewSet
from network.api_docs import answers, documented, example, listed, pressed, roles_of, shown
from notifications import services
from notifications.kinds import KINDS, label_of
from notifications.models import Notification


class NotificationSerializer(ReadOnlyModelSerializer):
    kind_label = serializers.SerializerMethodField(help_text=_("The kind, in words."))
    url = serializers.SerializerMethodField(help_text=_("The portal page it is about."))
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "url", "created_at", "read_at", "is_read"]

    def get_kind_label(self, notification: Notification) -> str:
        return str(label_of(notification.kind))

    def get_url(self, notification: Notification) -> str:
        return notification.network.absolute_url(notification.path)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many were unread and are now read."))


class NotificationFilter(filters.FilterSet):
    unread = documented(
        filters.BooleanFilter(field_name="read_at", lookup_expr="isnull"),
        type="boolean",
        description="true: only the unread ones; false: only the read ones.",
    )
    kind = documented(
        filters.ChoiceFilter(field_name="kind", choices=[(k, k) for k in KINDS]),
        type="string",
        enum=sorted(KINDS),
    )


EXAMPLE = {
    "id": 812,
    "kind": "payout_paid",
    "kind_label": "Your payout was paid",
    "title": "Your payout of 123.45 USD was paid",
    "url": "https://demo.example.com/publisher/statements/2026/9/",
    "created_at": "2026-10-05T09:30:00Z",
    "read_at": None,
    "is_read": False,
}
TAGS = ["notifications"]


@extend_schema_view(
    list=listed(
        "Your notifications",
        "What the portal told you in this network (the bell's list), newest first. "
        "Filters: `unread` (true or false), `kind`.",
        NotificationSerializer,
        TAGS,
    ),
    retrieve=shown("One notification", NotificationSerializer, ("Unread", EXAMPLE), TAGS),
)
class NotificationViewSet(ListAndRetrieve, TenantViewSet):
    """Only the caller's own: another user's id answers 404, as another network's."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return services.inbox(self.request.user, self._network).select_related("network")

    @property
    def _network(self):
        return self.request._request.network

    @pressed(
        "Mark one read",
        "Marks the notification read (already read: unchanged).",
        NotificationSerializer,
        ("Read", {**EXAMPLE, "read_at": "2026-10-05T10:00:00Z", "is_read": True}),
        TAGS,
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        marked = services.notification_mark_read(request.user, self._network, notification.pk)
        return Response(self.get_serializer(marked).data)

    @extend_schema(
        summary="Mark all read",
        description="Marks every unread notification of yours in this network read.",
        request=None,
        responses=answers(MarkedSerializer),
        examples=[example("Three marked", {"marked": 3})],
        tags=TAGS,
    )
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        marked = services.notifications_mark_all_read(request.user, self._network)
        return Response({"marked": marked})


def register(role: str, roles: tuple[str, ...]) -> None:
    """The viewset on `role`'s router, open to `roles` (each router's own class: a role's
    viewset declares its roles in one place)."""
    viewset = type(
        f"{role.title()}NotificationViewSet",
        (NotificationViewSet,),
        {"roles": roles_of(roles, "list", "retrieve", "read", "read_all")},
    )
    api_router.register(role, "notifications", viewset, basename=f"{role}-notifications")
