"""lib.countries: ISO 3166-1 from django-countries, named in the user's language."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from lib.countries import COUNTRY_CHOICES, COUNTRY_CODES, country_choices, country_name
from publishers.models import Publisher


def test_it_holds_every_iso_3166_country_as_a_two_letter_code():
    assert len(COUNTRY_CODES) == len(set(COUNTRY_CODES)) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in COUNTRY_CODES)
    assert {"US", "VN", "IR", "DE", "GB", "CA", "FR", "AX", "SS", "XK"} - set(COUNTRY_CODES) == {
        "XK"  # Kosovo has no ISO 3166-1 code (XK is user-assigned), as before
    }


def test_the_choices_hold_the_same_codes():
    assert sorted(code for code, _name in country_choices()) == sorted(COUNTRY_CODES)
    assert [code for code, _name in COUNTRY_CHOICES] == list(COUNTRY_CODES)


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("en", {"VN": "Vietnam", "DE": "Germany", "KR": "South Korea"}),
        ("vi", {"VN": "Việt Nam", "DE": "Đức", "KR": "Hàn Quốc"}),
        ("fa", {"VN": "ویتنام", "DE": "آلمان", "IR": "ایران"}),
    ],
)
def test_it_names_countries_in_the_users_language(language, names):
    with translation.override(language):
        choices = dict(country_choices())
        lazy_choices = {code: str(name) for code, name in COUNTRY_CHOICES}
        for code, name in names.items():
            assert choices[code] == lazy_choices[code] == country_name(code) == name


def test_the_choices_are_sorted_in_the_users_language():
    with translation.override("en"):
        english = [code for code, _name in country_choices()]
    with translation.override("fa"):
        persian = country_choices()
    assert english[:2] == ["AF", "AX"]  # Afghanistan, Åland Islands
    assert [code for code, _name in persian] != english
    assert persian[0][1][0] in "اآ"  # alef: the Persian alphabet's first letter


def test_an_unknown_code_is_shown_as_it_is():
    assert country_name("ZZ") == "ZZ"


def test_the_publishers_country_stays_a_two_letter_column_named_in_the_users_language():
    field = Publisher._meta.get_field("country")
    assert field.max_length == 2
    with translation.override("vi"):
        assert dict(field.choices)["VN"] == "Việt Nam"
