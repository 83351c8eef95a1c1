"""Publisher postbacks: the URLs we call when a publisher's conversion happens, the calls owed
and the log of every call. Imported by webhooks.models so that Django finds the models; their
tables keep the names they had in the publishers app.

A publisher has at most one global endpoint (offer empty) and one per offer; a conversion
fires the offer's own endpoint when it is active, else the global one (delivery.postback).
Their shape (failure count, outbox, call log) is the one of webhooks.delivery.base.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.fields import optional_fk
from lib.macros import check_macros
from lib.urls import validate_outbound_url
from webhooks.delivery.base import CallLog, OutboundDelivery, OutboundEndpoint, due_index

MACROS = (
    "aff_sub", "aff_sub2", "aff_sub3", "aff_sub4", "aff_sub5", "aff_click_id", "source",
    "offer_id", "offer_name", "goal_id", "payout", "currency", "conversion_id", "status",
    "datetime",
)  # fmt: skip
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


class PostbackEndpoint(OutboundEndpoint):
    publisher = models.ForeignKey(
        "publishers.Publisher", on_delete=models.CASCADE, related_name="postback_endpoints"
    )
    offer = optional_fk("offers.Offer", models.CASCADE)
    url_template = models.CharField(
        _("postback URL"), max_length=2000, validators=[validate_postback_template]
    )
    # The conversion events it is called for, a subset of FIRING_EVENTS in that order.
    events = models.JSONField(_("events"), default=default_events)

    class Meta(OutboundEndpoint.Meta):
        db_table = "publishers_postbackendpoint"
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


class PostbackAttempt(CallLog):
    """One call of a postback (a test call too): the URL called and what it answered."""

    class Event(models.TextChoices):
        CREATED = "created", _("Conversion")
        APPROVED = "approved", _("Approval")
        REVERSED = "reversed", _("Reversal")
        TEST = "test", _("Test")

    endpoint = models.ForeignKey(
        PostbackEndpoint, on_delete=models.CASCADE, related_name="attempts"
    )
    # Empty for a test call, which has no conversion behind it.
    conversion = optional_fk("tracking.Conversion", models.CASCADE)
    event = models.CharField(max_length=8, choices=Event.choices)
    url = models.TextField()

    class Meta(CallLog.Meta):
        db_table = "publishers_postbackattempt"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["network", "endpoint", "created_at"], name="publishers__network_72f3ae_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.url} -> {self.status_code or self.error}"


class PostbackDelivery(OutboundDelivery):
    """One postback a conversion owes an endpoint for one event: the outbox of the call.

    The conversion sweeper's transaction (the "conversions.created" event) and a decision's
    ("conversion.status_changed") write it, so a crash before commit writes neither and a crash
    after commit leaves the row for the retry sweep; the constraint says it exists once. Each
    call first claims the row (webhooks.delivery.engine), so a duplicate message calls nothing
    twice; every call is logged as a PostbackAttempt."""

    endpoint = models.ForeignKey(
        PostbackEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    conversion = models.ForeignKey(
        "tracking.Conversion", on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=8, choices=PostbackAttempt.Event.choices)

    class Meta(OutboundDelivery.Meta):
        db_table = "publishers_postbackdelivery"
        constraints = [
            models.UniqueConstraint(
                fields=["network", "conversion", "endpoint", "event"],
                name="postback_delivery_once",
            ),
        ]
        indexes = [due_index("postback_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} postback of conversion {self.conversion_id}"
