"""django-tables2 set-up shared by every list page."""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig, Table

from lib.formats import format_date, format_datetime, format_month, format_number

MAX_PER_PAGE = 100


def configure(request: HttpRequest, table: Table, per_page: int = 25) -> Table:
    """Sorting and pagination from the query string, safely.

    django-tables2 takes ?per_page from the URL as it is: -1 crashes the paginator and 10**9
    loads every row. Here a nonsense size falls back to the page's own, a large one to 100.
    """

    def bounded_paginator(object_list, wanted: int, *args, **kwargs) -> Paginator:
        size = min(wanted, MAX_PER_PAGE) if wanted >= 1 else per_page
        return Paginator(object_list, size, *args, **kwargs)

    paginate = {"per_page": per_page, "paginator_class": bounded_paginator}
    return RequestConfig(request, paginate=paginate).configure(table)


class SelectColumn(tables.CheckBoxColumn):
    """A checkbox per row named "selected" (a bulk form's field); the header is a word, as
    a header checkbox would need a script to select the page."""

    @property
    def header(self):
        return _("Select")


class DateColumn(tables.Column):
    """A day, or the day of a moment in the active time zone, written for the language."""

    def render(self, value) -> str:
        return format_date(value)


class DateTimeColumn(tables.Column):
    """A moment in the active time zone (the network's), written for the language."""

    def render(self, value) -> str:
        return format_datetime(value)


class NumberColumn(tables.Column):
    """A count written for the language: '1,234' / '1.234' / '۱٬۲۳۴' (a bare int would show
    Latin digits on a Persian page)."""

    def render(self, value) -> str:
        return format_number(value)


class MonthColumn(tables.Column):
    """A month's name in the language: 'October 2026' / 'tháng 10 năm 2026'."""

    def render(self, value) -> str:
        return format_month(value)
