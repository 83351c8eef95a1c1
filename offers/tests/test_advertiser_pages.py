"""Advertisers create, fill in, submit and run their offers through the portal pages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.timezone import now
from django_scopes import scope, scopes_disabled
from PIL import Image

from audit.models import AuditEntry
from conftest import client_for, make_member
from network.models import Membership, Role
from network.tests.api import fresh
from offers.models import Cap, Goal, Offer, OfferAccess
from offers.services import offer_transition
from offers.tests.world import SALE, offer_with_parts
from publishers.models import Publisher

NEW_OFFER = {
    "name": "Summer Sale",
    "description": "Shoes and bags for the beach.",
    "category": "ecommerce",
    "preview_url": "https://shop.example/summer",
    "visibility": "approval",
    "currency": "USD",
    "allowed_countries": ["US", "VN"],
    "device_types": ["mobile", "desktop"],
    "attribution_window_days": "30",
    "attribution_model": "last_click",
    "hold_days": "14",
    "deep_link_domains": "shop.example",
    "goal-name": "Sale",
    "goal-revenue_type": "cpa_cps",
    "goal-revenue_amount": "2.50",
    "goal-revenue_percent": "5",
}
PAGE = {
    "name": "Home",
    "url_template": "https://shop.example/?c={transaction_id}",
    "weight": "50",
    "is_active": "on",
}


@pytest.fixture
def client(network, advertiser_user):
    return client_for(network, advertiser_user)


def make_offer(network, company, status=Offer.Status.DRAFT, ready=True, **extra) -> Offer:
    """An offer with a default goal (payout set: the admins' part, needed to (re)activate) and
    (when ready) a landing page."""
    goal = {**SALE, "revenue_amount": "10.50"}
    page = PAGE["url_template"] if ready else None
    name = extra.pop("name", "Winter Sale")
    return offer_with_parts(
        network, company, name=name, status=status, goal=goal, page=page, **extra
    )


def url(offer: Offer, rest: str = "") -> str:
    return f"/advertiser/offers/{offer.pk}/{rest}"


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_it_walks_an_advertiser_from_no_offers_to_a_submitted_offer(
    network, company, client, advertiser_user
):
    empty = client.get("/advertiser/offers/")
    assert b"No offers yet" in empty.content and b'href="/advertiser/offers/new/"' in empty.content

    created = client.post("/advertiser/offers/new/", NEW_OFFER, follow=True)
    with scope(network=network):
        offer = Offer.objects.get()
        goal = offer.goals.get()
    assert created.redirect_chain == [(url(offer), 302)]
    assert (offer.network, offer.advertiser, offer.status) == (network, company, "draft")
    assert offer.allowed_countries == ["US", "VN"] and offer.deep_link_domains == ["shop.example"]
    assert (goal.name, goal.is_default, goal.revenue_type) == ("Sale", True, "cpa_cps")
    assert (goal.revenue_amount, goal.revenue_percent, goal.payout_set) == (2.5, 5, False)
    assert b"2.50 USD + 5% (CPA+CPS)" in created.content

    client.post(url(offer, "landing-pages/new/"), PAGE)
    second = {
        **PAGE,
        "name": "Sale page",
        "url_template": "https://shop.example/sale?s={aff_sub}",
        "weight": "150",
    }
    client.post(url(offer, "landing-pages/new/"), second)
    with scope(network=network):
        pages = list(offer.landing_pages.values_list("name", "weight", "network"))
        home = offer.landing_pages.get(name="Home")
    assert pages == [("Home", 50, network.pk), ("Sale page", 150, network.pk)]

    client.post(
        url(offer, "creatives/new/"),
        {"name": "Link", "kind": "text", "text": "Sandals -20%", "landing_page": home.pk},
    )
    with scope(network=network):
        creative = offer.creatives.get()
    assert (creative.network, creative.landing_page, creative.text) == (
        network,
        home,
        "Sandals -20%",
    )

    submitted = client.post(url(offer, "status/"), {"to": "pending"}, follow=True)
    assert fresh(offer).status == Offer.Status.PENDING
    assert "Submitted: the network will review your offer." in flashes(submitted)
    page = submitted.content.decode()
    assert "Pending review" in page and "Sandals -20%" in page and "{aff_sub}" in page
    with scope(network=network):
        entry = AuditEntry.objects.get(object_type="offers.offer", action="offer.status")
        assert (entry.from_state, entry.to_state, entry.actor_id) == (
            "draft",
            "pending",
            advertiser_user.pk,
        )

    listed = client.get("/advertiser/offers/")
    assert list(listed.context["table"].data) == [fresh(offer)]


def test_it_keeps_what_was_typed_when_the_new_offer_is_wrong(network, client):
    response = client.post(
        "/advertiser/offers/new/",
        {**NEW_OFFER, "preview_url": "ftp://shop.example/", "goal-revenue_amount": "2.505"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"preview_url"}
    assert set(response.context["goal_form"].errors) == {"revenue_amount"}
    assert b'value="Summer Sale"' in response.content
    with scope(network=network):
        assert not Offer.objects.exists() and not Goal.objects.exists()


@pytest.mark.parametrize(("language", "name"), [("vi", "Đơn hàng"), ("en", "Sale")])
def test_it_names_the_first_goal_in_the_networks_language(
    network, client, advertiser_user, language, name
):
    """The network's publishers read the goal's name, whatever the advertiser's language."""
    network.language = language
    network.save()
    advertiser_user.language = "en" if language == "vi" else "vi"
    advertiser_user.save(update_fields=["language"])
    form = client.get("/advertiser/offers/new/")
    assert form.context["goal_form"]["name"].value() == name
    assert f'name="goal-name" value="{name}"'.encode() in form.content

    client.post("/advertiser/offers/new/", {**NEW_OFFER, "goal-name": name})
    with scope(network=network):
        assert Goal.objects.get().name == name


def test_it_judges_the_goal_in_the_offers_currency(network, client):
    response = client.post(
        "/advertiser/offers/new/",
        {**NEW_OFFER, "currency": "VND", "goal-revenue_type": "cpa", "goal-revenue_percent": "0"},
    )
    assert "VND has no decimals" in str(response.context["goal_form"].errors["revenue_amount"])
    with scope(network=network):
        assert not Offer.objects.exists()


def test_it_never_shows_another_advertisers_offer(network, company, client):
    rival_user = make_member(network, Role.ADVERTISER, "rival@alpha.example", "Rival Shop")
    with scopes_disabled():
        rival = Membership.objects.get(user=rival_user).advertiser
    theirs = make_offer(network, rival, name="Rival Offer")
    make_offer(network, company, name="Mine")
    with scopes_disabled():
        goal, page = theirs.goals.get(), theirs.landing_pages.get()
        cap = Cap.objects.create(
            network=network, offer=theirs, period="daily", metric="clicks", limit=5, action="stop"
        )
    listed = client.get("/advertiser/offers/")
    assert [o.name for o in listed.context["table"].data] == ["Mine"]
    assert "Rival" not in listed.content.decode()
    for path in ["", "edit/", f"goals/{goal.pk}/edit/", f"landing-pages/{page.pk}/edit/"]:
        assert client.get(url(theirs, path)).status_code == 404, path
    for path, data in [
        ("edit/", {**NEW_OFFER, "name": "Hijacked"}),
        ("status/", {"to": "archived"}),
        (f"caps/{cap.pk}/delete/", {}),
        ("goals/new/", {"name": "Lead", "revenue_type": "cpl", "revenue_amount": "1"}),
    ]:
        assert client.post(url(theirs, path), data).status_code == 404, path
    theirs = fresh(theirs)
    assert (theirs.name, theirs.status) == ("Rival Offer", "draft")
    with scopes_disabled():
        assert Cap.objects.filter(pk=cap.pk).exists() and theirs.goals.count() == 1


def test_it_finds_children_only_under_their_own_offer(network, company, client):
    first, second = make_offer(network, company), make_offer(network, company, name="Other")
    with scopes_disabled():
        goal = second.goals.get()
    assert client.get(url(first, f"goals/{goal.pk}/edit/")).status_code == 404


def test_it_refuses_every_change_to_an_archived_offer(network, company, client):
    offer = make_offer(network, company, status=Offer.Status.ARCHIVED)
    with scopes_disabled():
        goal, page = offer.goals.get(), offer.landing_pages.get()
        cap = Cap.objects.create(
            network=network, offer=offer, period="daily", metric="clicks", limit=5, action="stop"
        )
    writes = [
        ("edit/", {**NEW_OFFER, "name": "Renamed"}),
        (
            "goals/new/",
            {"name": "Lead", "revenue_type": "cpl", "revenue_amount": "1", "revenue_percent": "0"},
        ),
        (
            f"goals/{goal.pk}/edit/",
            {"name": "Sale", "revenue_type": "cpa", "revenue_amount": "99", "revenue_percent": "0"},
        ),
        ("landing-pages/new/", PAGE),
        (f"landing-pages/{page.pk}/edit/", {**PAGE, "name": "Renamed"}),
        ("creatives/new/", {"name": "Link", "kind": "text", "text": "Buy"}),
        ("caps/new/", {"period": "daily", "metric": "clicks", "limit": "9", "action": "stop"}),
        (f"caps/{cap.pk}/delete/", {}),
    ]
    for path, data in writes:
        response = client.post(url(offer, path), data, follow=True)
        assert response.redirect_chain[-1][0] == url(offer), path
        assert "This offer is archived: it can no longer be changed." in flashes(response), path
    assert client.get(url(offer, "edit/")).status_code == 302
    with scopes_disabled():
        assert fresh(offer).name == "Winter Sale" and fresh(goal).revenue_amount == 10.5
        assert offer.goals.count() == 1 and offer.landing_pages.count() == 1
        assert fresh(page).name == "Home" and not offer.creatives.exists()
        assert list(offer.caps.all()) == [cap]
    detail = client.get(url(offer)).content.decode()
    assert "Edit offer" not in detail and url(offer, "goals/new/") not in detail


def test_it_refuses_a_submission_without_a_landing_page(network, company, client):
    offer = make_offer(network, company, ready=False)
    response = client.post(url(offer, "status/"), {"to": "pending"}, follow=True)
    assert "Add at least one active landing page before submitting." in flashes(response)
    assert fresh(offer).status == Offer.Status.DRAFT
    with scope(network=network):
        assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("status", "to", "message"),
    [
        ("draft", "active", "An offer that is draft cannot become active."),
        ("pending", "active", "Only the network's owners and managers can do that."),
        ("pending", "draft", "Only the network's owners and managers can do that."),
        ("archived", "active", "An offer that is archived cannot become active."),
        ("active", "nonsense", "Choose one of the offer's actions."),
    ],
)
def test_it_refuses_moves_the_advertiser_may_not_make(
    network, company, client, status, to, message
):
    offer = make_offer(network, company, status=status)
    response = client.post(url(offer, "status/"), {"to": to}, follow=True)
    assert message in flashes(response)
    assert fresh(offer).status == status


def test_it_pauses_resumes_and_archives_an_active_offer(network, company, client):
    offer = make_offer(network, company, status=Offer.Status.ACTIVE)
    page = client.get(url(offer)).content.decode()
    assert ">Pause</button>" in page and ">Resume</button>" not in page
    for to, shown in [("paused", "Resume"), ("active", "Pause"), ("archived", None)]:
        response = client.post(url(offer, "status/"), {"to": to}, follow=True)
        assert fresh(offer).status == to
        if shown:
            assert f">{shown}</button>" in response.content.decode()
    assert client.get(url(offer, "status/")).status_code == 405
    with scope(network=network):
        moves = list(
            AuditEntry.objects.filter(object_id=str(offer.pk)).values_list("from_state", "to_state")
        )
    assert sorted(moves) == sorted(
        [("active", "paused"), ("paused", "active"), ("active", "archived")]
    )


def test_it_shows_why_the_network_sent_an_offer_back(network, company, client, owner):
    offer = make_offer(network, company, status=Offer.Status.PENDING)
    with scope(network=network):
        offer_transition(
            offer=offer,
            to_status="draft",
            actor=owner,
            role="owner",
            reason="Add your <b>terms</b>.",
        )
    page = client.get(url(offer)).content.decode()
    assert "The network sent this offer back" in page
    assert "Add your &lt;b&gt;terms&lt;/b&gt;." in page
    client.post(url(offer, "status/"), {"to": "pending"})
    assert "sent this offer back" not in client.get(url(offer)).content.decode()


def test_it_uploads_a_banner(network, company, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    offer = make_offer(network, company)
    banner = SimpleUploadedFile("My Banner.PNG", tiny_png(), content_type="image/png")
    response = client.post(
        url(offer, "creatives/new/"), {"name": "Banner", "kind": "banner", "image": banner}
    )
    assert response["Location"] == url(offer) + "#creatives"
    with scope(network=network):
        creative = offer.creatives.get()
    assert (creative.kind, creative.width, creative.height) == ("banner", 3, 2)
    stored = Path(tmp_path) / creative.image.name
    assert creative.image.name.startswith(f"networks/{network.pk}/creatives/")
    assert stored.read_bytes() == tiny_png()
    assert f'src="/media/{creative.image.name}"' in client.get(url(offer)).content.decode()


def test_it_refuses_a_banner_that_is_not_an_image(network, company, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    offer = make_offer(network, company)
    fake = SimpleUploadedFile("banner.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(
        url(offer, "creatives/new/"), {"name": "Banner", "kind": "banner", "image": fake}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"image"}
    with scope(network=network):
        assert not offer.creatives.exists()
    assert not any(Path(tmp_path).rglob("*.png"))


def test_it_shows_html_creatives_escaped_never_as_markup(network, company, client):
    offer = make_offer(network, company)
    html = '<a href="{tracking_link}">Shop</a><script>alert("x")</script>'
    client.post(url(offer, "creatives/new/"), {"name": "Snippet", "kind": "html", "html": html})
    page = client.get(url(offer)).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<iframe sandbox srcdoc=" in page


def test_it_edits_the_offer_and_its_goal_while_active(network, company, client):
    offer = make_offer(network, company, status=Offer.Status.ACTIVE)
    with scopes_disabled():
        goal = offer.goals.get()
    before = fresh(offer).updated_at
    data = {
        **NEW_OFFER,
        "name": "Summer Sale 2",
        "deep_link_domains": "shop.example\nm.shop.example",
    }
    assert client.post(url(offer, "edit/"), data)["Location"] == url(offer)
    offer = fresh(offer)
    assert offer.name == "Summer Sale 2" and offer.status == Offer.Status.ACTIVE
    assert (
        offer.deep_link_domains == ["m.shop.example", "shop.example"] and offer.updated_at > before
    )
    terms = {"name": "Sale", "revenue_type": "cpa", "revenue_amount": "12", "revenue_percent": "0"}
    client.post(url(offer, f"goals/{goal.pk}/edit/"), terms)
    assert fresh(goal).revenue_amount == 12 and fresh(goal).is_default
    client.post(url(offer, f"goals/{goal.pk}/edit/"), {**terms, "name": "Purchase"})
    with scope(network=network):
        changes = AuditEntry.objects.filter(action="goal.revenue", object_id=str(goal.pk))
        assert [(e.from_state, e.to_state) for e in changes] == [
            ("10.50 USD (CPA)", "12.00 USD (CPA)")  # a rename alone is not a money change
        ]


def test_it_adds_goals_that_are_not_the_default(network, company, client):
    offer = make_offer(network, company)
    lead = {"name": "Lead", "revenue_type": "cpl", "revenue_amount": "3", "revenue_percent": "0"}
    assert client.post(url(offer, "goals/new/"), lead).status_code == 302
    with scope(network=network):
        goals = list(offer.goals.values_list("name", "is_default", "network"))
    assert goals == [("Sale", True, network.pk), ("Lead", False, network.pk)]
    again = client.post(url(offer, "goals/new/"), {**lead, "name": "lead"})
    assert set(again.context["form"].errors) == {"name"}


def test_it_refuses_a_currency_the_amounts_no_longer_fit(network, company, client):
    offer = make_offer(network, company)  # the goal pays 10.50 USD
    response = client.post(url(offer, "edit/"), {**NEW_OFFER, "currency": "VND"})
    assert "VND has no decimals" in str(response.context["form"].errors["currency"])
    assert fresh(offer).currency == "USD"
    page = response.content.decode()
    assert 'value="Summer Sale"' in page  # what was typed stays in the form...
    assert f'<a href="{url(offer)}">Winter Sale</a>' in page  # ...the page names the saved offer


def test_it_adds_and_removes_caps(network, company, client):
    offer = make_offer(network, company)
    cap = {"period": "monthly", "metric": "payout", "limit": "500.25", "action": "fallback"}
    client.post(url(offer, "caps/new/"), cap)
    wrong = client.post(url(offer, "caps/new/"), {**cap, "metric": "conversions", "limit": "2.5"})
    assert set(wrong.context["form"].errors) == {"limit"}
    with scope(network=network):
        saved = offer.caps.get()
    assert (saved.network, saved.publisher, saved.limit) == (network, None, 500.25)
    assert "500.25 USD" in client.get(url(offer)).content.decode()
    assert client.get(url(offer, f"caps/{saved.pk}/delete/")).status_code == 405
    removed = client.post(url(offer, f"caps/{saved.pk}/delete/"), follow=True)
    assert "Cap removed: Monthly payout budget, 500.25 USD." in flashes(removed)
    with scope(network=network):
        assert not offer.caps.exists()


def test_it_lists_filters_and_counts_running_publishers(network, company, client, publisher_user):
    live = make_offer(network, company, status=Offer.Status.ACTIVE, name="Live Shoes")
    make_offer(network, company, name="Draft Bags")
    with scopes_disabled():
        publisher = Publisher.objects.get()
        OfferAccess.objects.create(
            network=network, offer=live, publisher=publisher, status="approved", decided_at=now()
        )
        waiting = Publisher.objects.create(network=network, name="Waiting Media", country="US")
        OfferAccess.objects.create(network=network, offer=live, publisher=waiting)

    def rows(query: str) -> dict[str, str]:
        table = client.get(f"/advertiser/offers/{query}").context["table"]
        return {row.record.name: row.get_cell("running") for row in table.paginated_rows}

    counted = {"Live Shoes": "1", "Draft Bags": "0"}  # counts written for the language
    assert rows("") == counted
    assert list(rows("?status=draft")) == ["Draft Bags"]
    assert list(rows("?q=shoe")) == ["Live Shoes"]
    assert rows("?status=bogus&page=%C2%B2&per_page=-1&sort=nope") == rows("?page=-1")
    assert rows("?status=bogus&page=99&per_page=0&sort=nope") == counted
    assert list(rows("?sort=name")) == ["Draft Bags", "Live Shoes"]
    assert list(rows("?sort=-running")) == ["Live Shoes", "Draft Bags"]
    page = client.get("/advertiser/offers/").content.decode()
    assert '<span class="badge badge-active">Active</span>' in page
    assert "10.50 USD (CPA)" in page
    detail = client.get(url(live)).content.decode()
    assert publisher.name in detail and "Waiting Media" not in detail


def test_it_links_the_offers_from_the_advertiser_home(client):
    page = client.get("/advertiser/").content.decode()
    assert 'href="/advertiser/offers/"' in page and 'href="/advertiser/offers/new/"' in page
