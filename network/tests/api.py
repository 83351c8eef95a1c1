"""Helpers for API tests: a key for a member, a client that sends it on the network's host, and
what an answer holds (its error, the ids of its page), who may read a role's list, the audit
entries of a row, a row as saved now."""

from __future__ import annotations

from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from audit import object_type
from audit.models import AuditEntry
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


def error_of(response, status: int) -> dict:
    """The error of an answer that must be `status`: the API's one error shape."""
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    return body["error"]


def ok(response) -> dict:
    """The body of an answer that must be 200."""
    assert response.status_code == 200, response.content[:500]
    return response.json()


def ids(response) -> list[int]:
    """The ids of a list's page, in order."""
    return [row["id"] for row in ok(response)["results"]]


def assert_only_the_role_lists(
    network: Network, other_network: Network, url: str, member: User, others=()
) -> None:
    """`member`'s key reads the list at `url`; no key is 401, the keys of `others` (members of
    other roles) are 403, and `member`'s key on another network's host is no key there (401)."""
    key = key_for(network, member)
    assert api_client(network, key).get(url).status_code == 200
    assert error_of(api_client(network).get(url), 401)
    for other in others:
        client = api_client(network, key_for(network, other))
        assert error_of(client.get(url), 403)["code"] == "permission_denied"
    assert error_of(api_client(other_network, key).get(url), 401)


def via(user: User, key: str) -> str:
    """The actor label of an audit entry written through `key`."""
    return f"{user.email} via API key {key.split('_')[1]}"


def key_prefix(client: APIClient) -> str:
    """The prefix of the key `client` sends (what audit entries name)."""
    return client._credentials["HTTP_AUTHORIZATION"].split("_")[1]


def fresh(obj):
    """The row as saved now."""
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


def audit_of(obj, action: str | None = None) -> list[AuditEntry]:
    """The audit entries about `obj` (of `action` only, if given), oldest first."""
    with scopes_disabled():
        entries = AuditEntry.objects.filter(object_type=object_type(obj), object_id=str(obj.pk))
        if action:
            entries = entries.filter(action=action)
        return list(entries.order_by("id"))
