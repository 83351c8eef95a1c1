"""Clicks, impressions and conversions: every number in the portal comes from these rows."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from lib.fields import optional_fk

SUB_FIELDS = ("aff_sub", "aff_sub2", "aff_sub3", "aff_sub4", "aff_sub5")
ADV_SUB_FIELDS = ("adv_sub", "adv_sub2", "adv_sub3", "adv_sub4", "adv_sub5")

# The codes the tracking code stores and a person may read, named for people: one place for
# each. The pages show the label; the API, webhooks and exports keep the code.

# Why a click cannot convert (Click.reject_reason, tracking.clicks.rejection).
CLICK_REJECT_REASONS = {
    "advertiser_blocked": _("The advertiser is blocked"),
    "offer_not_active": _("The offer is not active"),
    "publisher_not_approved": _("The publisher is not approved"),
    "no_access": _("The publisher has no access to the offer"),
    "country_not_allowed": _("Country not allowed"),
    "device_not_allowed": _("Device not allowed"),
    "no_landing_page": _("No landing page"),
    "cap_reached": _("Cap reached"),
}

# Why a conversion is flagged or was rejected (Conversion.reason_code and fraud_flags: the fraud
# checks of tracking.fraud, a cap, the advertiser's validation). A reason that a person typed
# when deciding is stored as typed, and shown so.
CONVERSION_REASONS = {
    "fast_conversion": _("fast conversion"),
    "ip_velocity": _("many conversions from one IP address"),
    "bot_user_agent": _("bot user agent"),
    "country_mismatch": _("country differs from the click's"),
    "cap_reached": _("cap reached"),
    "advertiser_rejected": _("rejected by the advertiser"),
}


def conversion_reason_label(code: str) -> str:
    """A conversion's reason code in words (a typed reason as it is)."""
    return str(CONVERSION_REASONS.get(code, code))


class Click(models.Model):
    """A visit through a tracking link. The id is the transaction id handed to the advertiser."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    id = models.CharField(primary_key=True, max_length=32)
    # No foreign-key constraints in the database: every COPY row would pay five index
    # lookups. The click path only writes ids it has just read, and Django still PROTECTs.
    # Nor single-column indexes where nothing looks clicks up by that column alone: the
    # composite indexes below start with the network, and a landing page or creative is
    # never deleted through its clicks (DO_NOTHING). Each index costs every COPY row.
    network = models.ForeignKey(
        "network.Network",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    offer = models.ForeignKey(
        "offers.Offer", on_delete=models.PROTECT, related_name="clicks", db_constraint=False
    )
    publisher = models.ForeignKey(
        "publishers.Publisher", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    landing_page = optional_fk(
        "offers.LandingPage", models.DO_NOTHING, db_constraint=False, db_index=False
    )
    creative = optional_fk(
        "offers.Creative", models.DO_NOTHING, db_constraint=False, db_index=False
    )
    aff_sub = models.CharField(max_length=255, blank=True)
    aff_sub2 = models.CharField(max_length=255, blank=True)
    aff_sub3 = models.CharField(max_length=255, blank=True)
    aff_sub4 = models.CharField(max_length=255, blank=True)
    aff_sub5 = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=255, blank=True)
    aff_click_id = models.CharField(max_length=255, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    referrer = models.CharField(max_length=1024, blank=True)
    country = models.CharField(max_length=2, blank=True)
    device_type = models.CharField(max_length=8, blank=True)
    os = models.CharField(max_length=32, blank=True)
    browser = models.CharField(max_length=32, blank=True)
    is_unique = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACCEPTED)
    reject_reason = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")

    class Meta:
        # Few indexes: every one costs each of thousands of inserts a second. The id starts
        # with the time, so the primary key already serves time ranges (rollups); a
        # publisher's own sub-id reports read by (network, publisher, created_at).
        indexes = [
            models.Index(fields=["network", "publisher", "created_at"]),
            # The hourly rollup (reports.rollup) reads a network's recent hours.
            models.Index(fields=["network", "created_at"], name="click_network_time"),
        ]

    def __str__(self) -> str:
        return self.id

    @property
    def reject_reason_label(self) -> str:
        return str(CLICK_REJECT_REASONS.get(self.reject_reason, self.reject_reason))


class Impression(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="+")
    publisher = models.ForeignKey(
        "publishers.Publisher", on_delete=models.PROTECT, related_name="+"
    )
    creative = optional_fk("offers.Creative", models.SET_NULL)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    created_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")

    class Meta:
        indexes = [
            models.Index(fields=["network", "offer", "created_at"]),
            models.Index(fields=["network", "created_at"], name="impression_network_time"),
        ]

    def __str__(self) -> str:
        return f"impression {self.pk}"


class Conversion(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REVERSED = "reversed", _("Reversed")

    class Method(models.TextChoices):
        POSTBACK = "postback", _("Server postback")
        PIXEL = "pixel", _("Pixel")
        CLICK = "click", _("Unique click (CPC)")  # made in bulk by tracking.cpc

    # No single-column indexes for these two: every query of a network's conversions starts
    # with one of the composite indexes below, and the click's plain index (Meta) has no
    # LIKE twin. Each index is written on every postback (make bench-postbacks).
    network = models.ForeignKey(
        "network.Network", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    click = models.ForeignKey(
        Click, on_delete=models.PROTECT, related_name="conversions", db_index=False
    )
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey("offers.Goal", on_delete=models.PROTECT, related_name="+")
    publisher = models.ForeignKey(
        "publishers.Publisher", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason_code = models.CharField(max_length=32, blank=True)
    sale_amount = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    revenue = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    payout = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    currency = models.CharField(max_length=3)
    adv_sub = models.CharField(max_length=255, blank=True)
    adv_sub2 = models.CharField(max_length=255, blank=True)
    adv_sub3 = models.CharField(max_length=255, blank=True)
    adv_sub4 = models.CharField(max_length=255, blank=True)
    adv_sub5 = models.CharField(max_length=255, blank=True)
    order_id = models.CharField(_("order id"), max_length=255, blank=True)
    # "<click>:<goal>" unless the offer allows several conversions per click: the database
    # then refuses a second conversion of the same click and goal, whoever races for it.
    click_goal_key = models.CharField(  # noqa: DJ001  (NULL: not deduplicated by click)
        max_length=64, null=True, blank=True, editable=False
    )
    method = models.CharField(max_length=8, choices=Method.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    fraud_flags = models.JSONField(default=list, blank=True)
    fraud_checked_at = models.DateTimeField(null=True, blank=True)
    # How many ledger transactions this conversion has posted (approval, reversal, ...): the
    # next one's key, so that the database refuses to post the same change twice.
    ledger_postings = models.PositiveIntegerField(default=0, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "offer", "goal", "order_id"],
                condition=~models.Q(order_id=""),
                name="conversion_order_once",
            ),
            models.UniqueConstraint(
                fields=["network", "click_goal_key"], name="conversion_click_goal_once"
            ),
        ]
        indexes = [
            models.Index(fields=["network", "status", "created_at"]),
            models.Index(fields=["network", "publisher", "created_at"]),
            models.Index(fields=["network", "offer", "created_at"]),
            models.Index(fields=["network", "ip", "created_at"]),
            models.Index(fields=["click"], name="conversion_click"),
            # Conversions decided since the last rollup (their hours are recomputed). Partial:
            # a postback inserts an undecided conversion and pays nothing for this index.
            models.Index(
                fields=["network", "decided_at"],
                condition=models.Q(decided_at__isnull=False),
                name="conversion_decided",
            ),
            # The outbox of tracking.follow_ups: conversions still waiting for their check.
            models.Index(
                fields=["network", "id"],
                condition=models.Q(fraud_checked_at__isnull=True),
                name="conversion_unchecked",
            ),
        ]

    def __str__(self) -> str:
        return f"conversion {self.pk}"

    @property
    def reason_label(self) -> str:
        return conversion_reason_label(self.reason_code)

    @property
    def fraud_flag_labels(self) -> list[str]:
        return [conversion_reason_label(flag) for flag in self.fraud_flags or ()]


REJECTION_REASONS = {
    "invalid_security_token": _("Wrong or missing security token"),
    "ip_not_allowed": _("Sent from an IP address that is not allowed"),
    "unknown_transaction_id": _("No click with this transaction_id in the network"),
}


class RejectedPostback(models.Model):
    """A postback refused for its token, IP or an unknown click id: kept so the advertiser's
    tech team can debug (advertiser NULL when the click, hence the offer, is unknown)."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    advertiser = optional_fk("advertisers.Advertiser", models.CASCADE)
    reason = models.CharField(max_length=64)
    query = models.TextField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reason

    @property
    def reason_label(self) -> str:
        """The stored reason code (the one the postback's answer gave) in words."""
        return str(REJECTION_REASONS.get(self.reason, self.reason))
