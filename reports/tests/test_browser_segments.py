"""The report page with two groupings at once in a real browser (system Chromium driven by
Playwright), in English, Vietnamese and Persian, at 1366 and 390 px: an admin's publishers then
countries, and a publisher's sub ids then countries, chosen in the form. Each page is
screenshotted (network/tests/browser.py says where) and must not scroll sideways."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django_scopes import scope

from network.tests.browser import BROWSER_TEST, expect, goto, sign_in
from reports.rollup import rollup_hours
from reports.tests.helpers import (
    hour_of,
    make_click,
    make_conversion,
    other_offer_traffic,
    two_shops_world,
)
from tracking.models import Conversion

pytestmark = BROWSER_TEST

WIDTHS = (1366, 390)
AT = datetime(2026, 3, 10, 1, tzinfo=UTC)
MARCH = "preset=custom&date_from=2026-03-01&date_to=2026-03-31"
# The totals row's 8 clicks: Persian pages write Persian digits.
WORDS = {
    "en": {
        "then_by": "Then by",
        "help": "Two groupings at once",
        "country": "Country",
        "eight": "8",
    },
    "vi": {
        "then_by": "Rồi theo",
        "help": "Hai cách nhóm cùng lúc",
        "country": "Quốc gia",
        "eight": "8",
    },
    "fa": {"then_by": "سپس بر اساس", "help": "دو گروه‌بندی با هم", "country": "کشور", "eight": "۸"},
}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def traffic(network, owner, advertiser_user, publisher_user):
    world = two_shops_world(network, owner, media={"country": "US"})
    first = make_click(world, AT, country="VN", aff_sub="kw-a")
    make_conversion(first, AT, status=Conversion.Status.APPROVED, sale_amount="50.00")
    make_click(world, AT, country="US", aff_sub="kw-b")
    moments = [AT, *other_offer_traffic(world, AT)]
    with scope(network=network):
        rollup_hours(network, sorted({hour_of(m) for m in moments}))
    return world


@pytest.mark.parametrize("language", ["en", "vi", "fa"])
def test_an_admin_splits_publishers_by_country(
    new_page, portal, screenshot, network, owner, traffic, language
):
    network.language = language
    network.save(update_fields=["language"])
    words = WORDS[language]
    for width in WIDTHS:
        page = new_page()
        page.set_viewport_size({"width": width, "height": 900})
        sign_in(page, portal, owner.email, "/manage/reports/")
        goto(page, f"{portal}/manage/reports/?{MARCH}")
        page.get_by_label(words["then_by"]).select_option("country")
        page.locator("#id_group_by").select_option("publisher")
        page.locator("form[role=search] button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"then_by=country"))
        table = page.locator("table")
        expect(table.locator("thead")).to_contain_text(words["country"])
        expect(table.locator("tbody tr")).to_have_count(3)
        expect(table.locator("tbody")).to_contain_text("Alpha Media")
        expect(table.locator("tfoot")).to_contain_text(words["eight"])
        page.locator(".report-pairs summary").click()
        expect(page.locator(".report-pairs")).to_contain_text(words["help"])
        screenshot(page, f"i18-segments-admin-{language}-{width}")
        assert fits(page), width


@pytest.mark.parametrize("language", ["en", "vi", "fa"])
def test_a_publisher_splits_sub_ids_by_country(
    new_page, portal, screenshot, network, publisher_user, traffic, language
):
    network.language = language
    network.save(update_fields=["language"])
    for width in WIDTHS:
        page = new_page()
        page.set_viewport_size({"width": width, "height": 900})
        sign_in(page, portal, publisher_user.email, "/publisher/reports/")
        goto(page, f"{portal}/publisher/reports/?{MARCH}&group_by=aff_sub&then_by=country")
        rows = page.locator("table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("kw-a")
        expect(page.locator("table")).not_to_contain_text("Other Media")
        screenshot(page, f"i18-segments-publisher-{language}-{width}")
        assert fits(page), width
