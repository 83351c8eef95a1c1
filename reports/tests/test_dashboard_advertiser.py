"""The advertiser's dashboard: its figures agree with the raw conversions, it shows only the
advertiser's own offers, its A/B tables and cap usage say what the statistics and the
conversion path say, and it holds up with no traffic (dashes, not errors)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from conftest import client_for
from lib.formats import format_money, format_number, format_percent
from offers.models import Cap, Goal, LandingPage, Offer, OfferAccess
from reports.abtest import wilson_interval
from reports.formats import format_multiple
from reports.rollup import rollup_network
from reports.tests.helpers import make_click, make_conversion, two_shops_world
from tracking import caps
from tracking.conversions import cap_refusal
from tracking.models import Click, Conversion
from tracking.tests.helpers import add_cap
from tracking.tests.helpers import add_offer as add_live_offer

PAGE = "https://o.example/"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZONE)  # 03:30 UTC
TODAY = NOW.date()
Status = Conversion.Status

PERIODS = {
    "today": (date(2026, 3, 10), date(2026, 3, 10)),
    "yesterday": (date(2026, 3, 9), date(2026, 3, 9)),
    "this_month": (date(2026, 3, 1), date(2026, 3, 10)),
    "last_month": (date(2026, 2, 1), date(2026, 2, 28)),
}


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def add_offer(network, advertiser, name: str) -> Offer:
    """A live offer with its sale goal and a landing page named after it."""
    return add_live_offer(network, advertiser, name, page=PAGE, page_name=f"{name} page")


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """Alpha Shop's offer (the advertiser fixture's company) run by Alpha Media, and Other
    Shop's offer run by the same publisher."""
    world = two_shops_world(network, owner, page=PAGE, page_name="Other Offer page")
    other_offer = world["other_offer"]
    runner = world["offer_access"].publisher
    with scopes_disabled():
        OfferAccess.objects.create(
            network=network, offer=other_offer, publisher=runner, status="approved"
        )
    add_cap(other_offer, "conversions", 7, "stop")
    return world


def make_days(world, offer, first: date, last: date, *, seed: int) -> None:
    """A few clicks a day of `offer` (some near midnight, where UTC and local days differ)
    and conversions in every status with a sale amount, from `first` to `last`."""
    rng = random.Random(seed)
    with scopes_disabled():
        page = offer.landing_pages.first()
    day = first
    while day <= last:
        for hour in (0, 7, 23, rng.randrange(24)):
            at = local(day, hour, rng.randrange(60))
            if at > NOW:
                continue
            click = make_click(world, at, offer=offer, landing_page=page)
            if rng.random() < 0.6:
                make_conversion(
                    click,
                    min(at + timedelta(minutes=5), NOW),
                    status=rng.choice(list(Status)),
                    revenue=f"{rng.randrange(100, 900) / 100:.2f}",
                    payout=f"{rng.randrange(50, 100) / 100:.2f}",
                    sale_amount=f"{rng.randrange(1000, 9000) / 100:.2f}",
                )
        day += timedelta(days=1)


def roll_up(network) -> None:
    with time_machine.travel(NOW, tick=False), scope(network=network):
        rollup_network(network)


def get(network, user, path: str = "/advertiser/"):
    with time_machine.travel(NOW, tick=False):
        return client_for(network, user).get(path)


def raw_conversions(network, advertiser, first: date, last: date) -> dict:
    """Cost, conversions, CPA, ROAS and ROI of [first, last] (local days), from the raw rows."""
    with scopes_disabled():
        rows = Conversion.objects.filter(
            network=network,
            offer__advertiser=advertiser,
            created_at__gte=local(first, 0),
            created_at__lt=local(last + timedelta(days=1), 0),
        )
        approved = rows.filter(status=Status.APPROVED)
        sums = approved.aggregate(spend=Sum("revenue"), sale=Sum("sale_amount"))
        approved_count = approved.count()
        counted = rows.filter(status__in=[Status.APPROVED, Status.PENDING]).count()
    spend = sums["spend"] or Decimal(0)
    return {
        "spend": spend,
        "conversions": counted,
        "cpa": (spend / approved_count).quantize(Decimal("0.01")) if approved_count else None,
        "roas": (sums["sale"] / spend).quantize(Decimal("0.0001")) if spend else None,
        "roi": ((sums["sale"] - spend) / spend).quantize(Decimal("0.0001")) if spend else None,
    }


def card(response, period: str) -> dict[str, str]:
    found = next(c for c in response.context["cards"] if c.period.key == period)
    return {str(line.label): line.text for line in found.lines}


def test_the_cards_agree_with_the_raw_conversions(world, network, advertiser_user):
    make_days(world, world["offer"], date(2026, 1, 1), TODAY, seed=3)
    make_days(world, world["other_offer"], date(2026, 1, 1), TODAY, seed=4)
    roll_up(network)

    response = get(network, advertiser_user)

    assert response.status_code == 200
    for period, (first, last) in PERIODS.items():
        expected = raw_conversions(network, world["advertiser"], first, last)
        shown = card(response, period)
        assert shown["Cost"] == format_money(expected["spend"], "USD"), period
        assert shown["Conversions"] == format_number(expected["conversions"]), period
        cpa, roas, roi = expected["cpa"], expected["roas"], expected["roi"]
        assert shown["CPA"] == (format_money(cpa, "USD") if cpa is not None else "—"), period
        assert shown["ROAS"] == (format_multiple(roas) if roas is not None else "—"), period
        assert shown["ROI"] == (format_percent(roi, decimals=2) if roi is not None else "—")
    chart = response.context["chart"]
    conversions = next(d for d in chart["datasets"] if d["label"] == "Conversions")["data"]
    month = raw_conversions(network, world["advertiser"], date(2026, 2, 9), TODAY)
    assert len(conversions) == 30 and sum(conversions) == month["conversions"]
    assert 'data-chart="advertiser-chart"' in response.content.decode()


def test_another_advertisers_offers_never_show(world, network, advertiser_user):
    make_days(world, world["other_offer"], date(2026, 2, 1), TODAY, seed=4)
    second = make_click(world, NOW - timedelta(hours=1), offer=world["other_offer"])
    make_click(world, NOW - timedelta(hours=1), offer=world["other_offer"], landing_page=None)
    make_conversion(second, NOW - timedelta(minutes=30))
    roll_up(network)

    response = get(network, advertiser_user)

    body = response.content.decode()
    assert "Other Offer" not in body
    assert card(response, "this_month")["Conversions"] == "0"
    assert response.context["pending"]["count"] == 0
    assert [use.cap.offer for use in response.context["cap_uses"]] == [world["offer"]]
    assert response.context["offers"] == [] and response.context["tests"] == []


def test_the_offers_table_divides_by_zero_as_a_dash(world, network, advertiser_user):
    for minute in range(3):
        click = make_click(world, NOW - timedelta(hours=2, minutes=minute))
    make_conversion(click, NOW - timedelta(hours=1), status=Status.PENDING)
    roll_up(network)

    response = get(network, advertiser_user)

    [row] = response.context["offers"]
    assert (row["totals"].clicks, row["totals"].conversions) == (3, 1)
    body = response.content.decode()
    offer_url = f'href="/advertiser/offers/{world["offer"].pk}/"'
    assert offer_url in body
    cells = body.split(f'data-offer="{world["offer"].pk}"')[1].split("</tr>")[0]
    assert cells.count(">—<") == 3  # CPA, ROAS and ROI: no approved conversion, no cost
    assert card(response, "today")["CPA"] == "—" and card(response, "today")["ROAS"] == "—"
    assert card(response, "today")["ROI"] == "—"


def test_the_page_works_without_any_traffic(world, network, advertiser_user):
    roll_up(network)
    response = get(network, advertiser_user)
    assert response.status_code == 200
    body = response.content.decode()
    assert "No traffic this month yet." in body
    assert "No offer sent clicks to two or more landing pages" in body
    # No traffic, no currency to write money in: a dash, as on every dashboard.
    assert card(response, "today")["Cost"] == "—"
    assert card(response, "today")["Conversions"] == "0"
    # The old home page's links and the company's users are still there.
    for link in ("/advertiser/offers/", "/advertiser/offers/new/", "/advertiser/invoices/"):
        assert f'href="{link}"' in body
    assert "adv@alpha.example" in body


def test_it_counts_the_pending_conversions_with_a_link_to_them(world, network, advertiser_user):
    for hours, status in ((30, Status.PENDING), (3, Status.PENDING), (2, Status.APPROVED)):
        make_conversion(make_click(world, NOW - timedelta(hours=hours)), NOW, status=status)
    make_conversion(make_click(world, NOW, offer=world["other_offer"]), NOW)

    response = get(network, advertiser_user)

    assert response.context["pending"]["count"] == 2
    body = response.content.decode()
    assert 'href="/advertiser/conversions/?status=pending"' in body
    assert 'href="/advertiser/conversions/validate/"' in body


def bulk_traffic(world, page, *, clicks: int, conversions: int, day: date) -> None:
    """`clicks` unique accepted clicks on `page` that day, the first `conversions` of them
    converted (approved): enough rows for statistics, made in two bulk inserts."""
    offer = world["offer"]
    publisher = world["offer_access"].publisher
    at = local(day, 9)
    with scopes_disabled():
        goal = Goal.objects.get(offer=offer, is_default=True)
        made = Click.objects.bulk_create(
            Click(
                id=uuid4().hex,
                network=offer.network,
                offer=offer,
                publisher=publisher,
                landing_page=page,
                is_unique=True,
                created_at=at,
            )
            for _ in range(clicks)
        )
        Conversion.objects.bulk_create(
            Conversion(
                network=offer.network,
                click=click,
                offer=offer,
                goal=goal,
                publisher=publisher,
                status=Status.APPROVED,
                revenue=Decimal(10),
                payout=Decimal(8),
                currency="USD",
                method=Conversion.Method.POSTBACK,
                click_goal_key=f"{click.id}:{goal.id}",
                created_at=at,
            )
            for click in made[:conversions]
        )


def test_the_ab_table_shows_a_better_page_as_significant(world, network, advertiser_user):
    with scopes_disabled():
        promo = LandingPage.objects.create(
            network=network, offer=world["offer"], name="Promo", url_template="https://p.example/"
        )
    bulk_traffic(world, world["landing_page"], clicks=500, conversions=10, day=date(2026, 3, 2))
    bulk_traffic(world, promo, clicks=400, conversions=40, day=date(2026, 3, 3))
    bulk_traffic(world, promo, clicks=1, conversions=0, day=date(2026, 1, 20))  # too old
    roll_up(network)

    response = get(network, advertiser_user)

    [test] = response.context["tests"]
    assert (test.name, test.clicks) == (world["offer"].name, 900)
    home, better = test.pages
    assert (home.name, home.verdict, home.clicks, home.converting_clicks) == (
        "Home",
        "baseline",
        500,
        10,
    )
    assert (better.name, better.verdict, better.converting_clicks) == ("Promo", "better", 40)
    assert better.is_significant and better.p_value == "p < 0.001"
    low, high = wilson_interval(40, 400)
    ends = [format_percent(end, decimals=1, fixed=True) for end in (low, high)]
    assert better.interval == f"{ends[0]} \u2013 {ends[1]}" == "7.4% \u2013 13.3%"
    assert better.cr == "10.00%"
    body = response.content.decode()
    assert 'class="significant">Better' in body and better.interval in body
    assert "Better or worse means significant" in body


def test_the_ab_results_show_the_five_offers_with_most_clicks(world, network, advertiser_user):
    for n in range(6):
        offer = add_offer(network, world["advertiser"], f"Offer {n}")
        with scopes_disabled():
            second = LandingPage.objects.create(
                network=network, offer=offer, name="B", url_template="https://b.example/"
            )
            pages = list(offer.landing_pages.all())
        assert second in pages
        for page in pages:
            for minute in range(n + 1):
                make_click(world, NOW - timedelta(minutes=minute), offer=offer, landing_page=page)
    roll_up(network)

    response = get(network, advertiser_user)

    names = [test.name for test in response.context["tests"]]
    assert names == ["Offer 5", "Offer 4", "Offer 3", "Offer 2", "Offer 1"]
    assert all(
        page.verdict in ("baseline", "too_few")
        for t in response.context["tests"]
        for page in t.pages
    )
    assert "One more offer has A/B traffic" in response.content.decode()


def test_cap_usage_is_what_the_conversion_path_counts(world, network, advertiser_user):
    publisher = world["offer_access"].publisher
    offer_cap = world["cap"]  # daily, 100 conversions, whole offer
    payout_cap = add_cap(
        world["offer"], "payout", 40, "stop", period="monthly", publisher=publisher
    )
    click_cap = add_cap(world["offer"], "clicks", 2, "fallback")
    yesterday = NOW - timedelta(days=1)
    for at, status in (
        (NOW - timedelta(hours=1), Status.PENDING),
        (NOW - timedelta(hours=2), Status.APPROVED),
        (NOW - timedelta(hours=3), Status.REJECTED),  # not counted
        (yesterday, Status.APPROVED),  # in the month's window, not the day's
    ):
        make_conversion(make_click(world, at), at, status=status, payout="8.50")
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):  # the third was refused: the window used its limit
            caps.count_click(click_cap, network.timezone)

    response = get(network, advertiser_user)

    used = {use.cap.pk: use for use in response.context["cap_uses"]}
    assert used[offer_cap.pk].used == 2
    assert used[payout_cap.pk].used == Decimal("25.50")
    assert used[click_cap.pk].used == 2 and used[click_cap.pk].bar == 100
    body = response.content.decode()
    assert f'data-cap="{payout_cap.pk}"' in body and format_money(Decimal("25.50"), "USD") in body
    assert '<progress value="2" max="100"' in body  # the offer cap: 2 of 100

    # cap_refusal decides with the same count: at 2 used, a limit of 3 takes one more.
    with scopes_disabled():
        Cap.objects.filter(pk=offer_cap.pk).update(limit=3)
    new = Conversion(offer_id=world["offer"].pk, publisher_id=publisher.pk, payout=Decimal(1))
    with time_machine.travel(NOW, tick=False), scope(network=network):
        assert cap_refusal(network, new) == ""
        Cap.objects.filter(pk=offer_cap.pk).update(limit=2)
        assert cap_refusal(network, new) == "cap_reached"


def test_the_page_reads_rollups_in_a_handful_of_queries(world, network, advertiser_user):
    make_days(world, world["offer"], date(2026, 2, 1), TODAY, seed=5)
    roll_up(network)
    client = client_for(network, advertiser_user)
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get("/advertiser/")
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any('"tracking_click"' in s for s in sql)
    # 19 today: 4 to sign in, 14 for the page, 1 for the notification bell's unread count
    assert len(sql) <= 19, "\n".join(sql)


@pytest.mark.parametrize("role", ["owner", "publisher_user"])
def test_it_is_for_advertisers_only(world, network, role, request):
    response = get(network, request.getfixturevalue(role))
    assert response.status_code == 403


def test_visitors_are_sent_to_sign_in(world, network):
    response = get(network, None)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
