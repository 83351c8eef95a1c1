"""End to end in a real browser (system Chromium driven by Playwright) against the live server.

What a person does: sign in through the real login form, apply as a publisher (with a field
error on the way), and an owner reviewing the application. Skipped where Chromium or
Playwright is missing. Set BROWSER_SCREENSHOT_DIR to keep a screenshot of the admin home.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from conftest import PASSWORD, make_user
from publishers.models import Publisher
from publishers.services import publisher_apply

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

try:
    from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed"),
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no system Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT_MS = 10_000
if sync_playwright is not None:
    expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser() -> Browser:
    # Playwright's sync API keeps an event loop running in this thread, so Django's ORM
    # refuses to run here (test data, the transactional flush) unless told it is safe.
    # Only while the browser is up: the rest of the suite keeps the check.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as playwright:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def portal(live_server, network) -> str:
    """The alpha network's base URL on the live server's port (Chromium maps *.localhost
    to loopback by itself)."""
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{network.portal_host}:{port}"


@pytest.fixture
def new_page(browser: Browser):
    """Opens pages in fresh browser contexts: one person, one set of cookies each."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page: Page, portal: str, email: str, next_path: str = "/") -> None:
    page.goto(f"{portal}/accounts/login/?next={next_path}")
    form = page.locator("form", has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def field(page: Page, input_id: str):
    """The form row (label, errors, input) that holds the input with this id."""
    return page.locator(".field", has=page.locator(f"#{input_id}"))


def test_a_new_user_applies_as_publisher_and_waits_for_review(new_page, portal):
    make_user("applicant@example.com")

    page = new_page()
    sign_in(page, portal, "applicant@example.com", next_path="/apply/")
    expect(page).to_have_url(f"{portal}/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to Alpha Network")

    page.fill("#id_name", "Applicant Media")
    page.fill("#id_website", "not a website")
    page.get_by_label("Search (SEO/SEM)").check()
    page.get_by_label("Content / blog").check()
    page.fill("#id_traffic_description", "A cooking blog with 40k monthly readers.")
    page.select_option("#id_country", "DE")
    page.get_by_role("button", name="Send application").click()

    # Back on the form: the error sits with the website field, everything else is kept.
    expect(page).to_have_url(f"{portal}/apply/")
    expect(field(page, "id_website").locator(".errorlist")).to_have_text("Enter a valid URL.")
    expect(page.locator("#id_website")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".errorlist")).to_have_count(1)
    expect(page.locator("#id_name")).to_have_value("Applicant Media")
    expect(page.locator("#id_website")).to_have_value("not a website")
    expect(page.get_by_label("Search (SEO/SEM)")).to_be_checked()
    expect(page.get_by_label("Content / blog")).to_be_checked()
    expect(page.get_by_label("Email", exact=True)).not_to_be_checked()
    expect(page.locator("#id_traffic_description")).to_have_value(
        "A cooking blog with 40k monthly readers."
    )
    expect(page.locator("#id_country")).to_have_value("DE")

    page.fill("#id_website", "https://applicant-media.example")
    page.get_by_role("button", name="Send application").click()

    expect(page).to_have_url(f"{portal}/publisher/")
    expect(page.locator(".messages")).to_contain_text("Your application is waiting for review")
    expect(page.get_by_text("Application status:")).to_contain_text("Pending review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Applicant Media")

    with scopes_disabled():
        publisher = Publisher.objects.get(name="Applicant Media")
    assert publisher.status == Publisher.Status.PENDING
    assert publisher.website == "https://applicant-media.example"
    assert publisher.traffic_sources == ["search", "content"]
    assert publisher.country == "DE"


def test_the_owner_rejects_without_reason_then_approves(new_page, portal, network, owner):
    applicant = make_user("applicant@example.com")
    with scopes_disabled():
        publisher = publisher_apply(
            network=network,
            user=applicant,
            name="Applicant Media",
            website="https://applicant-media.example",
            traffic_sources=["search"],
            traffic_description="",
            country="DE",
        )

    admin = new_page()
    sign_in(admin, portal, owner.email)
    expect(admin).to_have_url(f"{portal}/manage/")
    applications = admin.locator(
        "section", has=admin.get_by_role("heading", name=re.compile("Publisher applications"))
    )
    expect(applications.locator(".badge")).to_have_text("1")
    waiting = applications.get_by_role("row", name=re.compile("Applicant Media"))
    expect(waiting).to_contain_text("https://applicant-media.example")
    screenshot_dir = os.environ.get("BROWSER_SCREENSHOT_DIR")
    if screenshot_dir:
        admin.screenshot(path=str(Path(screenshot_dir) / "browser-admin.png"), full_page=True)
    waiting.get_by_role("link", name="Review").click()

    expect(admin).to_have_url(f"{portal}/manage/publishers/{publisher.pk}/")
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Pending review")
    admin.get_by_label("Reject").check()
    admin.get_by_role("button", name="Save decision").click()

    expect(admin).to_have_url(f"{portal}/manage/publishers/{publisher.pk}/")
    expect(field(admin, "id_reason").locator(".errorlist")).to_have_text(
        "Give the applicant a reason for the rejection."
    )
    expect(admin.get_by_label("Reject")).to_be_checked()

    admin.get_by_label("Approve").check()
    admin.get_by_role("button", name="Save decision").click()
    expect(admin).to_have_url(f"{portal}/manage/publishers/")
    expect(admin.locator(".messages")).to_contain_text("Applicant Media: decision saved")

    applicant_page = new_page()
    sign_in(applicant_page, portal, "applicant@example.com")
    expect(applicant_page).to_have_url(f"{portal}/publisher/")
    expect(applicant_page.get_by_text("Application status:")).to_contain_text("Approved")
    expect(applicant_page.get_by_text("You are approved.")).to_be_visible()
