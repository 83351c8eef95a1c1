"""Template filters over lib.formats: {% load formats %} then
{{ amount|money:currency }}, {{ amount|amount:currency }} (no symbol),
{{ amount|negative|money:currency }} (a deduction, with the language's own minus sign),
{{ n|number }}, {{ ratio|percent }}, {{ points|percent_points }},
{{ d|ldate }}, {{ t|ldatetime }}, {{ d|lmonth }}, {{ names|llist }}.

Dates and times are written for the language (Babel): pages people read use these, not
Django's |date with a fixed format; moments are shown in the active time zone.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import template

from lib import formats

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def money(amount, currency: str) -> str:
    number = _decimal(amount)
    return "" if number is None else formats.format_money(number, currency)


@register.filter
def negative(value) -> Decimal | None:
    """The amount negated, for a deduction written by |money or |amount: a minus sign typed
    before a formatted amount lands on the wrong side of a right-to-left line."""
    number = _decimal(value)
    return None if number is None else -number


@register.filter
def amount(value, currency: str) -> str:
    number = _decimal(value)
    return "" if number is None else formats.format_amount(number, currency)


@register.filter
def number(value) -> str:
    parsed = _decimal(value)
    return "" if parsed is None else formats.format_number(parsed)


@register.filter
def percent(ratio, decimals: int = 1) -> str:
    parsed = _decimal(ratio)
    return "" if parsed is None else formats.format_percent(parsed, decimals=int(decimals))


@register.filter
def percent_points(value, decimals: int = 2) -> str:
    """A number of percent (20, as the margin fields hold it) written as a percent: '20%'."""
    parsed = _decimal(value)
    return "" if parsed is None else formats.format_percent(parsed / 100, decimals=int(decimals))


@register.filter
def ldate(value) -> str:
    return formats.format_date(value) if value else ""


@register.filter
def ldatetime(value, zone: str = "") -> str:
    """In the active time zone, or in the one named: {{ t|ldatetime:"UTC" }}."""
    if not value:
        return ""
    return formats.format_datetime(value, tz=ZoneInfo(zone) if zone else None)


@register.filter
def lmonth(value) -> str:
    """A month's name: 'October 2026' / 'tháng 10 năm 2026'."""
    return formats.format_month(value) if value else ""


@register.filter
def llist(values) -> str:
    """Names joined as the language joins them: 'Germany and France'."""
    return formats.format_list(values or [])
