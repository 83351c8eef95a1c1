"""The admins' conversions (/api/v1/admin/conversions/): every conversion of the network, with
the admins' conversions page's filters. Only the reading: the bulk decisions (approve, reject,
reverse, override) move money, so decisions.api_admin adds them to this viewset and
registers the whole at "conversions"."""

from __future__ import annotations

from network.api_base import ListAndRetrieve, TenantViewSet
from network.api_docs import admin_roles
from tracking.api_serializers import ADMIN_EXAMPLE, AdminConversionSerializer, conversions_docs
from tracking.filters import DAY_PARAMETERS, AdminConversionFilter
from tracking.models import Conversion

TAGS = ["admin: conversions"]


# No docstring: the schema would take it as the description of each operation.
@conversions_docs(
    AdminConversionSerializer,
    TAGS,
    listed=(
        "List the network's conversions",
        "Filters: `status`, `offer`, `publisher`, `advertiser` (ids), `created_from` / "
        "`created_to` (days in the network's time zone, both included), `order_id`, "
        "`transaction_id`, `flagged` (yes/no: fraud flags). Order by created_at, id, "
        "sale_amount, revenue or payout.",
    ),
    one="One conversion",
    named=("A flagged pending sale", ADMIN_EXAMPLE),
    parameters=DAY_PARAMETERS,
)
class ConversionViewSet(ListAndRetrieve, TenantViewSet):
    roles = admin_roles("list", "retrieve")
    serializer_class = AdminConversionSerializer
    filterset_class = AdminConversionFilter
    ordering_fields = ["created_at", "id", "sale_amount", "revenue", "payout"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Conversion.objects.select_related("offer", "goal", "publisher", "click")
