"""The goals, landing pages and creatives of the advertiser's offers (/api/v1/advertiser/goals/,
/landing-pages/, /creatives/); registered by offers/api_advertiser.py. The offer page's forms
judge what is sent; a part is saved like the page saves it."""

from __future__ import annotations

import django_filters.rest_framework as filters
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins

from advertisers.api_base import ADVERTISER
from network.api_base import ListAndRetrieve, TenantViewSet, created
from network.api_docs import EDIT, READ, id_filter, listed, roles_of, shown, written
from offers import api_advertiser_serializers as s
from offers.models import Creative, Goal, LandingPage, Offer
from offers.services import ARCHIVED, OfferError
from offers.services_parts import (
    creative_create,
    creative_update,
    goal_create,
    goal_update,
    landing_page_create,
    landing_page_update,
)


def refuse_if_archived(offer: Offer) -> None:
    """The pages never write to an archived offer or its parts."""
    if offer.status == Offer.Status.ARCHIVED:
        raise OfferError(str(ARCHIVED))


class PartFilter(filters.FilterSet):
    offer = id_filter("offer_id")


DEFAULT_GOAL_EXAMPLE = {
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
}


class OfferPartViewSet(
    ListAndRetrieve,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    """A part of an offer, saved like the offer page's forms save it: under the offer and its
    network, touching the offer's "updated" time, never once the offer is archived. No
    DELETE: the pages deactivate landing pages and creatives (`is_active`) instead."""

    # (This docstring is the schema's description of these endpoints. The saving is the
    # page's service, offers.services_parts, which audits each change too.)

    roles = roles_of(ADVERTISER, *READ, *EDIT)
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
        offer = serializer.validated_data["offer"]
        serializer.instance = self.create_part(offer, serializer.form.save(commit=False))

    def perform_update(self, serializer) -> None:
        serializer.instance = self.update_part(serializer.form.save(commit=False))

    def create_part(self, offer: Offer, part):
        """The part's service, as the page's: it saves, touches the offer and audits."""
        raise NotImplementedError

    def update_part(self, part):
        raise NotImplementedError


def part_schema(kind: str, serializer, request_example: dict, response_example: dict, extra=""):
    tags = [f"advertiser: {kind}s"]
    answer = (kind, response_example)
    return extend_schema_view(
        list=listed(
            f"List the {kind}s of your offers", f"Filter with `offer`. {extra}", serializer, tags
        ),
        retrieve=shown(f"One {kind}", serializer, answer, tags),
        create=written(
            f"Add a {kind} to one of your offers",
            f"Not to an archived offer. {extra}",
            serializer,
            tags,
            sent=(f"A new {kind}", request_example),
            answer=answer,
            code=201,
        ),
        update=written(
            f"Replace a {kind}",
            f"It stays with its offer. {extra}",
            serializer,
            tags,
            sent=(f"The {kind}", request_example),
            answer=answer,
        ),
        partial_update=written(
            f"Change a {kind}",
            f"Only the fields sent. {extra}",
            serializer,
            tags,
            sent=(f"The {kind}", {"name": request_example["name"]}),
            answer=answer,
        ),
    )


GOAL_EXAMPLE = {**DEFAULT_GOAL_EXAMPLE, "id": 32, "name": "Lead", "is_default": False}


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

    def create_part(self, offer: Offer, goal: Goal) -> Goal:
        return goal_create(offer=offer, goal=goal, actor=self.request.user)

    def update_part(self, goal: Goal) -> Goal:
        return goal_update(goal=goal, actor=self.request.user)


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

    def create_part(self, offer: Offer, page: LandingPage) -> LandingPage:
        return landing_page_create(offer=offer, landing_page=page, actor=self.request.user)

    def update_part(self, page: LandingPage) -> LandingPage:
        return landing_page_update(landing_page=page, actor=self.request.user)


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

    def create_part(self, offer: Offer, creative: Creative) -> Creative:
        return creative_create(offer=offer, creative=creative, actor=self.request.user)

    def update_part(self, creative: Creative) -> Creative:
        return creative_update(creative=creative, actor=self.request.user)
