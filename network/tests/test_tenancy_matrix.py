"""Every URL of a network's portal against every role, in its own and in another network.

The patterns are enumerated from the urlconf, so a new view is covered without editing this
file; a view that declares neither its roles nor that it is public fails the test.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scopes_disabled

from conftest import client_for, make_member, make_world
from network.models import Invitation, Role

THIRD_PARTY_PREFIXES = ("allauth.",)  # account pages: global, not network data
API_PREFIX = "api/"  # the API has its own matrix: test_api_matrix.py
OBJECT_PARAMETER = re.compile(r"<(?:\w+:)?(?:\w+_id|key)>")  # names one object


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def portal_patterns():
    for route, pattern in walk(get_resolver("network.urls").url_patterns):
        if pattern.callback.__module__.startswith(THIRD_PARTY_PREFIXES):
            continue
        if route.startswith(API_PREFIX):
            continue
        yield route, pattern


def protected_patterns():
    return [(r, p) for r, p in portal_patterns() if hasattr(p.callback, "allowed_roles")]


def fill(route: str, objects: dict[str, object]) -> str:
    """The route with each `<conv:name>` replaced from the world: `<x>_id` -> world[x].pk."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        base = name.removesuffix("_id")
        assert base in objects or name in objects, (
            f"{route!r}: add an object for <{name}> to conftest.make_world()"
        )
        found = objects.get(name, objects.get(base))
        return str(getattr(found, "pk", found))

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


@pytest.fixture
def people(network, owner, manager, advertiser_user, publisher_user):
    return {
        Role.OWNER: owner,
        Role.MANAGER: manager,
        Role.ADVERTISER: advertiser_user,
        Role.PUBLISHER: publisher_user,
    }


@pytest.fixture
def other_objects(other_network):
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    return make_world(other_network, admin)


@pytest.fixture
def own_objects(network, people):
    return make_world(network, people[Role.OWNER])


def test_it_knows_who_may_open_every_portal_view():
    for route, pattern in portal_patterns():
        callback = pattern.callback
        declared = hasattr(callback, "allowed_roles") or getattr(callback, "public_page", False)
        assert declared, f"/{route} must use @role_required(...) or @public_page"


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_404_to_members_of_another_network(people, other_network, other_objects, method):
    for role, user in people.items():
        client = client_for(other_network, user)
        for route, _ in protected_patterns():
            path = fill(route, other_objects)
            response = getattr(client, method)(path)
            assert response.status_code == 404, f"{role} {method.upper()} {path} on beta"


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_403_to_roles_a_page_is_not_for(network, people, own_objects, method):
    checked = 0
    for route, pattern in protected_patterns():
        for role, user in people.items():
            if role in pattern.callback.allowed_roles:
                continue
            path = fill(route, own_objects)
            response = getattr(client_for(network, user), method)(path)
            assert response.status_code == 403, f"{role} {method.upper()} {path}"
            checked += 1
    assert checked > 10


def test_it_sends_anonymous_visitors_to_login(network, own_objects):
    for route, _ in protected_patterns():
        path = fill(route, own_objects)
        response = client_for(network).get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path


def test_it_hides_another_networks_objects_on_pages_the_role_may_open(
    network, people, other_objects
):
    """A member of alpha who names beta's object ids on alpha's host finds nothing."""
    checked = 0
    for route, pattern in protected_patterns():
        if not OBJECT_PARAMETER.search(route):
            continue  # nothing of beta's in the URL (a month, a file format: alpha's own)
        path = fill(route, other_objects)
        for role in pattern.callback.allowed_roles:
            client = client_for(network, people[role])
            assert client.get(path).status_code in (404, 405), f"{role} GET {path}"
            assert client.post(path).status_code == 404, f"{role} POST {path}"
            checked += 1
    assert checked >= 5
    with scopes_disabled():
        invitation = Invitation.objects.get(pk=other_objects["invitation"].pk)
        assert invitation.status == Invitation.Status.PENDING  # the POSTs changed nothing


def test_it_does_not_open_another_networks_invitation(network, owner, other_objects):
    response = client_for(network, owner).get(f"/invitations/{other_objects['key']}/")
    assert response.status_code == 404
    assert b"not valid" in response.content


def test_it_lets_each_role_open_its_own_pages(network, people, own_objects):
    for route, pattern in protected_patterns():
        for role in pattern.callback.allowed_roles:
            path = fill(route, own_objects)
            response = client_for(network, people[role]).get(path)
            assert response.status_code in (200, 405), f"{role} GET {path}"
