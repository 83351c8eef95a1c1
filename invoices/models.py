"""What advertisers are billed: invoices and credit notes, with their lines and the credit
taken off invoices (the services: invoices/services.py).

These models were payouts' and keep their tables (`payouts_invoice`...: invoices.0001 and
payouts.0009 moved only Django's state) and the name the audit log has always given their
rows (`audit_type`: "payouts.invoice", "payouts.creditnote"), so that the stored history and
its filters stay as they were.
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Invoice(models.Model):
    """What one advertiser owes for one month's approved conversions, in one currency."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    advertiser = models.ForeignKey(
        "advertisers.Advertiser", on_delete=models.PROTECT, related_name="invoices"
    )
    number = models.PositiveIntegerField()
    period = models.DateField()
    currency = models.CharField(max_length=3)
    total = models.BigIntegerField(help_text="minor units")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(default=now)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=200, blank=True)
    credit_applied = models.BigIntegerField(
        default=0, help_text="minor units taken off the total by credit notes"
    )
    terms_days = models.PositiveSmallIntegerField(
        default=30, help_text="days to pay after issue (the network's setting then)"
    )
    due_date = models.DateField(null=True, blank=True)

    objects = ScopedManager(network="network")
    # What the audit log has always called these rows (the model was payouts').
    audit_type = "payouts.invoice"

    class Meta:
        db_table = "payouts_invoice"  # payouts' table: the model moved, not the rows
        ordering = ["-period", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="invoice_number_once"),
            models.UniqueConstraint(
                fields=["network", "advertiser", "period", "currency"], name="invoice_once"
            ),
            # A negative month makes a credit note, never a negative (or empty) invoice.
            models.CheckConstraint(condition=models.Q(total__gt=0), name="invoice_total_positive"),
            models.CheckConstraint(
                condition=models.Q(credit_applied__gte=0, credit_applied__lte=models.F("total")),
                name="invoice_credit_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        """How the number reads everywhere: INV-<year of the month billed>-<number>. The stored
        number counts up per network and never restarts; the year is a reading aid."""
        return f"INV-{self.period:%Y}-{self.number:04d}"

    @property
    def amount_due(self) -> int:
        """Minor units the advertiser pays: the total less the credit applied."""
        return self.total - self.credit_applied

    @property
    def terms_label(self) -> str:
        if not self.terms_days:
            return str(_("Due on receipt"))
        return str(_("Net %(days)d")) % {"days": self.terms_days}


class InvoiceLine(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey("offers.Goal", on_delete=models.PROTECT, related_name="+")
    conversions = models.IntegerField()
    amount = models.BigIntegerField(help_text="minor units")

    objects = ScopedManager(network="network")

    class Meta:
        db_table = "payouts_invoiceline"  # payouts' table: the model moved, not the rows
        ordering = ["offer__name", "goal__name"]

    def __str__(self) -> str:
        return f"{self.invoice} {self.offer} {self.goal}"


class CreditNote(models.Model):
    """What the network owes one advertiser back for a month whose reversals exceeded its
    approvals, in one currency. Its own number series per network (CN-<year>-<number>).
    `remaining` is what later invoices of the advertiser in the currency have not taken yet.

    It posts nothing to the ledger: the reversals already lowered the advertiser's
    receivable; applying the credit lowers what the next invoice asks to be paid."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    advertiser = models.ForeignKey(
        "advertisers.Advertiser", on_delete=models.PROTECT, related_name="credit_notes"
    )
    number = models.PositiveIntegerField()
    period = models.DateField()
    currency = models.CharField(max_length=3)
    total = models.BigIntegerField(help_text="minor units credited (positive)")
    remaining = models.BigIntegerField(help_text="minor units not applied yet")
    issued_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")
    # What the audit log has always called these rows (the model was payouts').
    audit_type = "payouts.creditnote"

    class Meta:
        db_table = "payouts_creditnote"  # payouts' table: the model moved, not the rows
        ordering = ["-period", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="credit_note_number_once"),
            models.UniqueConstraint(
                fields=["network", "advertiser", "period", "currency"], name="credit_note_once"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gt=0), name="credit_note_total_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(remaining__gte=0, remaining__lte=models.F("total")),
                name="credit_note_remaining_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"CN-{self.period:%Y}-{self.number:04d}"

    @property
    def applied(self) -> int:
        return self.total - self.remaining


class CreditNoteLine(models.Model):
    """The month's net per offer and goal, as booked (negative: more reversed than approved)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey("offers.Goal", on_delete=models.PROTECT, related_name="+")
    conversions = models.IntegerField(help_text="approvals in the month")
    amount = models.BigIntegerField(help_text="minor units, as booked")

    objects = ScopedManager(network="network")

    class Meta:
        db_table = "payouts_creditnoteline"  # payouts' table: the model moved, not the rows
        ordering = ["offer__name", "goal__name"]

    def __str__(self) -> str:
        return f"{self.credit_note} {self.offer} {self.goal}"

    @property
    def currency(self) -> str:
        return self.credit_note.currency


class CreditApplication(models.Model):
    """Part of a credit note taken off an invoice."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    credit_note = models.ForeignKey(
        CreditNote, on_delete=models.PROTECT, related_name="applications"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credits")
    amount = models.BigIntegerField(help_text="minor units")
    created_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")

    class Meta:
        db_table = "payouts_creditapplication"  # payouts' table: the model moved, not the rows
        ordering = ["credit_note__number"]
        constraints = [
            models.UniqueConstraint(fields=["credit_note", "invoice"], name="credit_applied_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="credit_application_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credit_note} -> {self.invoice}"

    @property
    def currency(self) -> str:
        return self.invoice.currency
