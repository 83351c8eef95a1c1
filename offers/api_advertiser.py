"""The advertiser's offers (/api/v1/advertiser/offers/): the offer pages' forms judge what is
sent and the same services make the changes. Their goals, landing pages and creatives:
offers/api_advertiser_parts.py, registered here (the module network.api_router finds)."""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.db.models import Prefetch
from drf_spectacular.utils import (
    extend_schema_view,
)
from rest_framework import mixins

from advertisers.api_base import ADVERTISER
from network import api_router
from network.api_base import ListAndRetrieve, TenantViewSet, created
from network.api_docs import EDIT, READ, listed, pressed, roles_of, shown, text_filter, written
from offers import api_advertiser_parts as parts
from offers import api_advertiser_serializers as s
from offers.api_advertiser_parts import refuse_if_archived
from offers.api_moves import ADVERTISER_OFFER_MOVES, OfferMoves, move_action
from offers.models import CATEGORIES, Goal, Offer
from offers.services import offer_create, offer_update
from offers.tables import advertiser_offers


class OfferFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Offer.Status.choices)
    visibility = filters.ChoiceFilter(choices=Offer.Visibility.choices)
    category = filters.ChoiceFilter(choices=CATEGORIES)
    q = text_filter("name", 100, lookup_expr="icontains")


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
    "attribution_model": "last_click",
    "hold_days": 14,
    "multiple_conversions": False,
    "fallback_offer": None,
    "fallback_url": "",
    "expires_on": None,
    "terms": "",
    "deep_link_domains": ["shop.example"],
    "default_goal": parts.DEFAULT_GOAL_EXAMPLE,
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


TAGS = ["advertiser: offers"]
MOVE_TEXT = {
    "submit": ("Submit for review", "draft -> pending"),
    "pause": ("Pause", "active -> paused"),
    "resume": ("Resume", "paused -> active"),
    "archive": ("Archive", "draft, pending, active or paused -> archived"),
}


def move_schema(name: str):
    summary, path = MOVE_TEXT[name]
    return pressed(
        f"{summary} an offer",
        f"Moves the offer ({path}) as the offer page's button does; the audit log keeps who, "
        "when, from and to. A move the offer does not allow now answers 400 with the reason "
        "(see `moves` on the offer).",
        s.AdvertiserOfferSerializer,
        ("The offer after the move", OFFER_EXAMPLE),
        TAGS,
    )


@extend_schema_view(
    list=listed(
        "List your offers",
        "Your company's offers, newest change first. Filter by status, visibility, category; "
        "order by name, created_at, updated_at or id.",
        s.AdvertiserOfferSerializer,
        TAGS,
    ),
    retrieve=shown(
        "One of your offers", s.AdvertiserOfferSerializer, ("An offer", OFFER_EXAMPLE), TAGS
    ),
    create=written(
        "Create an offer (as a draft)",
        "The new offer form: the offer and its default goal (what you pay). It starts as a "
        "draft: add a landing page, then `submit` it for the network's review. The publisher "
        "payout is set by the network.",
        s.AdvertiserOfferSerializer,
        TAGS,
        body=s.AdvertiserOfferCreateSerializer,
        sent=("A CPA + CPS offer", NEW_OFFER),
        answer=("The new draft", OFFER_EXAMPLE),
        code=201,
    ),
    update=written(
        "Replace an offer's settings",
        "The edit offer form (every field); status changes through the moves. An archived "
        "offer cannot be changed.",
        s.AdvertiserOfferSerializer,
        TAGS,
        sent=("New settings", OFFER_SETTINGS),
        answer=("The offer", OFFER_EXAMPLE),
    ),
    partial_update=written(
        "Change some of an offer's settings",
        "Like PUT, with only the fields sent. Amounts of the goals must fit a new currency. "
        "An archived offer cannot be changed.",
        s.AdvertiserOfferSerializer,
        TAGS,
        sent=("Longer hold", {"hold_days": 30, "terms": "No brand bidding."}),
        answer=("The offer", OFFER_EXAMPLE),
    ),
)
class OfferViewSet(
    ListAndRetrieve,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OfferMoves,
    TenantViewSet,
):
    """No DELETE: the portal archives an offer (`archive`), it never deletes one."""

    roles = roles_of(ADVERTISER, *READ, *EDIT, *ADVERTISER_OFFER_MOVES)
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
        offer = offer_update(offer=serializer.form.save(commit=False), actor=self.request.user)
        serializer.instance = self.get_queryset().get(pk=offer.pk)

    def offer_data(self, offer: Offer) -> dict:
        context = self.get_serializer_context()
        return s.AdvertiserOfferSerializer(offer, context=context).data

    submit = move_action("submit", move_schema)
    pause = move_action("pause", move_schema)
    resume = move_action("resume", move_schema)
    archive = move_action("archive", move_schema)


api_router.register("advertiser", "offers", OfferViewSet, basename="advertiser-offers")
api_router.register("advertiser", "goals", parts.GoalViewSet, basename="advertiser-goals")
api_router.register(
    "advertiser", "landing-pages", parts.LandingPageViewSet, basename="advertiser-landing-pages"
)
api_router.register(
    "advertiser", "creatives", parts.CreativeViewSet, basename="advertiser-creatives"
)
