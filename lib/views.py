"""Helpers shared by the portal's views."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lib.typing import TenantRequest


def render_in_network_time(request: TenantRequest, template: str, context: dict) -> HttpResponse:
    """Times shown in the network's time zone, the one the date filters use."""
    with timezone.override(ZoneInfo(request.network.timezone)):
        return render(request, template, context)


def export_query(request: HttpRequest) -> str:
    """The list's query string (its filters and sort) for its export links: without the page
    and any export asked for already."""
    query = request.GET.copy()
    for name in ("export", "page"):
        query.pop(name, None)
    return query.urlencode()
