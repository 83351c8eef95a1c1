"""What publishers earn, for the admins (/api/v1/admin/goals/, /payout-overrides/, and the
tiers of commissions/api_admin_tiers.py, /payout-tiers/): registered here, the module
network.api_router finds.

Each write is the portal page's: the offer page's payout form (commissions.views_admin
admin_goal_payout), its override pages. The same forms judge the body, the same services
make the change and write the audit entries.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from drf_spectacular.utils import extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from commissions import api_admin_serializers as s
from commissions import api_admin_tiers
from commissions.forms import GoalPayoutForm, OverrideForm, payout_terms
from commissions.models import PayoutOverride
from commissions.services import goal_set_payout, payout_override_delete, payout_override_set
from network import api_router
from network.api_base import ListAndRetrieve, TenantViewSet
from network.api_docs import EDIT, READ, admin_roles, id_filter, listed, removed, shown, written
from network.api_forms import FormCreate, FormUpdate, FormWrites, ServiceDestroy, judged
from offers.api_admin import GOAL_EXAMPLE as OFFER_GOAL_EXAMPLE
from offers.models import Goal

# --- Goal payouts -------------------------------------------------------------------------


class GoalFilter(filters.FilterSet):
    offer = id_filter("offer_id")
    payout_set = filters.BooleanFilter(field_name="payout_set")


GOAL_EXAMPLE = {
    "offer": 12,
    "offer_name": "Summer Sale",
    **OFFER_GOAL_EXAMPLE,
    "loses_money": False,
}
TAGS_GOALS = ["admin: goal payouts"]


@extend_schema_view(
    list=listed(
        "List the goals of every offer",
        "Each goal with what the advertiser pays (revenue) and what publishers earn (payout; "
        "null until set: an offer is approved only once each goal has one). Filters: `offer` "
        "(id), `payout_set`. Order by id or name.",
        s.GoalPayoutSerializer,
        TAGS_GOALS,
    ),
    retrieve=shown(
        "One goal, with its revenue and payout",
        s.GoalPayoutSerializer,
        ("A goal paying 8 of 10 USD", GOAL_EXAMPLE),
        TAGS_GOALS,
    ),
)
class GoalViewSet(ListAndRetrieve, FormWrites, TenantViewSet):
    """The offer page's goal payouts. Goals themselves are the advertiser's (their offer
    form); admins set what publishers earn on them."""

    roles = admin_roles("list", "retrieve", "set_payout")
    serializer_class = s.GoalPayoutSerializer
    filterset_class = GoalFilter
    ordering_fields = ["id", "name"]
    ordering = ["-id"]

    def visible(self, membership):
        return Goal.objects.select_related("offer")

    @written(
        "Set the publishers' payout of a goal",
        "What every publisher earns on this goal unless a tier or their own override says "
        "otherwise, as the offer page's payout form: `payout_type` (cpa, cps or cpa_cps), a "
        "flat `payout_amount` in the offer's currency and/or a `payout_percent` of the sale, "
        "each needed (above zero) exactly when the type uses it. Written to the audit log "
        "(`goal.payout`). `loses_money` in the answer is the page's warning: the payout is "
        "above the revenue.",
        s.GoalPayoutSerializer,
        TAGS_GOALS,
        body=s.PayoutTermsSerializer,
        sent=("8 USD per sale", {"payout_type": "cpa", "payout_amount": "8.00"}),
        answer=("The goal after the change", GOAL_EXAMPLE),
    )
    @action(detail=True, methods=["post"])
    def set_payout(self, request, pk=None):
        goal = self.get_object()  # another network's id: 404 before anything else
        terms = self.body_of(s.PayoutTermsSerializer)
        form = GoalPayoutForm(s.terms_data(terms), currency=goal.offer.currency)
        goal_set_payout(goal=goal, actor=request.user, **payout_terms(judged(form)))
        return Response(self.row_data(goal))


# --- Payout overrides -----------------------------------------------------------------------


class OverrideFilter(filters.FilterSet):
    offer = id_filter("goal__offer_id")
    goal = id_filter("goal_id")
    publisher = id_filter("publisher_id")


OVERRIDE_EXAMPLE = {
    "id": 4,
    "offer": 12,
    "goal": 31,
    "goal_name": "Sale",
    "publisher": 7,
    "publisher_name": "Deal Blog",
    "currency": "USD",
    "payout_type": "cpa",
    "payout_amount": "9.50",
    "payout_percent": None,
}
NEW_OVERRIDE = {"goal": 31, "publisher": 7, "payout_type": "cpa", "payout_amount": "9.50"}
TAGS_OVERRIDES = ["admin: payout overrides"]
OVERRIDE_TERMS = (
    "Terms as the offer's override form: `payout_type` (cpa, cps or cpa_cps), a flat "
    "`payout_amount` in the offer's currency and/or a `payout_percent`, each needed (above "
    "zero) exactly when the type uses it."
)


@extend_schema_view(
    list=listed(
        "List the per-publisher payout overrides",
        "One publisher's own payout on one goal; it wins over tiers and the goal's payout. "
        "Filters: `offer`, `goal`, `publisher` (ids). Order by id.",
        s.OverrideSerializer,
        TAGS_OVERRIDES,
    ),
    retrieve=shown(
        "One payout override",
        s.OverrideSerializer,
        ("9.50 USD for one publisher", OVERRIDE_EXAMPLE),
        TAGS_OVERRIDES,
    ),
    create=written(
        "Give a publisher their own payout on a goal",
        "For an approved publisher on any goal; it replaces the override they had there. "
        f"{OVERRIDE_TERMS} Written to the audit log (`payout_override.set`).",
        s.OverrideSerializer,
        TAGS_OVERRIDES,
        body=s.OverrideWriteSerializer,
        sent=("9.50 USD per sale", NEW_OVERRIDE),
        answer=("The override", OVERRIDE_EXAMPLE),
        code=201,
    ),
    update=written(
        "Change an override's payout",
        f"Its goal and publisher stay. {OVERRIDE_TERMS} Written to the audit log "
        "(`payout_override.set`, from the old terms to the new).",
        s.OverrideSerializer,
        TAGS_OVERRIDES,
        body=s.PayoutTermsSerializer,
        sent=("10 USD", {"payout_type": "cpa", "payout_amount": "10.00"}),
        answer=("The override", OVERRIDE_EXAMPLE),
    ),
    partial_update=written(
        "Change part of an override's payout",
        "The fields not sent keep their value; the result is checked as a whole (see the "
        "full update). Audited (`payout_override.set`).",
        s.OverrideSerializer,
        TAGS_OVERRIDES,
        body=s.PayoutTermsSerializer(partial=True),
        sent=("10 USD", {"payout_amount": "10.00"}),
        answer=("The override", OVERRIDE_EXAMPLE),
    ),
    destroy=removed(
        "Remove an override",
        "The publisher earns the usual payout again (their tier's, else the goal's). Written "
        "to the audit log (`payout_override.deleted`).",
        TAGS_OVERRIDES,
    ),
)
class PayoutOverrideViewSet(
    ListAndRetrieve,
    FormCreate,
    FormUpdate,
    ServiceDestroy,
    TenantViewSet,
):
    roles = admin_roles(*READ, *EDIT, "destroy")
    serializer_class = s.OverrideSerializer
    create_body = s.OverrideWriteSerializer
    update_body = s.PayoutTermsSerializer
    filterset_class = OverrideFilter
    ordering_fields = ["id"]
    ordering = ["-id"]

    def visible(self, membership):
        return PayoutOverride.objects.select_related("goal__offer", "publisher")

    def create_row(self, data: dict) -> PayoutOverride:
        return self.save(data["goal"], data["publisher"], data)

    def current(self, row: PayoutOverride) -> dict:
        return {
            "payout_type": row.payout_type,
            "payout_amount": row.payout_amount,
            "payout_percent": row.payout_percent,
        }

    def update_row(self, row: PayoutOverride, data: dict) -> None:
        self.save(row.goal, row.publisher, data)

    def save(self, goal: Goal, publisher, terms: dict) -> PayoutOverride:
        form = OverrideForm(
            {"goal": goal.pk, "publisher": publisher.pk, **s.terms_data(terms)}, offer=goal.offer
        )
        data = judged(form)
        return payout_override_set(
            goal=data["goal"],
            publisher=data["publisher"],
            actor=self.request.user,
            **payout_terms(data),
        )

    def delete_row(self, row: PayoutOverride) -> None:
        payout_override_delete(override=row, actor=self.request.user)


api_router.register("admin", "goals", GoalViewSet, basename="admin-goals")
api_router.register(
    "admin", "payout-overrides", PayoutOverrideViewSet, basename="admin-payout-overrides"
)
api_router.register(
    "admin", "payout-tiers", api_admin_tiers.PayoutTierViewSet, basename="admin-payout-tiers"
)
