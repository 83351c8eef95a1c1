"""What the portal tells each user in the portal itself, and how each user wants to be told.

A notification belongs to one user in one network (a user of two networks has two inboxes);
it repeats, in the user's language, the subject of the email of the same event and links to
the page the event is about. One per recipient per event: the database refuses a second row
for the same (user, kind, object, occurrence), so a retried or redelivered task tells no one
twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Notification(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)  # notifications.kinds
    object_id = models.BigIntegerField()  # of the object the event is about
    occurrence = models.CharField(max_length=80)  # network.emails.Occurrence.key
    title = models.CharField(_("title"), max_length=300)
    path = models.CharField(max_length=500)  # the portal page it is about
    created_at = models.DateTimeField(default=now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user", "kind", "object_id", "occurrence"],
                name="notification_once_per_event",
            )
        ]
        indexes = [
            # The bell: a user's unread count; the page: a user's newest first.
            models.Index(
                fields=["network", "user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["network", "user", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one user wants one kind told in one network; no row: by email and in the portal."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(max_length=64)
    email = models.BooleanField(_("by email"), default=True)
    in_app = models.BooleanField(_("in the portal"), default=True)

    objects = ScopedManager(network="network")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user", "kind"], name="notification_preference_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: email {self.email}, in the portal {self.in_app}"
