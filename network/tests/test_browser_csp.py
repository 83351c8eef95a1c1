"""Pages that the Content-Security-Policy could break only in a real browser (the shared
fixtures fail a test on any 'Refused to ...' console message).

Creating a network POSTs on the platform host and redirects to the new network's host:
browsers hold that redirect to form-action, hence the platform's wider form-action.
The members filter submits on change through a static script (it was an inline onchange).
"""

from __future__ import annotations

import re

from conftest import make_user
from network.tests.browser import BROWSER_TEST, expect, sign_in

pytestmark = BROWSER_TEST


def test_a_new_network_opens_on_its_own_host(new_page, live_server):
    make_user("founder@example.com")
    port = live_server.url.rsplit(":", 1)[1]
    platform = f"http://localhost:{port}"

    page = new_page()
    sign_in(page, platform, "founder@example.com", next_path="/networks/new/")
    page.fill("#id_name", "Gamma Deals")
    page.fill("#id_slug", "gamma")
    page.get_by_role("button", name="Create network").click()

    expect(page).to_have_url(re.compile(rf"^http://gamma\.localhost:{port}/handoff/"))
    page.get_by_role("button", name="Continue to Gamma Deals as founder@example.com").click()
    # Signed in there through the hand-off: the network's own pages, not its login.
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Gamma Deals")


def test_the_members_filter_submits_on_change(new_page, portal, owner):
    page = new_page()
    sign_in(page, portal, owner.email, next_path="/manage/members/")
    page.select_option("select[name=role]", "owner")
    expect(page).to_have_url(re.compile(r"/manage/members/\?role=owner$"))


def test_the_api_documentation_renders_under_the_policy(new_page, portal):
    """Swagger UI from drf-spectacular-sidecar, our own static files, no inline code."""
    page = new_page()
    page.goto(f"{portal}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Affiliate network API")
    # The operations are drawn from the schema by the bundled script (a hundred of them).
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=20_000)
