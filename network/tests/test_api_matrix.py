"""The tenancy and role matrix of the API, read off the URL patterns: every route and method
(list, detail, every write and every action) is tried
- without credentials -> 401;
- by a member of another network, signed in there and calling this network's host -> 404;
- by each role the viewset does not list for the action -> 403;
- for detail routes, by each role it lists, naming an object of another network -> 404.
A new endpoint joins the matrix by being routed; it cannot be forgotten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scopes_disabled

from conftest import make_member, make_world
from network.api_base import TenantViewSet
from network.models import Role
from network.tests.api import api_client, key_for
from payouts.tests.helpers import make_conversion
from webhooks.models import PostbackAttempt

pytestmark = pytest.mark.django_db
ROLES = (Role.OWNER, Role.MANAGER, Role.ADVERTISER, Role.PUBLISHER)
GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
MISSING_ID = "987654321"


@dataclass(frozen=True)
class Route:
    path: str  # with {name} where the URL takes a value
    method: str
    action: str
    viewset: type[TenantViewSet]

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def is_detail(self) -> bool:
        return "{pk}" in self.path

    def url(self, pk: object = MISSING_ID) -> str:
        return self.path.replace("{pk}", str(pk)).replace("{", "").replace("}", "")


def _text(pattern) -> str:
    regex = getattr(pattern.pattern, "regex", None)
    raw = getattr(pattern.pattern, "_route", None)
    if raw is not None:
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", raw)
    text = regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
    return GROUP.sub(lambda m: "{" + m.group(1) + "}", text)


def api_routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + _text(pattern))
            elif isinstance(pattern, URLPattern):
                viewset = getattr(pattern.callback, "cls", None)
                actions = getattr(pattern.callback, "actions", None)
                if viewset and actions and issubclass(viewset, TenantViewSet):
                    for method, action in actions.items():
                        found.append(Route("/" + prefix + _text(pattern), method, action, viewset))

    walk(get_resolver("network.urls").url_patterns, "")
    return [route for route in found if route.path.startswith("/api/v1/")]


ROUTES = api_routes()


def call(client, route: Route, pk: object = MISSING_ID):
    return getattr(client, route.method)(route.url(pk), {}, format="json")


def test_the_matrix_sees_the_api():
    assert len(ROUTES) >= 20, [str(r) for r in ROUTES]


def test_every_action_declares_its_roles():
    missing = [str(r) for r in ROUTES if not r.viewset.allowed_roles(r.action)]
    assert not missing


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_no_credentials_answers_401(route, network):
    assert call(api_client(network), route).status_code == 401


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_member_of_another_network_gets_404(route, network, other_network):
    from conftest import client_for

    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    assert call(client_for(network, stranger), route).status_code == 404
    # And their key, on this network's host, is no key at all here.
    assert call(api_client(network, key_for(other_network, stranger)), route).status_code == 401


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_roles_the_action_does_not_list_get_403(route, network):
    refused = [role for role in ROLES if role not in route.viewset.allowed_roles(route.action)]
    for role in refused:
        user = make_member(network, role, f"{role}-{route.action}@alpha.example")
        response = call(api_client(network, key_for(network, user)), route)
        assert response.status_code == 403, (role, response.content[:300])


def model_key(route: Route) -> str:
    """make_world's name for the model a route's objects are: `landing_page`, `offer`..."""
    view = route.viewset()
    view.action, view.request, view.format_kwarg = route.action, None, None
    model = view.get_serializer_class().Meta.model
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


DETAIL_ROUTES = [route for route in ROUTES if route.is_detail]


@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=str)
def test_an_object_of_another_network_is_not_found(route, network, other_network):
    other_owner = make_member(other_network, Role.OWNER, "owner@beta.example")
    world = make_world(other_network, other_owner)
    world["conversion"] = make_conversion(world)
    with scopes_disabled():
        world["postback_attempt"] = PostbackAttempt.objects.create(
            network=other_network,
            endpoint=world["postback_endpoint"],
            conversion=world["conversion"],
            event=PostbackAttempt.Event.CREATED,
            url="https://pub.example/pb?c=1",
        )
    target = world.get(model_key(route))
    if target is None:
        pytest.skip(f"make_world has no {model_key(route)}")
    make_world(network, make_member(network, Role.OWNER, "owner@alpha.example"))
    for role in route.viewset.allowed_roles(route.action):
        user = make_member(network, role, f"{role}-x@alpha.example")
        with scopes_disabled():
            response = call(api_client(network, key_for(network, user)), route, target.pk)
        assert response.status_code == 404, (role, response.content[:300])
