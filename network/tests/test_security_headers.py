"""Security headers on portal pages (network hosts and the platform host); tracking responses
keep only what SecurityMiddleware sets, so the conversion pixel's iframe stays embeddable."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from conftest import PASSWORD, client_for, make_world
from network.models import Role
from network.tests.test_tenancy_matrix import fill, people, protected_patterns  # noqa: F401

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class InlineCode(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would refuse."""

    DATA_TYPES = ("application/json", "application/ld+json")

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        inline_script = tag == "script" and "src" not in attributes
        if inline_script and attributes.get("type") not in self.DATA_TYPES:
            self.found.append("<script> without src")
        for name, _value in attrs:
            if name == "style" or name.startswith(("on", "hx-on")):
                self.found.append(f"<{tag} {name}=...>")


def inline_code(html: bytes) -> list[str]:
    parser = InlineCode()
    parser.feed(html.decode())
    return parser.found


def assert_portal_headers(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_sets_the_policy_and_headers_on_network_pages(network, owner):
    response = client_for(network, owner).get("/manage/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY
    assert_portal_headers(response)


def test_it_lets_the_platforms_forms_lead_to_the_networks_hosts(db):
    """Creating a network POSTs on the platform host and redirects to the network's host;
    browsers hold that redirect to form-action, so our subdomains (only) are allowed there."""
    response = Client(HTTP_HOST="localhost").get("/accounts/login/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "form-action 'self' *.localhost:*;" in policy
    assert policy.replace(" *.localhost:*", "") == POLICY
    assert_portal_headers(response)


def test_it_sets_the_policy_on_error_pages_and_429(network):
    response = client_for(network).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Security-Policy"] == POLICY


def test_it_leaves_tracking_responses_embeddable(network):
    pixel = client_for(network).get("/aff_l?offer_id=1&format=iframe")
    assert "X-Frame-Options" not in pixel
    assert "Content-Security-Policy" not in pixel
    assert pixel["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware's: every response


def test_it_sends_hsts_only_over_https(network):
    client = client_for(network)
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")
    secure = client.get("/accounts/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_it_redirects_portal_pages_to_https_but_not_tracking_or_health(network, settings):
    settings.SECURE_SSL_REDIRECT = True  # the production default (off under pytest)
    client = client_for(network)
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://alpha.localhost/accounts/login/"
    assert client.get("/aff_c?offer_id=1&aff_id=1").status_code != 301
    assert client.post("/aff_lsr", {"transaction_id": "x"}).status_code != 301
    assert client.get("/healthz").status_code == 200


def test_it_sets_secure_httponly_lax_cookies(network, owner):
    client = client_for(network)
    page = client.get("/accounts/login/")
    csrf = page.cookies["csrftoken"]
    # No script reads it: htmx takes the token from the page.
    assert csrf["httponly"] and csrf["secure"] and csrf["samesite"] == "Lax"
    assert b'hx-headers=\'{"X-CSRFToken": "' in page.content
    signed_in = client.post("/accounts/login/", {"login": owner.email, "password": PASSWORD})
    session = signed_in.cookies["sessionid"]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"


def test_it_serves_pages_without_inline_script_or_style(network, people):  # noqa: F811
    """Every page each role opens (the tenancy matrix's walk), and the public ones, would
    work under the policy: no <script> without src, no style="", no on*="" handlers."""
    world = make_world(network, people[Role.OWNER])
    checked = 0
    for route, pattern in protected_patterns():
        role = pattern.callback.allowed_roles[0]
        path = fill(route, world)
        response = client_for(network, people[role]).get(path)
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        assert inline_code(response.content) == [], f"{role} GET {path}"
        checked += 1
    for host, path in [
        (network, "/accounts/login/"),
        (network, "/accounts/signup/"),
        (network, "/accounts/password/reset/"),
        (None, "/"),
    ]:
        response = client_for(host).get(path)
        assert response.status_code == 200, path
        assert inline_code(response.content) == [], path
    assert checked > 40


ACCOUNT_PAGES = ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_it_serves_account_pages_without_inline_code(network, owner, path):
    response = client_for(network, owner).get(path)
    assert response.status_code == 200
    assert inline_code(response.content) == []
