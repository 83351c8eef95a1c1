"""What the browser tests share: the system Chromium driven by Playwright, one browser context
per person, the live server's URL on the alpha network's host, signing in through the real
login form, and full-page screenshots.

The root conftest.py loads this module as a pytest plugin, so its fixtures serve every app's
tests; a browser test module sets `pytestmark = BROWSER_TEST` (or `[*BROWSER_TEST, ...]`), so
it is skipped with a reason on a machine without Chromium or Playwright.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
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
    sync_playwright = expect = None

NEEDS_BROWSER = [
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed"),
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no system Chromium at {CHROMIUM}"),
]

# What a browser test module sets as its `pytestmark`: skipped without a browser, and the
# test's rows really committed, for the live server to see them.
BROWSER_TEST = [*NEEDS_BROWSER, pytest.mark.django_db(transaction=True)]

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


def is_missing_file(response) -> bool:
    """A 404 for one of our own files: a static file, or the icon browsers ask for."""
    path = urlsplit(response.url).path
    return response.status == 404 and (path == "/favicon.ico" or path.startswith("/static/"))


@pytest.fixture
def new_page(browser: Browser):
    """Opens pages in fresh browser contexts: one person, one set of cookies each.

    A page whose console reports a Content-Security-Policy violation fails the test: an
    inline script or style that the policy blocks breaks a page only in a real browser. So
    does a page that asks for a file of ours that is not there (a 404 for /favicon.ico or a
    static file).
    """
    contexts: list[BrowserContext] = []
    violations: list[str] = []
    missing: list[str] = []

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
        page.on(
            "response",
            lambda response: missing.append(response.url) if is_missing_file(response) else None,
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
    assert missing == [], "files of ours answered 404:\n" + "\n".join(missing)


def wait_until_ready(page: Page) -> None:
    """Until the page's scripts have bound their handlers: static/js/ready.js marks <html
    data-ready> after every other script of base.html's pages. A test that changes a select
    which submits on change, or sends an htmx form, before then races the page (the members
    filter's test once lost that race on a busy machine)."""
    expect(page.locator("html")).to_have_attribute("data-ready", "true")


def goto(page: Page, url: str) -> None:
    """Open `url` and wait until the page is ready (wait_until_ready)."""
    page.goto(url)
    wait_until_ready(page)


def login_form(page: Page):
    # Within <main>: the nav has a form of its own (the language switch).
    return page.locator("main form", has=page.locator("input[name=login]"))


def send_login_form(
    page: Page, portal: str, email: str, next_path: str = "", *, password: str = PASSWORD
) -> None:
    """Opens the login page (to go on to `next_path`, if given) and sends its form."""
    goto(page, f"{portal}/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    form = login_form(page)
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


def sign_in(
    page: Page, portal: str, email: str, next_path: str = "/", *, password: str = PASSWORD
) -> None:
    """Through the login form; for an account with two-factor on, see the journey test."""
    send_login_form(page, portal, email, next_path, password=password)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    wait_until_ready(page)  # the page signed in to, its scripts' handlers bound


def current_totp_code(secret: str) -> str:
    """What an authenticator app shows now (by the test's clock, which is the live server's:
    one process). Call it right before typing the code: the server also accepts the code of
    the window before and after (MFA_TOTP_TOLERANCE), so a code typed as its 30-second window
    ends still signs in on a slow machine (network/tests/test_accounts.py checks the drift)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


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
