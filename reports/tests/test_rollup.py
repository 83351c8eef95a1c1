"""The hourly rollup agrees with the raw tables, is idempotent, and recomputes the right hours."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django_scopes import scope, scopes_disabled

from conftest import make_member, make_world
from network.models import Network, Role
from reports import rollup
from reports.models import HourlyStat, RollupState
from reports.tasks import rollup_everywhere
from reports.tests.helpers import (
    actual_rows,
    decide,
    expected_rows,
    hour_of,
    make_click,
    make_conversion,
    make_impression,
    make_traffic,
)
from tracking.models import Conversion

T0 = datetime(2026, 3, 10, tzinfo=UTC)
NOW = T0 + timedelta(hours=12, minutes=30)
Status = Conversion.Status


@pytest.fixture
def world(network, owner):
    return make_world(network, owner, money=False)


@pytest.fixture
def other_world(other_network):
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    return make_world(other_network, admin, money=False)


def run(network, moment: datetime, **kwargs) -> int:
    with time_machine.travel(moment, tick=False), scope(network=network):
        return rollup.rollup_network(network, **kwargs)


def state_of(network) -> RollupState:
    with scopes_disabled():
        return RollupState.objects.get(network=network)


def test_it_agrees_with_the_raw_tables(world, network):
    made = make_traffic(world, T0, 12)
    assert made["conversions"] > 50  # enough of every status for the sums to mean something

    assert run(network, NOW) == 13  # 00:00 .. 12:00
    expected = expected_rows(network)
    assert actual_rows(network) == expected
    statuses = {k for row in expected.values() for k, v in row.items() if v}
    assert {"conversions_approved", "conversions_rejected", "conversions_reversed"} <= statuses
    assert any(key[4] is None for key in expected)  # clicks without a landing page
    assert any(key[5] == "" and key[6] == "" for key in expected)


def test_running_twice_changes_nothing(world, network):
    make_traffic(world, T0, 6)
    run(network, NOW)
    with scopes_disabled():
        first = list(HourlyStat.objects.order_by("pk").values())
    run(network, NOW + timedelta(minutes=5))
    with scope(network=network):
        rollup.rollup_hours(network, [T0 + timedelta(hours=2), T0 + timedelta(hours=3)])
    with scopes_disabled():
        second = list(HourlyStat.objects.order_by("pk").values())
    strip = [{k: v for k, v in row.items() if k != "id"} for row in first]
    assert sorted(strip, key=repr) == sorted(
        [{k: v for k, v in row.items() if k != "id"} for row in second], key=repr
    )
    assert actual_rows(network) == expected_rows(network)


def test_a_status_change_after_a_rollup_shows_in_the_next_run(world, network):
    click = make_click(world, T0 + timedelta(hours=11, minutes=10), country="US")
    conversion = make_conversion(click, T0 + timedelta(hours=11, minutes=20), revenue="12.50")
    run(network, NOW)
    with scope(network=network):
        row = HourlyStat.objects.get(conversions_pending=1)
    assert (row.pending_revenue, row.revenue) == (Decimal("12.50"), 0)

    decide(conversion, Status.APPROVED, NOW + timedelta(minutes=2))
    run(network, NOW + timedelta(minutes=5))

    with scope(network=network):
        row = HourlyStat.objects.get(conversions_approved=1)
    assert (row.conversions_pending, row.pending_revenue, row.revenue) == (0, 0, Decimal("12.50"))
    assert actual_rows(network) == expected_rows(network)


def test_an_old_conversion_decided_later_is_found_by_decided_at(world, network):
    old = T0 - timedelta(days=3)
    decided = make_conversion(make_click(world, old), old + timedelta(minutes=5))
    other_hour = old + timedelta(hours=2)
    untouched = make_conversion(make_click(world, other_hour), other_hour)
    run(network, NOW - timedelta(days=1))
    run(network, NOW)  # the watermark has left the old hour far behind

    decide(decided, Status.REJECTED, NOW + timedelta(minutes=1))
    # Changed without a decision time: nothing tells the rollup, so its hour stays as it was.
    with scopes_disabled():
        Conversion.objects.filter(pk=untouched.pk).update(status=Status.APPROVED)
    hours = run(network, NOW + timedelta(minutes=5))

    assert hours == 1 + 4  # the decided hour, and 09:00 .. 12:00 (margin and current hour)
    with scope(network=network):
        row = HourlyStat.objects.get(hour=old, goal__isnull=False)
        stale = HourlyStat.objects.get(hour=other_hour, goal__isnull=False)
    assert (row.conversions_rejected, row.conversions_pending) == (1, 0)
    assert (stale.conversions_approved, stale.conversions_pending) == (0, 1)


def test_a_click_converting_on_two_goals_is_one_converting_click(world, network):
    click = make_click(world, T0 + timedelta(hours=11, minutes=10))
    with scopes_disabled():
        lead = world["offer"].goals.create(
            network=network, name="Lead", revenue_type="cpa", payout_type="cpa"
        )
    make_conversion(click, T0 + timedelta(hours=11, minutes=20))
    make_conversion(click, T0 + timedelta(hours=11, minutes=30), goal=lead)
    run(network, NOW)

    with scope(network=network):
        clicks_row = HourlyStat.objects.get(goal__isnull=True)
        conversions = sum(HourlyStat.objects.values_list("conversions_pending", flat=True))
    assert (clicks_row.clicks, clicks_row.converting_clicks, conversions) == (1, 1, 2)
    assert actual_rows(network) == expected_rows(network)


def test_a_conversion_days_after_its_click_makes_the_clicks_hour_converting(world, network):
    old = T0 - timedelta(days=3)
    click = make_click(world, old)
    other = make_click(world, old + timedelta(hours=1))
    rejected = make_conversion(other, old + timedelta(hours=3))  # in another hour than its click
    run(network, NOW - timedelta(days=1))
    run(network, NOW)  # the watermark has left the clicks' hours far behind

    make_conversion(click, NOW + timedelta(minutes=1))  # today, for a click of 3 days ago
    decide(rejected, Status.REJECTED, NOW + timedelta(minutes=2))  # no longer converting
    run(network, NOW + timedelta(minutes=5))

    with scope(network=network):
        converting = dict(
            HourlyStat.objects.filter(goal__isnull=True).values_list("hour", "converting_clicks")
        )
    assert converting == {old: 1, old + timedelta(hours=1): 0}
    assert actual_rows(network) == expected_rows(network)


def test_hours_outside_the_window_are_untouched(world, network):
    make_click(world, T0 + timedelta(hours=1))
    run(network, NOW)
    # A click reaching the table late: within the safety margin it is counted...
    make_click(world, NOW - timedelta(hours=2, minutes=20))
    # ...and one older than the margin is not (that hour is not recomputed).
    make_click(world, T0 + timedelta(hours=1, minutes=30))
    run(network, NOW + timedelta(minutes=5))

    with scope(network=network):
        clicks = dict(HourlyStat.objects.values_list("hour", "clicks"))
    assert clicks == {T0 + timedelta(hours=1): 1, T0 + timedelta(hours=10): 1}
    assert state_of(network).rolled_until == hour_of(NOW)


def test_rollup_hours_replaces_only_the_hours_given(world, network):
    make_click(world, T0 + timedelta(hours=1))
    make_click(world, T0 + timedelta(hours=2))
    run(network, NOW)
    with scopes_disabled():
        HourlyStat.objects.update(clicks=99)
    with scope(network=network):
        written = rollup.rollup_hours(network, [T0 + timedelta(hours=2, minutes=40)])
        clicks = dict(HourlyStat.objects.values_list("hour", "clicks"))
    assert written == 1
    assert clicks == {T0 + timedelta(hours=1): 99, T0 + timedelta(hours=2): 1}


def test_another_networks_rows_never_mix_in(world, network, other_world, other_network):
    make_traffic(world, T0, 4, seed=1)
    make_traffic(other_world, T0, 4, seed=2)
    run(other_network, NOW)
    other_before = actual_rows(other_network)

    run(network, NOW)

    assert actual_rows(network) == expected_rows(network)
    assert actual_rows(other_network) == other_before == expected_rows(other_network)
    with scopes_disabled():
        offers = set(HourlyStat.objects.filter(network=network).values_list("offer", flat=True))
    assert offers == {world["offer"].pk}


def test_the_first_run_backfills_from_the_first_click_in_chunks(world, network, monkeypatch):
    start = T0 - timedelta(days=2, hours=5)
    make_click(world, start + timedelta(minutes=7))
    make_impression(world, T0 - timedelta(days=1))
    make_conversion(make_click(world, T0), T0 + timedelta(minutes=1))
    chunks = []
    real_chunk = rollup._rollup_chunk

    def counted_chunk(network, hours, **kwargs):
        chunks.append(hours)
        return real_chunk(network, hours, **kwargs)

    monkeypatch.setattr(rollup, "_rollup_chunk", counted_chunk)

    hours = run(network, NOW)

    assert hours == 2 * 24 + 5 + 13
    # One local day per chunk (the network is on UTC): 19:00-23:00, two days, 00:00-12:00.
    assert [len(chunk) for chunk in chunks] == [5, 24, 24, 13]
    assert chunks[0][0] == start
    assert actual_rows(network) == expected_rows(network)
    state = state_of(network)
    assert (state.rolled_until, state.last_run_started_at) == (hour_of(NOW), NOW)


def test_a_run_past_its_deadline_stops_between_chunks_and_the_next_carries_on(world, network):
    start = T0 - timedelta(days=2)
    make_click(world, start)
    make_click(world, T0 + timedelta(hours=3))

    assert run(network, NOW, deadline=0) == 24  # one chunk, then the deadline has passed
    assert state_of(network).rolled_until == start + timedelta(hours=24)
    assert actual_rows(network) == expected_rows(network, hours={start})

    run(network, NOW + timedelta(minutes=5))
    assert actual_rows(network) == expected_rows(network)
    assert state_of(network).rolled_until == hour_of(NOW)


def test_a_network_without_traffic_starts_its_watermark_now(network):
    assert run(network, NOW) == 0
    state = state_of(network)
    assert (state.rolled_until, state.last_run_started_at) == (hour_of(NOW), NOW)
    with scopes_disabled():
        assert not HourlyStat.objects.exists()


def test_the_beat_job_rolls_up_every_active_network(world, network, other_world, other_network):
    make_click(world, T0 + timedelta(hours=1))
    make_click(other_world, T0 + timedelta(hours=2))
    other_network.status = Network.Status.SUSPENDED
    other_network.save()

    with time_machine.travel(NOW, tick=False):
        rollup_everywhere.delay()

    with scopes_disabled():
        assert list(HourlyStat.objects.values_list("network", "clicks")) == [(network.pk, 1)]


def test_the_command_rolls_up_now(world, network, capsys):
    make_click(world, T0 + timedelta(hours=1))
    with time_machine.travel(NOW, tick=False):
        call_command("rollup_stats")
    assert "alpha: 12 hours recomputed" in capsys.readouterr().out
    assert actual_rows(network) == expected_rows(network)


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_take_turns(network, owner):
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update and concurrent writers need PostgreSQL")
    world = make_world(network, owner, money=False)
    make_traffic(world, T0 - timedelta(days=2), 60, seed=3)
    errors = []

    def worker():
        try:
            with scope(network=network):
                rollup.rollup_network(network)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    with time_machine.travel(NOW, tick=False):  # once: travels are not thread-safe
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert actual_rows(network) == expected_rows(network)
