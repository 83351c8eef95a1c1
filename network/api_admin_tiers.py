"""The admins' network settings (/api/v1/admin/settings/) and webhook endpoints
(/api/v1/admin/webhooks/). Registered on network.api_admin.router.

The settings are the settings page's (network.views network_settings): NetworkSettingsForm
judges, network_update_settings saves and audits. The webhooks are the webhook pages'
(webhooks.views): EndpointForm, webhooks.services. (Payout tiers: offers/api_admin_tiers.py.)
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from network import api_admin_tiers_serializers as s
from network import step_up
from network.api_base import TenantViewSet, created
from network.api_docs import ERRORS, admin_roles, answers, example
from network.api_forms import form_errors, judged
from network.api_keys import ApiKey
from network.forms import NetworkSettingsForm, PayoutMinimumForm
from network.models import Membership, Network
from network.services import network_update_settings, payout_minimum_set
from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import WebhookEndpoint
from webhooks.views import TEST_INTERVAL_SECONDS, chosen_events

# --- Network settings -----------------------------------------------------------------------


def judged_minimums(rows: list[dict]) -> list[dict]:
    """Each minimum judged by the payout minimums page's form, errors named by position
    (`payout_minimums.0.amount`); all are judged before anything is saved."""
    judged_rows = []
    for index, row in enumerate(rows):
        form = PayoutMinimumForm(row)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form, f"payout_minimums.{index}."))
        judged_rows.append(form.cleaned_data)
    return judged_rows


SETTINGS_EXAMPLE = {
    "name": "Alpha Network",
    "slug": "alpha",
    "currency": "USD",
    "timezone": "Europe/Berlin",
    "language": "en",
    "default_margin_percent": "20.00",
    "min_payout": "50.00",
    "payout_minimums": [
        {"currency": "KWD", "amount": "15.000"},
        {"currency": "USD", "amount": "50.00"},
        {"currency": "VND", "amount": "500000"},
    ],
    "payout_second_approver": False,
    "invoice_terms_days": 30,
}
TAGS_SETTINGS = ["admin: settings"]


class NetworkSettingsViewSet(TenantViewSet):
    """The settings page (/manage/settings/) as one object at /api/v1/admin/settings/: GET
    reads it, PATCH changes it through the page's form and service."""

    roles = admin_roles("show_settings", "change_settings")
    serializer_class = s.NetworkSettingsSerializer
    filter_backends: list = []
    pagination_class = None

    def visible(self, membership):
        return Membership.objects.none()  # no rows: the one object is the request's network

    def visible_model(self):
        return Network

    def fresh_network(self) -> Network:
        # A fresh copy: request.network is shared by the host cache and must not be edited.
        return Network.objects.get(pk=self.request._request.network.pk)

    @extend_schema(
        summary="The network's settings",
        description="As the settings page: name, time zone, language, default margin, "
        "minimum payout (in the network's currency), whether payout runs need a second "
        "approver and the invoices' payment terms in days. The address (`slug`) and "
        "`currency` are fixed.",
        responses=answers(s.NetworkSettingsSerializer),
        examples=[example("The settings", SETTINGS_EXAMPLE)],
        tags=TAGS_SETTINGS,
    )
    @action(detail=False, methods=["get"], url_path="settings")
    def show_settings(self, request):
        return Response(s.NetworkSettingsSerializer(self.fresh_network()).data)

    @extend_schema(
        summary="Change the network's settings",
        description="Send the fields to change; the others keep their value and the whole "
        "is judged by the settings page's form: a `timezone` of the IANA list, `language` "
        "en or vi, a `default_margin_percent` from 0 to 100, a `min_payout` (the minimum in "
        "the network's currency) not negative and no finer than the currency's minor unit. "
        "`payout_minimums` sets the minimum of each currency listed (`amount` null removes "
        "it; audited as `network.payout_minimum`); currencies not listed keep theirs. "
        "`invoice_terms_days` from 0 to 365 (for invoices issued after the change). "
        "`slug` and `currency` cannot be changed "
        "(sent, they are ignored). Each changed field is written to the audit log "
        "(`network.<field>`, from the old value to the new). The money controls "
        "(`min_payout`, `payout_minimums`, `payout_second_approver`) change only with two-factor "
        "authentication on and a key with the `payouts:approve` scope (or a browser session "
        "that re-authenticated recently); else 403 (`mfa_required` / `scope_required`). "
        "A payout run keeps the second approver rule it started with.",
        request=s.NetworkSettingsWriteSerializer,
        responses=answers(s.NetworkSettingsSerializer),
        examples=[
            example(
                "Berlin time, 25.50 minimum",
                {
                    "timezone": "Europe/Berlin",
                    "min_payout": "25.50",
                    "payout_minimums": [{"currency": "KWD", "amount": "15.000"}],
                },
                request=True,
            ),
            example("The settings after the change", SETTINGS_EXAMPLE),
        ],
        tags=TAGS_SETTINGS,
    )
    @show_settings.mapping.patch
    def change_settings(self, request):
        network = self.fresh_network()
        # partial: a field not sent stays as it is (in a multipart body too, where DRF would
        # otherwise read a missing checkbox as false).
        body = s.NetworkSettingsWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        current = NetworkSettingsForm(instance=network).initial
        data = {name: current.get(name) for name in NetworkSettingsForm.Meta.fields}
        # The values as sent (typed above), as the page posts them: 25.50 is audited as 25.50.
        sent = {name: request.data.get(name, value) for name, value in body.validated_data.items()}
        minimums = judged_minimums(sent.pop("payout_minimums", []))
        form = NetworkSettingsForm({**data, **sent}, instance=network)
        judged(form)
        key = request.auth if isinstance(request.auth, ApiKey) else None
        proof = step_up.of_request(request._request, key)
        with transaction.atomic():  # the settings and the minimums together, or nothing
            network_update_settings(network=network, actor=request.user, form=form, proof=proof)
            for minimum in minimums:
                payout_minimum_set(
                    network=network,
                    actor=request.user,
                    currency=minimum["currency"],
                    amount=minimum["amount"],
                    proof=proof,
                )
        return Response(s.NetworkSettingsSerializer(self.fresh_network()).data)


# --- Webhook endpoints ----------------------------------------------------------------------


class WebhookFilter(filters.FilterSet):
    is_active = filters.BooleanFilter(field_name="is_active")

    class Meta:
        model = WebhookEndpoint
        fields: list[str] = []


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
TAGS_WEBHOOKS = ["admin: webhooks"]
WEBHOOK_FORM = (
    "As the webhook page's form: an http(s) `url` of your own system (checked as the page "
    "does), a `description` (optional) and the `events` it receives (at least one)."
)


@extend_schema_view(
    list=extend_schema(
        summary="List the webhook endpoints",
        description="Where the network's events are POSTed, signed with each endpoint's "
        "secret (not shown here). Filter: `is_active`. Order by created_at or id.",
        responses=answers(s.WebhookEndpointSerializer(many=True)),
        tags=TAGS_WEBHOOKS,
    ),
    retrieve=extend_schema(
        summary="One webhook endpoint",
        responses=answers(s.WebhookEndpointSerializer),
        examples=[example("An endpoint", WEBHOOK_EXAMPLE)],
        tags=TAGS_WEBHOOKS,
    ),
    create=extend_schema(
        summary="Add a webhook endpoint",
        description=f"{WEBHOOK_FORM} It starts active. The answer holds its signing "
        "`secret`: copy it into your receiving system. Written to the audit log "
        "(`webhook.created`).",
        request=s.WebhookCreateSerializer,
        responses=answers(s.WebhookEndpointSecretSerializer, 201),
        examples=[
            example("A CRM", NEW_WEBHOOK, request=True),
            example("The endpoint, with its secret", WEBHOOK_SECRET_EXAMPLE),
        ],
        tags=TAGS_WEBHOOKS,
    ),
    update=extend_schema(
        summary="Change a webhook endpoint",
        description=f"{WEBHOOK_FORM} `is_active` false turns it off; true turns it back on "
        "with a clean failure count. Written to the audit log (`webhook.updated`).",
        request=s.WebhookUpdateSerializer,
        responses=answers(s.WebhookEndpointSerializer),
        examples=[
            example("Turned off", {**NEW_WEBHOOK, "is_active": False}, request=True),
            example("The endpoint", {**WEBHOOK_EXAMPLE, "is_active": False, "state": "off"}),
        ],
        tags=TAGS_WEBHOOKS,
    ),
    partial_update=extend_schema(
        summary="Change part of a webhook endpoint",
        description="The fields not sent keep their value; the result is judged as a whole "
        "(see the full update). Audited (`webhook.updated`).",
        request=s.WebhookUpdateSerializer(partial=True),
        responses=answers(s.WebhookEndpointSerializer),
        examples=[
            example("Turned off", {"is_active": False}, request=True),
            example("The endpoint", {**WEBHOOK_EXAMPLE, "is_active": False, "state": "off"}),
        ],
        tags=TAGS_WEBHOOKS,
    ),
    destroy=extend_schema(
        summary="Delete a webhook endpoint",
        description="With its delivery log. Written to the audit log (`webhook.deleted`).",
        responses={204: None, **ERRORS},
        tags=TAGS_WEBHOOKS,
    ),
)
class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    TenantViewSet,
):
    """The webhook pages (webhooks.views): the same form, services and audit entries."""

    roles = admin_roles(
        "list",
        "retrieve",
        "create",
        "update",
        "partial_update",
        "destroy",
        "rotate_secret",
        "test",
    )
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
        body = s.WebhookCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = self.judged_form(dict(body.validated_data))
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
        current = {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "is_active": endpoint.is_active,
        }
        body = s.WebhookUpdateSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        sent = body.validated_data
        form = self.judged_form({**current, **sent} if partial else dict(sent))
        services.endpoint_update(
            endpoint=endpoint,
            actor=request.user,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=chosen_events(form),
            is_active=form.cleaned_data["is_active"],
        )
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.endpoint_delete(endpoint=instance, actor=self.request.user)

    @extend_schema(
        summary="Rotate an endpoint's signing secret",
        description="A new secret at once, answered here (as the page shows it): the old one "
        "no longer signs anything, retries included. Written to the audit log "
        "(`webhook.secret_rotated`).",
        request=None,
        responses=answers(s.WebhookEndpointSecretSerializer),
        examples=[example("The endpoint, with its new secret", WEBHOOK_SECRET_EXAMPLE)],
        tags=TAGS_WEBHOOKS,
    )
    @action(detail=True, methods=["post"])
    def rotate_secret(self, request, pk=None):
        endpoint = self.get_object()
        endpoint = services.endpoint_rotate_secret(endpoint=endpoint, actor=request.user)
        return Response(s.WebhookEndpointSecretSerializer(endpoint).data)

    @extend_schema(
        summary="Send a test ping now",
        description="A `ping` event POSTed to the endpoint during this call, logged like any "
        "delivery; the answer is its outcome (`state` delivered or failed, the HTTP "
        "`status_code` or the `error`). One test per endpoint every few seconds: another "
        "answers 400.",
        request=None,
        responses=answers(s.WebhookDeliverySerializer),
        examples=[
            example(
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
            )
        ],
        tags=TAGS_WEBHOOKS,
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
