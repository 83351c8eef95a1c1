"""Issue 15, maker-checker, through the pages: whoever started a run never approves it; the
second-approver rule is the run's own; money settings, payment files and marking paid need
two-factor and a recent password; keys are minted after a recent password, and only a user
with two-factor on gives one the money scope. Each test failed on the code before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import PASSWORD, client_for, make_member
from network.api_keys import ApiKey
from network.models import Network, Role
from network.tests.money import money_client, reauthenticated, with_mfa
from payouts.models import PayoutLine, PayoutRun
from payouts.runs import payout_run_create
from payouts.tests.helpers import (
    NOW,
    OCTOBER,
    held_at_now,  # noqa: F401  (an autouse fixture)
    payment_details,
)
from payouts.tests.test_run_pages import approved_run, earn, texts
from payouts.tests.test_run_pages import world as world
from publishers.models import Publisher

SETTINGS = {
    "name": "Alpha Network",
    "timezone": "Asia/Ho_Chi_Minh",
    "language": "en",
    "default_margin_percent": "20",
    "min_payout": "10",
    "invoice_terms_days": "30",
}


@pytest.fixture
def earned(network, world):
    """A publisher with 16.00 earned in October, paid by PayPal (details 30 days old)."""
    with scopes_disabled():
        publisher = Publisher.objects.get(pk=world["publisher"].pk)
    payment_details(
        publisher, NOW - timedelta(days=30), method="paypal", paypal_email="pub@pay.example"
    )
    for _ in range(2):
        earn(network, world, publisher, datetime(2026, 10, 15, tzinfo=UTC))
    return publisher


def start_run(network, actor=None) -> PayoutRun:
    """October's run, started by `actor` (None: the monthly job)."""
    with scope(network=network):
        return payout_run_create(network, OCTOBER, actor=actor)


def status_of(run) -> tuple[str, int | None]:
    with scopes_disabled():
        fresh = PayoutRun.objects.get(pk=run.pk)
    return fresh.status, fresh.approved_by_id


def rule_on(network) -> None:
    network.payout_second_approver = True
    network.save()


# Whoever started a run never approves it


def test_whoever_started_a_run_cannot_approve_it_on_the_page(network, owner, manager, earned):
    run = start_run(network, actor=owner)
    client = money_client(network, owner)
    page = client.get(f"/manage/payouts/{run.pk}/").content.decode()
    assert "Started by" in page and owner.email in page
    assert "You started this run: another owner or manager must approve it." in page
    assert f"/manage/payouts/{run.pk}/approve/" not in page  # no button
    response = client.post(f"/manage/payouts/{run.pk}/approve/")
    assert texts(response) == ["You started this run: another owner or manager must approve it."]
    assert status_of(run) == ("review", None)
    money_client(network, manager).post(f"/manage/payouts/{run.pk}/approve/")
    assert status_of(run) == ("approved", manager.pk)


def test_the_run_started_on_the_page_records_its_starter(network, owner, earned):
    client = client_for(network, owner)
    client.post("/manage/payouts/start/", {"period": "2026-10-01"})  # tasks run eagerly here
    with scopes_disabled():
        run = PayoutRun.objects.get(period=OCTOBER)
    assert (run.created_by, run.scheduled) == (owner, False)
    money_client(network, owner).post(f"/manage/payouts/{run.pk}/approve/")
    assert status_of(run) == ("review", None)


# The second approver rule is the run's own


def test_a_single_approver_is_refused_when_the_rule_is_on(network, owner, earned):
    rule_on(network)
    run = start_run(network)
    client = money_client(network, owner)
    client.post(f"/manage/payouts/{run.pk}/approve/")
    response = client.post(f"/manage/payouts/{run.pk}/approve/")
    assert texts(response)[-1] == "A second, different owner or manager must approve this run."
    assert status_of(run) == ("review", None)


def test_unticking_the_rule_during_a_run_leaves_the_run_needing_two(
    network, owner, manager, earned
):
    """The issue's steps: rule on; A approves; A again (refused); A unticks the setting on
    /manage/settings/; A approves: before the fix, the run was approved by A alone."""
    rule_on(network)
    run = start_run(network)
    a = money_client(network, owner)
    a.post(f"/manage/payouts/{run.pk}/approve/")
    a.post(f"/manage/payouts/{run.pk}/approve/")
    saved = a.post("/manage/settings/", SETTINGS)  # the box left unticked
    assert saved["Location"] == "/manage/settings/"
    assert Network.objects.get(pk=network.pk).payout_second_approver is False
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="network.payout_second_approver")
    assert (entry.actor, entry.from_state, entry.to_state) == (owner, "True", "False")
    response = a.post(f"/manage/payouts/{run.pk}/approve/")
    assert texts(response)[-1] == "A second, different owner or manager must approve this run."
    assert status_of(run) == ("review", None)
    money_client(network, manager).post(f"/manage/payouts/{run.pk}/approve/")
    assert status_of(run) == ("approved", manager.pk)


# Money settings need two-factor and a recent password


def test_a_money_setting_without_two_factor_is_refused(network, owner):
    rule_on(network)
    client = reauthenticated(client_for(network, owner), owner)
    response = client.post("/manage/settings/", SETTINGS)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Turn on two-factor authentication to change the payout controls."
    ]
    assert Network.objects.get(pk=network.pk).payout_second_approver is True
    other = client.post("/manage/settings/", {**SETTINGS, "name": "Renamed", "min_payout": "50"})
    assert other.status_code == 200  # the rule still unticked: a money setting
    assert Network.objects.get(pk=network.pk).name == "Alpha Network"
    renamed = client.post(
        "/manage/settings/",
        {**SETTINGS, "name": "Renamed", "min_payout": "50", "payout_second_approver": "on"},
    )
    assert renamed["Location"] == "/manage/settings/"  # no money setting: saved as before
    assert Network.objects.get(pk=network.pk).name == "Renamed"


def test_a_money_setting_asks_for_the_password_again(network, owner):
    client = client_for(network, with_mfa(owner))
    response = client.post("/manage/settings/", {**SETTINGS, "payout_second_approver": "on"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert Network.objects.get(pk=network.pk).payout_second_approver is False
    replayed = client.post(response["Location"], {"password": PASSWORD})
    assert replayed["Location"] == "/manage/settings/"
    assert Network.objects.get(pk=network.pk).payout_second_approver is True


# Paying and payment files need two-factor and a recent password


def test_a_payment_file_without_two_factor_is_forbidden(network, owner, manager, earned):
    run = start_run(network)
    approved_run(network, run, manager)
    client = reauthenticated(client_for(network, owner), owner)
    for fmt in ("paypal", "bank"):
        response = client.get(f"/manage/payouts/{run.pk}/export/{fmt}/")
        assert response.status_code == 403
        assert "Content-Disposition" not in response
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="payout_run.exported").exists()


def test_a_payment_file_asks_for_the_password_again(network, owner, earned):
    run = start_run(network)
    approved_run(network, run, owner)
    client = client_for(network, owner)
    response = client.get(f"/manage/payouts/{run.pk}/export/paypal/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert (
        "pub@pay.example"
        in money_client(network, owner)
        .get(f"/manage/payouts/{run.pk}/export/paypal/")
        .content.decode()
    )


def test_marking_paid_without_two_factor_is_refused(network, owner, manager, earned):
    run = start_run(network)
    approved_run(network, run, manager)
    with scopes_disabled():
        line = PayoutLine.objects.get(run=run)
    client = reauthenticated(client_for(network, owner), owner)
    for path, data in (
        (f"/manage/payouts/{run.pk}/pay/", {"selected": [line.pk], "reference": "B-1"}),
        (f"/manage/payouts/lines/{line.pk}/pay/", {"reference": "B-1"}),
    ):
        response = client.post(path, data)
        assert texts(response)[-1] == "Turn on two-factor authentication to approve payouts."
    # Two-factor on, but no recent password: allauth asks for it first.
    later = client_for(network, with_mfa(owner))
    response = later.post(f"/manage/payouts/lines/{line.pk}/pay/", {"reference": "B-1"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    with scopes_disabled():
        assert PayoutLine.objects.get(pk=line.pk).status == "payable"


def test_a_manager_of_another_network_touches_nothing(network, other_network, earned):
    stranger = make_member(other_network, Role.MANAGER, "manager@beta.example")
    run = start_run(network)
    client = money_client(other_network, stranger)
    assert client.post(f"/manage/payouts/{run.pk}/approve/").status_code == 404
    assert client.get(f"/manage/payouts/{run.pk}/export/bank/").status_code == 404
    assert status_of(run) == ("review", None)


# Minting keys


def test_minting_a_key_without_a_recent_password_is_refused(network, owner):
    client = client_for(network, owner)
    response = client.post("/account/api-keys/", {"name": "sync"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    with scopes_disabled():
        assert not ApiKey.objects.exists()
    replayed = client.post(response["Location"], {"password": PASSWORD})
    assert replayed.status_code == 200 and replayed.context["new_key"].startswith("afk_")
    with scopes_disabled():
        assert ApiKey.objects.get().scopes == []


def test_only_two_factor_grants_the_money_scope(network, owner):
    client = reauthenticated(client_for(network, owner), owner)
    refused = client.post("/account/api-keys/", {"name": "pay", "scopes": ["payouts:approve"]})
    assert refused.context["form"].non_field_errors() == [
        "Turn on two-factor authentication to give a key the payouts:approve scope."
    ]
    with scopes_disabled():
        assert not ApiKey.objects.exists()
    with_mfa(owner)
    made = client.post("/account/api-keys/", {"name": "pay", "scopes": ["payouts:approve"]})
    assert made.context["new_key"]
    with scopes_disabled():
        key = ApiKey.objects.get()
        entry = AuditEntry.objects.get(action="api_key.created")
    assert key.scopes == ["payouts:approve"] and entry.reason == "scopes: payouts:approve"
    listing = client.get("/account/api-keys/").content.decode()
    assert '<code class="scope">payouts:approve</code>' in listing


def test_companies_get_no_money_scope(network, publisher_user):
    client = reauthenticated(client_for(network, with_mfa(publisher_user)), publisher_user)
    assert "payouts:approve" not in client.get("/account/api-keys/").content.decode()
    client.post("/account/api-keys/", {"name": "x", "scopes": ["payouts:approve"]})
    with scopes_disabled():
        assert ApiKey.objects.get().scopes == []  # the field is not theirs: ignored
