"""The publisher's conversions and statements (payout lines) through the API
(/api/v1/publisher/): what their pages show them, their payout, never the network's revenue."""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.db.models import F
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from network.api_docs import answers, example
from network.api_policy import membership_of
from payouts.models import PayoutLine
from publishers import api_serializers as s
from publishers.api_base import PUBLISHER, PublisherViewSet
from tracking.filters import ConversionFilter, offers_for
from tracking.models import Conversion


class PublisherConversionFilter(ConversionFilter):
    """The conversions page's filters: status, offer, days in the network's time zone,
    order id, transaction id (no fraud flags for publishers)."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(
            data,
            queryset=queryset,
            offers=offers_for("publisher", membership_of(request)),
            timezone=request._request.network.timezone,
            role="publisher",
        )


CONVERSION_EXAMPLE = {
    "id": 901,
    "transaction_id": "0190f3c2a4b87c1e9d2f4a6b8c0d1e2f",
    "offer": 12,
    "offer_name": "Summer Sale",
    "goal": 31,
    "goal_name": "Sale",
    "status": "approved",
    "reason_code": "",
    "sale_amount": "120.00",
    "payout": "8.00",
    "currency": "USD",
    "order_id": "A-1001",
    "aff_sub": "june-news",
    "aff_sub2": "",
    "aff_sub3": "",
    "aff_sub4": "",
    "aff_sub5": "",
    "source": "newsletter",
    "method": "postback",
    "created_at": "2026-06-02T10:00:00Z",
    "decided_at": "2026-06-16T02:00:00Z",
}


@extend_schema_view(
    list=extend_schema(
        summary="List your conversions",
        description="Filters: `status`, `offer`, `created_from` / `created_to` (days in the "
        "network's time zone, both included), `order_id`, `transaction_id`. Order by "
        "created_at, id, payout or sale_amount. `payout` is what you earn.",
        responses=answers(s.PublisherConversionSerializer(many=True)),
        tags=["publisher: conversions"],
    ),
    retrieve=extend_schema(
        summary="One of your conversions",
        responses=answers(s.PublisherConversionSerializer),
        examples=[example("An approved sale", CONVERSION_EXAMPLE)],
        tags=["publisher: conversions"],
    ),
)
class ConversionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublisherViewSet):
    roles = {"list": PUBLISHER, "retrieve": PUBLISHER}
    serializer_class = s.PublisherConversionSerializer
    filterset_class = PublisherConversionFilter
    ordering_fields = ["created_at", "id", "payout", "sale_amount"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Conversion.objects.filter(publisher_id=membership.publisher_id).select_related(
            "offer", "goal", "click"
        )


class StatementFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PayoutLine.Status.choices)
    currency = filters.CharFilter(max_length=3)
    period_from = filters.DateFilter(field_name="run__period", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="run__period", lookup_expr="lte")

    class Meta:
        model = PayoutLine
        fields: list[str] = []


LINE_EXAMPLE = {
    "id": 77,
    "period": "2026-05-01",
    "currency": "USD",
    "amount": "123.45",
    "conversions": 18,
    "status": "paid",
    "from_time": "2026-04-30T17:00:00Z",
    "to_time": "2026-05-31T17:00:00Z",
    "paid_at": "2026-06-05T08:00:00Z",
    "payment_reference": "PP-88231",
}


@extend_schema_view(
    list=extend_schema(
        summary="List your payouts",
        description="One line per monthly payout run and currency, as on your statements: "
        "carried (below your minimum: it stays in your balance), payable (to be paid) or "
        "paid. Filter by status, currency, period_from / period_to (the month's first day); "
        "order by period or id.",
        responses=answers(s.PayoutLineSerializer(many=True)),
        tags=["publisher: statements"],
    ),
    retrieve=extend_schema(
        summary="One of your payouts",
        responses=answers(s.PayoutLineSerializer),
        examples=[example("A paid month", LINE_EXAMPLE)],
        tags=["publisher: statements"],
    ),
)
class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublisherViewSet):
    roles = {"list": PUBLISHER, "retrieve": PUBLISHER}
    serializer_class = s.PayoutLineSerializer
    filterset_class = StatementFilter
    ordering_fields = ["period", "id"]
    ordering = ["-period", "-id"]

    def visible(self, membership):
        lines = PayoutLine.objects.filter(publisher_id=membership.publisher_id)
        # The cursor reads the ordering's first field off each row: the run's period, here.
        return lines.select_related("run").annotate(period=F("run__period"))
