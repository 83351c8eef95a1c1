"""In Chromium, in English and Vietnamese, on a desktop and a phone: the owner who started a
run is told they cannot approve it; a key with the money scope is made after the password is
asked again, and the key list shows the scope (screenshots)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import translation
from django_scopes import scope

from conftest import PASSWORD
from network.tests.browser import BROWSER_TEST, expect, goto, sign_in
from network.tests.money import with_mfa
from payouts.runs import payout_run_create

pytestmark = BROWSER_TEST


def text(language: str, message: str) -> str:
    with translation.override(language):
        return str(translation.gettext(message))


def fits_a_phone(page, url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, url)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_starter_sees_why_and_a_money_key_asks_for_the_password(
    new_page, portal, network, owner, screenshot, language
):
    owner.language = language
    owner.save(update_fields=["language"])
    after_october = datetime(2026, 11, 2, tzinfo=UTC)
    with time_machine.travel(after_october, tick=False), scope(network=network):
        run = payout_run_create(network, date(2026, 10, 1), actor=owner)
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, portal, owner.email, next_path=f"/manage/payouts/{run.pk}/")
    with_mfa(owner)  # after signing in: the login form would ask for a code
    goto(page, page.url)
    started = "You started this run: another owner or manager must approve it."
    expect(page.locator("#started-by-you")).to_have_text(text(language, started))
    expect(page.locator("main")).to_contain_text(owner.email)
    screenshot(page, f"payout-run-started-by-you-{language}-1366")
    fits_a_phone(page, f"{portal}/manage/payouts/{run.pk}/")
    screenshot(page, f"payout-run-started-by-you-{language}-390")

    page.set_viewport_size({"width": 1366, "height": 900})
    # The password was entered at sign-in: past five minutes later it is asked again.
    later = datetime.now(UTC) + timedelta(seconds=django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT)
    with time_machine.travel(later + timedelta(seconds=1), tick=True):
        goto(page, f"{portal}/account/api-keys/")
        page.locator("#id_name").fill("payments robot")
        page.locator("input[name=scopes][value='payouts:approve']").check()
        page.locator("main form button[type=submit]").first.click()
        expect(page).to_have_url(f"{portal}/accounts/reauthenticate/?next=%2Faccount%2Fapi-keys%2F")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#new-api-key")).to_contain_text("afk_")
    expect(page.locator("code.scope")).to_have_text("payouts:approve")
    screenshot(page, f"api-keys-money-scope-{language}-1366")
    fits_a_phone(page, f"{portal}/account/api-keys/")  # the list, the new key shown once
    expect(page.locator("code.scope")).to_have_text("payouts:approve")
    screenshot(page, f"api-keys-money-scope-{language}-390")
