"""Publisher postbacks: the URLs we call when a publisher's conversion happens, and the log
of every call. Imported by publishers.models so that Django finds the models.

A publisher has at most one global endpoint (offer empty) and one per offer; a conversion
fires the offer's own endpoint when it is active, else the global one (postback_services).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from lib.macros import check_macros
from lib.urls import validate_outbound_url

MACROS = (
    "aff_sub", "aff_sub2", "aff_sub3", "aff_sub4", "aff_sub5", "aff_click_id", "source",
    "offer_id", "offer_name", "goal_id", "payout", "currency", "conversion_id", "status",
    "datetime",
)  # fmt: skip
MAX_CONSECUTIVE_FAILURES = 25
# What a publisher's endpoint may be called for (its `events`), in this order on the page.
CREATED, APPROVED, REVERSED = "created", "approved", "reversed"
FIRING_EVENTS = (CREATED, APPROVED, REVERSED)


def default_events() -> list[str]:
    """What an endpoint is called for unless the publisher chooses: each new conversion."""
    return [CREATED]


def validate_postback_template(template: str) -> None:
    """{macros} only known ones, and only in the path or query; with each macro filled, a URL
    we may call, checked exactly as a webhook's (lib.urls.validate_outbound_url)."""
    validate_outbound_url(check_macros(template, MACROS))
    if "{" in urlsplit(template).netloc or "}" in urlsplit(template).netloc:
        raise ValidationError(_("Macros can only be used in the path or the query string."))


class PostbackEndpoint(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    publisher = models.ForeignKey(
        "publishers.Publisher", on_delete=models.CASCADE, related_name="postback_endpoints"
    )
    offer = models.ForeignKey(
        "offers.Offer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url_template = models.CharField(
        _("postback URL"), max_length=2000, validators=[validate_postback_template]
    )
    # The conversion events it is called for, a subset of FIRING_EVENTS in that order.
    events = models.JSONField(_("events"), default=default_events)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Set when the endpoint was turned off for failing, empty when the publisher turned it off.
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "publisher", "offer"],
                condition=models.Q(offer__isnull=False),
                name="postback_one_per_offer",
            ),
            models.UniqueConstraint(
                fields=["network", "publisher"],
                condition=models.Q(offer__isnull=True),
                name="postback_one_global",
            ),
        ]

    def __str__(self) -> str:
        if self.offer_id is None:
            return f"Global postback of {self.publisher}"
        return f"Postback of {self.publisher} for {self.offer}"

    @property
    def is_global(self) -> bool:
        return self.offer_id is None

    def fires_on(self, event: str) -> bool:
        return event in self.events

    @property
    def event_labels(self) -> list[str]:
        labels = dict(PostbackAttempt.Event.choices)
        return [str(labels[event]) for event in self.events if event in labels]

    @property
    def fire_on_approval(self) -> bool:
        """Whether approvals call it (the API's field from before `events`)."""
        return self.fires_on(APPROVED)

    @property
    def state(self) -> str:
        """active, failing (turned off after too many failures) or off (by the publisher)."""
        if self.is_active:
            return "active"
        return "failing" if self.disabled_at else "off"


class PostbackAttempt(models.Model):
    class Event(models.TextChoices):
        CREATED = "created", _("Conversion")
        APPROVED = "approved", _("Approval")
        REVERSED = "reversed", _("Reversal")
        TEST = "test", _("Test")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        PostbackEndpoint, on_delete=models.CASCADE, related_name="attempts"
    )
    # Empty for a test call, which has no conversion behind it.
    conversion = models.ForeignKey(
        "tracking.Conversion", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=8, choices=Event.choices)
    url = models.TextField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    attempt_number = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["network", "endpoint", "created_at"])]

    def __str__(self) -> str:
        return f"{self.url} -> {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class PostbackDelivery(models.Model):
    """One postback a conversion owes an endpoint for one event: the outbox of the call.

    The conversion sweeper (tracking.follow_ups) writes it in the transaction that marks the
    conversion checked, so a crash before commit writes neither and a crash after commit
    leaves the row for the retry sweep; the constraint says it exists once. Each call first
    claims the row (postback_services.attempt_postback_delivery), so a duplicate message calls
    nothing twice; every call is still logged as a PostbackAttempt."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        PostbackEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    conversion = models.ForeignKey(
        "tracking.Conversion", on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=8, choices=PostbackAttempt.Event.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When the next call is due (pending; a claimed call moves it a lease ahead), else empty.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "conversion", "endpoint", "event"],
                name="postback_delivery_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="postback_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} postback of conversion {self.conversion_id}"
