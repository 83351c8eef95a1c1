"""Helpers of commissions' tests."""

from __future__ import annotations

from django_scopes import scopes_disabled

from network.audit import AuditEntry, object_type


def audit_of(obj, action: str | None = None) -> list[AuditEntry]:
    """network.tests.api.audit_of for these models, whose rows keep offers' object type
    (`offers.payouttier`: their audit_type, network.audit.object_type)."""
    with scopes_disabled():
        entries = AuditEntry.objects.filter(object_type=object_type(obj), object_id=str(obj.pk))
        if action:
            entries = entries.filter(action=action)
        return list(entries.order_by("id"))
