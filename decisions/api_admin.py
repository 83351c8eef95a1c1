"""The admins' bulk decisions on conversions (/api/v1/admin/conversions/): approve, reject,
reverse and override, added to tracking's read-only conversions viewset (list, retrieve) and
registered here, the whole, at "conversions". Each change goes through
decisions.bulk.decide_selected -> decisions.services.conversion_decide, which posts to the
ledger and writes the audit entries, as the admins' conversions page does."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from decisions.api_serializers import (
    AdminApprovalSerializer,
    AdminOverrideSerializer,
    AdminRefusalSerializer,
    DecisionResultSerializer,
    decide,
)
from network import api_router
from network.api_docs import admin_roles, answers, example
from tracking import api_admin
from tracking.models import Conversion

RESULT_EXAMPLE = {
    "changed": 1,
    "errors": ["#902: The conversion is approved already."],
    "not_found": [7],
    "conversions": [{"id": 901, "status": "approved"}, {"id": 902, "status": "approved"}],
}

DECISIONS = {
    "approve": ("Approve conversions", "pending -> approved", "conversion.approved"),
    "reject": ("Reject conversions", "pending -> rejected, with a reason", "conversion.rejected"),
    "reverse": (
        "Reverse conversions",
        "approved -> reversed, with a reason",
        "conversion.reversed",
    ),
    "override": (
        "Override conversions' status",
        "any status to any other (a rejected sale approved after all, an approved one back "
        "to pending...), with a reason",
        "conversion.override",
    ),
}


def decision_schema(name: str, request, body: dict):
    summary, move, entry = DECISIONS[name]
    return extend_schema(
        summary=summary,
        description=f"The bulk form of the admins' conversions page: {move}. Each change "
        "posts to the ledger when money moves into or out of approved and writes its audit "
        f"entry (`{entry}`), as the page does. Ids of no conversion of this network are left "
        "alone (`not_found`); conversions that cannot make the move are named in `errors`.",
        request=request,
        responses=answers(DecisionResultSerializer),
        examples=[
            example("The ids", body, request=True),
            example("One changed, one refused, one unknown", RESULT_EXAMPLE),
        ],
        tags=api_admin.TAGS,
    )


# No docstring: the schema would take it as the description of each operation.
class ConversionViewSet(api_admin.ConversionViewSet):
    roles = admin_roles("list", "retrieve", "approve", "reject", "reverse", "override")

    def apply(self, serializer_class, to_status: str = ""):
        decision = serializer_class(data=self.request.data, context={"to_status": to_status})
        decision.is_valid(raise_exception=True)
        return decide(self, decision.form)

    @decision_schema("approve", AdminApprovalSerializer, {"ids": [901, 902]})
    @action(detail=False, methods=["post"])
    def approve(self, request):
        return self.apply(AdminApprovalSerializer, Conversion.Status.APPROVED)

    @decision_schema("reject", AdminRefusalSerializer, {"ids": [903], "reason": "Cancelled"})
    @action(detail=False, methods=["post"])
    def reject(self, request):
        return self.apply(AdminRefusalSerializer, Conversion.Status.REJECTED)

    @decision_schema("reverse", AdminRefusalSerializer, {"ids": [904], "reason": "Refunded"})
    @action(detail=False, methods=["post"])
    def reverse(self, request):
        return self.apply(AdminRefusalSerializer, Conversion.Status.REVERSED)

    @decision_schema(
        "override",
        AdminOverrideSerializer,
        {"ids": [903], "status": "approved", "reason": "Customer confirmed"},
    )
    @action(detail=False, methods=["post"])
    def override(self, request):
        return self.apply(AdminOverrideSerializer)


api_router.register("admin", "conversions", ConversionViewSet, basename="admin-conversions")
