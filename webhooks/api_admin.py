"""The admins' webhook endpoints through the API (/api/v1/admin/webhooks/): the webhook pages'
(webhooks.views_admin) EndpointForm judges the body and webhooks.services makes the changes
and writes the audit entries. Registered with network.api_router when this module loads
(network.api_urls)."""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.core.cache import cache
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from network import api_router
from network.api_base import ListAndRetrieve, TenantViewSet, created
from network.api_docs import EDIT, READ, admin_roles, listed, pressed, removed, shown, written
from network.api_forms import judged
from webhooks import api_admin_serializers as s
from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import WebhookEndpoint
from webhooks.views_admin import (
    TEST_INTERVAL_SECONDS,
    chosen_events,
    form_values,
    update_from_form,
)


class WebhookFilter(filters.FilterSet):
    is_active = filters.BooleanFilter(field_name="is_active")


WEBHOOK_EXAMPLE = {
    "id": 5,
    "url": "https://crm.example/hooks/affiliate",
    "description": "Our CRM",
    "events": ["conversion.created", "payout_line.paid"],
    "is_active": True,
    "state": "active",
    "consecutive_failures": 0,
    "disabled_at": None,
    "created_at": "2026-06-01T09:30:00Z",
    "updated_at": "2026-06-01T09:30:00Z",
}
WEBHOOK_SECRET_EXAMPLE = {**WEBHOOK_EXAMPLE, "secret": "whsec_3q2+7w..."}
NEW_WEBHOOK = {
    "url": "https://crm.example/hooks/affiliate",
    "description": "Our CRM",
    "events": ["conversion.created", "payout_line.paid"],
}
TURNED_OFF = {**WEBHOOK_EXAMPLE, "is_active": False, "state": "off"}
TAGS_WEBHOOKS = ["admin: webhooks"]
WEBHOOK_FORM = (
    "As the webhook page's form: an http(s) `url` of your own system (checked as the page "
    "does), a `description` (optional) and the `events` it receives (at least one)."
)


@extend_schema_view(
    list=listed(
        "List the webhook endpoints",
        "Where the network's events are POSTed, signed with each endpoint's secret (not shown "
        "here). Filter: `is_active`. Order by created_at or id.",
        s.WebhookEndpointSerializer,
        TAGS_WEBHOOKS,
    ),
    retrieve=shown(
        "One webhook endpoint",
        s.WebhookEndpointSerializer,
        ("An endpoint", WEBHOOK_EXAMPLE),
        TAGS_WEBHOOKS,
    ),
    create=written(
        "Add a webhook endpoint",
        f"{WEBHOOK_FORM} It starts active. The answer holds its signing `secret`: copy it into "
        "your receiving system. Written to the audit log (`webhook.created`).",
        s.WebhookEndpointSecretSerializer,
        TAGS_WEBHOOKS,
        body=s.WebhookCreateSerializer,
        code=201,
        sent=("A CRM", NEW_WEBHOOK),
        answer=("The endpoint, with its secret", WEBHOOK_SECRET_EXAMPLE),
    ),
    update=written(
        "Change a webhook endpoint",
        f"{WEBHOOK_FORM} `is_active` false turns it off; true turns it back on with a clean "
        "failure count. Written to the audit log (`webhook.updated`).",
        s.WebhookEndpointSerializer,
        TAGS_WEBHOOKS,
        body=s.WebhookUpdateSerializer,
        sent=("Turned off", {**NEW_WEBHOOK, "is_active": False}),
        answer=("The endpoint", TURNED_OFF),
    ),
    partial_update=written(
        "Change part of a webhook endpoint",
        "The fields not sent keep their value; the result is judged as a whole (see the full "
        "update). Audited (`webhook.updated`).",
        s.WebhookEndpointSerializer,
        TAGS_WEBHOOKS,
        body=s.WebhookUpdateSerializer(partial=True),
        sent=("Turned off", {"is_active": False}),
        answer=("The endpoint", TURNED_OFF),
    ),
    destroy=removed(
        "Delete a webhook endpoint",
        "With its delivery log. Written to the audit log (`webhook.deleted`).",
        TAGS_WEBHOOKS,
    ),
)
class WebhookEndpointViewSet(
    ListAndRetrieve,
    mixins.DestroyModelMixin,
    TenantViewSet,
):
    """The webhook pages (webhooks.views_admin): the same form, services and audit entries."""

    roles = admin_roles(*READ, *EDIT, "destroy", "rotate_secret", "test")
    serializer_class = s.WebhookEndpointSerializer
    filterset_class = WebhookFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at", "id"]

    def visible(self, membership):
        return WebhookEndpoint.objects.all()

    def judged_form(self, data: dict) -> EndpointForm:
        form = EndpointForm(data)
        judged(form)
        return form

    def create(self, request):
        form = self.judged_form(dict(self.body_of(s.WebhookCreateSerializer)))
        endpoint = services.endpoint_create(
            network=request._request.network,
            actor=request.user,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=chosen_events(form),
        )
        return created(s.WebhookEndpointSecretSerializer(endpoint).data)

    def update(self, request, pk=None, partial=False):
        endpoint = self.get_object()  # another network's id: 404 before anything else
        sent = self.body_of(s.WebhookUpdateSerializer, partial=partial)
        form = self.judged_form({**form_values(endpoint), **sent} if partial else dict(sent))
        update_from_form(endpoint, request.user, form)
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.endpoint_delete(endpoint=instance, actor=self.request.user)

    @pressed(
        "Rotate an endpoint's signing secret",
        "A new secret at once, answered here (as the page shows it): the old one no longer "
        "signs anything, retries included. Written to the audit log (`webhook.secret_rotated`).",
        s.WebhookEndpointSecretSerializer,
        ("The endpoint, with its new secret", WEBHOOK_SECRET_EXAMPLE),
        TAGS_WEBHOOKS,
    )
    @action(detail=True, methods=["post"])
    def rotate_secret(self, request, pk=None):
        endpoint = self.get_object()
        endpoint = services.endpoint_rotate_secret(endpoint=endpoint, actor=request.user)
        return Response(s.WebhookEndpointSecretSerializer(endpoint).data)

    @pressed(
        "Send a test ping now",
        "A `ping` event POSTed to the endpoint during this call, logged like any delivery; the "
        "answer is its outcome (`state` delivered or failed, the HTTP `status_code` or the "
        "`error`). One test per endpoint every few seconds: another answers 400.",
        s.WebhookDeliverySerializer,
        (
            "Delivered",
            {
                "id": 88,
                "event": "ping",
                "event_id": "evt_5f1c0e9a2b7d4c3e8f6a1b2c3d4e5f60",
                "state": "delivered",
                "status_code": 200,
                "error": "",
                "duration_ms": 143,
            },
        ),
        TAGS_WEBHOOKS,
    )
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        endpoint = self.get_object()
        key = f"webhook-test:{request._request.network.pk}:{endpoint.pk}"  # the page's limit
        if not cache.add(key, 1, TEST_INTERVAL_SECONDS):
            raise serializers.ValidationError(
                _("A test was just sent: wait a few seconds before the next.")
            )
        delivery = services.send_ping(endpoint)
        return Response(s.WebhookDeliverySerializer(delivery).data)


api_router.register("admin", "webhooks", WebhookEndpointViewSet, basename="admin-webhooks")
