"""In Chromium: a publisher sees the bell's unread count in the header, opens the notification
page from it, marks one read and then all, on a laptop (1366 px) and a phone (390 px), in
English and in Persian (right to left). The notifications are made as a worker makes them
(the email task of an event), so their titles are in the user's language."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from network.models import Membership
from network.tasks import send_email_of
from network.tests.browser import BROWSER_TEST, expect, goto, sign_in
from network.tests.test_browser_layout import LAPTOP, LAYOUT_PROBLEMS, PHONE

pytestmark = BROWSER_TEST


def words(language: str, text: str) -> str:
    with translation.override(language):
        return str(translation.gettext(text))


def bell_count(page):
    return page.locator("body > header .bell-count")


@pytest.mark.parametrize("language", ["en", "vi", "fa"])
def test_the_bell_and_the_notification_page(
    new_page, portal, network, publisher_user, screenshot, language
):
    publisher_user.language = language
    publisher_user.save(update_fields=["language"])
    with scopes_disabled():
        company = Membership.objects.get(user=publisher_user).publisher
    for n in range(3):  # three decisions about the company: three events
        send_email_of.apply(
            kwargs={
                "kind": "publisher_decision",
                "network_id": network.pk,
                "object_id": company.pk,
            },
            task_id=f"browser-{n}",
        )
    problems: list[str] = []
    page = new_page()
    page.set_viewport_size(LAPTOP)
    sign_in(page, portal, publisher_user.email, next_path="/publisher/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(bell_count(page)).to_have_text("3")
    problems += page.evaluate(LAYOUT_PROBLEMS, True)

    page.locator("body > header .bell-link").click()
    expect(page).to_have_url(f"{portal}/notifications/")
    rows = page.locator(".notification-list > li")
    expect(rows).to_have_count(3)
    expect(page.locator(".notification.unread")).to_have_count(3)
    problems += page.evaluate(LAYOUT_PROBLEMS, True)
    screenshot(page, f"notifications-{language}-1366")

    rows.first.get_by_role("button", name=words(language, "Mark read")).click()
    expect(page.locator(".notification.unread")).to_have_count(2)
    expect(bell_count(page)).to_have_text("2")

    page.set_viewport_size(PHONE)
    goto(page, f"{portal}/notifications/")
    expect(page.locator("body > header .bell-link")).to_be_visible()
    expect(bell_count(page)).to_have_text("2")
    problems += page.evaluate(LAYOUT_PROBLEMS, False)
    screenshot(page, f"notifications-{language}-390")
    page.get_by_role("button", name=words(language, "Mark all read")).click()
    expect(page.locator("main")).to_contain_text(words(language, "All notifications marked read."))
    expect(page.locator(".notification.unread")).to_have_count(0)
    expect(bell_count(page)).to_have_count(0)

    # The choice page, on the phone too; a row's link leads to what it is about.
    goto(page, f"{portal}/notifications/preferences/")
    problems += page.evaluate(LAYOUT_PROBLEMS, False)
    screenshot(page, f"notification-choices-{language}-390")
    goto(page, f"{portal}/notifications/")
    page.locator(".notification-list > li a").first.click()
    expect(page).not_to_have_url(f"{portal}/notifications/")
    assert problems == [], "\n".join(problems)
