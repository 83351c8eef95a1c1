"""The publisher's conversions through the API (/api/v1/publisher/conversions/): what their
conversions page shows them, their payout, never the network's revenue."""

from __future__ import annotations

from network import api_router
from network.api_base import ListAndRetrieve
from network.api_docs import READ, roles_of
from publishers.api_base import PUBLISHER, PublisherViewSet
from tracking.api_serializers import EXAMPLE_HEAD, PublisherConversionSerializer, conversions_docs
from tracking.filters import PublisherConversionFilter
from tracking.models import Conversion

CONVERSION_EXAMPLE = {
    **EXAMPLE_HEAD,
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


@conversions_docs(
    PublisherConversionSerializer,
    ["publisher: conversions"],
    listed=(
        "List your conversions",
        "Filters: `status`, `offer`, `created_from` / `created_to` (days in the network's time "
        "zone, both included), `order_id`, `transaction_id`. Order by created_at, id, payout "
        "or sale_amount. `payout` is what you earn.",
    ),
    one="One of your conversions",
    named=("An approved sale", CONVERSION_EXAMPLE),
)
class ConversionViewSet(ListAndRetrieve, PublisherViewSet):
    roles = roles_of(PUBLISHER, *READ)
    serializer_class = PublisherConversionSerializer
    filterset_class = PublisherConversionFilter
    ordering_fields = ["created_at", "id", "payout", "sale_amount"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Conversion.objects.filter(publisher_id=membership.publisher_id).select_related(
            "offer", "goal", "click"
        )


api_router.register("publisher", "conversions", ConversionViewSet, basename="publisher-conversions")
