"""Owners and managers review offers, set caps, and decide who may run each offer (payouts,
overrides and tiers: commissions/tests/test_admin_pages.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django_scopes import scope

from audit.models import AuditEntry
from commissions.models import PayoutTier
from conftest import client_for, make_member
from network.models import Role
from offers.models import Cap, Creative, Offer, OfferAccess
from offers.tests.world import SALE, offer_with_parts
from publishers.models import Publisher


def make_offer(network, advertiser, *, name="Summer Sale", status="pending", **extra) -> Offer:
    """An offer with a default CPA goal (10.00 revenue) and a landing page. The payout is set
    once the offer was approved (active, paused), not before."""
    goal = {**SALE, "payout_set": status in ("active", "paused")}
    page = "https://shop.example/?t={transaction_id}"
    return offer_with_parts(
        network, advertiser, name=name, status=status, goal=goal, page=page, **extra
    )


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
