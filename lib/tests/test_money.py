"""lib.money's currencies: Babel's list and names, ISO 4217's minor units (the ledger's scale)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lib.money import (
    CURRENCY_CHOICES,
    CURRENCY_CODES,
    ISO_MINOR_UNITS,
    minor_units,
    validate_currency,
)


def codes(text: str) -> set[str]:
    return set(text.split())


# Every currency accepted before Babel gave the list (Debian's iso-codes, ISO 4217 list one
# without funds and metals): a network, an offer or a publisher may hold any of them.
ACCEPTED_BEFORE = codes("""
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES
    KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR
    MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB
    RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY
    TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
""")

# ISO 4217's minor units of every currency in use; any other has 2. The ledger stores integers
# in these units: a change here rescales every amount already booked in the currency.
ZERO = codes("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF")
THREE = codes("BHD IQD JOD KWD LYD OMR TND")


def test_every_currency_accepted_before_still_is():
    assert ACCEPTED_BEFORE <= CURRENCY_CODES


def test_the_only_currencies_added_are_the_ones_iso_4217_added_since():
    # XCG, the Caribbean guilder (2025, replaces ANG); ZWG, Zimbabwe Gold (2024, replaces ZWL).
    added = CURRENCY_CODES - ACCEPTED_BEFORE
    assert added == {"XCG", "ZWG"}


def test_the_minor_units_of_the_currencies_in_use_do_not_change():
    units = {code: minor_units(code) for code in CURRENCY_CODES}
    assert {code for code, places in units.items() if places == 0} == ZERO
    assert {code for code, places in units.items() if places == 3} == THREE
    assert set(units.values()) == {0, 2, 3}


@pytest.mark.parametrize(
    ("code", "places"),
    [
        ("USD", 2),
        ("EUR", 2),
        ("JPY", 0),
        ("VND", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("CLP", 0),
        ("ISK", 0),
        # CLDR says 0 for these (the decimals used in practice); ISO 4217 and the ledger do not.
        ("IQD", 3),
        ("IRR", 2),
        ("LAK", 2),
        ("RSD", 2),
    ],
)
def test_minor_units_are_iso_4217s(code, places):
    assert minor_units(code) == places


def test_the_iso_overrides_are_all_in_use():
    assert set(ISO_MINOR_UNITS) <= CURRENCY_CODES


def test_a_code_that_is_no_currency_has_two_decimals():
    assert minor_units("XYZ") == 2


@pytest.mark.parametrize("code", ["USD", "VND", "HRK", "SVC", "XCG"])
def test_it_accepts_currencies_in_use_and_recently_retired(code):
    validate_currency(code)


@pytest.mark.parametrize("code", ["DEM", "XAU", "USN", "usd", "ZZZ", ""])
def test_it_refuses_old_currencies_metals_funds_and_junk(code):
    with pytest.raises(ValidationError):
        validate_currency(code)


def test_the_choices_are_by_code():
    codes = [code for code, _label in CURRENCY_CHOICES]
    assert codes == sorted(CURRENCY_CODES)


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", {"USD": "USD · US Dollar", "VND": "VND · Vietnamese Dong"}),
        ("vi", {"USD": "USD · Đô la Mỹ", "VND": "VND · Đồng Việt Nam", "EUR": "EUR · Euro"}),
        ("fa", {"USD": "USD · دلار آمریکا", "VND": "VND · دانگ ویتنام"}),
        # CLDR has no Vietnamese name for the newest ones: the English name, not the code.
        ("vi", {"XCG": "XCG · Caribbean guilder"}),
    ],
)
def test_the_choices_name_currencies_in_the_users_language(language, labels):
    with translation.override(language):
        shown = {code: str(label) for code, label in CURRENCY_CHOICES}
    for code, label in labels.items():
        assert shown[code] == label
