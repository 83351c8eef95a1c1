"""Payouts' tables as the old chain (0001_initial to 0008) left them, squashed from today's
models (issue 17), and then the ledger's triggers (0004_ledger_immutable), which no model says.
The chain's other data steps, which only moved the rows of databases made before them, are
not carried.

The ledger is immutable where it is stored: PostgreSQL triggers refuse what no code path
of ours does, so that neither a bug, a shell session nor a stolen database password can
rewrite money that was posted or approved. Corrections are new entries, as always.

What is refused (each as an error "<table> ...: refused", SQLSTATE P0001, which Django raises
as django.db.InternalError), and why the workflow still passes:

- payouts_ledgertransaction, payouts_entry: every UPDATE and DELETE. `ledger.post` only
  inserts; a reversal or a payment is a new transaction.
- payouts_account: every UPDATE and DELETE. An account's identity (network, kind, currency,
  advertiser or publisher) is what its entries mean; nothing ever changes it.
- payouts_payoutline, once its run is approved (run status approved or paid):
  - DELETE is refused;
  - UPDATE is allowed only as "marking paid" (`runs.pay_line`): status payable -> paid,
    with payment_reference and paid_at set; every other column (amount, publisher,
    currency, the entry range, the run, ...) must stay as it was. A paid line is final:
    nothing about it changes again. A carried line of an approved run changes no more.
  Lines of a run still in review may change (the run has not been approved).
- payouts_payoutrun, once approved (status approved or paid): DELETE is refused, and an
  UPDATE may not take it back to review (which would unlock its lines) nor change its
  network, period, cut-off, approvals, starter or approval rule. approved -> paid (all lines
  paid) is the workflow.
  Columns added later (not named here) stay updatable.

INSERT is never refused, and neither is TRUNCATE (a separate trigger event): the tests
empty tables with TRUNCATE between transactional tests, and a database owner who truly must
rewrite history can still do it knowingly (ALTER TABLE ... DISABLE TRIGGER, or
`SET session_replication_role = replica` as a superuser), never by accident.

SQLite (development only) gets no triggers: `create` and `drop` do nothing there.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

FORBID_SQL = """
CREATE OR REPLACE FUNCTION payouts_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on %: refused, the ledger is append-only (post a correction instead)',
        TG_OP, TG_TABLE_NAME;
END;
$$;
"""

LINE_SQL = """
CREATE OR REPLACE FUNCTION payouts_payoutline_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    approved boolean;
BEGIN
    SELECT status IN ('approved', 'paid') INTO approved
    FROM payouts_payoutrun WHERE id = OLD.run_id;
    IF TG_OP = 'UPDATE' AND NOT COALESCE(approved, false) THEN
        -- a line moved into an approved run counts as a line of that run
        SELECT status IN ('approved', 'paid') INTO approved
        FROM payouts_payoutrun WHERE id = NEW.run_id;
    END IF;
    IF NOT COALESCE(approved, false) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'DELETE on payouts_payoutline %: refused, its run is approved', OLD.id;
    END IF;
    IF OLD.status = 'payable' AND NEW.status = 'paid'
       AND NEW.id = OLD.id
       AND NEW.network_id = OLD.network_id
       AND NEW.run_id = OLD.run_id
       AND NEW.publisher_id = OLD.publisher_id
       AND NEW.currency = OLD.currency
       AND NEW.amount = OLD.amount
       AND NEW.conversions = OLD.conversions
       AND NEW.from_time IS NOT DISTINCT FROM OLD.from_time
       AND NEW.to_time = OLD.to_time THEN
        RETURN NEW;  -- marked paid (payment_reference and paid_at set with it)
    END IF;
    RAISE EXCEPTION 'UPDATE on payouts_payoutline %: refused, its run is approved '
        '(only payable -> paid with its reference may change)', OLD.id;
END;
$$;
"""

RUN_SQL = """
CREATE OR REPLACE FUNCTION payouts_payoutrun_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status NOT IN ('approved', 'paid') THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'DELETE on payouts_payoutrun %: refused, it is approved', OLD.id;
    END IF;
    IF NEW.status IN ('approved', 'paid')
       AND NOT (OLD.status = 'paid' AND NEW.status = 'approved')
       AND NEW.id = OLD.id
       AND NEW.network_id = OLD.network_id
       AND NEW.period = OLD.period
       AND NEW.cutoff = OLD.cutoff
       AND NEW.approved_by_id IS NOT DISTINCT FROM OLD.approved_by_id
       AND NEW.approved_at IS NOT DISTINCT FROM OLD.approved_at
       AND NEW.first_approver_id IS NOT DISTINCT FROM OLD.first_approver_id
       AND NEW.created_by_id IS NOT DISTINCT FROM OLD.created_by_id
       AND NEW.needs_second_approver = OLD.needs_second_approver THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'UPDATE on payouts_payoutrun %: refused, it is approved', OLD.id;
END;
$$;
"""

TRIGGERS = [
    ("payouts_ledgertransaction", "payouts_refuse_change"),
    ("payouts_entry", "payouts_refuse_change"),
    ("payouts_account", "payouts_refuse_change"),
    ("payouts_payoutline", "payouts_payoutline_guard"),
    ("payouts_payoutrun", "payouts_payoutrun_guard"),
]
FUNCTIONS = ["payouts_refuse_change", "payouts_payoutline_guard", "payouts_payoutrun_guard"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in (FORBID_SQL, LINE_SQL, RUN_SQL):
        schema_editor.execute(sql, None)
    for table, function in TRIGGERS:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
            None,
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _function in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}", None)
    for function in FUNCTIONS:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()", None)


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("payouts", "0001_initial"),
        ("payouts", "0002_entry_covering_index"),
        ("payouts", "0003_run_controls"),
        ("payouts", "0004_ledger_immutable"),
        ("payouts", "0005_run_heartbeat"),
        ("payouts", "0006_currency_minimums"),
        ("payouts", "0007_credit_notes"),
        ("payouts", "0008_payment_details_to_publishers"),
    ]

    dependencies = [
        ("advertisers", "0002_squashed_relations"),
        ("network", "0002_squashed_relations"),
        ("offers", "0001_squashed"),
        ("publishers", "0001_squashed"),
        ("tracking", "0001_squashed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Account",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("receivable", "Advertiser receivable"),
                            ("payable", "Publisher payable"),
                            ("margin", "Network margin"),
                            ("cash", "Cash"),
                        ],
                        max_length=12,
                    ),
                ),
                ("currency", models.CharField(max_length=3)),
                (
                    "advertiser",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="advertisers.advertiser",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="CreditNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("period", models.DateField()),
                ("currency", models.CharField(max_length=3)),
                ("total", models.BigIntegerField(help_text="minor units credited (positive)")),
                ("remaining", models.BigIntegerField(help_text="minor units not applied yet")),
                ("issued_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "advertiser",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credit_notes",
                        to="advertisers.advertiser",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
            ],
            options={
                "ordering": ["-period", "-number"],
            },
        ),
        migrations.CreateModel(
            name="CreditNoteLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conversions", models.IntegerField(help_text="approvals in the month")),
                ("amount", models.BigIntegerField(help_text="minor units, as booked")),
                (
                    "credit_note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="payouts.creditnote",
                    ),
                ),
                (
                    "goal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="offers.goal",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="offers.offer",
                    ),
                ),
            ],
            options={
                "ordering": ["offer__name", "goal__name"],
            },
        ),
        migrations.CreateModel(
            name="Invoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("period", models.DateField()),
                ("currency", models.CharField(max_length=3)),
                ("total", models.BigIntegerField(help_text="minor units")),
                (
                    "status",
                    models.CharField(
                        choices=[("issued", "Issued"), ("paid", "Paid")],
                        default="issued",
                        max_length=8,
                    ),
                ),
                ("issued_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("paid_at", models.DateTimeField(blank=True, null=True)),
                ("payment_reference", models.CharField(blank=True, max_length=200)),
                (
                    "advertiser",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="advertisers.advertiser",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "credit_applied",
                    models.BigIntegerField(
                        default=0, help_text="minor units taken off the total by credit notes"
                    ),
                ),
                ("due_date", models.DateField(blank=True, null=True)),
                (
                    "terms_days",
                    models.PositiveSmallIntegerField(
                        default=30, help_text="days to pay after issue (the network's setting then)"
                    ),
                ),
            ],
            options={
                "ordering": ["-period", "-number"],
            },
        ),
        migrations.CreateModel(
            name="CreditApplication",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("amount", models.BigIntegerField(help_text="minor units")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "invoice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credits",
                        to="payouts.invoice",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "credit_note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="payouts.creditnote",
                    ),
                ),
            ],
            options={
                "ordering": ["credit_note__number"],
            },
        ),
        migrations.CreateModel(
            name="InvoiceLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conversions", models.IntegerField()),
                ("amount", models.BigIntegerField(help_text="minor units")),
                (
                    "goal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="offers.goal",
                    ),
                ),
                (
                    "invoice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="payouts.invoice",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="offers.offer",
                    ),
                ),
            ],
            options={
                "ordering": ["offer__name", "goal__name"],
            },
        ),
        migrations.CreateModel(
            name="LedgerTransaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("approval", "Conversion approved"),
                            ("reversal", "Conversion reversed"),
                            ("payout", "Payout paid"),
                            ("adv_payment", "Advertiser payment"),
                        ],
                        max_length=12,
                    ),
                ),
                ("key", models.CharField(max_length=80)),
                ("memo", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "conversion",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tracking.conversion",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Entry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("amount", models.BigIntegerField(help_text="minor units; debit > 0 > credit")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("approval", "Conversion approved"),
                            ("reversal", "Conversion reversed"),
                            ("payout", "Payout paid"),
                            ("adv_payment", "Advertiser payment"),
                        ],
                        max_length=12,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="payouts.account",
                    ),
                ),
                (
                    "conversion",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tracking.conversion",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "transaction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="payouts.ledgertransaction",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "entries",
            },
        ),
        migrations.CreateModel(
            name="PayoutRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period", models.DateField(help_text="first day of the month paid")),
                (
                    "cutoff",
                    models.DateTimeField(help_text="the period's end in the network's time zone"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("making", "Being made"),
                            ("review", "Ready for review"),
                            ("approved", "Approved"),
                            ("paid", "Paid"),
                        ],
                        default="review",
                        max_length=10,
                    ),
                ),
                ("approved_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "first_approver",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("needs_second_approver", models.BooleanField(default=False)),
                (
                    "scheduled",
                    models.BooleanField(default=False, help_text="started by the monthly job"),
                ),
                (
                    "heartbeat_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="renewed by the task making the run, while it lives",
                        null=True,
                    ),
                ),
            ],
            options={
                "ordering": ["-period"],
            },
        ),
        migrations.CreateModel(
            name="PayoutLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("currency", models.CharField(max_length=3)),
                ("amount", models.BigIntegerField(help_text="minor units")),
                ("conversions", models.IntegerField(default=0)),
                ("from_time", models.DateTimeField(blank=True, null=True)),
                ("to_time", models.DateTimeField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("carried", "Carried over"),
                            ("payable", "To pay"),
                            ("paid", "Paid"),
                        ],
                        max_length=10,
                    ),
                ),
                ("payment_reference", models.CharField(blank=True, max_length=200)),
                ("paid_at", models.DateTimeField(blank=True, null=True)),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payout_lines",
                        to="publishers.publisher",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="payouts.payoutrun",
                    ),
                ),
                ("minimum", models.BigIntegerField(blank=True, help_text="minor units", null=True)),
            ],
            options={
                "ordering": ["publisher__name", "currency"],
            },
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.UniqueConstraint(
                fields=("network", "kind", "currency", "advertiser", "publisher"),
                name="account_once",
                nulls_distinct=False,
            ),
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("advertiser__isnull", False),
                        ("kind", "receivable"),
                        ("publisher__isnull", True),
                    ),
                    models.Q(
                        ("advertiser__isnull", True),
                        ("kind", "payable"),
                        ("publisher__isnull", False),
                    ),
                    models.Q(
                        ("advertiser__isnull", True),
                        ("kind__in", ["margin", "cash"]),
                        ("publisher__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="account_party_matches_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="creditnote",
            constraint=models.UniqueConstraint(
                fields=("network", "number"), name="credit_note_number_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="creditnote",
            constraint=models.UniqueConstraint(
                fields=("network", "advertiser", "period", "currency"), name="credit_note_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="creditnote",
            constraint=models.CheckConstraint(
                condition=models.Q(("total__gt", 0)), name="credit_note_total_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="creditnote",
            constraint=models.CheckConstraint(
                condition=models.Q(("remaining__gte", 0), ("remaining__lte", models.F("total"))),
                name="credit_note_remaining_within_total",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(
                fields=("network", "number"), name="invoice_number_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(
                fields=("network", "advertiser", "period", "currency"), name="invoice_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("total__gt", 0)), name="invoice_total_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("credit_applied__gte", 0), ("credit_applied__lte", models.F("total"))
                ),
                name="invoice_credit_within_total",
            ),
        ),
        migrations.AddConstraint(
            model_name="creditapplication",
            constraint=models.UniqueConstraint(
                fields=("credit_note", "invoice"), name="credit_applied_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="creditapplication",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="credit_application_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgertransaction",
            constraint=models.UniqueConstraint(
                fields=("network", "key"), name="ledger_transaction_once"
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                fields=["account", "created_at"],
                include=("kind", "amount"),
                name="entry_account_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="payoutrun",
            constraint=models.UniqueConstraint(
                fields=("network", "period"), name="payout_run_once"
            ),
        ),
        migrations.AddIndex(
            model_name="payoutline",
            index=models.Index(
                fields=["network", "publisher", "status"], name="payouts_pay_network_77dd82_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="payoutline",
            constraint=models.UniqueConstraint(
                fields=("run", "publisher", "currency"), name="payout_line_once"
            ),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
