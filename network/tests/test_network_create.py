"""Creating a network on the platform host and landing on its own host, signed in."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_member
from network.audit import AuditEntry
from network.models import Membership, Network, Role


def create(client, **overrides):
    data = {
        "name": "Gamma Ads",
        "slug": "gamma",
        "currency": "VND",
        "timezone": "Asia/Ho_Chi_Minh",
        "language": "vi",
    }
    data.update(overrides)
    return client.post("/networks/new/", data)


def test_it_makes_the_creator_owner_and_signs_them_in_on_the_new_host(outsider):
    response = create(client_for(None, outsider))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert url.netloc == "gamma.localhost"
    assert url.path == "/handoff/"

    network = Network.objects.get(slug="gamma")
    assert (network.currency, network.timezone, network.language) == (
        "VND",
        "Asia/Ho_Chi_Minh",
        "vi",
    )
    with scope(network=network):
        assert Membership.objects.get(user=outsider).role == Role.OWNER
        assert AuditEntry.objects.filter(action="network.created").count() == 1

    landing = client_for(network).get(f"{url.path}?{url.query}", follow=True)
    assert landing.redirect_chain[-1][0] == "/manage/"
    assert landing.context["user"] == outsider


def test_it_accepts_a_handoff_link_only_once(outsider):
    location = urlsplit(create(client_for(None, outsider))["Location"])
    network = Network.objects.get(slug="gamma")
    first = client_for(network).get(f"{location.path}?{location.query}")
    assert first["Location"] == "/"
    again = client_for(network).get(f"{location.path}?{location.query}")
    assert again["Location"] == "/accounts/login/"


def test_it_refuses_a_handoff_link_on_another_networks_host(outsider, other_network):
    location = urlsplit(create(client_for(None, outsider))["Location"])
    response = client_for(other_network).get(f"{location.path}?{location.query}", follow=True)
    assert "_auth_user_id" not in response.client.session


def test_it_refuses_a_forged_handoff_token(network, owner):
    response = client_for(network).get("/handoff/?token=eyJ1IjoxfQ:forged:sig")
    assert response["Location"] == "/accounts/login/"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "www", "reserved"),
        ("slug", "Not A Slug!", "lowercase"),
        ("slug", "-edge", "lowercase"),
        ("name", "", "required"),
        ("currency", "XXX", "valid choice"),
        ("timezone", "Mars/Base", "valid choice"),
    ],
)
def test_it_explains_bad_input(outsider, field, value, message):
    response = create(client_for(None, outsider), **{field: value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Network.objects.filter(slug="gamma").exists()


def test_it_refuses_an_address_that_is_taken(outsider, network):
    response = create(client_for(None, outsider), slug=network.slug)
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors


def test_it_asks_anonymous_visitors_to_sign_in(db):
    response = client_for(None).get("/networks/new/")
    assert response["Location"].startswith("/accounts/login/")


def test_it_lists_only_the_users_own_networks_on_the_platform_host(network, other_network):
    user = make_member(network, Role.MANAGER, "multi@example.com")
    with scopes_disabled():
        Membership.objects.create(network=other_network, user=user, role=Role.OWNER)
    third = Network.objects.create(slug="delta", name="Delta Not Mine")
    response = client_for(None, user).get("/")
    names = [m.network.name for m in response.context["memberships"]]
    assert names == ["Alpha Network", "Beta Network"]
    assert third.name.encode() not in response.content


def test_it_opens_a_network_from_the_list_and_only_ones_own(network, other_network, owner):
    client = client_for(None, owner)
    assert urlsplit(client.get("/networks/alpha/open/")["Location"]).netloc == "alpha.localhost"
    assert client.get("/networks/beta/open/").status_code == 404
