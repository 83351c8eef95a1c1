"""The admins' payout runs through the API: the whole money path (create -> approve -> export
-> mark paid) with its ledger postings and the audit entries the pages write, the approval
rule for keys (two-factor authentication on, and the key made after it), the second approver,
and the refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_member, make_world, set_minimum
from network.models import Role
from network.step_up import MONEY_SCOPE
from network.tests.api import api_client, key_for
from payouts import ledger
from payouts import runs as payouts_runs
from payouts.models import Account, PayoutLine, PayoutRun
from payouts.tests.helpers import (
    NOW,
    OCTOBER,
    approved,
    held_at_now,  # noqa: F401  (an autouse fixture)
    make_publisher,
    payment_details,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/admin/payout-runs"


def with_mfa(user, at: datetime = NOW):
    with time_machine.travel(at, tick=False):
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def world(network, owner):
    world = make_world(network, owner, money=False)
    set_minimum(network, "USD", Decimal(10))
    return world


@pytest.fixture
def october(network, world):
    """Earned in October: Paypal Pete 16.00 (PayPal), Bank Bea 16.00 (bank), Small 8.00
    (below the 10.00 minimum: carried)."""
    pete, bea, small = (make_publisher(network, n) for n in ("Paypal Pete", "Bank Bea", "Small"))
    month_ago = NOW - timedelta(days=30)
    payment_details(pete, month_ago, method="paypal", paypal_email="pete@pay.example")
    bank = {"account_holder": "Bea", "iban": "DE89370400440532013000", "currency": "USD"}
    payment_details(bea, month_ago, method="bank", **bank)
    at = datetime(2026, 10, 15, tzinfo=UTC)
    for publisher, times in ((pete, 2), (bea, 2), (small, 1)):
        for _ in range(times):
            approved(network, world, at, publisher=publisher)
    return {"pete": pete, "bea": bea, "small": small}


def entries(run) -> list[tuple]:
    """The audit entries of a run and its lines, as the pages write them."""
    with scopes_disabled():
        lines = [str(pk) for pk in PayoutLine.objects.filter(run=run).values_list("pk", flat=True)]
        rows = AuditEntry.objects.filter(
            object_type__in=["payouts.payoutrun", "payouts.payoutline"]
        ).order_by("id")
        return [
            (e.action, e.from_state, e.to_state, e.reason, e.actor_label)
            for e in rows
            if (e.object_type, e.object_id) == ("payouts.payoutrun", str(run.pk))
            or e.object_id in lines
        ]


def run_of(response) -> PayoutRun:
    with scopes_disabled():
        return PayoutRun.objects.get(pk=response.json()["id"])


def status_of(run) -> str:
    with scopes_disabled():
        return PayoutRun.objects.get(pk=run.pk).status


def create(client, period: str = "2026-10-01"):
    return client.post(f"{API}/", {"period": period}, format="json")


def scheduled_run(network) -> PayoutRun:
    """October's run as the monthly job makes it: started by no one, so anyone may approve."""
    with scope(network=network):
        return payouts_runs.payout_run_create(network, OCTOBER)


def money_key(network, user) -> str:
    """A key with the money scope, which its maker needs two-factor on to get."""
    return key_for(network, user, scopes=(MONEY_SCOPE,))


def test_the_money_path_through_the_api(network, owner, manager, october):
    """create -> approve -> export -> mark paid, with the pages' audit entries and ledger. The
    manager starts the run; the owner, with the money scope, approves and pays it."""
    with_mfa(owner, at=NOW - timedelta(days=1))
    key = money_key(network, owner)
    label = f"{owner.email} via API key {key.split('_')[1]}"
    api = api_client(network, key)
    maker_key = key_for(network, manager)
    maker = api_client(network, maker_key)

    made = create(maker)
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["period"], body["status"]) == ("2026-10-01", "review")
    lines = {line["publisher_name"]: line for line in body["lines"]}
    assert {name: (line["amount"], line["status"]) for name, line in lines.items()} == {
        "Bank Bea": ("16.00", "payable"),
        "Paypal Pete": ("16.00", "payable"),
        "Small": ("8.00", "carried"),
    }
    assert body["totals"][0]["payable"] == "32.00"
    run = run_of(made)
    # Asking again gives the same run (the page goes to it), made once.
    again = create(maker, "2026-10-01")
    assert (again.status_code, again.json()["id"]) == (200, run.pk)

    # No payment file before the approval.
    early = api.get(f"{API}/{run.pk}/export/", {"method": "paypal"})
    assert early.status_code == 400
    assert "Approve the payouts of" in early.json()["error"]["message"]

    approved = api.post(f"{API}/{run.pk}/approve/", format="json")
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("approved", owner.email)

    paypal = api.get(f"{API}/{run.pk}/export/", {"method": "paypal"})
    assert paypal.status_code == 200
    assert paypal["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        paypal["Content-Disposition"] == 'attachment; filename="payouts-alpha-2026-10-paypal.csv"'
    )
    pete_line = lines["Paypal Pete"]["id"]
    assert paypal.content.decode() == (
        f"pete@pay.example,16.00,USD,{pete_line},Commission for 2026-10\r\n"
    )
    bank = api.get(f"{API}/{run.pk}/export/", {"method": "bank"}, HTTP_ACCEPT="text/csv")
    assert bank.status_code == 200 and bank["Content-Type"].startswith("text/csv")
    assert "DE89370400440532013000" in bank.content.decode()

    paid = api.post(
        f"{API}/{run.pk}/mark_paid/",
        {"lines": [pete_line, lines["Bank Bea"]["id"], lines["Small"]["id"]], "reference": "B-1"},
        format="json",
    )
    assert paid.status_code == 200, paid.content
    result = paid.json()
    assert sorted(result["paid"]) == sorted([pete_line, lines["Bank Bea"]["id"]])
    assert result["not_paid"] == ["Small: below the minimum: carried to the next run"]
    assert (result["not_found"], result["run"]["status"]) == ([], "paid")

    with scope(network=network):
        cash = ledger.account(network, Account.Kind.CASH, "USD")
        assert ledger.balance(cash) == -3200
        payable = ledger.account(
            network, Account.Kind.PAYABLE, "USD", publisher_id=october["pete"].pk
        )
        assert ledger.balance(payable) == 0

    assert entries(run) == [
        ("payout_run.created", "", "review", "", f"{manager.email} via API key {maker_key[4:12]}"),
        ("payout_run.approved", "review", "approved", "", label),
        ("payout_run.exported", "", "", "paypal file, 1 line", label),
        ("payout_run.exported", "", "", "bank file, 1 line", label),
        ("payout_line.paid", "payable", "paid", "B-1", label),
        ("payout_line.paid", "payable", "paid", "B-1", label),
        ("payout_run.paid", "approved", "paid", "", label),  # its last payable line paid
    ]


def test_approving_needs_two_factor_authentication(network, owner, october):
    api = api_client(network, key_for(network, owner))
    run = run_of(create(api))
    refused = api.post(f"{API}/{run.pk}/approve/", format="json")
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert (error["code"], error["message"]) == (
        "mfa_required",
        "Turn on two-factor authentication to approve payouts.",
    )
    assert status_of(run) == "review"
    assert [e[0] for e in entries(run)] == ["payout_run.created"]


def test_a_key_made_before_two_factor_was_on_never_approves(network, owner, october):
    old_key = key_for(network, owner)  # made at NOW, with the password alone: no money scope
    with_mfa(owner, at=NOW + timedelta(minutes=5))
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        run = scheduled_run(network)
        api = api_client(network, old_key)
        refused = api.post(f"{API}/{run.pk}/approve/", format="json")
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "scope_required"
        new_api = api_client(network, money_key(network, owner))
        assert new_api.post(f"{API}/{run.pk}/approve/", format="json").status_code == 200


def test_the_browser_session_approves_only_after_a_recent_password(network, owner, october):
    with_mfa(owner, at=NOW - timedelta(days=1))
    run = scheduled_run(network)
    session = client_for(network, owner)
    response = session.post(f"{API}/{run.pk}/approve/", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == {
        "status": 403,
        "code": "mfa_required",
        "message": "Confirm your password (or a two-factor code) again to do this.",
        "fields": {},
    }
    assert status_of(run) == "review"


def test_a_second_approver_must_be_someone_else(network, owner, manager, october):
    """Managers approve as owners do; with the setting on, it takes two of them."""
    network.payout_second_approver = True
    network.save()
    for user in (owner, manager):
        with_mfa(user, at=NOW - timedelta(days=1))
    owner_api = api_client(network, money_key(network, owner))
    manager_api = api_client(network, money_key(network, manager))
    run = scheduled_run(network)
    first = owner_api.post(f"{API}/{run.pk}/approve/", format="json").json()
    assert (first["status"], first["first_approver"]) == ("review", owner.email)
    twice = owner_api.post(f"{API}/{run.pk}/approve/", format="json")
    assert twice.status_code == 400
    assert "second, different owner or manager" in twice.json()["error"]["message"]
    second = manager_api.post(f"{API}/{run.pk}/approve/", format="json").json()
    assert (second["status"], second["approved_by"]) == ("approved", manager.email)
    assert [(e[0], e[2]) for e in entries(run)] == [
        ("payout_run.created", "review"),
        ("payout_run.first_approval", "review"),
        ("payout_run.approved", "approved"),
    ]


def test_it_refuses_months_the_page_refuses(network, owner, world):
    api = api_client(network, key_for(network, owner))
    not_ended = create(api, "2026-11-01")
    assert not_ended.json()["error"]["fields"]["period"]
    assert create(api, "2026-10-17").status_code == 201  # a day of the month: its run
    earlier = create(api, "2026-09-01")
    assert earlier.json()["error"]["fields"]["period"] == [
        "A later month was paid already: a run cannot go back in time."
    ]
    with scopes_disabled():
        assert list(PayoutRun.objects.values_list("period", flat=True)) == [OCTOBER]


def test_paying_needs_an_approved_run_and_a_reference(network, owner, october):
    with_mfa(owner, at=NOW - timedelta(days=1))
    api = api_client(network, money_key(network, owner))
    run = scheduled_run(network)
    with scopes_disabled():
        line = run.lines.filter(status="payable").first()
    url = f"{API}/{run.pk}/mark_paid/"
    early = api.post(url, {"lines": [line.pk], "reference": "X"}, format="json")
    assert early.json()["error"]["message"] == "Approve the run before paying it."
    blank = api.post(url, {"lines": [line.pk], "reference": "  "}, format="json")
    assert blank.json()["error"]["fields"]["reference"]
    with scopes_disabled():
        assert PayoutLine.objects.get(pk=line.pk).status == "payable"


def test_lines_of_another_run_or_network_are_left_alone(network, owner, october, other_network):
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    theirs = make_world(other_network, stranger)  # with a run in review and a payable line
    with_mfa(owner, at=NOW - timedelta(days=1))
    api = api_client(network, money_key(network, owner))
    run = scheduled_run(network)
    assert api.post(f"{API}/{run.pk}/approve/", format="json").status_code == 200
    foreign = theirs["payout_line"]
    result = api.post(
        f"{API}/{run.pk}/mark_paid/", {"lines": [foreign.pk], "reference": "R"}, format="json"
    ).json()
    assert (result["paid"], result["not_found"]) == ([], [foreign.pk])
    with scopes_disabled():
        assert PayoutLine.objects.get(pk=foreign.pk).status == "payable"
    assert api.get(f"{API}/{theirs['payout_run'].pk}/").status_code == 404
    export = api.get(f"{API}/{theirs['payout_run'].pk}/export/", {"method": "paypal"})
    assert export.status_code == 404


def test_runs_are_listed_with_filters_and_written_only_by_moves(network, owner, october):
    with_mfa(owner, at=NOW - timedelta(days=1))
    api = api_client(network, key_for(network, owner))
    sent = {"period": "2026-10-01", "status": "paid", "approved_by": 1, "cutoff": "2020-01-01"}
    run = run_of(api.post(f"{API}/", sent, format="json"))
    assert (run.status, run.approved_by_id, run.cutoff.year) == ("review", None, 2026)
    listed = api.get(f"{API}/", {"status": "review"}).json()["results"]
    assert [row["id"] for row in listed] == [run.pk]
    assert "lines" not in listed[0]
    assert api.get(f"{API}/", {"status": "paid"}).json()["results"] == []
    assert api.get(f"{API}/", {"period_from": "2026-11-01"}).json()["results"] == []
    bad = api.get(f"{API}/{run.pk}/export/", {"method": "cheque"}, HTTP_ACCEPT="text/csv")
    assert (bad.status_code, bad["Content-Type"]) == (400, "application/json")
    assert bad.json()["error"]["fields"]["method"] == ["Choose paypal or bank."]


def test_companies_may_not_touch_the_runs(network, owner, october, publisher_user):
    api = api_client(network, key_for(network, owner))
    run = run_of(create(api))
    theirs = api_client(network, key_for(network, publisher_user))
    assert theirs.get(f"{API}/{run.pk}/").status_code == 403
    assert theirs.get(f"{API}/{run.pk}/export/", {"method": "paypal"}).status_code == 403
    assert theirs.post(f"{API}/{run.pk}/approve/", format="json").status_code == 403
