"""The publisher's API: the marketplace (offers, applying, tracking links) and postbacks, under
the same rules, services and audit as their pages, and who may call each endpoint. Their
conversions: tracking/tests/test_api_conversions.py; statements:
payouts/tests/test_api_publisher.py."""

from __future__ import annotations

from datetime import datetime

import pytest
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_member, make_world
from network.audit import AuditEntry
from network.models import Role
from network.tests.api import api_client, audit_of, error_of, fresh, ids, key_for, key_prefix
from offers.links import click_link, creative_embed, impression_pixel
from offers.models import Creative, Goal, LandingPage, Offer, OfferAccess
from payouts.tests.helpers import make_conversion, make_publisher
from publishers.models import Publisher
from publishers.postbacks import PostbackAttempt, PostbackEndpoint
from publishers.tests.test_safehttp import REFUSED_URLS

pytestmark = pytest.mark.django_db

API = "/api/v1/publisher"
LISTS = ["offers", "conversions", "statements", "postbacks", "postback-log", "stats"]
URL = "https://tracker.example/pb?click={aff_click_id}&payout={payout}"


# --- Data ----------------------------------------------------------------------------------


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """make_world's offer (approval, active) is run by publisher_user's company, Alpha Media,
    with a payout override of 9.50 (over its tier's 9 and the goal's 8)."""
    world = make_world(network, owner)
    world["me"] = world["offer_access"].publisher
    return world


@pytest.fixture
def pub(network, publisher_user, world):
    """A client with the publisher's key."""
    return api_client(network, key_for(network, publisher_user))


@pytest.fixture
def foreign(other_network):
    """Another network's world, and a client of its publisher on its own host."""
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    user = make_member(other_network, Role.PUBLISHER, "pub@beta.example", company="Beta Media")
    world = make_world(other_network, admin)
    return {**world, "client": api_client(other_network, key_for(other_network, user))}


def make_offer(world, name: str, *, visibility: str = "approval", **fields) -> Offer:
    network = world["offer"].network
    with scopes_disabled():
        offer = Offer.objects.create(
            network=network,
            advertiser=world["advertiser"],
            name=name,
            category=fields.pop("category", "ecommerce"),
            currency="USD",
            status=fields.pop("status", Offer.Status.ACTIVE),
            visibility=visibility,
            **fields,
        )
        Goal.objects.create(
            network=network,
            offer=offer,
            name="Sale",
            is_default=True,
            revenue_type="cps",
            revenue_percent=10,
            payout_type="cps",
            payout_percent="7.5",
            payout_set=True,
        )
        LandingPage.objects.create(
            network=network, offer=offer, name="Home", url_template="https://s.example/?t={aff_sub}"
        )
    return offer


def grant(offer: Offer, publisher: Publisher, status: str = "approved") -> OfferAccess:
    with scopes_disabled():
        return OfferAccess.objects.create(
            network=offer.network, offer=offer, publisher=publisher, status=status
        )


def unapprove(publisher: Publisher) -> None:
    with scopes_disabled():
        Publisher.objects.filter(pk=publisher.pk).update(status=Publisher.Status.PENDING)


# --- Who may call --------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", LISTS)
def test_it_answers_publishers_of_this_network_and_refuses_the_rest(
    network, other_network, world, publisher_user, owner, advertiser_user, endpoint
):
    key = key_for(network, publisher_user)
    assert api_client(network, key).get(f"{API}/{endpoint}/").status_code == 200
    assert error_of(api_client(network).get(f"{API}/{endpoint}/"), 401)
    if endpoint != "stats":  # stats is every role's (reports/tests/test_api_stats.py)
        for member in (owner, advertiser_user):
            client = api_client(network, key_for(network, member))
            assert error_of(client.get(f"{API}/{endpoint}/"), 403)["code"] == "permission_denied"
    # The key on another network's host is no key there.
    assert error_of(api_client(other_network, key).get(f"{API}/{endpoint}/"), 401)


def test_a_member_of_another_network_gets_404_for_this_networks_ids(
    network, other_network, world, foreign
):
    stranger = make_member(other_network, Role.PUBLISHER, "x@beta.example")
    assert error_of(client_for(network, stranger).get(f"{API}/offers/{world['offer'].pk}/"), 404)
    conversion = make_conversion(world)
    for path in (
        f"offers/{world['offer'].pk}/",
        f"conversions/{conversion.pk}/",
        f"statements/{world['payout_line'].pk}/",
        f"postbacks/{world['postback_endpoint'].pk}/",
    ):
        assert error_of(foreign["client"].get(f"{API}/{path}"), 404), path
    client = foreign["client"]
    assert error_of(client.post(f"{API}/offers/{world['offer'].pk}/apply/", {}), 404)
    assert error_of(client.post(f"{API}/postbacks/{world['postback_endpoint'].pk}/disable/"), 404)
    assert fresh(world["postback_endpoint"]).is_active
    # An id of this network in a body, sent on the other network's host: does not exist.
    answer = client.post(f"{API}/tracking-links/", {"offer": world["offer"].pk}, format="json")
    assert "does not exist" in error_of(answer, 400)["fields"]["offer"][0]


def test_another_publisher_of_the_network_sees_none_of_it(network, world):
    other = make_publisher(network, "Other Media")
    grant(world["offer"], other)
    conversion = make_conversion(world, publisher=other)
    with scopes_disabled():
        endpoint = PostbackEndpoint.objects.create(
            network=network, publisher=other, url_template="https://o.example/pb"
        )
        attempt = PostbackAttempt.objects.create(
            network=network, endpoint=endpoint, event="test", url="https://o.example/pb"
        )
    user = make_member(network, Role.PUBLISHER, "mine@alpha.example", company="Third Media")
    with scopes_disabled():
        me = Publisher.objects.get(name="Third Media")
    grant(world["offer"], me)
    client = api_client(network, key_for(network, user))
    for path in (
        f"conversions/{conversion.pk}/",
        f"statements/{world['payout_line'].pk}/",
        f"postbacks/{endpoint.pk}/",
        f"postback-log/{attempt.pk}/",
    ):
        assert error_of(client.get(f"{API}/{path}"), 404), path
    assert error_of(client.delete(f"{API}/postbacks/{endpoint.pk}/"), 404)
    assert fresh(endpoint).url_template == "https://o.example/pb"
    for endpoint_name in ("conversions", "statements", "postbacks", "postback-log"):
        assert ids(client.get(f"{API}/{endpoint_name}/")) == [], endpoint_name


def test_a_publisher_under_review_is_refused_offers_links_and_postbacks(
    network, world, pub, publisher_user
):
    unapprove(world["me"])
    public = make_offer(world, "Open Offer", visibility="public")
    message = "not approved yet"
    for response in (
        pub.get(f"{API}/offers/"),
        pub.get(f"{API}/offers/{world['offer'].pk}/"),
        pub.post(f"{API}/offers/{public.pk}/apply/", {}, format="json"),
        pub.post(f"{API}/tracking-links/", {"offer": world["offer"].pk}, format="json"),
        pub.put(f"{API}/postbacks/global/", {"url_template": URL}, format="json"),
        pub.get(f"{API}/postback-log/"),
    ):
        assert message in error_of(response, 403)["message"]
    with scopes_disabled():
        assert not OfferAccess.objects.filter(offer=public).exists()
        assert not PostbackEndpoint.objects.filter(offer__isnull=True).exists()
    # Their conversions and statements stay theirs to read, as on the pages.
    assert pub.get(f"{API}/conversions/").status_code == 200


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
        lead = Goal.objects.create(
            network=network,
            offer=offer,
            name="Lead",
            revenue_type="cpl",
            revenue_amount=3,
            payout_type="cpl",
            payout_amount=2,
            payout_set=True,
        )
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


# --- Postbacks -----------------------------------------------------------------------------


def test_it_sets_the_global_postback_as_the_page_does_with_the_audit(
    network, world, pub, publisher_user
):
    assert error_of(pub.get(f"{API}/postbacks/global/"), 404)
    sneaky = {"url_template": URL, "state": "off", "consecutive_failures": 9, "offer": 1}
    created = pub.put(f"{API}/postbacks/global/", sneaky, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["offer"], body["state"], body["consecutive_failures"]) == (None, "active", 0)
    with scopes_disabled():
        endpoint = PostbackEndpoint.objects.get(publisher=world["me"], offer__isnull=True)
    [entry] = audit_of(endpoint)
    assert (entry.action, entry.actor, entry.to_state) == ("postback.created", publisher_user, URL)
    assert entry.actor_label.endswith(f"via API key {key_prefix(pub)}")
    changed = pub.put(
        f"{API}/postbacks/global/",
        {"url_template": "https://t.example/{conversion_id}", "fire_on_approval": True},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["id"] == endpoint.pk
    assert fresh(endpoint).fire_on_approval is True
    assert [e.action for e in audit_of(endpoint)] == ["postback.created", "postback.updated"]
    assert pub.get(f"{API}/postbacks/global/").json()["url_template"] == (
        "https://t.example/{conversion_id}"
    )


def test_postback_urls_are_judged_like_on_the_page(network, world, pub):
    for bad, words in [
        ("ftp://t.example/pb", "http"),
        ("https://t.example/pb?x={nope}", "nope"),
        ("https://{offer_id}.example/pb", "path or the query"),
    ]:
        response = pub.put(f"{API}/postbacks/global/", {"url_template": bad}, format="json")
        assert words in " ".join(error_of(response, 400)["fields"]["url_template"]), bad
    endpoint = world["postback_endpoint"]
    response = pub.patch(f"{API}/postbacks/{endpoint.pk}/", {"url_template": "nope"}, format="json")
    assert error_of(response, 400)["fields"]["url_template"]
    assert fresh(endpoint).url_template == "https://pub.example/pb?c={conversion_id}"
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(offer__isnull=True).exists()


@pytest.mark.parametrize(("url", "words"), REFUSED_URLS)
def test_postback_urls_are_refused_as_webhook_urls_are(network, world, pub, url, words):
    for response in (
        pub.put(f"{API}/postbacks/global/", {"url_template": url}, format="json"),
        pub.patch(
            f"{API}/postbacks/{world['postback_endpoint'].pk}/",
            {"url_template": url},
            format="json",
        ),
    ):
        assert words in " ".join(error_of(response, 400)["fields"]["url_template"]), url
    assert (
        fresh(world["postback_endpoint"]).url_template == "https://pub.example/pb?c={conversion_id}"
    )
    macros = "https://t.example/pb/{offer_id}?c={aff_click_id}&s={status}"
    response = pub.put(f"{API}/postbacks/global/", {"url_template": macros}, format="json")
    assert response.status_code in (200, 201), response.content


def test_it_chooses_the_events_a_postback_is_called_for(network, world, pub):
    endpoint = world["postback_endpoint"]
    assert pub.get(f"{API}/postbacks/{endpoint.pk}/").json()["events"] == ["created"]
    changed = pub.patch(
        f"{API}/postbacks/{endpoint.pk}/", {"events": ["reversed", "created"]}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["events"], changed.json()["fire_on_approval"]) == (
        ["created", "reversed"],
        False,
    )
    assert fresh(endpoint).events == ["created", "reversed"]
    # An older integration's flag adds approvals to what was chosen.
    pub.patch(f"{API}/postbacks/{endpoint.pk}/", {"fire_on_approval": True}, format="json")
    assert fresh(endpoint).events == ["created", "approved", "reversed"]
    for bad in ([], ["paid"], "reversed"):
        response = pub.patch(f"{API}/postbacks/{endpoint.pk}/", {"events": bad}, format="json")
        assert error_of(response, 400)["fields"]["events"], bad
    created = pub.put(
        f"{API}/postbacks/global/", {"url_template": URL, "events": ["reversed"]}, format="json"
    )
    assert created.status_code == 201 and created.json()["events"] == ["reversed"]


def test_the_log_shows_reversal_calls(network, world, pub):
    endpoint = world["postback_endpoint"]
    with scopes_disabled():
        PostbackAttempt.objects.create(
            network=network,
            endpoint=endpoint,
            event="reversed",
            url="https://pub.example/pb?s=reversed",
            status_code=200,
        )
    body = pub.get(f"{API}/postback-log/", {"event": "reversed"}).json()
    assert [(row["event"], row["url"]) for row in body["results"]] == [
        ("reversed", "https://pub.example/pb?s=reversed")
    ]


@pytest.mark.parametrize("name", ["offer", "postback"])
def test_the_log_refuses_an_id_past_the_database_integers(network, world, pub, name):
    # Schemathesis sent one: SQLite raised OverflowError (500).
    response = pub.get(f"{API}/postback-log/", {name: str(2**63)})
    assert name in error_of(response, 400)["fields"]
    assert pub.get(f"{API}/postback-log/", {name: str(2**63 - 1)}).json()["results"] == []


def test_offer_postbacks_are_added_changed_and_deleted_with_the_audit(network, world, pub):
    existing = world["postback_endpoint"]  # for world's offer
    second = make_offer(world, "Open Offer", visibility="public")
    asked = make_offer(world, "Ask Offer")
    grant(second, world["me"])
    taken = pub.post(f"{API}/postbacks/", {"offer": world["offer"].pk, "url_template": URL})
    assert "already" in error_of(taken, 400)["fields"]["offer"][0]
    not_run = pub.post(f"{API}/postbacks/", {"offer": asked.pk, "url_template": URL})
    assert "does not exist" in error_of(not_run, 400)["fields"]["offer"][0]
    response = pub.post(
        f"{API}/postbacks/", {"offer": second.pk, "url_template": URL, "consecutive_failures": 7}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["offer"], body["offer_name"], body["consecutive_failures"]) == (
        second.pk,
        "Open Offer",
        0,
    )
    with scopes_disabled():
        created = PostbackEndpoint.objects.get(pk=body["id"])
    assert [e.action for e in audit_of(created)] == ["postback.created"]
    # A change keeps the offer, whatever the body says.
    moved = pub.put(
        f"{API}/postbacks/{existing.pk}/",
        {"url_template": URL, "offer": second.pk, "fire_on_approval": True},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["offer"] == world["offer"].pk
    assert fresh(existing).url_template == URL and fresh(existing).fire_on_approval
    assert [e.action for e in audit_of(existing)] == ["postback.updated"]
    assert pub.delete(f"{API}/postbacks/{created.pk}/").status_code == 204
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(pk=created.pk).exists()
        [gone] = AuditEntry.objects.filter(action="postback.deleted")
    assert gone.object_id == str(created.pk) and gone.reason == URL
    assert set(ids(pub.get(f"{API}/postbacks/"))) == {existing.pk}


def test_postbacks_are_turned_off_and_on_with_the_audit(network, world, pub):
    endpoint = world["postback_endpoint"]
    with scopes_disabled():
        PostbackEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=3)
    off = pub.post(f"{API}/postbacks/{endpoint.pk}/disable/")
    assert off.status_code == 200 and off.json()["state"] == "off"
    on = pub.post(f"{API}/postbacks/{endpoint.pk}/enable/")
    assert (on.json()["state"], on.json()["consecutive_failures"]) == ("active", 0)
    moves = [(e.action, e.from_state, e.to_state) for e in audit_of(endpoint)]
    assert moves == [
        ("postback.turned_off", "active", "off"),
        ("postback.enabled", "off", "active"),
    ]


def test_a_test_call_is_queued_once_per_ten_seconds(
    network, world, pub, django_capture_on_commit_callbacks
):
    endpoint = world["postback_endpoint"]
    with django_capture_on_commit_callbacks() as queued:
        first = pub.post(f"{API}/postbacks/{endpoint.pk}/test/")
    assert first.status_code == 202 and len(queued) == 1
    assert error_of(pub.post(f"{API}/postbacks/{endpoint.pk}/test/"), 429)


def test_the_call_log_lists_their_calls_filtered_by_outcome_and_offer(network, world, pub):
    endpoint = world["postback_endpoint"]
    with scopes_disabled():
        global_ = PostbackEndpoint.objects.create(
            network=network, publisher=world["me"], url_template="https://g.example/pb"
        )
        made = {}
        for name, target, code, error in [
            ("ok", endpoint, 200, ""),
            ("http_error", endpoint, 500, ""),
            ("no_response", global_, None, "Connection refused"),
        ]:
            made[name] = PostbackAttempt.objects.create(
                network=network,
                endpoint=target,
                event="created",
                url=target.url_template,
                status_code=code,
                error=error,
            )
    everything = ids(pub.get(f"{API}/postback-log/"))
    assert set(everything) == {attempt.pk for attempt in made.values()}
    for outcome, attempt in made.items():
        response = pub.get(f"{API}/postback-log/", {"outcome": outcome})
        assert ids(response) == [attempt.pk]
        assert response.json()["results"][0]["outcome"] == outcome
    by_offer = ids(pub.get(f"{API}/postback-log/", {"offer": world["offer"].pk}))
    assert set(by_offer) == {made["ok"].pk, made["http_error"].pk}
    assert ids(pub.get(f"{API}/postback-log/", {"postback": global_.pk})) == [
        made["no_response"].pk
    ]
    assert error_of(pub.get(f"{API}/postback-log/", {"outcome": "maybe"}), 400)


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
