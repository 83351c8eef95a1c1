"""The figures and the guided start in a real browser (system Chromium driven by Playwright),
in English and Vietnamese, at 1366 and 390 px: a new network's admin dashboard with its
getting-started checklist, whose test link records a click that ticks its step; and the
advertiser's dashboard with ROAS as a multiple, ROI beside it, and "Cost". Each page is
screenshotted (network/tests/browser.py says where) and must not scroll sideways."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from conftest import make_world
from lib.days import day_start
from network.tests.browser import BROWSER_TEST, expect, sign_in
from offers.models import LandingPage, Offer
from publishers.models import Publisher
from reports.dashboards import local_today
from reports.rollup import rollup_network
from reports.tests.helpers import make_click, make_conversion
from tracking.models import Conversion

pytestmark = BROWSER_TEST


WIDTHS = (1366, 390)
WORDS = {
    "en": {"start": "Getting started", "click": "Send a test click", "cost": "Cost"},
    "vi": {"start": "Bắt đầu", "click": "Gửi một lượt nhấp thử", "cost": "Chi phí"},
}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def open_as(new_page, portal, user, width: int, path: str):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, portal, user.email, path)
    page.goto(f"{portal}{path}")
    return page


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_checklist_guides_a_new_network_to_its_first_click(
    new_page, portal, screenshot, network, owner, language
):
    network.language = language
    network.save(update_fields=["language"])
    for width in WIDTHS:
        page = open_as(new_page, portal, owner, width, "/manage/")
        checklist = page.locator("#getting-started")
        expect(checklist).to_contain_text(WORDS[language]["start"])
        expect(checklist.locator("li.step-todo")).to_have_count(6)
        screenshot(page, f"i16-checklist-new-{language}-{width}")
        assert fits(page), width

    # Everything but the click: the click step gives its test link, which records one.
    world = make_world(network, owner, money=False)
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(status=Offer.Status.ACTIVE)
        assert Publisher.objects.filter(network=network, status="approved").exists()
        LandingPage.objects.filter(pk=world["landing_page"].pk).update(
            url_template=f"{portal}/?t={{transaction_id}}"
        )
    page = open_as(new_page, portal, owner, 1366, "/manage/")
    click_step = page.locator('[data-step="click"]')
    expect(click_step).to_contain_text(WORDS[language]["click"])
    link = click_step.locator("a[target=_blank]")
    href = link.get_attribute("href")
    assert "/aff_c?offer_id=" in href
    # Opening it records the click and redirects to the offer's landing page (made the
    # portal's own home page here: this machine reaches no outside host). The link is opened
    # on the live server's port: the test settings' links carry no port.
    landing = page.context.new_page()
    landing.goto(portal + href[href.index("/aff_c") :])
    assert landing.url.startswith(f"{portal}/")
    page.reload()
    expect(page.locator('[data-step="click"]')).to_have_class("step-done")
    screenshot(page, f"i16-checklist-clicked-{language}")


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_advertiser_dashboard_shows_roas_as_a_multiple(
    new_page, portal, screenshot, network, owner, advertiser_user, language
):
    network.language = language
    network.save(update_fields=["language"])
    world = make_world(network, owner, money=False)
    # Both inside the network's today, whatever the time of day the test runs at (just after
    # midnight, "20 minutes ago" is yesterday).
    now = timezone.now()
    since_midnight = now - day_start(local_today(network), ZoneInfo(network.timezone))
    click = make_click(world, now - since_midnight * 2 / 3)
    make_conversion(
        click,
        now - since_midnight / 3,
        status=Conversion.Status.APPROVED,
        revenue="10.00",
        sale_amount="350.30",
    )
    with scope(network=network):
        rollup_network(network)
    for width in WIDTHS:
        page = open_as(new_page, portal, advertiser_user, width, "/advertiser/")
        today = page.locator('[data-period="today"]')
        expect(today).to_contain_text("35" + ("," if language == "vi" else ".") + "0x")
        expect(today).to_contain_text("ROI")
        expect(today).to_contain_text(WORDS[language]["cost"])
        screenshot(page, f"i16-advertiser-roas-{language}-{width}")
        assert fits(page), width
