"""GET .../stats/: the report page's numbers as JSON, each role its own rows and columns, the
same choices judged the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_member
from network.models import Membership, Role
from network.tests.api import api_client, key_for
from reports.rollup import rollup_hours
from reports.tests.helpers import (
    hour_of,
    make_click,
    make_conversion,
    other_offer_traffic,
    two_shops_world,
)
from tracking.models import Conversion

pytestmark = pytest.mark.django_db

STATS = "/api/v1/publisher/stats/"
# Each role asks its own namespace; the others answer it 403 (test_api_matrix).
STATS_OF = {
    "owner": "/api/v1/admin/stats/",
    "manager": "/api/v1/admin/stats/",
    "advertiser": "/api/v1/advertiser/stats/",
    "publisher": STATS,
}


def stats_url(network, user) -> str:
    with scopes_disabled():
        return STATS_OF[Membership.objects.get(network=network, user=user).role]


T0 = datetime(2026, 3, 10, 1, tzinfo=UTC)
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
PAGES = {"owner": "/manage/reports/", "advertiser": "/advertiser/reports/"}
PAGES["publisher"] = "/publisher/reports/"
APPROVED = Conversion.Status.APPROVED


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """Alpha Shop's offer run by Alpha Media (the role fixtures' companies); Other Shop's
    offer run by Other Media."""
    return two_shops_world(network, owner, media={})


@pytest.fixture
def traffic(world, network):
    """Alpha Media on Alpha Shop's offer: 3 clicks (aff_sub kw-a twice, kw-b once), 1 approved
    sale (payout 8.00, revenue 10.00) and 1 pending; Other Media on Other Offer: 5 clicks, 2
    approved sales (15.00 / 20.00). Rolled up."""
    moments = []
    for minute in range(3):
        at = T0 + timedelta(minutes=minute)
        click = make_click(world, at, aff_sub="kw-a" if minute else "kw-b", country="VN")
        moments.append(at)
        if minute == 0:
            make_conversion(click, at, status=APPROVED, sale_amount="120.00")
        if minute == 1:
            make_conversion(click, at, revenue="3.00", payout="2.50")
    moments += other_offer_traffic(world, T0 + timedelta(hours=2))
    with scope(network=network):
        rollup_hours(network, [hour_of(m) for m in moments])
    return moments


def stats(network, user, **params):
    client = api_client(network, key_for(network, user))
    return client.get(stats_url(network, user), {**MARCH, **params})


def page_csv(network, user, role: str, **params) -> list[list[str]]:
    """The report page's CSV export for the same query (dates as the page names them)."""
    import csv
    import io

    query = {"preset": "custom", "date_from": MARCH["start"], "date_to": MARCH["end"]}
    query.update(params, export="csv")
    response = client_for(network, user).get(PAGES[role], query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def as_cells(body: dict) -> list[list[str]]:
    """The API's rows as the CSV writes them: the values of the role's columns."""
    cells = []
    for row in body["rows"]:
        values = [row[kpi] for kpi in body["columns"]]
        cells.append([row["currency"], *("" if v is None else str(v) for v in values)])
    return cells


@pytest.mark.parametrize("role", ["owner", "advertiser", "publisher"])
@pytest.mark.parametrize("group_by", ["offer", "date", "hour", "country", "publisher"])
def test_the_rows_are_the_report_pages_numbers(
    network, world, traffic, owner, advertiser_user, publisher_user, role, group_by
):
    if role == "publisher" and group_by == "publisher":
        group_by = "aff_sub"  # a publisher has no publisher grouping; the sub id report instead
    user = {"owner": owner, "advertiser": advertiser_user, "publisher": publisher_user}[role]
    response = stats(network, user, group_by=group_by)
    assert response.status_code == 200, response.content
    body = response.json()
    header, *page_rows = page_csv(network, user, role, group_by=group_by)
    assert len(body["columns"]) == len(header) - 2  # group, currency, then the KPIs
    assert as_cells(body) == [row[1:] for row in page_rows]
    assert body["rows"], "the traffic shows in every grouping"
    assert (body["group_by"], body["start"], body["end"]) == (group_by, "2026-03-01", "2026-03-31")


def test_each_role_sees_its_own_scope_and_columns(
    network, world, traffic, owner, advertiser_user, publisher_user
):
    mine = stats(network, publisher_user, group_by="offer").json()
    assert [row["key"] for row in mine["rows"]] == [str(world["offer"].pk)]
    assert mine["rows"][0]["name"] == world["offer"].name
    totals = mine["totals"]
    assert (totals["clicks"], totals["conversions"], totals["payout"]) == (3, 2, "8.00")
    assert (totals["cr"], totals["epc"], totals["currency"]) == ("0.6667", "2.6667", "USD")
    for hidden in ("revenue", "profit", "margin", "sale_amount", "cpa", "roas"):
        assert hidden not in totals and hidden not in mine["rows"][0]
    theirs = stats(network, advertiser_user, group_by="publisher").json()
    assert [row["name"] for row in theirs["rows"]] == ["Alpha Media"]
    assert (theirs["totals"]["revenue"], theirs["totals"]["roas"]) == ("10.00", "12.0000")
    assert "payout" not in theirs["totals"] and "epc" not in theirs["totals"]
    everything = stats(network, owner, group_by="publisher").json()
    assert sorted(row["name"] for row in everything["rows"]) == ["Alpha Media", "Other Media"]
    assert (everything["totals"]["clicks"], everything["totals"]["profit"]) == (8, "12.00")
    assert everything["totals"]["revenue"] == "50.00"


def test_a_sub_id_report_is_the_publishers_own(network, world, traffic, publisher_user, owner):
    rows = stats(network, publisher_user, group_by="aff_sub").json()["rows"]
    assert [(r["key"], r["clicks"], r["conversions"]) for r in rows] == [
        ("kw-a", 2, 1),
        ("kw-b", 1, 1),
    ]
    # An admin names the publisher, as on the page.
    answer = stats(network, owner, group_by="aff_sub")
    assert "one publisher" in answer.json()["error"]["message"]
    other = stats(network, owner, group_by="aff_sub", publisher=world["other_publisher"].pk)
    assert [r["clicks"] for r in other.json()["rows"]] == [5]


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    return body["error"]


def test_choices_are_judged_like_on_the_report_page(
    network, world, traffic, publisher_user, advertiser_user
):
    assert error_of(stats(network, publisher_user, group_by="publisher"), 400)["fields"]["group_by"]
    backwards = stats(network, publisher_user, start="2026-03-31", end="2026-03-01")
    assert error_of(backwards, 400)["message"] == "The last day is before the first one."
    only_start = api_client(network, key_for(network, publisher_user)).get(
        STATS, {"start": "2026-03-01"}
    )
    assert "first and last day" in error_of(only_start, 400)["message"]
    assert error_of(stats(network, publisher_user, start="0001-01-01"), 400)["fields"]["start"]
    assert error_of(stats(network, publisher_user, device="toaster"), 400)["fields"]["device"]
    # Another company's offer, or a publisher who never ran the advertiser's offers.
    other_offer = world["other_offer"].pk
    assert error_of(stats(network, advertiser_user, offer=other_offer), 400)["fields"]["offer"]
    other_publisher = world["other_publisher"].pk
    refused = stats(network, advertiser_user, publisher=other_publisher)
    assert error_of(refused, 400)["fields"]["publisher"]
    assert error_of(stats(network, publisher_user, page_size=0), 400)["fields"]["page_size"]


def test_filters_narrow_the_rows_as_on_the_page(network, world, traffic, owner):
    by_offer = stats(network, owner, group_by="publisher", offer=world["other_offer"].pk).json()
    assert [row["name"] for row in by_offer["rows"]] == ["Other Media"]
    by_country = stats(network, owner, group_by="offer", country="vn").json()
    assert [row["key"] for row in by_country["rows"]] == [str(world["offer"].pk)]
    _header, *rows = page_csv(network, owner, "owner", group_by="offer", country="vn")
    assert as_cells(by_country) == [row[1:] for row in rows]
    # A period without traffic: no rows, zero totals, no currency.
    empty = stats(network, owner, start="2026-04-01", end="2026-04-30").json()
    assert empty["rows"] == [] and empty["totals"]["clicks"] == 0
    assert empty["totals"]["currency"] is None and empty["totals"]["revenue"] is None


def test_rows_come_in_pages_with_totals_of_every_row(network, world, traffic, owner):
    first = stats(network, owner, group_by="publisher", page_size=1).json()
    assert len(first["rows"]) == 1 and first["next_page"] == 2
    second = stats(network, owner, group_by="publisher", page_size=1, page=2).json()
    assert second["next_page"] is None and second["rows"] != first["rows"]
    assert first["totals"] == second["totals"] and first["totals"]["clicks"] == 8


def test_every_role_may_ask_and_outsiders_may_not(
    network, other_network, world, traffic, owner, manager
):
    assert stats(network, manager).status_code == 200
    for n, url in enumerate(sorted(set(STATS_OF.values()))):
        assert error_of(api_client(network).get(url), 401)
        stranger = make_member(other_network, Role.OWNER, f"owner{n}@beta.example")
        assert error_of(client_for(network, stranger).get(url), 404)
        assert error_of(api_client(network, key_for(other_network, stranger)).get(url), 401)
