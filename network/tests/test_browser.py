"""End to end in a real browser (system Chromium driven by Playwright) against the live server.

What a person does: sign in through the real login form, apply as a publisher (with a field
error on the way), and an owner reviewing the application. Skipped where Chromium or
Playwright is missing (the fixtures are in network/tests/browser.py). Saves a screenshot of
the admin home in BROWSER_SCREENSHOT_DIR, else var/screenshots/.
"""

from __future__ import annotations

from django_scopes import scopes_disabled

from conftest import make_user
from network.tests.browser import BROWSER_TEST, expect, field, sign_in
from publishers.models import Publisher
from publishers.services import publisher_apply

pytestmark = BROWSER_TEST


def test_a_new_user_applies_as_publisher_and_waits_for_review(new_page, portal):
    make_user("applicant@example.com")

    page = new_page()
    sign_in(page, portal, "applicant@example.com", next_path="/apply/")
    expect(page).to_have_url(f"{portal}/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to Alpha Network")

    page.fill("#id_name", "Applicant Media")
    page.fill("#id_website", "not a website")
    page.get_by_label("Search (SEO/SEM)").check()
    page.get_by_label("Content / blog").check()
    page.fill("#id_traffic_description", "A cooking blog with 40k monthly readers.")
    page.select_option("#id_country", "DE")
    page.get_by_role("button", name="Send application").click()

    # Back on the form: the error sits with the website field, everything else is kept.
    expect(page).to_have_url(f"{portal}/apply/")
    expect(field(page, "id_website").locator(".errorlist")).to_have_text("Enter a valid URL.")
    expect(page.locator("#id_website")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".errorlist")).to_have_count(1)
    expect(page.locator("#id_name")).to_have_value("Applicant Media")
    expect(page.locator("#id_website")).to_have_value("not a website")
    expect(page.get_by_label("Search (SEO/SEM)")).to_be_checked()
    expect(page.get_by_label("Content / blog")).to_be_checked()
    expect(page.get_by_label("Email", exact=True)).not_to_be_checked()
    expect(page.locator("#id_traffic_description")).to_have_value(
        "A cooking blog with 40k monthly readers."
    )
    expect(page.locator("#id_country")).to_have_value("DE")

    page.fill("#id_website", "https://applicant-media.example")
    page.get_by_role("button", name="Send application").click()

    expect(page).to_have_url(f"{portal}/publisher/")
    expect(page.locator(".messages")).to_contain_text("Your application is waiting for review")
    expect(page.get_by_text("Application status:")).to_contain_text("Pending review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Applicant Media")

    with scopes_disabled():
        publisher = Publisher.objects.get(name="Applicant Media")
    assert publisher.status == Publisher.Status.PENDING
    assert publisher.website == "https://applicant-media.example"
    assert publisher.traffic_sources == ["search", "content"]
    assert publisher.country == "DE"


def test_the_owner_rejects_without_reason_then_approves(
    new_page, portal, network, owner, screenshot
):
    applicant = make_user("applicant@example.com")
    with scopes_disabled():
        publisher = publisher_apply(
            network=network,
            user=applicant,
            name="Applicant Media",
            website="https://applicant-media.example",
            traffic_sources=["search"],
            traffic_description="",
            country="DE",
        )

    admin = new_page()
    sign_in(admin, portal, owner.email)
    expect(admin).to_have_url(f"{portal}/manage/")
    # The dashboard counts the applications and names the newest, linking to each review.
    applications = admin.locator(
        ".decisions li", has=admin.get_by_role("link", name="Publisher applications")
    )
    expect(applications.locator(".badge")).to_have_text("1")
    screenshot(admin, "browser-admin")
    admin.get_by_role("link", name="Applicant Media").click()

    expect(admin).to_have_url(f"{portal}/manage/publishers/{publisher.pk}/")
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Pending review")
    admin.get_by_label("Reject").check()
    admin.get_by_role("button", name="Save decision").click()

    expect(admin).to_have_url(f"{portal}/manage/publishers/{publisher.pk}/")
    expect(field(admin, "id_reason").locator(".errorlist")).to_have_text(
        "Give the applicant a reason for the rejection."
    )
    expect(admin.get_by_label("Reject")).to_be_checked()

    admin.get_by_label("Approve").check()
    admin.get_by_role("button", name="Save decision").click()
    expect(admin).to_have_url(f"{portal}/manage/publishers/")
    expect(admin.locator(".messages")).to_contain_text("Applicant Media: decision saved")

    applicant_page = new_page()
    sign_in(applicant_page, portal, "applicant@example.com")
    expect(applicant_page).to_have_url(f"{portal}/publisher/")
    # Approved: the publisher's dashboard instead of the application's status.
    expect(applicant_page.get_by_role("heading", level=1)).to_have_text("Applicant Media")
    expect(applicant_page.get_by_text("You run 0 offers")).to_be_visible()
