"""Filters (django-filter) that several apps' list filters declare alike."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.utils.functional import Promise

from lib.days import DAY_RANGE


def day_filter(label: str | Promise, method: str) -> filters.DateFilter:
    """A day picked in the browser's date input, within DAY_RANGE; `method`: the filter's
    method that turns it into the range of the network's time zone (or keeps it)."""
    return filters.DateFilter(
        label=label,
        method=method,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_RANGE,
    )
