"""ISO 3166-1 alpha-2 countries, named in the user's language, from django-countries: ISO's
list and English short names, and their translations (its catalogs, vi and fa among them, load
because django_countries is an installed app). What is stored is always the two-letter code:
publishers' country, offers' allowed countries, clicks' country (lib.geoip).
"""

from __future__ import annotations

from django.utils.functional import lazy
from django_countries import countries


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country, named and sorted in the active language. A callable,
    for `choices=`: a form shows the language of the request that renders it."""
    return [(country.code, country.name) for country in countries]


def country_name(code: str) -> str:
    """The country's name in the active language ('Việt Nam'); the code if it is none."""
    return countries.name(code) or code


# Every code, in ISO's order (by English name): what an API accepts.
COUNTRY_CODES = tuple(countries.countries)
# The same as a list, each name translated when shown: for an API filter, whose enum the
# schema reads from a list (not from a callable).
COUNTRY_CHOICES = [(code, lazy(country_name, str)(code)) for code in COUNTRY_CODES]
