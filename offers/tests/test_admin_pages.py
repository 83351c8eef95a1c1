"""Owners and managers review offers, set payouts, tiers, overrides and caps, and decide who
may run each offer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django_scopes import scope

from audit.models import AuditEntry
from conftest import client_for, make_member
from network.models import Role
from offers.models import (
    Cap,
    Creative,
    Goal,
    LandingPage,
    Offer,
    OfferAccess,
    PayoutOverride,
    PayoutTier,
    TierMembership,
    TierPayout,
)
from offers.payouts import resolve_payout
from offers.services import OfferError
from offers.services_rules import tier_member_add
from publishers.models import Publisher


def make_offer(network, advertiser, *, name="Summer Sale", status="pending", **extra) -> Offer:
    """An offer with a default CPA goal (10.00 revenue) and a landing page. The payout is set
    once the offer was approved (active, paused), not before."""
    with scope(network=network):
        offer = Offer.objects.create(
            network=network,
            advertiser=advertiser,
            name=name,
            category="ecommerce",
            currency=extra.pop("currency", "USD"),
            status=status,
            **extra,
        )
        Goal.objects.create(
            network=network,
            offer=offer,
            name="Sale",
            is_default=True,
            revenue_type="cpa",
            revenue_amount=Decimal(10),
            payout_type="cpa",
            payout_amount=Decimal(8),
            payout_set=status in ("active", "paused"),
        )
        LandingPage.objects.create(
            network=network,
            offer=offer,
            name="Home",
            url_template="https://shop.example/?t={transaction_id}",
        )
    return offer


@pytest.fixture
def company(network, advertiser_user):
    with scope(network=network):
        return advertiser_user.memberships.get().advertiser


@pytest.fixture
def publisher(network, publisher_user):
    with scope(network=network):
        return publisher_user.memberships.get().publisher


@pytest.fixture
def offer(network, company):
    return make_offer(network, company)


@pytest.fixture
def goal(network, offer):
    with scope(network=network):
        return offer.goals.get()


@pytest.fixture
def admin(network, manager):
    return client_for(network, manager)


def audit_rows(network, action):
    with scope(network=network):
        return list(AuditEntry.objects.filter(action=action))


# --- offer list and review page ---------------------------------------------------------------


def test_it_lists_offers_waiting_for_review_first(network, company, admin):
    make_offer(network, company, name="Old active", status="active")
    make_offer(network, company, name="Needs review", status="pending")
    make_offer(network, company, name="Newest draft", status="draft")
    response = admin.get("/manage/offers/")
    assert response.status_code == 200
    names = [row.record.name for row in response.context["table"].rows]
    assert names[0] == "Needs review"
    assert response.context["pending_count"] == 1
    active = admin.get("/manage/offers/?status=active&q=old")
    assert [row.record.name for row in active.context["table"].rows] == ["Old active"]


def test_it_ignores_filter_values_it_does_not_know(network, company, admin):
    make_offer(network, company)
    for query in (
        "?status=nope&advertiser=abc",
        "?advertiser=99999999999999999999",
        "?q=" + "9" * 40,
    ):
        response = admin.get("/manage/offers/" + query)
        assert response.status_code == 200, query


def test_it_shows_the_advertisers_html_escaped(network, admin, offer):
    with scope(network=network):
        Creative.objects.create(
            network=network,
            offer=offer,
            name="Evil",
            kind="html",
            html='<script>alert("x")</script><a href="{tracking_link}">Go</a>',
        )
    response = admin.get(f"/manage/offers/{offer.pk}/")
    assert response.status_code == 200
    assert b"&lt;script&gt;alert(" in response.content
    assert b'<script>alert("x")' not in response.content
    assert b"https://shop.example/?t={transaction_id}" in response.content


def test_it_suggests_the_payout_from_revenue_and_the_network_margin(network, admin, offer, goal):
    response = admin.get(f"/manage/offers/{offer.pk}/")
    form = response.context["goal_rows"][0]["form"]
    assert (form["payout_type"].value(), form["payout_amount"].value()) == ("cpa", Decimal("8.00"))
    assert b"payout not set" in response.content


def test_it_refuses_to_approve_until_every_goal_has_a_payout(network, admin, offer):
    response = admin.post(f"/manage/offers/{offer.pk}/status/", {"to_status": "active"})
    assert response.status_code == 200
    assert b"Set the publisher payout of every goal before approving." in response.content
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_it_approves_after_the_payout_is_set_and_emails_the_advertiser(
    network, manager, admin, offer, goal, django_capture_on_commit_callbacks
):
    prefix = f"goal-{goal.pk}"
    response = admin.post(
        f"/manage/offers/{offer.pk}/goals/{goal.pk}/payout/",
        {f"{prefix}-payout_type": "cpa", f"{prefix}-payout_amount": "7.50"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.payout_set, goal.payout_amount) == (True, Decimal("7.500"))
    assert audit_rows(network, "goal.payout")[0].to_state == "cpa 7.50 + 0%"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/manage/offers/{offer.pk}/status/", {"to_status": "active"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACTIVE
    assert mail.outbox[-1].to == ["adv@alpha.example"]
    assert "is live" in mail.outbox[-1].subject
    entry = audit_rows(network, "offer.status")[0]
    assert (entry.actor, entry.from_state, entry.to_state) == (manager, "pending", "active")


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


def test_it_sends_back_only_with_a_reason(
    network, admin, offer, django_capture_on_commit_callbacks
):
    url = f"/manage/offers/{offer.pk}/status/"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"to_status": "draft", "reason": "  "})
    assert response.status_code == 200
    assert b"Tell the advertiser what to change." in response.content
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            url, {"to_status": "draft", "reason": "Add a landing page in English."}
        )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DRAFT
    assert "Add a landing page in English." in mail.outbox[-1].body
    assert audit_rows(network, "offer.status")[0].reason == "Add a landing page in English."


def test_it_pauses_resumes_and_archives(network, admin, company):
    offer = make_offer(network, company, status="active")
    url = f"/manage/offers/{offer.pk}/status/"
    for to_status in ("paused", "active", "archived"):
        assert admin.post(url, {"to_status": to_status}).status_code == 302
        offer.refresh_from_db()
        assert offer.status == to_status
    response = admin.post(url, {"to_status": "active"})
    assert b"cannot become active" in response.content


# --- access requests and invitations -----------------------------------------------------------


@pytest.fixture
def request_access(network, offer, publisher):
    with scope(network=network):
        Offer.objects.filter(pk=offer.pk).update(status="active")
        return OfferAccess.objects.create(
            network=network, offer=offer, publisher=publisher, publisher_note="Coupon site"
        )


def test_it_lists_pending_requests_first(network, admin, request_access, offer):
    other = make_member(network, Role.PUBLISHER, "old@alpha.example")
    with scope(network=network):
        OfferAccess.objects.create(
            network=network,
            offer=offer,
            publisher=other.memberships.get().publisher,
            status="approved",
        )
    response = admin.get("/manage/offer-access/")
    statuses = [row.record.status for row in response.context["table"].rows]
    assert statuses == ["pending", "approved"]
    filtered = admin.get(f"/manage/offer-access/?status=approved&offer={offer.pk}")
    assert [row.record.status for row in filtered.context["table"].rows] == ["approved"]


def test_it_approves_a_request_and_tells_the_publisher(
    network, manager, admin, request_access, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/manage/offer-access/{request_access.pk}/", {"decision": "approved"}
        )
    assert response["Location"] == "/manage/offer-access/"
    request_access.refresh_from_db()
    assert (request_access.status, request_access.decided_by) == ("approved", manager)
    assert mail.outbox[-1].to == ["pub@alpha.example"]
    assert "access approved" in mail.outbox[-1].subject
    entry = audit_rows(network, "offer_access.decided")[0]
    assert (entry.from_state, entry.to_state) == ("pending", "approved")


@pytest.mark.parametrize("decision", ["rejected", "blocked"])
def test_it_rejects_or_blocks_only_with_a_reason(
    network, admin, request_access, publisher, decision, django_capture_on_commit_callbacks
):
    url = f"/manage/offer-access/{request_access.pk}/"
    response = admin.post(url, {"decision": decision, "reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"decision": decision, "reason": "Brand bidding is not allowed."})
    request_access.refresh_from_db()
    assert request_access.status == decision
    assert "Brand bidding is not allowed." in mail.outbox[-1].body
    assert audit_rows(network, "offer_access.decided")[0].to_state == decision
    with scope(network=network):
        visible = Offer.objects.visible_to(publisher).filter(pk=request_access.offer_id).exists()
    assert visible is (decision == "rejected")  # blocked hides the offer


def test_it_invites_a_publisher_to_a_private_offer(
    network, admin, company, publisher, django_capture_on_commit_callbacks
):
    offer = make_offer(network, company, status="active", visibility="private")
    with scope(network=network):
        assert not Offer.objects.visible_to(publisher).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/manage/offers/{offer.pk}/invite/", {"publisher": publisher.pk})
    assert response.status_code == 302
    with scope(network=network):
        assert list(Offer.objects.runnable_by(publisher)) == [offer]
    assert mail.outbox[-1].to == ["pub@alpha.example"]
    assert audit_rows(network, "offer_access.invited")[0].to_state == "approved"
    again = admin.post(f"/manage/offers/{offer.pk}/invite/", {"publisher": publisher.pk})
    assert again.status_code == 200
    assert "publisher" in again.context["form"].errors


def test_it_invites_only_approved_publishers(network, admin, offer):
    with scope(network=network):
        applicant = Publisher.objects.create(
            network=network, name="Applicant", website="https://a.example", country="DE"
        )
    response = admin.post(f"/manage/offers/{offer.pk}/invite/", {"publisher": applicant.pk})
    assert response.status_code == 200
    with scope(network=network):
        assert not OfferAccess.objects.exists()


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


# --- caps ---------------------------------------------------------------------------------------


def test_it_adds_and_removes_a_cap_for_one_publisher(network, admin, offer, publisher):
    data = {"period": "daily", "metric": "conversions", "limit": "50", "action": "stop"}
    response = admin.post(
        f"/manage/offers/{offer.pk}/caps/new/", {**data, "publisher": publisher.pk}
    )
    assert response.status_code == 302
    with scope(network=network):
        cap = Cap.objects.get()
    assert (cap.publisher, cap.limit) == (publisher, Decimal(50))
    assert audit_rows(network, "cap.created")
    assert admin.post(f"/manage/offers/{offer.pk}/caps/{cap.pk}/delete/").status_code == 302
    with scope(network=network):
        assert not Cap.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"limit": "0"},
        {"limit": "1.5"},
        {"limit": "abc"},
        {"metric": "payout", "limit": "10.555"},
        {"period": "hourly"},
        {"publisher": "999999"},
    ],
)
def test_it_shows_cap_errors_and_keeps_the_input(network, admin, offer, data):
    base = {"period": "daily", "metric": "conversions", "limit": "10", "action": "stop"}
    response = admin.post(f"/manage/offers/{offer.pk}/caps/new/", {**base, **data})
    assert response.status_code == 200
    assert response.context["form"].errors
    with scope(network=network):
        assert not Cap.objects.exists()


# --- bad input and other networks ----------------------------------------------------------------


def test_it_answers_malformed_posts_without_a_server_error(network, admin, offer, goal):
    with scope(network=network):
        tier = PayoutTier.objects.create(network=network, name="Gold")
    urls = [
        f"/manage/offers/{offer.pk}/status/",
        f"/manage/offers/{offer.pk}/goals/{goal.pk}/payout/",
        f"/manage/offers/{offer.pk}/overrides/new/",
        f"/manage/offers/{offer.pk}/caps/new/",
        f"/manage/offers/{offer.pk}/invite/",
        f"/manage/tiers/{tier.pk}/members/",
        f"/manage/tiers/{tier.pk}/payouts/",
        "/manage/tiers/",
    ]
    garbage = [
        {},
        {"to_status": ["active", "draft"], "reason": "x" * 5000},
        {"goal": "1 OR 1=1", "publisher": "-1", "payout_type": "\x00", "payout_amount": "1e999"},
        {f"goal-{goal.pk}-payout_amount": "NaN", f"goal-{goal.pk}-payout_type": "cps"},
        {"limit": "Infinity", "period": "daily", "metric": "clicks", "action": "stop"},
        {"name": "", "publisher": "99999999999999999999"},
    ]
    for url in urls:
        for data in garbage:
            response = admin.post(url, data)
            assert response.status_code < 500, (url, data)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_a_manager_of_another_network_cannot_touch_this_offer(network, offer, goal, other_network):
    stranger = make_member(other_network, Role.MANAGER, "manager@beta.example")
    client = client_for(network, stranger)
    assert client.get(f"/manage/offers/{offer.pk}/").status_code == 404
    assert (
        client.post(f"/manage/offers/{offer.pk}/status/", {"to_status": "active"}).status_code
        == 404
    )
    # On their own network's host, this network's ids find nothing either.
    own_host = client_for(other_network, stranger)
    assert own_host.get(f"/manage/offers/{offer.pk}/").status_code == 404
    prefix = f"goal-{goal.pk}"
    response = own_host.post(
        f"/manage/offers/{offer.pk}/goals/{goal.pk}/payout/",
        {f"{prefix}-payout_type": "cpa", f"{prefix}-payout_amount": "1"},
    )
    assert response.status_code == 404
    goal.refresh_from_db()
    assert not goal.payout_set


def test_it_is_for_owners_and_managers_only(network, offer, advertiser_user, publisher_user, owner):
    assert client_for(network, owner).get(f"/manage/offers/{offer.pk}/").status_code == 200
    for user in (advertiser_user, publisher_user):
        assert client_for(network, user).get(f"/manage/offers/{offer.pk}/").status_code == 403


def test_it_survives_odd_sorting_and_paging_parameters(network, admin, offer, request_access):
    for url in (
        "/manage/offers/?per_page=-1&page=abc&sort=nope",
        "/manage/offers/?per_page=1000000000&page=99999",
        "/manage/offer-access/?per_page=0&sort=-publisher",
        f"/manage/offers/{offer.pk}/?runners-per_page=-5&runners-page=x&runners-sort=payouts",
        "/manage/tiers/?per_page=abc",
    ):
        assert admin.get(url).status_code == 200, url
