"""The README's dashboard screenshots, from the demo: run `make run`, then

    .venv/bin/python docs/make_screenshots.py            # PORT=8000, LANGUAGE=en

It signs in as each demo role through the login form (system Chromium, headless, as the
browser tests) and saves the top of each dashboard, 1280 px wide, in docs/screenshots/.
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


def shoot(browser, role: str, email: str) -> Path:
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.goto(f"{BASE}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{BASE}/**")
    page.goto(f"{BASE}/")  # again, without the "signed in" message
    page.wait_for_selector("canvas[data-drawn]")  # the chart is drawn
    path = OUT / f"dashboard-{role}.png"
    page.screenshot(path=path)
    page.close()
    return path


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True
        )
        for role, email in ROLES.items():
            print(shoot(browser, role, email))
        browser.close()


if __name__ == "__main__":
    main()
