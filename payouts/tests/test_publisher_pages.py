"""The publisher's statements pages, on real ledger postings: approvals, a payout run approved
with MFA and paid, a reversal after the payment. (Their payment details page:
publishers/tests/test_payment_details.py.)"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_member, make_world, set_minimum
from network.models import Role
from network.tests.money import with_mfa
from payouts.models import PayoutLine, PayoutRun
from payouts.runs import (
    payout_lines_mark_paid,
    payout_run_approve,
    payout_run_create,
)
from payouts.tests.helpers import (
    AFTER_OCTOBER,
    IN_OCTOBER,
    OCTOBER,
    RECENT,
    approved,
    decide,
    make_conversion,
    make_publisher,
)
from publishers.tests.test_payment_details import BANK, DETAILS

LATE_OCTOBER = datetime(2026, 10, 20, 12, tzinfo=UTC)
NOVEMBER_5 = datetime(2026, 11, 5, 12, tzinfo=UTC)
NOVEMBER_10 = datetime(2026, 11, 10, 12, tzinfo=UTC)
TODAY = datetime(2026, 11, 20, 12, tzinfo=UTC)

STATEMENTS = "/publisher/statements/"
OCTOBER_STATEMENT = "/publisher/statements/2026/10/"
NOVEMBER_STATEMENT = "/publisher/statements/2026/11/"


@pytest.fixture
def world(network, owner, publisher_user):
    """Offers and an approved access for the publisher user's company."""
    world = make_world(network, owner)
    with scopes_disabled():
        # make_world's sample run is not backed by ledger entries; these tests post real ones.
        PayoutLine.objects.filter(network=network).delete()
        PayoutRun.objects.filter(network=network).delete()
    return world


@pytest.fixture
def publisher(world, publisher_user):
    company = world["offer_access"].publisher
    with scopes_disabled():
        assert publisher_user.memberships.get().publisher == company
    return company


def at(moment, network, user, method, path, data=None):
    """A request by `user` at `moment` (signed in then, so the session is fresh then)."""
    with time_machine.travel(moment, tick=False):
        send = getattr(client_for(network, user), method)
        return send(path) if data is None else send(path, data)


def october_paid_then_november(network, world, owner) -> dict[str, object]:
    """October: three approved and paid (BATCH-42), one pending, one rejected, one approved
    only in November. November: one approved, and one of October's paid ones reversed."""
    set_minimum(network, "USD", 1)
    Authenticator.objects.create(user=owner, type=Authenticator.Type.TOTP, data={"secret": "x"})
    made = {
        "paid_1": approved(network, world, IN_OCTOBER),
        "paid_2": approved(network, world, IN_OCTOBER),
        "reversed": approved(network, world, IN_OCTOBER),
        "pending": make_conversion(world, at=IN_OCTOBER, payout="5.00"),
        "rejected": make_conversion(world, at=IN_OCTOBER),
        "late": make_conversion(world, at=LATE_OCTOBER),
    }
    decide(network, made["rejected"], "rejected", LATE_OCTOBER, reason="duplicate")
    with time_machine.travel(AFTER_OCTOBER, tick=False), scope(network=network):
        run = payout_run_create(network, OCTOBER)
        payout_run_approve(network, run.pk, actor=owner, proof=RECENT)
        line_ids = list(run.lines.values_list("pk", flat=True))
        paid, skipped = payout_lines_mark_paid(
            network, run.pk, line_ids, reference="BATCH-42", actor=owner, proof=RECENT
        )
    assert (len(paid), skipped) == (1, [])
    decide(network, made["late"], "approved", NOVEMBER_5)
    made["november"] = approved(network, world, NOVEMBER_5)
    decide(network, made["reversed"], "reversed", NOVEMBER_10, reason="refund")
    return made


# Statements


def test_it_shows_the_balance_pending_and_months_from_the_ledger(
    network, world, owner, publisher, publisher_user
):
    october_paid_then_november(network, world, owner)
    response = at(TODAY, network, publisher_user, "get", STATEMENTS)
    assert response.status_code == 200
    # 24.00 approved and paid in October; 16.00 approved and 8.00 reversed in November.
    [balance] = response.context["balances"]
    assert (balance.currency, balance.value) == ("USD", Decimal("8.00"))
    [pending] = response.context["pending"]
    assert pending.value == Decimal("5.00")
    [estimate] = response.context["next_payouts"]
    assert (estimate.amount.value, estimate.below_minimum) == (Decimal("8.00"), False)
    assert estimate.run_date == date(2026, 12, 1) and estimate.awaiting is None
    rows = [
        (r.period, r.conversions, r.approved_amount, r.reversed_amount, r.paid_amount, r.status)
        for r in response.context["months"]
    ]
    assert rows == [
        (date(2026, 11, 1), 1, Decimal("16.00"), Decimal("8.00"), Decimal("0.00"), "open"),
        (date(2026, 10, 1), 6, Decimal("24.00"), Decimal("0.00"), Decimal("24.00"), "paid"),
    ]
    assert b'href="/publisher/statements/2026/10/"' in response.content
    assert b"8.00 USD" in response.content


def test_a_month_shows_each_conversions_status_with_paid_and_the_payment_reference(
    network, world, owner, publisher, publisher_user
):
    made = october_paid_then_november(network, world, owner)
    rival = make_publisher(network, "Rival Media")
    stranger = approved(network, world, IN_OCTOBER, publisher=rival)
    response = at(TODAY, network, publisher_user, "get", OCTOBER_STATEMENT)
    assert response.status_code == 200
    shown = {row.record.pk: row.record.shown_status for row in response.context["table"].rows}
    assert shown == {
        made["paid_1"].pk: "paid",
        made["paid_2"].pk: "paid",
        made["reversed"].pk: "reversed",
        made["pending"].pk: "pending",
        made["rejected"].pk: "rejected",
        made["late"].pk: "approved",  # approved in November: not in October's payout
    }
    assert stranger.pk not in shown
    totals = {(t.status, t.count, t.payout) for t in response.context["totals"]}
    assert totals == {
        ("paid", 2, Decimal("16.00")),
        ("approved", 1, Decimal("8.00")),
        ("reversed", 1, Decimal("8.00")),
        ("pending", 1, Decimal("5.00")),
        ("rejected", 1, Decimal("8.00")),
    }
    [(line, amount)] = response.context["lines"]
    assert (line.status, amount, line.payment_reference) == ("paid", Decimal("24.00"), "BATCH-42")
    assert b"BATCH-42" in response.content and b"Nov 2, 2026" in response.content
    assert b"js/print.js" in response.content and b"data-print" in response.content
    assert b"Rival" not in response.content

    november = at(TODAY, network, publisher_user, "get", NOVEMBER_STATEMENT)
    assert [r.record.pk for r in november.context["table"].rows] == [made["november"].pk]
    [postings] = november.context["postings"]
    assert (postings.approved_amount, postings.reversed_amount) == (Decimal(16), Decimal(8))
    assert november.context["lines"] == []


def test_a_month_paid_by_a_later_run_reads_paid_on_the_list_and_on_its_page(
    network, world, owner, publisher, publisher_user
):
    """September had no run of its own; October's run paid it. The list said "Waiting for
    the payout run" forever while the month's page showed its conversions paid."""
    september = datetime(2026, 9, 15, 12, tzinfo=UTC)
    made = approved(network, world, september)
    set_minimum(network, "USD", 1)
    Authenticator.objects.create(user=owner, type=Authenticator.Type.TOTP, data={"secret": "x"})
    with time_machine.travel(AFTER_OCTOBER, tick=False), scope(network=network):
        run = payout_run_create(network, OCTOBER)
        payout_run_approve(network, run.pk, actor=with_mfa(owner), proof=RECENT)
        line_ids = list(run.lines.values_list("pk", flat=True))
        payout_lines_mark_paid(
            network, run.pk, line_ids, reference="BATCH-7", actor=owner, proof=RECENT
        )

    listed = at(TODAY, network, publisher_user, "get", STATEMENTS)
    statuses = {row.period: row.status for row in listed.context["months"]}
    assert statuses[date(2026, 9, 1)] == "paid"
    page = at(TODAY, network, publisher_user, "get", "/publisher/statements/2026/09/")
    assert [row.status for row in page.context["month_rows"]] == ["paid"]
    assert {r.record.pk: r.record.shown_status for r in page.context["table"].rows} == {
        made.pk: "paid"
    }
    assert b'data-month-status="USD">Paid</span>' in page.content
    assert b"Waiting for the payout run" not in listed.content + page.content


def test_a_month_is_paginated_and_its_queries_do_not_grow_with_its_conversions(
    network, world, publisher, publisher_user
):
    def queries_for_october() -> tuple[int, object]:
        with time_machine.travel(TODAY, tick=False):
            client = client_for(network, publisher_user)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(OCTOBER_STATEMENT)
        assert response.status_code == 200
        return len(queries), response

    for _ in range(3):
        make_conversion(world, at=IN_OCTOBER)
    queries_for_october()  # the first request also finds the network by its host
    few, _response = queries_for_october()
    for _ in range(52):
        make_conversion(world, at=IN_OCTOBER)
    many, response = queries_for_october()
    assert many == few
    assert len(response.context["table"].page.object_list) == 50
    [total] = response.context["totals"]
    assert (total.status, total.count) == ("pending", 55)


def test_months_follow_the_networks_time_zone(network, world, publisher, publisher_user):
    network.timezone = "Asia/Ho_Chi_Minh"  # UTC+7
    network.save()
    late = make_conversion(world, at=datetime(2026, 10, 31, 20, tzinfo=UTC))  # Nov 1, 03:00
    response = at(TODAY, network, publisher_user, "get", NOVEMBER_STATEMENT)
    assert [r.record.pk for r in response.context["table"].rows] == [late.pk]
    assert "Nov 1, 2026, 3:00\u202fAM".encode() in response.content
    months = at(TODAY, network, publisher_user, "get", STATEMENTS).context["months"]
    assert [(m.period, m.conversions) for m in months] == [(date(2026, 11, 1), 1)]


@pytest.mark.parametrize("path", ["2026/13/", "2026/0/", "1999/12/", "2026/12/", "2027/1/"])
def test_a_month_out_of_range_is_not_found(network, publisher_user, path):
    assert at(TODAY, network, publisher_user, "get", STATEMENTS + path).status_code == 404


def test_a_publisher_of_another_network_finds_nothing(
    network, other_network, world, owner, publisher_user
):
    october_paid_then_november(network, world, owner)
    outsider = make_member(other_network, Role.PUBLISHER, "pub@beta.example")
    for path in (STATEMENTS, OCTOBER_STATEMENT, DETAILS):
        assert at(TODAY, network, outsider, "get", path).status_code == 404
        assert at(TODAY, network, outsider, "post", path, BANK).status_code == 404
    # And on their own network's host, none of alpha's money shows.
    response = at(TODAY, other_network, outsider, "get", STATEMENTS)
    assert response.status_code == 200
    assert (response.context["balances"], response.context["months"]) == ([], [])


@pytest.mark.parametrize("path", [STATEMENTS, OCTOBER_STATEMENT, DETAILS])
def test_advertisers_and_admins_may_not_open_them(network, owner, manager, advertiser_user, path):
    for user in (owner, manager, advertiser_user):
        assert at(TODAY, network, user, "get", path).status_code == 403
        assert at(TODAY, network, user, "post", path, BANK).status_code == 403
