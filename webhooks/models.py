"""Outgoing webhooks: the endpoints a network's owners and managers register, one delivery per
event and endpoint (its event id is the receiver's idempotency key), and one attempt row per
HTTP call of a delivery; their shape is the one of webhooks.delivery.base. The publisher
postbacks' models (webhooks.postbacks) are imported at the end so that Django finds them.

Saving or deleting an endpoint forgets this process's cached "who subscribes to what"
(webhooks.events), so a change made here is seen at once here and within seconds elsewhere.
"""

from __future__ import annotations

import secrets

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from webhooks.delivery.base import CallLog, OutboundDelivery, OutboundEndpoint, due_index


class Event(models.TextChoices):
    CONVERSION_CREATED = "conversion.created", _("Conversion created")
    CONVERSION_STATUS_CHANGED = "conversion.status_changed", _("Conversion status changed")
    PUBLISHER_APPLIED = "publisher.applied", _("Publisher applied")
    PAYOUT_RUN_APPROVED = "payout_run.approved", _("Payout run approved")
    PAYOUT_LINE_PAID = "payout_line.paid", _("Payout line paid")
    PING = "ping", _("Test (ping)")


# What an endpoint may subscribe to (a ping is only ever sent by the test button).
SUBSCRIBABLE = [(value, label) for value, label in Event.choices if value != Event.PING]
SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def new_event_id() -> str:
    return "evt_" + secrets.token_hex(16)


class WebhookEndpoint(OutboundEndpoint):
    url = models.CharField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list, blank=True)
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(OutboundEndpoint.Meta):
        pass

    def __str__(self) -> str:
        return f"Webhook {self.url}"[:200]

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookDelivery(OutboundDelivery):
    """One event sent to one endpoint: tried until a 2xx or until the attempts run out."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    event_id = models.CharField(max_length=40, unique=True, default=new_event_id)
    payload = models.JSONField()
    # The last attempt's outcome (`attempts` is its number; each is also a WebhookAttempt row).
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta(OutboundDelivery.Meta):
        indexes = [
            models.Index(fields=["network", "created_at"]),
            models.Index(fields=["network", "endpoint", "created_at"]),
            due_index("webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"

    @property
    def ok(self) -> bool:
        return self.state == self.State.DELIVERED


class WebhookAttempt(CallLog):
    """One call of a delivery: what the endpoint answered, and the start of its body."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    response_excerpt = models.TextField(blank=True)

    class Meta(CallLog.Meta):
        ordering = ["attempt_number", "id"]

    def __str__(self) -> str:
        return f"attempt {self.attempt_number} of {self.delivery_id}"


@receiver(post_save, sender=WebhookEndpoint)
@receiver(post_delete, sender=WebhookEndpoint)
def _forget_subscriptions(sender, instance: WebhookEndpoint, **kwargs) -> None:
    from webhooks.events import forget_subscriptions

    forget_subscriptions(instance.network_id)
    # Also after commit: a read made before the commit by this process may have cached the old
    # state again.
    transaction.on_commit(lambda: forget_subscriptions(instance.network_id))


from webhooks.postbacks import (  # noqa: E402, F401  (Django finds them here)
    PostbackAttempt,
    PostbackDelivery,
    PostbackEndpoint,
)
