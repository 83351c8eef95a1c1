"""The README's dashboard screenshots, from the demo: run `make run`, then

    .venv/bin/python docs/make_screenshots.py            # PORT=8000

It signs in as each demo role through the login form (system Chromium, headless, as the
browser tests) and saves the top of each dashboard in each language, 1280 px wide, and the
admin's on a phone (390 px), in docs/screenshots/. Each role's own language is set back to
English afterwards.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

PORT = os.environ.get("PORT", "8000")
BASE = f"http://demo.localhost:{PORT}"
PASSWORD = "demo-pass-2026"  # noqa: S105 (the demo logins, seed_demo.DEMO_PASSWORD)
OUT = Path(__file__).resolve().parent / "screenshots"
ROLES = {
    "admin": "owner@demo.example",
    "advertiser": "advertiser@demo.example",
    "publisher": "publisher@demo.example",
}


LANGUAGES = ("en", "vi", "fa")
SWITCH = """code => {
  const form = document.querySelector('form.language-switch');
  form.querySelector('[name=language]').value = code;
  form.submit();
}"""


def shoot(browser, role: str, email: str) -> list[Path]:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{BASE}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{BASE}/**")
    paths = []
    for language in LANGUAGES:
        choose(page, language)
        suffix = "" if language == "en" else f"-{language}"
        paths.append(save(page, f"dashboard-{role}{suffix}.png"))
        if role == "admin" and language == "fa":
            page.set_viewport_size({"width": 390, "height": 844})
            paths.append(save(page, "dashboard-admin-fa-phone.png"))
            page.set_viewport_size({"width": 1280, "height": 1000})
    choose(page, "en")
    page.close()
    return paths


def choose(page, language: str) -> None:
    """The page's language switch (it saves the choice on the signed-in user)."""
    page.evaluate(SWITCH, language)
    page.wait_for_load_state()
    page.wait_for_selector(f'html[lang="{language}"]')


def save(page, name: str) -> Path:
    page.goto(f"{BASE}/")  # again, without any message
    page.wait_for_selector("canvas[data-drawn]")  # the chart is drawn
    path = OUT / name
    page.screenshot(path=path)
    return path


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True
        )
        for role, email in ROLES.items():
            for path in shoot(browser, role, email):
                print(path)
        browser.close()


if __name__ == "__main__":
    main()
