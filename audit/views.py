"""The audit log pages: admins read the whole network's, a company the entries about its own
objects (audit.log). ?export=csv on the same URL downloads the filtered entries."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from audit.filters import AuditFilter
from audit.log import actor_shown, visible_entries, with_actor_side
from audit.models import AuditEntry
from audit.tables import AuditTable
from lib.cells import safe_cell
from lib.tables import MAX_PER_PAGE
from lib.views import export_query, render_in_network_time
from network.access import ADMINS, role_required
from network.models import Membership, Role

PER_PAGE = 50
CHUNK = 2000
CSV_HEADER = [
    "id",
    "time",
    "actor",
    "action",
    "object_type",
    "object_id",
    "object",
    "from_state",
    "to_state",
    "reason",
]


def lazy_paginator(object_list, wanted: int, *args, **kwargs) -> LazyPaginator:
    """Pages without COUNT(*) (a network has millions of entries); the size bounded as in
    lib.tables.configure."""
    size = min(wanted, MAX_PER_PAGE) if wanted >= 1 else PER_PAGE
    return LazyPaginator(object_list, size, *args, **kwargs)


def audit_page(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    filters = AuditFilter(
        request.GET,
        queryset=visible_entries(membership),
        membership=membership,
        timezone=request.network.timezone,
    )
    entries = with_actor_side(filters.qs)
    if request.GET.get("export") == "csv" and filters.form.is_valid():
        return csv_response(entries, membership, ZoneInfo(request.network.timezone))
    table = AuditTable(entries, membership=membership)
    paginate = {"per_page": PER_PAGE, "paginator_class": lazy_paginator}
    RequestConfig(request, paginate=paginate).configure(table)
    return render_in_network_time(
        request,
        "audit/log.html",
        {"table": table, "filter": filters, "export_query": export_query(request)},
    )


def csv_row(entry: AuditEntry, membership: Membership, zone: ZoneInfo) -> list[str]:
    values = [
        entry.pk,
        entry.created_at.astimezone(zone).isoformat(),
        actor_shown(entry, membership),
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object_repr,
        entry.from_state,
        entry.to_state,
        entry.reason,
    ]
    return [safe_cell(value) for value in values]


class Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    entries: QuerySet[AuditEntry], membership: Membership, zone: ZoneInfo
) -> StreamingHttpResponse:
    """Every filtered entry, newest first, streamed in chunks (a server-side cursor on
    PostgreSQL): a year of a busy network never sits in memory."""
    writer = csv.writer(Echo())
    # The rows are written after the view returned: keep the request's language for them.
    language = translation.get_language()

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_HEADER)
        with translation.override(language):
            for entry in entries.iterator(chunk_size=CHUNK):
                yield writer.writerow(csv_row(entry, membership, zone))

    stamp = timezone.now().astimezone(zone).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@role_required(*ADMINS)
@require_safe
def admin_audit(request: HttpRequest) -> HttpResponse:
    return audit_page(request)


@role_required(Role.ADVERTISER)
@require_safe
def advertiser_audit(request: HttpRequest) -> HttpResponse:
    return audit_page(request)


@role_required(Role.PUBLISHER)
@require_safe
def publisher_audit(request: HttpRequest) -> HttpResponse:
    return audit_page(request)
