"""The advertiser's offers API (/api/v1/advertiser/offers/, /goals/, /landing-pages/,
/creatives/): their offers and parts under the same forms, services and audit as their pages.
Who may call it at all: advertisers/tests/test_api_advertiser.py."""
# ruff: noqa: F811  (the fixtures imported are the tests' arguments)

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from PIL import Image

from advertisers.tests.api_world import API, adv, foreign, make_offer, rival, world  # noqa: F401  (fixtures)
from conftest import client_for
from network.tests.api import audit_of, error_of, fresh, ids, key_prefix
from offers.models import Creative, Goal, LandingPage, Offer

pytestmark = pytest.mark.django_db

NEW_OFFER = {
    "name": "Summer Sale",
    "category": "ecommerce",
    "visibility": "approval",
    "currency": "USD",
    "allowed_countries": ["US", "VN"],
    "device_types": ["mobile"],
    "hold_days": 14,
    "deep_link_domains": ["Shop.Example", "m.shop.example"],
    "default_goal": {
        "name": "Sale",
        "revenue_type": "cpa_cps",
        "revenue_amount": "2.50",
        "revenue_percent": "5",
    },
}


# --- Offers --------------------------------------------------------------------------------


def test_it_creates_a_draft_offer_with_its_default_goal_and_audits_it(
    network, world, adv, advertiser_user
):
    sneaky = {**NEW_OFFER, "status": "active", "id": 999, "running_publishers": 9}
    response = adv.post(f"{API}/offers/", sneaky, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["moves"]) == ("draft", ["submit", "archive"])
    assert body["deep_link_domains"] == ["m.shop.example", "shop.example"]  # the form's cleaning
    assert body["default_goal"]["revenue_amount"] == "2.500"
    assert (
        body["default_goal"]["payout_set"] is False
        and body["default_goal"]["payout_amount"] is None
    )
    with scopes_disabled():
        offer = Offer.objects.get(pk=body["id"])
        goal = offer.goals.get()
    assert body["id"] != 999 and offer.network == network
    assert offer.advertiser == world["advertiser"] and offer.status == "draft"
    assert (goal.is_default, goal.network, goal.payout_set) == (True, network, False)
    [entry] = audit_of(offer)
    assert (entry.action, entry.to_state, entry.actor) == (
        "offer.created",
        "draft",
        advertiser_user,
    )
    assert entry.actor_label == f"adv@alpha.example via API key {key_prefix(adv)}"


def test_it_judges_a_new_offer_like_the_page(network, world, adv):
    # The goal's amounts are judged in the offer's currency: VND has no decimals.
    response = adv.post(f"{API}/offers/", {**NEW_OFFER, "currency": "VND"}, format="json")
    assert (
        "VND has no decimals" in error_of(response, 400)["fields"]["default_goal.revenue_amount"][0]
    )
    cps_only = {**NEW_OFFER["default_goal"], "revenue_type": "cps"}
    response = adv.post(f"{API}/offers/", {**NEW_OFFER, "default_goal": cps_only}, format="json")
    assert "default_goal.revenue_amount" in error_of(response, 400)["fields"]
    bad_domain = {**NEW_OFFER, "deep_link_domains": ["https://shop.example/x"]}
    assert (
        "deep_link_domains"
        in error_of(adv.post(f"{API}/offers/", bad_domain, format="json"), 400)["fields"]
    )
    # Left out, the currency is the network's (like the page's initial value).
    no_currency = {k: v for k, v in NEW_OFFER.items() if k != "currency"}
    assert (
        adv.post(f"{API}/offers/", no_currency, format="json").json()["currency"]
        == network.currency
    )
    with scopes_disabled():
        assert Offer.objects.filter(name="Summer Sale").count() == 1


def test_it_refuses_a_fallback_offer_that_is_not_the_companys(network, world, adv, rival, foreign):
    for other in (rival["offer"], foreign["offer"]):
        response = adv.post(
            f"{API}/offers/", {**NEW_OFFER, "fallback_offer": other.pk}, format="json"
        )
        assert "does not exist" in error_of(response, 400)["fields"]["fallback_offer"][0]
    own = adv.post(
        f"{API}/offers/", {**NEW_OFFER, "fallback_offer": world["offer"].pk}, format="json"
    )
    assert own.status_code == 201 and own.json()["fallback_offer"] == world["offer"].pk


def test_it_lists_filters_orders_and_pages_the_companys_offers(network, world, adv, rival):
    draft = make_offer(network, world["advertiser"], name="Alpha Draft")
    paused = make_offer(network, world["advertiser"], name="Beta Paused", status="paused")
    mine = {world["offer"].pk, draft.pk, paused.pk}
    assert set(ids(adv.get(f"{API}/offers/"))) == mine
    assert ids(adv.get(f"{API}/offers/", {"status": "paused"})) == [paused.pk]
    assert ids(adv.get(f"{API}/offers/", {"q": "alpha d"})) == [draft.pk]
    by_name = ids(adv.get(f"{API}/offers/", {"ordering": "name"}))
    assert by_name == [draft.pk, paused.pk, world["offer"].pk]
    first = adv.get(f"{API}/offers/", {"ordering": "name", "page_size": 2}).json()
    assert [o["id"] for o in first["results"]] == [draft.pk, paused.pk]
    second = adv.get(first["next"])
    assert ids(second) == [world["offer"].pk] and second.json()["next"] is None
    assert error_of(adv.get(f"{API}/offers/", {"status": "nope"}), 400)


def test_it_edits_what_the_offer_form_edits_and_nothing_else(network, world, adv):
    offer = world["offer"]
    before = fresh(offer).updated_at
    response = adv.patch(
        f"{API}/offers/{offer.pk}/",
        {"hold_days": 30, "status": "archived", "id": 5, "created_at": "2020-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 200, response.content
    saved = fresh(offer)
    assert (saved.hold_days, saved.status, saved.pk) == (30, "active", offer.pk)
    assert saved.updated_at > before and saved.created_at == offer.created_at
    assert saved.name == offer.name and saved.category == offer.category  # kept as they were
    # A currency its goals' amounts no longer fit is refused (10 USD fits VND, 10.50 not).
    with scopes_disabled():
        Goal.objects.filter(pk=world["goal"].pk).update(revenue_amount="10.50")
    response = adv.patch(f"{API}/offers/{offer.pk}/", {"currency": "VND"}, format="json")
    assert "VND has no decimals" in error_of(response, 400)["fields"]["currency"][0]
    assert fresh(offer).currency == "USD"


def test_it_refuses_every_change_to_an_archived_offer(network, world, adv):
    offer = make_offer(network, world["advertiser"], status="archived")
    response = adv.patch(f"{API}/offers/{offer.pk}/", {"name": "Back"}, format="json")
    assert "archived" in error_of(response, 400)["message"]
    lead = {"offer": offer.pk, "name": "Lead", "revenue_type": "cpl", "revenue_amount": "3"}
    assert error_of(adv.post(f"{API}/goals/", lead, format="json"), 400)
    with scopes_disabled():
        page = offer.landing_pages.get()
    assert error_of(adv.patch(f"{API}/landing-pages/{page.pk}/", {"weight": 1}, format="json"), 400)
    assert fresh(offer).name == "Winter Sale" and fresh(page).weight == 100
    with scopes_disabled():
        assert offer.goals.count() == 1
    assert adv.delete(f"{API}/offers/{offer.pk}/").status_code in (403, 405)  # no DELETE
    assert fresh(offer).status == "archived"


def test_it_moves_an_offer_as_the_page_does_with_the_audit(network, world, adv, advertiser_user):
    offer = make_offer(network, world["advertiser"], ready=False)
    refused = adv.post(f"{API}/offers/{offer.pk}/submit/")
    assert "landing page" in error_of(refused, 400)["message"]
    assert fresh(offer).status == "draft" and audit_of(offer) == []
    with scopes_disabled():
        LandingPage.objects.create(
            network=network, offer=offer, name="Home", url_template="https://shop.example/"
        )
    submitted = adv.post(f"{API}/offers/{offer.pk}/submit/")
    assert submitted.status_code == 200
    assert (submitted.json()["status"], submitted.json()["moves"]) == ("pending", ["archive"])
    # The network approves; the advertiser may not.
    refused = error_of(adv.post(f"{API}/offers/{offer.pk}/resume/"), 400)
    assert refused["message"] == "Only the network's owners and managers can do that."
    assert fresh(offer).status == "pending"
    with scopes_disabled():
        Offer.objects.filter(pk=offer.pk).update(status="active")
    assert adv.post(f"{API}/offers/{offer.pk}/pause/").json()["status"] == "paused"
    assert adv.post(f"{API}/offers/{offer.pk}/resume/").json()["status"] == "active"
    assert adv.post(f"{API}/offers/{offer.pk}/archive/").json()["moves"] == []
    trail = [(e.action, e.from_state, e.to_state, e.actor_id) for e in audit_of(offer)]
    assert trail == [
        ("offer.status", "draft", "pending", advertiser_user.pk),
        ("offer.status", "active", "paused", advertiser_user.pk),
        ("offer.status", "paused", "active", advertiser_user.pk),
        ("offer.status", "active", "archived", advertiser_user.pk),
    ]


# --- Goals, landing pages, creatives -------------------------------------------------------


def test_it_adds_goals_without_publisher_payouts(network, world, adv, rival, foreign):
    offer = world["offer"]
    lead = {
        "offer": offer.pk,
        "name": "Lead",
        "revenue_type": "cpl",
        "revenue_amount": "3",
        "is_default": True,
        "payout_set": True,
        "payout_type": "cpl",
        "payout_amount": "2.5",
    }
    response = adv.post(f"{API}/goals/", lead, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["is_default"], body["payout_set"], body["payout_amount"]) == (False, False, None)
    with scopes_disabled():
        goal = Goal.objects.get(pk=body["id"])
    assert (goal.network, goal.offer, goal.payout_set, goal.payout_amount) == (
        network,
        offer,
        False,
        Decimal(0),
    )
    assert fresh(offer).updated_at > offer.updated_at  # the offer's "updated" moves too
    # A goal name the offer has already (any case), and offers that are not the company's.
    assert (
        "name"
        in error_of(adv.post(f"{API}/goals/", {**lead, "name": "lead"}, format="json"), 400)[
            "fields"
        ]
    )
    for other in (rival["offer"], foreign["offer"]):
        response = adv.post(f"{API}/goals/", {**lead, "offer": other.pk}, format="json")
        assert "does not exist" in error_of(response, 400)["fields"]["offer"][0]
    assert ids(adv.get(f"{API}/goals/", {"offer": offer.pk})) == [world["goal"].pk, goal.pk]
    shown = adv.get(f"{API}/goals/{world['goal'].pk}/").json()  # set by the network: shown
    assert (shown["payout_type"], shown["payout_amount"]) == ("cpa", "8.000")


def test_a_change_of_what_the_advertiser_pays_is_audited_like_on_the_page(
    network, world, adv, advertiser_user
):
    goal, offer = world["goal"], world["offer"]
    terms = {"name": "Sale", "revenue_type": "cpa", "revenue_amount": "12", "revenue_percent": "0"}
    assert adv.put(f"{API}/goals/{goal.pk}/", terms, format="json").status_code == 200
    assert (
        adv.patch(
            f"{API}/goals/{goal.pk}/", {"name": "Purchase", "offer": 1}, format="json"
        ).status_code
        == 200
    )
    # The page's own form, on the same goal, for the comparison.
    page = client_for(network, advertiser_user)
    page.post(
        f"/advertiser/offers/{offer.pk}/goals/{goal.pk}/edit/",
        {**terms, "name": "Purchase", "revenue_amount": "14"},
    )
    saved = fresh(goal)
    assert (saved.name, saved.revenue_amount, saved.offer_id) == ("Purchase", 14, offer.pk)
    trail = [(e.from_state, e.to_state, e.actor_id) for e in audit_of(goal, "goal.revenue")]
    assert trail == [
        ("10.00 USD (CPA)", "12.00 USD (CPA)", advertiser_user.pk),  # API; the rename: none
        ("12.00 USD (CPA)", "14.00 USD (CPA)", advertiser_user.pk),  # page
    ]
    assert "via API key" in audit_of(goal, "goal.revenue")[0].actor_label


def test_it_checks_landing_page_macros_and_deactivates_pages(network, world, adv, rival):
    offer = world["offer"]
    page = {"offer": offer.pk, "name": "Promo", "url_template": "https://shop.example/?c={clickid}"}
    error = error_of(adv.post(f"{API}/landing-pages/", page, format="json"), 400)
    assert "Unknown macro {clickid}" in error["fields"]["url_template"][0]
    page["url_template"] = "https://shop.example/?c={transaction_id}&s={aff_sub2}"
    created = adv.post(f"{API}/landing-pages/", page, format="json")
    assert created.status_code == 201 and created.json()["is_active"] is True
    pk = created.json()["id"]
    off = adv.patch(f"{API}/landing-pages/{pk}/", {"is_active": False}, format="json")
    assert off.json()["is_active"] is False and fresh(LandingPage(pk=pk)).is_active is False
    assert adv.delete(f"{API}/landing-pages/{pk}/").status_code in (403, 405)  # no DELETE
    assert fresh(LandingPage(pk=pk)).name == "Promo"
    assert ids(adv.get(f"{API}/landing-pages/", {"offer": offer.pk})) == [
        world["landing_page"].pk,
        pk,
    ]
    assert ids(adv.get(f"{API}/landing-pages/", {"offer": rival["offer"].pk})) == []


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_it_uploads_banners_and_checks_creatives_like_the_page(network, world, adv, rival):
    offer = world["offer"]
    banner = SimpleUploadedFile("b.png", png(), content_type="image/png")
    response = adv.post(
        f"{API}/creatives/",
        {"offer": offer.pk, "name": "Banner", "kind": "banner", "image": banner},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["width"], body["height"]) == (3, 2)
    with scopes_disabled():
        creative = Creative.objects.get(pk=body["id"])
    assert creative.image.name.startswith(f"networks/{network.pk}/creatives/")
    fake = SimpleUploadedFile("b.png", b"<svg onload=alert(1)>", content_type="image/png")
    refused = adv.post(
        f"{API}/creatives/",
        {"offer": offer.pk, "name": "Fake", "kind": "banner", "image": fake},
        format="multipart",
    )
    assert "image" in error_of(refused, 400)["fields"]
    html = {"offer": offer.pk, "name": "Snippet", "kind": "html", "html": "<a>no link</a>"}
    assert (
        "{tracking_link}"
        in error_of(adv.post(f"{API}/creatives/", html, format="json"), 400)["fields"]["html"][0]
    )
    with scopes_disabled():
        rival_page = rival["offer"].landing_pages.get()
    text = {
        "offer": offer.pk,
        "name": "Text",
        "kind": "text",
        "text": "Buy",
        "landing_page": rival_page.pk,
    }
    assert (
        "does not exist"
        in error_of(adv.post(f"{API}/creatives/", text, format="json"), 400)["fields"][
            "landing_page"
        ][0]
    )
    # A rename keeps the image; deactivating is how a creative goes away.
    kept = adv.patch(
        f"{API}/creatives/{creative.pk}/", {"name": "Banner 2", "is_active": False}, format="json"
    )
    assert kept.status_code == 200, kept.content
    assert (fresh(creative).image.name, fresh(creative).is_active) == (creative.image.name, False)
