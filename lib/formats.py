"""Numbers, money, percents and dates written for a language, with Babel (CLDR data).

The language defaults to the active one (the request's, see network.middleware). Money keeps
the precision of lib.money.minor_units, the one the ledger books in (ISO 4217: VND 0, USD 2,
KWD 3), not Babel's own currency data, which differs for a few currencies (IQD: 0 in CLDR).

English writes the ISO code after the amount ("1,234.50 USD"): one format for every currency,
as the portal always did and as payment files and invoices do. Other languages use their own
CLDR pattern and symbol (Vietnamese: "1.234.567 ₫").
"""

from __future__ import annotations

import copy
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_skeleton
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from babel.numbers import format_percent as babel_percent
from django.conf import settings
from django.utils import timezone, translation

from lib.money import minor_units

# Per-language money patterns where the CLDR standard one is not what we want.
MONEY_PATTERNS = {"en": "#,##0.00 ¤¤"}


def active_locale(locale: str | None = None) -> str:
    return (locale or translation.get_language() or settings.LANGUAGE_CODE).replace("-", "_")


@lru_cache(maxsize=64)
def money_pattern(locale: str, digits: int) -> tuple[Locale, NumberPattern]:
    parsed = Locale.parse(locale)
    text = MONEY_PATTERNS.get(parsed.language)
    pattern = copy.copy(parse_pattern(text) if text else parsed.currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return parsed, pattern


def format_money(amount: Decimal | int | str, currency: str, locale: str | None = None) -> str:
    """'12.50 USD' in English, '1.234.567 ₫' in Vietnamese; the currency's own decimals."""
    parsed, pattern = money_pattern(active_locale(locale), minor_units(currency))
    return pattern.apply(Decimal(amount), parsed, currency=currency, currency_digits=False)


def format_amount(amount: Decimal | int | str, currency: str, locale: str | None = None) -> str:
    """The number alone, with the currency's decimals: for columns headed by the currency."""
    digits = minor_units(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(Decimal(amount), format=pattern, locale=active_locale(locale))


def format_number(value: Decimal | int | float, locale: str | None = None) -> str:
    """1,234.5 in English, 1.234,5 in Vietnamese."""
    return format_decimal(value, locale=active_locale(locale))


def format_percent(
    ratio: Decimal | float,
    locale: str | None = None,
    *,
    decimals: int = 1,
    fixed: bool = False,
    signed: bool = False,
) -> str:
    """A ratio (0.125) as a percent with up to `decimals` decimals: '12.5%'; `fixed` always
    writes them ('12.0%'), `signed` writes a plus before a positive one ('+12.5%')."""
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals else "") + "%"
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return babel_percent(ratio, format=pattern, locale=active_locale(locale))


def format_date(
    value: date, locale: str | None = None, *, style: str = "medium", tz: tzinfo | None = None
) -> str:
    """'Jan 31, 2026' / '31 thg 1, 2026'. A moment is first turned into a day in `tz`, by
    default the active time zone (the network's on portal pages)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value, tz).date() if timezone.is_aware(value) else value.date()
    return babel_date(value, format=style, locale=active_locale(locale))


def format_month(value: date, locale: str | None = None) -> str:
    """'October 2026' / 'tháng 10 năm 2026': a period's name."""
    return format_skeleton("yMMMM", value, locale=active_locale(locale))


@lru_cache(maxsize=16)
def datetime_pattern(locale: str, seconds: bool = False) -> str:
    """The language's medium date with its short time: 'Jan 31, 2026, 6:05 PM' in English,
    '18:05 31 thg 1, 2026' in Vietnamese (CLDR's short date has a two-digit year); with
    `seconds`, its medium time ('6:05:09 PM')."""
    parsed = Locale.parse(locale)
    glue = parsed.datetime_formats["medium"]
    time_pattern = parsed.time_formats["medium" if seconds else "short"].pattern
    return glue.format(time_pattern, parsed.date_formats["medium"].pattern)


def format_datetime(
    value: datetime,
    locale: str | None = None,
    *,
    style: str | None = None,
    tz: tzinfo | None = None,
    seconds: bool = False,
) -> str:
    """A moment in `tz`, by default the active time zone (the network's on portal pages);
    without a `style`, the medium date and the short time (see datetime_pattern)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value, tz)
    language = active_locale(locale)
    pattern = style or datetime_pattern(language, seconds)
    return babel_datetime(value, format=pattern, locale=language)
