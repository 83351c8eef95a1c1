"""Money: a double-entry ledger, monthly payout runs, invoices (a publisher's payment details
are publishers.PaymentDetails).

Ledger amounts are integers in the currency's minor unit. An entry's amount is a debit when
positive and a credit when negative; every transaction's entries sum to zero (checked when it
is posted, and by the invariant tests). Entries are never updated or deleted: a correction is
a new transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from lib.fields import optional_fk


class Account(models.Model):
    """One account per (network, kind, party, currency), created on first use."""

    class Kind(models.TextChoices):
        RECEIVABLE = "receivable", _("Advertiser receivable")
        PAYABLE = "payable", _("Publisher payable")
        MARGIN = "margin", _("Network margin")
        CASH = "cash", _("Cash")

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    currency = models.CharField(max_length=3)
    advertiser = optional_fk("advertisers.Advertiser", models.PROTECT)
    publisher = optional_fk("publishers.Publisher", models.PROTECT)

    objects = ScopedManager(network="network")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "kind", "currency", "advertiser", "publisher"],
                nulls_distinct=False,
                name="account_once",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="receivable", advertiser__isnull=False, publisher__isnull=True)
                    | models.Q(kind="payable", advertiser__isnull=True, publisher__isnull=False)
                    | models.Q(
                        kind__in=["margin", "cash"], advertiser__isnull=True, publisher__isnull=True
                    )
                ),
                name="account_party_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        party = self.advertiser or self.publisher
        return f"{self.get_kind_display()} {party or ''} {self.currency}".replace("  ", " ")


class LedgerTransaction(models.Model):
    """A balanced set of entries. `key` makes each posting happen at most once."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("Conversion approved")
        REVERSAL = "reversal", _("Conversion reversed")
        PAYOUT = "payout", _("Payout paid")
        ADVERTISER_PAYMENT = "adv_payment", _("Advertiser payment")

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=80)
    conversion = optional_fk("tracking.Conversion", models.PROTECT)
    memo = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "key"], name="ledger_transaction_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class Entry(models.Model):
    """One line of a transaction. Kind, time and conversion are copied from the transaction
    so that the payout run and the statements read this one table."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField(help_text="minor units; debit > 0 > credit")
    kind = models.CharField(max_length=12, choices=LedgerTransaction.Kind.choices)
    conversion = optional_fk("tracking.Conversion", models.PROTECT)
    created_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")

    class Meta:
        indexes = [
            # Covering on PostgreSQL: the payout run sums an account's entries from the index.
            models.Index(
                fields=["account", "created_at"],
                include=["kind", "amount"],
                name="entry_account_time",
            )
        ]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"


class PayoutRun(models.Model):
    """The payouts of one network for one month; at most one per (network, period).

    A run is first a row "being made" (committed at once, with a heartbeat its task renews
    while it works), then its lines are made in one transaction and it is ready for review.
    A run being made whose heartbeat stopped (a worker lost) is made again by the beat."""

    class Status(models.TextChoices):
        MAKING = "making", _("Being made")
        REVIEW = "review", _("Ready for review")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    period = models.DateField(help_text="first day of the month paid")
    cutoff = models.DateTimeField(help_text="the period's end in the network's time zone")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REVIEW)
    # Who started the run: never its approver. None with `scheduled`: the monthly beat job.
    created_by = optional_fk(settings.AUTH_USER_MODEL, models.PROTECT)
    scheduled = models.BooleanField(default=False, help_text="started by the monthly job")
    # The approval rule the run started with: changing the setting later does not change it.
    needs_second_approver = models.BooleanField(default=False)
    first_approver = optional_fk(settings.AUTH_USER_MODEL, models.PROTECT)
    approved_by = optional_fk(settings.AUTH_USER_MODEL, models.PROTECT)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="renewed by the task making the run, while it lives"
    )

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["network", "period"], name="payout_run_once")
        ]

    def __str__(self) -> str:
        return f"payouts {self.period:%Y-%m}"


class PayoutLine(models.Model):
    """What one publisher is paid in one currency by a run.

    `amount` is the publisher's payable balance as of the run's cut-off, less what earlier
    lines already took. A line below the threshold (or not positive) is `carried`: its amount
    stays in the balance and the next run takes it. The entries behind a line are those of
    the publisher's payable account with `from_time <= created_at < to_time`."""

    class Status(models.TextChoices):
        CARRIED = "carried", _("Carried over")
        PAYABLE = "payable", _("To pay")
        PAID = "paid", _("Paid")

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, related_name="lines")
    publisher = models.ForeignKey(
        "publishers.Publisher", on_delete=models.PROTECT, related_name="payout_lines"
    )
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField(help_text="minor units")
    conversions = models.IntegerField(default=0)
    from_time = models.DateTimeField(null=True, blank=True)
    to_time = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices)
    # The minimum the run applied (minor units of `currency`), kept so that the line says why
    # it was carried even after the rule changes. Null on lines made before it was recorded.
    minimum = models.BigIntegerField(null=True, blank=True, help_text="minor units")
    payment_reference = models.CharField(max_length=200, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["publisher__name", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "publisher", "currency"], name="payout_line_once"
            )
        ]
        indexes = [models.Index(fields=["network", "publisher", "status"])]

    def __str__(self) -> str:
        return f"{self.run} {self.publisher}"

    @property
    def negative(self) -> bool:
        """A carried line of a negative balance (reversals after a payout), not a small one."""
        return self.status == self.Status.CARRIED and self.amount < 0

    @property
    def status_label(self) -> str:
        """The status in words, telling a negative balance from one below the minimum."""
        if self.status != self.Status.CARRIED:
            return str(self.get_status_display())
        if self.amount < 0:
            return str(_("Negative balance: carried over"))
        return str(_("Below the minimum: carried over"))


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

    class Meta:
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

    class Meta:
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
