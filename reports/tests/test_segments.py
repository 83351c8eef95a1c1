"""Two groupings at once (segments): the figures against sums over the raw clicks and
conversions, the totals against the one-grouping report, each role's pairs on the page, the
API and the exports, and the attacks (a publisher grouping, another publisher's rows)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scope, scopes_disabled

from conftest import client_for
from network.tests.api import api_client, key_for
from reports.query import PAIRS, ReportError, is_sub_group, report_rows, report_totals
from reports.rollup import rollup_hours
from reports.tests.helpers import (
    hour_of,
    make_click,
    make_conversion,
    make_traffic,
    other_offer_traffic,
    two_shops_world,
)
from tracking.models import Click, Conversion

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 3, 10, tzinfo=HCM)  # a local midnight: days 10 and 11 in the zone
HOURS = 30
MARCH = "preset=custom&date_from=2026-03-01&date_to=2026-03-31"
APPROVED, PENDING = Conversion.Status.APPROVED, Conversion.Status.PENDING
MONTH = {
    "start": datetime(2026, 3, 1, tzinfo=HCM),
    "end": datetime(2026, 4, 1, tzinfo=HCM),
    "filters": {},
    "tz": "Asia/Ho_Chi_Minh",
}


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    return two_shops_world(network, owner, media={"country": "US"})


def roll_up_all(network) -> None:
    with scopes_disabled():
        moments = list(Click.objects.filter(network=network).values_list("created_at", flat=True))
        moments += Conversion.objects.filter(network=network).values_list("created_at", flat=True)
    with scope(network=network):
        rollup_hours(network, sorted({hour_of(m) for m in moments}))


@pytest.fixture
def traffic(world, network):
    """make_traffic's random day and a half (two publishers, countries, devices, every status,
    sale amounts), Other Media on Other Offer, sub ids on the clicks; rolled up."""
    make_traffic(world, START, HOURS)
    other_offer_traffic(world, START + timedelta(hours=3))
    with scopes_disabled():
        for number, pk in enumerate(Click.objects.order_by("pk").values_list("pk", flat=True)):
            Click.objects.filter(pk=pk).update(aff_sub=f"kw-{number % 3}")
    roll_up_all(network)


def raw_sums(network, key_of, *, by_click: bool = False) -> dict[tuple, dict]:
    """Clicks, conversions and money per key, from the raw rows: accepted clicks by their
    own key; approved and pending conversions by the key of their click (its country, landing
    page...) and, as the rollups count them, on their own date (`by_click`: on the click's,
    as the sub id report does)."""
    sums: dict[tuple, dict] = defaultdict(
        lambda: {"clicks": 0, "conversions": 0, "revenue": Decimal(0), "payout": Decimal(0)}
    )
    with scopes_disabled():
        for click in Click.objects.filter(network=network, status=Click.Status.ACCEPTED):
            sums[key_of(click, click.created_at)]["clicks"] += 1
        conversions = Conversion.objects.filter(network=network, status__in=[APPROVED, PENDING])
        for conversion in conversions.select_related("click"):
            click = conversion.click
            moment = click.created_at if by_click else conversion.created_at
            row = sums[key_of(click, moment)]
            row["conversions"] += 1
            if conversion.status == APPROVED:
                row["revenue"] += conversion.revenue
                row["payout"] += conversion.payout
    return counted(sums)


def counted(sums: dict[tuple, dict]) -> dict[tuple, dict]:
    """The keys with something counted (a report also has rows of rejected clicks or
    conversions alone, which these four figures do not show)."""
    return {key: row for key, row in sums.items() if any(row.values())}


def report_sums(network, **args) -> dict[tuple, dict]:
    with scope(network=network):
        rows = list(report_rows(network, role_scope=args.pop("role_scope", {}), **MONTH, **args))
    return counted(
        {
            (row["key"], row["key2"]): {
                "clicks": row["clicks"],
                "conversions": row["conversions"],
                "revenue": row["revenue"] or Decimal(0),
                "payout": row["payout"] or Decimal(0),
            }
            for row in rows
        }
    )


def test_publisher_by_country_is_the_sum_of_the_raw_rows(network, world, traffic):
    expected = raw_sums(network, lambda click, _at: (click.publisher_id, click.country))
    assert report_sums(network, group_by="publisher", then_by="country") == expected
    assert len(expected) >= 8  # three publishers, four countries (and unknown)


def test_date_by_offer_is_the_sum_of_the_raw_rows(network, world, traffic):
    expected = raw_sums(network, lambda click, at: (at.astimezone(HCM).date(), click.offer_id))
    assert report_sums(network, group_by="date", then_by="offer") == expected
    assert {day for day, _offer in expected} == {START.date(), START.date() + timedelta(days=1)}


def test_a_sub_id_by_country_is_the_sum_of_the_clicks_of_one_publisher(network, world, traffic):
    publisher = world["offer_access"].publisher
    expected = {
        key[1:]: sums
        for key, sums in raw_sums(
            network,
            lambda click, _at: (click.publisher_id, click.aff_sub, click.country),
            by_click=True,
        ).items()
        if key[0] == publisher.pk
    }
    found = report_sums(
        network, group_by="aff_sub", then_by="country", role_scope={"publisher_id": publisher.pk}
    )
    assert found == expected


@pytest.mark.parametrize(
    ("group_by", "then_by", "role_scope"),
    [
        ("publisher", "country", {}),
        ("offer", "publisher", {}),
        ("date", "offer", {}),
        ("offer", "landing_page", {}),
        ("country", "device", {}),
        ("aff_sub", "date", "publisher"),
        ("offer", "source", "publisher"),
    ],
)
def test_the_totals_are_those_of_the_one_grouping_report(
    network, world, traffic, group_by, then_by, role_scope
):
    """The first grouping's; with a sub id or source, the sub id report's (the clicks of one
    publisher, conversions on the click's day)."""
    if role_scope == "publisher":
        role_scope = {"publisher_id": world["offer_access"].publisher.pk}
    alone = then_by if is_sub_group(then_by) else group_by
    with scope(network=network):
        args = {"role_scope": role_scope, **MONTH}
        one = report_totals(network, group_by=alone, **args)
        two = report_totals(network, group_by=group_by, then_by=then_by, **args)
        rows = list(report_rows(network, group_by=group_by, then_by=then_by, **args))
    assert two == one
    assert sum(row["clicks"] for row in rows) == one.clicks
    assert sum(row["revenue"] or 0 for row in rows) == one.revenue
    assert sum(row["payout"] or 0 for row in rows) == one.payout


def test_the_service_refuses_a_pair_no_source_holds(network, world):
    assert ("goal", "aff_sub") not in PAIRS and ("date", "hour") not in PAIRS
    with scope(network=network):
        for group_by, then_by in (("goal", "aff_sub"), ("date", "hour"), ("offer", "offer")):
            with pytest.raises(ReportError):
                report_rows(
                    network,
                    role_scope={"publisher_id": 1},
                    group_by=group_by,
                    then_by=then_by,
                    **MONTH,
                )


# --- The pages and their exports --------------------------------------------------------------


def get(network, user, path):
    return client_for(network, user).get(path)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def small(world, network):
    """Alpha Media: 2 clicks from VN (one approved sale: 10.00 revenue, 8.00 payout, 50.00
    sale amount), 1 from US with sub id kw-b. Other Media on Other Offer: 5 clicks (2
    approved sales)."""
    at = datetime(2026, 3, 10, 1, tzinfo=UTC)
    first = make_click(world, at, country="VN", aff_sub="kw-a")
    make_conversion(first, at, status=APPROVED, sale_amount="50.00")
    make_click(world, at, country="VN", aff_sub="kw-a")
    make_click(world, at, country="US", aff_sub="kw-b")
    other_offer_traffic(world, at)
    roll_up_all(network)


def test_an_admin_reads_publisher_by_country_with_its_exports(network, owner, world, small):
    path = f"/manage/reports/?{MARCH}&group_by=publisher&then_by=country"
    page = get(network, owner, path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Two groupings at once" in body
    table = body.split("<table")[1]
    assert "Alpha Media" in table and "Other Media" in table
    footer = body.split("<tfoot")[1]
    one = get(network, owner, f"/manage/reports/?{MARCH}&group_by=publisher").content.decode()
    # The totals row is the one-grouping report's (its cells after the group's).
    cells = footer.split("</tr>")[0].split("<td")[3:]
    assert cells == one.split("<tfoot")[1].split("</tr>")[0].split("<td")[2:]
    assert "8</td>" in cells[0] and "50.00 USD" in str(cells)
    header, *rows = csv_rows(get(network, owner, path + "&export=csv"))
    assert header[:4] == ["Publisher", "Country", "Currency", "Clicks"]
    alpha = f"Alpha Media (#{world['offer_access'].publisher.pk})"
    other = f"Other Media (#{world['other_publisher'].pk})"
    assert [row[:4] for row in rows] == [
        [alpha, "US", "USD", "1"],
        [alpha, "VN", "USD", "2"],
        [other, "(none)", "USD", "5"],
    ]
    revenue = header.index("Revenue")
    assert [row[revenue] for row in rows] == ["0.00", "10.00", "40.00"]
    # Sorted by the second grouping, as the page's header link asks, in the export too.
    by_country = csv_rows(get(network, owner, path + "&sort=-label2&export=csv"))
    assert [row[1] for row in by_country[1:]] == ["VN", "US", "(none)"]
    by_clicks = get(network, owner, path + "&sort=-clicks")
    assert [row["clicks"] for row in by_clicks.context["table"].page.object_list.data] == [5, 2, 1]
    response = get(network, owner, path + "&export=xlsx")
    assert response.status_code == 200
    assert (
        'filename="report-publisher-country-2026-03-01-2026-03-31.xlsx"'
        in (response["Content-Disposition"])
    )


def test_an_advertiser_reads_offer_by_publisher_of_their_offers_only(
    network, advertiser_user, world, small
):
    path = f"/advertiser/reports/?{MARCH}&group_by=offer&then_by=publisher&export=csv"
    header, *rows = csv_rows(get(network, advertiser_user, path))
    assert header[:3] == ["Offer", "Publisher", "Currency"]
    assert "ROAS" in header and "ROI" in header
    offer = f"{world['offer'].name} (#{world['offer'].pk})"
    alpha = f"Alpha Media (#{world['offer_access'].publisher.pk})"
    assert [row[:4] for row in rows] == [[offer, alpha, "USD", "3"]]
    assert rows[0][header.index("ROAS")] == "5.0000"
    assert rows[0][header.index("ROI")] == "4.0000"
    # An advertiser never splits by sub id or source, first or second.
    refused = get(network, advertiser_user, f"/advertiser/reports/?{MARCH}&then_by=aff_sub")
    assert refused.context["table"] is None
    assert "then_by" in refused.context["filter"].form.errors


def test_a_publisher_reads_a_sub_id_by_country(network, publisher_user, world, small):
    path = f"/publisher/reports/?{MARCH}&group_by=aff_sub&then_by=country&export=csv"
    header, *rows = csv_rows(get(network, publisher_user, path))
    assert header[:4] == ["aff_sub", "Country", "Currency", "Clicks"]
    assert [row[:4] for row in rows] == [["kw-a", "VN", "USD", "2"], ["kw-b", "US", "USD", "1"]]
    assert [row[header.index("Earnings")] for row in rows] == ["8.00", "0.00"]


def test_a_publisher_may_not_split_by_publisher_nor_read_another_publishers_rows(
    network, publisher_user, world, small
):
    for then_by in ("publisher", "nonsense"):
        response = get(network, publisher_user, f"/publisher/reports/?{MARCH}&then_by={then_by}")
        assert response.status_code == 200
        assert response.context["table"] is None
        assert "then_by" in response.context["filter"].form.errors
        assert "Other Media" not in response.content.decode()
    # The publisher filter is not theirs to set: it is ignored, the rows stay their own.
    other = world["other_publisher"].pk
    path = f"/publisher/reports/?{MARCH}&group_by=offer&then_by=country&publisher={other}"
    rows = csv_rows(get(network, publisher_user, path + "&export=csv"))
    assert "Other Offer" not in str(rows)
    assert sum(int(row[3]) for row in rows[1:]) == 3
    # The API answers the same 400, with the reason, and no rows.
    client = api_client(network, key_for(network, publisher_user))
    query = {"start": "2026-03-01", "end": "2026-03-31", "group_by": "offer"}
    refused = client.get("/api/v1/publisher/stats/", {**query, "then_by": "publisher"})
    assert refused.status_code == 400
    assert "then_by" in refused.json()["error"]["fields"]
    assert "rows" not in refused.json()


def test_an_impossible_pair_is_a_form_error_with_the_reason(network, owner, world, small):
    publisher = world["offer_access"].publisher.pk
    response = get(
        network,
        owner,
        f"/manage/reports/?{MARCH}&group_by=goal&then_by=aff_sub&publisher={publisher}",
    )
    assert response.context["table"] is None
    assert "There is no report by Goal and aff_sub" in response.content.decode()
    same = get(network, owner, f"/manage/reports/?{MARCH}&group_by=offer&then_by=offer")
    assert "then_by" in same.context["filter"].form.errors
    # A sub id second still needs one publisher, as a sub id first does.
    sub = get(network, owner, f"/manage/reports/?{MARCH}&group_by=offer&then_by=aff_sub")
    assert sub.context["table"] is None and "one publisher" in sub.content.decode()


# --- The API --------------------------------------------------------------------------------


def test_the_api_gives_the_pages_segments(network, owner, advertiser_user, world, small):
    client = api_client(network, key_for(network, owner))
    query = {"start": "2026-03-01", "end": "2026-03-31", "group_by": "publisher"}
    body = client.get("/api/v1/admin/stats/", {**query, "then_by": "country"}).json()
    assert body["then_by"] == "country"
    assert [(r["name"], r["key2"], r["clicks"]) for r in body["rows"]] == [
        ("Alpha Media", "US", 1),
        ("Alpha Media", "VN", 2),
        ("Other Media", "", 5),
    ]
    one = client.get("/api/v1/admin/stats/", query).json()
    assert body["totals"] == one["totals"]
    assert one["then_by"] is None and one["rows"][0]["key2"] is None
    adv = api_client(network, key_for(network, advertiser_user))
    answer = adv.get(
        "/api/v1/advertiser/stats/", {**query, "group_by": "date", "then_by": "offer"}
    ).json()
    assert [(r["key"], r["name2"], r["roas"], r["roi"]) for r in answer["rows"]] == [
        ("2026-03-10", world["offer"].name, "5.0000", "4.0000")
    ]
    refused = adv.get("/api/v1/advertiser/stats/", {**query, "then_by": "source"})
    assert refused.status_code == 400 and "then_by" in refused.json()["error"]["fields"]


def test_roi_is_beside_roas_wherever_roas_is_shown():
    """Report columns (pages, exports, the API's KPI fields) and the advertiser's cards."""
    from reports.tables import ROLE_COLUMNS
    from reports.views_advertiser import ADVERTISER_MEASURES

    for columns in ROLE_COLUMNS.values():
        if "roas" in columns:
            assert columns[columns.index("roas") + 1] == "roi"
    kinds = {str(measure.label): measure.kind for measure in ADVERTISER_MEASURES}
    assert kinds["ROAS"] == "multiple" and kinds["ROI"] == "ratio"
