"""Template filters over lib.formats: {% load formats %} then
{{ amount|money:currency }}, {{ amount|amount:currency }} (no symbol),
{{ n|number }}, {{ ratio|percent }}, {{ d|ldate }}, {{ t|ldatetime }}.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

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
def ldate(value) -> str:
    return formats.format_date(value) if value else ""


@register.filter
def ldatetime(value) -> str:
    return formats.format_datetime(value) if value else ""
