"""The sign-in page and every role's main pages (owner, advertiser, publisher: the platform
has no page of its own for an admin, only Django's admin) on a laptop (1366x900) and a phone
(390x844), in every language of settings.LANGUAGES: a full-page screenshot of each
(BROWSER_SCREENSHOT_DIR, listed at the end of .ci/run), and a failure when a page scrolls
sideways, when a table's columns are cut off instead of scrolling in its own frame, when a
header or a data table's date or figure wraps, or when the header fills the phone's screen.

One world for a language: the demo network of `seed_demo` (a month of traffic, conversions,
a payout run and an invoice), so that the tables hold what they hold in `make run`. Each
language's test collects every page's problems and reports them together.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from conftest import make_world
from network.management.commands.seed_demo import DEMO_PASSWORD
from network.models import Network, User
from network.tests.browser import BROWSER_TEST, expect, sign_in
from payouts.tests.helpers import make_conversion

pytestmark = BROWSER_TEST


LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# The checks run in the page: a function of `wide` (see the file; its comments left out, so
# that Playwright takes the text for a function).
LAYOUT_PROBLEMS = "\n".join(
    line
    for line in (Path(__file__).parent / "layout_problems.js").read_text().splitlines()
    if not line.startswith("//")
)


def demo_world() -> tuple[Network, dict[str, list[tuple[str, str]]]]:
    """The demo network with last month's payout run and invoices, and each role's pages
    as (name, path)."""
    from invoices.services import invoices_create
    from offers.models import OfferAccess
    from payouts.runs import last_closed_period, payout_run_create

    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        network = Network.objects.get(slug="demo")
    with scope(network=network):
        period = last_closed_period(network)
        owner = User.objects.get(email="owner@demo.example")
        run = payout_run_create(network, period, actor=owner)
        invoices_create(network, period)
        running = OfferAccess.objects.filter(
            publisher__name="Blue Traffic Media", status=OfferAccess.Status.APPROVED
        ).first()
    pages = {
        "owner@demo.example": [
            ("dashboard", "/manage/"),
            ("offers", "/manage/offers/"),
            ("publishers", "/manage/publishers/"),
            ("advertisers", "/manage/advertisers/"),
            ("conversions", "/manage/conversions/"),
            ("payouts", "/manage/payouts/"),
            ("payout-run", f"/manage/payouts/{run.pk}/"),
            ("invoices", "/manage/invoices/"),
            ("reports", "/manage/reports/"),
            ("settings", "/manage/settings/"),
            ("notifications", "/notifications/"),
        ],
        "advertiser@demo.example": [
            ("dashboard", "/advertiser/"),
            ("offers", "/advertiser/offers/"),
            ("conversions", "/advertiser/conversions/"),
            ("reports", "/advertiser/reports/"),
            ("invoices", "/advertiser/invoices/"),
            ("notifications", "/notifications/"),
        ],
        "publisher@demo.example": [
            ("dashboard", "/publisher/"),
            ("offers", "/publisher/offers/"),
            ("links", f"/publisher/offers/{running.offer_id}/"),
            ("conversions", "/publisher/conversions/"),
            ("statements", "/publisher/statements/"),
            ("payments", "/publisher/payment-details/"),
            ("notifications", "/notifications/"),
        ],
    }
    return network, pages


def sign_out(page) -> None:
    page.locator("body > header .account summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("body > header .account summary")).to_have_count(0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_roles_main_pages_fit_a_laptop_and_a_phone(
    new_page, live_server, screenshot, language
):
    network, pages = demo_world()
    User.objects.filter(email__endswith="@demo.example").update(language=language)
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://{network.portal_host}:{port}"

    problems: list[str] = []

    def look_at(page, role: str, role_pages: list[tuple[str, str]]) -> None:
        for window in (LAPTOP, PHONE):
            page.set_viewport_size(window)
            for name, path in role_pages:
                response = page.goto(f"{base}{path}")
                assert response is not None and response.ok, path
                expect(page.locator("html")).to_have_attribute("lang", language)
                wide = window is LAPTOP
                for problem in page.evaluate(LAYOUT_PROBLEMS, wide):
                    problems.append(f"{role} {name} ({path}) at {window['width']}px: {problem}")
                screenshot(page, f"layout-{language}-{role}-{name}-{window['width']}")

    # Signed out: the sign-in page, in the language its switch sets (a cookie).
    page = new_page()
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}
    page.context.add_cookies([cookie])
    look_at(page, "visitor", [("sign-in", "/accounts/login/")])
    for email, role_pages in pages.items():
        page = new_page()
        sign_in(page, base, email, password=DEMO_PASSWORD)
        look_at(page, email.split("@")[0], role_pages)
    assert problems == [], "\n".join(problems)


def test_the_menu_folds_into_a_button_on_a_phone(new_page, portal, network, owner, screenshot):
    make_world(network, owner)
    page = new_page()
    sign_in(page, portal, owner.email, next_path="/manage/")
    menu = page.get_by_role("navigation", name="Main")
    conversions = menu.get_by_role("link", name="Conversions", exact=True)
    expect(conversions).to_be_visible()  # a laptop: the links in a row, no button
    expect(menu.locator("summary", has_text="Menu")).to_be_hidden()

    page.set_viewport_size(PHONE)
    expect(conversions).to_be_hidden()
    button = menu.locator("summary", has_text="Menu")
    expect(button).to_be_visible()
    # Keyboard: the button takes the focus and opens the menu with Enter.
    button.focus()
    page.keyboard.press("Enter")
    expect(conversions).to_be_visible()
    # The account menu opens inside it, within the screen.
    menu.locator("summary", has_text=owner.email).click()
    sign_out = menu.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    screenshot(page, "layout-menu-open-390")
    outside = page.evaluate(
        """() => [...document.querySelectorAll("body > header a, body > header button,"
            + " body > header select, body > header summary")]
          .filter((el) => el.checkVisibility())
          .map((el) => [el.textContent.trim(), el.getBoundingClientRect()])
          .filter(([, box]) => box.left < 0 || box.right > window.innerWidth)
          .map(([text]) => text)"""
    )
    assert outside == []
    conversions.click()
    expect(page).to_have_url(f"{portal}/manage/conversions/")


def test_the_column_chooser_keeps_each_users_choice(new_page, portal, network, owner, manager):
    world = make_world(network, owner)
    make_conversion(world)
    page = new_page()
    sign_in(page, portal, owner.email, next_path="/manage/conversions/")
    table = page.locator(".table-container", has=page.locator("table"))
    order_cells = table.locator("[data-column=order_id]")
    expect(order_cells).to_have_count(2)  # the header and the conversion's row
    expect(order_cells.first).to_be_visible()

    table.locator("summary", has_text="Columns").click()
    table.get_by_label("Order", exact=True).uncheck()
    for cell in order_cells.all():
        expect(cell).to_be_hidden()

    page.reload()
    expect(order_cells.first).to_be_hidden()
    expect(order_cells.last).to_be_hidden()
    expect(table.get_by_label("Order", exact=True)).not_to_be_checked()
    expect(table.locator("th[data-column=transaction_id]")).to_be_visible()

    # Another person in the same browser has the table as it comes.
    sign_out(page)
    sign_in(page, portal, manager.email, next_path="/manage/conversions/")
    expect(order_cells.first).to_be_visible()

    # And the choice comes back for the first, after the ticked box again shows the column.
    sign_out(page)
    sign_in(page, portal, owner.email, next_path="/manage/conversions/")
    expect(order_cells.first).to_be_hidden()
    table.locator("summary", has_text="Columns").click()
    table.get_by_label("Order", exact=True).check()
    expect(order_cells.first).to_be_visible()
    page.reload()
    expect(order_cells.first).to_be_visible()
