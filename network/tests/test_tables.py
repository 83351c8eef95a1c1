"""Every table of the portal is drawn the same way: a lib.tables.Table, in the shared template's
frame, each cell naming its column, with a column chooser for the columns one may hide (the
browser side is in test_browser_layout.py)."""

from __future__ import annotations

import re

import django_tables2
from django.urls import get_resolver

from conftest import client_for, make_world
from lib.tables import Table
from payouts.tests.helpers import make_conversion


def every_table_class() -> set[type]:
    get_resolver().url_patterns  # imports every view, and so every table  # noqa: B018
    found, todo = set(), [django_tables2.Table]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return {cls for cls in found if cls.__module__.split(".")[0] != "django_tables2"}


def test_every_table_is_a_portal_table():
    tables = every_table_class()
    assert len(tables) > 10
    strays = sorted(c.__qualname__ for c in tables if not issubclass(c, Table))
    assert strays == [], "tables that skip lib.tables.Table (frame, chooser, classes)"


def test_the_conversions_table_is_framed_with_a_chooser(network, owner):
    world = make_world(network, owner)
    conversion = make_conversion(world)
    html = client_for(network, owner).get("/manage/conversions/").content.decode()

    assert f'data-columns-key="{owner.pk}.ConversionTable"' in html
    assert '<div class="table-frame">' in html
    # Every cell names its column, the header's and the row's.
    assert len(re.findall(r'<t[hd] [^>]*data-column="order_id"', html)) == 2
    chooser = html.split('class="dropdown column-chooser" hidden>')[1].split("</details>")[0]
    offered = re.findall(r'value="([a-z_]+)"', chooser)
    # Not the checkboxes, nor the time that names the row: it stays in view.
    assert offered[0] == "id" and "selected" not in offered and "created_at" not in offered
    assert {"order_id", "transaction_id", "flags"} <= set(offered)
    # The time on one line (a class the CSS keeps unwrapped), the amounts at the column's end.
    assert re.search(r'<td class="nowrap" data-column="created_at">', html)
    assert re.search(r'<td class="num" data-column="revenue">', html)
    assert f'value="{conversion.pk}"' in html


def test_the_pages_of_a_table_are_named_in_the_users_language(network, owner):
    """django-tables2 has no Vietnamese catalog: its "previous" and "next" come from ours."""
    world = make_world(network, owner)
    for _ in range(3):
        make_conversion(world)
    network.language = "vi"
    network.save()
    client = client_for(network, owner)
    first = client.get("/manage/conversions/?per_page=1").content.decode()
    assert ">tiếp</a>" in first and ">next</a>" not in first
    second = client.get("/manage/conversions/?per_page=1&page=2").content.decode()
    assert ">trước</a>" in second and ">previous</a>" not in second
