"""The publisher's statements and payment details pages, on real ledger postings: approvals,
a payout run approved with MFA and paid, a reversal after the payment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from conftest import PASSWORD, client_for, make_member, make_world, set_minimum
from network.audit import AuditEntry
from network.models import Role
from network.tests.money import with_mfa
from payouts.decisions import Actor, conversion_decide
from payouts.models import PaymentDetails, PayoutLine, PayoutRun
from payouts.payment_details import (
    PaymentDetailsError,
    clean_iban,
    iban_checksum_ok,
    payment_details_change,
)
from payouts.runs import (
    PAYMENT_HOLD,
    payment_hold_until,
    payout_lines_mark_paid,
    payout_run_approve,
    payout_run_create,
)
from payouts.tests.helpers import RECENT, make_conversion, make_publisher

OCTOBER = date(2026, 10, 1)
IN_OCTOBER = datetime(2026, 10, 15, 12, tzinfo=UTC)
LATE_OCTOBER = datetime(2026, 10, 20, 12, tzinfo=UTC)
AFTER_OCTOBER = datetime(2026, 11, 2, 12, tzinfo=UTC)
NOVEMBER_5 = datetime(2026, 11, 5, 12, tzinfo=UTC)
NOVEMBER_10 = datetime(2026, 11, 10, 12, tzinfo=UTC)
TODAY = datetime(2026, 11, 20, 12, tzinfo=UTC)

STATEMENTS = "/publisher/statements/"
OCTOBER_STATEMENT = "/publisher/statements/2026/10/"
NOVEMBER_STATEMENT = "/publisher/statements/2026/11/"
DETAILS = "/publisher/payment-details/"
REAUTHENTICATE = "/accounts/reauthenticate/"
IBAN = "DE89370400440532013000"
BANK = {
    "method": "bank",
    "account_holder": "Alpha Media GmbH",
    "iban": "de89 3704 0044 0532 0130 00",
    "swift": "deutdeff",
    "currency": "EUR",
}


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


def decide(network, conversion, to_status, moment, reason=""):
    with time_machine.travel(moment, tick=False), scope(network=network):
        conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status=to_status,
            actor=Actor(),
            reason=reason,
        )


def approved(network, world, created, decided=None, **kwargs):
    conversion = make_conversion(world, at=created, **kwargs)
    decide(network, conversion, "approved", decided or created)
    return conversion


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


# Payment details


def signed_in_recently(network, user):
    """A client whose user has just typed their password again (allauth's reauthentication)."""
    client = client_for(network, user)
    response = client.post(REAUTHENTICATE, {"password": PASSWORD})
    assert response.status_code == 302
    return client


def details_of(publisher) -> PaymentDetails | None:
    with scopes_disabled():
        return PaymentDetails.objects.filter(publisher=publisher).first()


def hold_of(network, publisher, moment):
    with time_machine.travel(moment, tick=False), scope(network=network):
        return payment_hold_until(publisher.pk)


def test_saving_needs_a_recent_reauthentication(
    network, publisher, publisher_user, django_capture_on_commit_callbacks
):
    client = client_for(network, publisher_user)
    assert client.get(DETAILS).status_code == 200  # looking needs no password
    response = client.post(DETAILS, BANK)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert details_of(publisher) is None
    # Once the password is typed, allauth replays the saved POST.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, DETAILS)
    assert details_of(publisher).iban == IBAN


def test_a_reauthentication_expires(network, publisher, publisher_user):
    with time_machine.travel(TODAY, tick=False):
        client = signed_in_recently(network, publisher_user)
    with time_machine.travel(TODAY + timedelta(minutes=10), tick=False):
        response = client.post(DETAILS, BANK)
    assert response["Location"].startswith(REAUTHENTICATE)
    assert details_of(publisher) is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**BANK, "iban": "DE89 3704 0044 0532 0130 01"}, "iban", "check digits"),
        ({**BANK, "iban": "DE89 3704 0044 0532 0130"}, "iban", "has 22 characters"),
        ({**BANK, "iban": "12AB"}, "iban", "Enter an IBAN"),
        ({**BANK, "account_holder": ""}, "account_holder", "name on the account"),
        ({**BANK, "swift": "DEUT"}, "swift", "8 or 11"),
        ({**BANK, "swift": ""}, "swift", "SWIFT/BIC"),
        ({"method": "bank", "account_number": "12345678"}, "account_holder", "IBAN, or"),
        ({"method": "paypal", "paypal_email": "not-an-email"}, "paypal_email", "valid email"),
        ({"method": "paypal"}, "paypal_email", "PayPal needs"),
        ({"method": "other", "instructions": "  "}, "instructions", "how to pay you"),
        ({"method": "cheque"}, "method", "valid choice"),
    ],
)
def test_invalid_details_show_an_error_and_save_nothing(
    network, publisher, publisher_user, data, field, message
):
    response = signed_in_recently(network, publisher_user).post(DETAILS, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert details_of(publisher) is None
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action__startswith="payment_details").exists()


def test_a_change_is_saved_audited_masked_emailed_and_holds_the_payout(
    network, publisher, publisher_user, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        client = signed_in_recently(network, publisher_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(DETAILS, {**BANK, "account_holder": "Alpha Media GmbH"})
        assert (response.status_code, response["Location"]) == (302, DETAILS)
        page = client.get(DETAILS)
    details = details_of(publisher)
    assert (details.method, details.iban, details.swift) == ("bank", IBAN, "DEUTDEFF")
    assert details.changed_at == TODAY
    assert hold_of(network, publisher, TODAY) == TODAY + PAYMENT_HOLD
    with scopes_disabled():
        [entry] = AuditEntry.objects.filter(action__startswith="payment_details")
    assert (entry.action, entry.actor, entry.to_state) == (
        "payment_details.created",
        publisher_user,
        "bank",
    )
    assert "••••3000" in entry.reason and IBAN not in entry.reason
    assert IBAN not in entry.object_repr
    [message] = mail.outbox
    assert message.to == [publisher_user.email]
    assert "payment details were changed" in message.subject
    assert page.status_code == 200
    assert "••••3000".encode() in page.content and IBAN.encode() not in page.content
    assert "held until Nov 22, 2026, 12:00\u202fPM".encode() in page.content


def test_saving_the_same_details_does_not_restart_the_hold(
    network, publisher, publisher_user, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        signed_in_recently(network, publisher_user).post(DETAILS, BANK)
    later = TODAY + timedelta(hours=10)
    with time_machine.travel(later, tick=False):
        client = signed_in_recently(network, publisher_user)
        with django_capture_on_commit_callbacks(execute=True):
            same = {
                "method": "bank",
                "account_holder": "Alpha Media GmbH",
                "iban": IBAN,
                "swift": "DEUTDEFF",
                "currency": "EUR",
            }
            response = client.post(DETAILS, same, follow=True)
    assert b"Nothing changed" in response.content
    assert details_of(publisher).changed_at == TODAY
    assert hold_of(network, publisher, later) == TODAY + PAYMENT_HOLD
    assert len(mail.outbox) == 1
    with scopes_disabled():
        assert AuditEntry.objects.filter(action__startswith="payment_details").count() == 1

    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post(DETAILS, {"method": "paypal", "paypal_email": "pay@alpha.example"})
    details = details_of(publisher)
    assert (details.method, details.iban, details.paypal_email) == (
        "paypal",
        "",
        "pay@alpha.example",
    )
    assert hold_of(network, publisher, later) == later + PAYMENT_HOLD
    assert len(mail.outbox) == 2
    with scopes_disabled():
        entry = AuditEntry.objects.filter(action="payment_details.changed").get()
    assert (entry.from_state, entry.to_state) == ("bank", "paypal")
    assert IBAN not in entry.reason


def test_a_bank_account_without_iban_needs_holder_number_and_routing(
    network, publisher, publisher_user, django_capture_on_commit_callbacks
):
    data = {
        "method": "bank",
        "account_holder": "Alpha Media LLC",
        "account_number": "000123456789",
        "routing_number": "026009593",
        "currency": "USD",
        "paypal_email": "stale@alpha.example",  # another method's field is not kept
    }
    with django_capture_on_commit_callbacks(execute=True):
        signed_in_recently(network, publisher_user).post(DETAILS, data)
    details = details_of(publisher)
    assert (details.account_number, details.routing_number, details.paypal_email) == (
        "000123456789",
        "026009593",
        "",
    )
    page = client_for(network, publisher_user).get(DETAILS)
    assert "••••6789".encode() in page.content and b"000123456789" not in page.content


def test_the_service_checks_the_details_itself(network, publisher, publisher_user):
    with scope(network=network), pytest.raises(PaymentDetailsError, match="check digits"):
        payment_details_change(
            network,
            publisher,
            {**BANK, "iban": "DE00370400440532013000"},
            actor=publisher_user,
        )
    assert details_of(publisher) is None


def test_iban_checks():
    assert iban_checksum_ok("GB82WEST12345698765432")
    assert iban_checksum_ok("NL91ABNA0417164300")
    assert not iban_checksum_ok("GB82WEST12345698765433")
    assert clean_iban(" nl91 abna 0417 1643 00 ") == "NL91ABNA0417164300"
