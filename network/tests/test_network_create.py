"""Creating a network on the platform host and landing on its own host, signed in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_member
from network.models import Membership, Network, Role

LOGIN = "/accounts/login/"


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

    landing = client_for(network)
    assert landing.get(f"{url.path}?{url.query}").status_code == 200  # the confirmation page
    response = landing.post(url.path, {"token": token_of(url)}, follow=True)
    assert response.redirect_chain[-1][0] == "/manage/"
    assert response.context["user"] == outsider


def token_of(url) -> str:
    return parse_qs(url.query)["token"][0]


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_it_asks_before_signing_in_from_a_handoff_link(outsider):
    """A GET only names the account: a link with someone else's token signs nobody in."""
    location = urlsplit(create(client_for(None, outsider), language="en")["Location"])
    network = Network.objects.get(slug="gamma")
    client = client_for(network)
    page = client.get(f"{location.path}?{location.query}")
    assert page.status_code == 200
    assert "Continue to Gamma Ads as outsider@example.com" in page.content.decode()
    assert signed_in_user_id(client) is None
    assert page["Cache-Control"].startswith("max-age=0")
    # The GET did not use the token up: the button still works.
    client.post(location.path, {"token": token_of(location)})
    assert signed_in_user_id(client) == str(outsider.pk)


def test_it_refuses_a_handoff_post_without_this_hosts_csrf_token(outsider):
    """Another site cannot post the form for the visitor (login CSRF)."""
    location = urlsplit(create(client_for(None, outsider))["Location"])
    network = Network.objects.get(slug="gamma")
    client = client_for(network, enforce_csrf_checks=True)
    response = client.post(location.path, {"token": token_of(location)})
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_it_accepts_a_handoff_link_only_once(outsider):
    location = urlsplit(create(client_for(None, outsider))["Location"])
    network = Network.objects.get(slug="gamma")
    first = client_for(network).post(location.path, {"token": token_of(location)})
    assert first["Location"] == "/"
    again = client_for(network)
    assert again.post(location.path, {"token": token_of(location)})["Location"] == LOGIN
    assert again.get(f"{location.path}?{location.query}")["Location"] == LOGIN
    assert signed_in_user_id(again) is None


def test_it_refuses_a_handoff_link_on_another_networks_host(outsider, other_network):
    location = urlsplit(create(client_for(None, outsider))["Location"])
    client = client_for(other_network)
    assert client.get(f"{location.path}?{location.query}")["Location"] == LOGIN
    assert client.post(location.path, {"token": token_of(location)})["Location"] == LOGIN
    assert signed_in_user_id(client) is None


def test_it_refuses_a_forged_handoff_token(network, owner):
    client = client_for(network)
    assert client.get("/handoff/?token=eyJ1IjoxfQ:forged:sig")["Location"] == LOGIN
    assert client.post("/handoff/", {"token": "eyJ1IjoxfQ:forged:sig"})["Location"] == LOGIN


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
