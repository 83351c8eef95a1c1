"""A session belongs to the host it was signed in on: one network's, or the platform's.

Django's test client keeps one cookie jar for every host, so it presents a cookie where a
browser would not: exactly what a leaked cookie does.
"""

from __future__ import annotations

from django_scopes import scopes_disabled

from conftest import PASSWORD, client_for, make_member
from network.models import Domain, Membership, Role
from tracking.tests.helpers import add_publisher

LOGIN = "/accounts/login/"
PAYMENT_DETAILS = "/publisher/payment-details/"


def also_publisher_in(network, user) -> None:
    publisher = add_publisher(network, "Both Media", website="https://both.example", country="US")
    with scopes_disabled():
        Membership.objects.create(
            network=network, user=user, role=Role.PUBLISHER, publisher=publisher
        )


def signed_in_on(network, email: str):
    """A client signed in through the login form on the network's host (None: platform)."""
    client = client_for(network)
    response = client.post(LOGIN, {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def on_host(client, network, path: str, **extra):
    host = network.portal_host if network is not None else "localhost"
    return client.get(path, HTTP_HOST=host, **extra)


def test_it_treats_a_session_from_another_network_as_anonymous(network, other_network):
    """The hole of issue 15: a session from beta read alpha's payment details."""
    user = make_member(other_network, Role.PUBLISHER, "both@example.com")
    also_publisher_in(network, user)
    client = signed_in_on(other_network, user.email)

    for path in [PAYMENT_DETAILS, "/account/api-keys/"]:
        response = on_host(client, network, path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{LOGIN}?next="), path
    assert on_host(client, network, "/api/v1/me/").status_code in (401, 403)

    # Still signed in on its own host: the foreign request did not sign it out.
    assert on_host(client, other_network, PAYMENT_DETAILS).status_code == 200


def test_it_treats_a_network_session_as_anonymous_on_the_platform_host(network, publisher_user):
    client = signed_in_on(network, publisher_user.email)
    response = on_host(client, None, "/networks/new/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    assert on_host(client, network, PAYMENT_DETAILS).status_code == 200


def test_it_treats_a_platform_session_as_anonymous_on_a_network_host(network, publisher_user):
    client = signed_in_on(None, publisher_user.email)
    assert on_host(client, None, "/networks/new/").status_code == 200
    response = on_host(client, network, PAYMENT_DETAILS)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def test_it_keeps_a_network_session_on_the_networks_custom_domain(network, publisher_user):
    """Bound to the network, not to one of its host names."""
    with scopes_disabled():
        Domain.objects.create(network=network, hostname="partners.alpha-ads.example")
    client = signed_in_on(network, publisher_user.email)
    response = client.get(PAYMENT_DETAILS, HTTP_HOST="partners.alpha-ads.example")
    assert response.status_code == 200


def test_it_treats_an_unbound_session_as_anonymous_everywhere(network, publisher_user):
    """A session from before the binding (force_login's, here) signs nobody in: fail closed."""
    client = client_for(network)
    client.force_login(publisher_user)
    assert on_host(client, network, PAYMENT_DETAILS).status_code == 302
    assert on_host(client, None, "/networks/new/").status_code == 302


def test_it_does_not_sign_out_a_session_from_another_host(network, other_network):
    user = make_member(other_network, Role.PUBLISHER, "both@example.com")
    also_publisher_in(network, user)
    client = signed_in_on(other_network, user.email)
    client.post("/accounts/logout/", HTTP_HOST=network.portal_host)
    assert on_host(client, other_network, PAYMENT_DETAILS).status_code == 200


def test_it_binds_a_handoff_sign_in_to_its_network(network, owner):
    """The platform's "Open" is the way across: the platform session stays the platform's."""
    platform = signed_in_on(None, owner.email)
    location = platform.get(f"/networks/{network.slug}/open/")["Location"]
    token = location.split("token=", 1)[1]
    landed = client_for(network)
    assert landed.post("/handoff/", {"token": token})["Location"] == "/", location
    assert on_host(landed, network, "/manage/").status_code == 200
    assert on_host(landed, None, "/networks/new/").status_code == 302
    assert on_host(platform, None, "/networks/new/").status_code == 200
