"""Offers: what advertisers sell, what they pay, where traffic lands, and who may run it."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from lib.fields import optional_fk
from lib.macros import validate_url_template
from lib.money import validate_currency
from lib.urls import validate_http_url
from offers.rules import (  # noqa: F401  (models of this app, kept in their own module)
    Cap,
    GoalType,
    PayoutTerms,
)

CATEGORIES = [
    ("ecommerce", _("E-commerce")),
    ("finance", _("Finance")),
    ("insurance", _("Insurance")),
    ("travel", _("Travel")),
    ("education", _("Education")),
    ("health", _("Health & beauty")),
    ("software", _("Software & apps")),
    ("gaming", _("Games")),
    ("telecom", _("Telecom")),
    ("other", _("Other")),
]
DEVICE_TYPES = [("desktop", _("Desktop")), ("mobile", _("Mobile")), ("tablet", _("Tablet"))]
# A goal's prices as the API shows them (the admins' and the advertiser's goal serializers).
GOAL_PRICE_FIELDS = [
    "currency",
    "revenue_type",
    "revenue_amount",
    "revenue_percent",
    "payout_set",
    "payout_type",
    "payout_amount",
    "payout_percent",
]


class OfferQuerySet(models.QuerySet):
    def visible_to(self, publisher) -> OfferQuerySet:
        """What a publisher finds in the marketplace: active, unexpired, public or on approval,
        private only when they were let in, never what they are blocked from, nor the offers
        of a blocked advertiser."""
        if publisher.status != "approved":
            return self.none()
        accesses = OfferAccess.objects.filter(publisher=publisher)
        blocked = accesses.filter(status=OfferAccess.Status.BLOCKED).values("offer_id")
        admitted = accesses.filter(status=OfferAccess.Status.APPROVED).values("offer_id")
        listed = models.Q(visibility__in=[Offer.Visibility.PUBLIC, Offer.Visibility.APPROVAL])
        return (
            # The network filter is redundant inside a scope; it keeps this safe outside one.
            self.filter(network_id=publisher.network_id, status=Offer.Status.ACTIVE)
            .exclude(advertiser__status="blocked")  # advertisers.services: no traffic
            .exclude(expires_on__lt=now().date())
            .exclude(pk__in=blocked)
            .filter(listed | models.Q(pk__in=admitted))
        )

    def runnable_by(self, publisher) -> OfferQuerySet:
        """Offers the publisher may send traffic to (their access is approved)."""
        admitted = OfferAccess.objects.filter(
            publisher=publisher, status=OfferAccess.Status.APPROVED
        ).values("offer_id")
        return self.visible_to(publisher).filter(pk__in=admitted)


class Offer(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ARCHIVED = "archived", _("Archived")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: every approved publisher may run it")
        APPROVAL = "approval", _("Approval required")
        PRIVATE = "private", _("Private: invited publishers only")

    class Attribution(models.TextChoices):
        """Which click a cookie/pixel conversion credits (a postback names its click)."""

        LAST_CLICK = "last_click", _("Last click")
        FIRST_CLICK = "first_click", _("First click within the attribution window")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    advertiser = models.ForeignKey(
        "advertisers.Advertiser", on_delete=models.PROTECT, related_name="offers"
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=32, choices=CATEGORIES)
    preview_url = models.URLField(
        _("preview URL"), max_length=2000, validators=[validate_http_url], blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.APPROVAL
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    allowed_countries = models.JSONField(_("allowed countries"), default=list, blank=True)
    device_types = models.JSONField(_("device types"), default=list, blank=True)
    attribution_window_days = models.PositiveSmallIntegerField(
        _("attribution window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    attribution_model = models.CharField(
        _("attribution model"),
        max_length=16,
        choices=Attribution.choices,
        default=Attribution.LAST_CLICK,
        help_text=_(
            "Which click a pixel conversion credits when the visitor clicked several times: "
            "the last one, or the first one while it is inside the attribution window. "
            "Postbacks credit the click whose id they send."
        ),
    )
    hold_days = models.PositiveSmallIntegerField(
        _("hold period (days)"), default=7, validators=[MaxValueValidator(365)]
    )
    multiple_conversions = models.BooleanField(
        _("allow several conversions per click"), default=False
    )
    fallback_offer = optional_fk("self", models.SET_NULL, verbose_name=_("fallback offer"))
    fallback_url = models.URLField(
        _("fallback URL"), max_length=2000, blank=True, validators=[validate_http_url]
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    terms = models.TextField(_("terms for publishers"), blank=True)
    deep_link_domains = models.JSONField(_("allowed deep-link domains"), default=list, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = ScopedManager(
        network="network", _manager_class=models.Manager.from_queryset(OfferQuerySet)
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["network", "status", "visibility"])]

    def __str__(self) -> str:
        return self.name

    @property
    def allows_deep_links(self) -> bool:
        return bool(self.deep_link_domains)

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < now().date()

    def default_goal(self) -> Goal | None:
        return self.goals.filter(is_default=True).first()


class Goal(PayoutTerms):
    """Something the advertiser pays for: a sale, a lead, an install. Each offer has a default.

    Revenue is what the advertiser pays the network; the inherited payout is what the
    publisher earns (before tiers and overrides, see commissions.payouts).
    """

    Type = GoalType

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default goal"), default=False)
    revenue_type = models.CharField(_("revenue type"), max_length=8, choices=Type.choices)
    revenue_amount = models.DecimalField(
        _("revenue (flat)"), max_digits=14, decimal_places=3, default=Decimal(0)
    )
    revenue_percent = models.DecimalField(
        # xgettext:no-python-format (a label, never %-formatted)
        _("revenue (% of sale)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal(0),
    )
    payout_set = models.BooleanField(
        default=False, help_text="Whether an admin has set the publisher payout."
    )

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer"], condition=models.Q(is_default=True), name="goal_one_default"
            ),
            models.UniqueConstraint(fields=["offer", "name"], name="goal_name_per_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.offer.name}: {self.name}"


def creative_upload_path(creative: Creative, filename: str) -> str:
    """Uploads are namespaced by network, and renamed so user file names never collide."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"networks/{creative.network_id}/creatives/{uuid.uuid4().hex}.{extension}"


class LandingPage(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="landing_pages")
    name = models.CharField(_("name"), max_length=100)
    url_template = models.CharField(
        _("URL (with macros)"), max_length=2000, validators=[validate_url_template]
    )
    weight = models.PositiveSmallIntegerField(
        _("rotation weight"),
        default=100,
        validators=[MaxValueValidator(10000)],
        help_text=_("Share of traffic in A/B rotation, relative to the other active pages."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Creative(models.Model):
    class Kind(models.TextChoices):
        BANNER = "banner", _("Banner image")
        TEXT = "text", _("Text link")
        HTML = "html", _("HTML snippet")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="creatives")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    image = models.ImageField(
        _("image"),
        upload_to=creative_upload_path,
        blank=True,
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    text = models.CharField(_("link text"), max_length=200, blank=True)
    html = models.TextField(
        _("HTML"),
        blank=True,
        help_text=_("Use {tracking_link} and {impression_pixel} where they belong."),
    )
    landing_page = optional_fk(LandingPage, models.SET_NULL)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class OfferAccess(models.Model):
    """Whether one publisher may run one offer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        BLOCKED = "blocked", _("Blocked")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="accesses")
    publisher = models.ForeignKey(
        "publishers.Publisher", on_delete=models.CASCADE, related_name="offer_accesses"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    publisher_note = models.TextField(_("note to the network"), blank=True, max_length=2000)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    decided_by = optional_fk(settings.AUTH_USER_MODEL, models.SET_NULL)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "offer", "publisher"], name="offer_access_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.publisher} on {self.offer}"
