"""The publisher's marketplace through the API (/api/v1/publisher/offers/, /tracking-links/):
offers, applying, tracking links.

It mirrors the publisher's pages: what they may see is `Offer.objects.visible_to(publisher)`,
what they may link to `.runnable_by(publisher)`; the same forms judge what is sent
(offers/api_publisher_serializers.py) and the same service records an application
(offers.services_access.access_request). A publisher whose account is not approved yet gets
403 where the pages show "not approved" instead.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from lib.countries import COUNTRY_CHOICES
from network import api_router
from network.api_base import ListAndRetrieve, created
from network.api_docs import READ, listed, roles_of, shown, written
from offers import api_publisher_serializers as s
from offers.api_advertiser_parts import CREATIVE_EXAMPLE
from offers.forms_publisher import MarketplaceFilterForm
from offers.links import click_link, impression_pixel, tracking_url
from offers.models import CATEGORIES, Goal, GoalType, LandingPage, Offer, OfferAccess
from offers.payout_hooks import resolve_payouts
from offers.services_access import access_request
from offers.views_publisher import creatives_context
from publishers.api_base import PUBLISHER, PublisherViewSet


class MarketplaceFilter(filters.FilterSet):
    """The marketplace's filters; the page's own form narrows the offers."""

    q = filters.CharFilter(max_length=100, method="keep", help_text="In name or description.")
    category = filters.ChoiceFilter(choices=CATEGORIES, method="keep")
    country = filters.ChoiceFilter(
        choices=COUNTRY_CHOICES, method="keep", help_text="Offers open to this country (ISO code)."
    )
    payout_type = filters.ChoiceFilter(
        choices=GoalType.choices, method="keep", help_text="The default goal's payout type."
    )

    def keep(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = {name: value or "" for name, value in self.form.cleaned_data.items()}
        return MarketplaceFilterForm(data).filter(queryset)


OFFER_EXAMPLE = {
    "id": 12,
    "name": "Summer Sale",
    "category": "ecommerce",
    "currency": "USD",
    "visibility": "approval",
    "preview_url": "https://shop.example/summer",
    "allowed_countries": ["US", "VN"],
    "device_types": ["mobile"],
    "expires_on": None,
    "access": "approved",
    "payout": {
        "goal": 31,
        "goal_name": "Sale",
        "is_default": True,
        "payout_type": "cpa",
        "payout_amount": "8.00",
        "payout_percent": None,
        "currency": "USD",
        "label": "8.00 USD CPA",
    },
    "created_at": "2026-06-01T09:30:00Z",
}


# The advertiser's creative as a publisher sees it: without what only its advertiser edits.
ADVERTISER_ONLY = ("offer", "html", "is_active", "created_at")
OFFER_DETAIL_EXAMPLE = {
    **OFFER_EXAMPLE,
    "description": "Shoes and bags for the beach.",
    "attribution_window_days": 30,
    "attribution_model": "last_click",
    "hold_days": 14,
    "terms": "No brand bidding.",
    "deep_link_domains": ["shop.example"],
    "access_note": "Newsletter, 40k readers.",
    "access_reason": "",
    "goals": [OFFER_EXAMPLE["payout"]],
    "landing_pages": [{"id": 40, "name": "Home", "preview_url": "https://shop.example/?click="}],
    "creatives": [
        {
            **{k: v for k, v in CREATIVE_EXAMPLE.items() if k not in ADVERTISER_ONLY},
            "embed_code": '<a href="https://demo.localhost:8000/aff_c?offer_id=12&amp;aff_id=7'
            '&amp;url_id=40&amp;file_id=50" target="_blank" rel="sponsored noopener">'
            "Summer sale: 30% off</a>",
        }
    ],
    "tracking_link": "https://demo.localhost:8000/aff_c?offer_id=12&aff_id=7",
    "impression_pixel": '<img src="https://demo.localhost:8000/aff_i?offer_id=12&amp;aff_id=7" '
    'width="1" height="1" alt="" style="border:0">',
}


OFFERS = ["publisher: offers"]


@extend_schema_view(
    list=listed(
        "The marketplace",
        "The offers you may see: active, not expired, public or on approval, private ones you "
        "were let in to; never those you are blocked from. Each with your access and your "
        "payout on the default goal. Filter by `q`, `category`, `country`, `payout_type`; "
        "order by name, created_at or id.",
        s.PublisherOfferSerializer,
        OFFERS,
    ),
    retrieve=shown(
        "One offer",
        s.PublisherOfferDetailSerializer,
        ("An offer you run", OFFER_DETAIL_EXAMPLE),
        OFFERS,
        description="As its page shows it: your payout per goal, landing pages, creatives, "
        "terms; once you are approved, your tracking link, impression pixel and the embed "
        "code of each creative.",
    ),
)
class OfferViewSet(ListAndRetrieve, PublisherViewSet):
    roles = roles_of(PUBLISHER, *READ, "apply")
    approved_only = ("list", "retrieve", "apply")
    filterset_class = MarketplaceFilter
    ordering_fields = ["name", "created_at", "id"]
    ordering = ["name", "id"]

    def visible(self, membership):
        offers = Offer.objects.visible_to(membership.publisher).select_related("network")
        if self.action == "list":
            defaults = Goal.objects.filter(is_default=True)
            return offers.prefetch_related(Prefetch("goals", queryset=defaults))
        pages = LandingPage.objects.filter(is_active=True)
        return offers.prefetch_related("goals", Prefetch("landing_pages", queryset=pages))

    def visible_model(self):
        return Offer

    def get_serializer_class(self):
        if self.action == "list":
            return s.PublisherOfferSerializer
        return s.PublisherOfferDetailSerializer  # apply answers the offer as it is now

    def offer_context(self, offers: list[Offer]) -> dict:
        accesses = OfferAccess.objects.filter(
            publisher=self.publisher, offer__in=[offer.pk for offer in offers]
        )
        goals = [goal for offer in offers for goal in offer.goals.all()]
        return {
            **self.get_serializer_context(),
            "accesses": {access.offer_id: access for access in accesses},
            "payouts": resolve_payouts(goals, self.publisher),
        }

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = self.offer_context(page)
        data = s.PublisherOfferSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.offer_data(self.get_object()))

    def offer_data(self, offer: Offer) -> dict:
        context = self.offer_context([offer])
        access = context["accesses"].get(offer.pk)
        approved = access is not None and access.status == OfferAccess.Status.APPROVED
        context["creatives"] = [
            creative_data(item, self.request)
            for item in creatives_context(offer, self.publisher, embed=approved)
        ]
        context["links"] = {}
        if approved:
            context["links"] = {
                "url": click_link(offer=offer, publisher=self.publisher),
                "pixel": impression_pixel(offer=offer, publisher=self.publisher),
            }
        return s.PublisherOfferDetailSerializer(offer, context=context).data

    @written(
        "Apply to run an offer",
        "As the offer page's form: with an optional note to the network. A public offer is "
        "yours at once (`access` approved, with your tracking link); otherwise the application "
        "is pending and the network emails you its decision. Applying twice, or to an offer "
        "you may not see, answers 400. The audit log keeps the request.",
        s.PublisherOfferDetailSerializer,
        OFFERS,
        body=s.ApplySerializer,
        sent=("With a note", {"note": "Newsletter, 40k readers."}),
        answer=("Pending", {**OFFER_DETAIL_EXAMPLE, "access": "pending"}),
        code=201,
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        offer = self.get_object()
        note = self.body_of(s.ApplySerializer)["note"]
        access_request(offer=offer, publisher=self.publisher, actor=request.user, note=note)
        return created(self.offer_data(offer))


def creative_data(item: dict, request) -> dict:
    creative = item["creative"]
    image = request.build_absolute_uri(creative.image.url) if creative.image else None
    return {
        "id": creative.pk,
        "name": creative.name,
        "kind": creative.kind,
        "image": image,
        "width": creative.width,
        "height": creative.height,
        "text": creative.text,
        "landing_page": creative.landing_page_id,
        "embed_code": item.get("embed"),
    }


LINK_EXAMPLE = {
    "url": "https://demo.localhost:8000/aff_c?offer_id=12&aff_id=7&url_id=40&file_id=50"
    "&aff_sub=june-news&source=newsletter",
    "impression_pixel": '<img src="https://demo.localhost:8000/aff_i?offer_id=12&amp;aff_id=7'
    '&amp;file_id=50" width="1" height="1" alt="" style="border:0">',
    "impression_pixel_url": "https://demo.localhost:8000/aff_i?offer_id=12&aff_id=7&file_id=50",
    "landing_page": 40,
    "creative": 50,
}


class TrackingLinkViewSet(PublisherViewSet):
    """POST only: a link is computed, nothing is stored."""

    roles = {"create": PUBLISHER}
    approved_only = ("create",)
    serializer_class = s.LinkRequestSerializer

    def visible(self, membership):
        return Offer.objects.runnable_by(membership.publisher)

    def visible_model(self):
        return Offer

    @written(
        "Build a tracking link",
        "The link builder of the offer page, for an offer you run: sub ids (aff_sub..aff_sub5, "
        "source), a landing page (else the offer rotates its pages), a deep link (only to the "
        "offer's deep-link domains), and a creative to count (file_id). Answers the link and "
        "the impression pixel. Nothing is stored: the same request gives the same link.",
        s.LinkSerializer,
        ["publisher: tracking links"],
        body=s.LinkRequestSerializer,
        sent=(
            "Sub ids and a creative",
            {"offer": 12, "creative": 50, "aff_sub": "june-news", "source": "newsletter"},
        ),
        answer=("The link", LINK_EXAMPLE),
    )
    def create(self, request):
        asked = self.get_serializer(data=request.data)
        asked.is_valid(raise_exception=True)
        wanted = asked.validated_data
        offer, page, creative = wanted["offer"], wanted["landing_page"], wanted["creative"]
        url = click_link(
            offer=offer,
            publisher=self.publisher,
            landing_page=page,
            creative=creative,
            subs=wanted["subs"],
            deep_link=wanted["deep_link"],
        )
        params = {"offer_id": offer.pk, "aff_id": self.publisher.pk}
        if creative is not None:
            params["file_id"] = creative.pk
        body = {
            "url": url,
            "impression_pixel": impression_pixel(
                offer=offer, publisher=self.publisher, creative=creative
            ),
            "impression_pixel_url": tracking_url(offer.network, "/aff_i", params),
            "landing_page": page.pk if page else None,
            "creative": creative.pk if creative else None,
        }
        return Response(s.LinkSerializer(body).data)


api_router.register("publisher", "offers", OfferViewSet, basename="publisher-offers")
api_router.register(
    "publisher", "tracking-links", TrackingLinkViewSet, basename="publisher-tracking-links"
)
