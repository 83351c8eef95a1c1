"""Helpers for API tests: a key for a member, a client that sends it on the network's host."""

from __future__ import annotations

from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from network.api_keys import api_key_create
from network.models import Network, User


def key_for(network: Network, user: User, name: str = "tests", scopes: tuple[str, ...] = ()) -> str:
    """A fresh raw API key of `user` in `network`, made as the key page makes it (after a
    recent authentication), with `scopes`."""
    with scopes_disabled():
        return api_key_create(
            network=network, user=user, name=name, scopes=scopes, recently_authenticated=True
        )[1]


def api_client(network: Network, key: str | None = None) -> APIClient:
    """A client on the network's host, sending `Authorization: Api-Key <key>` if given."""
    client = APIClient(HTTP_HOST=network.portal_host)
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client
