"""The audit log's rows (audit.record writes them).

The model moved here from network (issue 17) with its table: `network_auditentry`, its indexes
and its rows as they were (audit/migrations/0001_squashed.py makes it on a new database).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from lib.fields import optional_fk


class AuditEntry(models.Model):
    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = optional_fk(settings.AUTH_USER_MODEL, models.SET_NULL)
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
        db_table = "network_auditentry"
        ordering = ["-created_at", "-id"]
        indexes = [
            # Named as when the model was network's (the index is the same one).
            models.Index(
                fields=["network", "object_type", "object_id"],
                name="network_aud_network_04aac2_idx",
            ),
            # The audit pages: a network's entries newest first, paged (`ordering` above).
            models.Index(fields=["network", "created_at", "id"], name="audit_network_created"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_repr}"

    # In words, for the pages (audit.text names the codes the entry stores).
    @property
    def summary(self) -> str:
        """ "Status: Draft → Pending review" """
        from audit.text import summary

        return summary(self)

    @property
    def reason_shown(self) -> str:
        from audit.text import reason_label

        return reason_label(self)

    @property
    def actor_shown(self) -> str:
        from audit.text import actor_label

        return actor_label(self.actor_label)
