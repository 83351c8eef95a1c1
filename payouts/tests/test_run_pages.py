"""The admins' payout run pages: list and start, review, approve, pay, export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import PASSWORD, client_for, make_member, make_world, set_minimum
from network.models import Role
from network.tests.money import money_client, reauthenticated, with_mfa
from payouts import ledger
from payouts.forms_runs import StartRunForm
from payouts.models import Account, LedgerTransaction, PayoutRun
from payouts.runs import payout_run_approve, payout_run_create
from payouts.tests.helpers import (
    NOW,
    OCTOBER,
    RECENT,
    SEPTEMBER,
    approved,
    decide,
    held_at_now,  # noqa: F401  (an autouse fixture)
    make_publisher,
    payment_details,
)

ZONE = "Asia/Ho_Chi_Minh"  # UTC+7: the run's cut-off is 2026-10-31 17:00 UTC


@pytest.fixture
def world(network, owner):
    """Offers and goals to convert on; the runs of these tests are made by the service."""
    world = make_world(network, owner, money=False)
    network.timezone = ZONE
    network.save()
    set_minimum(network, "USD", Decimal(10))
    return world


def earn(network, world, publisher, at: datetime, payout: str = "8.00"):
    return approved(network, world, at, publisher=publisher, payout=payout)


def run_for(network, period: date, at: datetime) -> PayoutRun:
    with time_machine.travel(at, tick=False), scope(network=network):
        return payout_run_create(network, period)


@pytest.fixture
def october(network, world):
    """September: runner 10.00 (paid in September's run). October: runner and newbie 16.00
    each, held 16.00, small 8.00 (below the 10.00 minimum: carried)."""
    runner, newbie, held, small = (
        make_publisher(network, name) for name in ("Runner", "Newbie", "Held", "Small")
    )
    sept = earn(network, world, runner, datetime(2026, 9, 10, tzinfo=UTC), payout="10.00")
    run_for(network, SEPTEMBER, datetime(2026, 10, 2, tzinfo=UTC))
    in_october = datetime(2026, 10, 15, tzinfo=UTC)
    conversions = [earn(network, world, p, in_october) for p in (runner, runner, newbie, newbie)]
    conversions += [earn(network, world, held, in_october) for _ in range(2)]
    earn(network, world, small, in_october)
    run = run_for(network, OCTOBER, datetime(2026, 11, 2, tzinfo=UTC))
    with scopes_disabled():
        lines = {line.publisher.name: line for line in run.lines.select_related("publisher")}
    return {
        "run": run,
        "lines": lines,
        "publishers": {p.name: p for p in (runner, newbie, held, small)},
        "september_conversion": sept,
        "runner_conversions": conversions[:2],
    }


def details(network, publisher, *, age: timedelta = timedelta(days=30), **fields):
    return payment_details(publisher, NOW - age, **fields)


def approved_run(network, run, user):
    with_mfa(user)
    with scope(network=network):
        return payout_run_approve(network, run.pk, actor=user, proof=RECENT)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def refresh(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


# The list, and starting a run


def test_it_lists_runs_with_their_totals(network, owner, october):
    response = client_for(network, owner).get("/manage/payouts/")
    assert response.status_code == 200
    rows = {row.record.period: row for row in response.context["table"].rows}
    assert set(rows) == {SEPTEMBER, OCTOBER}
    assert rows[OCTOBER].get_cell("to_pay") == "48.00 USD"
    assert rows[OCTOBER].get_cell("lines") == "3 to pay · 1 carried · 0 paid"
    assert rows[SEPTEMBER].get_cell("to_pay") == "10.00 USD"
    assert "October 2026" in rows[OCTOBER].get_cell("period")
    labels = dict(response.context["form"].fields["period"].choices)
    assert (labels["2026-10-01"], labels["2026-08-01"]) == (
        "October 2026 (run made)",
        "August 2026",
    )


def test_it_offers_the_closed_months_and_picks_the_last_one(network, owner, world):
    form = client_for(network, owner).get("/manage/payouts/").context["form"]
    choices = [value for value, _ in form.fields["period"].choices]
    assert choices[:2] == ["2026-10-01", "2026-09-01"] and len(choices) == 12
    assert form["period"].value() == "2026-10-01"  # November has not ended


def test_it_starts_a_run_for_the_chosen_month(network, owner, world):
    runner = make_publisher(network, "Runner")
    earn(network, world, runner, datetime(2026, 9, 10, tzinfo=UTC), payout="12.00")
    client = client_for(network, owner)
    response = client.post("/manage/payouts/start/", {"period": "2026-09-01"})
    assert response.status_code == 302 and response["Location"] == "/manage/payouts/"
    assert "is being made" in texts(response)[0]
    with scopes_disabled():
        run = PayoutRun.objects.get(network=network)
        assert run.period == SEPTEMBER
        assert list(run.lines.values_list("amount", "status")) == [(1200, "payable")]
        assert AuditEntry.objects.get(action="payout_run.created").actor == owner


def test_it_goes_to_the_run_when_the_month_has_one(network, owner, october):
    response = client_for(network, owner).post("/manage/payouts/start/", {"period": "2026-10-01"})
    assert response["Location"] == f"/manage/payouts/{october['run'].pk}/"


def test_it_refuses_to_go_back_before_the_last_run(network, owner, october):
    response = client_for(network, owner).post("/manage/payouts/start/", {"period": "2026-08-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["period"] == [
        "A later month was paid already: a run cannot go back in time."
    ]
    with scopes_disabled():
        assert not PayoutRun.objects.filter(period=date(2026, 8, 1)).exists()


def test_it_refuses_a_month_that_has_not_ended(network, owner, world):
    response = client_for(network, owner).post("/manage/payouts/start/", {"period": "2026-11-01"})
    assert "period" in response.context["form"].errors
    with scopes_disabled():
        assert not PayoutRun.objects.exists()


def test_it_shows_the_services_refusal_as_a_form_error(network, owner, october, monkeypatch):
    """When the check before enqueuing passes but the run itself refuses (a race)."""
    monkeypatch.setattr(StartRunForm, "clean_period", lambda form: form.cleaned_data["period"])
    response = client_for(network, owner).post("/manage/payouts/start/", {"period": "2026-08-01"})
    assert response.status_code == 200
    assert "back in time" in response.context["form"].errors["period"][0]


# Reviewing


def test_the_review_page_shows_lines_totals_and_the_change_since_last_month(
    network, owner, october
):
    details(network, october["publishers"]["Runner"], method="paypal", paypal_email="r@p.example")
    details(network, october["publishers"]["Held"], method="bank", age=timedelta(hours=1))
    response = client_for(network, owner).get(f"/manage/payouts/{october['run'].pk}/")
    assert response.status_code == 200
    rows = {row.record.publisher.name: row for row in response.context["table"].rows}
    assert {name: row.get_cell("amount") for name, row in rows.items()} == {
        "Held": "16.00",
        "Newbie": "16.00",
        "Runner": "16.00",
        "Small": "8.00",
    }
    assert rows["Runner"].get_cell("change") == "+6.00 USD (+60.0%)"  # 10.00 in September
    assert rows["Newbie"].get_cell("change") == "—"
    assert "Missing payment details" in rows["Newbie"].get_cell("payment")
    assert rows["Runner"].get_cell("payment") == "PayPal"
    html = response.content.decode()
    # Held's details changed an hour ago: held 48 hours, shown in the network's time zone.
    assert "On hold until Nov 26, 2026, 6:00\u202fPM" in html
    [usd] = response.context["totals"]
    assert (usd["payable"], usd["carried"], usd["paid"]) == (
        Decimal("48.00"),
        Decimal("8.00"),
        Decimal("0.00"),
    )
    assert "Nov 1, 2026, 12:00\u202fAM" in html  # the cut-off, in Asia/Ho_Chi_Minh
    assert [p.name for p in response.context["missing"]] == ["Newbie"]
    assert 'id="missing-details"' in html
    assert "export/paypal" not in html  # not before approval


def test_the_change_goes_down_too(network, owner, world):
    runner = make_publisher(network, "Runner")
    earn(network, world, runner, datetime(2026, 9, 10, tzinfo=UTC), payout="40.00")
    run_for(network, SEPTEMBER, datetime(2026, 10, 2, tzinfo=UTC))
    earn(network, world, runner, datetime(2026, 10, 10, tzinfo=UTC), payout="30.00")
    run = run_for(network, OCTOBER, datetime(2026, 11, 2, tzinfo=UTC))
    response = client_for(network, owner).get(f"/manage/payouts/{run.pk}/")
    [row] = response.context["table"].rows
    assert row.get_cell("change") == "-10.00 USD (-25.0%)"


# Approving


def test_approving_without_mfa_is_refused_with_a_message(network, owner, october):
    client = reauthenticated(client_for(network, owner), owner)
    page = client.get(f"/manage/payouts/{october['run'].pk}/").content.decode()
    assert "Turn on two-factor authentication to approve payouts." in page
    assert 'href="/accounts/2fa/"' in page
    response = client.post(f"/manage/payouts/{october['run'].pk}/approve/")
    assert response["Location"] == f"/manage/payouts/{october['run'].pk}/"
    assert texts(response) == ["Turn on two-factor authentication to approve payouts."]
    assert refresh(october["run"]).status == "review"


def test_an_owner_with_mfa_who_just_entered_the_password_approves(network, owner, october):
    client = money_client(network, owner)
    assert (
        "Turn on two-factor"
        not in client.get(f"/manage/payouts/{october['run'].pk}/").content.decode()
    )
    response = client.post(f"/manage/payouts/{october['run'].pk}/approve/")
    assert response["Location"] == f"/manage/payouts/{october['run'].pk}/"
    assert "approved" in texts(response)[0]
    run = refresh(october["run"])
    assert (run.status, run.approved_by) == ("approved", owner)


def test_approving_asks_for_the_password_again_then_approves(network, owner, october):
    with_mfa(owner)
    client = client_for(network, owner)
    path = f"/manage/payouts/{october['run'].pk}/approve/"
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/reauthenticate/?next={path.replace('/', '%2F')}"
    assert refresh(october["run"]).status == "review"
    # The password again: allauth replays the approval.
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == f"/manage/payouts/{october['run'].pk}/"
    assert refresh(october["run"]).status == "approved"


def test_a_run_with_a_second_approver_needs_two_people(network, owner, manager, october):
    network.payout_second_approver = True
    network.save()
    with scopes_disabled():  # as if the run had started under the rule
        PayoutRun.objects.filter(pk=october["run"].pk).update(needs_second_approver=True)
    with_mfa(owner), with_mfa(manager)
    run_page = f"/manage/payouts/{october['run'].pk}/"
    first = reauthenticated(client_for(network, owner), owner)
    assert "yours will be the first" in first.get(run_page).content.decode()
    first.post(run_page + "approve/")
    assert refresh(october["run"]).status == "review"
    page = first.get(run_page).content.decode()
    assert "First approved by owner@alpha.example: waiting for a second approver." in page
    assert "You gave the first approval" in page and f"{run_page}approve/" not in page
    response = first.post(run_page + "approve/")
    assert texts(response) == ["A second, different owner or manager must approve this run."]
    second = reauthenticated(client_for(network, manager), manager)
    assert "Give the second approval" in second.get(run_page).content.decode()
    second.post(run_page + "approve/")
    run = refresh(october["run"])
    assert (run.status, run.first_approver, run.approved_by) == ("approved", owner, manager)


# Paying


def payout_posted(network, line) -> list[tuple[str, int]]:
    with scopes_disabled():
        posted = LedgerTransaction.objects.filter(key=f"payout_line:{line.pk}").first()
        if posted is None:
            return []
        return sorted((e.account.kind, e.amount) for e in posted.entries.select_related("account"))


def test_refusals_and_times_read_in_the_admins_language(network, owner, october):
    """PayoutErrors are translated when raised, and their times written the language's way."""
    owner.language = "vi"
    owner.save(update_fields=["language"])
    client = money_client(network, owner)
    refused = client.post("/manage/payouts/start/", {"period": "2026-08-01"})
    assert refused.context["form"].errors["period"] == [
        "Một tháng sau đó đã được chi trả: không thể chạy đợt chi trả lùi về trước."
    ]
    pay = f"/manage/payouts/{october['run'].pk}/pay/"
    held = october["lines"]["Held"]
    response = client.post(pay, {"selected": [held.pk], "reference": "B-1"})
    assert texts(response) == ["Hãy duyệt đợt chi trả trước khi thanh toán."]
    approved_run(network, october["run"], owner)
    details(network, october["publishers"]["Held"], method="bank", age=timedelta(hours=1))
    response = client.post(pay, {"selected": [held.pk], "reference": "B-1"})
    assert texts(response)[1:] == [  # the first is the refusal above, not shown yet
        "Chưa thanh toán: Held: thông tin thanh toán vừa thay đổi: tạm giữ đến "
        "18:00 26 thg 11, 2026 (Asia/Ho_Chi_Minh)."
    ]
    page = client.get(f"/manage/payouts/{october['run'].pk}/").content.decode()
    assert "Chi trả cho tháng 10 năm 2026" in page  # the month named by Babel
    assert "Tạm giữ đến 18:00 26 thg 11, 2026" in page


def test_paying_needs_an_approved_run(network, owner, october):
    line = october["lines"]["Runner"]
    response = money_client(network, owner).post(
        f"/manage/payouts/{october['run'].pk}/pay/", {"selected": [line.pk], "reference": "B-1"}
    )
    assert texts(response) == ["Approve the run before paying it."]
    assert refresh(line).status == "payable" and payout_posted(network, line) == []


def test_it_marks_the_ticked_lines_paid_and_says_why_others_were_not(network, owner, october):
    approved_run(network, october["run"], owner)
    details(network, october["publishers"]["Held"], method="bank", age=timedelta(hours=1))
    lines = october["lines"]
    ticked = [lines[name].pk for name in ("Runner", "Newbie", "Held", "Small")]
    client = money_client(network, owner)
    page = client.get(f"/manage/payouts/{october['run'].pk}/").content.decode()
    assert "Mark selected paid" in page
    assert f'name="selected" value="{lines["Runner"].pk}"' in page
    assert f'name="selected" value="{lines["Small"].pk}"' not in page  # carried: no checkbox
    response = client.post(
        f"/manage/payouts/{october['run'].pk}/pay/", {"selected": ticked, "reference": "BATCH-7"}
    )
    assert response["Location"] == f"/manage/payouts/{october['run'].pk}/"
    assert texts(response) == [
        "2 lines marked paid (BATCH-7).",
        "Not paid: Held: payment details changed recently: on hold until "
        "Nov 26, 2026, 6:00\u202fPM (Asia/Ho_Chi_Minh).",
        "Not paid: Small: below the minimum: carried to the next run.",
    ]
    assert payout_posted(network, lines["Runner"]) == [("cash", -1600), ("payable", 1600)]
    assert refresh(lines["Newbie"]).payment_reference == "BATCH-7"
    assert (
        refresh(lines["Held"]).status == "payable" and payout_posted(network, lines["Held"]) == []
    )
    with scope(network=network):
        runner = Account.objects.get(kind="payable", publisher=october["publishers"]["Runner"])
        assert ledger.balance(runner) == 1000  # September's 10.00 is not marked paid here


def test_the_bulk_form_needs_a_reference_and_a_ticked_line(network, owner, october):
    approved_run(network, october["run"], owner)
    line = october["lines"]["Runner"]
    response = client_for(network, owner).post(
        f"/manage/payouts/{october['run'].pk}/pay/", {"selected": [line.pk], "reference": " "}
    )
    assert response.status_code == 200
    assert "reference" in response.context["pay_form"].errors
    assert f'value="{line.pk}" checked' in response.content.decode()
    response = client_for(network, owner).post(
        f"/manage/payouts/{october['run'].pk}/pay/", {"reference": "B-2"}
    )
    assert response.context["pay_form"].errors["selected"] == ["Tick the lines that were paid."]
    assert refresh(line).status == "payable"


def test_the_line_page_lists_its_conversions_and_pays_it(network, owner, october):
    approved_run(network, october["run"], owner)
    line = october["lines"]["Runner"]
    client = money_client(network, owner)
    response = client.get(f"/manage/payouts/lines/{line.pk}/")
    assert response.status_code == 200
    entries = [row.record for row in response.context["table"].rows]
    assert sorted(e.conversion_id for e in entries) == sorted(
        c.pk for c in october["runner_conversions"]
    )  # September's conversion was in September's line
    assert {row.get_cell("amount") for row in response.context["table"].rows} == {"8.00"}
    assert {row.get_cell("kind") for row in response.context["table"].rows} == {
        "Conversion approved"
    }
    assert response.context["earned"] == Decimal("16.00")
    response = client.post(f"/manage/payouts/lines/{line.pk}/pay/", {"reference": "WIRE-9"})
    assert response["Location"] == f"/manage/payouts/lines/{line.pk}/"
    assert texts(response) == ["1 line marked paid (WIRE-9)."]
    assert payout_posted(network, line) == [("cash", -1600), ("payable", 1600)]
    line = refresh(line)
    assert (line.status, line.payment_reference) == ("paid", "WIRE-9")
    client.get(response["Location"])  # shows (and so clears) the messages
    again = client.post(f"/manage/payouts/lines/{line.pk}/pay/", {"reference": "WIRE-10"})
    assert texts(again) == ["Not paid: Runner: paid already."]


def test_the_line_page_shows_a_reversal_as_money_taken_back(network, owner, october):
    conversion = october["runner_conversions"][0]
    at = datetime(2026, 10, 20, tzinfo=UTC)
    decide(network, conversion, "reversed", at, "refund")
    line = october["lines"]["Runner"]  # made before the reversal; the page reads the ledger
    response = client_for(network, owner).get(f"/manage/payouts/lines/{line.pk}/")
    cells = sorted(
        (row.get_cell("kind"), row.get_cell("amount")) for row in response.context["table"].rows
    )
    assert cells[-1] == ("Conversion reversed", "-8.00")
    assert response.context["earned"] == Decimal("8.00")


# Payment files


@pytest.fixture
def payable_files(network, owner, october):
    """Runner by PayPal, Newbie by bank with cells a spreadsheet would run; Held is on
    hold; Small is carried; and the run is approved."""
    pubs = october["publishers"]
    with scopes_disabled():
        pubs["Newbie"].name = "=cmd|' /C calc'!A0"
        pubs["Newbie"].save()
    details(network, pubs["Runner"], method="paypal", paypal_email="runner@pay.example")
    details(
        network,
        pubs["Newbie"],
        method="bank",
        account_holder="+Mallory",
        iban="DE89370400440532013000",
        swift="COBADEFFXXX",
        bank_name="@Bank",
        account_number="-12345",
        routing_number="",
        currency="USD",
    )
    details(network, pubs["Held"], method="paypal", paypal_email="h@p.example", age=timedelta(1))
    details(network, pubs["Small"], method="paypal", paypal_email="s@p.example")
    approved_run(network, october["run"], owner)
    return october


def test_the_paypal_file_pays_the_lines_to_pay_by_paypal(network, owner, payable_files):
    run, line = payable_files["run"], payable_files["lines"]["Runner"]
    response = money_client(network, owner).get(f"/manage/payouts/{run.pk}/export/paypal/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="payouts-alpha-2026-10-paypal.csv"'
    )
    assert response.content.decode() == (
        f"runner@pay.example,16.00,USD,{line.pk},Commission for 2026-10\r\n"
    )
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="payout_run.exported")
    assert (entry.actor, entry.object_id, entry.reason) == (
        owner,
        str(run.pk),
        "paypal file, 1 line",
    )


def test_the_bank_file_escapes_cells_a_spreadsheet_would_run(network, owner, payable_files):
    run = payable_files["run"]
    line = payable_files["lines"]["Newbie"]
    response = money_client(network, owner).get(f"/manage/payouts/{run.pk}/export/bank/")
    assert response["Content-Disposition"] == (
        'attachment; filename="payouts-alpha-2026-10-bank.csv"'
    )
    assert response.content.decode() == (
        "publisher id,publisher name,account holder,IBAN,SWIFT/BIC,bank name,account number,"
        "routing/sort code,amount,currency,reference\r\n"
        f"{line.publisher_id},'=cmd|' /C calc'!A0,'+Mallory,DE89370400440532013000,COBADEFFXXX,"
        f"'@Bank,'-12345,,16.00,USD,Commission 2026-10 line {line.pk}\r\n"
    )


def test_a_paid_line_is_not_exported_again(network, owner, payable_files):
    run, line = payable_files["run"], payable_files["lines"]["Runner"]
    client = money_client(network, owner)
    client.post(f"/manage/payouts/lines/{line.pk}/pay/", {"reference": "PP-1"})
    assert client.get(f"/manage/payouts/{run.pk}/export/paypal/").content == b""


def test_there_is_no_file_before_approval_nor_in_other_formats(network, owner, october):
    client = client_for(network, owner)
    response = client.get(f"/manage/payouts/{october['run'].pk}/export/paypal/")
    assert response.status_code == 200 and "Content-Disposition" not in response
    assert "Approve the run first" in response.content.decode()
    approved_run(network, october["run"], owner)
    assert client.get(f"/manage/payouts/{october['run'].pk}/export/csv/").status_code == 404
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="payout_run.exported").exists()


# Who may


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_advertisers_and_publishers_may_not_open_the_pages(network, october, role):
    user = make_member(network, role, f"{role}@alpha.example")
    client = client_for(network, user)
    run, line = october["run"], october["lines"]["Runner"]
    for path in (
        "/manage/payouts/",
        f"/manage/payouts/{run.pk}/",
        f"/manage/payouts/lines/{line.pk}/",
        f"/manage/payouts/{run.pk}/export/paypal/",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/manage/payouts/{run.pk}/approve/").status_code == 403


def test_another_networks_run_is_not_found(network, owner, other_network, october):
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    client = money_client(other_network, stranger)
    run, line = october["run"], october["lines"]["Runner"]
    assert client.get(f"/manage/payouts/{run.pk}/").status_code == 404
    assert client.post(f"/manage/payouts/{run.pk}/approve/").status_code == 404
    assert client.get(f"/manage/payouts/{run.pk}/export/bank/").status_code == 404
    response = client.post(f"/manage/payouts/lines/{line.pk}/pay/", {"reference": "X"})
    assert response.status_code == 404
    assert refresh(run).status == "review"
