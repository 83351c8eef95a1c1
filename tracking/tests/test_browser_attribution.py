"""First-click attribution in a real browser (system Chromium, network/tests/browser.py).

The advertiser sets the offer to "First click within the attribution window" on its edit page;
a visitor clicks the tracking link twice, then the advertiser's thank-you page loads the
conversion pixel: the conversion credits the first click, whose id the browser's cookie still
holds. Saves a screenshot of the offer's settings (browser-attribution-advertiser.png).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from django_scopes import scope, scopes_disabled

from conftest import make_world
from network.tests.browser import BROWSER_TEST, expect, sign_in
from offers.models import LandingPage, Offer
from tracking.models import Conversion

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = BROWSER_TEST
FIRST_CLICK = "First click within the attribution window"


@pytest.fixture(autouse=True)
def entry_point() -> str:
    """The live server runs Django's own route: no second run through the lean application."""
    return "django"


def landing_id(visitor: Page, portal: str, link: str, sub: str) -> str:
    """Click the tracking link; the click id the landing page got ({transaction_id})."""
    visitor.goto(f"{link}&aff_sub={sub}")
    expect(visitor).to_have_url(re.compile(rf"{re.escape(portal)}/healthz\?t=[0-9a-f]{{32}}$"))
    return parse_qs(urlsplit(visitor.url).query)["t"][0]


def test_a_first_click_offer_credits_the_first_click(
    network, owner, advertiser_user, publisher_user, portal, new_page, screenshot
):
    world = make_world(network, owner)
    offer: Offer = world["offer"]
    with scopes_disabled():
        runner = publisher_user.memberships.get().publisher
        # The landing page on the portal's own host: the browser lands somewhere it can reach.
        LandingPage.objects.filter(offer=offer).update(
            url_template=f"{portal}/healthz?t={{transaction_id}}"
        )

    adv = new_page()
    sign_in(adv, portal, advertiser_user.email, f"/advertiser/offers/{offer.pk}/edit/")
    adv.get_by_label("Attribution model").select_option(label=FIRST_CLICK)
    adv.get_by_role("button", name="Save").click()
    expect(adv).to_have_url(f"{portal}/advertiser/offers/{offer.pk}/")
    settings_table = adv.locator("#settings + .table-wrap table")
    expect(settings_table.get_by_role("row", name="Attribution model")).to_contain_text(FIRST_CLICK)
    screenshot(adv, "browser-attribution-advertiser")

    visitor = new_page()
    link = f"{portal}/aff_c?offer_id={offer.pk}&aff_id={runner.pk}"
    first = landing_id(visitor, portal, link, "A")
    second = landing_id(visitor, portal, link, "B")
    assert first != second  # the second click is a click of its own
    [cookie] = [c for c in visitor.context.cookies() if c["name"] == f"tid_{offer.pk}"]
    assert cookie["value"] == first
    visitor.goto(f"{portal}/aff_l?offer_id={offer.pk}&amount=25")
    with scope(network=network):
        [conversion] = Conversion.objects.all()
        assert (conversion.click_id, conversion.click.aff_sub) == (first, "A")
