"""The publisher's marketplace API (/api/v1/publisher/offers/, /tracking-links/): what their
offer pages show, applying and the link builder, under the same forms, services and audit as
their pages. Who may call it at all: publishers/tests/test_api_publisher.py."""
# ruff: noqa: F811  (the fixtures imported from api_world are the tests' arguments)

from __future__ import annotations

from datetime import datetime

import pytest
from django_scopes import scope, scopes_disabled

from network.tests.api import audit_of, error_of, ids, key_prefix
from offers.links import click_link, creative_embed, impression_pixel
from offers.models import Creative, LandingPage, Offer, OfferAccess
from publishers.tests.api_world import (  # noqa: F401  (fixtures)
    API,
    foreign,
    grant,
    make_offer,
    pub,
    world,
)
from tracking.tests.helpers import add_goal

pytestmark = pytest.mark.django_db


# --- Offers --------------------------------------------------------------------------------


def test_the_marketplace_shows_what_the_portal_shows_with_access_and_payout(network, world, pub):
    me = world["me"]
    public = make_offer(world, "Open Offer", visibility="public")
    on_approval = make_offer(world, "Ask Offer")
    private = make_offer(world, "Secret Offer", visibility="private")
    blocked = make_offer(world, "Blocked Offer", visibility="public")
    grant(blocked, me, "blocked")
    make_offer(world, "Draft Offer", status="draft")
    make_offer(world, "Old Offer", expires_on=datetime(2020, 1, 1).date())
    rejected = make_offer(world, "Refused Offer")
    with scopes_disabled():
        OfferAccess.objects.create(
            network=network, offer=rejected, publisher=me, status="rejected", reason="No"
        )
    response = pub.get(f"{API}/offers/")
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {world["offer"].pk, public.pk, on_approval.pk, rejected.pk}
    assert private.pk not in rows and blocked.pk not in rows
    assert rows[world["offer"].pk]["access"] == "approved"
    assert (rows[public.pk]["access"], rows[on_approval.pk]["access"]) == ("open", "apply")
    assert rows[rejected.pk]["access"] == "rejected"
    # The override of 9.50 wins over the tier (9) and the goal (8), as on the page.
    payout = rows[world["offer"].pk]["payout"]
    assert payout["payout_type"] == "cpa" and payout["payout_amount"] == "9.50"
    assert payout["payout_percent"] is None and payout["label"] == "9.50 USD CPA"
    cps = rows[public.pk]["payout"]
    assert (cps["payout_amount"], cps["payout_percent"], cps["label"]) == (
        None,
        "7.500",
        "7.5% CPS",
    )
    # Never the network's side of the money.
    assert "revenue" not in response.content.decode()
    # Once invited, a private offer shows up.
    grant(private, me)
    assert private.pk in ids(pub.get(f"{API}/offers/"))


def test_the_marketplace_filters_orders_and_pages(network, world, pub):
    travel = make_offer(world, "Beach Trips", visibility="public", category="travel")
    shoes = make_offer(world, "Alpha Shoes", visibility="public", allowed_countries=["DE"])
    assert ids(pub.get(f"{API}/offers/", {"category": "travel"})) == [travel.pk]
    assert ids(pub.get(f"{API}/offers/", {"q": "shoes"})) == [shoes.pk]
    assert ids(pub.get(f"{API}/offers/", {"payout_type": "cpa"})) == [world["offer"].pk]
    assert set(ids(pub.get(f"{API}/offers/", {"country": "DE"}))) == {
        world["offer"].pk,  # open to every country
        travel.pk,
        shoes.pk,
    }
    assert shoes.pk not in ids(pub.get(f"{API}/offers/", {"country": "VN"}))
    assert ids(pub.get(f"{API}/offers/")) == [shoes.pk, travel.pk, world["offer"].pk]  # by name
    newest = ids(pub.get(f"{API}/offers/", {"ordering": "-created_at"}))
    assert newest == [shoes.pk, travel.pk, world["offer"].pk]
    first = pub.get(f"{API}/offers/", {"page_size": 2}).json()
    second = pub.get(first["next"]).json()
    assert [r["id"] for r in first["results"] + second["results"]] == ids(pub.get(f"{API}/offers/"))
    assert error_of(pub.get(f"{API}/offers/", {"category": "nope"}), 400)["fields"]["category"]


def test_an_offer_shows_goals_pages_creatives_and_the_link_once_approved(network, world, pub):
    offer, me = world["offer"], world["me"]
    with scopes_disabled():
        Offer.objects.filter(pk=offer.pk).update(terms="No brand bidding.")
        lead = add_goal(offer, "Lead", kind="cpl", revenue=3, payout=2)
        LandingPage.objects.create(
            network=network,
            offer=offer,
            name="Old",
            url_template="https://o.example/",
            is_active=False,
        )
        Creative.objects.create(
            network=network, offer=offer, name="Off", kind="text", text="x", is_active=False
        )
    body = pub.get(f"{API}/offers/{offer.pk}/").json()
    assert body["terms"] == "No brand bidding." and body["access"] == "approved"
    goals = {goal["goal_name"]: goal for goal in body["goals"]}
    assert goals["Sale"]["label"] == "9.50 USD CPA" and goals["Sale"]["is_default"]
    assert (goals["Lead"]["goal"], goals["Lead"]["label"]) == (lead.pk, "2.00 USD CPL")
    assert body["landing_pages"] == [
        {"id": world["landing_page"].pk, "name": "Home", "preview_url": "https://shop.example/?t="}
    ]
    with scope(network=network):
        creative = Creative.objects.select_related("offer__network").get(pk=world["creative"].pk)
        expected_link = click_link(offer=creative.offer, publisher=me)
        expected_pixel = impression_pixel(offer=creative.offer, publisher=me)
        expected_embed = creative_embed(creative=creative, publisher=me)
    [shown] = body["creatives"]
    assert shown["id"] == creative.pk and shown["embed_code"] == expected_embed
    assert body["tracking_link"] == expected_link
    assert body["impression_pixel"] == expected_pixel
    assert "revenue" not in str(body)
    # Before approval: no link, no pixel, no embed code.
    other = make_offer(world, "Ask Offer")
    with scopes_disabled():
        Creative.objects.create(network=network, offer=other, name="T", kind="text", text="Go")
    body = pub.get(f"{API}/offers/{other.pk}/").json()
    assert body["access"] == "apply" and body["tracking_link"] is None
    assert body["impression_pixel"] is None and body["creatives"][0]["embed_code"] is None


def test_applying_asks_for_access_with_a_note_and_audits_it(
    network, world, pub, publisher_user, settings
):
    offer = make_offer(world, "Ask Offer")
    sneaky = {"note": " Newsletter, 40k readers. ", "status": "approved", "access": "approved"}
    response = pub.post(f"{API}/offers/{offer.pk}/apply/", sneaky, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["access"], body["access_note"]) == ("pending", "Newsletter, 40k readers.")
    assert body["tracking_link"] is None
    with scopes_disabled():
        access = OfferAccess.objects.get(offer=offer, publisher=world["me"])
    assert access.status == "pending" and access.decided_at is None
    [entry] = audit_of(access, "offer_access.requested")
    assert (entry.actor, entry.to_state, entry.reason) == (
        publisher_user,
        "pending",
        "Newsletter, 40k readers.",
    )
    assert entry.actor_label == f"pub@alpha.example via API key {key_prefix(pub)}"
    # Twice: refused with the service's words, nothing more written.
    again = pub.post(f"{API}/offers/{offer.pk}/apply/", {}, format="json")
    assert error_of(again, 400)["message"] == "You have already applied to this offer."
    assert len(audit_of(access)) == 1


def test_applying_to_a_public_offer_gives_the_link_at_once(network, world, pub):
    offer = make_offer(world, "Open Offer", visibility="public")
    body = pub.post(f"{API}/offers/{offer.pk}/apply/", {}, format="json").json()
    assert body["access"] == "approved"
    assert body["tracking_link"].endswith(f"/aff_c?offer_id={offer.pk}&aff_id={world['me'].pk}")


def test_applying_is_refused_where_the_page_refuses(network, world, pub):
    private = make_offer(world, "Secret Offer", visibility="private")
    assert error_of(pub.post(f"{API}/offers/{private.pk}/apply/", {}, format="json"), 404)
    long_note = {"note": "x" * 2001}
    offer = make_offer(world, "Ask Offer")
    response = pub.post(f"{API}/offers/{offer.pk}/apply/", long_note, format="json")
    assert "note" in error_of(response, 400)["fields"]
    with scopes_disabled():
        assert not OfferAccess.objects.filter(offer__in=[private, offer]).exists()


# --- Tracking links ------------------------------------------------------------------------


def test_it_builds_the_link_builders_link(network, world, pub):
    offer, me, page, creative = (
        world["offer"],
        world["me"],
        world["landing_page"],
        world["creative"],
    )
    subs = {"aff_sub": "june news", "aff_sub3": "c", "source": "newsletter"}
    body = {"offer": offer.pk, "landing_page": page.pk, **subs}
    response = pub.post(f"{API}/tracking-links/", body, format="json")
    assert response.status_code == 200, response.content
    with scope(network=network):
        offer = Offer.objects.select_related("network").get(pk=offer.pk)
        expected = click_link(offer=offer, publisher=me, landing_page=page, subs=subs)
        pixel = impression_pixel(offer=offer, publisher=me)
    assert response.json()["url"] == expected
    assert "aff_sub=june%20news" in expected and f"url_id={page.pk}" in expected
    assert response.json()["impression_pixel"] == pixel
    # With a creative: counted in the link and the pixel, landing where its embed code lands.
    with scopes_disabled():
        Creative.objects.filter(pk=creative.pk).update(landing_page=page)
    answer = pub.post(
        f"{API}/tracking-links/", {"offer": offer.pk, "creative": creative.pk}, format="json"
    ).json()
    with scope(network=network):
        creative = Creative.objects.get(pk=creative.pk)
        expected = click_link(offer=offer, publisher=me, landing_page=page, creative=creative)
        pixel = impression_pixel(offer=offer, publisher=me, creative=creative)
    assert (answer["url"], answer["impression_pixel"]) == (expected, pixel)
    assert f"file_id={creative.pk}" in answer["impression_pixel_url"]
    assert (answer["landing_page"], answer["creative"]) == (page.pk, creative.pk)


def test_deep_links_are_checked_like_on_the_page(network, world, pub):
    offer = world["offer"]
    post = lambda url: pub.post(  # noqa: E731
        f"{API}/tracking-links/", {"offer": offer.pk, "deep_link": url}, format="json"
    )
    error = error_of(post("https://shop.example/x"), 400)
    assert error["fields"]["deep_link"] == ["This offer does not allow deep links."]
    with scopes_disabled():
        Offer.objects.filter(pk=offer.pk).update(deep_link_domains=["shop.example"])
    ok = post("https://shop.example/shoes?id=1")
    assert (
        ok.status_code == 200
        and "url=https%3A%2F%2Fshop.example%2Fshoes%3Fid%3D1" in (ok.json()["url"])
    )
    assert (
        "may only point to shop.example"
        in (error_of(post("https://evil.example/"), 400)["fields"]["deep_link"][0])
    )
    assert error_of(post("javascript:alert(1)"), 400)["fields"]["deep_link"]


def test_links_only_for_offers_they_run_and_their_own_parts(network, world, pub, foreign):
    asked = make_offer(world, "Ask Offer")
    grant(asked, world["me"], "pending")
    with scopes_disabled():
        other_page = LandingPage.objects.get(offer=asked)
        LandingPage.objects.filter(pk=world["landing_page"].pk).update(is_active=True)
        off_page = LandingPage.objects.create(
            network=network,
            offer=world["offer"],
            name="Off",
            url_template="https://o.example/",
            is_active=False,
        )
    post = lambda body: pub.post(f"{API}/tracking-links/", body, format="json")  # noqa: E731
    for offer_id in (asked.pk, foreign["offer"].pk, 987654):
        assert "does not exist" in error_of(post({"offer": offer_id}), 400)["fields"]["offer"][0]
    for page in (other_page, off_page):
        body = {"offer": world["offer"].pk, "landing_page": page.pk}
        assert error_of(post(body), 400)["fields"]["landing_page"]
    body = {"offer": world["offer"].pk, "landing_page": foreign["landing_page"].pk}
    assert "does not exist" in error_of(post(body), 400)["fields"]["landing_page"][0]
    too_long = {"offer": world["offer"].pk, "aff_sub": "x" * 256}
    assert error_of(post(too_long), 400)["fields"]["aff_sub"]


def test_a_retried_apply_with_its_idempotency_key_applies_once(network, world, pub):
    offer = make_offer(world, "Ask Offer")
    headers = {"HTTP_IDEMPOTENCY_KEY": "apply-1"}
    first = pub.post(f"{API}/offers/{offer.pk}/apply/", {"note": "hi"}, format="json", **headers)
    again = pub.post(f"{API}/offers/{offer.pk}/apply/", {"note": "hi"}, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    with scopes_disabled():
        access = OfferAccess.objects.get(offer=offer)
    assert len(audit_of(access)) == 1
