"""The advertiser's conversions (/api/v1/advertiser/conversions/): those of the company's
offers, with the conversions page's filters. Only the reading: the bulk decisions and the
order validation by CSV move money, so decisions.api_advertiser adds them to this viewset and
registers the whole at "conversions"."""

from __future__ import annotations

from network.api_base import ListAndRetrieve, TenantViewSet
from network.api_docs import READ, roles_of
from network.models import Role
from tracking.api_serializers import (
    ADVERTISER_EXAMPLE,
    AdvertiserConversionSerializer,
    conversions_docs,
)
from tracking.filters import DAY_PARAMETERS, AdvertiserConversionFilter
from tracking.models import Conversion

ADVERTISER = (Role.ADVERTISER,)
TAGS = ["advertiser: conversions"]


# No docstring: the schema would take it as the description of each operation.
@conversions_docs(
    AdvertiserConversionSerializer,
    TAGS,
    listed=(
        "List the conversions of your offers",
        "Filters: `status`, `offer`, `created_from` / `created_to` (days in the network's time "
        "zone, both included), `order_id`, `transaction_id`, `flagged` (yes/no). Order by "
        "created_at, id, sale_amount or revenue.",
    ),
    one="One conversion of your offers",
    named=("A pending sale", ADVERTISER_EXAMPLE),
    parameters=DAY_PARAMETERS,
)
class ConversionViewSet(ListAndRetrieve, TenantViewSet):
    roles = roles_of(ADVERTISER, *READ)
    filterset_class = AdvertiserConversionFilter
    ordering_fields = ["created_at", "id", "sale_amount", "revenue"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Conversion.objects.filter(
            offer__advertiser_id=membership.advertiser_id
        ).select_related("offer", "goal", "publisher", "click")

    def visible_model(self):
        return Conversion

    def get_serializer_class(self):
        return AdvertiserConversionSerializer
