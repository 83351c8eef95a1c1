"""The admins' payout API (/api/v1/admin/goals/, /payout-overrides/; caps:
offers/tests/test_api_admin_caps.py): each write is the portal page's (same form, same words,
same audit entry); other networks' ids are refused; advertisers and publishers are refused
(403). The 401/404/403 of every route for every role: network/tests/test_api_matrix.py.
The fixtures (world, key, api, foreign): conftest.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from commissions.models import PayoutOverride
from network.models import Role
from network.tests.admin_api_fixtures import company_api
from network.tests.api import audit_of, error_of, fresh, ids, via
from offers.models import Goal
from offers.tests.api import approved_publisher

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


# --- Goal payouts -------------------------------------------------------------------------


def test_it_lists_goals_with_revenue_and_payout_filtered_by_offer(api, world, foreign):
    goal = world["goal"]
    assert ids(api.get(f"{API}/goals/", {"offer": world["offer"].pk})) == [goal.pk]
    assert ids(api.get(f"{API}/goals/", {"offer": foreign["offer"].pk})) == []
    row = api.get(f"{API}/goals/{goal.pk}/").json()
    assert row["offer"] == world["offer"].pk
    assert (row["revenue_type"], row["revenue_amount"]) == ("cpa", "10.00")
    assert (row["payout_type"], row["payout_amount"], row["payout_percent"]) == (
        "cpa",
        "8.00",
        None,
    )
    assert row["loses_money"] is False


def test_setting_a_goal_payout_saves_it_and_audits_it(api, manager, key, world):
    goal = world["goal"]
    body = {"payout_type": "cpa", "payout_amount": "12.00", "payout_set": False, "name": "X"}
    response = api.post(f"{API}/goals/{goal.pk}/set_payout/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["payout_amount"] == "12.00"
    assert response.json()["loses_money"] is True  # the page's warning: above the 10 revenue
    goal = fresh(goal)
    assert (goal.payout_amount, goal.name, goal.payout_set) == (Decimal("12"), "Sale", True)
    [entry] = audit_of(goal, "goal.payout")
    assert (entry.actor_id, entry.actor_label) == (manager.pk, via(manager, key))
    assert entry.to_state.startswith("cpa 12")


def test_a_goal_payout_is_judged_by_the_pages_form(api, world):
    goal = world["goal"]
    url = f"{API}/goals/{goal.pk}/set_payout/"
    cps_with_flat = {"payout_type": "cps", "payout_amount": "3", "payout_percent": "5"}
    fields = error_of(api.post(url, cps_with_flat, format="json"), 400)["fields"]
    assert fields["payout_amount"] == ["CPS pays a percent only; leave the flat amount at 0."]
    fields = error_of(api.post(url, {"payout_type": "cpa"}, format="json"), 400)["fields"]
    assert fields["payout_amount"] == ["This type needs a flat amount above zero."]
    assert fresh(goal).payout_amount == Decimal("8")
    assert audit_of(goal, "goal.payout") == []


def test_another_networks_goal_is_not_found(api, foreign):
    goal = foreign["goal"]
    assert error_of(api.get(f"{API}/goals/{goal.pk}/"), 404)
    body = {"payout_type": "cpa", "payout_amount": "1"}
    assert error_of(api.post(f"{API}/goals/{goal.pk}/set_payout/", body, format="json"), 404)
    assert fresh(goal).payout_amount == Decimal("8")


def test_goals_filter_on_payout_set_and_page_in_order(api, network, world):
    with scopes_disabled():
        lead = Goal.objects.create(
            network=network,
            offer=world["offer"],
            name="Lead",
            revenue_type="cpl",
            revenue_amount=2,
            payout_type="cpa",
        )
    offer = world["offer"].pk
    assert ids(api.get(f"{API}/goals/", {"offer": offer, "payout_set": "false"})) == [lead.pk]
    first = api.get(f"{API}/goals/", {"offer": offer, "ordering": "name", "page_size": 1})
    assert ids(first) == [lead.pk]
    second = api.get(first.json()["next"])
    assert ids(second) == [world["goal"].pk]
    row = api.get(f"{API}/goals/{lead.pk}/").json()
    assert (row["payout_set"], row["payout_type"], row["payout_amount"]) == (False, None, None)


def cpa_override(world, publisher, amount: str, **more) -> dict:
    """What the API takes to pay `publisher` `amount` a conversion of make_world's goal."""
    on = {"goal": world["goal"].pk, "publisher": publisher.pk}
    return {**on, "payout_type": "cpa", "payout_amount": amount, **more}


def test_a_repeated_write_with_its_idempotency_key_is_done_once(api, network, world):
    publisher = approved_publisher(network)
    body = cpa_override(world, publisher, "7")
    url = f"{API}/payout-overrides/"
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="o1")
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="o1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    with scopes_disabled():
        override = PayoutOverride.objects.get(pk=first.json()["id"])
    assert len(audit_of(override, "payout_override.set")) == 1


# --- Payout overrides -----------------------------------------------------------------------


def test_it_creates_changes_and_removes_an_override_with_audit(api, manager, network, world):
    publisher = approved_publisher(network)
    body = cpa_override(world, publisher, "9.25", id=999999)
    response = api.post(f"{API}/payout-overrides/", body, format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["id"] != 999999
    assert (row["publisher"], row["payout_amount"], row["currency"]) == (
        publisher.pk,
        "9.25",
        "USD",
    )
    with scopes_disabled():
        override = PayoutOverride.objects.get(pk=row["id"])
    [entry] = audit_of(override, "payout_override.set")
    assert entry.actor_id == manager.pk and entry.from_state == ""

    url = f"{API}/payout-overrides/{override.pk}/"
    changed = api.patch(url, {"payout_amount": "11", "publisher": 1}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["payout_amount"], changed.json()["publisher"]) == ("11.00", publisher.pk)
    assert len(audit_of(override, "payout_override.set")) == 2
    assert ids(api.get(f"{API}/payout-overrides/", {"publisher": publisher.pk})) == [override.pk]

    assert api.delete(url).status_code == 204
    with scopes_disabled():
        assert not PayoutOverride.objects.filter(pk=override.pk).exists()
    assert len(audit_of(override, "payout_override.deleted")) == 1


def test_an_override_is_judged_by_the_pages_form(api, world):
    pending = world["publisher"]  # make_world's applicant: not approved
    base = {"goal": world["goal"].pk, "payout_type": "cpa", "payout_amount": "5"}
    response = api.post(
        f"{API}/payout-overrides/", {**base, "publisher": pending.pk}, format="json"
    )
    assert "Select a valid choice" in error_of(response, 400)["fields"]["publisher"][0]
    override = world["payout_override"]
    response = api.put(
        f"{API}/payout-overrides/{override.pk}/", {"payout_type": "cps"}, format="json"
    )
    fields = error_of(response, 400)["fields"]
    assert fields["payout_percent"] == ["This type needs a percent above zero."]
    assert len(audit_of(override, "payout_override.set")) == 0


def test_overrides_refuse_another_networks_ids(api, world, foreign):
    body = {"payout_type": "cpa", "payout_amount": "5"}
    response = api.post(
        f"{API}/payout-overrides/",
        {**body, "goal": foreign["goal"].pk, "publisher": world["publisher"].pk},
        format="json",
    )
    assert "does not exist" in error_of(response, 400)["fields"]["goal"][0]
    response = api.post(
        f"{API}/payout-overrides/",
        {**body, "goal": world["goal"].pk, "publisher": foreign["publisher"].pk},
        format="json",
    )
    assert "does not exist" in error_of(response, 400)["fields"]["publisher"][0]
    theirs = foreign["payout_override"]
    assert error_of(api.delete(f"{API}/payout-overrides/{theirs.pk}/"), 404)
    assert error_of(api.patch(f"{API}/payout-overrides/{theirs.pk}/", body, format="json"), 404)
    with scopes_disabled():
        assert PayoutOverride.objects.filter(pk=theirs.pk).exists()


# --- Roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_advertisers_and_publishers_are_refused(role, network, world):
    client = company_api(network, role)
    for path in ("goals", "payout-overrides"):
        assert error_of(client.get(f"{API}/{path}/"), 403)
    goal = world["goal"]
    body = {"payout_type": "cpa", "payout_amount": "50"}
    assert error_of(client.post(f"{API}/goals/{goal.pk}/set_payout/", body, format="json"), 403)
    assert fresh(goal).payout_amount == Decimal("8")
