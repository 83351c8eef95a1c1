"""An offer's whole life in a real browser (system Chromium driven by Playwright).

The advertiser creates an offer with two landing pages and a creative and submits it; the
owner prices the publisher payout and approves it; a publisher applies, is approved, builds a
tracking link with sub IDs and copies it. Each person has their own browser context and signs
in through the login form. The browser fixtures (one Chromium per module, a context per
person, the live server's URL on alpha.localhost, screenshots) are network/tests/browser.py's.
Saves one screenshot per role in BROWSER_SCREENSHOT_DIR, else var/screenshots/.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django_scopes import scopes_disabled

from network.tests.browser import BROWSER_TEST, expect, sign_in, wait_until_ready
from offers.links import click_link
from offers.models import Goal, LandingPage, Offer, OfferAccess

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = BROWSER_TEST

OFFER = "Spring Shoes"
PAGE_A = ("Home page", "https://shop.example/a?t={transaction_id}&s={aff_sub}")
PAGE_B = ("Spring sale page", "https://shop.example/b?t={transaction_id}&s={aff_sub}&src={source}")


def nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def flash(page: Page):
    return page.locator(".messages")


def add_landing_page(adv: Page, portal: str, offer_id: int, name: str, url: str) -> None:
    adv.get_by_role("link", name="Add a landing page").click()
    expect(adv.get_by_role("heading", level=1)).to_have_text("New landing page")
    adv.get_by_label("Name").fill(name)
    adv.get_by_label("URL (with macros)").fill(url)
    adv.get_by_role("button", name="Save").click()
    expect(adv).to_have_url(f"{portal}/advertiser/offers/{offer_id}/#landing-pages")
    expect(flash(adv)).to_contain_text("New landing page: saved.")


def advertiser_creates_and_submits(adv: Page, portal: str, shoot) -> int:
    nav_link(adv, "Offers").click()
    expect(adv).to_have_url(f"{portal}/advertiser/offers/")
    adv.get_by_role("button", name="Create offer").click()  # a link styled as one
    expect(adv.get_by_role("heading", level=1)).to_have_text("New offer")

    # The create page holds the offer and its default goal; landing pages come after.
    offer_part = adv.get_by_role("group", name="Offer", exact=True)
    offer_part.get_by_label("Name").fill(OFFER)
    offer_part.get_by_label("Category").select_option(label="E-commerce")
    offer_part.get_by_label("Currency").select_option("USD")
    offer_part.get_by_label("Visibility").select_option(label="Approval required")
    goal_part = adv.get_by_role("group", name=re.compile("What you pay"))
    expect(goal_part.get_by_label("Name")).to_have_value("Sale")
    goal_part.get_by_label("Revenue type").select_option(label="CPA: flat per action")
    goal_part.get_by_label("Revenue (flat)").fill("10")
    adv.get_by_role("button", name="Create offer").click()

    expect(adv).to_have_url(re.compile(rf"{re.escape(portal)}/advertiser/offers/\d+/$"))
    offer_id = int(adv.url.rstrip("/").rsplit("/", 1)[1])
    expect(flash(adv)).to_contain_text("Offer created as a draft")
    expect(adv.get_by_role("heading", level=1)).to_contain_text("Draft")
    goals = adv.locator("table", has=adv.get_by_role("columnheader", name="You pay"))
    expect(goals.get_by_role("row", name=re.compile("Sale"))).to_contain_text("10.00 USD (CPA)")
    expect(goals.get_by_role("row", name=re.compile("Sale"))).to_contain_text("not set yet")

    for name, url in (PAGE_A, PAGE_B):
        add_landing_page(adv, portal, offer_id, name, url)
    pages = adv.locator("#landing-pages + .table-wrap table")
    expect(pages.locator("tbody tr")).to_have_count(2)
    expect(pages.get_by_role("row", name=re.compile(PAGE_B[0]))).to_contain_text(PAGE_B[1])

    adv.get_by_role("link", name="Add a creative").click()
    adv.get_by_label("Name").fill("Spring text link")
    adv.get_by_label("Kind").select_option(label="Text link")
    adv.get_by_label("Link text").fill("Spring shoes, 20% off")
    adv.get_by_label("Landing page").select_option(label=PAGE_B[0])
    adv.get_by_role("button", name="Save").click()
    expect(adv).to_have_url(f"{portal}/advertiser/offers/{offer_id}/#creatives")
    creative = adv.locator(".grid-cards article", has_text="Spring text link")
    expect(creative).to_contain_text("Spring shoes, 20% off")
    expect(creative).to_contain_text(f"Lands on {PAGE_B[0]}")

    adv.get_by_role("button", name="Submit for review").click()
    expect(flash(adv)).to_contain_text("Submitted: the network will review your offer.")
    expect(adv.get_by_role("heading", level=1)).to_contain_text("Pending review")
    shoot(adv, "browser-offers-advertiser")

    nav_link(adv, "Offers").click()
    row = adv.get_by_role("row", name=re.compile(OFFER))
    expect(row).to_contain_text("Pending review")
    expect(row).to_contain_text("Approval required")
    return offer_id


def owner_prices_and_approves(admin: Page, portal: str, offer_id: int, shoot) -> None:
    expect(admin).to_have_url(f"{portal}/manage/")
    # The dashboard counts what waits for a decision and links to the filtered list.
    waiting = admin.locator(".decisions li", has=admin.get_by_role("link", name="Offers to review"))
    expect(waiting.locator(".badge")).to_have_text("1")
    waiting.get_by_role("link").click()
    admin.get_by_role("link", name=OFFER).click()
    expect(admin).to_have_url(f"{portal}/manage/offers/{offer_id}/")
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Pending review")
    review = admin.locator("#review")
    expect(review).to_contain_text("✓ A default goal")
    expect(review).to_contain_text("✓ At least one landing page")
    expect(review).to_contain_text("✗ Publisher payout not set on Sale")

    with scopes_disabled():
        goal = Goal.objects.get(offer_id=offer_id, is_default=True)
    card = admin.locator(f"#goal-{goal.pk}")
    expect(card).to_contain_text("Advertiser pays 10.00 USD")
    # Suggested from the network's 20% margin: 10.00 - 20%.
    expect(card.get_by_label("Payout type")).to_have_value("cpa")
    expect(card.get_by_label("Flat payout")).to_have_value("8.00")
    card.get_by_role("button", name="Set payout").click()
    expect(admin).to_have_url(f"{portal}/manage/offers/{offer_id}/#goal-{goal.pk}")
    expect(flash(admin)).to_contain_text("Payout of “Sale” saved.")
    expect(admin.locator(f"#goal-{goal.pk}")).to_contain_text("publishers earn 8.00 USD")
    expect(admin.locator("#review")).to_contain_text("✓ Publisher payout set on every goal")

    admin.locator("#review").get_by_role("button", name="Approve").click()
    expect(flash(admin)).to_contain_text("Offer approved and live")
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Active")
    expect(admin.locator(f"#goal-{goal.pk}")).to_contain_text("publishers earn 8.00 USD")
    shoot(admin, "browser-offers-owner")

    nav_link(admin, "Offers").click()
    expect(admin.get_by_role("row", name=re.compile(OFFER))).to_contain_text("Active")


def publisher_applies(pub: Page, portal: str, offer_id: int) -> None:
    nav_link(pub, "Offers").click()
    expect(pub).to_have_url(f"{portal}/publisher/offers/")
    row = pub.get_by_role("row", name=re.compile(OFFER))
    expect(row).to_contain_text("8.00 USD CPA")
    expect(row).to_contain_text("Apply")
    row.get_by_role("link", name=OFFER).click()
    expect(pub).to_have_url(f"{portal}/publisher/offers/{offer_id}/")
    expect(pub.get_by_role("heading", level=1)).to_have_text(OFFER)
    pub.get_by_label("Note to the network").fill("Spring newsletter, 40k readers.")
    pub.get_by_role("button", name="Apply to run this offer").click()
    expect(flash(pub)).to_contain_text("Application sent.")
    expect(pub.locator("#access")).to_contain_text("Your application is pending.")
    expect(pub.locator("#access")).to_contain_text("Your note: Spring newsletter, 40k readers.")


def owner_approves_access(admin: Page, portal: str) -> None:
    nav_link(admin, "Offer access").click()
    expect(admin).to_have_url(f"{portal}/manage/offer-access/")
    row = admin.get_by_role("row", name=re.compile(f"Alpha Media.*{OFFER}"))
    expect(row).to_contain_text("Spring newsletter, 40k readers.")
    expect(row).to_contain_text("Pending")
    row.get_by_role("link", name="Review").click()
    expect(admin.locator("blockquote")).to_have_text("Spring newsletter, 40k readers.")
    admin.get_by_label("Approve: they may run the offer").check()
    admin.get_by_role("button", name="Save decision and email the publisher").click()
    expect(admin).to_have_url(f"{portal}/manage/offer-access/")
    expect(flash(admin)).to_contain_text(f"Alpha Media on “{OFFER}”: approved")
    expect(admin.get_by_role("row", name=re.compile(f"Alpha Media.*{OFFER}"))).to_contain_text(
        "Approved"
    )


def test_an_offer_from_creation_to_a_publishers_tracking_link(
    new_page, portal, settings, advertiser_user, owner, publisher_user, screenshot
):
    # Tracking links on the live server's own scheme and port, so the link shown is one a
    # browser could follow here (tests otherwise default to https without a port).
    settings.PLATFORM_SCHEME = "http"
    settings.PLATFORM_PORT = portal.rsplit(":", 1)[1]

    adv = new_page()
    sign_in(adv, portal, advertiser_user.email)
    offer_id = advertiser_creates_and_submits(adv, portal, screenshot)

    admin = new_page()
    sign_in(admin, portal, owner.email)
    owner_prices_and_approves(admin, portal, offer_id, screenshot)

    pub = new_page()
    pub.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal)
    sign_in(pub, portal, publisher_user.email)
    publisher_applies(pub, portal, offer_id)
    owner_approves_access(admin, portal)

    pub.reload()
    wait_until_ready(pub)  # htmx has bound the link builder's form: it posts in the page
    expect(pub.locator("#access")).to_contain_text("You are approved to run this offer.")
    builder = pub.locator("#link-builder")
    builder.get_by_text("Customise: landing page, sub IDs").click()
    builder.get_by_label("Landing page").select_option(label=PAGE_B[0])
    builder.get_by_label("Sub ID 1 (aff_sub)").fill("spring sale")
    builder.get_by_label("Source").fill("news&co")
    with pub.expect_response(f"{portal}/publisher/offers/{offer_id}/link/") as posted:
        builder.get_by_role("button", name="Build link").click()
    assert posted.value.request.headers.get("hx-request") == "true"  # swapped in, no reload
    expect(pub).to_have_url(f"{portal}/publisher/offers/{offer_id}/")

    with scopes_disabled():
        offer = Offer.objects.select_related("network").get(pk=offer_id)
        page_b = LandingPage.objects.get(offer=offer, name=PAGE_B[0])
        publisher = publisher_user.memberships.get().publisher
        expected = click_link(
            offer=offer,
            publisher=publisher,
            landing_page=page_b,
            subs={"aff_sub": "spring sale", "source": "news&co"},
        )
        access = OfferAccess.objects.get(offer=offer, publisher=publisher)
    assert access.status == OfferAccess.Status.APPROVED
    assert expected == (
        f"{portal}/aff_c?offer_id={offer.pk}&aff_id={publisher.pk}&url_id={page_b.pk}"
        "&aff_sub=spring%20sale&source=news%26co"
    )
    link = pub.locator("#link-builder").get_by_label("Tracking link")
    expect(link).to_have_value(expected)
    assert "aff_sub=spring%20sale" in link.input_value()
    # The builder keeps what was typed, for the next link.
    expect(pub.locator("#link-builder").get_by_label("Source")).to_have_value("news&co")

    copy = pub.locator("#link-builder").get_by_role("button", name="Copy")
    copy.click()
    expect(pub.locator("#link-builder button[data-copy]")).to_have_text("Copied")
    assert pub.evaluate("navigator.clipboard.readText()") == expected
    expect(pub.locator("#link-builder button[data-copy]")).to_have_text("Copy")
    screenshot(pub, "browser-offers-publisher")
