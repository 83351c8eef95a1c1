"""The daily rollups are the hourly rows summed by local day, in the network's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from conftest import make_world
from reports import daily, query, rollup
from reports.daily import DAILY_MODELS, first_hour_of
from reports.kpis import Totals
from reports.models import DailyStat, RollupState
from reports.query import report_rows, report_totals, with_names
from reports.tests.helpers import (
    actual_daily_rows,
    decide,
    expected_daily_rows,
    make_click,
    make_conversion,
    make_traffic,
)
from tracking.models import Conversion

T0 = datetime(2026, 3, 10, tzinfo=UTC)


@pytest.fixture
def world(network, owner):
    return make_world(network, owner, money=False)


def run(network, moment: datetime) -> int:
    with time_machine.travel(moment, tick=False), scope(network=network):
        return rollup.rollup_network(network)


def set_timezone(network, name: str) -> None:
    network.timezone = name
    with scopes_disabled():
        network.save(update_fields=["timezone"])


def assert_daily_rows_agree(network) -> None:
    for model in DAILY_MODELS:
        expected = expected_daily_rows(network, model)
        assert expected, model.__name__
        assert actual_daily_rows(network, model) == expected, model.__name__


@pytest.mark.parametrize("zone", ["UTC", "Asia/Ho_Chi_Minh", "America/New_York", "Asia/Kolkata"])
def test_days_are_the_hours_summed_in_the_network_zone(world, network, zone):
    set_timezone(network, zone)
    make_traffic(world, T0 - timedelta(hours=30), 40, per_hour=10)

    run(network, T0 + timedelta(hours=12))

    assert_daily_rows_agree(network)


def test_a_late_decision_redoes_its_day(world, network):
    set_timezone(network, "Asia/Ho_Chi_Minh")
    click = make_click(world, T0 - timedelta(days=5))
    conversion = make_conversion(click, T0 - timedelta(days=5), status="pending")
    run(network, T0)
    day = (T0 - timedelta(days=5)).date()
    with scopes_disabled():
        assert DailyStat.objects.get(day=day, goal__isnull=False).conversions_pending == 1

    decide(conversion, Conversion.Status.APPROVED, T0 + timedelta(minutes=20))
    run(network, T0 + timedelta(minutes=30))

    with scopes_disabled():
        row = DailyStat.objects.get(day=day, goal__isnull=False)
    assert (row.conversions_pending, row.conversions_approved) == (0, 1)
    assert row.payout == conversion.payout
    assert_daily_rows_agree(network)


def test_a_new_time_zone_redoes_every_day(world, network):
    # 20:00 UTC is the same day in UTC and the next one in Ho Chi Minh City (UTC+7).
    make_click(world, T0 - timedelta(hours=4))
    run(network, T0 + timedelta(hours=1))
    with scopes_disabled():
        assert list(DailyStat.objects.values_list("day", flat=True)) == [date(2026, 3, 9)]

    set_timezone(network, "Asia/Ho_Chi_Minh")
    run(network, T0 + timedelta(hours=2))

    with scopes_disabled():
        assert list(DailyStat.objects.values_list("day", flat=True)) == [date(2026, 3, 10)]
        assert RollupState.objects.get(network=network).daily_timezone == "Asia/Ho_Chi_Minh"
    assert_daily_rows_agree(network)


def test_a_redo_past_its_deadline_goes_on_at_the_next_run_and_reports_wait_for_it(
    world, network, monkeypatch
):
    for quarter in range(4 * 20):  # a click every 6 hours for 20 days
        make_click(world, T0 - timedelta(days=20) + timedelta(hours=6 * quarter))
    run(network, T0)
    set_timezone(network, "Asia/Ho_Chi_Minh")
    redone = []
    real_rollup_days = daily.rollup_days

    def counted(network, days):
        redone.append(sorted(days))
        return real_rollup_days(network, days)

    monkeypatch.setattr(daily, "rollup_days", counted)
    monkeypatch.setattr(daily.clock, "monotonic", lambda: 10.0)  # always past the deadline

    with time_machine.travel(T0 + timedelta(minutes=5), tick=False), scope(network=network):
        rollup.rollup_network(network, deadline=5.0)  # past it: one week of days, then stop
        assert daily.daily_tables_zone(network) == "UTC"  # reports still read hourly rows
        assert [len(week) for week in redone] == [7]
        rollup.rollup_network(network)  # no deadline: the rest of the weeks

    assert [len(week) for week in redone] == [7, 7, 7]  # 21 local days (UTC+7 adds one)
    with scopes_disabled():
        state = RollupState.objects.get(network=network)
    assert (state.daily_timezone, state.daily_redo_timezone) == ("Asia/Ho_Chi_Minh", "")
    assert_daily_rows_agree(network)


def test_a_day_starts_at_the_first_whole_hour_after_local_midnight():
    # Midnight in Kolkata is 18:30 UTC: the hour from 18:00 belongs to the day before.
    assert first_hour_of(date(2026, 3, 10), ZoneInfo("Asia/Kolkata")) == datetime(
        2026, 3, 9, 19, tzinfo=UTC
    )
    assert first_hour_of(date(2026, 3, 10), ZoneInfo("Asia/Ho_Chi_Minh")) == datetime(
        2026, 3, 9, 17, tzinfo=UTC
    )


def report(network, group_by: str, *, days: int, **scope_and_filters):
    zone = ZoneInfo(network.timezone)
    end = datetime.combine(date(2026, 3, 11), datetime.min.time(), tzinfo=zone)
    args = {
        "role_scope": scope_and_filters.pop("role_scope", {}),
        "group_by": group_by,
        "start": end - timedelta(days=days),
        "end": end,
        "filters": scope_and_filters,
        "tz": network.timezone,
    }
    with scope(network=network):
        named = with_names(report_rows(network, **args), group_by)
        rows = [(r["key"], r.get("name"), Totals.from_row(r)) for r in named]
        return rows, report_totals(network, **args)


@pytest.mark.parametrize(
    "group_by", ["date", "offer", "goal", "publisher", "landing_page", "country", "device"]
)
def test_reports_from_daily_rows_equal_reports_from_hourly_rows(
    world, network, group_by, monkeypatch
):
    set_timezone(network, "Asia/Ho_Chi_Minh")
    make_traffic(world, T0 - timedelta(hours=50), 60, per_hour=10)
    run(network, T0 + timedelta(hours=12))
    publisher = world["publisher"].pk
    asked = [
        {},
        {"role_scope": {"offer__advertiser_id": world["offer"].advertiser_id}},
        {"role_scope": {"publisher_id": publisher}},
        {"country": "VN"},
    ]
    daily = [report(network, group_by, days=3, **dict(a)) for a in asked]
    used = []
    real_stats = query.stats

    def recorded_stats(*args, **kwargs):
        used.append(real_stats(*args, **kwargs))
        return used[-1]

    monkeypatch.setattr(query, "stats", recorded_stats)
    report(network, group_by, days=3)
    assert used[-1].model is not query.HourlyStat  # whole days in the network's zone

    monkeypatch.setattr(query, "daily_tables_zone", lambda network: "")  # as before a rollup
    hourly = [report(network, group_by, days=3, **dict(a)) for a in asked]
    assert used[-1].model is query.HourlyStat
    assert daily == hourly
    assert daily[0][0], "the report has rows"
