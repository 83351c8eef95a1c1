"""The report pages: one per role, the same page with the role's rows, groups and columns.

?export=csv or ?export=xlsx on the same URL downloads the rows of the current filters and
sort (every page, not only the one shown).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from lib.tables import configure
from lib.views import export_query, render_in_network_time
from network.access import ADMINS, role_required
from network.models import Role
from reports import exports
from reports.filters import GROUP_LABELS, ROLE_GROUPS, ReportFilter
from reports.kpis import Totals
from reports.query import PAIRS, reads_clicks, report_rows, report_totals, with_names
from reports.tables import ReportTable, totals_of
from tracking.filters import offers_for

PER_PAGE = 50


def pair_help(role: str) -> dict[str, list[str]]:
    """The page's help: which second groupings each first one of the role may take."""
    groups = ROLE_GROUPS[role]
    return {
        str(GROUP_LABELS[first]): [
            str(GROUP_LABELS[second]) for second in groups if (first, second) in PAIRS
        ]
        for first in groups
    }


EXPORTS = {"csv": exports.csv_response, "xlsx": exports.xlsx_response}


def report_page(request: HttpRequest, role: str, role_scope: dict) -> HttpResponse:
    report = ReportFilter(
        request.GET,
        role=role,
        membership=request.membership,
        offers=offers_for(role, request.membership),
        timezone=request.network.timezone,
    )
    table = None
    days = None
    if report.form.is_valid():
        args = report.report_args()
        rows = report_rows(request.network, role_scope=role_scope, **args)
        group_by, then_by = args["group_by"], args["then_by"]
        if then_by or reads_clicks(group_by):
            # Sub ids and segments can be many rows: paged and exported from the database,
            # the names read in the query, the totals row one aggregate.
            totals = report_totals(request.network, role_scope=role_scope, **args)
        else:
            # A few thousand rows at most (days, offers, publishers...): one query, sorted,
            # paged and added up in Python, instead of the aggregate three times (COUNT,
            # the page, the totals row).
            rows = with_names(rows, group_by, known=report.option_names(group_by))
            totals = sum((totals_of(row) for row in rows), Totals())
        table = ReportTable(rows, role=role, group_by=group_by, then_by=then_by, totals=totals)
        days = report.days()
        export = request.GET.get("export")
        if export in EXPORTS:
            RequestConfig(request, paginate=False).configure(table)  # the sort, every row
            first, last = days
            groups = f"{group_by}-{then_by}" if then_by else group_by
            return EXPORTS[export](table, f"report-{groups}-{first}-{last}")
        configure(request, table, per_page=PER_PAGE)
    return render_in_network_time(
        request,
        "reports/report.html",
        {
            "filter": report,
            "table": table,
            "days": days,
            "role": role,
            "pairs": pair_help(role),
            "sort": request.GET.get("sort", ""),
            "export_query": export_query(request),
        },
    )


@role_required(*ADMINS)
@require_safe
def admin_reports(request: HttpRequest) -> HttpResponse:
    return report_page(request, "admin", {})


@role_required(Role.ADVERTISER)
@require_safe
def advertiser_reports(request: HttpRequest) -> HttpResponse:
    return report_page(
        request, "advertiser", {"offer__advertiser_id": request.membership.advertiser_id}
    )


@role_required(Role.PUBLISHER)
@require_safe
def publisher_reports(request: HttpRequest) -> HttpResponse:
    return report_page(request, "publisher", {"publisher_id": request.membership.publisher_id})
