"""Advertiser companies (merchants). A company can have several users (Memberships)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Advertiser(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="advertisers"
    )
    name = models.CharField(_("company name"), max_length=150)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="advertiser_name_per_network")
        ]

    def __str__(self) -> str:
        return self.name
