"""The offer lifecycle (offers.services.offer_transition): which moves exist, who may make
them, what each needs first, the audit row each writes and the emails to the advertiser."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope

from audit.models import AuditEntry
from conftest import make_user
from network.models import Membership, Role
from offers.models import Goal, Offer
from offers.services import ADVERTISER, TRANSITIONS, OfferError, allowed_moves, offer_transition
from offers.tests.world import SALE, offer_with_parts

S = Offer.Status
ALL_MOVES = [(a, b) for a in S.values for b in S.values if a != b]
REFUSED = [move for move in ALL_MOVES if move not in TRANSITIONS]
ADMIN_ONLY = [move for move, who in TRANSITIONS.items() if ADVERTISER not in who]
ADVERTISER_MOVES = [move for move, who in TRANSITIONS.items() if ADVERTISER in who]


@pytest.fixture
def make_offer(network, company):
    def make(status, *, goals=(("Sale", True, True),), landing_active=True) -> Offer:
        """goals: (name, is_default, payout_set) triples."""
        page = None if landing_active is None else "https://shop.example/"
        offer = offer_with_parts(
            network,
            company,
            name="Spring Sale",
            status=status,
            goal=None,
            page=page,
            page_active=landing_active,
        )
        with scope(network=network):
            for name, is_default, payout_set in goals:
                goal = {"name": name, "is_default": is_default, "payout_set": payout_set}
                Goal.objects.create(network=network, offer=offer, **{**SALE, **goal})
        return offer

    return make


def move(network, offer, to_status, user, role, reason=""):
    with scope(network=network):
        return offer_transition(
            offer=offer, to_status=to_status, actor=user, role=role, reason=reason
        )


def refused(network, offer, to_status, user, role, message: str, reason: str = "") -> None:
    """The move fails saying `message`, and the offer keeps its status."""
    before = offer.status
    with pytest.raises(OfferError, match=message):
        move(network, offer, to_status, user, role, reason=reason)
    offer.refresh_from_db()
    assert offer.status == before


def status_rows(network):
    with scope(network=network):
        return list(AuditEntry.objects.filter(action="offer.status"))


@pytest.mark.parametrize(("from_status", "to_status"), list(TRANSITIONS))
def test_admins_make_every_allowed_move_with_an_audit_row(
    network, manager, make_offer, from_status, to_status
):
    offer = make_offer(from_status)
    move(network, offer, to_status, manager, Role.MANAGER, reason="Because")
    offer.refresh_from_db()
    assert offer.status == to_status
    [entry] = status_rows(network)
    assert (entry.actor, entry.from_state, entry.to_state) == (manager, from_status, to_status)
    assert (entry.object_type, entry.object_id, entry.reason) == (
        "offers.offer",
        str(offer.pk),
        "Because",
    )


@pytest.mark.parametrize(("from_status", "to_status"), ADVERTISER_MOVES)
def test_advertisers_make_their_moves(network, advertiser_user, make_offer, from_status, to_status):
    offer = make_offer(from_status)
    move(network, offer, to_status, advertiser_user, Role.ADVERTISER)
    offer.refresh_from_db()
    assert offer.status == to_status
    assert status_rows(network)[0].actor == advertiser_user


@pytest.mark.parametrize(("from_status", "to_status"), ADMIN_ONLY)
def test_advertisers_cannot_approve_or_send_back(
    network, advertiser_user, make_offer, from_status, to_status
):
    offer = make_offer(from_status)
    only_admins = "Only the network's owners and managers"
    refused(network, offer, to_status, advertiser_user, Role.ADVERTISER, only_admins, reason="x")
    assert status_rows(network) == []


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_it_refuses_moves_that_do_not_exist(network, owner, make_offer, from_status, to_status):
    offer = make_offer(from_status)
    refused(network, offer, to_status, owner, Role.OWNER, "cannot become", reason="x")
    assert status_rows(network) == []


def test_it_knows_the_moves_each_role_may_make(make_offer):
    pending = make_offer(S.PENDING)
    assert allowed_moves(pending, Role.OWNER) == [S.ACTIVE, S.DRAFT, S.ARCHIVED]
    assert allowed_moves(pending, Role.MANAGER) == [S.ACTIVE, S.DRAFT, S.ARCHIVED]
    assert allowed_moves(pending, Role.ADVERTISER) == [S.ARCHIVED]
    assert allowed_moves(make_offer(S.DRAFT), Role.ADVERTISER) == [S.PENDING, S.ARCHIVED]
    assert allowed_moves(make_offer(S.ARCHIVED), Role.OWNER) == []


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_sending_back_needs_a_reason(network, manager, make_offer, reason):
    offer = make_offer(S.PENDING)
    why = "Tell the advertiser what to change"
    refused(network, offer, S.DRAFT, manager, Role.MANAGER, why, reason=reason)


def test_approval_needs_the_payout_of_every_goal(network, manager, make_offer):
    offer = make_offer(S.PENDING, goals=[("Sale", True, True), ("Lead", False, False)])
    with pytest.raises(OfferError, match="Set the publisher payout of every goal"):
        move(network, offer, S.ACTIVE, manager, Role.MANAGER)
    with scope(network=network):
        offer.goals.update(payout_set=True)
    move(network, offer, S.ACTIVE, manager, Role.MANAGER)
    offer.refresh_from_db()
    assert offer.status == S.ACTIVE


@pytest.mark.parametrize(
    ("goals", "landing_active", "message"),
    [
        ((), True, "Add a default goal before submitting"),
        ((("Lead", False, False),), True, "Add a default goal before submitting"),
        ((("Sale", True, False),), None, "Add at least one active landing page"),
        ((("Sale", True, False),), False, "Add at least one active landing page"),
    ],
)
def test_submitting_needs_a_default_goal_and_a_landing_page(
    network, advertiser_user, make_offer, goals, landing_active, message
):
    offer = make_offer(S.DRAFT, goals=goals, landing_active=landing_active)
    refused(network, offer, S.PENDING, advertiser_user, Role.ADVERTISER, message)


def test_it_emails_every_user_of_the_advertiser_on_approval(
    network, manager, company, make_offer, django_capture_on_commit_callbacks
):
    colleague = make_user("boss@alpha.example")
    with scope(network=network):
        Membership.objects.create(
            network=network, user=colleague, role=Role.ADVERTISER, advertiser=company
        )
    offer = make_offer(S.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        move(network, offer, S.ACTIVE, manager, Role.MANAGER)
    [email] = mail.outbox
    assert sorted(email.to) == ["adv@alpha.example", "boss@alpha.example"]
    assert "Spring Sale" in email.subject and "is live" in email.subject
    assert f"/advertiser/offers/{offer.pk}/" in email.body


def test_it_emails_the_reason_when_sending_back(
    network, manager, make_offer, django_capture_on_commit_callbacks
):
    offer = make_offer(S.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        move(network, offer, S.DRAFT, manager, Role.MANAGER, reason="Landing page is broken.")
    [email] = mail.outbox
    assert "needs changes" in email.subject
    assert "Landing page is broken." in email.body


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(S.ACTIVE, S.PAUSED), (S.PAUSED, S.ACTIVE), (S.ACTIVE, S.ARCHIVED), (S.DRAFT, S.ARCHIVED)],
)
def test_other_moves_send_no_email(
    network, owner, make_offer, from_status, to_status, django_capture_on_commit_callbacks
):
    offer = make_offer(from_status)
    with django_capture_on_commit_callbacks(execute=True):
        move(network, offer, to_status, owner, Role.OWNER)
    assert mail.outbox == []


def test_submitting_tells_the_admins_not_the_advertiser(
    network, owner, manager, advertiser_user, make_offer, django_capture_on_commit_callbacks
):
    offer = make_offer(S.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        move(network, offer, S.PENDING, advertiser_user, Role.ADVERTISER)
    [email] = mail.outbox
    assert sorted(email.to) == ["manager@alpha.example", "owner@alpha.example"]
    assert f"/manage/offers/{offer.pk}/" in email.body
