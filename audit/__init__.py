"""The audit log: who changed what, when, from which state to which, and why.

Every state change goes through `audit.record()` inside the same transaction as the change, so
a change without its audit row cannot be committed. The rows are audit.models.AuditEntry; who
may read which is audit.log, how they read in words audit.text, then the pages (audit.views)
and the admins' API (audit.api_admin).

The app is a layer above the tenancy core (lib < network < audit < advertisers | publishers
...): it reads memberships and roles, and its pages use network's access rules and API
framework. So network's own services write through network.audit_hook, which
audit.apps.AuditConfig.ready points at record() below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from network import audit_hook

if TYPE_CHECKING:
    from audit.models import AuditEntry
    from network.models import Network, User


def record(
    *,
    network: Network,
    actor: User | None,
    action: str,
    obj: models.Model,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    actor_label: str = "",
) -> AuditEntry:
    from audit.models import AuditEntry  # the app's package loads before its models

    return AuditEntry.objects.create(
        network=network,
        actor=actor,
        actor_label=_label(actor, actor_label),
        action=action,
        object_type=object_type(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        from_state=from_state,
        to_state=to_state,
        reason=reason,
    )


def object_type(obj: models.Model) -> str:
    """What the log calls a model's rows: its label ("offers.offer"), or the `audit_type` a
    model moved to another app keeps, so that its history and filters stay as they were."""
    return getattr(obj, "audit_type", "") or obj._meta.label_lower


def _label(actor: User | None, given: str) -> str:
    label = given or (actor.email if actor else "system")
    via = audit_hook.acting_via_label()  # "API key 1a2b3c4d" while the API answers
    return (f"{label} via {via}" if via else label)[:200]


def audit_row(
    obj: Any, actor: User | None, *, action: str, network: Network | None = None, **fields: str
) -> AuditEntry:
    """The entry most services write after a change: about one tenant-owned row, in that row's
    own network, so that a service names only what is particular to it (`fields`: from_state,
    to_state, reason, actor_label, as record's). `network`: where the caller holds it already,
    so as not to load the row's again."""
    return record(
        network=network if network is not None else obj.network,
        actor=actor,
        action=action,
        obj=obj,
        **fields,
    )
