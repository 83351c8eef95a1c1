"""The advertiser's offers and their goals, landing pages and creatives (/api/v1/advertiser/):
the offer pages' forms judge what is sent and the same services make the changes."""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.db import transaction
from django.db.models import Prefetch
from django.utils.timezone import now
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from advertisers import api_serializers as s
from network import audit
from network.api_base import TenantViewSet, created
from network.api_docs import answers, example, id_filter, text_filter
from network.models import Role
from offers.models import CATEGORIES, Creative, Goal, LandingPage, Offer
from offers.services import OfferError, offer_create, offer_transition
from offers.tables import advertiser_offers
from offers.views_advertiser import ARCHIVED, _revenue_terms, _touch

ADVERTISER = (Role.ADVERTISER,)


def refuse_if_archived(offer: Offer) -> None:
    """The pages never write to an archived offer or its parts."""
    if offer.status == Offer.Status.ARCHIVED:
        raise OfferError(str(ARCHIVED))


class OfferFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Offer.Status.choices)
    visibility = filters.ChoiceFilter(choices=Offer.Visibility.choices)
    category = filters.ChoiceFilter(choices=CATEGORIES)
    q = text_filter("name", 100, lookup_expr="icontains")

    class Meta:
        model = Offer
        fields: list[str] = []


class PartFilter(filters.FilterSet):
    offer = id_filter("offer_id")


OFFER_EXAMPLE = {
    "id": 12,
    "name": "Summer Sale",
    "description": "Shoes and bags for the beach.",
    "category": "ecommerce",
    "preview_url": "https://shop.example/summer",
    "status": "draft",
    "visibility": "approval",
    "currency": "USD",
    "allowed_countries": ["US", "VN"],
    "device_types": ["mobile"],
    "attribution_window_days": 30,
    "hold_days": 14,
    "multiple_conversions": False,
    "fallback_offer": None,
    "fallback_url": "",
    "expires_on": None,
    "terms": "",
    "deep_link_domains": ["shop.example"],
    "default_goal": {
        "id": 31,
        "offer": 12,
        "name": "Sale",
        "is_default": True,
        "currency": "USD",
        "revenue_type": "cpa_cps",
        "revenue_amount": "2.500",
        "revenue_percent": "5.000",
        "payout_set": False,
        "payout_type": None,
        "payout_amount": None,
        "payout_percent": None,
    },
    "running_publishers": 0,
    "moves": ["submit", "archive"],
    "created_at": "2026-06-01T09:30:00Z",
    "updated_at": "2026-06-01T09:30:00Z",
}


NEW_OFFER = {
    "name": "Summer Sale",
    "description": "Shoes and bags for the beach.",
    "category": "ecommerce",
    "preview_url": "https://shop.example/summer",
    "visibility": "approval",
    "currency": "USD",
    "allowed_countries": ["US", "VN"],
    "device_types": ["mobile"],
    "hold_days": 14,
    "deep_link_domains": ["shop.example"],
    "default_goal": {
        "name": "Sale",
        "revenue_type": "cpa_cps",
        "revenue_amount": "2.50",
        "revenue_percent": "5",
    },
}


OFFER_SETTINGS = {key: value for key, value in NEW_OFFER.items() if key != "default_goal"}


MOVES = {
    "submit": (Offer.Status.PENDING, "Submit for review", "draft -> pending"),
    "pause": (Offer.Status.PAUSED, "Pause", "active -> paused"),
    "resume": (Offer.Status.ACTIVE, "Resume", "paused -> active"),
    "archive": (Offer.Status.ARCHIVED, "Archive", "draft, pending, active or paused -> archived"),
}


def move_schema(name: str):
    _to, summary, path = MOVES[name]
    return extend_schema(
        summary=f"{summary} an offer",
        description=(
            f"Moves the offer ({path}) as the offer page's button does; the audit log keeps "
            "who, when, from and to. A move the offer does not allow now answers 400 with "
            "the reason (see `moves` on the offer)."
        ),
        request=None,
        responses=answers(s.AdvertiserOfferSerializer),
        examples=[example("The offer after the move", OFFER_EXAMPLE)],
        tags=["advertiser: offers"],
    )


@extend_schema_view(
    list=extend_schema(
        summary="List your offers",
        description="Your company's offers, newest change first. Filter by status, "
        "visibility, category; order by name, created_at, updated_at or id.",
        responses=answers(s.AdvertiserOfferSerializer(many=True)),
        tags=["advertiser: offers"],
    ),
    retrieve=extend_schema(
        summary="One of your offers",
        responses=answers(s.AdvertiserOfferSerializer),
        examples=[example("An offer", OFFER_EXAMPLE)],
        tags=["advertiser: offers"],
    ),
    create=extend_schema(
        summary="Create an offer (as a draft)",
        description="The new offer form: the offer and its default goal (what you pay). It "
        "starts as a draft: add a landing page, then `submit` it for the network's review. "
        "The publisher payout is set by the network.",
        request=s.AdvertiserOfferCreateSerializer,
        responses=answers(s.AdvertiserOfferSerializer, 201),
        examples=[
            example("A CPA + CPS offer", NEW_OFFER, request=True),
            example("The new draft", OFFER_EXAMPLE),
        ],
        tags=["advertiser: offers"],
    ),
    update=extend_schema(
        summary="Replace an offer's settings",
        description="The edit offer form (every field); status changes through the moves. An "
        "archived offer cannot be changed.",
        responses=answers(s.AdvertiserOfferSerializer),
        examples=[
            example("New settings", OFFER_SETTINGS, request=True),
            example("The offer", OFFER_EXAMPLE),
        ],
        tags=["advertiser: offers"],
    ),
    partial_update=extend_schema(
        summary="Change some of an offer's settings",
        description="Like PUT, with only the fields sent. Amounts of the goals must fit a new "
        "currency. An archived offer cannot be changed.",
        responses=answers(s.AdvertiserOfferSerializer),
        examples=[
            example("Longer hold", {"hold_days": 30, "terms": "No brand bidding."}, request=True),
            example("The offer", OFFER_EXAMPLE),
        ],
        tags=["advertiser: offers"],
    ),
)
class OfferViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    """No DELETE: the portal archives an offer (`archive`), it never deletes one."""

    roles = {
        name: ADVERTISER
        for name in (
            "list",
            "retrieve",
            "create",
            "update",
            "partial_update",
            *MOVES,
        )
    }
    filterset_class = OfferFilter
    ordering_fields = ["name", "created_at", "updated_at", "id"]
    ordering = ["-updated_at", "-id"]

    def visible(self, membership):
        goals = Prefetch("goals", queryset=Goal.objects.select_related("offer"))
        offers = advertiser_offers(membership.advertiser).select_related("advertiser")
        return offers.prefetch_related(goals)

    def visible_model(self):
        return Offer

    def get_serializer_class(self):
        if self.action == "create":
            return s.AdvertiserOfferCreateSerializer
        return s.AdvertiserOfferSerializer

    def perform_create(self, serializer) -> None:
        request = self.request
        offer = offer_create(
            network=request._request.network,
            advertiser=self.membership.advertiser,
            actor=request.user,
            offer=serializer.form.save(commit=False),
            default_goal=serializer.goal_form.save(commit=False),
        )
        serializer.instance = self.get_queryset().get(pk=offer.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return created(self.offer_data(serializer.instance))

    def update(self, request, *args, **kwargs):
        refuse_if_archived(self.get_object())
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer) -> None:
        editing = serializer.form.save(commit=False)
        editing.updated_at = now()
        editing.save()
        serializer.instance = self.get_queryset().get(pk=editing.pk)

    def move(self, name: str) -> Response:
        offer = self.get_object()
        offer_transition(
            offer=offer, to_status=MOVES[name][0], actor=self.request.user, role=Role.ADVERTISER
        )
        return Response(self.offer_data(self.get_queryset().get(pk=offer.pk)))

    def offer_data(self, offer: Offer) -> dict:
        context = self.get_serializer_context()
        return s.AdvertiserOfferSerializer(offer, context=context).data

    @move_schema("submit")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.move("submit")

    @move_schema("pause")
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self.move("pause")

    @move_schema("resume")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self.move("resume")

    @move_schema("archive")
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self.move("archive")


class OfferPartViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    """A part of an offer, saved like the offer page's forms save it: under the offer and its
    network, touching the offer's "updated" time, never once the offer is archived. No
    DELETE: the pages deactivate landing pages and creatives (`is_active`) instead."""

    roles = {
        name: ADVERTISER for name in ("list", "retrieve", "create", "update", "partial_update")
    }
    model = None
    create_serializer = update_serializer = None
    filterset_class = PartFilter
    ordering_fields = ["id"]
    ordering = ["id"]

    def visible(self, membership):
        return self.model.objects.filter(
            offer__advertiser_id=membership.advertiser_id
        ).select_related("offer")

    def visible_model(self):
        return self.model

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return self.update_serializer
        return self.create_serializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refuse_if_archived(serializer.validated_data["offer"])
        self.perform_create(serializer)
        return created(serializer.data)

    def update(self, request, *args, **kwargs):
        refuse_if_archived(self.get_object().offer)
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer) -> None:
        serializer.instance = self.save_part(serializer, serializer.validated_data["offer"])

    def perform_update(self, serializer) -> None:
        serializer.instance = self.save_part(serializer, serializer.instance.offer)

    @transaction.atomic
    def save_part(self, serializer, offer: Offer):
        part = serializer.form.save(commit=False)
        part.network, part.offer = self.request._request.network, offer
        part.save()
        self.saved(serializer.instance, part)
        _touch(offer)
        return part

    def saved(self, before, part) -> None:
        """Runs in the saving transaction (for an audit row)."""


def part_schema(kind: str, serializer, request_example: dict, response_example: dict, extra=""):
    tags = [f"advertiser: {kind}s"]
    return extend_schema_view(
        list=extend_schema(
            summary=f"List the {kind}s of your offers",
            description=f"Filter with `offer`. {extra}",
            responses=answers(serializer(many=True)),
            tags=tags,
        ),
        retrieve=extend_schema(
            summary=f"One {kind}",
            responses=answers(serializer),
            examples=[example(kind, response_example)],
            tags=tags,
        ),
        create=extend_schema(
            summary=f"Add a {kind} to one of your offers",
            description=f"Not to an archived offer. {extra}",
            responses=answers(serializer, 201),
            examples=[
                example(f"A new {kind}", request_example, request=True),
                example(kind, response_example),
            ],
            tags=tags,
        ),
        update=extend_schema(
            summary=f"Replace a {kind}",
            description=f"It stays with its offer. {extra}",
            responses=answers(serializer),
            examples=[
                example(f"The {kind}", request_example, request=True),
                example(kind, response_example),
            ],
            tags=tags,
        ),
        partial_update=extend_schema(
            summary=f"Change a {kind}",
            description=f"Only the fields sent. {extra}",
            responses=answers(serializer),
            examples=[
                example(f"The {kind}", {"name": request_example["name"]}, request=True),
                example(kind, response_example),
            ],
            tags=tags,
        ),
    )


GOAL_EXAMPLE = {**OFFER_EXAMPLE["default_goal"], "id": 32, "name": "Lead", "is_default": False}


@part_schema(
    "goal",
    s.AdvertiserGoalSerializer,
    {"offer": 12, "name": "Lead", "revenue_type": "cpl", "revenue_amount": "3.00"},
    GOAL_EXAMPLE,
    "You set what you pay (revenue); the network sets the publisher payout. A change of "
    "what you pay is written to the audit log. Goals are not deleted.",
)
class GoalViewSet(OfferPartViewSet):
    model = Goal
    create_serializer = s.AdvertiserGoalSerializer
    update_serializer = s.AdvertiserGoalUpdateSerializer
    ordering = ["-is_default", "id"]

    def saved(self, before, goal) -> None:
        # The same audit row as the goal page: what the advertiser pays is money terms.
        if before is not None and _revenue_terms(goal) != _revenue_terms(before):
            audit.record(
                network=goal.network,
                actor=self.request.user,
                action="goal.revenue",
                obj=goal,
                from_state=_revenue_terms(before),
                to_state=_revenue_terms(goal),
            )


LANDING_EXAMPLE = {
    "id": 40,
    "offer": 12,
    "name": "Home",
    "url_template": "https://shop.example/?click={transaction_id}&sub={aff_sub}",
    "weight": 100,
    "is_active": True,
}


@part_schema(
    "landing page",
    s.AdvertiserLandingPageSerializer,
    {k: v for k, v in LANDING_EXAMPLE.items() if k != "id"},
    LANDING_EXAMPLE,
    "Unknown {macros} are refused. Deactivate a page with `is_active: false`.",
)
class LandingPageViewSet(OfferPartViewSet):
    model = LandingPage
    create_serializer = s.AdvertiserLandingPageSerializer
    update_serializer = s.AdvertiserLandingPageUpdateSerializer


CREATIVE_EXAMPLE = {
    "id": 50,
    "offer": 12,
    "name": "Text link",
    "kind": "text",
    "image": None,
    "width": None,
    "height": None,
    "text": "Summer sale: 30% off",
    "html": "",
    "landing_page": 40,
    "is_active": True,
    "created_at": "2026-06-01T09:30:00Z",
}


@part_schema(
    "creative",
    s.AdvertiserCreativeSerializer,
    {"offer": 12, "name": "Text link", "kind": "text", "text": "Summer sale: 30% off"},
    CREATIVE_EXAMPLE,
    "A banner's image is uploaded as multipart/form-data (field `image`, at most 2 MB); "
    "HTML must contain {tracking_link}. Deactivate with `is_active: false`.",
)
class CreativeViewSet(OfferPartViewSet):
    model = Creative
    create_serializer = s.AdvertiserCreativeSerializer
    update_serializer = s.AdvertiserCreativeUpdateSerializer
