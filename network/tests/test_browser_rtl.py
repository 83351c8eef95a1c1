"""Persian pages laid out right to left in Chromium: what only a browser shows (the mirrored
chart, the account menu's anchor, code kept left to right, nothing wider than a phone).
Screenshots at 1366x900 and 390x844 are saved as browser-rtl-*.png."""

from __future__ import annotations

import pytest

from conftest import make_world
from network.tests.browser import BROWSER_TEST, expect, sign_in

pytestmark = BROWSER_TEST


SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def persian(network):
    network.language = "fa"
    network.save()
    return network


def chart_options(page) -> dict:
    page.wait_for_selector("canvas[data-chart][data-drawn]", state="attached")
    return page.evaluate(
        """() => {
          const chart = window.Chart.getChart(document.querySelector('canvas[data-chart]'));
          const o = chart.options;
          return {reverse: o.scales.x.reverse, count: o.scales.count.position,
                  money: o.scales.money.position, legend: o.plugins.legend.rtl,
                  tooltip: o.plugins.tooltip.rtl};
        }"""
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_dashboard_is_mirrored_in_persian(new_page, portal, persian, owner, screenshot, size):
    page = new_page()
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    sign_in(page, portal, owner.email, next_path="/manage/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("navigation", name="اصلی")).to_contain_text("داشبورد")
    # Time runs from right to left, counts on the right, legend and tooltips right to left.
    assert chart_options(page) == {
        "reverse": True,
        "count": "right",
        "money": "left",
        "legend": True,
        "tooltip": True,
    }
    # The account menu, at the left end of the line, opens towards the page (on a phone, inside
    # the folded main menu).
    if size == "phone":
        page.locator("details.nav-menu > summary").click()
    page.locator("nav details.dropdown > summary").click()
    menu = page.locator("nav details.dropdown > ul")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"browser-rtl-owner-dashboard-{size}")


def test_an_english_chart_is_not_mirrored(new_page, portal, owner):
    page = new_page()
    sign_in(page, portal, owner.email, next_path="/manage/")
    assert chart_options(page) == {
        "reverse": False,
        "count": "left",
        "money": "right",
        "legend": False,
        "tooltip": False,
    }


@pytest.mark.parametrize("size", SIZES)
def test_code_and_links_stay_left_to_right_in_persian(
    new_page, portal, persian, owner, advertiser_user, screenshot, size
):
    make_world(persian, owner)
    page = new_page()
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    sign_in(page, portal, advertiser_user.email, next_path="/advertiser/integration/")
    code = page.locator("main pre").first
    expect(code).to_contain_text("/aff_lsr?transaction_id=")
    # Laid out right to left, the URL's start would be cut off at the box's left edge.
    assert code.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert code.evaluate("e => getComputedStyle(e).textAlign") == "left"
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0]
    screenshot(page, f"browser-rtl-advertiser-integration-{size}")
