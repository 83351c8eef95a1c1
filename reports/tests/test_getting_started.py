"""The getting-started checklist of a new network's admin dashboard: all unticked on a fresh
network, each step ticked by doing it (the test click and postback through the links the
checklist gives), nothing ticked by another network's data, and gone once all is done."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django_scopes import scopes_disabled

from advertisers.models import Advertiser
from conftest import client_for, make_member, make_world
from network.models import Role
from network.services import invitation_create
from offers.models import Offer, OfferAccess
from publishers.models import PaymentDetails, Publisher
from tracking.tests.helpers import add_offer

STEPS = ["advertiser", "offer", "publisher", "click", "postback", "payment"]


def checklist(network, user):
    response = client_for(network, user).get("/manage/")
    assert response.status_code == 200
    return response, response.context["checklist"]


def ticked(network, user) -> dict[str, bool]:
    _, steps = checklist(network, user)
    return {step.key: step.done for step in steps}


def step_of(network, user, key: str):
    _, steps = checklist(network, user)
    return next(step for step in steps if step.key == key)


def local(url: str) -> str:
    """The path and query of a link the page gives (the test client sends the host)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_a_fresh_network_shows_every_step_unticked_with_its_page(network, owner):
    response, steps = checklist(network, owner)

    assert [step.key for step in steps] == STEPS
    assert not any(step.done for step in steps)
    body = response.content.decode()
    assert 'id="getting-started"' in body and "0 of 6 steps done" in body
    for url in (
        "/manage/invitations/new/?role=advertiser",
        "/manage/offers/",
        "/manage/publishers/?status=pending",
        "/manage/conversions/",
        "/manage/publishers/?status=approved",
    ):
        assert f'href="{url}"' in body, url


def test_another_networks_data_ticks_nothing(network, owner, other_network):
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    world = make_world(other_network, admin)  # advertisers, offers, publishers, invitations...
    with scopes_disabled():
        publisher = world["offer_access"].publisher
        PaymentDetails.objects.create(
            network=other_network, publisher=publisher, method="paypal", paypal_email="p@b.example"
        )
    click = client_for(other_network).get(
        f"/aff_c?offer_id={world['offer'].pk}&aff_id={publisher.pk}"
    )
    assert click.status_code == 302
    theirs = ticked(other_network, admin)  # beta's own list ticks with beta's data
    assert theirs["offer"] and theirs["publisher"] and theirs["click"] and theirs["payment"]

    assert ticked(network, owner) == dict.fromkeys(STEPS, False)


def test_doing_each_step_ticks_it_and_the_list_goes_when_all_are_done(network, owner):
    invitation_create(
        network=network, invited_by=owner, email="shop@alpha.example", role=Role.ADVERTISER
    )
    assert ticked(network, owner)["advertiser"]

    with scopes_disabled():
        shop = Advertiser.objects.create(network=network, name="Shop")
    offer = add_offer(
        network, shop, "Shoes", status=Offer.Status.PENDING, page="https://shop.example/"
    )
    pending = step_of(network, owner, "offer")
    assert not pending.done and pending.url == "/manage/offers/?status=pending"
    with scopes_disabled():
        Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.ACTIVE)
    assert ticked(network, owner)["offer"]

    with scopes_disabled():
        runner = Publisher.objects.create(
            network=network, name="Runner", website="https://r.example", country="US"
        )
    assert not ticked(network, owner)["publisher"]  # applied, not approved yet
    with scopes_disabled():
        Publisher.objects.filter(pk=runner.pk).update(status=Publisher.Status.APPROVED)
        OfferAccess.objects.create(
            network=network, offer=offer, publisher=runner, status=OfferAccess.Status.APPROVED
        )
    assert ticked(network, owner)["publisher"]

    # The test click: the checklist gives the tracking link of that offer and publisher.
    click = step_of(network, owner, "click")
    assert not click.done and f"offer_id={offer.pk}" in click.test_url
    assert f"aff_id={runner.pk}" in click.test_url
    assert client_for(network).get(local(click.test_url)).status_code == 302
    assert ticked(network, owner)["click"]

    # The test postback: the checklist gives the postback of that click, with the token.
    postback = step_of(network, owner, "postback")
    assert not postback.done and shop.postback_token in postback.test_url
    answer = client_for(network).get(local(postback.test_url))
    assert answer.status_code == 200 and answer.content.startswith(b"success=true")
    assert ticked(network, owner)["postback"]

    assert not ticked(network, owner)["payment"]
    with scopes_disabled():
        PaymentDetails.objects.create(
            network=network, publisher=runner, method="paypal", paypal_email="r@p.example"
        )

    response, steps = checklist(network, owner)
    assert steps is None  # every step done: the list is gone
    assert 'id="getting-started"' not in response.content.decode()


@pytest.mark.parametrize("role", ["advertiser_user", "publisher_user"])
def test_the_checklist_is_not_shown_to_companies(network, role, request):
    user = request.getfixturevalue(role)
    response = client_for(network, user).get("/manage/")
    assert response.status_code == 403
