"""The admins' payout tiers (/api/v1/admin/payout-tiers/); registered by commissions/api_admin.py.

Each write is the tier pages' (commissions.views_tiers): the same forms judge the body (TierForm,
TierMemberForm, TierPayoutForm), the same services make the change and write the audit
entries (`tier.created`, `tier.member_added`, `tier.member_removed`, `tier_payout.set`,
`tier_payout.deleted`).
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from commissions import api_admin_serializers as s
from commissions.forms import TierForm, TierMemberForm, TierPayoutForm, payout_terms
from commissions.models import PayoutTier, TierMembership, TierPayout
from commissions.services import (
    tier_create,
    tier_member_add,
    tier_member_remove,
    tier_payout_delete,
    tier_payout_set,
)
from network.api_base import ListAndRetrieve, TenantViewSet
from network.api_docs import admin_roles, id_filter, listed, shown, written
from network.api_forms import FormCreate, judged
from offers.services import OfferError


class TierFilter(filters.FilterSet):
    publisher = id_filter("memberships__publisher_id")


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
    return written(
        summary,
        description,
        s.TierSerializer,
        TAGS,
        body=request,
        sent=("The body", body),
        answer=("The tier after the change", TIER_EXAMPLE),
    )


@extend_schema_view(
    list=listed(
        "List the payout tiers",
        "Named groups of publishers (e.g. Gold) with their own payouts per goal: a tier's "
        "payout wins over the goal's, a publisher's override wins over the tier's. A "
        "publisher is in one tier at most. Filter: `publisher` (id, the tier they are in). "
        "Order by name or id.",
        s.TierSerializer,
        TAGS,
    ),
    retrieve=shown(
        "One payout tier, with its publishers and payouts",
        s.TierSerializer,
        ("A tier paying 9 USD on a sale", TIER_EXAMPLE),
        TAGS,
    ),
    create=written(
        "Create a payout tier",
        "An empty tier with a `name` (unique in the network, whatever the case), as the "
        "tiers page's form; add publishers and payouts next. Written to the audit log "
        "(`tier.created`).",
        s.TierSerializer,
        TAGS,
        body=s.TierWriteSerializer,
        sent=("Gold", {"name": "Gold"}),
        answer=("The new tier", {"id": 2, "name": "Gold", "members": [], "payouts": []}),
        code=201,
    ),
)
class PayoutTierViewSet(ListAndRetrieve, FormCreate, TenantViewSet):
    """The tier pages. The portal neither renames nor deletes a tier; neither does this."""

    roles = admin_roles(
        "list", "retrieve", "create", "add_member", "remove_member", "set_payout", "remove_payout"
    )
    serializer_class = s.TierSerializer
    create_body = s.TierWriteSerializer
    filterset_class = TierFilter
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def visible(self, membership):
        return PayoutTier.objects.prefetch_related("memberships__publisher", "payouts__goal__offer")

    def create_row(self, data: dict) -> PayoutTier:
        name = judged(TierForm(data))["name"]
        try:
            return tier_create(
                network=self.request._request.network, name=name, actor=self.request.user
            )
        except OfferError as exc:  # a twin created meanwhile: the page's words, on the name
            raise serializers.ValidationError({"name": [str(exc)]}) from None

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
        sent = self.body_of(s.TierMemberWriteSerializer)
        data = judged(TierMemberForm({"publisher": sent["publisher"].pk}))
        try:
            tier_member_add(tier=tier, publisher=data["publisher"], actor=request.user)
        except OfferError as exc:
            raise serializers.ValidationError({"publisher": [str(exc)]}) from None
        return Response(self.row_data(tier))

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
        sent = self.body_of(s.TierMemberWriteSerializer)
        membership = get_object_or_404(
            TierMembership.objects.select_related("publisher", "tier"),
            tier=tier,
            publisher=sent["publisher"],
        )
        tier_member_remove(membership=membership, actor=request.user)
        return Response(self.row_data(tier))

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
        terms = self.body_of(s.TierPayoutWriteSerializer)
        data = judged(TierPayoutForm({"goal": terms["goal"].pk, **s.terms_data(terms)}))
        tier_payout_set(tier=tier, goal=data["goal"], actor=request.user, **payout_terms(data))
        return Response(self.row_data(tier))

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
        sent = self.body_of(s.TierGoalSerializer)
        tier_payout = get_object_or_404(
            TierPayout.objects.select_related("goal__offer", "tier"),
            tier=tier,
            goal=sent["goal"],
        )
        tier_payout_delete(tier_payout=tier_payout, actor=request.user)
        return Response(self.row_data(tier))
