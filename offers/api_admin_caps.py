"""The admins' caps (/api/v1/admin/caps/), registered by offers/api_admin.py: the offer page's
cap form and removal (offers.views_admin admin_cap_new, admin_cap_delete). The same form judges
the body, the same services make the change and write the audit entries.
"""

from __future__ import annotations

import django_filters.rest_framework as filters
from drf_spectacular.utils import extend_schema_view

from network.api_base import ListAndRetrieve, TenantViewSet
from network.api_docs import admin_roles, id_filter, listed, removed, shown, written
from network.api_forms import FormCreate, ServiceDestroy, judged
from offers import api_admin_serializers as s
from offers.forms import CapForm
from offers.models import Cap
from offers.services_rules import cap_create, cap_delete


def id_of(obj) -> int | None:
    return obj.pk if obj is not None else None


class CapFilter(filters.FilterSet):
    offer = id_filter("offer_id")
    publisher = id_filter("publisher_id")
    metric = filters.ChoiceFilter(choices=Cap.Metric.choices)


CAP_EXAMPLE = {
    "id": 9,
    "offer": 12,
    "publisher": None,
    "publisher_name": None,
    "period": "daily",
    "metric": "conversions",
    "limit": "100",
    "currency": "USD",
    "action": "stop",
}
NEW_CAP = {
    "offer": 12,
    "publisher": None,
    "period": "daily",
    "metric": "conversions",
    "limit": "100",
    "action": "stop",
}
TAGS_CAPS = ["admin: caps"]


@extend_schema_view(
    list=listed(
        "List the caps",
        "Limits on an offer's conversions, payout budget or clicks per period (days in the "
        "network's time zone), for the whole offer (publisher null) or one publisher. "
        "Filters: `offer`, `publisher` (ids), `metric`. Order by id.",
        s.CapSerializer,
        TAGS_CAPS,
    ),
    retrieve=shown("One cap", s.CapSerializer, ("100 conversions a day", CAP_EXAMPLE), TAGS_CAPS),
    create=written(
        "Add a cap to an offer",
        "As the offer's cap form: a positive `limit`, a whole number for conversions and "
        "clicks, an amount in the offer's currency for a payout budget; `publisher` (an "
        "approved one) or null for the whole offer; `action` when reached: `stop` accepting "
        "conversions or send clicks to the `fallback`. Written to the audit log "
        "(`cap.created`). A cap is not edited: remove it and add another.",
        s.CapSerializer,
        TAGS_CAPS,
        body=s.CapWriteSerializer,
        sent=("100 conversions a day", NEW_CAP),
        answer=("The cap", CAP_EXAMPLE),
        code=201,
    ),
    destroy=removed(
        "Remove a cap",
        "The offer (or publisher) is no longer limited by it. Written to the audit log "
        "(`cap.deleted`).",
        TAGS_CAPS,
    ),
)
class CapViewSet(ListAndRetrieve, FormCreate, ServiceDestroy, TenantViewSet):
    """The offer page's caps: added and removed (the page edits none; neither does this)."""

    roles = admin_roles("list", "retrieve", "create", "destroy")
    serializer_class = s.CapSerializer
    create_body = s.CapWriteSerializer
    filterset_class = CapFilter
    ordering_fields = ["id"]
    ordering = ["-id"]

    def visible(self, membership):
        return Cap.objects.select_related("offer", "publisher")

    def create_row(self, data: dict) -> Cap:
        offer = data["offer"]
        form = CapForm(
            {**data, "offer": None, "publisher": id_of(data["publisher"])},
            offer=offer,
            allow_publisher=True,
        )
        judged(form)
        cap = form.save(commit=False)
        cap.offer = offer
        return cap_create(cap=cap, actor=self.request.user, role=self.membership.role)

    def delete_row(self, row: Cap) -> None:
        cap_delete(cap=row, actor=self.request.user, role=self.membership.role)
