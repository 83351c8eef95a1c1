"""The reports' own formats (a multiple, a time of day) in the language's digits: Persian pages
wrote "8:43" and "35.0x" in Latin digits among Persian ones."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from reports.formats import format_multiple, format_time_of_day

LATIN_DIGIT = re.compile(r"[0-9]")


@pytest.mark.parametrize(
    ("language", "multiple", "time"),
    [("en", "35.0x", "8:43\u202fAM"), ("vi", "35,0x", "08:43"), ("fa", "۳۵", "۸:۴۳")],
)
def test_a_multiple_and_a_time_of_day_in_the_languages_digits(language, multiple, time):
    with translation.override(language):
        written = (
            format_multiple(Decimal("35.0325")),
            format_time_of_day(datetime(2026, 12, 7, 8, 43)),
        )
    assert multiple in written[0] and time in written[1]
    if language == "fa":
        assert not LATIN_DIGIT.search("".join(written)), written
