"""The report pages: each role's rows and columns, time zones, totals, presets, the sub id
report, and the CSV / XLSX exports."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django_scopes import scope

from conftest import client_for, make_member, make_world
from network.models import Role
from reports.filters import preset_days
from reports.query import ReportError, report_rows, report_totals
from reports.rollup import rollup_hours
from reports.tests.helpers import (
    hour_of,
    make_click,
    make_conversion,
    other_offer_traffic,
    two_shops_world,
)
from tracking.models import Conversion

T0 = datetime(2026, 3, 10, 1, tzinfo=UTC)
MARCH = "preset=custom&date_from=2026-03-01&date_to=2026-03-31"
Status = Conversion.Status


def rollup(network, moments) -> None:
    with scope(network=network):
        rollup_hours(network, [hour_of(m) for m in moments])


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """Alpha Shop's offer run by Alpha Media (the role fixtures' companies), and another
    advertiser's offer run by another publisher."""
    return two_shops_world(network, owner, media={"country": "US"})


@pytest.fixture
def traffic(world, network):
    """Own: 3 clicks, 1 approved conversion. Other: 5 clicks, 2 approved conversions."""
    own_pub = world["offer_access"].publisher
    moments = []
    for minute in range(3):
        at = T0 + timedelta(minutes=minute)
        click = make_click(world, at, publisher=own_pub, aff_sub="kw-a" if minute else "kw-b")
        moments.append(at)
        if minute == 0:
            make_conversion(click, at, status=Status.APPROVED, revenue="10.00", payout="8.00")
    moments += other_offer_traffic(world, T0 + timedelta(hours=2))
    rollup(network, moments)
    return moments


def get(network, user, path):
    return client_for(network, user).get(path)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def xlsx_rows(response) -> list[list[str]]:
    """The cells of the first sheet (inline strings and numbers), row by row."""
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", sheet):
        rows.append(re.findall(r"<(?:t|v)(?: [^>]*)?>([^<]*)</(?:t|v)>", row))
    return rows


def test_it_shows_the_admin_every_publisher(network, owner, world, traffic):
    response = get(network, owner, f"/manage/reports/?{MARCH}&group_by=publisher")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alpha Media" in body
    assert "Other Media" in body
    assert "Profit" in body and "Revenue" in body


def test_it_shows_an_advertiser_only_their_offers(network, advertiser_user, world, traffic):
    response = get(network, advertiser_user, f"/advertiser/reports/?{MARCH}&group_by=offer")
    body = response.content.decode()
    assert world["offer"].name in body
    assert "Other Offer" not in body
    assert "Cost" in body and "ROAS" in body
    assert "Profit" not in body and "Margin" not in body
    rows = csv_rows(
        get(network, advertiser_user, f"/advertiser/reports/?{MARCH}&group_by=publisher&export=csv")
    )
    assert [row[0] for row in rows[1:]] == [f"Alpha Media (#{world['offer_access'].publisher.pk})"]
    assert rows[1][2] == "3"  # clicks


def test_it_shows_a_publisher_only_their_rows_and_no_network_money(
    network, publisher_user, world, traffic
):
    path = f"/publisher/reports/?{MARCH}&group_by=offer"
    body = get(network, publisher_user, path).content.decode()
    table = body.split("<table")[1]
    assert world["offer"].name in table
    assert "Other Offer" not in table
    assert "Earnings" in body
    for word in ("Revenue", "Profit", "Margin", "Cost", "ROAS"):
        assert word not in body
    header, *rows = csv_rows(get(network, publisher_user, path + "&export=csv"))
    assert header == [
        "Offer",
        "Currency",
        "Clicks",
        "Unique clicks",
        "Impressions",
        "Conversions",
        "CR",
        "Earnings",
        "EPC",
    ]
    name = f"{world['offer'].name} (#{world['offer'].pk})"
    assert rows == [[name, "USD", "3", "3", "0", "1", "0.3333", "8.00", "2.6667"]]
    sheet = xlsx_rows(get(network, publisher_user, path + "&export=xlsx"))
    assert sheet[0] == header
    assert len(sheet) == 2


def test_it_refuses_a_publisher_the_groups_and_filters_of_others(network, publisher_user, world):
    response = get(network, publisher_user, f"/publisher/reports/?{MARCH}&group_by=publisher")
    assert response.status_code == 200
    assert response.context["table"] is None
    assert "group_by" in response.context["filter"].form.errors


@pytest.mark.parametrize(
    "group_by", ["date", "hour", "offer", "goal", "publisher", "landing_page", "country", "device"]
)
def test_every_grouping_shows_its_rows_with_names(network, owner, world, traffic, group_by):
    body = get(network, owner, f"/manage/reports/?{MARCH}&group_by={group_by}").content.decode()
    rows = body.split("<tbody")[1].split("</tbody>")[0]
    assert rows.count("<tr") >= 1 and "No traffic" not in rows
    if group_by in ("offer", "publisher"):
        named = world["offer"].name if group_by == "offer" else "Alpha Media"
        assert f"{named} (#" in rows  # the name from the filter's options


def test_it_groups_dates_in_the_networks_time_zone(network, owner, world):
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 06:30 on the 11th in Ho Chi Minh City
    make_click(world, late)
    rollup(network, [late])
    rows = csv_rows(get(network, owner, f"/manage/reports/?{MARCH}&group_by=date&export=csv"))
    assert [row[:3] for row in rows[1:]] == [["2026-03-11", "USD", "1"]]
    rows = csv_rows(get(network, owner, f"/manage/reports/?{MARCH}&group_by=hour&export=csv"))
    assert [row[0] for row in rows[1:]] == ["2026-03-11 06:00"]
    # A local day is not a UTC day: the 10th (local) ends at 17:00 UTC.
    day = "preset=custom&date_from=2026-03-10&date_to=2026-03-10"
    rows = csv_rows(get(network, owner, f"/manage/reports/?{day}&export=csv"))
    assert rows[1:] == []


def test_its_totals_row_is_the_sum_of_the_rows(network, owner, world, traffic):
    with scope(network=network):
        args = {
            "role_scope": {},
            "group_by": "publisher",
            "start": datetime(2026, 3, 1, tzinfo=UTC),
            "end": datetime(2026, 4, 1, tzinfo=UTC),
            "filters": {},
            "tz": "Asia/Ho_Chi_Minh",
        }
        rows = list(report_rows(network, **args))
        totals = report_totals(network, **args)
    assert len(rows) == 2
    assert totals.clicks == sum(row["clicks"] for row in rows) == 8
    assert totals.conversions == sum(row["conversions"] for row in rows) == 3
    assert totals.revenue == sum(row["revenue"] for row in rows) == Decimal("50.00")
    assert totals.profit == Decimal("12.00")
    body = get(network, owner, f"/manage/reports/?{MARCH}&group_by=publisher").content.decode()
    footer = body.split("<tfoot")[1]
    assert "Total" in footer
    assert "50.00 USD" in footer and "12.00 USD" in footer
    assert "37.5%" in footer  # CR: 3 conversions / 8 unique clicks


@pytest.mark.parametrize(
    ("preset", "first", "last"),
    [
        ("today", date(2026, 3, 15), date(2026, 3, 15)),
        ("yesterday", date(2026, 3, 14), date(2026, 3, 14)),
        ("last_7_days", date(2026, 3, 9), date(2026, 3, 15)),
        ("this_month", date(2026, 3, 1), date(2026, 3, 15)),
        ("last_month", date(2026, 2, 1), date(2026, 2, 28)),
        ("last_30_days", date(2026, 2, 14), date(2026, 3, 15)),
    ],
)
def test_it_computes_the_presets(preset, first, last):
    assert preset_days(preset, date(2026, 3, 15)) == (first, last)


def test_its_presets_use_the_networks_today(network, owner, world):
    import time_machine

    # 20:00 UTC on the 15th is the 16th in Ho Chi Minh City: "today" is the 16th there.
    at = datetime(2026, 3, 15, 20, tzinfo=UTC)
    make_click(world, at)
    rollup(network, [at])
    with time_machine.travel(at + timedelta(minutes=5), tick=False):
        response = get(network, owner, "/manage/reports/?preset=today")
    assert response.context["days"] == (date(2026, 3, 16), date(2026, 3, 16))
    assert response.context["table"].totals.clicks == 1


def test_it_needs_one_publisher_for_a_sub_id_report(network, owner, world, traffic):
    response = get(network, owner, f"/manage/reports/?{MARCH}&group_by=aff_sub")
    assert response.context["table"] is None
    assert "one publisher" in response.content.decode()
    with scope(network=network), pytest.raises(ReportError):
        report_rows(
            network,
            role_scope={},
            group_by="aff_sub",
            start=T0,
            end=T0 + timedelta(days=1),
            filters={},
            tz="UTC",
        )


def test_its_sub_id_report_matches_the_raw_clicks(network, owner, publisher_user, world, traffic):
    publisher = world["offer_access"].publisher
    path = f"/manage/reports/?{MARCH}&group_by=aff_sub&publisher={publisher.pk}&export=csv"
    header, *rows = csv_rows(get(network, owner, path))
    assert header[:6] == [
        "aff_sub",
        "Currency",
        "Clicks",
        "Unique clicks",
        "Impressions",
        "Conversions",
    ]
    assert [row[:6] for row in rows] == [
        ["kw-a", "USD", "2", "2", "0", "0"],
        ["kw-b", "USD", "1", "1", "0", "1"],
    ]
    page = get(network, owner, path.replace("&export=csv", "")).content.decode()
    assert f'<option value="{publisher.pk}" selected>{publisher.name}</option>' in page
    own_path = f"/publisher/reports/?{MARCH}&group_by=aff_sub&export=csv"
    own = csv_rows(get(network, publisher_user, own_path))
    assert [row[:3] for row in own[1:]] == [["kw-a", "USD", "2"], ["kw-b", "USD", "1"]]
    assert own[2][7] == "8.00"  # earnings of kw-b's conversion


def test_its_csv_export_has_every_filtered_row_and_escapes_formulas(
    network, owner, publisher_user, world
):
    publisher = world["offer_access"].publisher
    moments = [T0 + timedelta(hours=h) for h in range(60)]
    for at in moments:
        make_click(world, at, aff_sub="=HYPERLINK(1)")
    make_click(world, T0, offer=world["other_offer"], publisher=world["other_publisher"])
    rollup(network, moments)
    path = f"/manage/reports/?{MARCH}&group_by=hour&publisher={publisher.pk}"
    page = get(network, owner, path)
    assert len(page.context["table"].page.object_list) == 50
    response = get(network, owner, path + "&sort=-label&export=csv")
    assert response.streaming
    rows = csv_rows(response)
    assert len(rows) == 61
    assert rows[1][0] > rows[-1][0]  # the page's sort
    assert {row[2] for row in rows[1:]} == {"1"}
    subs = csv_rows(
        get(network, publisher_user, f"/publisher/reports/?{MARCH}&group_by=aff_sub&export=csv")
    )
    assert subs[1][0] == "'=HYPERLINK(1)"
    sheet = xlsx_rows(
        get(network, publisher_user, f"/publisher/reports/?{MARCH}&group_by=aff_sub&export=xlsx")
    )
    assert sheet[1][0] == "'=HYPERLINK(1)"
    assert "<f>" not in str(sheet)


def test_its_xlsx_export_has_the_csv_rows(network, owner, world, traffic):
    path = f"/manage/reports/?{MARCH}&group_by=publisher"
    rows = csv_rows(get(network, owner, path + "&export=csv"))
    response = get(network, owner, path + "&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = xlsx_rows(response)
    assert sheet[0] == rows[0]
    assert [row[0] for row in sheet[1:]] == [row[0] for row in rows[1:]]
    assert [Decimal(row[2]) for row in sheet[1:]] == [Decimal(row[2]) for row in rows[1:]]


def test_it_never_shows_another_networks_rows(network, owner, world, traffic, other_network):
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    beta = make_world(other_network, admin, money=False)
    make_click(beta, T0)
    rollup(other_network, [T0])
    rows = csv_rows(get(network, owner, f"/manage/reports/?{MARCH}&group_by=offer&export=csv"))
    names = " ".join(row[0] for row in rows[1:])
    assert "World Offer beta" not in names
    assert sum(int(row[2]) for row in rows[1:]) == 8
    beta_rows = csv_rows(
        get(other_network, admin, f"/manage/reports/?{MARCH}&group_by=offer&export=csv")
    )
    assert [row[2] for row in beta_rows[1:]] == ["1"]
