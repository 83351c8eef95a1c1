"""The publisher's statements (payout lines) through the API (/api/v1/publisher/statements/):
what their statements page shows them."""

from __future__ import annotations

from django.db.models import F
from drf_spectacular.utils import extend_schema_view

from network import api_router
from network.api_base import ListAndRetrieve
from network.api_docs import READ, listed, roles_of, shown
from payouts.api_publisher_serializers import PayoutLineSerializer
from payouts.filters import StatementFilter
from payouts.models import PayoutLine
from publishers.api_base import PUBLISHER, PublisherViewSet

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
TAGS = ["publisher: statements"]


@extend_schema_view(
    list=listed(
        "List your payouts",
        "One line per monthly payout run and currency, as on your statements: carried (below "
        "your minimum: it stays in your balance), payable (to be paid) or paid. Filter by "
        "status, currency, period_from / period_to (the month's first day); order by period "
        "or id.",
        PayoutLineSerializer,
        TAGS,
    ),
    retrieve=shown(
        "One of your payouts", PayoutLineSerializer, ("A paid month", LINE_EXAMPLE), TAGS
    ),
)
class StatementViewSet(ListAndRetrieve, PublisherViewSet):
    roles = roles_of(PUBLISHER, *READ)
    serializer_class = PayoutLineSerializer
    filterset_class = StatementFilter
    ordering_fields = ["period", "id"]
    ordering = ["-period", "-id"]

    def visible(self, membership):
        lines = PayoutLine.objects.filter(publisher_id=membership.publisher_id)
        # The cursor reads the ordering's first field off each row: the run's period, here.
        return lines.select_related("run").annotate(period=F("run__period"))


api_router.register("publisher", "statements", StatementViewSet, basename="publisher-statements")
