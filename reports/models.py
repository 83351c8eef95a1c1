"""Rollups of clicks, impressions and conversions: what the reports and dashboards read.

A HourlyStat row is one hour (UTC) of one dimension tuple. The daily rows sum a day of
hourly rows in the network's time zone over fewer dimensions, each table for the questions
it answers:

- DailyOfferStat: offer, goal;
- DailyPublisherStat: publisher;
- DailyAdvertiserPublisherStat: an advertiser's publishers;
- DailyLandingPageStat: offer, landing page;
- DailyGeoStat: offer, country, device;
- DailyStat: offer, goal, publisher;
- DailyTrafficStat: offer, goal, landing page, country, device (their combinations).

Most reports and every dashboard read them (`reports.query.stats` picks the smallest that
has what is asked), as a month of them is a small part of a month of hourly rows; they are
kept by `reports.daily`. The rows are derived data, recomputed by `reports.rollup` from the
tracking tables (delete the hours' rows, insert them again), so they carry no foreign-key
constraints of their own: a landing page that was deleted (clicks keep its id) must not
stop a rollup, and the tracking tables already PROTECT what matters.
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


class Measures(models.Model):
    """What every rollup row counts and sums, at any grain."""

    clicks = models.PositiveIntegerField(default=0)  # accepted clicks
    unique_clicks = models.PositiveIntegerField(default=0)
    # Accepted clicks with an approved or pending conversion, once each (the CR's numerator),
    # counted in the click's row: its hour, not its conversions'.
    converting_clicks = models.PositiveIntegerField(default=0)
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

    class Meta:
        abstract = True


class HourlyStat(Measures):
    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()  # UTC, truncated to the hour
    offer = _dimension("offers.Offer")
    goal = _dimension("offers.Goal", null=True)  # NULL on click and impression rows
    publisher = _dimension("publishers.Publisher")
    landing_page = _dimension("offers.LandingPage", null=True)
    country = models.CharField(max_length=2, blank=True)  # '' unknown
    device = models.CharField(max_length=8, blank=True)  # Click.device_type, '' unknown
    currency = models.CharField(max_length=3)

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


def _daily_unique(name: str, *dimensions: str) -> models.UniqueConstraint:
    # Its index, led by (network, day), also serves a network's date ranges.
    return models.UniqueConstraint(
        fields=["network", "day", *dimensions], nulls_distinct=False, name=name
    )


class DailyMeasures(Measures):
    """A day (in the network's time zone) of rollup rows: what every daily table has besides
    its dimensions (declared by each, with its DIMENSIONS)."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3)

    objects = ScopedManager(network="network")

    class Meta:
        abstract = True


class DailyOfferStat(DailyMeasures):
    """A day (in the network's time zone) of an offer and goal, all publishers together: the
    network's and an advertiser's days, offers and goals."""

    DIMENSIONS = ("offer_id", "goal_id", "currency")

    offer = _dimension("offers.Offer")
    goal = _dimension("offers.Goal", null=True)

    class Meta:
        constraints = [_daily_unique("dailyofferstat_once", "offer", "goal", "currency")]
        indexes = [
            models.Index(fields=["network", "offer", "day"], name="dailyofferstat_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.day} offer {self.offer_id}"


class DailyPublisherStat(DailyMeasures):
    """A day (in the network's time zone) of a publisher, all offers together: the
    network's publishers."""

    DIMENSIONS = ("publisher_id", "currency")

    publisher = _dimension("publishers.Publisher")

    class Meta:
        constraints = [_daily_unique("dailypublisherstat_once", "publisher", "currency")]
        indexes = [
            models.Index(
                fields=["network", "publisher", "day"], name="dailypublisherstat_publisher"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} publisher {self.publisher_id}"


class DailyAdvertiserPublisherStat(DailyMeasures):
    """A day (in the network's time zone) of a publisher's traffic to one advertiser's offers:
    an advertiser's publisher report without reading every offer's rows."""

    DIMENSIONS = ("publisher_id", "currency")
    DERIVED = {"advertiser_id": "offer__advertiser_id"}  # read through the hourly row's offer

    advertiser = _dimension("advertisers.Advertiser")
    publisher = _dimension("publishers.Publisher")

    class Meta:
        constraints = [
            _daily_unique(
                "dailyadvertiserpublisherstat_once", "advertiser", "publisher", "currency"
            )
        ]
        indexes = [
            models.Index(
                fields=["network", "advertiser", "day"], name="dailyadvpubstat_advertiser"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} advertiser {self.advertiser_id} publisher {self.publisher_id}"


class DailyLandingPageStat(DailyMeasures):
    """A day (in the network's time zone) of an offer's landing pages, all publishers and
    goals together: the landing page reports and A/B results."""

    DIMENSIONS = ("offer_id", "landing_page_id", "currency")

    offer = _dimension("offers.Offer")
    landing_page = _dimension("offers.LandingPage", null=True)

    class Meta:
        constraints = [
            _daily_unique("dailylandingpagestat_once", "offer", "landing_page", "currency")
        ]
        indexes = [
            models.Index(fields=["network", "offer", "day"], name="dailylandingpagestat_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.day} offer {self.offer_id} page {self.landing_page_id}"


class DailyGeoStat(DailyMeasures):
    """A day (in the network's time zone) of an offer's countries and devices, all
    publishers, goals and landing pages together: the country and device reports."""

    DIMENSIONS = ("offer_id", "country", "device", "currency")

    offer = _dimension("offers.Offer")
    country = models.CharField(max_length=2, blank=True)
    device = models.CharField(max_length=8, blank=True)

    class Meta:
        constraints = [_daily_unique("dailygeostat_once", "offer", "country", "device", "currency")]
        indexes = [
            models.Index(fields=["network", "offer", "day"], name="dailygeostat_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.day} offer {self.offer_id} {self.country} {self.device}"


class DailyStat(DailyMeasures):
    """A day (in the network's time zone) of an offer, goal and publisher: the dates, offers,
    goals and publishers of reports and dashboards."""

    DIMENSIONS = ("offer_id", "goal_id", "publisher_id", "currency")

    offer = _dimension("offers.Offer")
    goal = _dimension("offers.Goal", null=True)
    publisher = _dimension("publishers.Publisher")

    class Meta:
        constraints = [
            _daily_unique("dailystat_once", "offer", "goal", "publisher", "currency"),
        ]
        indexes = [
            models.Index(fields=["network", "publisher", "day"], name="dailystat_publisher"),
            models.Index(fields=["network", "offer", "day"], name="dailystat_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.day} offer {self.offer_id} publisher {self.publisher_id}"


class DailyTrafficStat(DailyMeasures):
    """A day (in the network's time zone) of an offer's landing pages, countries and devices,
    all publishers together: the landing page, country and device reports and A/B results."""

    DIMENSIONS = ("offer_id", "goal_id", "landing_page_id", "country", "device", "currency")

    offer = _dimension("offers.Offer")
    goal = _dimension("offers.Goal", null=True)
    landing_page = _dimension("offers.LandingPage", null=True)
    country = models.CharField(max_length=2, blank=True)
    device = models.CharField(max_length=8, blank=True)

    class Meta:
        constraints = [
            _daily_unique(
                "dailytrafficstat_once",
                "offer",
                "goal",
                "landing_page",
                "country",
                "device",
                "currency",
            ),
        ]
        indexes = [
            models.Index(fields=["network", "offer", "day"], name="dailytrafficstat_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.day} offer {self.offer_id} page {self.landing_page_id}"


# Every daily table, smallest first (reports.daily keeps them, reports.query reads them).
DAILY_MODELS: tuple[type[DailyMeasures], ...] = (
    DailyOfferStat,
    DailyPublisherStat,
    DailyAdvertiserPublisherStat,
    DailyLandingPageStat,
    DailyGeoStat,
    DailyStat,
    DailyTrafficStat,
)


class RollupState(models.Model):
    """How far a network's rollups have come; its row is the lock of the network's rollups."""

    network = models.OneToOneField("network.Network", on_delete=models.CASCADE, related_name="+")
    # Hours before this are rolled up (the next run still redoes a safety margin before it).
    rolled_until = models.DateTimeField(null=True, blank=True)
    # Start of the last complete run: decisions since then may have changed older hours.
    last_run_started_at = models.DateTimeField(null=True, blank=True)
    # The time zone the daily rows' days are in; when the network's changes, they are redone
    # (reports.daily.redo_days), a week of days per transaction: the days before
    # `daily_redone_until` are done in `daily_redo_timezone`.
    daily_timezone = models.CharField(max_length=64, blank=True)
    daily_redo_timezone = models.CharField(max_length=64, blank=True)
    daily_redone_until = models.DateField(null=True, blank=True)

    objects = ScopedManager(network="network")

    def __str__(self) -> str:
        return f"rollups of network {self.network_id} until {self.rolled_until}"
