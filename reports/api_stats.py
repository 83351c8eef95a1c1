"""GET .../stats/: the report page's numbers as JSON, for every role.

The same filter (reports.filters.ReportFilter: grouping, date range, offer, publisher,
country, device, each role's choices) judges the query, the same service (reports.query)
reads the rows, and each role gets the columns of its report page (reports.tables
.ROLE_COLUMNS): a publisher their own traffic and earnings, an advertiser their offers'
traffic and cost, owners and managers everything. The role and its rows come from the caller's
membership, exactly as on the report pages (reports/views.py).

Each role's router mounts it as "stats", open to that role only: reports/api_publisher.py,
reports/api_advertiser.py and reports/api_admin.py.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from network.api_base import EVERYONE, ErrorSerializer, TenantViewSet
from network.models import ADMIN_ROLES, Membership, Role
from reports.filters import DEVICE_CHOICES, GROUP_LABELS, PRESETS, ReportFilter
from reports.kpis import Totals
from reports.models import HourlyStat
from reports.query import NAMED_GROUPS, reads_clicks, report_rows, report_totals, with_names
from reports.tables import ROLE_COLUMNS, totals_of
from tracking.filters import offers_for

COUNT_KPIS = ("clicks", "unique_clicks", "impressions", "conversions")
ALL_KPIS = tuple(dict.fromkeys(kpi for columns in ROLE_COLUMNS.values() for kpi in columns))
# The API's names of the report form's fields (the rest keep theirs).
RENAMED = {"start": "date_from", "end": "date_to"}
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 1000, 5000
# group_by's and then_by's choices: one enum of the schema (settings' ENUM_NAME_OVERRIDES).
GROUPINGS = list(GROUP_LABELS)


def report_role(membership: Membership) -> tuple[str, dict]:
    """The report page's role and rows for this member (as reports/views.py)."""
    if membership.role in ADMIN_ROLES:
        return "admin", {}
    if membership.role == Role.ADVERTISER:
        return "advertiser", {"offer__advertiser_id": membership.advertiser_id}
    return "publisher", {"publisher_id": membership.publisher_id}


def kpi_field(kpi: str) -> serializers.Field:
    roles = ", ".join(role for role, columns in ROLE_COLUMNS.items() if kpi in columns)
    help_text = f"Shown to: {roles}."
    if kpi in COUNT_KPIS:
        return serializers.IntegerField(required=False, help_text=help_text)
    return serializers.DecimalField(
        max_digits=30, decimal_places=8, required=False, allow_null=True, help_text=help_text
    )


class KpisSerializer(serializers.Serializer):
    """The role's KPIs (reports.kpis): counts, money in the currency's precision (EPC two
    places more), ratios as fractions with 4 places (0.0123 is 1.23 %). Money and ratios of
    money are null when the rows mix currencies; ratios are null when dividing by zero."""

    currency = serializers.CharField(allow_null=True, help_text=_("Null: several currencies."))

    def get_fields(self):
        fields = super().get_fields()
        fields.update({kpi: kpi_field(kpi) for kpi in ALL_KPIS})
        return fields


class StatsRowSerializer(KpisSerializer):
    key = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        help_text=_(
            "The group: a day (2026-06-01), an hour with the network's offset, an id "
            "(offer, goal, publisher, landing page), a country or device, a sub id value."
        ),
    )
    name = serializers.CharField(
        allow_null=True, help_text=_("The offer's, goal's, publisher's or landing page's name.")
    )
    key2 = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        help_text=_("The second grouping's value (`then_by`), as `key`; null without one."),
    )
    name2 = serializers.CharField(allow_null=True, help_text=_("The second grouping's name."))


class StatsSerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUPINGS)
    then_by = serializers.ChoiceField(
        choices=GROUPINGS,
        allow_null=True,
        help_text=_("The second grouping; null without one."),
    )
    start = serializers.DateField(help_text=_("The first day (the network's time zone)."))
    end = serializers.DateField(help_text=_("The last day, included."))
    timezone = serializers.CharField()
    columns = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ALL_KPIS)),
        help_text=_("The KPIs of your role, in the report page's order."),
    )
    rows = StatsRowSerializer(many=True)
    totals = KpisSerializer()
    next_page = serializers.IntegerField(allow_null=True)


class ObjectSchema(AutoSchema):
    """The answer is one object (rows and totals), not a list."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


# One offer's month: its only row is also the totals.
TOTALS_EXAMPLE = {
    "currency": "USD",
    "clicks": 1200,
    "unique_clicks": 1000,
    "impressions": 30000,
    "conversions": 25,
    "cr": "0.0250",
    "payout": "200.00",
    "epc": "0.1667",
}
EXAMPLE = {
    "group_by": "offer",
    "start": "2026-06-01",
    "end": "2026-06-30",
    "timezone": "Asia/Ho_Chi_Minh",
    "columns": ["clicks", "unique_clicks", "impressions", "conversions", "cr", "payout", "epc"],
    "then_by": None,
    "rows": [{"key": "12", "name": "Summer Sale", "key2": None, "name2": None, **TOTALS_EXAMPLE}],
    "totals": TOTALS_EXAMPLE,
    "next_page": None,
}


def param(name: str, kind, description: str, **more) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, **more)


PARAMETERS = [
    param(
        "group_by",
        str,
        "date (default), hour, offer, goal, publisher (not for publishers), landing_page, "
        "country, device; aff_sub..aff_sub5 and source for publishers (admins: with "
        "`publisher`).",
        enum=list(GROUP_LABELS),
    ),
    param(
        "then_by",
        str,
        "A second grouping inside the first (a segment: publisher then country, offer then "
        "aff_sub...), among your role's groupings: any two of date, hour, offer, goal, "
        "publisher, landing_page, country, device (not date with hour); a sub id or source "
        "with date, hour, offer, landing_page, country, device or another sub id. Rows get "
        "`key2` / `name2`; the totals are the first grouping's. Another pair answers 400.",
        enum=list(GROUP_LABELS),
    ),
    param(
        "preset",
        str,
        "The period (default last_7_days); `start` and `end` make it custom.",
        enum=[code for code, _label in PRESETS],
    ),
    param("start", OpenApiTypes.DATE, "First day of a custom range (network's time zone)."),
    param("end", OpenApiTypes.DATE, "Last day of a custom range, included."),
    param("offer", int, "Only this offer's numbers."),
    param("publisher", int, "Only this publisher's numbers (advertisers and admins)."),
    param("country", str, "ISO country code of the clicks."),
    param("device", str, "Device of the clicks.", enum=[code for code, _l in DEVICE_CHOICES]),
    param("page", int, "Page of rows, from 1."),
    param("page_size", int, f"Rows per page (default {DEFAULT_PAGE_SIZE}, at most 5000)."),
]


class PageSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, default=1)
    page_size = serializers.IntegerField(
        min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )


class StatsViewSet(TenantViewSet):
    """GET only: the report of the caller's role, as JSON."""

    roles = {"list": EVERYONE}
    serializer_class = StatsSerializer
    filter_backends: list = []
    pagination_class = None
    schema = ObjectSchema()

    def visible(self, membership):
        return HourlyStat.objects.none()  # the rows come from reports.query, scoped by role

    def visible_model(self):
        return HourlyStat

    @extend_schema(
        summary="Stats (the report page as JSON)",
        description="Your report: rows per group and currency with totals, for a period of "
        "whole days in the network's time zone. Publishers see their own traffic and "
        "earnings (payout), advertisers their offers' traffic and cost (revenue), owners and "
        "managers everything. The same choices as the report page, judged the same way: a "
        "grouping or filter your role may not use answers 400. Rows are ordered by group "
        "and currency; totals cover every row, not just the page.",
        parameters=PARAMETERS,
        responses={200: StatsSerializer, **{c: ErrorSerializer for c in (400, 401, 403, 404)}},
        examples=[OpenApiExample("A publisher's offers in June", value=EXAMPLE)],
        tags=["stats"],
    )
    def list(self, request, *args, **kwargs):
        network, membership = request._request.network, self.membership
        role, role_scope = report_role(membership)
        paging = PageSerializer(data=request.query_params)
        paging.is_valid(raise_exception=True)
        report = ReportFilter(
            form_data(request.query_params),
            role=role,
            membership=membership,
            offers=offers_for(role, membership),
            timezone=network.timezone,
        )
        if not report.form.is_valid():
            raise serializers.ValidationError(renamed_errors(report.form.errors))
        args = report.report_args()
        group_by, then_by = args["group_by"], args["then_by"]
        rows = report_rows(network, role_scope=role_scope, **args)
        size = paging.validated_data["page_size"]
        offset = (paging.validated_data["page"] - 1) * size
        if then_by or reads_clicks(group_by):  # paged in the database, as the page does
            totals = report_totals(network, role_scope=role_scope, **args)
            shown = list(rows[offset : offset + size + 1])
        else:  # a few thousand rows at most: added up in Python, as the page does
            rows = with_names(rows, group_by, known=report.option_names(group_by))
            totals = sum((totals_of(row) for row in rows), Totals())
            shown = rows[offset : offset + size + 1]
        first, last = report.days()
        columns = ROLE_COLUMNS[role]
        body = {
            "group_by": group_by,
            "then_by": then_by or None,
            "start": first.isoformat(),
            "end": last.isoformat(),
            "timezone": args["tz"],
            "columns": list(columns),
            "rows": [row_data(row, group_by, then_by, columns) for row in shown[:size]],
            "totals": kpis(totals, columns),
            "next_page": paging.validated_data["page"] + 1 if len(shown) > size else None,
        }
        # Built as the schema says (StatsSerializer): only the role's KPIs, exact decimals.
        return Response(body)


def form_data(params: QueryDict) -> QueryDict:
    """The report form's data from the API's query: `start`/`end` are its date_from/date_to,
    and make the range custom when no preset is named."""
    data = QueryDict(mutable=True)
    for name in ("group_by", "then_by", "preset", "offer", "publisher", "country", "device"):
        if name in params:
            data[name] = params[name]
    for api_name, name in RENAMED.items():
        if api_name in params:
            data[name] = params[api_name]
    if ("start" in params or "end" in params) and "preset" not in params:
        data["preset"] = "custom"
    return data


def renamed_errors(errors) -> dict[str, list[str]]:
    back = {name: api_name for api_name, name in RENAMED.items()}
    renamed: dict[str, list[str]] = {}
    for name, messages in errors.items():
        name = "non_field_errors" if name == "__all__" else back.get(name, name)
        renamed[name] = [str(message) for message in messages]
    return renamed


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def kpis(totals: Totals, columns: tuple[str, ...]) -> dict[str, Any]:
    return {"currency": totals.currency, **{kpi: plain(getattr(totals, kpi)) for kpi in columns}}


def key_text(key: Any) -> str | None:
    if isinstance(key, datetime | date):
        return key.isoformat()
    return None if key is None else str(key)


def row_data(row: dict, group_by: str, then_by: str, columns: tuple[str, ...]) -> dict[str, Any]:
    return {
        "key": key_text(row.get("key")),
        "name": row.get("name") if group_by in NAMED_GROUPS else None,
        "key2": key_text(row.get("key2")) if then_by else None,
        "name2": row.get("name2") if then_by in NAMED_GROUPS else None,
        **kpis(totals_of(row), columns),
    }
