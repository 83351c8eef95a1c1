"""Which refusal an API call gets when several apply, and that each is the API's JSON error.

The order: credentials (401), then the caller's role (403), then the method (405), and only
then the body (CSRF, parsing, Idempotency-Key). A URL under /api/ that no route matches (an
unknown path, an id not of the route's form) answers 404 in the same JSON format, never the
portal's HTML page. Schemathesis found each of these (issue 15, section 8).
"""

from __future__ import annotations

import pytest

from conftest import make_member, make_world
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
