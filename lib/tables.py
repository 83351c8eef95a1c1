"""django-tables2 set-up shared by every list page.

Every table of the portal is a `Table` (below), drawn by templates/tables/table.html
(DJANGO_TABLES2_TEMPLATE): a frame that scrolls sideways and down on its own, with the header
and the first column sticky (static/css/portal.css), and a column chooser whose choice
static/js/tables.js keeps in the browser's localStorage per user and table. A bulk form
reads the rows its SelectColumn ticked with a TickedIdsField.
"""

from __future__ import annotations

import django_tables2 as tables
from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig
from django_tables2.columns import BoundColumn

from lib.formats import format_date, format_datetime, format_month, format_number

MAX_PER_PAGE = 100


class Table(tables.Table):
    """The portal's table. Subclasses set their own `Meta` as usual."""

    class Meta:
        attrs = {"class": "table"}

    @property
    def columns_key(self) -> str:
        """Names the table in the column chooser's saved choice (with the user's id)."""
        return type(self).__name__

    def choosable_columns(self) -> list[BoundColumn]:
        """The columns a person may hide: not the checkboxes, nor the first column after them
        (it names the row and stays in view while the table scrolls sideways), nor columns
        without a header (a row's action link)."""
        named = [c for c in self.columns if not isinstance(c.column, tables.CheckBoxColumn)]
        return [c for c in named[1:] if str(c.header).strip()]


def configure(request: HttpRequest, table: tables.Table, per_page: int = 25) -> tables.Table:
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
    """A checkbox per row named "selected" (a bulk form's field); the header is a word for
    screen readers (a header checkbox would need a script to select the page), as the boxes
    speak for themselves on screen. Class "select": a narrow column that stays in view with
    the next one when the table scrolls sideways."""

    def __init__(self, *args, attrs=None, **kwargs):
        attrs = dict(attrs or {})
        for cell in ("th", "td"):
            attrs.setdefault(cell, {})
            attrs[cell] = {**attrs[cell], "class": _join("select", attrs[cell].get("class"))}
        super().__init__(*args, attrs=attrs, **kwargs)

    @property
    def header(self):
        return format_html('<span class="visually-hidden">{}</span>', _("Select"))


def _join(*classes: str | None) -> str:
    return " ".join(c for c in classes if c)


class OneLineColumn(tables.Column):
    """A column whose cells never wrap (class "nowrap"): dates, amounts, codes."""

    def __init__(self, *args, attrs=None, **kwargs):
        attrs = dict(attrs or {})
        td = dict(attrs.get("td", {}))
        td["class"] = _join("nowrap", td.get("class"))
        attrs["td"] = td
        super().__init__(*args, attrs=attrs, **kwargs)


class DateColumn(OneLineColumn):
    """A day, or the day of a moment in the active time zone, written for the language."""

    def render(self, value) -> str:
        return format_date(value)


class DateTimeColumn(OneLineColumn):
    """A moment in the active time zone (the network's), written for the language."""

    def render(self, value) -> str:
        return format_datetime(value)


class NumberColumn(tables.Column):
    """A count written for the language: '1,234' / '1.234' / '۱٬۲۳۴' (a bare int would show
    Latin digits on a Persian page)."""

    def render(self, value) -> str:
        return format_number(value)


class MonthColumn(OneLineColumn):
    """A month's name in the language: 'October 2026' / 'tháng 10 năm 2026'."""

    def render(self, value) -> str:
        return format_month(value)


def name_link(view: str, id_accessor: str, name_accessor: str, verbose_name) -> tables.Column:
    """A related row's name (`name_accessor`, e.g. "publisher__name") as a link to `view`
    (e.g. that row's page), given the row's `id_accessor` (e.g. "publisher_id")."""
    return tables.LinkColumn(
        view, args=[tables.A(id_accessor)], accessor=name_accessor, verbose_name=verbose_name
    )


def action_link(view: str, text) -> tables.Column:
    """A link to `view` for the row (its pk), worded by `text(record)`: no header, no value,
    never sorted."""
    return tables.LinkColumn(
        view, args=[tables.A("pk")], text=text, empty_values=(), orderable=False, verbose_name=""
    )


# --- The rows ticked in a SelectColumn, posted back ----------------------------------------

MAX_ID = 2**63 - 1  # the largest id the database holds: larger ones are no row


class TickedIdsField(forms.Field):
    """The rows a bulk form's SelectColumn ticked: every `selected` value of the POST, as a set
    of ints, at most `most` of them. Subclasses say what the rows are, in their own words."""

    widget = forms.MultipleHiddenInput
    most = 500

    def not_from_list(self) -> str:
        raise NotImplementedError

    def too_many(self) -> str:
        raise NotImplementedError

    def none_ticked(self) -> str:
        raise NotImplementedError

    def to_python(self, value) -> set[int]:
        if not value:
            return set()
        try:
            ids = {int(item) for item in value}
        except (TypeError, ValueError) as exc:
            raise ValidationError(self.not_from_list()) from exc
        if any(not 0 < pk <= MAX_ID for pk in ids):  # the database refuses larger ones
            raise ValidationError(self.not_from_list())
        if len(ids) > self.most:
            raise ValidationError(self.too_many())
        return ids

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError(self.none_ticked())


def ticked(form: forms.Form) -> set[int]:
    """The ids ticked in the form's posted data, valid or not: shown ticked again when the
    form comes back with errors."""
    try:
        # A bound form's data is the request's QueryDict: each ticked box is one value.
        posted = form.data.getlist("selected")  # type: ignore[attr-defined]
        return set(form.fields["selected"].to_python(posted) or ())
    except (ValidationError, AttributeError):
        return set()
