"""Issue 15, maker-checker, through the API: whoever started a run never approves it; the
run keeps its second-approver rule when the setting is PATCHed; moving money needs a key with
the `payouts:approve` scope (granted only under two-factor, minted after a recent password);
payment files and marking paid need the same; and other networks' keys, runs and managers
reach nothing. Each test failed on the code before."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from conftest import make_member, make_world
from network.api_keys import ApiKey, ApiKeyError, api_key_create
from network.models import Network, Role
from network.step_up import MONEY_SCOPE
from network.tests.api import api_client, key_for
from network.tests.money import with_mfa
from payouts.models import PayoutLine
from payouts.tests.helpers import NOW, held_at_now  # noqa: F401  (an autouse fixture)
from payouts.tests.test_api_admin_payouts import (
    API,
    create,
    money_key,
    run_of,
    scheduled_run,
    status_of,
)
from payouts.tests.test_api_admin_payouts import october as october
from payouts.tests.test_api_admin_payouts import world as world

pytestmark = pytest.mark.django_db
SETTINGS = "/api/v1/admin/settings/"


def approve(client, run):
    return client.post(f"{API}/{run.pk}/approve/", format="json")


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    return response.json()["error"]


def approved(network, run, user) -> None:
    assert approve(api_client(network, money_key(network, with_mfa(user))), run).status_code == 200


def line_of(run) -> PayoutLine:
    with scopes_disabled():
        return PayoutLine.objects.filter(run=run, status="payable").order_by("pk").first()


# Whoever started a run never approves it


def test_the_creator_of_a_run_cannot_approve_it(network, owner, manager, october):
    api = api_client(network, money_key(network, with_mfa(owner)))
    run = run_of(create(api))
    assert api.get(f"{API}/{run.pk}/").json()["created_by"] == owner.email
    refused = error_of(approve(api, run), 400)
    assert refused["message"] == "You started this run: another owner or manager must approve it."
    assert status_of(run) == "review"
    approved(network, run, manager)
    assert status_of(run) == "approved"


def test_a_scheduled_run_says_so(network, owner, october):
    run = scheduled_run(network)
    body = api_client(network, key_for(network, owner)).get(f"{API}/{run.pk}/").json()
    assert (body["created_by"], body["needs_second_approver"]) == ("scheduled", False)


# The second approver rule is the run's own


def test_a_single_approver_is_refused_when_the_rule_is_on(network, owner, october):
    network.payout_second_approver = True
    network.save()
    run = scheduled_run(network)
    api = api_client(network, money_key(network, with_mfa(owner)))
    assert approve(api, run).json()["status"] == "review"
    assert "second, different" in error_of(approve(api, run), 400)["message"]
    assert status_of(run) == "review"


def test_patching_the_rule_off_during_a_run_still_needs_two(network, owner, manager, october):
    network.payout_second_approver = True
    network.save()
    run = scheduled_run(network)
    api = api_client(network, money_key(network, with_mfa(owner)))
    approve(api, run)
    patched = api.patch(SETTINGS, {"payout_second_approver": False}, format="json")
    assert patched.status_code == 200 and patched.json()["payout_second_approver"] is False
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="network.payout_second_approver")
    assert (entry.from_state, entry.to_state) == ("True", "False")
    assert entry.actor_label.startswith(f"{owner.email} via API key ")
    assert "second, different" in error_of(approve(api, run), 400)["message"]
    assert status_of(run) == "review"
    approved(network, run, manager)
    assert status_of(run) == "approved"


@pytest.mark.parametrize(
    "field",
    [
        ("payout_second_approver", True),
        ("min_payout", "1.00"),
        ("payout_minimums", [{"currency": "KWD", "amount": "1.000"}]),
    ],
)
def test_a_money_setting_needs_the_scope_and_two_factor(network, owner, field):
    name, value = field
    no_mfa = api_client(network, key_for(network, owner))
    assert error_of(no_mfa.patch(SETTINGS, {name: value}, format="json"), 403)["code"] == (
        "mfa_required"
    )
    with_mfa(owner)
    no_scope = api_client(network, key_for(network, owner))
    assert error_of(no_scope.patch(SETTINGS, {name: value}, format="json"), 403)["code"] == (
        "scope_required"
    )
    fresh = Network.objects.get(pk=network.pk)
    with scopes_disabled():
        minimums = (fresh.minimum_payout("USD"), fresh.minimum_payout("KWD"))
        assert (fresh.payout_second_approver, minimums) == (False, (5000, None))
        assert not AuditEntry.objects.filter(action__startswith="network.payout").exists()
    # Other settings stay open to the same key.
    renamed = no_scope.patch(SETTINGS, {"name": "Renamed"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed"


# Moving money needs the scope


def test_a_key_without_the_scope_moves_no_money(network, owner, october):
    run = scheduled_run(network)
    api = api_client(network, key_for(network, with_mfa(owner)))
    assert error_of(approve(api, run), 403)["code"] == "scope_required"
    approved(network, run, make_member(network, Role.MANAGER, "m2@alpha.example"))
    line = line_of(run)
    paid = api.post(f"{API}/{run.pk}/mark_paid/", {"lines": [line.pk], "reference": "X"})
    assert error_of(paid, 403)["code"] == "scope_required"
    export = api.get(f"{API}/{run.pk}/export/", {"method": "bank"})
    assert error_of(export, 403)["code"] == "scope_required"
    with scopes_disabled():
        assert PayoutLine.objects.get(pk=line.pk).status == "payable"
        assert not AuditEntry.objects.filter(action="payout_run.exported").exists()


def test_a_payment_file_without_two_factor_is_forbidden(network, owner, manager, october):
    run = scheduled_run(network)
    approved(network, run, manager)
    api = api_client(network, key_for(network, owner))  # the owner has no two-factor
    for method in ("paypal", "bank"):
        response = api.get(f"{API}/{run.pk}/export/", {"method": method})
        assert error_of(response, 403)["code"] == "mfa_required"
    paid = api.post(f"{API}/{run.pk}/mark_paid/", {"lines": [line_of(run).pk], "reference": "X"})
    assert error_of(paid, 403)["code"] == "mfa_required"


def test_each_money_move_with_a_key_is_audited_with_the_key(network, owner, october):
    run = scheduled_run(network)
    raw = money_key(network, with_mfa(owner))
    api = api_client(network, raw)
    approve(api, run)
    api.get(f"{API}/{run.pk}/export/", {"method": "paypal"})
    api.post(f"{API}/{run.pk}/mark_paid/", {"lines": [line_of(run).pk], "reference": "X"})
    with scopes_disabled():
        labels = {
            e.action: e.actor_label
            for e in AuditEntry.objects.filter(
                action__in=["payout_run.approved", "payout_run.exported", "payout_line.paid"]
            )
        }
    assert labels == dict.fromkeys(
        ["payout_run.approved", "payout_run.exported", "payout_line.paid"],
        f"{owner.email} via API key {raw[4:12]}",
    )


# Minting keys


def test_a_key_is_not_minted_without_a_recent_authentication(network, owner):
    with scopes_disabled(), pytest.raises(ApiKeyError, match="password again"):
        api_key_create(network=network, user=owner, name="x", recently_authenticated=False)
    with scopes_disabled():
        assert not ApiKey.objects.exists()


def test_the_money_scope_needs_two_factor_and_an_admin(network, owner, publisher_user):
    def mint(user):
        with scopes_disabled():
            return api_key_create(
                network=network,
                user=user,
                name="x",
                scopes=[MONEY_SCOPE],
                recently_authenticated=True,
            )

    with pytest.raises(ApiKeyError, match="Turn on two-factor"):
        mint(owner)
    with pytest.raises(ApiKeyError, match="Only owners and managers"):
        mint(with_mfa(publisher_user))
    with pytest.raises(ApiKeyError, match="Unknown scope"), scopes_disabled():
        api_key_create(
            network=network,
            user=owner,
            name="x",
            scopes=["payouts:everything"],
            recently_authenticated=True,
        )
    key, _raw = mint(with_mfa(owner))
    assert key.scopes == [MONEY_SCOPE]


# Other networks


def test_another_networks_key_and_run_reach_nothing(network, owner, october, other_network):
    stranger = with_mfa(make_member(other_network, Role.MANAGER, "manager@beta.example"))
    theirs = make_world(other_network, stranger)  # their own run in review
    ours = scheduled_run(network)
    their_key = money_key(other_network, stranger)
    # Their key on our host: not a key of this network.
    assert approve(api_client(network, their_key), ours).status_code == 401
    # Their manager on their own host names our run: not found.
    their_api = api_client(other_network, their_key)
    assert approve(their_api, ours).status_code == 404
    assert their_api.get(f"{API}/{ours.pk}/export/", {"method": "bank"}).status_code == 404
    # Our scoped key names their run: not found either.
    our_api = api_client(network, money_key(network, with_mfa(owner)))
    assert approve(our_api, theirs["payout_run"]).status_code == 404
    assert status_of(ours) == "review" and status_of(theirs["payout_run"]) == "review"


def test_a_scoped_key_of_a_former_manager_stops(network, manager, october):
    """The scope rides on the membership: removing it disables the key."""
    run = scheduled_run(network)
    api = api_client(network, money_key(network, with_mfa(manager)))
    with scopes_disabled():
        manager.memberships.filter(network=network).delete()
    assert approve(api, run).status_code == 401
    assert status_of(run) == "review"


def test_old_runs_wait_for_two_after_the_rule_went_on_later(network, owner, manager, october):
    """A run started before the rule went on keeps one approval: the rule it started with."""
    run = scheduled_run(network)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        network.payout_second_approver = True
        network.save()
        api = api_client(network, money_key(network, with_mfa(owner)))
        assert approve(api, run).json()["status"] == "approved"
