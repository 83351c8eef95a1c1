"""Publisher companies (affiliates), their application to join a network, their own minimum
payouts and how they are paid (payment details)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from lib.countries import country_choices
from lib.fields import optional_fk

TRAFFIC_SOURCES = [
    ("search", _("Search (SEO/SEM)")),
    ("social", _("Social media")),
    ("email", _("Email")),
    ("content", _("Content / blog")),
    ("coupon", _("Coupon / cashback")),
    ("display", _("Display / native")),
    ("mobile", _("Mobile apps")),
    ("other", _("Other")),
]


class Publisher(models.Model):
    """An affiliate. Created by the application form, pending until an admin decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="publishers"
    )
    name = models.CharField(_("company or name"), max_length=150)
    website = models.URLField(_("website"))
    traffic_sources = models.JSONField(_("traffic sources"), default=list)
    traffic_description = models.TextField(_("how you send traffic"), blank=True)
    country = models.CharField(_("country"), max_length=2, choices=country_choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decision_reason = models.TextField(_("reason"), blank=True)
    reviewed_by = optional_fk(settings.AUTH_USER_MODEL, models.SET_NULL)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["network", "status"])]

    def __str__(self) -> str:
        return self.name

    def traffic_source_labels(self) -> list[str]:
        labels = dict(TRAFFIC_SOURCES)
        return [str(labels.get(code, code)) for code in self.traffic_sources]


class PublisherMinimum(models.Model):
    """The publisher's own minimum payout in one currency, in place of the network's
    (network.PayoutMinimum) for that currency."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="minimums")
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.BigIntegerField(_("minimum payout"), help_text="minor units")

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "publisher", "currency"], name="publisher_minimum_once"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="publisher_minimum_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publisher} {self.currency} {self.amount}"


class PaymentDetails(models.Model):
    """How a publisher is paid. Changing it holds their payouts for 48 hours."""

    class Method(models.TextChoices):
        PAYPAL = "paypal", _("PayPal")
        BANK = "bank", _("Bank transfer")
        OTHER = "other", _("Other")

    # The name the audit log has always given these rows (the model was payouts'): the log's
    # history, its filters and the API's object_type keep it.
    audit_type = "payouts.paymentdetails"

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    publisher = models.OneToOneField(
        Publisher, on_delete=models.CASCADE, related_name="payment_details"
    )
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    paypal_email = models.EmailField(_("PayPal email"), blank=True)
    account_holder = models.CharField(_("account holder"), max_length=150, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    swift = models.CharField(_("SWIFT/BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("bank name"), max_length=150, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    routing_number = models.CharField(_("routing or sort code"), max_length=40, blank=True)
    # The bank account's currency: a bank file pays only lines in it (payouts/methods.py).
    currency = models.CharField(_("account currency"), max_length=3, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(network="network")

    class Meta:
        db_table = "payouts_paymentdetails"  # moved from payouts with its table (no data moved)

    def __str__(self) -> str:
        return f"{self.get_method_display()} for {self.publisher}"
