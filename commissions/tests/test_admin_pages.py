"""Owners and managers set what publishers earn: a goal's payout on the offer page, a
publisher's own payout (override), tiers and their payouts, and see which rule pays whom."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope

from commissions.models import PayoutOverride, PayoutTier, TierMembership, TierPayout
from commissions.payouts import resolve_payout
from commissions.services import tier_member_add
from offers.models import Goal, OfferAccess
from offers.services import OfferError
from offers.tests.test_admin_pages import audit_rows, make_offer

# The fixtures (company, publisher, offer, goal, admin, request_access): conftest.py.


def test_it_suggests_the_payout_from_revenue_and_the_network_margin(network, admin, offer, goal):
    response = admin.get(f"/manage/offers/{offer.pk}/")
    form = response.context["goal_rows"][0]["form"]
    assert (form["payout_type"].value(), form["payout_amount"].value()) == ("cpa", Decimal("8.00"))
    assert b"payout not set" in response.content


def test_it_keeps_a_wrong_payout_with_its_errors(network, admin, offer, goal):
    prefix = f"goal-{goal.pk}"
    url = f"/manage/offers/{offer.pk}/goals/{goal.pk}/payout/"
    cases = [
        ({"payout_type": "cpa", "payout_amount": "1.234"}, "payout_amount"),
        ({"payout_type": "cps", "payout_amount": "2", "payout_percent": "5"}, "payout_amount"),
        ({"payout_type": "cps", "payout_percent": "150"}, "payout_percent"),
        ({"payout_type": "cpa", "payout_amount": "abc"}, "payout_amount"),
        ({"payout_type": "bogus", "payout_amount": "1"}, "payout_type"),
    ]
    for data, field in cases:
        response = admin.post(url, {f"{prefix}-{k}": v for k, v in data.items()})
        assert response.status_code == 200, data
        assert field in response.context["goal_rows"][0]["form"].errors, data
        assert data["payout_amount" if "payout_amount" in data else "payout_percent"].encode() in (
            response.content
        )
    goal.refresh_from_db()
    assert not goal.payout_set
    assert audit_rows(network, "goal.payout") == []


def test_it_checks_payouts_against_a_currency_without_decimals(network, company, admin):
    offer = make_offer(network, company, currency="VND")
    with scope(network=network):
        goal = offer.goals.get()
    prefix = f"goal-{goal.pk}"
    response = admin.post(
        f"/manage/offers/{offer.pk}/goals/{goal.pk}/payout/",
        {f"{prefix}-payout_type": "cpa", f"{prefix}-payout_amount": "20000.5"},
    )
    assert b"VND has no decimals" in response.content


# --- overrides, tiers and what each publisher earns --------------------------------------------


def test_it_sets_replaces_and_removes_a_publisher_override(
    network, admin, offer, goal, publisher, request_access
):
    url = f"/manage/offers/{offer.pk}/overrides/new/"
    data = {"goal": goal.pk, "publisher": publisher.pk, "payout_type": "cpa", "payout_amount": "9"}
    assert admin.post(url, data).status_code == 302
    assert admin.post(url, {**data, "payout_amount": "9.25"}).status_code == 302
    with scope(network=network):
        override = PayoutOverride.objects.get()
        assert resolve_payout(goal, publisher).amount == Decimal("9.25")
    first, second = reversed(audit_rows(network, "payout_override.set"))
    assert (first.from_state, first.to_state) == ("", "cpa 9 + 0%")
    assert (second.from_state, second.to_state) == ("cpa 9.000 + 0.000%", "cpa 9.25 + 0%")
    response = admin.post(f"/manage/offers/{offer.pk}/overrides/{override.pk}/delete/")
    assert response.status_code == 302
    with scope(network=network):
        assert not PayoutOverride.objects.exists()
    assert audit_rows(network, "payout_override.deleted")[0].from_state == "cpa 9.250 + 0.000%"


def test_it_refuses_an_override_on_another_offers_goal(network, admin, offer, company, publisher):
    other = make_offer(network, company, name="Other")
    with scope(network=network):
        other_goal = other.goals.get()
    response = admin.post(
        f"/manage/offers/{offer.pk}/overrides/new/",
        {
            "goal": other_goal.pk,
            "publisher": publisher.pk,
            "payout_type": "cpa",
            "payout_amount": "1",
        },
    )
    assert response.status_code == 200
    assert "goal" in response.context["form"].errors


def test_it_creates_tiers_and_refuses_a_duplicate_name(network, admin):
    response = admin.post("/manage/tiers/", {"name": "Gold"})
    with scope(network=network):
        tier = PayoutTier.objects.get()
    assert response["Location"] == f"/manage/tiers/{tier.pk}/"
    again = admin.post("/manage/tiers/", {"name": "gold"})
    assert again.status_code == 200
    assert "name" in again.context["form"].errors
    assert len(audit_rows(network, "tier.created")) == 1


def test_it_keeps_a_publisher_in_one_tier_with_a_form_error(network, admin, publisher):
    with scope(network=network):
        gold = PayoutTier.objects.create(network=network, name="Gold")
        silver = PayoutTier.objects.create(network=network, name="Silver")
    assert (
        admin.post(f"/manage/tiers/{gold.pk}/members/", {"publisher": publisher.pk}).status_code
        == 302
    )
    response = admin.post(f"/manage/tiers/{silver.pk}/members/", {"publisher": publisher.pk})
    assert response.status_code == 200
    assert "already in the tier “Gold”" in str(response.context["member_form"].errors)
    with scope(network=network):
        assert list(TierMembership.objects.values_list("tier__name", flat=True)) == ["Gold"]
    assert audit_rows(network, "tier.member_added")[0].to_state == "Gold"


def test_it_turns_the_one_tier_constraint_into_a_message(network, manager, publisher):
    """Two admins adding the same publisher at once: the database constraint decides."""
    with scope(network=network):
        gold = PayoutTier.objects.create(network=network, name="Gold")
        silver = PayoutTier.objects.create(network=network, name="Silver")
        tier_member_add(tier=gold, publisher=publisher, actor=manager)
        with pytest.raises(OfferError, match="already in the tier “Gold”"):
            tier_member_add(tier=silver, publisher=publisher, actor=manager)


def test_it_pays_tier_members_the_tier_payout_and_shows_the_source(
    network, admin, offer, goal, publisher, request_access
):
    with scope(network=network):
        gold = PayoutTier.objects.create(network=network, name="Gold")
        TierMembership.objects.create(network=network, tier=gold, publisher=publisher)
        OfferAccess.objects.filter(pk=request_access.pk).update(status="approved")
        Goal.objects.filter(pk=goal.pk).update(payout_set=True, payout_type="cpa", payout_amount=8)
    response = admin.post(
        f"/manage/tiers/{gold.pk}/payouts/",
        {"goal": goal.pk, "payout_type": "cpa", "payout_amount": "8.75"},
    )
    assert response.status_code == 302
    with scope(network=network):
        assert resolve_payout(goal, publisher).source == "tier"
    assert audit_rows(network, "tier_payout.set")[0].to_state == "cpa 8.75 + 0%"
    page = admin.get(f"/manage/offers/{offer.pk}/")
    assert page.context["goal_rows"][0]["sources"] == {"override": 0, "tier": 1, "goal": 0}
    assert "8.75 USD" in page.content.decode() and "(tier)" in page.content.decode()
    admin.post(f"/manage/tiers/{gold.pk}/payouts/{goal.pk}/remove/")
    admin.post(f"/manage/tiers/{gold.pk}/members/{publisher.pk}/remove/")
    with scope(network=network):
        assert not TierPayout.objects.exists() and not TierMembership.objects.exists()
    assert audit_rows(network, "tier_payout.deleted") and audit_rows(network, "tier.member_removed")


def test_it_checks_tier_payouts_against_the_goals_currency(network, admin, company):
    offer = make_offer(network, company, currency="VND")
    with scope(network=network):
        goal = offer.goals.get()
        gold = PayoutTier.objects.create(network=network, name="Gold")
    response = admin.post(
        f"/manage/tiers/{gold.pk}/payouts/",
        {"goal": goal.pk, "payout_type": "cpa", "payout_amount": "0.5"},
    )
    assert response.status_code == 200
    assert "payout_amount" in response.context["payout_form"].errors
