"""The admins' conversions (/api/v1/admin/conversions/): every conversion of the network, with
the admins' conversions page's filters and its bulk decisions: approve, reject, reverse and
override (tracking.validation.decide_selected -> payouts.decisions.conversion_decide, which
posts to the ledger and writes the audit entries). Registered on network.api_admin.router."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from advertisers.api_serializers import Amount, DecisionResultSerializer, form_errors
from network.api_base import TenantViewSet
from network.api_docs import admin_roles, answers, example, id_filter, text_filter
from offers.models import Offer
from payouts.decisions import Actor
from tracking import validation
from tracking.filters import ConversionFilter
from tracking.models import ADV_SUB_FIELDS, Conversion


class AdminConversionSerializer(serializers.ModelSerializer):
    """A conversion as the admins' conversions page shows it: revenue and payout."""

    transaction_id = serializers.CharField(source="click_id", read_only=True)
    offer_name = serializers.CharField(source="offer.name", read_only=True)
    goal_name = serializers.CharField(source="goal.name", read_only=True)
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    aff_sub = serializers.CharField(source="click.aff_sub", read_only=True)
    sale_amount = Amount()
    revenue = Amount(help_text=_("What the advertiser pays for this conversion."))
    payout = Amount(help_text=_("What the publisher earns for this conversion."))
    fraud_flags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Conversion
        fields = [
            "id",
            "transaction_id",
            "offer",
            "offer_name",
            "goal",
            "goal_name",
            "publisher",
            "publisher_name",
            "status",
            "reason_code",
            "sale_amount",
            "revenue",
            "payout",
            "currency",
            "order_id",
            *ADV_SUB_FIELDS,
            "aff_sub",
            "method",
            "ip",
            "fraud_flags",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class AdminApprovalSerializer(serializers.Serializer):
    """The bulk form of the admins' conversions page: the ticked ids and why. The move is
    the action's (approve, reject, reverse, override); the form judges it."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=validation.MAX_ID),
        min_length=1,
        max_length=validation.MAX_SELECTED,
        help_text=_("Conversion ids (at most 500); ids of no conversion here are left alone."),
    )
    reason = serializers.CharField(
        max_length=validation.MAX_REASON, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs: dict) -> dict:
        to_status = attrs.get("status") or self.context["to_status"]
        override = "status" in attrs
        form = validation.BulkDecisionForm(
            {
                "selected": attrs["ids"],
                "action": validation.OVERRIDE if override else to_status,
                "to_status": to_status if override else "",
                "reason": attrs["reason"],
            },
            admin=True,
        )
        if not form.is_valid():
            renamed = {"selected": "ids", "action": "status", "to_status": "status"}
            errors: dict[str, list[str]] = {}
            for name, messages in form_errors(form).items():
                errors.setdefault(renamed.get(name, name), []).extend(messages)
            raise serializers.ValidationError(errors)
        self.form = form
        return attrs


def required_reason() -> serializers.CharField:
    return serializers.CharField(
        max_length=validation.MAX_REASON,
        validators=[RegexValidator(r"\S")],
        help_text=_("Required to reject, reverse or override; the publisher may see it."),
    )


class AdminRefusalSerializer(AdminApprovalSerializer):
    """Reject or reverse: with a reason."""

    reason = required_reason()


class AdminOverrideSerializer(AdminApprovalSerializer):
    """An override: any status to any other, with a reason."""

    status = serializers.ChoiceField(choices=Conversion.Status.choices)
    reason = required_reason()


# The days the filters accept (tracking.filters.DAY_RANGE), for the schema.
DAY_PATTERN = r"^(19\d\d|[2-8]\d{3}|9[0-8]\d\d|99[0-8]\d|999[0-8])-\d\d-\d\d$"
TAGS = ["admin: conversions"]


class AdminConversionFilter(ConversionFilter):
    """The admins' conversions page's filters (days in the network's time zone), plus the
    publisher and the advertiser."""

    offer = id_filter("offer_id")
    publisher = id_filter("publisher_id")
    advertiser = id_filter("offer__advertiser_id")
    order_id = text_filter("order_id", 255)
    transaction_id = text_filter("click_id", 32)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(
            data,
            queryset=queryset,
            offers=Offer.objects.all(),
            timezone=request._request.network.timezone,
            role="admin",
        )


CONVERSION_EXAMPLE = {
    "id": 901,
    "transaction_id": "0190f3c2a4b87c1e9d2f4a6b8c0d1e2f",
    "offer": 12,
    "offer_name": "Summer Sale",
    "goal": 31,
    "goal_name": "Sale",
    "publisher": 7,
    "publisher_name": "Deal Blog",
    "status": "pending",
    "reason_code": "",
    "sale_amount": "120.00",
    "revenue": "10.00",
    "payout": "8.00",
    "currency": "USD",
    "order_id": "A-1001",
    "adv_sub": "",
    "adv_sub2": "",
    "adv_sub3": "",
    "adv_sub4": "",
    "adv_sub5": "",
    "aff_sub": "spring",
    "method": "postback",
    "ip": "203.0.113.9",
    "fraud_flags": ["ip_velocity"],
    "created_at": "2026-06-02T10:00:00Z",
    "decided_at": None,
}
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
        tags=TAGS,
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the network's conversions",
        description="Filters: `status`, `offer`, `publisher`, `advertiser` (ids), "
        "`created_from` / `created_to` (days in the network's time zone, both included), "
        "`order_id`, `transaction_id`, `flagged` (yes/no: fraud flags). Order by created_at, "
        "id, sale_amount, revenue or payout.",
        parameters=[
            OpenApiParameter(
                name,
                OpenApiTypes.DATE,
                description=f"{label} this day (in the network's time zone), 1900 to 9998.",
                pattern=DAY_PATTERN,
            )
            for name, label in (("created_from", "From"), ("created_to", "Up to and with"))
        ],
        responses=answers(AdminConversionSerializer(many=True)),
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary="One conversion",
        responses=answers(AdminConversionSerializer),
        examples=[example("A flagged pending sale", CONVERSION_EXAMPLE)],
        tags=TAGS,
    ),
)
class ConversionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    roles = admin_roles("list", "retrieve", "approve", "reject", "reverse", "override")
    serializer_class = AdminConversionSerializer
    filterset_class = AdminConversionFilter
    ordering_fields = ["created_at", "id", "sale_amount", "revenue", "payout"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Conversion.objects.select_related("offer", "goal", "publisher", "click")

    def apply(self, serializer_class, to_status: str = "") -> Response:
        decision = serializer_class(data=self.request.data, context={"to_status": to_status})
        decision.is_valid(raise_exception=True)
        form, request = decision.form, self.request
        ids = form.cleaned_data["selected"]
        decidable = self.get_queryset()
        result = validation.decide_selected(
            network=request._request.network,
            decidable=decidable,
            ids=ids,
            to_status=form.target_status,
            actor=Actor(user=request.user),
            reason=form.cleaned_data["reason"],
            override=form.override,
        )
        now_ = list(decidable.filter(pk__in=ids).order_by("pk").values("id", "status"))
        body = {
            "changed": result.changed,
            "errors": result.errors,
            "not_found": sorted(set(ids) - {row["id"] for row in now_}),
            "conversions": now_,
        }
        return Response(DecisionResultSerializer(body).data)

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
