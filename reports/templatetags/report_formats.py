"""Template filters for the figures of reports.formats: {{ totals.roas|multiple }}."""

from __future__ import annotations

from django import template

from reports.formats import format_multiple

register = template.Library()


@register.filter
def multiple(value) -> str:
    """A ratio as a multiple ('35.0x'); '—' for None."""
    return "—" if value is None or value == "" else format_multiple(value)
