"""Which refusal an API call gets when several apply, and that each is the API's JSON error.

The order: credentials (401), then the caller's role (403), then the method (405), and only
then the body (CSRF, parsing, Idempotency-Key). A URL under /api/ that no route matches (an
unknown path, an id not of the route's form) answers 404 in the same JSON format, never the
portal's HTML page. Schemathesis found each of these (issue 15, section 8).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from conftest import client_for, make_member, make_world
from network.idempotency import IdempotencyRecord
from network.models import Role
from network.tests.api import api_client, key_for

pytestmark = pytest.mark.django_db
NOT_FOUND = {"error": {"status": 404, "code": "not_found", "message": "Not found.", "fields": {}}}


@pytest.fixture
def world(network, owner):
    return make_world(network, owner)


def client_of(network, role: Role):
    user = make_member(network, role, f"{role}-order@alpha.example")
    return api_client(network, key_for(network, user))


def error_of(response) -> dict:
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response.json()["error"]


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.ADVERTISER])
@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE", "TRACE"])
def test_a_member_who_is_not_a_publisher_gets_403_for_any_method_of_a_publisher_route(
    network, world, role, method
):
    # These read `membership.publisher` (None here) and answered 500 before the role check.
    client = client_of(network, role)
    for path in (f"/api/v1/publisher/offers/{world['offer'].pk}/", "/api/v1/publisher/offers/"):
        response = client.generic(method, path)
        assert response.status_code == 403, (path, response.content[:200])
        assert error_of(response)["code"] == "permission_denied"


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE", "TRACE"])
def test_a_publisher_gets_405_for_a_method_the_route_lacks(network, world, method):
    client = client_of(network, Role.PUBLISHER)
    response = client.generic(method, f"/api/v1/publisher/offers/{world['offer'].pk}/")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/admin/caps/0.5/",  # an id not of the route's form
        "/api/v1/admin/caps/1/nothing/",
        "/api/v1/nothing/",
        "/api/v2/me/",
        "/api/",
    ],
)
def test_an_api_url_no_route_matches_answers_the_json_404(network, path):
    for client in (client_of(network, Role.OWNER), api_client(network)):
        response = client.get(path)
        assert response.status_code == 404
        assert error_of(response) == NOT_FOUND["error"]


def test_a_portal_url_no_route_matches_still_answers_the_page(network):
    response = api_client(network).get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def signed_in_browser(network, role: Role) -> Client:
    """A browser's session with its CSRF cookie and header, as the portal's pages send."""
    member = make_member(network, role, f"{role}-browser@alpha.example")
    browser = client_for(network, member, enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = "t" * 32
    browser.defaults["HTTP_X_CSRFTOKEN"] = "t" * 32
    return browser


def test_a_post_to_me_answers_405_before_its_body_is_read(network):
    # The session's CSRF check read a text body first and answered 415.
    for client in (signed_in_browser(network, Role.PUBLISHER), client_of(network, Role.OWNER)):
        response = client.post("/api/v1/me/", "not json", content_type="text/plain")
        assert response.status_code == 405, response.content[:200]
        assert error_of(response)["code"] == "method_not_allowed"


def test_a_session_is_still_csrf_checked_where_the_route_has_the_method(network):
    browser = signed_in_browser(network, Role.PUBLISHER)
    del browser.defaults["HTTP_X_CSRFTOKEN"]
    response = browser.post("/api/v1/publisher/tracking-links/", {}, "application/json")
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


def test_a_session_of_another_role_gets_403_before_405(network, world):
    browser = signed_in_browser(network, Role.OWNER)
    response = browser.patch(f"/api/v1/publisher/offers/{world['offer'].pk}/", "x", "text/plain")
    assert response.status_code == 403


def test_a_post_the_route_lacks_claims_no_idempotency_key_and_reads_no_body(network, world):
    # The key was claimed (and a malformed body parsed: 400) before the 405.
    client = client_of(network, Role.PUBLISHER)
    response = client.post(
        f"/api/v1/publisher/offers/{world['offer'].pk}/",
        "--no-boundary--",
        content_type="multipart/form-data",
        HTTP_IDEMPOTENCY_KEY="retry-1",
    )
    assert response.status_code == 405, response.content[:200]
    with scopes_disabled():
        assert not IdempotencyRecord.objects.exists()
