"""The admins' payout tiers (/api/v1/admin/payout-tiers/) and webhook endpoints
(/api/v1/admin/webhooks/). Registered on network.api_admin.router (the network's settings:
network/api_admin_settings.py).

Each write is the tier pages' (offers.views_tiers): the same forms judge the body (TierForm,
TierMemberForm, TierPayoutForm), the same services make the change and write the audit
entries (`tier.created`, `tier.member_added`, `tier.member_removed`, `tier_payout.set`,
`tier_payout.deleted`). The webhooks are the webhook pages' (webhooks.views): EndpointForm,
webhooks.services.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from network import api_admin_tiers_serializers as s
from network.api_admin_rules import judged
from network.api_base import TenantViewSet, created
from network.api_docs import ERRORS, admin_roles, answers, example, id_filter
from offers.forms_admin import TierForm, TierMemberForm, TierPayoutForm, payout_terms
from offers.models import PayoutTier, TierMembership, TierPayout
from offers.services import (
    OfferError,
    tier_create,
    tier_member_add,
    tier_member_remove,
    tier_payout_delete,
    tier_payout_set,
)
from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import WebhookEndpoint
from webhooks.views import TEST_INTERVAL_SECONDS, chosen_events


class TierFilter(filters.FilterSet):
    publisher = id_filter("memberships__publisher_id")

    class Meta:
        model = PayoutTier
        fields: list[str] = []


TIER_EXAMPLE = {
    "id": 2,
    "name": "Gold",
    "members": [{"publisher": 7, "publisher_name": "Deal Blog"}],
    "payouts": [
        {
            "offer": 12,
            "offer_name": "Summer Sale",
            "goal": 31,
            "goal_name": "Sale",
            "currency": "USD",
            "payout_type": "cpa",
            "payout_amount": "9.00",
            "payout_percent": None,
        }
    ],
}
TAGS = ["admin: payout tiers"]
TERMS = (
    "Terms as the tier page's payout form: `payout_type` (cpa, cps or cpa_cps), a flat "
    "`payout_amount` in the offer's currency and/or a `payout_percent`, each needed (above "
    "zero) exactly when the type uses it."
)


def tier_action_schema(summary: str, description: str, request, body: dict):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses=answers(s.TierSerializer),
        examples=[
            example("The body", body, request=True),
            example("The tier after the change", TIER_EXAMPLE),
        ],
        tags=TAGS,
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the payout tiers",
        description="Named groups of publishers (e.g. Gold) with their own payouts per goal: "
        "a tier's payout wins over the goal's, a publisher's override wins over the tier's. "
        "A publisher is in one tier at most. Filter: `publisher` (id, the tier they are in). "
        "Order by name or id.",
        responses=answers(s.TierSerializer(many=True)),
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary="One payout tier, with its publishers and payouts",
        responses=answers(s.TierSerializer),
        examples=[example("A tier paying 9 USD on a sale", TIER_EXAMPLE)],
        tags=TAGS,
    ),
    create=extend_schema(
        summary="Create a payout tier",
        description="An empty tier with a `name` (unique in the network, whatever the case), "
        "as the tiers page's form; add publishers and payouts next. Written to the audit log "
        "(`tier.created`).",
        request=s.TierWriteSerializer,
        responses=answers(s.TierSerializer, 201),
        examples=[
            example("Gold", {"name": "Gold"}, request=True),
            example("The new tier", {"id": 2, "name": "Gold", "members": [], "payouts": []}),
        ],
        tags=TAGS,
    ),
)
class PayoutTierViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet
):
    """The tier pages. The portal neither renames nor deletes a tier; neither does this."""

    roles = admin_roles(
        "list", "retrieve", "create", "add_member", "remove_member", "set_payout", "remove_payout"
    )
    serializer_class = s.TierSerializer
    filterset_class = TierFilter
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def visible(self, membership):
        return PayoutTier.objects.prefetch_related("memberships__publisher", "payouts__goal__offer")

    def answer(self, tier: PayoutTier, status: int = 200) -> Response:
        data = self.get_serializer(self.get_queryset().get(pk=tier.pk)).data
        return created(data) if status == 201 else Response(data)

    def create(self, request):
        body = s.TierWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = judged(TierForm(body.validated_data))
        try:
            tier = tier_create(
                network=request._request.network, name=data["name"], actor=request.user
            )
        except OfferError as exc:  # a twin created meanwhile: the page's words, on the name
            raise serializers.ValidationError({"name": [str(exc)]}) from None
        return self.answer(tier, 201)

    @tier_action_schema(
        "Add a publisher to a tier",
        "An approved publisher in no tier yet (else 400, with the page's words naming their "
        "tier), as the tier page's form. Written to the audit log (`tier.member_added`).",
        s.TierMemberWriteSerializer,
        {"publisher": 7},
    )
    @action(detail=True, methods=["post"])
    def add_member(self, request, pk=None):
        tier = self.get_object()  # another network's id: 404 before anything else
        body = s.TierMemberWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = judged(TierMemberForm({"publisher": body.validated_data["publisher"].pk}))
        try:
            tier_member_add(tier=tier, publisher=data["publisher"], actor=request.user)
        except OfferError as exc:
            raise serializers.ValidationError({"publisher": [str(exc)]}) from None
        return self.answer(tier)

    @tier_action_schema(
        "Remove a publisher from a tier",
        "They earn the goals' payouts again (or their own overrides). A publisher not in this "
        "tier answers 404. Written to the audit log (`tier.member_removed`).",
        s.TierMemberWriteSerializer,
        {"publisher": 7},
    )
    @action(detail=True, methods=["post"])
    def remove_member(self, request, pk=None):
        tier = self.get_object()
        body = s.TierMemberWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        membership = get_object_or_404(
            TierMembership.objects.select_related("publisher", "tier"),
            tier=tier,
            publisher=body.validated_data["publisher"],
        )
        tier_member_remove(membership=membership, actor=request.user)
        return self.answer(tier)

    @tier_action_schema(
        "Set the tier's payout on a goal",
        "What the tier's publishers earn on this goal (of an offer not archived), replacing "
        f"the tier's payout there. {TERMS} Written to the audit log (`tier_payout.set`, from "
        "the old terms to the new).",
        s.TierPayoutWriteSerializer,
        {"goal": 31, "payout_type": "cpa", "payout_amount": "9.00"},
    )
    @action(detail=True, methods=["post"])
    def set_payout(self, request, pk=None):
        tier = self.get_object()
        body = s.TierPayoutWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        terms = body.validated_data
        form = TierPayoutForm(
            {
                "goal": terms["goal"].pk,
                "payout_type": terms["payout_type"],
                "payout_amount": terms["payout_amount"],
                "payout_percent": terms["payout_percent"],
            }
        )
        data = judged(form)
        tier_payout_set(tier=tier, goal=data["goal"], actor=request.user, **payout_terms(data))
        return self.answer(tier)

    @tier_action_schema(
        "Remove the tier's payout on a goal",
        "The tier's publishers earn the goal's payout there again. A goal without a payout "
        "of this tier answers 404. Written to the audit log (`tier_payout.deleted`).",
        s.TierGoalSerializer,
        {"goal": 31},
    )
    @action(detail=True, methods=["post"])
    def remove_payout(self, request, pk=None):
        tier = self.get_object()
        body = s.TierGoalSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        tier_payout = get_object_or_404(
            TierPayout.objects.select_related("goal__offer", "tier"),
            tier=tier,
            goal=body.validated_data["goal"],
        )
        tier_payout_delete(tier_payout=tier_payout, actor=request.user)
        return self.answer(tier)


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
