"""The publisher's offer pages: marketplace, offer page, applying, link builder, creatives."""

from __future__ import annotations

from html import escape

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from commissions.models import PayoutOverride
from conftest import client_for, make_member
from network.models import Role
from offers.links import click_link, creative_embed
from offers.models import Creative, OfferAccess
from offers.tests.test_visibility import grant, make_offer, publisher_of, set_status

LIST = "/publisher/offers/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _https_without_port(settings):
    settings.PLATFORM_SCHEME = "https"
    settings.PLATFORM_PORT = ""


@pytest.fixture
def publisher(publisher_user):
    return publisher_of(publisher_user)


@pytest.fixture
def client(network, publisher_user):
    return client_for(network, publisher_user)


def page(offer) -> str:
    return f"/publisher/offers/{offer.pk}/"


def access_of(offer, publisher) -> OfferAccess | None:
    with scopes_disabled():
        return OfferAccess.objects.filter(offer=offer, publisher=publisher).first()


def expected_link(offer, publisher, **kwargs) -> str:
    with scope(network=offer.network):
        return click_link(offer=offer, publisher=publisher, **kwargs)


# The marketplace


def test_it_lists_only_the_offers_the_publisher_may_see(client, network, other_network):
    make_offer(network, "Public shoes", visibility="public")
    make_offer(network, "Approval bags", visibility="approval")
    make_offer(network, "Private hats", visibility="private")
    make_offer(network, "Draft socks", status="draft")
    make_offer(other_network, "Beta belts")
    body = client.get(LIST).content.decode()
    assert "Public shoes" in body and "Approval bags" in body
    for hidden in ("Private hats", "Draft socks", "Beta belts"):
        assert hidden not in body


def test_it_shows_the_publishers_own_payout_and_access(client, network, publisher):
    shoes = make_offer(network, "Shoes", payout_amount=8)
    make_offer(
        network, "Bags", visibility="approval", payout_type="cps", payout_amount=0, payout_percent=5
    )
    pending = make_offer(network, "Hats", visibility="approval", currency="EUR")
    grant(shoes, publisher)
    grant(pending, publisher, "pending")
    with scopes_disabled():
        PayoutOverride.objects.create(
            network=network,
            goal=shoes.goals.get(),
            publisher=publisher,
            payout_type="cpa",
            payout_amount="9.50",
        )
    body = client.get(LIST).content.decode()
    assert "9.50 USD CPA" in body  # the override, not the goal's 8.00
    assert "8.00 USD" not in body
    assert "5% CPS" in body
    assert "8.00 EUR CPA" in body
    assert "Approved" in body and "Pending" in body and "Apply" in body


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=running", "Shoes", "Bags"),  # matches the description
        ("q=BAGS", "Bags", "Shoes"),
        ("category=travel", "Bags", "Shoes"),
        ("country=DE", "Bags", "Shoes"),  # Bags takes every country, Shoes only US/FR
        ("country=FR", "Shoes", "Hats"),
        ("payout_type=cps", "Hats", "Shoes"),
    ],
)
def test_it_filters_the_marketplace(client, network, query, shown, hidden):
    make_offer(network, "Shoes", description="For running", allowed_countries=["US", "FR"])
    make_offer(network, "Bags", category="travel")
    make_offer(
        network,
        "Hats",
        allowed_countries=["DE"],
        payout_type="cps",
        payout_amount=0,
        payout_percent=5,
    )
    body = client.get(f"{LIST}?{query}").content.decode()
    assert shown in body
    assert hidden not in body


def test_it_ignores_an_invalid_filter_and_says_so(client, network):
    make_offer(network, "Shoes")
    response = client.get(f"{LIST}?country=XX&category=%00")
    assert response.status_code == 200
    assert "Shoes" in response.content.decode()
    assert "were not valid" in response.content.decode()


def test_it_tells_a_publisher_with_no_offers_what_to_expect(client):
    assert "No offers are open to you yet" in client.get(LIST).content.decode()


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_it_shows_a_message_instead_of_offers_before_approval(client, network, publisher, status):
    offer = make_offer(network, "Shoes")
    set_status(publisher, status)
    for path in (LIST, page(offer)):
        response = client.get(path)
        assert response.status_code == 200
        assert "Shoes" not in response.content.decode()
        assert "Application status" in response.content.decode()
    assert client.post(f"{page(offer)}apply/").status_code == 200
    assert access_of(offer, publisher) is None


# The offer page


def test_it_answers_404_for_offers_the_publisher_may_not_see(client, network, publisher):
    private = make_offer(network, "Private", visibility="private")
    blocked = make_offer(network, "Blocked")
    grant(blocked, publisher, "blocked")
    draft = make_offer(network, "Draft", status="draft")
    for offer in (private, blocked, draft):
        assert client.get(page(offer)).status_code == 404
        assert client.post(f"{page(offer)}apply/").status_code == 404
        assert client.post(f"{page(offer)}link/").status_code == 404
    assert access_of(private, publisher) is None


def test_it_opens_a_private_offer_once_invited(client, network, publisher):
    private = make_offer(network, "Private", visibility="private")
    grant(private, publisher)
    assert client.get(page(private)).status_code == 200


def test_it_answers_404_for_another_networks_offer(client, other_network, publisher):
    theirs = make_offer(other_network, "Theirs")
    assert client.get(page(theirs)).status_code == 404
    assert client.post(f"{page(theirs)}apply/").status_code == 404
    assert client.post(f"{page(theirs)}link/").status_code == 404
    assert access_of(theirs, publisher) is None


def test_it_shows_the_offer_with_the_publishers_payouts(client, network, publisher):
    offer = make_offer(
        network,
        "Shoes",
        description="Trainers & boots",
        terms="No email traffic.",
        allowed_countries=["US", "DE"],
        device_types=["mobile"],
    )
    body = client.get(page(offer)).content.decode()
    assert "Trainers &amp; boots" in body
    assert "No email traffic." in body
    assert "8.00 USD CPA" in body
    assert "United States" in body and "Germany" in body and "Mobile" in body
    # The landing page's preview has its macros emptied, not shown as our template.
    assert 'href="https://shop.example/?t=&amp;s="' in body
    assert "{transaction_id}" not in body


# Applying


def test_it_sends_an_application_for_an_approval_offer_to_the_admins(
    client, network, publisher, owner, django_capture_on_commit_callbacks
):
    offer = make_offer(network, "Bags", visibility="approval")
    assert "Apply to run this offer" in client.get(page(offer)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{page(offer)}apply/", {"note": "Coupon site, 50k visits"})
    assert response.status_code == 302
    access = access_of(offer, publisher)
    assert access.status == "pending"
    assert access.publisher_note == "Coupon site, 50k visits"
    assert [m.to for m in mail.outbox] == [["owner@alpha.example"]]
    assert "Coupon site, 50k visits" in mail.outbox[0].body
    body = client.get(page(offer)).content.decode()
    assert "Pending" in body and "tracking-link" not in body
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="offer_access.requested").count() == 1


def test_it_approves_a_public_offer_at_once(
    client, network, publisher, owner, django_capture_on_commit_callbacks
):
    offer = make_offer(network, "Shoes", visibility="public")
    assert "Run this offer" in client.get(page(offer)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{page(offer)}apply/", {})
    assert response.status_code == 302
    assert access_of(offer, publisher).status == "approved"
    assert mail.outbox == []
    body = client.get(page(offer)).content.decode()
    assert escape(expected_link(offer, publisher)) in body


def test_it_refuses_a_second_application_without_an_error_page(client, network, publisher):
    offer = make_offer(network, "Bags", visibility="approval")
    grant(offer, publisher, "rejected")
    response = client.post(f"{page(offer)}apply/", {"note": "again"}, follow=True)
    assert response.status_code == 200
    assert "already applied" in response.content.decode()
    assert access_of(offer, publisher).status == "rejected"


def test_it_shows_why_an_application_was_rejected(client, network, publisher):
    offer = make_offer(network, "Bags", visibility="approval")
    access = grant(offer, publisher, "rejected")
    with scopes_disabled():
        OfferAccess.objects.filter(pk=access.pk).update(reason="No incentive traffic")
    body = client.get(page(offer)).content.decode()
    assert "Rejected" in body and "No incentive traffic" in body
    assert "Apply to run" not in body


def test_it_keeps_a_too_long_note_and_says_what_is_wrong(client, network, publisher):
    offer = make_offer(network, "Bags", visibility="approval")
    response = client.post(f"{page(offer)}apply/", {"note": "n" * 2001})
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert access_of(offer, publisher) is None


# The link builder


@pytest.fixture
def running(network, publisher):
    """An offer the publisher is approved for, with deep links to shop.example."""
    offer = make_offer(network, "Shoes", deep_link_domains=["shop.example"])
    grant(offer, publisher)
    return offer


def test_it_builds_a_link_for_htmx_as_a_fragment(client, running, publisher):
    data = {"aff_sub": "spring & summer", "source": "blog", "deep_link": "https://shop.example/x"}
    response = client.post(f"{page(running)}link/", data, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    expected = expected_link(
        running,
        publisher,
        subs={"aff_sub": "spring & summer", "source": "blog"},
        deep_link="https://shop.example/x",
    )
    assert f'readonly aria-label="Tracking link" class="code">{escape(expected)}</textarea>' in body
    assert "<html" not in body and "Your payouts" not in body
    assert 'id="link-builder"' in body


def test_it_builds_a_link_without_javascript_on_the_full_page(client, running, publisher):
    with scopes_disabled():
        landing = running.landing_pages.get()
    response = client.post(f"{page(running)}link/", {"landing_page": landing.pk, "aff_sub2": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    expected = expected_link(running, publisher, landing_page=landing, subs={"aff_sub2": "x"})
    assert f'readonly aria-label="Tracking link" class="code">{escape(expected)}</textarea>' in body
    assert "<html" in body and "Your payouts" in body


@pytest.mark.parametrize("headers", [{}, HTMX])
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"deep_link": "https://evil.example/"}, "Deep links may only point to shop.example."),
        ({"deep_link": "javascript:alert(1)"}, "Use an http:// or https:// URL."),
        ({"aff_sub3": "x" * 256}, "at most 255 characters"),
        ({"source": "y" * 256}, "at most 255 characters"),
    ],
)
def test_it_shows_field_errors_instead_of_a_link(client, running, data, error, headers):
    response = client.post(f"{page(running)}link/", data, **headers)
    assert response.status_code == 200
    body = response.content.decode()
    assert error in body
    assert 'id="tracking-link"' not in body
    assert escape(next(iter(data.values()))) in body  # what was typed is kept


def test_it_refuses_another_offers_landing_page(client, network, other_network, running):
    for elsewhere in (make_offer(network, "Bags"), make_offer(other_network, "Theirs")):
        with scopes_disabled():
            landing = elsewhere.landing_pages.get()
        response = client.post(f"{page(running)}link/", {"landing_page": landing.pk}, **HTMX)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert 'id="tracking-link"' not in response.content.decode()


def test_it_offers_no_deep_link_when_the_offer_has_none(client, network, publisher):
    offer = make_offer(network, "Closed")
    grant(offer, publisher)
    assert 'name="deep_link"' not in client.get(page(offer)).content.decode()
    response = client.post(f"{page(offer)}link/", {"deep_link": "https://shop.example/"}, **HTMX)
    shown = f'class="code">{escape(expected_link(offer, publisher))}</textarea>'
    assert shown in response.content.decode()


def test_it_builds_no_link_before_access_is_approved(client, network, publisher):
    offer = make_offer(network, "Bags", visibility="approval")
    grant(offer, publisher, "pending")
    assert client.post(f"{page(offer)}link/", {"aff_sub": "x"}).status_code == 404
    public = make_offer(network, "Shoes")  # public, but not taken yet
    assert client.post(f"{page(public)}link/", {"aff_sub": "x"}).status_code == 404


def test_it_gives_copy_buttons_from_a_script_file(client, running):
    body = client.get(page(running)).content.decode()
    assert 'src="/static/js/copy.js"' in body
    assert 'data-copy="tracking-link"' in body
    assert 'data-copy="impression-pixel"' in body
    assert "<script>" not in body  # no inline script: a CSP can forbid them


# Creatives


def add_creatives(offer) -> list[Creative]:
    with scopes_disabled():
        return [
            Creative.objects.create(
                network=offer.network, offer=offer, name='Text "A" <1>', kind="text", text="Buy"
            ),
            Creative.objects.create(
                network=offer.network,
                offer=offer,
                name="Html",
                kind="html",
                html='<a href="{tracking_link}">Go</a><script>steal()</script>',
            ),
            Creative.objects.create(
                network=offer.network, offer=offer, name="Old", kind="text", is_active=False
            ),
        ]


def test_it_gives_embed_code_once_approved(client, running, publisher):
    text, html, _ = add_creatives(running)
    body = client.get(page(running)).content.decode()
    with scope(network=running.network):
        for creative in (text, html):
            embed = creative_embed(creative=creative, publisher=publisher)
            assert f"readonly>{escape(embed)}</textarea>" in body
    assert 'data-copy="embed-' in body
    assert "Text &quot;A&quot; &lt;1&gt;" in body
    assert "Old" not in body
    assert "<script>steal()" not in body  # the HTML preview is sandboxed, never inline
    assert "<iframe sandbox srcdoc=" in body


def test_it_shows_creatives_but_not_their_embed_code_before_approval(client, network):
    offer = make_offer(network, "Bags", visibility="approval")
    add_creatives(offer)
    body = client.get(page(offer)).content.decode()
    assert "Text &quot;A&quot; &lt;1&gt;" in body
    assert "embed-" not in body and "aff_c?" not in body and "aff_i?" not in body
    assert "appear once you are approved" in body


def test_it_does_not_let_an_advertiser_or_admin_use_publisher_pages(network, running, owner):
    advertiser = make_member(network, Role.ADVERTISER, "a2@alpha.example")
    for user in (advertiser, owner):
        assert client_for(network, user).get(page(running)).status_code == 403
