"""The audit log: who changed what, when, from which state to which, and why.

Every state change goes through `record()` inside the same transaction as the change, so a
change without its audit row cannot be committed.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

if TYPE_CHECKING:
    from network.models import Network, User


class AuditEntry(models.Model):
    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who acted when it is not a person (an API key, the system job); kept after user deletion.
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    from_state = models.CharField(max_length=64, blank=True)
    to_state = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ScopedManager(network="network")

    class Meta:
        app_label = "network"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["network", "object_type", "object_id"]),
            # The audit pages: a network's entries newest first, paged (`ordering` above).
            models.Index(fields=["network", "created_at", "id"], name="audit_network_created"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_repr}"

    # In words, for the pages (network.audit_text names the codes the entry stores).
    @property
    def summary(self) -> str:
        """ "Status: Draft → Pending review" """
        from network.audit_text import summary

        return summary(self)

    @property
    def reason_shown(self) -> str:
        from network.audit_text import reason_label

        return reason_label(self)

    @property
    def actor_shown(self) -> str:
        from network.audit_text import actor_label

        return actor_label(self.actor_label)


# How the actor acted when not through the portal's pages, e.g. "API key 1a2b3c4d": set by
# the API for the length of a request, added to the actor label of every entry it writes.
_acting_via: ContextVar[str] = ContextVar("audit_acting_via", default="")


def acting_via(label: str) -> None:
    _acting_via.set(label)


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
    via = _acting_via.get()
    return (f"{label} via {via}" if via else label)[:200]
