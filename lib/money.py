"""Money helpers: ISO 4217 currencies (Babel's CLDR data), their minor units, exact rounding.

Amounts are Decimal between the user and the ledger; the ledger stores integers in the
currency's minor unit (issue: money). Rounding happens once, half-even.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_currency_name, get_currency_precision, get_territory_currencies
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The currencies a network, an offer or a publisher may use: legal tender somewhere (CLDR's
# territory currencies; funds and metals are not tender) on or after IN_USE_SINCE. A fixed day
# rather than today, so the list (and the API's enum) changes only with Babel, and a currency
# retired since (HRK 2023, ZWL and SLL 2024, ANG 2025) stays valid where it is stored.
IN_USE_SINCE = date(2020, 1, 1)
# ...plus the two of ISO 4217's list one that CLDR counts as nobody's legal tender: SVC (El
# Salvador's colón; the US dollar circulates since 2001) and VED (Venezuela's digital bolívar).
ISO_ONLY = frozenset({"SVC", "VED"})


def _currencies_in_use() -> frozenset[str]:
    codes = set(ISO_ONLY)
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, IN_USE_SINCE, date.max, tender=True))
    return frozenset(codes)


CURRENCY_CODES = _currencies_in_use()

# ISO 4217's minor unit where CLDR's (Babel's get_currency_precision) differs: CLDR gives the
# decimals people use in practice (0 for the Iraqi dinar, the rial, the kip...), ISO 4217 the
# ones the currency has, and the ledger has always booked these in ISO's. Changing one would
# rescale every stored amount in it.
ISO_MINOR_UNITS = {
    "AFN": 2,
    "ALL": 2,
    "IQD": 3,
    "IRR": 2,
    "KPW": 2,
    "LAK": 2,
    "LBP": 2,
    "MGA": 2,
    "MMK": 2,
    "RSD": 2,
    "SLL": 2,
    "SOS": 2,
    "SYP": 2,
    "YER": 2,
}
_MINOR_UNITS = {
    code: ISO_MINOR_UNITS.get(code, get_currency_precision(code)) for code in CURRENCY_CODES
}


@lru_cache(maxsize=1024)
def currency_name(code: str, language: str) -> str:
    """CLDR's name of the currency in the language ('Đồng Việt Nam'); the English one where
    the language has none (CLDR answers with the code), or for an unknown language."""
    try:
        name = get_currency_name(code, locale=Locale.parse(language.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        name = code
    return name if name != code else get_currency_name(code, locale="en")


def currency_label(code: str) -> str:
    """'VND · Vietnamese Dong', in the language of the request ('VND · Đồng Việt Nam')."""
    return f"{code} · {currency_name(code, translation.get_language() or 'en')}"


# For a form's choices, by code: each label follows the language of the request that shows it.
CURRENCY_CHOICES = [(code, lazy(currency_label, str)(code)) for code in sorted(CURRENCY_CODES)]


def minor_units(currency: str) -> int:
    """How many decimals the currency has (ISO 4217): 0 for VND and JPY, 3 for KWD; 2 for a
    code that is not a currency in use."""
    return _MINOR_UNITS.get(currency, 2)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's precision, half-even (banker's rounding)."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_EVEN)


def to_minor(amount: Decimal, currency: str) -> int:
    """Decimal amount -> integer minor units, rounding half-even once."""
    return int(quantize(amount, currency).scaleb(minor_units(currency)))


def from_minor(amount: int, currency: str) -> Decimal:
    """Integer minor units -> Decimal amount with the currency's decimals (exact)."""
    return Decimal(amount).scaleb(-minor_units(currency))


def plain_money(amount: int | None, currency: str) -> str:
    """Minor units as '50.000 KWD' for audit rows and logs (not localised); 'none' for None."""
    return "none" if amount is None else f"{from_minor(amount, currency)} {currency}"


def validate_currency(value: str) -> None:
    if value not in CURRENCY_CODES:
        raise ValidationError(_("“%(code)s” is not an ISO 4217 currency code.") % {"code": value})


def validate_amount(amount: Decimal, currency: str) -> None:
    """A money amount: not negative, and no finer than the currency's minor unit."""
    if amount < 0:
        raise ValidationError(_("Amounts cannot be negative."))
    places = minor_units(currency)
    if quantize(amount, currency) != amount:
        if places == 0:
            raise ValidationError(
                _("%(currency)s has no decimals: use a whole amount.") % {"currency": currency}
            )
        raise ValidationError(
            ngettext(
                "%(currency)s amounts have at most %(places)d decimal.",
                "%(currency)s amounts have at most %(places)d decimals.",
                places,
            )
            % {"currency": currency, "places": places}
        )


def validate_percent(value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(_("A percent is between 0 and 100."))
