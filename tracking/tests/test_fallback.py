"""A click sent to a fallback offer: refused on the offer asked for, accepted on the fallback
offer that really receives the visitor, whose click then fills the macros and converts."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from urllib.parse import parse_qs, urlsplit

import pytest
from django_scopes import scope, scopes_disabled

from advertisers.models import Advertiser
from conftest import client_for
from offers.models import Cap, Offer, OfferAccess
from tracking import lookups
from tracking.models import Click, Conversion
from tracking.tests.helpers import add_offer

FALLBACK_PAGE = "https://fb{n}.example/?t={{transaction_id}}&a={{affiliate_id}}&s={{aff_sub}}"


def make_offer(network, world, n: int, *, payout: str, access: str | None = "approved") -> Offer:
    """Another offer of the same advertiser, with a landing page on fb<n>.example."""
    goal = {"revenue_amount": 6, "payout_amount": Decimal(payout)}
    page = FALLBACK_PAGE.format(n=n)
    offer = add_offer(network, world["advertiser"], f"Fallback {n}", goal=goal, page=page)
    if access:
        with scopes_disabled():
            OfferAccess.objects.create(
                network=network, offer=offer, publisher=world["runner"], status=access
            )
    return offer


def chain(*offers: Offer) -> None:
    """Each offer falls back to the next one."""
    with scopes_disabled():
        for offer, fallback in pairwise(offers):
            Offer.objects.filter(pk=offer.pk).update(fallback_offer=fallback)


def click(network, world, offer=None, **params):
    offer = offer or world["offer"]
    query = {"offer_id": offer.pk, "aff_id": world["runner"].pk, "aff_sub": "s1", **params}
    return client_for(network).get("/aff_c", query, REMOTE_ADDR="203.0.113.7")


def clicks(network) -> list[tuple[int, str, str]]:
    with scope(network=network):
        rows = Click.objects.order_by("offer_id", "created_at", "id")
        return list(rows.values_list("offer_id", "status", "reject_reason"))


def accepted_click(network, offer) -> Click:
    with scope(network=network):
        return Click.objects.get(offer=offer, status="accepted")


def pause(offer) -> None:
    with scopes_disabled():
        Offer.objects.filter(pk=offer.pk).update(status="paused")


ORIGINAL_REFUSES = {
    "paused": (lambda network, world: pause(world["offer"]), "offer_not_active"),
    "click_capped": (
        lambda network, world: Cap.objects.filter(offer=world["offer"]).update(
            metric="clicks", limit=0, action="fallback"
        ),
        "cap_reached",
    ),
    "not_approved": (
        lambda network, world: OfferAccess.objects.filter(pk=world["offer_access"].pk).update(
            status="pending"
        ),
        "no_access",
    ),
}


@pytest.mark.parametrize("case", ORIGINAL_REFUSES)
def test_it_records_a_refused_and_an_accepted_click_and_the_fallback_click_converts(
    network, world, case
):
    refuse, reason = ORIGINAL_REFUSES[case]
    fallback = make_offer(network, world, 1, payout="4.25")
    chain(world["offer"], fallback)
    with scopes_disabled():
        refuse(network, world)

    response = click(network, world)

    assert response.status_code == 302
    assert sorted(clicks(network)) == sorted(
        [(world["offer"].pk, "rejected", reason), (fallback.pk, "accepted", "")]
    )
    taken = accepted_click(network, fallback)
    target = urlsplit(response["Location"])
    assert target.hostname == "fb1.example"
    assert parse_qs(target.query) == {
        "t": [taken.pk],
        "a": [str(world["runner"].pk)],
        "s": ["s1"],
    }
    assert response.cookies[f"tid_{fallback.pk}"].value == taken.pk
    assert f"tid_{world['offer'].pk}" not in response.cookies
    token = world["advertiser"].postback_token
    answer = client_for(network).get(
        "/aff_lsr", {"transaction_id": taken.pk, "security_token": token}
    )
    assert answer.status_code == 200, answer.content
    with scope(network=network):
        conversion = Conversion.objects.get()
    assert (conversion.offer_id, conversion.publisher_id, conversion.status) == (
        fallback.pk,
        world["runner"].pk,
        "pending",
    )
    assert (conversion.revenue, conversion.payout) == (Decimal("6.00"), Decimal("4.25"))


def test_it_sends_a_click_over_a_full_conversion_cap_to_the_fallback_offer(network, world):
    fallback = make_offer(network, world, 1, payout="4.25")
    chain(world["offer"], fallback)
    with scopes_disabled():
        Cap.objects.filter(offer=world["offer"]).update(limit=1, action="fallback")
    first = click(network, world)
    token = world["advertiser"].postback_token
    tid = first.cookies[f"tid_{world['offer'].pk}"].value
    client_for(network).get("/aff_lsr", {"transaction_id": tid, "security_token": token})

    response = click(network, world)

    taken = accepted_click(network, fallback)
    assert parse_qs(urlsplit(response["Location"]).query)["t"] == [taken.pk]
    with scope(network=network):
        refused = Click.objects.filter(offer=world["offer"]).order_by("created_at", "id").last()
    assert (refused.status, refused.reject_reason) == ("rejected", "cap_reached")


def test_it_skips_a_fallback_that_refuses_the_publisher_for_the_next_one(network, world):
    second = make_offer(network, world, 2, payout="1", access="pending")
    third = make_offer(network, world, 3, payout="2")
    chain(world["offer"], second, third)
    pause(world["offer"])

    response = click(network, world)

    assert urlsplit(response["Location"]).hostname == "fb3.example"
    assert sorted(clicks(network)) == sorted(
        [(world["offer"].pk, "rejected", "offer_not_active"), (third.pk, "accepted", "")]
    )
    assert response.cookies[f"tid_{third.pk}"].value == accepted_click(network, third).pk


def test_it_ends_a_fallback_loop_at_the_fallback_url(network, world):
    second = make_offer(network, world, 2, payout="1", access=None)  # refuses: no access
    chain(world["offer"], second, world["offer"])
    pause(world["offer"])
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(fallback_url="https://lost.example/")

    response = click(network, world)

    assert response["Location"] == "https://lost.example/"
    assert clicks(network) == [(world["offer"].pk, "rejected", "offer_not_active")]


def test_it_follows_a_chain_up_to_the_limit_then_gives_up(network, world):
    offers = [make_offer(network, world, n, payout="1") for n in range(2, 8)]
    chain(world["offer"], *offers)
    for offer in [world["offer"], *offers[:-2]]:
        pause(offer)

    fifth = click(network, world)  # the fifth fallback takes it: within MAX_FALLBACKS
    assert urlsplit(fifth["Location"]).hostname == "fb6.example"
    pause(offers[-2])
    lookups.forget_all()  # the click path's offer views are kept a few seconds
    sixth = click(network, world)  # only a sixth could take it: too far

    assert sixth["Location"] == "https://alpha.localhost/"  # the network's portal
    with scopes_disabled():
        assert not Click.objects.filter(offer=offers[-1]).exists()


def test_it_never_uses_a_fallback_offer_of_another_network(network, world, other_network):
    with scopes_disabled():
        stranger = Advertiser.objects.create(network=other_network, name="Beta Shop")
    foreign = add_offer(
        other_network, stranger, "Beta offer", goal=None, page="https://beta.example/"
    )
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(
            fallback_offer=foreign, fallback_url="https://own.example/"
        )
    pause(world["offer"])

    response = click(network, world)

    assert response["Location"] == "https://own.example/"
    assert clicks(network) == [(world["offer"].pk, "rejected", "offer_not_active")]
    with scopes_disabled():
        assert not Click.objects.filter(offer=foreign).exists()


def test_it_keeps_each_offers_unique_visitors_and_click_caps(network, world):
    fallback = make_offer(network, world, 1, payout="1")
    chain(world["offer"], fallback)
    with scopes_disabled():
        Cap.objects.filter(offer=world["offer"]).update(metric="clicks", limit=2, action="fallback")

    hosts = [urlsplit(click(network, world)["Location"]).hostname for _ in range(4)]

    assert hosts == ["shop.example", "shop.example", "fb1.example", "fb1.example"]
    with scope(network=network):
        rows = Click.objects.order_by("created_at", "id")
        seen = [(c.offer_id, c.status, c.is_unique) for c in rows]
    original, other = world["offer"].pk, fallback.pk
    assert sorted(seen) == sorted(
        [
            (original, "accepted", True),
            (original, "accepted", False),
            (original, "rejected", False),
            (original, "rejected", False),
            (other, "accepted", True),  # the fallback offer's first visit by this visitor
            (other, "accepted", False),
        ]
    )


def test_a_pixel_on_the_fallback_offers_page_finds_its_click(network, world):
    fallback = make_offer(network, world, 1, payout="4.25")
    chain(world["offer"], fallback)
    pause(world["offer"])
    browser = client_for(network)
    browser.get(
        "/aff_c",
        {"offer_id": world["offer"].pk, "aff_id": world["runner"].pk},
        REMOTE_ADDR="203.0.113.7",
    )

    pixel = browser.get("/aff_l", {"offer_id": fallback.pk}, REMOTE_ADDR="203.0.113.7")

    assert pixel.status_code == 200, pixel["X-Tracking-Result"]
    with scope(network=network):
        conversion = Conversion.objects.get()
    assert conversion.click_id == accepted_click(network, fallback).pk
    assert conversion.payout == Decimal("4.25")


def test_it_honours_a_deep_link_only_to_a_host_the_receiving_offer_allows(network, world):
    fallback = make_offer(network, world, 1, payout="1")
    chain(world["offer"], fallback)
    pause(world["offer"])
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(deep_link_domains=["shop.example"])
        Offer.objects.filter(pk=fallback.pk).update(deep_link_domains=["fb1.example"])

    own = click(network, world, url="https://fb1.example/sale")
    foreign = click(network, world, url="https://shop.example/shoes")

    assert own["Location"] == "https://fb1.example/sale"
    assert urlsplit(foreign["Location"]).hostname == "fb1.example"  # its landing page
    assert parse_qs(urlsplit(foreign["Location"]).query)["t"] == [
        foreign.cookies[f"tid_{fallback.pk}"].value
    ]


def test_it_sends_a_fallback_url_typed_with_non_ascii_as_its_ascii_uri(network, world):
    pause(world["offer"])
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(
            fallback_url="https://bücher.example/giày-dép?q=áo"
        )

    response = click(network, world)

    # What a browser requests for that IRI; a raw one reached the header MIME-encoded.
    assert response["Location"] == ("https://xn--bcher-kva.example/gi%C3%A0y-d%C3%A9p?q=%C3%A1o")
