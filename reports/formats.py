"""How the reports write the figures lib.formats has no format for, in the active language:
a multiple (ROAS, "35.0x") and a time of day (what "today" is compared up to)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from babel.dates import format_time
from babel.numbers import format_decimal
from django.utils.translation import gettext

from lib.formats import active_locale, native_digits


def format_multiple(value: Decimal | float) -> str:
    """A ratio as a multiple with one decimal: 35.0325 is '35.0x' (English), '35,0x'
    (Vietnamese)."""
    number = native_digits(format_decimal(value, format="#,##0.0", locale=active_locale()))
    # Translators: a multiple of something, as ROAS is shown: "35.0x" is 35 times the cost.
    return gettext("%(number)sx") % {"number": number}


def format_time_of_day(moment: datetime) -> str:
    """'10:30 AM' / '10:30': the hour and minute of a (local) moment."""
    return native_digits(format_time(moment, format="short", locale=active_locale()))
