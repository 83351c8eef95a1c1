"""The admin's and the publisher's dashboards: their figures agree with the raw tables, each
role sees only its own, and the live and interactive parts answer as the page expects."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Sum
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_world
from lib.formats import format_money, format_number
from offers.models import Offer
from publishers.models import Publisher
from reports.rollup import rollup_network
from reports.tests.helpers import make_click, make_conversion
from tracking.models import Click, Conversion
from tracking.tests.helpers import add_publisher

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZONE)  # 03:30 UTC
Status = Conversion.Status


@pytest.fixture
def world(network, owner, publisher_user):
    network.timezone = "Asia/Ho_Chi_Minh"
    network.save(update_fields=["timezone"])
    return make_world(network, owner, money=False)


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


def make_days(world, first: date, last: date, *, publisher=None, seed: int = 3) -> None:
    """A few clicks a day (some near midnight, where UTC and local days differ) and
    conversions in every status, from `first` to `last`."""
    rng = random.Random(seed)
    publisher = publisher or world["offer_access"].publisher
    day = first
    while day <= last:
        for hour in (0, 6, 23, rng.randrange(24)):
            at = local(day, hour) + timedelta(minutes=rng.randrange(60))
            if at > NOW:
                continue
            click = make_click(world, at, publisher=publisher, is_unique=rng.random() < 0.8)
            if rng.random() < 0.5:
                make_conversion(
                    click,
                    min(at + timedelta(minutes=5), NOW),
                    status=rng.choice(list(Status)),
                    revenue=f"{rng.randrange(100, 900) / 100:.2f}",
                    payout=f"{rng.randrange(50, 500) / 100:.2f}",
                )
        day += timedelta(days=1)


def roll_up(network) -> None:
    with time_machine.travel(NOW, tick=False), scope(network=network):
        rollup_network(network)


def raw(network, first: date, last: date, **where) -> dict:
    """Clicks, conversions and money of [first, last] (local days), from the raw tables."""
    start, end = local(first, 0), local(last + timedelta(days=1), 0)
    with scopes_disabled():
        clicks = Click.objects.filter(
            network=network, status=Click.Status.ACCEPTED, created_at__gte=start, created_at__lt=end
        ).filter(**where)
        conversions = Conversion.objects.filter(
            network=network, created_at__gte=start, created_at__lt=end
        ).filter(**where)
        approved = conversions.filter(status=Status.APPROVED).aggregate(
            revenue=Sum("revenue"), payout=Sum("payout")
        )
        return {
            "clicks": clicks.count(),
            "conversions": conversions.filter(status__in=[Status.APPROVED, Status.PENDING]).count(),
            "revenue": approved["revenue"] or Decimal(0),
            "payout": approved["payout"] or Decimal(0),
        }


def card(response, period: str) -> dict[str, str]:
    found = next(c for c in response.context["cards"] if c.period.key == period)
    return {str(line.label): line.text for line in found.lines}


def get(network, user, path: str, **kwargs):
    with time_machine.travel(NOW, tick=False):
        return client_for(network, user).get(path, **kwargs)


PERIODS = {
    "today": (date(2026, 3, 10), date(2026, 3, 10)),
    "yesterday": (date(2026, 3, 9), date(2026, 3, 9)),
    "this_month": (date(2026, 3, 1), date(2026, 3, 10)),
    "last_month": (date(2026, 2, 1), date(2026, 2, 28)),
}


def test_admin_cards_and_chart_agree_with_the_raw_tables(world, network, owner):
    make_days(world, date(2026, 1, 1), date(2026, 3, 10))
    roll_up(network)

    response = get(network, owner, "/manage/")

    assert response.status_code == 200
    for period, (first, last) in PERIODS.items():
        expected = raw(network, first, last)
        shown = card(response, period)
        assert shown["Clicks"] == format_number(expected["clicks"]), period
        assert shown["Conversions"] == format_number(expected["conversions"]), period
        assert shown["Revenue"] == format_money(expected["revenue"], "USD"), period
        assert shown["Profit"] == format_money(expected["revenue"] - expected["payout"], "USD")
    chart = response.context["chart"]
    clicks = next(d for d in chart["datasets"] if d["label"] == "Clicks")["data"]
    assert len(clicks) == 30 and sum(clicks) == raw(network, date(2026, 2, 9), NOW.date())["clicks"]
    assert 'data-chart="admin-chart"' in response.content.decode()


def test_the_change_compares_with_the_period_before(world, network, owner):
    for n in range(3):  # yesterday 3 clicks, today 6: +100 %
        make_click(world, local(date(2026, 3, 9), 8) + timedelta(minutes=n))
    for n in range(6):
        make_click(world, local(date(2026, 3, 10), 8) + timedelta(minutes=n))
    roll_up(network)

    today = next(c for c in get(network, owner, "/manage/").context["cards"])
    clicks = next(line for line in today.lines if str(line.label) == "Clicks")
    assert (clicks.text, clicks.change) == ("6", Decimal(1))


def test_a_network_without_traffic_shows_dashes_not_errors(world, network, owner, publisher_user):
    roll_up(network)
    admin = get(network, owner, "/manage/")
    publisher = get(network, publisher_user, "/publisher/")
    assert admin.status_code == publisher.status_code == 200
    assert card(publisher, "today")["CR"] == "—" and card(publisher, "today")["EPC"] == "—"
    assert card(admin, "today")["Clicks"] == "0"


def test_waiting_decisions_are_counted_with_links(world, network, owner):
    with scopes_disabled():
        Publisher.objects.create(
            network=network, name="New Media", website="https://n.example", country="US"
        )
        Offer.objects.filter(pk=world["offer"].pk).update(status=Offer.Status.PENDING)
    click = make_click(world, NOW - timedelta(hours=1))
    flagged = make_conversion(click, NOW - timedelta(minutes=50))
    with scopes_disabled():
        Conversion.objects.filter(pk=flagged.pk).update(fraud_flags=["bot_user_agent"])

    response = get(network, owner, "/manage/")

    counts = {str(d["label"]): d["count"] for d in response.context["decisions"]}
    assert counts["Publisher applications"] == 2  # the world's applicant and New Media
    assert counts["Offers to review"] == 1
    assert counts["Flagged conversions"] == 1
    assert counts["Payout runs to approve"] == 0
    assert 'href="/manage/conversions/?status=pending&amp;flagged=yes"' in response.content.decode()


def test_the_latest_conversions_refresh_by_themselves(world, network, owner):
    click = make_click(world, NOW - timedelta(hours=1))
    first = make_conversion(click, NOW - timedelta(minutes=30))
    page = get(network, owner, "/manage/").content.decode()
    assert 'hx-get="/manage/latest-conversions/"' in page and 'hx-trigger="every 15s"' in page
    assert f'data-conversion="{first.pk}"' in page

    newer = make_conversion(make_click(world, NOW), NOW)
    fragment = get(network, owner, "/manage/latest-conversions/", HTTP_HX_REQUEST="true")

    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text
    assert text.index(f'data-conversion="{newer.pk}"') < text.index(f'data-conversion="{first.pk}"')


def test_the_latest_conversions_are_for_admins_only(world, network, publisher_user):
    response = get(network, publisher_user, "/manage/latest-conversions/")
    assert response.status_code == 403


def test_the_publisher_sees_only_their_own_figures(world, network, publisher_user):
    make_days(world, date(2026, 2, 20), date(2026, 3, 10))
    other = add_publisher(network, "Other Media", country="US")
    make_days(world, date(2026, 2, 20), date(2026, 3, 10), publisher=other, seed=9)
    roll_up(network)
    own = world["offer_access"].publisher

    response = get(network, publisher_user, "/publisher/")

    for period in ("today", "this_month", "last_month"):
        first, last = PERIODS[period]
        expected = raw(network, first, last, publisher=own)
        shown = card(response, period)
        assert shown["Clicks"] == format_number(expected["clicks"]), period
        assert shown["Earnings"] == format_money(expected["payout"], "USD"), period
    (offer_row,) = response.context["by_offer"]
    assert (
        offer_row["totals"].clicks == raw(network, *PERIODS["this_month"], publisher=own)["clicks"]
    )
    assert "Other Media" not in response.content.decode()


def test_the_publisher_sees_pending_approved_and_paid_earnings(world, network, publisher_user):
    click = make_click(world, NOW - timedelta(hours=2))
    make_conversion(click, NOW - timedelta(hours=1), payout="8.00")

    response = get(network, publisher_user, "/publisher/")

    pending = response.context["pending"]
    assert [(a.currency, a.value) for a in pending] == [("USD", Decimal("8.00"))]
    assert "8.00 USD" in response.content.decode()


def test_the_quick_link_builds_a_tracking_link_for_an_offer_they_run(
    world, network, publisher_user
):
    offer = world["offer"]
    with time_machine.travel(NOW, tick=False):
        response = client_for(network, publisher_user).post(
            "/publisher/",
            {"offer": offer.pk, "aff_sub": "summer", "source": "mail"},
            HTTP_HX_REQUEST="true",
        )
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text
    assert f"/aff_c?offer_id={offer.pk}&amp;aff_id={world['offer_access'].publisher_id}" in text
    assert "aff_sub=summer" in text and "source=mail" in text


def test_the_quick_link_refuses_an_offer_they_do_not_run(world, network, publisher_user):
    with scopes_disabled():
        other = Offer.objects.create(
            network=network,
            advertiser=world["offer"].advertiser,
            name="Not Yours",
            category="ecommerce",
            currency="USD",
            status=Offer.Status.ACTIVE,
        )
    with time_machine.travel(NOW, tick=False):
        response = client_for(network, publisher_user).post("/publisher/", {"offer": other.pk})
    assert response.status_code == 200
    assert "/aff_c?" not in response.content.decode()
    assert response.context["link_form"].errors["offer"]


def test_a_publisher_waiting_for_approval_sees_the_application(network, publisher_user):
    with scopes_disabled():
        Publisher.objects.filter(name="Alpha Media").update(status=Publisher.Status.PENDING)
    response = get(network, publisher_user, "/publisher/")
    assert response.status_code == 200
    assert b"Application status" in response.content and "cards" not in response.context


def test_dashboards_read_the_daily_rollups(world, network, owner, django_assert_max_num_queries):
    make_days(world, date(2026, 3, 1), date(2026, 3, 10))
    roll_up(network)
    with time_machine.travel(NOW, tick=False):
        client = client_for(network, owner)
        with django_assert_max_num_queries(25) as captured:
            client.get("/manage/")
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "reports_dailyofferstat" in sql and "tracking_click" not in sql
