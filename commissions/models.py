"""Who earns what beyond the goal's own payout: payout tiers (named groups of publishers with
their own payouts) and per-publisher payout overrides.

These models were the offers app's: they keep their tables (`offers_...`, no row moved) and
the name the audit log has always given their rows (`audit_type`), so the log's history and
filters stay as they were.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from offers.rules import PayoutTerms


class PayoutTier(models.Model):
    """A named group of publishers (e.g. "Gold") with their own payouts."""

    audit_type = "offers.payouttier"

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)

    objects = ScopedManager(network="network")

    class Meta:
        db_table = "offers_payouttier"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="tier_name")]

    def __str__(self) -> str:
        return self.name


class TierMembership(models.Model):
    """A publisher is in at most one tier per network, so payout resolution is unambiguous."""

    audit_type = "offers.tiermembership"

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey(PayoutTier, on_delete=models.CASCADE, related_name="memberships")
    publisher = models.ForeignKey(
        "publishers.Publisher", on_delete=models.CASCADE, related_name="+"
    )

    objects = ScopedManager(network="network")

    class Meta:
        db_table = "offers_tiermembership"
        constraints = [
            models.UniqueConstraint(fields=["network", "publisher"], name="one_tier_per_publisher")
        ]

    def __str__(self) -> str:
        return f"{self.publisher} in {self.tier}"


class TierPayout(PayoutTerms):
    audit_type = "offers.tierpayout"

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey(PayoutTier, on_delete=models.CASCADE, related_name="payouts")
    goal = models.ForeignKey("offers.Goal", on_delete=models.CASCADE, related_name="tier_payouts")

    objects = ScopedManager(network="network")

    class Meta:
        db_table = "offers_tierpayout"
        constraints = [
            models.UniqueConstraint(fields=["network", "tier", "goal"], name="tier_payout_once")
        ]

    def __str__(self) -> str:
        return f"{self.tier} on {self.goal}"


class PayoutOverride(PayoutTerms):
    """One publisher's own payout for one goal: wins over tiers and the goal's payout."""

    audit_type = "offers.payoutoverride"

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey("offers.Goal", on_delete=models.CASCADE, related_name="overrides")
    publisher = models.ForeignKey(
        "publishers.Publisher", on_delete=models.CASCADE, related_name="+"
    )

    objects = ScopedManager(network="network")

    class Meta:
        db_table = "offers_payoutoverride"
        constraints = [
            models.UniqueConstraint(
                fields=["network", "goal", "publisher"], name="payout_override_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.publisher} on {self.goal}"
