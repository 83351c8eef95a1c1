"""Every URL of the portal and of the platform host refuses a POST without a CSRF token.

The patterns are enumerated from the urlconfs (network.urls, network.urls_platform, allauth's
and the Django admin's included), so a form added later is covered without editing this file,
and a view marked csrf_exempt fails here unless it is on the allowlist below with its reason.
The tracking endpoints are not in any urlconf: TrackingMiddleware answers them on the lean route
before CsrfViewMiddleware, by design (advertisers' servers post there without a session).
"""

from __future__ import annotations

import re

from django.test import Client
from django.urls import get_resolver
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from conftest import client_for, make_member, make_user, make_world
from network.models import Role
from network.tests.test_tenancy_matrix import people, walk  # noqa: F401  (people: a fixture)

# Views that may be csrf_exempt, each with the reason. Keep it short.
CSRF_EXEMPT_ALLOWED: dict[str, str] = {}
# DRF views are csrf_exempt for Django and enforce CSRF themselves for session users
# (SessionAuthentication); other authentications must read a header a browser never sends by
# itself (an API key), which a forged cross-site form cannot carry.
HEADER_AUTHENTICATIONS = {"network.api_auth.ApiKeyAuthentication"}
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
# Some routes are regexes (allauth's, the admin's): a named group becomes "1", anchors go.
REGEX_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")
REGEX_BITS = re.compile(r"\^|\$|\\")


def qualified_name(callback) -> str:
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return f"{view.__module__}.{view.__qualname__}"


def is_drf_view(callback) -> bool:
    cls = getattr(callback, "cls", None)
    return isinstance(cls, type) and issubclass(cls, APIView)


def drf_accepts_post(pattern) -> bool:
    """A viewset's route maps methods to actions; a plain APIView has a post() or not."""
    actions = getattr(pattern.callback, "actions", None)
    return "post" in actions if actions is not None else hasattr(pattern.callback.cls, "post")


def fill(route: str, objects: dict[str, object]) -> str:
    """`<x_id>` from the world (as the tenancy matrix does), anything else "1"."""

    def value(match: re.Match) -> str:
        converter, name = match.groups()
        found = objects.get(name, objects.get(name.removesuffix("_id"), 1))
        found = str(getattr(found, "pk", found))
        return found if converter != "int" or found.isdigit() else "1"

    return "/" + REGEX_BITS.sub("", PARAMETER.sub(value, REGEX_GROUP.sub("1", route)))


def is_csrf_failure(response) -> bool:
    # Django's failure page and DRF's "CSRF Failed: ..." both name it.
    return response.status_code == 403 and b"CSRF" in response.content


def post_without_token(client: Client, path: str):
    return client.post(path, {"anything": "1"})


def test_it_exempts_no_view_from_csrf_unless_allowed():
    checked = 0
    for urlconf in ("network.urls", "network.urls_platform"):
        for route, pattern in walk(get_resolver(urlconf).url_patterns):
            callback = pattern.callback
            name = qualified_name(callback)
            checked += 1
            if is_drf_view(callback):
                for auth in callback.cls.authentication_classes:
                    dotted = f"{auth.__module__}.{auth.__qualname__}"
                    assert issubclass(auth, SessionAuthentication) or (
                        dotted in HEADER_AUTHENTICATIONS
                    ), f"/{route}: {dotted} is neither CSRF-checked nor header-based"
                continue
            if getattr(callback, "csrf_exempt", False):
                assert name in CSRF_EXEMPT_ALLOWED, f"/{route} ({name}) is csrf_exempt"
    assert checked > 50


def test_it_refuses_a_tokenless_post_to_every_portal_url(network, people):  # noqa: F811
    world = make_world(network, people[Role.OWNER])
    clients = {}
    for role, user in people.items():
        clients[role] = client_for(network, user, enforce_csrf_checks=True)
    anonymous = Client(enforce_csrf_checks=True, HTTP_HOST=network.portal_host)
    checked = 0
    for route, pattern in walk(get_resolver("network.urls").url_patterns):
        path = fill(route, world)
        roles = getattr(pattern.callback, "allowed_roles", None)
        # Signed in as a role the view is for (a public or account page: anonymous and owner;
        # an API view: only a session can be forged cross-site, others answer 401).
        if roles:
            candidates = [clients[roles[0]]]
        elif is_drf_view(pattern.callback):
            session_auth = any(
                issubclass(auth, SessionAuthentication)
                for auth in pattern.callback.cls.authentication_classes
            )
            candidates = [clients[Role.OWNER]] if session_auth and drf_accepts_post(pattern) else []
        else:
            candidates = [anonymous, clients[Role.OWNER]]
        for client in candidates:
            response = post_without_token(client, path)
            assert is_csrf_failure(response), f"POST {path}: {response.status_code}"
            checked += 1
    assert checked > 60


def test_it_refuses_a_tokenless_post_to_every_platform_url(db):
    staff = make_user("staff@platform.example")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    signed_in = client_for(None, staff, enforce_csrf_checks=True)
    anonymous = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
    checked = 0
    for route, _pattern in walk(get_resolver("network.urls_platform").url_patterns):
        path = fill(route, {})
        for client in (anonymous, signed_in):
            response = post_without_token(client, path)
            assert is_csrf_failure(response), f"POST {path}: {response.status_code}"
            checked += 1
    assert checked > 40


def test_it_accepts_the_same_post_with_the_token(network):
    """The refusals above are about the token, not the client: with it, the form works."""
    user = make_member(network, Role.OWNER, "owner2@alpha.example")
    client = client_for(network, user, enforce_csrf_checks=True)
    page = client.get("/manage/invitations/new/")
    token = page.context["csrf_token"]
    response = client.post(
        "/language/", {"language": "vi", "next": "/", "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
