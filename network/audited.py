"""The audit entry most services write after a change: about one tenant-owned row, in that
row's own network (network.audit.record, with the network and the object taken from the row),
so that a service names only what is particular to it: the action, the states, the reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from network import audit

if TYPE_CHECKING:
    from network.audit import AuditEntry
    from network.models import Network, User


def audit_row(
    obj: Any, actor: User | None, action: str, *, network: Network | None = None, **fields: str
) -> AuditEntry:
    """`fields`: from_state, to_state, reason, actor_label (audit.record's). `network`: where
    the caller holds it already, so as not to load the row's again."""
    return audit.record(
        network=network if network is not None else obj.network,
        actor=actor,
        action=action,
        obj=obj,
        **fields,
    )
