"""The pages of the currency-aware payout rules in a real browser (system Chromium driven by
Playwright), in English and Vietnamese, at 1366 and 390 px: the settings and minimums pages,
a publisher's review page, a payout run and one of its lines, and the publisher's
statements, dashboard and payment details. Each page is screenshotted (network/tests/
browser.py says where) and must not scroll sideways at either width; the minimums page is
used through its form.

The data: minimums of 500,000 VND and 15 KWD besides the network's 50.00 USD. The publisher
user's company is paid by PayPal; it was paid 60.00 USD in September, the sale was reversed
in October (a negative balance), and it earned 80,975 VND (below the minimum) and 49 KWD
(payable, but PayPal cannot pay KWD). Bank Bea has a KWD account and earned KWD and USD.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.utils import translation
from django_scopes import scope, scopes_disabled

from conftest import make_world, set_minimum
from lib.formats import format_money
from network.tests.browser import BROWSER_TEST, PASSWORD, expect, goto, sign_in
from network.tests.money import with_mfa
from payouts.runs import payout_lines_mark_paid, payout_run_approve, payout_run_create
from payouts.tests.helpers import (
    OCTOBER,
    RECENT,
    SEPTEMBER,
    decide,
    make_conversion,
    make_publisher,
    payment_details,
)
from publishers.models import PublisherMinimum

pytestmark = BROWSER_TEST

WIDTHS = (1366, 390)
WORDS = {
    "en": {
        "negative": "Negative balance: carried over",
        "unpayable": "PayPal cannot pay KWD: the publisher needs a bank account in it.",
        "minimums": "Minimum payouts",
        "saved": "Minimum payout in JPY saved.",
    },
    "vi": {
        "negative": "Số dư âm: chuyển sang kỳ sau",
        "unpayable": "PayPal không thể trả bằng KWD: nhà phát hành cần một tài khoản ngân hàng "
        "bằng loại tiền này.",
        "minimums": "Mức chi trả tối thiểu",
        "saved": "Đã lưu mức chi trả tối thiểu bằng JPY.",
    },
}


def approve(network, conversion, at, to_status="approved"):
    decide(network, conversion, to_status, at, "" if to_status == "approved" else "refund")


def earn(network, world, publisher, payout, currency, at):
    conversion = make_conversion(
        world, publisher=publisher, payout=payout, currency=currency, at=at
    )
    approve(network, conversion, at)
    return conversion


@pytest.fixture
def money_world(network, owner, publisher_user):
    world = make_world(network, owner, money=False)
    set_minimum(network, "VND", 500000)
    set_minimum(network, "KWD", 15)
    Authenticator.objects.create(user=owner, type=Authenticator.Type.TOTP, data={"secret": "x"})
    with scopes_disabled():
        own = publisher_user.memberships.get().publisher
        PublisherMinimum.objects.create(
            network=network, publisher=own, currency="KWD", amount=20000
        )
        bea = make_publisher(network, "Bank Bea")
    long_ago = datetime(2026, 8, 1, tzinfo=UTC)
    payment_details(own, long_ago, method="paypal", paypal_email="pay@alpha.example")
    bank = {"iban": "KW81CBKU0000000000001234560101", "swift": "CBKUKWKW", "currency": "KWD"}
    payment_details(bea, long_ago, method="bank", account_holder="Bea", **bank)
    sale = earn(network, world, own, "60.00", "USD", datetime(2026, 9, 10, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 10, 2, tzinfo=UTC), tick=False), scope(network=network):
        september = payout_run_create(network, SEPTEMBER)
        payout_run_approve(network, september.pk, actor=with_mfa(owner), proof=RECENT)
        lines = list(september.lines.values_list("pk", flat=True))
        payout_lines_mark_paid(
            network, september.pk, lines, reference="PP-9", actor=owner, proof=RECENT
        )
    in_october = datetime(2026, 10, 15, tzinfo=UTC)
    approve(network, sale, in_october, to_status="reversed")
    earn(network, world, own, "80975", "VND", in_october)
    earn(network, world, own, "49.000", "KWD", in_october)
    earn(network, world, bea, "49.000", "KWD", in_october)
    earn(network, world, bea, "20.00", "USD", in_october)
    with time_machine.travel(datetime(2026, 11, 2, tzinfo=UTC), tick=False), scope(network=network):
        october = payout_run_create(network, OCTOBER)
        line = october.lines.get(publisher=own, currency="KWD")
    return {"own": own, "run": october, "kwd_line": line}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def open_as(new_page, portal, user, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, portal, user.email)
    return page


def visit(page, portal, path, name, screenshot) -> str:
    goto(page, f"{portal}{path}")
    assert fits(page), f"{path} scrolls sideways at {page.viewport_size['width']} px"
    screenshot(page, name)
    return page.content().replace("&nbsp;", "\xa0")  # the DOM writes U+00A0 as an entity


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_currency_pages_in_a_browser(
    new_page, portal, screenshot, network, manager, publisher_user, money_world, language
):
    """As a manager (the owner has two-factor on, for the September run) and the publisher."""
    for user in (manager, publisher_user):
        user.language = language
        user.save(update_fields=["language"])
    words = WORDS[language]
    with translation.override(language):
        vnd_minimum = format_money(Decimal(500000), "VND")
        kwd_minimum = format_money(Decimal(15), "KWD")
        own_kwd = format_money(Decimal(20), "KWD")
    run, own, line = money_world["run"], money_world["own"], money_world["kwd_line"]
    for width in WIDTHS:
        tag = f"i15-currency-{language}-{width}"
        admin = open_as(new_page, portal, manager, width)
        visit(admin, portal, "/manage/settings/", f"{tag}-settings", screenshot)
        html = visit(admin, portal, "/manage/settings/minimums/", f"{tag}-minimums", screenshot)
        assert words["minimums"] in html and vnd_minimum in html and kwd_minimum in html
        if width == WIDTHS[0]:
            # A money control: two-factor on (turned on after this sign-in, which therefore
            # asked no code; off again for the next sign-in), then the password again, as
            # the sign-in is more than five minutes old.
            with scopes_disabled():
                with_mfa(manager)
            timeout = django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
            later = datetime.now(UTC) + timedelta(seconds=timeout + 1)
            with time_machine.travel(later, tick=True):
                admin.select_option("#id_currency", "JPY")
                admin.fill("#id_amount", "5000")
                admin.locator("main form button[type=submit]").last.click()
                expect(admin).to_have_url(re.compile(r"/accounts/reauthenticate/"))
                admin.locator("input[name=password]").fill(PASSWORD)
                admin.locator("main form button[type=submit]").first.click()
                expect(admin.locator("body")).to_contain_text(words["saved"])
            with scopes_disabled():
                Authenticator.objects.filter(user=manager).delete()
        html = visit(admin, portal, f"/manage/publishers/{own.pk}/", f"{tag}-review", screenshot)
        assert own_kwd in html and vnd_minimum in html
        html = visit(admin, portal, f"/manage/payouts/{run.pk}/", f"{tag}-run", screenshot)
        assert words["negative"] in html and words["unpayable"] in html
        html = visit(admin, portal, f"/manage/payouts/lines/{line.pk}/", f"{tag}-line", screenshot)
        assert words["unpayable"] in html

        publisher = open_as(new_page, portal, publisher_user, width)
        html = visit(publisher, portal, "/publisher/statements/", f"{tag}-statements", screenshot)
        assert words["negative"] in html and vnd_minimum in html
        visit(publisher, portal, "/publisher/statements/2026/10/", f"{tag}-statement", screenshot)
        visit(publisher, portal, "/publisher/", f"{tag}-dashboard", screenshot)
        visit(publisher, portal, "/publisher/payment-details/", f"{tag}-details", screenshot)
    with scopes_disabled():
        assert network.minimum_payout("JPY") == 5000
