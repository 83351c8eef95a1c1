"""Advertiser companies (merchants). A company can have several users (Memberships)."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


def new_postback_token() -> str:
    return secrets.token_urlsafe(24)


class Advertiser(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        # Blocked by the network's admins (advertisers.services.advertiser_set_status): its
        # offers take no traffic and leave the marketplace; postbacks of earlier clicks
        # still count; its users keep read access but cannot put an offer (back) live.
        BLOCKED = "blocked", _("Blocked")

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="advertisers"
    )
    name = models.CharField(_("company name"), max_length=150)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Server postbacks must carry this token (security_token=...) unless turned off.
    postback_token = models.CharField(max_length=64, default=new_postback_token)
    require_token = models.BooleanField(_("require the security token"), default=True)
    postback_ips = models.JSONField(
        _("allowed postback IPs"),
        default=list,
        blank=True,
        help_text=_("Empty: postbacks are accepted from any address."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="advertiser_name_per_network")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_blocked(self) -> bool:
        return self.status == self.Status.BLOCKED
