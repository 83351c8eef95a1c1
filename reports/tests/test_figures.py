"""Figures that do not confuse: today against yesterday up to the same time, a CR that is a
share of clicks (never above 100 %), ROAS as a multiple with ROI beside it, and one name for
each role's money on every page and export."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_scopes import scope

from conftest import client_for, make_world
from reports.rollup import rollup_network
from reports.tests.helpers import make_click, make_conversion
from tracking.models import Conversion
from tracking.tests.helpers import add_goal

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZONE)  # 03:30 UTC
TODAY, YESTERDAY = date(2026, 3, 10), date(2026, 3, 9)
MARCH = "preset=custom&date_from=2026-03-01&date_to=2026-03-31"
Status = Conversion.Status


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    network.timezone = "Asia/Ho_Chi_Minh"
    network.save(update_fields=["timezone"])
    return make_world(network, owner, money=False)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def roll_up(network) -> None:
    with time_machine.travel(NOW, tick=False), scope(network=network):
        rollup_network(network)


def get(network, user, path: str):
    with time_machine.travel(NOW, tick=False):
        return client_for(network, user).get(path)


def card_line(response, period: str, label: str):
    card = next(c for c in response.context["cards"] if c.period.key == period)
    return next(line for line in card.lines if str(line.label) == label)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def header_cells(body: str) -> list[str]:
    """The texts of the first table's header cells."""
    head = body.split("<thead")[1].split("</thead>")[0]
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    ]


# --- Today against yesterday up to the same time ------------------------------------------


def test_today_is_compared_with_yesterday_up_to_the_same_time_of_day(world, network, owner):
    # Yesterday: one click in a whole hour before 10:30, two in 10:00-11:00 (half of that
    # hour had passed at 10:30: one click's worth), and one in the afternoon.
    for moment in (at(YESTERDAY, 9, 10), at(YESTERDAY, 10, 5), at(YESTERDAY, 10, 50)):
        make_click(world, moment)
    make_click(world, at(YESTERDAY, 15))
    # Today up to 10:30: two clicks, as many as yesterday up to 10:30.
    make_click(world, at(TODAY, 9, 20))
    make_click(world, at(TODAY, 10, 5))
    roll_up(network)

    response = get(network, owner, "/manage/")

    clicks = card_line(response, "today", "Clicks")
    assert clicks.text == "2"
    assert clicks.change == 0  # not -50 % against the whole of yesterday's 4 clicks
    assert card_line(response, "yesterday", "Clicks").text == "4"  # yesterday itself: whole
    body = response.content.decode()
    assert "Against yesterday up to 10:30" in body
    assert "Against the day before" in body


def test_today_before_yesterdays_first_click_hour_compares_with_nothing(world, network, owner):
    make_click(world, at(YESTERDAY, 11))
    make_click(world, at(TODAY, 9))
    roll_up(network)

    response = get(network, owner, "/manage/")

    # Yesterday had no click before 10:30: no change to show (not -75 %, not +inf).
    assert card_line(response, "today", "Clicks").change is None


def test_the_comparison_follows_the_time_of_day_of_each_role(world, network, publisher_user):
    make_click(world, at(YESTERDAY, 8))
    make_click(world, at(YESTERDAY, 20))
    make_click(world, at(TODAY, 8, 15))
    make_click(world, at(TODAY, 9, 15))
    roll_up(network)

    response = get(network, publisher_user, "/publisher/")

    assert card_line(response, "today", "Clicks").change == 1  # 2 against 1: +100 %


# --- CR: a share of clicks -----------------------------------------------------------------


def test_one_click_with_two_goals_is_a_cr_of_100_percent(world, network, publisher_user, owner):
    lead = add_goal(world["offer"], "Lead", revenue=2, payout=1)
    click = make_click(world, at(TODAY, 9), aff_sub="kw")
    make_conversion(click, at(TODAY, 9, 5), status=Status.APPROVED)
    make_conversion(click, at(TODAY, 9, 10), status=Status.PENDING, goal=lead)
    roll_up(network)

    report = get(network, publisher_user, f"/publisher/reports/?{MARCH}&group_by=offer")
    body = report.content.decode()
    row = body.split("<tbody")[1].split("</tr>")[0]
    assert "100%" in row and "200%" not in body
    header, *rows = csv_rows(
        get(network, publisher_user, f"/publisher/reports/?{MARCH}&group_by=offer&export=csv")
    )
    assert rows[0][header.index("Conversions")] == "2"
    assert rows[0][header.index("CR")] == "1.0000"
    # By sub id (the raw clicks) and on the dashboard, the same.
    by_sub = get(network, publisher_user, f"/publisher/reports/?{MARCH}&group_by=aff_sub")
    assert "100%" in by_sub.content.decode()
    dashboard = get(network, publisher_user, "/publisher/")
    assert card_line(dashboard, "today", "CR").text == "100%"
    # The table says what CR counts.
    assert "A click that converts on two goals counts once" in body
    admin = get(network, owner, f"/manage/reports/?{MARCH}&group_by=date").content.decode()
    assert "200%" not in admin and "100%" in admin


# --- ROAS and ROI --------------------------------------------------------------------------


def test_roas_is_a_multiple_with_roi_beside_it(world, network, advertiser_user, owner):
    click = make_click(world, at(TODAY, 9))
    make_conversion(
        click, at(TODAY, 9, 5), status=Status.APPROVED, revenue="10.00", sale_amount="350.30"
    )
    roll_up(network)

    dashboard = get(network, advertiser_user, "/advertiser/")
    assert card_line(dashboard, "today", "ROAS").text == "35.0x"
    assert card_line(dashboard, "today", "ROI").text == "3,403%"
    offers = dashboard.content.decode().split(f'data-offer="{world["offer"].pk}"')[1]
    assert "35.0x" in offers.split("</tr>")[0] and "3,403%" in offers.split("</tr>")[0]
    for user, path in ((advertiser_user, "/advertiser/reports/"), (owner, "/manage/reports/")):
        body = get(network, user, f"{path}?{MARCH}&group_by=offer").content.decode()
        assert "35.0x" in body and "3,403%" in body and "3,503" not in body
        assert header_cells(body)[-2:] == ["ROAS", "ROI"]
    header, row = csv_rows(
        get(network, advertiser_user, f"/advertiser/reports/?{MARCH}&group_by=offer&export=csv")
    )
    assert (row[header.index("ROAS")], row[header.index("ROI")]) == ("35.0300", "34.0300")


def test_roas_is_written_in_the_language(world, network, advertiser_user):
    network.language = "vi"
    network.save(update_fields=["language"])
    click = make_click(world, at(TODAY, 9))
    make_conversion(
        click, at(TODAY, 9, 5), status=Status.APPROVED, revenue="10.00", sale_amount="350.30"
    )
    roll_up(network)
    dashboard = get(network, advertiser_user, "/advertiser/")
    assert card_line(dashboard, "today", "ROAS").text == "35,0x"


# --- One name for each role's money --------------------------------------------------------


def test_an_advertiser_reads_cost_on_every_page_and_export(world, network, advertiser_user):
    click = make_click(world, at(TODAY, 9))
    make_conversion(click, at(TODAY, 9, 5), status=Status.APPROVED, revenue="10.00")
    roll_up(network)

    pages = {
        path: get(network, advertiser_user, path).content.decode()
        for path in ("/advertiser/", f"/advertiser/reports/?{MARCH}", "/advertiser/conversions/")
    }
    for path, body in pages.items():
        assert "Spend" not in body and "Pending spend" not in body, path
        assert "Cost" in header_cells(body) or ">Cost<" in body, path
        assert "Revenue" not in header_cells(body), path
    dashboard = get(network, advertiser_user, "/advertiser/")
    assert card_line(dashboard, "today", "Cost").text == "10.00 USD"
    assert card_line(dashboard, "today", "Pending cost").text == "0.00 USD"
    header = csv_rows(get(network, advertiser_user, f"/advertiser/reports/?{MARCH}&export=csv"))[0]
    assert "Cost" in header and "Revenue" not in header


def test_a_publisher_reads_earnings_on_every_page_and_export(world, network, publisher_user):
    click = make_click(world, at(TODAY, 9))
    make_conversion(click, at(TODAY, 9, 5), status=Status.APPROVED, payout="8.00")
    roll_up(network)

    for path in (f"/publisher/reports/?{MARCH}", "/publisher/conversions/"):
        cells = header_cells(get(network, publisher_user, path).content.decode())
        assert "Earnings" in cells and "Payout" not in cells, path
    header = csv_rows(get(network, publisher_user, f"/publisher/reports/?{MARCH}&export=csv"))[0]
    assert "Earnings" in header and "Payout" not in header
