"""Numbers, money, percents and dates written for a language, with Babel (CLDR data).

The language defaults to the active one (the request's, see network.middleware). Money keeps
the precision of lib.money.minor_units, the one the ledger books in (ISO 4217: VND 0, USD 2,
KWD 3), not Babel's own currency data, which differs for a few currencies (IQD: 0 in CLDR).

English writes the ISO code after the amount ("1,234.50 USD"): one format for every currency,
as the portal always did and as payment files and invoices do. Other languages use their own
CLDR pattern and symbol (Vietnamese: "1.234.567 ₫", Persian: "\u200e$۱۲٫۵۰", as browsers write it
with Intl.NumberFormat). Every amount a page, a table, a PDF or a chart shows goes through
format_money: one money format per language.

Numbers are written in the language's own digits and symbols (CLDR's default numbering
system): Persian uses Extended Arabic-Indic digits and separators ("۱٬۲۳۴٫۵", "۱۲٫۵٪").
Babel writes Latin digits whatever the numbering system, so the digits are transliterated
here. Dates stay Gregorian in every language (Babel has no Persian calendar): Persian reads
"۱ اکتبر ۲۰۲۶", Gregorian months named in Persian.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_skeleton
from babel.lists import format_list as babel_list
from babel.numbers import NumberPattern, format_decimal, get_currency_symbol, parse_pattern
from babel.numbers import format_percent as babel_percent
from django.conf import settings
from django.utils import timezone, translation

from lib.money import minor_units

# Per-language money patterns where the CLDR standard one is not what we want. Persian: CLDR's
# pattern for its own digits (Babel only carries the one for Latin digits, "\u200e¤\xa0#,##0.00").
MONEY_PATTERNS = {"en": "#,##0.00 ¤¤", "fa": "\u200e¤#,##0.00"}

# The digits of the numbering systems that are a language's default in CLDR (fa: arabext).
DIGITS = {
    "arab": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
    "arabext": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
}


def active_locale(locale: str | None = None) -> str:
    return (locale or translation.get_language() or settings.LANGUAGE_CODE).replace("-", "_")


@lru_cache(maxsize=64)
def numbering_system(locale: str) -> str:
    """'latn' for English and Vietnamese, 'arabext' for Persian."""
    return Locale.parse(locale).default_numbering_system


def native_digits(text: str, locale: str | None = None) -> str:
    """Latin digits in `text` written in the language's own ones ('12' -> '۱۲' in Persian)."""
    table = DIGITS.get(numbering_system(active_locale(locale)))
    return text.translate(table) if table else text


@lru_cache(maxsize=64)
def number_signs(locale: str) -> dict[int, str]:
    """The language's own percent, minus and plus signs for the ASCII ones that Babel leaves
    in a pattern's prefix and suffix (Persian: '٪', '\u200e\u2212', '\u200e+'); none in Latin-digit
    languages, whose ASCII signs are the ones people write."""
    if numbering_system(locale) == "latn":
        return {}
    symbols = Locale.parse(locale).number_symbols[numbering_system(locale)]
    return str.maketrans(
        {"%": symbols["percentSign"], "-": symbols["minusSign"], "+": symbols["plusSign"]}
    )


def native_number(text: str, language: str) -> str:
    """A number Babel wrote, in the language's own digits and signs."""
    return native_digits(text, language).translate(number_signs(language))


@lru_cache(maxsize=256)
def money_pattern(locale: str, currency: str) -> tuple[Locale, NumberPattern]:
    """The language's money pattern with the currency's decimals. A symbol made of letters
    ("KWD", where Persian has no sign) is kept apart from the digits by a no-break space, as
    CLDR's currency spacing says ("\u200eKWD\xa0۱٫۵۰۰", not "\u200eKWD۱٫۵۰۰")."""
    parsed = Locale.parse(locale)
    text = MONEY_PATTERNS.get(parsed.language)
    pattern = copy.copy(parse_pattern(text) if text else parsed.currency_formats["standard"])
    digits = minor_units(currency)
    pattern.frac_prec = (digits, digits)
    symbol = get_currency_symbol(currency, parsed)
    if symbol and not unicodedata.category(symbol[-1]).startswith("S"):
        pattern.prefix = tuple(re.sub("¤$", "¤\xa0", part) for part in pattern.prefix)
    if symbol and not unicodedata.category(symbol[0]).startswith("S"):
        pattern.suffix = tuple(re.sub("^¤", "\xa0¤", part) for part in pattern.suffix)
    return parsed, pattern


def format_money(
    amount: Decimal | int | str, currency: str, locale: str | None = None, *, signed: bool = False
) -> str:
    """'12.50 USD' in English, '1.234.567 ₫' in Vietnamese, '\u200e$۱۲٫۵۰' in Persian; the
    currency's own decimals. `signed` writes a plus before a positive amount (a change:
    '+12.50 USD'), the language's own plus sign, on the right side of a right-to-left line."""
    language = active_locale(locale)
    parsed, pattern = money_pattern(language, currency)
    number = Decimal(amount)
    text = pattern.apply(
        number,
        parsed,
        currency=currency,
        currency_digits=False,
        numbering_system="default",
    )
    if signed and number > 0:
        text = "+" + text
    return native_number(text, language)


def money_affixes(currency: str, locale: str | None = None) -> dict:
    """What format_money writes around the number, for scripts that format amounts
    themselves (static/js/charts.js, with Intl.NumberFormat's digits and separators, which
    agree with Babel's): {"prefix": "", "suffix": " USD", "digits": 2} in English."""
    language = active_locale(locale)
    digits = minor_units(currency)
    number = format_amount(Decimal(0), currency, language)
    prefix, _, suffix = format_money(Decimal(0), currency, language).partition(number)
    return {"prefix": prefix, "suffix": suffix, "digits": digits}


def format_amount(amount: Decimal | int | str, currency: str, locale: str | None = None) -> str:
    """The number alone, with the currency's decimals: for columns headed by the currency."""
    digits = minor_units(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    language = active_locale(locale)
    text = format_decimal(
        Decimal(amount), format=pattern, locale=language, numbering_system="default"
    )
    return native_number(text, language)


def format_number(value: Decimal | int | float, locale: str | None = None) -> str:
    """1,234.5 in English, 1.234,5 in Vietnamese, ۱٬۲۳۴٫۵ in Persian."""
    language = active_locale(locale)
    return native_number(
        format_decimal(value, locale=language, numbering_system="default"), language
    )


def format_percent(
    ratio: Decimal | float,
    locale: str | None = None,
    *,
    decimals: int = 1,
    fixed: bool = False,
    signed: bool = False,
) -> str:
    """A ratio (0.125) as a percent with up to `decimals` decimals: '12.5%' ('۱۲٫۵٪' in
    Persian); `fixed` always writes them ('12.0%'), `signed` writes a plus before a positive
    one ('+12.5%')."""
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals else "") + "%"
    if signed:
        pattern = f"+{pattern};-{pattern}"
    language = active_locale(locale)
    text = babel_percent(ratio, format=pattern, locale=language, numbering_system="default")
    return native_number(text, language)


def format_date(
    value: date, locale: str | None = None, *, style: str = "medium", tz: tzinfo | None = None
) -> str:
    """'Jan 31, 2026' / '31 thg 1, 2026'. A moment is first turned into a day in `tz`, by
    default the active time zone (the network's on portal pages)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value, tz).date() if timezone.is_aware(value) else value.date()
    language = active_locale(locale)
    return native_digits(babel_date(value, format=style, locale=language), language)


def format_month(value: date, locale: str | None = None) -> str:
    """'October 2026' / 'tháng 10 năm 2026': a period's name."""
    language = active_locale(locale)
    return native_digits(format_skeleton("yMMMM", value, locale=language), language)


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
    return native_digits(babel_datetime(value, format=pattern, locale=language), language)


def format_list(items, locale: str | None = None) -> str:
    """'Germany and France', 'Đức và Pháp', 'آلمان و فرانسه': names joined as the language
    joins them (Persian: '،' between them, not ', ')."""
    names = [str(item) for item in items]
    return babel_list(names, style="standard", locale=active_locale(locale)) if names else ""
