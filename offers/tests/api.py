"""Helpers for the offers API tests (the admins', the advertisers' and the publishers'): what
an answer holds, the audit entries of a row, a row as saved now."""

from __future__ import annotations

from django_scopes import scopes_disabled

from network.audit import AuditEntry
from publishers.models import Publisher


def fresh(obj):
    """The row as saved now."""
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


def audit_of(obj, action: str | None = None) -> list[AuditEntry]:
    """The audit entries about `obj` (of `action` only, if given), oldest first."""
    with scopes_disabled():
        entries = AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
        if action:
            entries = entries.filter(action=action)
        return list(entries.order_by("id"))


def error_of(response, status: int) -> dict:
    """The error of an answer that must be `status`: the API's one error shape."""
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    return body["error"]


def ids(response) -> list[int]:
    """The ids of a list's page, in order."""
    assert response.status_code == 200, response.content[:500]
    return [row["id"] for row in response.json()["results"]]


def via(user, key: str) -> str:
    """The actor label of an audit entry written through `key`."""
    return f"{user.email} via API key {key.split('_')[1]}"


def key_prefix(client) -> str:
    return client._credentials["HTTP_AUTHORIZATION"].split("_")[1]


def approved_publisher(network, name: str = "Second Media") -> Publisher:
    with scopes_disabled():
        return Publisher.objects.create(
            network=network,
            name=name,
            website="https://second.example",
            country="US",
            status=Publisher.Status.APPROVED,
        )
