"""The pricing models of a goal (GoalType, PayoutTerms) and caps: what shapes money per offer.

Payout tiers and per-publisher overrides, which use PayoutTerms, are the commissions app's.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from lib.fields import optional_fk


class GoalType(models.TextChoices):
    """How revenue or payout is computed for a goal (the pricing models)."""

    CPA = "cpa", _("CPA: flat per action")
    CPS = "cps", _("CPS: percent of sale")
    CPA_CPS = "cpa_cps", _("CPA + CPS")
    CPL = "cpl", _("CPL: flat per lead")
    CPC = "cpc", _("CPC: per unique click")

    @property
    def has_flat(self) -> bool:
        return self in (GoalType.CPA, GoalType.CPA_CPS, GoalType.CPL, GoalType.CPC)

    @property
    def has_percent(self) -> bool:
        return self in (GoalType.CPS, GoalType.CPA_CPS)


class PayoutTerms(models.Model):
    """A payout: a type with a flat amount and/or a percent of the sale amount."""

    payout_type = models.CharField(_("payout type"), max_length=8, choices=GoalType.choices)
    payout_amount = models.DecimalField(
        _("payout (flat)"), max_digits=14, decimal_places=3, default=Decimal(0)
    )
    payout_percent = models.DecimalField(
        # xgettext:no-python-format (a label, never %-formatted)
        _("payout (% of sale)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal(0),
    )

    class Meta:
        abstract = True


class Cap(models.Model):
    """A limit on conversions, payout budget or clicks, per period, in the network's timezone."""

    class Period(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        TOTAL = "total", _("Total")

    class Metric(models.TextChoices):
        CONVERSIONS = "conversions", _("Conversions")
        PAYOUT = "payout", _("Payout budget")
        CLICKS = "clicks", _("Clicks")

    class Action(models.TextChoices):
        STOP = "stop", _("Stop accepting conversions")
        FALLBACK = "fallback", _("Send clicks to the fallback")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey("offers.Offer", on_delete=models.CASCADE, related_name="caps")
    publisher = optional_fk(
        "publishers.Publisher",
        models.CASCADE,
        help_text=_("Empty: the cap is for the whole offer."),
    )
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    metric = models.CharField(_("counts"), max_length=12, choices=Metric.choices)
    limit = models.DecimalField(_("limit"), max_digits=14, decimal_places=3)
    action = models.CharField(_("when reached"), max_length=8, choices=Action.choices)

    objects = ScopedManager(network="network")

    class Meta:
        app_label = "offers"
        ordering = ["id"]

    def __str__(self) -> str:
        who = self.publisher or "all publishers"
        return f"{self.get_period_display()} {self.get_metric_display()} {self.limit} ({who})"
