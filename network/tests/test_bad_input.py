"""No POST, however malformed, answers 500 on any portal page, for any role."""

from __future__ import annotations

import pytest

from conftest import client_for, make_world
from network.tests.test_tenancy_matrix import fill, portal_patterns

GARBAGE = [
    {},
    {"email": "x" * 5000, "role": "\x00", "decision": ["approve", "reject"]},
    {"name": "<script>alert(1)</script>", "website": "javascript:alert(1)", "country": "??"},
    {"traffic_sources": ["nope", ""], "company_name": "A" * 1000, "advertiser": "-1"},
    {"advertiser": "1 OR 1=1", "slug": "../../", "timezone": "\u202e", "currency": "€€€"},
]


@pytest.fixture
def people(owner, manager, advertiser_user, publisher_user, outsider):
    return [owner, manager, advertiser_user, publisher_user, outsider, None]


@pytest.mark.parametrize("data", GARBAGE)
def test_it_never_answers_500_to_a_malformed_post(network, owner, people, data):
    objects = make_world(network, owner)
    for route, _ in portal_patterns():
        path = fill(route, objects)
        for user in people:
            response = client_for(network, user).post(path, data)
            assert response.status_code < 500, f"{user} POST {path}"


def test_it_never_answers_500_to_malformed_platform_posts(outsider):
    for data in GARBAGE:
        response = client_for(None, outsider).post("/networks/new/", data)
        assert response.status_code == 200
        assert response.context["form"].errors


def test_it_answers_a_binary_body_with_a_clear_error(network, owner):
    response = client_for(network, owner).post(
        "/manage/invitations/new/", data=b"\xff\xfe\x00garbage", content_type="multipart/form-data"
    )
    assert 400 <= response.status_code < 500


JUNK_QUERIES = [
    "per_page=-1",
    "per_page=1000000000",
    "page=-5&sort=-nonexistent",
    "page=abc&status=%00&q=" + "x" * 3000,
    "sort=name&sort=&role=owner%00&country=ZZ&category=%ff",
]


def test_it_never_answers_500_to_a_junk_query_string(network, owner, people):
    from network.tests.test_tenancy_matrix import protected_patterns

    roles = {
        "owner": owner,
        "manager": people[1],
        "advertiser": people[2],
        "publisher": people[3],
    }
    objects = make_world(network, owner)
    for route, pattern in protected_patterns():
        path = fill(route, objects)
        for role in pattern.callback.allowed_roles:
            client = client_for(network, roles[role])
            for query in JUNK_QUERIES:
                response = client.get(f"{path}?{query}")
                assert response.status_code < 500, f"{role} GET {path}?{query}"
