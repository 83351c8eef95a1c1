# ruff: noqa: F811  (the fixtures imported are the tests' arguments)
"""Browser: an invoice with a credit note applied and the credit note itself, as the advertiser
and an admin read them in Chromium, in English and Vietnamese, at 1366 and 390 px (screenshots),
and their PDFs downloaded through the page's link."""

from __future__ import annotations

import pytest

from invoices.tests.test_credit_notes import (  # noqa: F401  (fixtures)
    credited,
    reversed_month,
    world,
)
from network.tests.browser import BROWSER_TEST, goto, screenshot_dir, sign_in

pytestmark = BROWSER_TEST

WIDTHS = (1366, 390)


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_invoice_and_credit_note_read_well_and_download_as_pdf(
    new_page, portal, screenshot, network, owner, advertiser_user, credited, language
):
    invoice, note = credited
    for user in (advertiser_user, owner):
        user.language = language
        user.save(update_fields=["language"])
    pages = {
        "advertiser": (advertiser_user, "advertiser"),
        "admin": (owner, "manage"),
    }
    documents = (("invoices", invoice.pk, "invoice"), ("credit-notes", note.pk, "cn"))
    for role, (user, prefix) in pages.items():
        page = new_page()
        sign_in(page, portal, user.email)
        for kind, pk, name in documents:
            goto(page, f"{portal}/{prefix}/{kind}/{pk}/")
            assert page.locator("article.invoice h1").is_visible()
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                screenshot(page, f"i15-{name}-{role}-{language}-{width}")
            link = page.locator(f"a[href='/{prefix}/{kind}/{pk}/pdf/']")
            with page.expect_download() as info:
                link.click()
            path = screenshot_dir() / f"i15-{name}-{role}-{language}.pdf"
            info.value.save_as(path)
            assert path.read_bytes().startswith(b"%PDF-")
