"""Blocking an advertiser company: the service and its audit entry, what a block does to
the click path, the marketplace, postbacks and offer moves, and the admins' page action."""

from __future__ import annotations

import pytest
from django.middleware.csrf import get_token
from django_scopes import scope, scopes_disabled

from advertisers.models import Advertiser
from advertisers.services import AdvertiserError, advertiser_set_status
from audit.models import AuditEntry
from conftest import client_for, make_member
from network.models import Role
from offers.models import Offer, OfferAccess
from offers.services import OfferError, offer_transition
from tracking.models import Click, Conversion
from tracking.tests.helpers import runner_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    return runner_world(network, owner, publisher_user)


def block(world, owner, reason="Unpaid invoices.") -> Advertiser:
    with scope(network=world["offer"].network):
        return advertiser_set_status(
            advertiser=world["advertiser"], actor=owner, status="blocked", reason=reason
        )


def status_entries(company) -> list[AuditEntry]:
    with scopes_disabled():
        return list(
            AuditEntry.objects.filter(
                action="advertiser.status",
                object_type="advertisers.advertiser",
                object_id=str(company.pk),
            ).order_by("id")
        )


def status_of(company) -> str:
    with scopes_disabled():
        return Advertiser.objects.get(pk=company.pk).status


def aff_c(network, world):
    return client_for(network).get(
        f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}",
        REMOTE_ADDR="203.0.113.7",
    )


# --- The service ---------------------------------------------------------------------------


def test_it_blocks_and_unblocks_with_an_audit_entry_each(network, world, owner):
    company = world["advertiser"]
    block(world, owner, reason="  Unpaid invoices.  ")
    assert status_of(company) == "blocked"
    with scope(network=network):
        advertiser_set_status(advertiser=company, actor=owner, status="active", reason="")
    assert status_of(company) == "active"
    first, second = status_entries(company)
    assert (first.actor, first.from_state, first.to_state, first.reason) == (
        owner,
        "active",
        "blocked",
        "Unpaid invoices.",
    )
    assert (second.from_state, second.to_state, second.reason) == ("blocked", "active", "")


def test_it_refuses_a_block_without_a_reason_and_a_move_that_changes_nothing(network, world, owner):
    company = world["advertiser"]
    with scope(network=network), pytest.raises(AdvertiserError, match="reason"):
        advertiser_set_status(advertiser=company, actor=owner, status="blocked", reason="  ")
    with scope(network=network), pytest.raises(AdvertiserError, match="already active"):
        advertiser_set_status(advertiser=company, actor=owner, status="active", reason="")
    block(world, owner)
    with scope(network=network), pytest.raises(AdvertiserError, match="already blocked"):
        advertiser_set_status(advertiser=company, actor=owner, status="blocked", reason="Again")
    assert len(status_entries(company)) == 1  # only the one real change


# --- What a block does ---------------------------------------------------------------------


def test_a_click_on_a_blocked_advertisers_offer_is_recorded_rejected_and_sent_to_fallback(
    network, world, owner
):
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(fallback_url="https://fallback.example/")
    assert aff_c(network, world)["Location"].startswith("https://shop.example/")
    block(world, owner)
    # The click path caches offers for a few seconds in each process (tracking.lookups):
    # here the next lookup reads the database, as it does once that time has passed.
    from tracking import lookups

    lookups.forget_all()
    response = aff_c(network, world)
    assert response.status_code == 302
    assert response["Location"] == "https://fallback.example/"
    assert f"tid_{world['offer'].pk}" not in response.cookies
    with scope(network=network):
        latest = Click.objects.order_by("-created_at").first()
        assert (latest.status, latest.reject_reason) == ("rejected", "advertiser_blocked")
        assert Click.objects.count() == 2


def test_a_blocked_advertisers_offer_is_not_used_as_another_offers_fallback(network, world, owner):
    with scopes_disabled():
        other = Advertiser.objects.create(network=network, name="Other Shop")
        backup = Offer.objects.get(pk=world["offer"].pk)
        backup.pk = None
        backup.advertiser, backup.name = other, "Backup"
        backup.save()
        backup.landing_pages.create(
            network=network, name="Home", url_template="https://backup.example/"
        )
        # The publisher may run the backup offer: a fallback offer takes a click only then.
        OfferAccess.objects.create(
            network=network,
            offer=backup,
            publisher=world["runner"],
            status=OfferAccess.Status.APPROVED,
        )
        Offer.objects.filter(pk=world["offer"].pk).update(
            status=Offer.Status.PAUSED, fallback_offer=backup, fallback_url="https://fb.example/"
        )
    assert aff_c(network, world)["Location"] == "https://backup.example/"
    with scope(network=network):
        advertiser_set_status(advertiser=other, actor=owner, status="blocked", reason="Fraud")
    from tracking import lookups

    lookups.forget_all()
    assert aff_c(network, world)["Location"] == "https://fb.example/"


def test_the_marketplace_hides_a_blocked_advertisers_offers(network, world, owner, publisher_user):
    runner, offer = world["runner"], world["offer"]
    with scope(network=network):
        assert offer in Offer.objects.visible_to(runner)
        assert offer in Offer.objects.runnable_by(runner)
    page = client_for(network, publisher_user).get("/publisher/offers/")
    assert offer.name in page.content.decode()
    block(world, owner)
    with scope(network=network):
        assert offer not in Offer.objects.visible_to(runner)
        assert offer not in Offer.objects.runnable_by(runner)
    page = client_for(network, publisher_user).get("/publisher/offers/")
    assert page.status_code == 200
    assert offer.name not in page.content.decode()


def test_a_postback_for_an_earlier_click_is_still_accepted(network, world, owner):
    click_id = aff_c(network, world).cookies[f"tid_{world['offer'].pk}"].value
    block(world, owner)
    from tracking import lookups

    lookups.forget_all()
    response = client_for(network).get(
        "/aff_lsr",
        {"transaction_id": click_id, "security_token": world["advertiser"].postback_token},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 200
    assert response.content.decode().startswith("success=true")
    with scope(network=network):
        assert Conversion.objects.get().click_id == click_id


def test_a_blocked_advertiser_reads_its_offers_but_cannot_put_one_live(
    network, world, owner, advertiser_user
):
    offer = world["offer"]
    with scope(network=network):
        offer_transition(offer=offer, to_status="paused", actor=advertiser_user, role="advertiser")
    block(world, owner)
    client = client_for(network, advertiser_user)
    assert client.get(f"/advertiser/offers/{offer.pk}/").status_code == 200
    client.post(f"/advertiser/offers/{offer.pk}/status/", {"to": "active"})
    with scopes_disabled():
        assert Offer.objects.get(pk=offer.pk).status == "paused"
    with scope(network=network), pytest.raises(OfferError, match="blocked"):
        offer_transition(offer=offer, to_status="active", actor=owner, role="owner")
    with scope(network=network):  # taking it down further is still allowed
        offer_transition(
            offer=offer, to_status="archived", actor=advertiser_user, role="advertiser"
        )
    with scopes_disabled():
        assert Offer.objects.get(pk=offer.pk).status == "archived"


# --- The admins' page ----------------------------------------------------------------------


def test_an_admin_blocks_and_unblocks_from_the_advertisers_page(network, world, manager):
    company = world["advertiser"]
    client = client_for(network, manager)
    url = f"/manage/advertisers/{company.pk}/status/"
    refused = client.post(url, {"status": "blocked", "reason": ""}, follow=True)
    assert "Give a reason" in refused.content.decode()
    assert status_of(company) == "active"
    client.post(url, {"status": "blocked", "reason": "Chargebacks"})
    assert status_of(company) == "blocked"
    page = client.get("/manage/advertisers/").content.decode()
    assert "Blocked" in page and "Chargebacks" in page and manager.email in page
    assert 'value="active"' in page  # the row now offers to unblock
    client.post(url, {"status": "active", "reason": ""})
    assert status_of(company) == "active"
    [blocked, unblocked] = status_entries(company)
    assert (blocked.actor, blocked.to_state, blocked.reason) == (manager, "blocked", "Chargebacks")
    assert unblocked.to_state == "active"


def test_the_page_action_needs_the_csrf_token(network, world, owner):
    company = world["advertiser"]
    client = client_for(network, owner)
    client.handler.enforce_csrf_checks = True
    url = f"/manage/advertisers/{company.pk}/status/"
    assert client.post(url, {"status": "blocked", "reason": "x"}).status_code == 403
    assert status_of(company) == "active"
    page = client.get("/manage/advertisers/")
    token = get_token(page.wsgi_request)
    client.post(url, {"status": "blocked", "reason": "x", "csrfmiddlewaretoken": token})
    assert status_of(company) == "blocked"


def test_only_this_networks_admins_may_block(
    network, world, advertiser_user, publisher_user, other_network
):
    company = world["advertiser"]
    url = f"/manage/advertisers/{company.pk}/status/"
    body = {"status": "blocked", "reason": "x"}
    for user in (advertiser_user, publisher_user):
        assert client_for(network, user).post(url, body).status_code == 403
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    assert client_for(other_network, stranger).post(url, body).status_code == 404
    assert client_for(network, stranger).post(url, body).status_code == 404
    assert client_for(network, world_owner(network)).get(url).status_code == 405
    assert status_of(company) == "active"
    assert status_entries(company) == []


def world_owner(network):
    with scopes_disabled():
        return network.memberships.get(role=Role.OWNER).user


def test_a_blocked_advertisers_offer_lists_no_move_that_would_go_live(world, manager):
    from offers.models import Offer
    from offers.services import allowed_moves

    offer = world["offer"]
    with scopes_disabled():
        Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.PAUSED)
        offer.refresh_from_db()
        assert "active" in allowed_moves(offer, "owner")
        advertiser_set_status(
            advertiser=offer.advertiser, actor=manager, status="blocked", reason="Unpaid"
        )
        offer = Offer.objects.select_related("advertiser").get(pk=offer.pk)
        assert allowed_moves(offer, "owner") == ["archived"]
        assert allowed_moves(offer, "advertiser") == ["archived"]
