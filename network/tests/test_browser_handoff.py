"""In Chromium: "Open" on the platform host leads to a confirmation page on the network's
host, which names the account; only its button signs in. English and Vietnamese, on a
desktop and a phone (screenshots)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from network.tests.browser import BROWSER_TEST, expect, sign_in

pytestmark = BROWSER_TEST


def translated(language: str, text: str, **values) -> str:
    with translation.override(language):
        return str(translation.gettext(text)) % values


@pytest.mark.parametrize("language", ["en", "vi"])
def test_open_asks_on_the_networks_host_before_signing_in(
    new_page, live_server, network, owner, screenshot, language
):
    network.language = language  # the confirmation page is seen before signing in there
    network.save()
    owner.language = language
    owner.save(update_fields=["language"])
    port = live_server.url.rsplit(":", 1)[1]
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, f"http://localhost:{port}", owner.email)

    page.get_by_role("button", name=translated(language, "Open")).click()
    expect(page).to_have_url(re.compile(rf"^http://alpha\.localhost:{port}/handoff/\?token="))
    button = page.get_by_role(
        "button",
        name=translated(
            language, "Continue to %(name)s as %(email)s", name=network.name, email=owner.email
        ),
    )
    expect(button).to_be_visible()
    screenshot(page, f"handoff-{language}-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    screenshot(page, f"handoff-{language}-390")

    button.click()
    expect(page).to_have_url(re.compile(rf"^http://alpha\.localhost:{port}/manage/$"))
