"""The admins' offers and publisher access requests (/api/v1/admin/offers/, /offer-access/):
the offer review page's moves (offers.services.offer_transition with the admin's role) and the
access decisions (offers.services_access.access_decide).

The admins' caps (offers/api_admin_caps.py) register with this module, the one
network.api_router finds. What publishers earn (goal payouts, overrides, tiers) is
commissions/api_admin.py.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from network import api_router
from network.api_base import ListAndRetrieve, TenantViewSet
from network.api_docs import (
    admin_roles,
    answers,
    example,
    id_filter,
    listed,
    shown,
    text_filter,
    written,
)
from network.api_forms import FormWrites, ReasonSerializer, judged
from offers import api_admin_caps
from offers import api_admin_serializers as s
from offers.api_moves import OFFER_MOVES, OfferMoves, move_action, move_names
from offers.forms_admin import AccessDecisionForm, InviteForm
from offers.models import Goal, Offer, OfferAccess
from offers.services import OfferError
from offers.services_access import access_decide, access_invite

# --- Offers --------------------------------------------------------------------------------


class OfferFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Offer.Status.choices)
    visibility = filters.ChoiceFilter(choices=Offer.Visibility.choices)
    advertiser = id_filter("advertiser_id")
    search = text_filter("name", 100, method="filter_search")

    def filter_search(self, queryset, name, value: str):
        """As the offers page's search box: offer or advertiser name, or the offer's id."""
        value = value.strip()
        match = Q(name__icontains=value) | Q(advertiser__name__icontains=value)
        if value.isdigit() and len(value) < 10:
            match |= Q(pk=int(value))
        return queryset.filter(match)


# A goal as the admins' API shows it (in an offer, and with its offer in commissions' goals).
GOAL_EXAMPLE = {
    "id": 31,
    "name": "Sale",
    "is_default": True,
    "currency": "USD",
    "revenue_type": "cpa",
    "revenue_amount": "10.00",
    "revenue_percent": None,
    "payout_set": True,
    "payout_type": "cpa",
    "payout_amount": "8.00",
    "payout_percent": None,
}
OFFER_EXAMPLE = {
    "id": 12,
    "name": "Summer Sale",
    "advertiser": 3,
    "advertiser_name": "Beach Shop",
    "category": "ecommerce",
    "status": "pending",
    "visibility": "approval",
    "currency": "USD",
    "preview_url": "https://shop.example/summer",
    "allowed_countries": ["US"],
    "device_types": [],
    "hold_days": 14,
    "attribution_window_days": 30,
    "attribution_model": "last_click",
    "expires_on": None,
    "moves": ["approve", "send_back", "archive"],
    "created_at": "2026-06-01T09:30:00Z",
    "updated_at": "2026-06-01T09:30:00Z",
    "description": "Shoes and bags for the beach.",
    "terms": "",
    "multiple_conversions": False,
    "deep_link_domains": ["shop.example"],
    "goals": [GOAL_EXAMPLE],
    "landing_pages": ["https://shop.example/?click={transaction_id}"],
    "pending_access": 2,
}
TAGS_OFFERS = ["admin: offers"]
MOVE_TEXT = {
    "approve": (
        "Approve an offer",
        "pending -> active: it goes live; the advertiser is "
        "emailed. Every goal needs its publisher payout set first.",
    ),
    "send_back": (
        "Send an offer back",
        "pending -> draft, with a reason (required, emailed to the advertiser: what to change).",
    ),
    "submit": ("Submit an offer for review", "draft -> pending."),
    "pause": ("Pause an offer", "active -> paused: its clicks go to the fallback."),
    "resume": ("Resume an offer", "paused -> active."),
    "archive": ("Archive an offer", "draft, pending, active or paused -> archived."),
}


def move_schema(name: str):
    summary, path = MOVE_TEXT[name]
    return written(
        summary,
        f"{path} As the offer review page's button; the audit log keeps who, when, from, to "
        "and the reason (`offer.status`). A move the offer does not allow now answers 400 "
        "(see `moves` on the offer).",
        s.AdminOfferDetailSerializer,
        TAGS_OFFERS,
        body=ReasonSerializer,
        sent=("A note to the advertiser", {"reason": "Add a landing page for VN."}),
        answer=("The offer after the move", OFFER_EXAMPLE),
    )


ACCESS_EXAMPLE = {
    "id": 55,
    "offer": 12,
    "offer_name": "Summer Sale",
    "publisher": 7,
    "publisher_name": "Deal Blog",
    "status": "approved",
    "publisher_note": "Coupon site, 40k readers.",
    "reason": "",
    "decided_by": "owner@example.com",
    "decided_at": "2026-06-03T08:00:00Z",
    "created_at": "2026-06-02T12:00:00Z",
}


class InviteSerializer(serializers.Serializer):
    publisher = serializers.IntegerField(min_value=1, help_text="An approved publisher's id.")


@extend_schema_view(
    list=listed(
        "List the network's offers",
        "Every offer of every advertiser. Filters: `status`, `visibility`, `advertiser` (id), "
        "`search` (offer or advertiser name, or the offer id). Order by updated_at, "
        "created_at, name or id.",
        s.AdminOfferSerializer,
        TAGS_OFFERS,
    ),
    retrieve=shown(
        "One offer, with its goals",
        s.AdminOfferDetailSerializer,
        ("An offer waiting for review", OFFER_EXAMPLE),
        TAGS_OFFERS,
    ),
)
class OfferViewSet(ListAndRetrieve, OfferMoves, TenantViewSet):
    roles = admin_roles("list", "retrieve", "invite", *OFFER_MOVES)
    reason_body = ReasonSerializer
    filterset_class = OfferFilter
    ordering_fields = ["updated_at", "created_at", "name", "id"]
    ordering = ["-updated_at", "-id"]

    def visible(self, membership):
        offers = Offer.objects.select_related("advertiser")
        if self.action != "list":
            goals = Goal.objects.select_related("offer").order_by("-is_default", "id")
            offers = offers.prefetch_related(Prefetch("goals", queryset=goals))
        return offers

    def visible_model(self):
        return Offer

    def get_serializer_class(self):
        if self.action == "list":
            return s.AdminOfferSerializer
        return s.AdminOfferDetailSerializer

    def check_move(self, offer: Offer, name: str) -> None:
        # Approve and resume both lead to active: the name must fit the offer's status too.
        if offer.status not in OFFER_MOVES[name][0]:
            raise OfferError(
                _("An offer that is %(status)s cannot make this move; its moves now: %(moves)s.")
                % {
                    "status": offer.get_status_display().lower(),
                    "moves": ", ".join(move_names(offer, self.membership.role)) or "-",
                }
            )

    @extend_schema(
        summary="Invite a publisher to the offer",
        description="Gives an approved publisher access at once, as the offer page's Invite "
        "(how private offers are shared): they are emailed, and the audit log keeps "
        "`offer_access.invited` (or the approval of their pending request). A publisher who "
        "is not approved, of another network, or already running the offer answers 400.",
        request=InviteSerializer,
        responses=answers(s.AdminOfferAccessSerializer, 201),
        examples=[
            example("Invite publisher 7", {"publisher": 7}, request=True),
            OpenApiExample(
                "Their access", value=ACCESS_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
        tags=TAGS_OFFERS,
    )
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        offer = self.get_object()
        form = InviteForm(request.data, offer=offer)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        publisher = form.cleaned_data["publisher"]
        access = access_invite(offer=offer, publisher=publisher, actor=request.user)
        data = s.AdminOfferAccessSerializer(access, context=self.get_serializer_context()).data
        return Response(data, status=201)

    approve = move_action("approve", move_schema)
    send_back = move_action("send_back", move_schema)
    submit = move_action("submit", move_schema)
    pause = move_action("pause", move_schema)
    resume = move_action("resume", move_schema)
    archive = move_action("archive", move_schema)


# --- Access requests -----------------------------------------------------------------------


class OfferAccessFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=OfferAccess.Status.choices)
    offer = id_filter("offer_id")
    publisher = id_filter("publisher_id")


TAGS_ACCESS = ["admin: offer access"]
ACCESS_TEXT = {
    OfferAccess.Status.APPROVED: ("approve", "Approve an access request", "they may run it"),
    OfferAccess.Status.REJECTED: ("reject", "Reject an access request", "not now; reason needed"),
    OfferAccess.Status.BLOCKED: (
        "block",
        "Block a publisher from an offer",
        "the offer is hidden from them; reason needed",
    ),
}


def access_schema(status: str):
    _name, summary, effect = ACCESS_TEXT[status]
    return written(
        summary,
        f"The publisher's access to the offer becomes {status} ({effect}), as on the access "
        "request page; they are emailed, and the audit log keeps it "
        "(`offer_access.decided`). A decision may be changed later.",
        s.AdminOfferAccessSerializer,
        TAGS_ACCESS,
        body=ReasonSerializer,
        sent=("Why", {"reason": "Brand bidding is not allowed."}),
        answer=("The access after the decision", ACCESS_EXAMPLE),
    )


@extend_schema_view(
    list=listed(
        "List publishers' access to offers",
        "Requests and decisions. Filters: `status` (pending: waiting for you), `offer`, "
        "`publisher` (ids). Order by created_at, decided_at or id.",
        s.AdminOfferAccessSerializer,
        TAGS_ACCESS,
    ),
    retrieve=shown(
        "One access request",
        s.AdminOfferAccessSerializer,
        ("An approved request", ACCESS_EXAMPLE),
        TAGS_ACCESS,
    ),
)
class OfferAccessViewSet(ListAndRetrieve, FormWrites, TenantViewSet):
    roles = admin_roles("list", "retrieve", "approve", "reject", "block")
    serializer_class = s.AdminOfferAccessSerializer
    filterset_class = OfferAccessFilter
    ordering_fields = ["created_at", "decided_at", "id"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return OfferAccess.objects.select_related("offer", "publisher", "decided_by")

    def decide(self, status: str) -> Response:
        access = self.get_object()
        reason = self.body_of(ReasonSerializer)["reason"]
        form = AccessDecisionForm({"decision": status, "reason": reason})
        access_decide(
            access=access, actor=self.request.user, status=status, reason=judged(form)["reason"]
        )
        return Response(self.row_data(access))

    @access_schema(OfferAccess.Status.APPROVED)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.decide(OfferAccess.Status.APPROVED)

    @access_schema(OfferAccess.Status.REJECTED)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self.decide(OfferAccess.Status.REJECTED)

    @access_schema(OfferAccess.Status.BLOCKED)
    @action(detail=True, methods=["post"])
    def block(self, request, pk=None):
        return self.decide(OfferAccess.Status.BLOCKED)


api_router.register("admin", "offers", OfferViewSet, basename="admin-offers")
api_router.register("admin", "offer-access", OfferAccessViewSet, basename="admin-offer-access")
api_router.register("admin", "caps", api_admin_caps.CapViewSet, basename="admin-caps")
