"""Which offers a publisher finds (visible_to) and may send traffic to (runnable_by)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils.timezone import now
from django_scopes import scope, scopes_disabled

from advertisers.models import Advertiser
from conftest import make_member
from network.models import Membership, Network, Role
from offers.models import Offer, OfferAccess
from offers.tests.world import SALE, offer_with_parts
from publishers.models import Publisher

# Factories shared by the publisher-side offer tests (test_links, test_publisher_pages).


def make_offer(
    network: Network,
    name: str = "Shoes",
    *,
    visibility: str = Offer.Visibility.PUBLIC,
    status: str = Offer.Status.ACTIVE,
    payout_type: str = "cpa",
    payout_amount: float = 8,
    payout_percent: float = 0,
    **fields,
) -> Offer:
    """An offer with a default goal and one active landing page."""
    with scopes_disabled():
        advertiser = Advertiser.objects.filter(network=network).first()
        if advertiser is None:
            advertiser = Advertiser.objects.create(network=network, name=f"Shop {network.slug}")
    goal = {
        **SALE,
        "revenue_type": payout_type,
        "revenue_amount": 10 if payout_amount else 0,
        "revenue_percent": payout_percent,
        "payout_type": payout_type,
        "payout_amount": payout_amount,
        "payout_percent": payout_percent,
    }
    page = "https://shop.example/?t={transaction_id}&s={aff_sub}"
    return offer_with_parts(
        network,
        advertiser,
        name=name,
        status=status,
        visibility=visibility,
        goal=goal,
        page=page,
        **fields,
    )


def publisher_of(user) -> Publisher:
    with scopes_disabled():
        return Membership.objects.select_related("publisher").get(user=user).publisher


def grant(offer: Offer, publisher: Publisher, status: str = "approved") -> OfferAccess:
    with scopes_disabled():
        return OfferAccess.objects.create(
            network=offer.network, offer=offer, publisher=publisher, status=status
        )


def set_status(publisher: Publisher, status: str) -> None:
    with scopes_disabled():
        Publisher.objects.filter(pk=publisher.pk).update(status=status)
    publisher.status = status


def visible(network: Network, publisher: Publisher) -> set[str]:
    with scope(network=network):
        return set(Offer.objects.visible_to(publisher).values_list("name", flat=True))


def runnable(network: Network, publisher: Publisher) -> set[str]:
    with scope(network=network):
        return set(Offer.objects.runnable_by(publisher).values_list("name", flat=True))


@pytest.fixture
def publisher(publisher_user) -> Publisher:
    return publisher_of(publisher_user)


def test_it_lists_public_and_approval_offers_but_not_private_ones(network, publisher):
    make_offer(network, "Public", visibility="public")
    make_offer(network, "Approval", visibility="approval")
    make_offer(network, "Private", visibility="private")
    assert visible(network, publisher) == {"Public", "Approval"}


def test_it_shows_a_private_offer_only_once_the_publisher_is_let_in(network, publisher):
    private = make_offer(network, "Private", visibility="private")
    access = grant(private, publisher, status="pending")
    assert visible(network, publisher) == set()
    with scopes_disabled():
        OfferAccess.objects.filter(pk=access.pk).update(status="approved")
    assert visible(network, publisher) == {"Private"}
    assert runnable(network, publisher) == {"Private"}


def test_it_lets_a_publisher_run_only_offers_their_access_is_approved_for(network, publisher):
    make_offer(network, "Public, not taken", visibility="public")
    grant(make_offer(network, "Public, taken", visibility="public"), publisher)
    grant(make_offer(network, "Approval, pending", visibility="approval"), publisher, "pending")
    grant(make_offer(network, "Approval, rejected", visibility="approval"), publisher, "rejected")
    grant(make_offer(network, "Approval, approved", visibility="approval"), publisher)
    assert runnable(network, publisher) == {"Public, taken", "Approval, approved"}
    assert "Approval, rejected" in visible(network, publisher)  # they see why, on the page


def test_it_hides_even_a_public_offer_from_a_blocked_publisher(network, publisher):
    grant(make_offer(network, "Blocked public", visibility="public"), publisher, "blocked")
    grant(make_offer(network, "Blocked private", visibility="private"), publisher, "blocked")
    assert visible(network, publisher) == set()
    assert runnable(network, publisher) == set()


def test_it_hides_expired_offers_but_not_on_their_last_day(network, publisher):
    today = now().date()
    grant(make_offer(network, "Expired", expires_on=today - timedelta(days=1)), publisher)
    make_offer(network, "Last day", expires_on=today)
    make_offer(network, "Open-ended")
    assert visible(network, publisher) == {"Last day", "Open-ended"}
    assert runnable(network, publisher) == set()


@pytest.mark.parametrize("status", ["draft", "pending", "paused", "archived"])
def test_it_hides_offers_that_are_not_active(network, publisher, status):
    offer = make_offer(network, "Not live", status=status)
    grant(offer, publisher)
    make_offer(network, "Live")
    assert visible(network, publisher) == {"Live"}
    assert runnable(network, publisher) == set()


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_it_shows_nothing_to_a_publisher_who_is_not_approved(network, publisher, status):
    grant(make_offer(network, "Public"), publisher)
    make_offer(network, "Approval", visibility="approval")
    set_status(publisher, status)
    assert visible(network, publisher) == set()
    assert runnable(network, publisher) == set()


def test_it_never_shows_another_networks_offers(network, other_network, publisher):
    make_offer(network, "Ours")
    theirs = make_offer(other_network, "Theirs")
    # Even an access row pointing across networks (which no workflow creates) admits nothing.
    grant(theirs, publisher)
    beta_publisher = publisher_of(make_member(other_network, Role.PUBLISHER, "p@beta.example"))
    assert visible(network, publisher) == {"Ours"}
    assert runnable(network, publisher) == set()
    assert visible(other_network, beta_publisher) == {"Theirs"}
