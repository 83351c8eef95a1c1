"""The whole money journey in a real browser (system Chromium driven by Playwright), once in
English and once in Vietnamese.

1. An advertiser signs in through the login form, creates an offer (its default goal pays
   100 USD a sale) with a landing page, and submits it for review.
2. A publisher applies to the network; the owner approves the application, sets the
   publisher payout of the offer's goal (80 USD) and approves the offer.
3. The publisher starts running the (public) offer and reads the tracking link off its page.
4. A customer's browser follows the link: the click is recorded and the browser lands on
   the advertiser's shop (a small server on this machine) with the click id in the URL. The
   shop's server then reports the order with the postback URL and security token that the
   advertiser's integration page shows.
5. The advertiser approves the conversion on the conversions page (the Celery fraud check,
   in-process in tests, has flagged it: it came seconds after the click).
6. The owner turns on two-factor authentication (the secret read off allauth's page). Then
   the month ends: the clock moves to the next month, for the server and the test alike.
   Beat's monthly job makes the ended month's payout run (whoever starts a run may not
   approve it). The owner signs in with a TOTP code, opens the run, approves it (nothing
   more asked: the password and the code were entered moments ago) and marks the
   publisher's line paid with a reference.
7. The publisher's statement of the month shows the conversion and the payout as paid, with
   the reference.

In Vietnamese each person switches the language from the account menu right after their
first sign-in (it is saved on the account), and every text looked for is the one in the
project's catalogue (locale/vi/LC_MESSAGES): a string without a Vietnamese translation fails
the test. allauth's own pages (sign-in, two-factor, password again) have no Vietnamese
catalogue: the test fills their fields by name.

Screenshots of each role's home page and of the key pages (offer, conversions, payout run,
statement) are saved and their paths printed (network/tests/browser.py says where).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import translation
from django.utils.timezone import now

from conftest import PASSWORD, make_user
from lib.formats import format_amount, format_money, format_month
from lib.tests.http_server import ServerInThread
from network.tests.browser import (
    BROWSER_TEST,
    current_totp_code,
    expect,
    send_login_form,
    sign_in,
    wait_until_ready,
)
from payouts.runs import next_month
from payouts.tasks import monthly_payouts

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = BROWSER_TEST

OFFER = "Winter Boots"
PUBLISHER = "Applicant Media"
APPLICANT = "applicant@example.com"
ORDER = "ORDER-1001"
REFERENCE = "WIRE-2026-0001"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@dataclass
class Journey:
    """What every step needs: where the portal and the shop are, the language spoken, and
    the camera."""

    portal: str
    shop: str
    language: str
    shoot: Callable

    @property
    def landing_url(self) -> str:
        """The offer's landing page: the click id comes in the `click` parameter."""
        return self.shop + "/boots?click={transaction_id}"

    def tr(self, english: str, **values: object) -> str:
        """What the pages show for `english` in the journey's language, from the project's
        catalogue. In Vietnamese, a string the catalogue leaves in English fails the test."""
        with translation.override(self.language):
            text = str(translation.gettext(english))
        words = PLACEHOLDER.sub("", english)  # "%(a)s %(b)s." reads the same in any language
        assert self.language == "en" or text != english or not re.search(r"[a-z]", words), (
            f"no {self.language} text: {english!r}"
        )
        return text % values if values else text

    def amount(self, value: str) -> str:
        """A USD amount in a column headed by the currency: 80.00, or 80,00 in Vietnamese."""
        return format_amount(Decimal(value), "USD", locale=self.language)

    def money(self, value: str) -> str:
        """A USD amount with its currency: 80.00 USD, or 80,00 US$ in Vietnamese."""
        return format_money(Decimal(value), "USD", locale=self.language)

    def month(self, period: date) -> str:
        return format_month(period, locale=self.language)

    def picture(self, page: Page, name: str) -> None:
        self.shoot(page, f"journey-{name}-{self.language}")


# --- The advertiser's shop ------------------------------------------------------------------


class ShopPage(BaseHTTPRequestHandler):
    """The advertiser's landing page."""

    def do_GET(self) -> None:
        body = b"<!doctype html><title>Shop</title><h1>Winter Boots shop</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def shop() -> Iterator[str]:
    """The advertiser's site, on this machine: its base URL on shop.localhost, which Chromium
    maps to the loopback address as it does alpha.localhost. (A Playwright route cannot
    stand in for it: routes are not called for the target of a redirect.)"""
    server = ServerInThread(ShopPage)
    yield f"http://shop.localhost:{server.port}"
    server.close()


# --- Small moves every person makes ---------------------------------------------------------


def nav_link(page: Page, j: Journey, english: str):
    main_nav = page.get_by_role("navigation", name=j.tr("Main"))
    return main_nav.get_by_role("link", name=j.tr(english), exact=True)


def flash(page: Page):
    return page.locator(".messages")


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def speak_the_journeys_language(page: Page, j: Journey) -> None:
    """The language switch in the account menu."""
    if j.language == "en":
        return
    menu = page.locator("nav details.dropdown")
    menu.locator("summary").click()
    switch = menu.locator("form.language-switch")
    switch.locator("select[name=language]").select_option(j.language)
    switch.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", j.language)


def fill_and_send(page: Page, field: str, value: str) -> None:
    """On allauth's pages: fill the form's one field and press that form's submit button (a
    "Cancel" button beside it belongs to another form)."""
    form = page.locator("main form", has=page.locator(f"input[name={field}]"))
    form.locator(f"input[name={field}]").fill(value)
    form.locator("button[type=submit]:not([form])").click()


def sign_in_with_code(page: Page, j: Journey, email: str, secret: str) -> None:
    """The password, then allauth's two-factor step."""
    send_login_form(page, j.portal, email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    wait_until_ready(page)
    fill_and_send(page, "code", current_totp_code(secret))  # made right before it is typed
    expect(page).to_have_url(f"{j.portal}/manage/")
    wait_until_ready(page)


def confirm_password(page: Page) -> None:
    """allauth's re-authentication page: the password again."""
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    fill_and_send(page, "password", PASSWORD)


# --- 1. The advertiser's offer --------------------------------------------------------------


def signs_in(page: Page, j: Journey, email: str, home: str, name: str, picture: str) -> None:
    """Signs in, speaks the journey's language and lands on `home`, headed by `name`."""
    sign_in(page, j.portal, email)
    speak_the_journeys_language(page, j)
    expect(page).to_have_url(f"{j.portal}{home}")
    # The dashboards are being rewritten: only their heading (the company) is relied on.
    expect(heading(page)).to_contain_text(name)
    j.picture(page, picture)


def advertiser_signs_in(adv: Page, j: Journey, email: str) -> None:
    signs_in(adv, j, email, "/advertiser/", "Alpha Shop", "advertiser-home")


def advertiser_creates_offer(adv: Page, j: Journey) -> int:
    nav_link(adv, j, "Offers").click()
    adv.get_by_role("button", name=j.tr("Create offer")).click()  # a link styled as one
    expect(heading(adv)).to_have_text(j.tr("New offer"))
    adv.locator("#id_name").fill(OFFER)
    adv.locator("#id_category").select_option("ecommerce")
    adv.locator("#id_currency").select_option("USD")
    adv.locator("#id_visibility").select_option("public")
    adv.locator("#id_goal-revenue_type").select_option("cpa")
    adv.locator("#id_goal-revenue_amount").fill("100")
    adv.get_by_role("button", name=j.tr("Create offer")).click()

    expect(adv).to_have_url(re.compile(rf"{re.escape(j.portal)}/advertiser/offers/\d+/$"))
    expect(flash(adv)).to_contain_text(
        j.tr("Offer created as a draft. Add a landing page, then submit it.")
    )
    expect(heading(adv)).to_contain_text(j.tr("Draft"))
    return int(adv.url.rstrip("/").rsplit("/", 1)[1])


def advertiser_adds_landing_page(adv: Page, j: Journey, offer_id: int) -> None:
    adv.get_by_role("link", name=j.tr("Add a landing page")).click()
    adv.locator("#id_name").fill("Boots page")
    adv.locator("#id_url_template").fill(j.landing_url)
    adv.get_by_role("button", name=j.tr("Save"), exact=True).click()
    expect(adv).to_have_url(f"{j.portal}/advertiser/offers/{offer_id}/#landing-pages")
    expect(adv.locator("#landing-pages + .table-wrap table")).to_contain_text(j.landing_url)


def advertiser_submits(adv: Page, j: Journey) -> None:
    adv.get_by_role("button", name=j.tr("Submit for review")).click()
    expect(flash(adv)).to_contain_text(j.tr("Submitted: the network will review your offer."))
    expect(heading(adv)).to_contain_text(j.tr("Pending review"))
    j.picture(adv, "advertiser-offer")


# --- 2. The publisher's application and the owner's approvals --------------------------------


def publisher_applies(pub: Page, j: Journey) -> None:
    sign_in(pub, j.portal, APPLICANT)
    speak_the_journeys_language(pub, j)
    pub.goto(f"{j.portal}/apply/")
    expect(heading(pub)).to_have_text(j.tr("Apply to %(name)s", name="Alpha Network"))
    pub.locator("#id_name").fill(PUBLISHER)
    pub.locator("#id_website").fill("https://applicant-media.example")
    pub.locator("input[name=traffic_sources][value=search]").check()
    pub.locator("#id_country").select_option("DE")
    pub.get_by_role("button", name=j.tr("Send application")).click()
    expect(pub).to_have_url(f"{j.portal}/publisher/")
    expect(flash(pub)).to_contain_text(j.tr("Thank you! Your application is waiting for review."))


def owner_signs_in(admin: Page, j: Journey, email: str) -> None:
    signs_in(admin, j, email, "/manage/", "Alpha Network", "admin-home")


def owner_approves_publisher(admin: Page, j: Journey) -> None:
    nav_link(admin, j, "Publishers").click()
    admin.get_by_role("link", name=PUBLISHER).click()
    expect(heading(admin)).to_contain_text(j.tr("Pending review"))
    admin.get_by_label(j.tr("Approve"), exact=True).check()
    admin.get_by_role("button", name=j.tr("Save decision")).click()
    expect(flash(admin)).to_contain_text(
        j.tr("%(publisher)s: decision saved and emailed.", publisher=PUBLISHER)
    )


def owner_approves_offer(admin: Page, j: Journey, offer_id: int) -> None:
    nav_link(admin, j, "Offers").click()
    admin.get_by_role("link", name=OFFER).click()
    expect(admin).to_have_url(f"{j.portal}/manage/offers/{offer_id}/")
    expect(heading(admin)).to_contain_text(j.tr("Pending review"))
    # Suggested from the network's 20% margin: 100.00 - 20% (a form field: not localised).
    goal = admin.locator("article[id^=goal-]")
    expect(goal.locator("input[name$=payout_amount]")).to_have_value("80.00")
    goal.get_by_role("button", name=j.tr("Set payout")).click()
    expect(flash(admin)).to_contain_text(j.tr("Payout of “%(goal)s” saved.", goal="Sale"))
    admin.locator("#review").get_by_role("button", name=j.tr("Approve"), exact=True).click()
    expect(flash(admin)).to_contain_text(
        j.tr("Offer approved and live; the advertiser was emailed.")
    )
    expect(heading(admin)).to_contain_text(j.tr("Active"))


def owner_turns_on_two_factor(admin: Page, j: Journey) -> str:
    """From the account menu to allauth's pages; returns the authenticator's secret, read
    off the activation page as a person would type it into their app."""
    admin.locator("nav details.dropdown summary").click()
    admin.get_by_role("link", name=j.tr("Two-factor authentication")).click()
    admin.locator("main a[href$='/2fa/totp/activate/']").click()
    confirm_password(admin)  # allauth asks before changing how the account signs in
    secret = admin.locator("#authenticator_secret").input_value()
    fill_and_send(admin, "code", current_totp_code(secret))  # made right before it is typed
    expect(admin).not_to_have_url(re.compile(r"/2fa/totp/activate/"))
    return secret


# --- 3. The publisher's tracking link -------------------------------------------------------


def publisher_takes_tracking_link(pub: Page, j: Journey, offer_id: int) -> str:
    pub.reload()  # the home page, approved since
    wait_until_ready(pub)
    expect(heading(pub)).to_have_text(PUBLISHER)
    j.picture(pub, "publisher-home")
    nav_link(pub, j, "Offers").click()
    pub.get_by_role("link", name=OFFER).click()
    expect(pub).to_have_url(f"{j.portal}/publisher/offers/{offer_id}/")
    pub.get_by_role("button", name=j.tr("Run this offer")).click()
    expect(flash(pub)).to_contain_text(
        j.tr("You can run this offer now: your tracking link is below.")
    )
    expect(pub.locator("#access")).to_contain_text(j.tr("You are approved to run this offer."))
    link = pub.locator("#link-builder").get_by_label(j.tr("Tracking link")).input_value()
    assert link.startswith(f"{j.portal}/aff_c?offer_id={offer_id}&aff_id=")
    j.picture(pub, "publisher-offer")
    return link


# --- 4. A click and the advertiser's postback -----------------------------------------------


def customer_clicks(customer: Page, j: Journey, link: str) -> str:
    """Follows the tracking link to the landing page; returns the click id it carries."""
    customer.goto(link)
    expect(customer).to_have_url(re.compile(rf"^{re.escape(j.shop)}/boots\?click=\w+$"))
    expect(customer.locator("h1")).to_have_text("Winter Boots shop")
    return parse_qs(urlsplit(customer.url).query)["click"][0]


def postback_url_from_integration_page(adv: Page, j: Journey) -> str:
    """The postback the advertiser's integration page tells them to call, with their token."""
    nav_link(adv, j, "Integration").click()
    expect(heading(adv)).to_have_text(j.tr("Report conversions"))
    template = adv.locator("pre code", has_text="/aff_lsr?").inner_text()
    assert template.startswith(f"{j.portal}/aff_lsr?transaction_id=CLICK_ID&")
    token = parse_qs(urlsplit(template).query)["security_token"][0]
    assert len(token) >= 20
    # The token is also shown on its own, for servers that send it in a POST body.
    expect(adv.locator("main p code").filter(has_text=re.compile(f"^{token}$"))).to_be_visible()
    return template


def shop_reports_order(server: Page, template: str, click_id: str) -> int:
    """The shop's server calls the postback as the page says; the answer, in the HasOffers
    style, is `success=true; conversion_id=...;`. Returns the conversion id."""
    url = (
        template.replace("CLICK_ID", click_id)
        .replace("ORDER_TOTAL", "249.00")
        .replace("ORDER_ID", ORDER)
    )
    server.goto(url)
    answer = server.locator("body")
    expect(answer).to_contain_text("success=true")
    return int(re.search(r"conversion_id=(\d+)", answer.inner_text()).group(1))


# --- 5. The advertiser approves the conversion -----------------------------------------------


def one_conversion(j: Journey) -> str:
    with translation.override(j.language):
        return translation.ngettext("%(count)d conversion", "%(count)d conversions", 1) % {
            "count": 1
        }


def advertiser_approves_conversion(adv: Page, j: Journey, conversion_id: int) -> None:
    nav_link(adv, j, "Conversions").click()
    expect(heading(adv)).to_have_text(j.tr("Conversions"))
    row = adv.get_by_role("row", name=re.compile(ORDER))
    expect(row).to_contain_text(j.tr("Pending"))
    # The fraud check ran (a Celery task, in-process here): the postback came seconds after
    # the click, which it flags for a person to look at; the advertiser approves it anyway.
    expect(row).to_contain_text(j.tr("fast conversion"))
    expect(row).not_to_contain_text("fast_conversion")  # the reason in words, not its code
    row.get_by_label(j.tr("Select conversion %(id)s", id=conversion_id)).check()
    adv.get_by_role("button", name=j.tr("Approve selected")).click()
    approved = j.tr(
        "%(conversions)s %(done)s%(how)s.",
        conversions=one_conversion(j),
        done=j.tr("approved"),
        how="",
    )
    expect(flash(adv)).to_contain_text(approved)
    expect(adv.get_by_role("row", name=re.compile(ORDER))).to_contain_text(j.tr("Approved"))
    j.picture(adv, "advertiser-conversions")


# --- 6. The month's payout run ---------------------------------------------------------------


def owner_opens_run(admin: Page, j: Journey, month: date) -> None:
    """The run made by the monthly job: started by no one, so the owner may approve it."""
    nav_link(admin, j, "Payouts").click()
    expect(heading(admin)).to_have_text(j.tr("Payout runs"))
    admin.get_by_role("link", name=j.month(month)).click()
    expect(heading(admin)).to_contain_text(j.tr("Payouts for %(period)s", period=j.month(month)))
    expect(heading(admin)).to_contain_text(j.tr("Ready for review"))
    line = admin.get_by_role("row", name=re.compile(PUBLISHER))
    expect(line).to_contain_text(j.amount("80"))
    expect(line).to_contain_text(j.tr("To pay"))


def owner_approves_run(admin: Page, j: Journey, email: str) -> None:
    run_page = admin.url
    # Money leaves: two-factor on, and the password entered in the last five minutes (the
    # sign-in with password and code a moment ago counts: nothing more is asked).
    admin.get_by_role("button", name=j.tr("Approve these payouts")).click()
    expect(admin).to_have_url(run_page)
    expect(heading(admin)).to_contain_text(j.tr("Approved"))
    expect(admin.locator("#approval")).to_contain_text(email)


def owner_marks_line_paid(admin: Page, j: Journey) -> None:
    line = admin.get_by_role("row", name=re.compile(PUBLISHER))
    line.locator("input[name=selected]").check()
    admin.get_by_label(j.tr("Payment reference")).fill(REFERENCE)
    admin.get_by_role("button", name=j.tr("Mark selected paid")).click()
    line = admin.get_by_role("row", name=re.compile(PUBLISHER))
    expect(line).to_contain_text(REFERENCE)
    expect(line).to_contain_text(j.tr("Paid"))
    expect(heading(admin)).to_contain_text(j.tr("Paid"))  # the run: every line is paid
    j.picture(admin, "payout-run")


# --- 7. The publisher's statement ------------------------------------------------------------


def publisher_reads_paid_statement(pub: Page, j: Journey, month: date) -> None:
    sign_in(pub, j.portal, APPLICANT)
    nav_link(pub, j, "Statements").click()
    expect(heading(pub)).to_have_text(j.tr("Statements"))
    listed = pub.get_by_role("row", name=re.compile(j.month(month)))
    expect(listed).to_contain_text(j.tr("Paid"))
    listed.get_by_role("link", name=j.month(month)).click()

    expect(heading(pub)).to_have_text(j.tr("Statement %(period)s", period=j.month(month)))
    by_status = pub.locator("section", has=pub.locator("#totals-title")).locator("tbody tr")
    expect(by_status).to_have_count(1)  # the conversion is paid, nothing else
    expect(by_status.locator(".badge")).to_have_text(j.tr("Paid"))
    expect(by_status).to_contain_text(j.money("80"))
    payout = pub.locator("section", has=pub.locator("#payouts-title")).locator("tbody tr")
    expect(payout.locator(".badge")).to_have_text(j.tr("Paid"))
    expect(payout).to_contain_text(REFERENCE)
    expect(payout).to_contain_text(j.money("80"))
    conversion = pub.get_by_role("row", name=re.compile(ORDER))
    expect(conversion.locator(".badge")).to_have_text(j.tr("Paid"))
    j.picture(pub, "publisher-statement")


# --- The journey -----------------------------------------------------------------------------


def two_days_into_next_month(today: date) -> datetime:
    """A moment when `today`'s month has ended (UTC: the network's time zone)."""
    return datetime.combine(next_month(today), datetime.min.time(), tzinfo=UTC) + timedelta(2)


@pytest.mark.parametrize("language", ["en", "vi", "fa"])
def test_an_offer_from_creation_to_a_paid_statement(
    language, new_page, portal, shop, settings, network, owner, advertiser_user, screenshot
):
    # Tracking links and the postback URL on the live server's own scheme and port, so what
    # the pages show is what a browser here can follow.
    settings.PLATFORM_SCHEME = "http"
    settings.PLATFORM_PORT = portal.rsplit(":", 1)[1]
    make_user(APPLICANT)
    j = Journey(portal=portal, shop=shop, language=language, shoot=screenshot)

    adv = new_page()
    advertiser_signs_in(adv, j, advertiser_user.email)
    offer_id = advertiser_creates_offer(adv, j)
    advertiser_adds_landing_page(adv, j, offer_id)
    advertiser_submits(adv, j)

    pub = new_page()
    publisher_applies(pub, j)

    admin = new_page()
    owner_signs_in(admin, j, owner.email)
    owner_approves_publisher(admin, j)
    owner_approves_offer(admin, j, offer_id)
    secret = owner_turns_on_two_factor(admin, j)

    link = publisher_takes_tracking_link(pub, j, offer_id)
    click_id = customer_clicks(new_page(), j, link)
    template = postback_url_from_integration_page(adv, j)
    conversion_id = shop_reports_order(new_page(), template, click_id)
    advertiser_approves_conversion(adv, j, conversion_id)

    # The month ends. Runs are made only for months that have ended, so the clock moves for
    # the server and the test alike (and keeps ticking: sessions, TOTP and timeouts work as
    # usual). The owner and the publisher sign in again, days later.
    this_month = now().date().replace(day=1)
    with time_machine.travel(two_days_into_next_month(this_month), tick=True):
        admin = new_page()
        monthly_payouts(network_id=network.pk)  # beat's job, as on the 1st of the month
        sign_in_with_code(admin, j, owner.email, secret)
        owner_opens_run(admin, j, this_month)
        owner_approves_run(admin, j, owner.email)
        owner_marks_line_paid(admin, j)
        publisher_reads_paid_statement(new_page(), j, this_month)
