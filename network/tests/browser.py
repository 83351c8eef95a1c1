"""What the browser tests share: the system Chromium driven by Playwright, one browser context
per person, the live server's URL on the alpha network's host, signing in through the real
login form, and full-page screenshots.

A test module imports the fixtures it uses by name (pytest finds fixtures in the module's
namespace) and sets `pytestmark = [*NEEDS_BROWSER, ...]`, so it is skipped with a reason on a
machine without Chromium or Playwright.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"  # Debian's, not a Playwright download (see .ci/run)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

try:
    from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

NEEDS_BROWSER = [
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed"),
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no system Chromium at {CHROMIUM}"),
]

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


def is_csp_violation(text: str) -> bool:
    """Chromium's console line for anything the Content-Security-Policy blocked."""
    return text.startswith("Refused to") or "Content Security Policy" in text


@pytest.fixture
def new_page(browser: Browser):
    """Opens pages in fresh browser contexts: one person, one set of cookies each.

    A page whose console reports a Content-Security-Policy violation fails the test: an
    inline script or style that the policy blocks breaks a page only in a real browser.
    """
    contexts: list[BrowserContext] = []
    violations: list[str] = []

    def open_page() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if is_csp_violation(message.text)
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


def login_form(page: Page):
    # Within <main>: the nav has a form of its own (the language switch).
    return page.locator("main form", has=page.locator("input[name=login]"))


def sign_in(
    page: Page, portal: str, email: str, next_path: str = "/", *, password: str = PASSWORD
) -> None:
    """Through the login form; for an account with two-factor on, see the journey test."""
    page.goto(f"{portal}/accounts/login/?next={next_path}")
    form = login_form(page)
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    # The next page's deferred scripts (autosubmit, copy buttons) run before its load event:
    # a test acting on the page before then races them (the members filter once did).
    page.wait_for_load_state("load")


def field(page: Page, input_id: str):
    """The form row (label, errors, input) that holds the input with this id."""
    return page.locator(".field", has=page.locator(f"#{input_id}"))


def screenshot_dir() -> Path:
    """BROWSER_SCREENSHOT_DIR if set (CI sets it), else var/screenshots/ in the checkout."""
    configured = os.environ.get("BROWSER_SCREENSHOT_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "screenshots"


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page PNG of the page as `<name>.png` in screenshot_dir()."""
    folder = screenshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot(capsys):
    """save_screenshot() that prints each path with pytest's capture off, so that the log of
    a passing run lists the files too (the capture also redirects file descriptor 1, so
    writing to sys.__stdout__ would not do)."""

    def take(page: Page, name: str) -> Path:
        path = save_screenshot(page, name)
        with capsys.disabled():
            print(f"screenshot: {path}", flush=True)
        return path

    return take
