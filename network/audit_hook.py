"""How the tenancy core writes to the audit log, an app a layer above it.

The audit log (`audit`) reads memberships and roles, and its pages use network's access rules
and API framework, so network never imports it. network's services call `record(...)` here
with audit.record's arguments; the audit app points it at audit.record when it loads
(audit.apps.AuditConfig.ready). It runs at once, in the caller's transaction. Without the
audit app, a change fails rather than go unrecorded.

Who acts through the API is kept here too: network.api_base names the request's API key
(`acting_via`), and audit.record adds it to the actor label of every entry it writes then.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ImproperlyConfigured

Recorder = Callable[..., object]

_recorder: Recorder | None = None
_acting_via: ContextVar[str] = ContextVar("audit_acting_via", default="")


def install(recorder: Recorder) -> None:
    global _recorder
    _recorder = recorder


def record(**entry: object) -> None:
    """audit.record(network=, actor=, action=, obj=, from_state=, to_state=, reason=)."""
    if _recorder is None:
        raise ImproperlyConfigured("The audit app is not installed: nothing would be recorded.")
    _recorder(**entry)


def record_row(
    obj: Any, actor: object, *, action: str, network: object = None, **fields: str
) -> None:
    """The entry about one row, as audit.audit_row writes it, for network's own services: in
    the row's network (`network`: where the caller holds it already), or the network itself."""
    if network is None:
        network = obj if obj._meta.label == "network.Network" else obj.network
    record(network=network, actor=actor, action=action, obj=obj, **fields)


def acting_via(label: str) -> None:
    """How the actor acts from now on in this context ("API key 1a2b3c4d"; "" ends it)."""
    _acting_via.set(label)


def acting_via_label() -> str:
    return _acting_via.get()
