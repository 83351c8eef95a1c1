"""Hourly rollups of clicks, impressions and conversions: what the report pages read.

A row is one hour (UTC) of one dimension tuple. The rows are derived data, recomputed by
`reports.rollup` from the tracking tables (delete the hours' rows, insert them again), so
they carry no foreign-key constraints of their own: a landing page that was deleted (clicks
keep its id) must not stop a rollup, and the tracking tables already PROTECT what matters.
"""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager

# The conversions' own precision (tracking.Conversion: 14 digits, 3 places), with room for sums.
MONEY = {"max_digits": 20, "decimal_places": 3, "default": 0}


def _dimension(model: str, *, null: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        model,
        null=null,
        blank=null,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the composite indexes below lead with network
    )


class HourlyStat(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()  # UTC, truncated to the hour
    offer = _dimension("offers.Offer")
    goal = _dimension("offers.Goal", null=True)  # NULL on click and impression rows
    publisher = _dimension("publishers.Publisher")
    landing_page = _dimension("offers.LandingPage", null=True)
    country = models.CharField(max_length=2, blank=True)  # '' unknown
    device = models.CharField(max_length=8, blank=True)  # Click.device_type, '' unknown
    currency = models.CharField(max_length=3)

    clicks = models.PositiveIntegerField(default=0)  # accepted clicks
    unique_clicks = models.PositiveIntegerField(default=0)
    impressions = models.PositiveIntegerField(default=0)
    conversions_approved = models.PositiveIntegerField(default=0)
    conversions_pending = models.PositiveIntegerField(default=0)
    conversions_rejected = models.PositiveIntegerField(default=0)
    conversions_reversed = models.PositiveIntegerField(default=0)
    # Money of approved conversions (what is owed), and of pending ones (what may be).
    sale_amount = models.DecimalField(**MONEY)
    revenue = models.DecimalField(**MONEY)
    payout = models.DecimalField(**MONEY)
    pending_revenue = models.DecimalField(**MONEY)
    pending_payout = models.DecimalField(**MONEY)

    objects = ScopedManager(network="network")

    class Meta:
        constraints = [
            # Its index, led by (network, hour), also serves a network's time ranges.
            models.UniqueConstraint(
                fields=[
                    "network",
                    "hour",
                    "offer",
                    "goal",
                    "publisher",
                    "landing_page",
                    "country",
                    "device",
                    "currency",
                ],
                nulls_distinct=False,
                name="hourlystat_once",
            ),
        ]
        indexes = [
            models.Index(fields=["network", "publisher", "hour"], name="hourlystat_publisher"),
            models.Index(fields=["network", "offer", "hour"], name="hourlystat_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 offer {self.offer_id} publisher {self.publisher_id}"


class RollupState(models.Model):
    """How far a network's rollups have come; its row is the lock of the network's rollups."""

    network = models.OneToOneField("network.Network", on_delete=models.CASCADE, related_name="+")
    # Hours before this are rolled up (the next run still redoes a safety margin before it).
    rolled_until = models.DateTimeField(null=True, blank=True)
    # Start of the last complete run: decisions since then may have changed older hours.
    last_run_started_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(network="network")

    def __str__(self) -> str:
        return f"rollups of network {self.network_id} until {self.rolled_until}"
