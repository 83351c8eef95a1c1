"""The shape both kinds of outbound delivery share (abstract models): an endpoint that counts
its failures in a row, a delivery row that is the outbox of one call owed, and the log of the
calls. Publisher postbacks (webhooks.postbacks) and webhooks (webhooks.models) subclass them,
each keeping its own tables."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class OutboundEndpoint(models.Model):
    """A URL we call; turned off by the failure that makes too many in a row (engine)."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Set when the endpoint was turned off for failing, empty when a person turned it off.
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(network="network")

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    @property
    def state(self) -> str:
        """active, failing (turned off after too many failures) or off (by a person)."""
        if self.is_active:
            return "active"
        return "failing" if self.disabled_at else "off"

    # What switch() changes, for save(update_fields=...).
    SWITCH_FIELDS = ("is_active", "consecutive_failures", "disabled_at")

    def switch(self, active: bool) -> None:
        """A person turning it on (with a clean failure count) or off: either way it is no
        longer "failing" (disabled_at is only the failures' mark)."""
        self.is_active = active
        if active:
            self.consecutive_failures = 0
        self.disabled_at = None


class OutboundDelivery(models.Model):
    """One call owed to an endpoint, tried until a 2xx or until the attempts run out.

    Written in the transaction of the change that owes it, so it exists exactly when the
    change does; each attempt first claims it (engine.claim), so nothing is called twice."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When the next call is due (pending; a claimed call moves it a lease ahead), else empty.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(network="network")

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


def due_index(name: str) -> models.Index:
    """The retry sweep's index of a delivery table: only pending deliveries are in it."""
    return models.Index(fields=["next_attempt_at"], condition=models.Q(state="pending"), name=name)


class CallLog(models.Model):
    """One HTTP call (or its refusal): what the endpoint answered, or what went wrong."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    attempt_number = models.PositiveSmallIntegerField(default=1)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(network="network")

    class Meta:
        abstract = True

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
