"""The Django admin is for platform staff, on the platform host only."""

from __future__ import annotations

from django_scopes import scopes_disabled

from conftest import client_for, make_user
from publishers.models import Publisher


def test_it_is_not_served_on_a_network_host(network, owner):
    assert client_for(network, owner).get("/admin/").status_code == 404


def test_it_turns_away_non_staff(network, owner):
    response = client_for(None, owner).get("/admin/")
    assert response["Location"].startswith("/admin/login/")


def test_it_shows_staff_every_networks_rows(network, other_network):
    staff = make_user("staff@platform.example")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    with scopes_disabled():
        for net in (network, other_network):
            Publisher.objects.create(
                network=net, name=f"Pub {net.slug}", website="https://x.example", country="US"
            )
    response = client_for(None, staff).get("/admin/publishers/publisher/")
    assert response.status_code == 200
    assert b"Pub alpha" in response.content and b"Pub beta" in response.content
