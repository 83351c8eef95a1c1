"""In Chromium: a publisher sets the global postback and chooses which events call it
(conversion, approval, reversal), in English and in Vietnamese, on a desktop and a phone."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from network.tests.browser import BROWSER_TEST, expect, goto, sign_in
from publishers.models import Publisher
from webhooks.models import PostbackEndpoint

pytestmark = BROWSER_TEST

URL = "https://tracker.example/pb?click={aff_click_id}&s={status}"


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_publisher_chooses_reversal_calls_for_the_global_postback(
    new_page, portal, publisher_user, screenshot, language
):
    publisher_user.language = language
    publisher_user.save(update_fields=["language"])
    with scopes_disabled():
        publisher = Publisher.objects.get(memberships__user=publisher_user)
        Publisher.objects.filter(pk=publisher.pk).update(status=Publisher.Status.APPROVED)
    with translation.override(language):
        reversed_label = str(translation.gettext("reversed"))
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, portal, publisher_user.email, next_path="/publisher/postbacks/")
    form = page.locator("form", has=page.locator("#id_global-url_template"))
    form.locator("#id_global-url_template").fill(URL)
    form.get_by_label(reversed_label, exact=True).check()
    form.locator("button[type=submit]").click()
    with translation.override(language):
        expect(page.locator("main")).to_contain_text(str(translation.gettext("Postback saved.")))
    # The page shows what was saved: the URL and the events ticked.
    expect(form.locator("#id_global-url_template")).to_have_value(URL)
    expect(form.get_by_label(reversed_label, exact=True)).to_be_checked()
    with scopes_disabled():
        endpoint = PostbackEndpoint.objects.get(publisher=publisher, offer__isnull=True)
    assert (endpoint.url_template, endpoint.events) == (URL, ["created", "reversed"])
    screenshot(page, f"publisher-postbacks-{language}-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, f"{portal}/publisher/postbacks/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    screenshot(page, f"publisher-postbacks-{language}-390")
