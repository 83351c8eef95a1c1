"""The admins' payout tiers API (/api/v1/admin/payout-tiers/): each write is the tier pages'
(same form, same words, same audit entry); other networks' ids are refused; advertisers and
publishers are refused (403). The 401/404/403 of every route for every role:
network/tests/test_api_matrix.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from commissions.models import PayoutTier, TierMembership, TierPayout
from network.models import Role
from network.tests.admin_api_fixtures import company_api
from network.tests.api import api_client, audit_of, error_of, via
from offers.tests.api import approved_publisher
from publishers.models import Publisher

pytestmark = pytest.mark.django_db
API = "/api/v1/admin/payout-tiers"


def ok(response) -> dict:
    assert response.status_code == 200, response.content[:500]
    return response.json()


def ids(response) -> list[int]:
    return [row["id"] for row in ok(response)["results"]]


def gold_member(tier: PayoutTier) -> Publisher:
    with scopes_disabled():
        return tier.memberships.get().publisher


def test_it_lists_and_shows_tiers_with_members_and_payouts(api, world, foreign):
    tier, member = world["payout_tier"], gold_member(world["payout_tier"])
    assert ids(api.get(f"{API}/")) == [tier.pk]  # not the other network's Gold
    row = ok(api.get(f"{API}/{tier.pk}/"))
    assert row["name"] == "Gold"
    assert row["members"] == [{"publisher": member.pk, "publisher_name": member.name}]
    [payout] = row["payouts"]
    assert (payout["goal"], payout["offer"], payout["currency"]) == (
        world["goal"].pk,
        world["offer"].pk,
        "USD",
    )
    assert (payout["payout_type"], payout["payout_amount"], payout["payout_percent"]) == (
        "cpa",
        "9.00",
        None,
    )
    assert error_of(api.get(f"{API}/{foreign['payout_tier'].pk}/"), 404)


def test_tiers_filter_by_publisher_and_page_in_order(api, network, world):
    for name in ("Bronze", "Silver", "Platinum"):
        assert api.post(f"{API}/", {"name": name}, format="json").status_code == 201
    member = gold_member(world["payout_tier"])
    assert ids(api.get(f"{API}/", {"publisher": member.pk})) == [world["payout_tier"].pk]
    assert ids(api.get(f"{API}/", {"publisher": world["publisher"].pk})) == []
    first = ok(api.get(f"{API}/", {"ordering": "-name", "page_size": 2}))
    assert [row["name"] for row in first["results"]] == ["Silver", "Platinum"]
    second = ok(api.get(first["next"]))
    assert [row["name"] for row in second["results"]] == ["Gold", "Bronze"]
    assert second["next"] is None


def test_creating_a_tier_audits_it_and_ignores_read_only_fields(api, manager, key, world):
    body = {"name": "  Silver ", "id": 999999, "members": [{"publisher": 1}], "payouts": []}
    response = api.post(f"{API}/", body, format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["name"], row["members"], row["payouts"]) == ("Silver", [], [])
    assert row["id"] != 999999
    with scopes_disabled():
        tier = PayoutTier.objects.get(pk=row["id"])
    [entry] = audit_of(tier, "tier.created")
    assert (entry.actor_id, entry.actor_label, entry.to_state) == (
        manager.pk,
        via(manager, key),
        "Silver",
    )


def test_a_tier_name_is_judged_by_the_pages_form(api, world, foreign):
    fields = error_of(api.post(f"{API}/", {"name": "gold"}, format="json"), 400)["fields"]
    assert fields["name"] == ["There is already a tier with this name."]
    # Nothing made: only this network's Gold and the other network's.
    with scopes_disabled():
        assert PayoutTier.objects.filter(name__iexact="gold").count() == 2


def test_it_adds_and_removes_a_member_with_audit(api, manager, network, world):
    tier, newcomer = world["payout_tier"], approved_publisher(network)
    url = f"{API}/{tier.pk}/"
    row = ok(api.post(url + "add_member/", {"publisher": newcomer.pk}, format="json"))
    assert newcomer.pk in [m["publisher"] for m in row["members"]]
    with scopes_disabled():
        membership = TierMembership.objects.get(tier=tier, publisher=newcomer)
    [entry] = audit_of(membership, "tier.member_added")
    assert (entry.actor_id, entry.to_state) == (manager.pk, "Gold")

    row = ok(api.post(url + "remove_member/", {"publisher": newcomer.pk}, format="json"))
    assert newcomer.pk not in [m["publisher"] for m in row["members"]]
    with scopes_disabled():
        assert not TierMembership.objects.filter(publisher=newcomer).exists()
    [entry] = audit_of(membership, "tier.member_removed")
    assert (entry.actor_id, entry.from_state) == (manager.pk, "Gold")
    # Not in the tier (any more): 404, as the page's remove link.
    assert error_of(api.post(url + "remove_member/", {"publisher": newcomer.pk}), 404)


def test_a_member_is_judged_by_the_pages_form(api, world):
    silver = ok_created(api, "Silver")
    member = gold_member(world["payout_tier"])
    url = f"{API}/{silver}/add_member/"
    fields = error_of(api.post(url, {"publisher": member.pk}, format="json"), 400)["fields"]
    assert fields["publisher"] == [
        f"{member.name} is already in the tier “Gold”: a publisher is in one tier at most."
    ]
    applicant = world["publisher"]  # not approved: not offered by the page's form
    assert error_of(api.post(url, {"publisher": applicant.pk}, format="json"), 400)["fields"][
        "publisher"
    ]
    with scopes_disabled():
        assert not TierMembership.objects.filter(tier_id=silver).exists()


def ok_created(api, name: str) -> int:
    response = api.post(f"{API}/", {"name": name}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_it_sets_and_removes_a_tier_payout_with_audit(api, manager, world):
    tier, goal = world["payout_tier"], world["goal"]
    url = f"{API}/{tier.pk}/"
    body = {"goal": goal.pk, "payout_type": "cpa", "payout_amount": "9.75", "tier": 1}
    row = ok(api.post(url + "set_payout/", body, format="json"))
    assert row["payouts"][0]["payout_amount"] == "9.75"
    with scopes_disabled():
        tier_payout = TierPayout.objects.get(tier=tier, goal=goal)
    assert tier_payout.payout_amount == Decimal("9.75")
    [entry] = audit_of(tier_payout, "tier_payout.set")
    assert entry.actor_id == manager.pk
    assert entry.from_state.startswith("cpa 9") and entry.to_state.startswith("cpa 9.75")

    row = ok(api.post(url + "remove_payout/", {"goal": goal.pk}, format="json"))
    assert row["payouts"] == []
    [entry] = audit_of(tier_payout, "tier_payout.deleted")
    assert entry.actor_id == manager.pk
    assert error_of(api.post(url + "remove_payout/", {"goal": goal.pk}, format="json"), 404)


def test_a_tier_payout_is_judged_by_the_pages_form(api, world):
    tier, goal = world["payout_tier"], world["goal"]
    url = f"{API}/{tier.pk}/set_payout/"
    cps_with_flat = {
        "goal": goal.pk,
        "payout_type": "cps",
        "payout_amount": "3",
        "payout_percent": "5",
    }
    fields = error_of(api.post(url, cps_with_flat, format="json"), 400)["fields"]
    assert fields["payout_amount"] == ["CPS pays a percent only; leave the flat amount at 0."]
    with scopes_disabled():
        tier_payout = TierPayout.objects.get(tier=tier, goal=goal)
    assert tier_payout.payout_amount == Decimal("9")
    assert audit_of(tier_payout, "tier_payout.set") == []


def test_tiers_refuse_another_networks_ids(api, world, foreign):
    tier = world["payout_tier"]
    theirs = foreign["payout_tier"]
    url = f"{API}/{tier.pk}/"
    their_publisher = gold_member(theirs)
    response = api.post(url + "add_member/", {"publisher": their_publisher.pk}, format="json")
    assert "does not exist" in error_of(response, 400)["fields"]["publisher"][0]
    body = {"goal": foreign["goal"].pk, "payout_type": "cpa", "payout_amount": "1"}
    assert (
        "does not exist"
        in error_of(api.post(url + "set_payout/", body, format="json"), 400)["fields"]["goal"][0]
    )
    # Their tier, by id on this host: not found, and nothing changes there.
    for move, data in (
        ("add_member", {"publisher": world["publisher"].pk}),
        ("remove_member", {"publisher": their_publisher.pk}),
        ("remove_payout", {"goal": foreign["goal"].pk}),
    ):
        assert error_of(api.post(f"{API}/{theirs.pk}/{move}/", data, format="json"), 404)
    with scopes_disabled():
        assert TierMembership.objects.filter(tier=theirs).count() == 1
        assert TierPayout.objects.filter(tier=theirs).count() == 1


def test_a_key_on_another_networks_host_is_refused(key, other_network, world):
    assert error_of(api_client(other_network, key).get(f"{API}/"), 401)


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_advertisers_and_publishers_are_refused(role, network, world):
    client = company_api(network, role)
    tier = world["payout_tier"]
    assert error_of(client.get(f"{API}/"), 403)
    assert error_of(client.post(f"{API}/", {"name": "Mine"}, format="json"), 403)
    body = {"goal": world["goal"].pk, "payout_type": "cpa", "payout_amount": "50"}
    assert error_of(client.post(f"{API}/{tier.pk}/set_payout/", body, format="json"), 403)
    with scopes_disabled():
        assert TierPayout.objects.get(tier=tier).payout_amount == Decimal("9")
        assert not PayoutTier.objects.filter(name="Mine").exists()
