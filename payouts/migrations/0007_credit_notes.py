"""Credit notes (issue 15, section 3): a negative month makes a credit note, never a negative
invoice; invoices carry payment terms and a due date and the credit applied to them.

Existing negative invoices become credit notes (numbered in the new series, the invoice's lines
copied): an unpaid one keeps its whole credit to apply; one "paid" (a refund was booked as a
negative payment) has nothing left. Existing invoices get Net 30 from their issue date.
"""

from datetime import timedelta

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def negative_invoices_to_credit_notes(apps, schema_editor):
    Invoice = apps.get_model("payouts", "Invoice")
    InvoiceLine = apps.get_model("payouts", "InvoiceLine")
    CreditNote = apps.get_model("payouts", "CreditNote")
    CreditNoteLine = apps.get_model("payouts", "CreditNoteLine")
    for invoice in Invoice.objects.filter(due_date__isnull=True, total__gt=0):
        invoice.due_date = invoice.issued_at.date() + timedelta(days=invoice.terms_days)
        invoice.save(update_fields=["due_date"])
    numbers: dict[int, int] = {}
    for invoice in Invoice.objects.filter(total__lte=0).order_by("network_id", "number"):
        lines = list(InvoiceLine.objects.filter(invoice=invoice))
        if invoice.total < 0:
            numbers[invoice.network_id] = numbers.get(invoice.network_id, 0) + 1
            credit = -invoice.total
            note = CreditNote.objects.create(
                network_id=invoice.network_id,
                advertiser_id=invoice.advertiser_id,
                number=numbers[invoice.network_id],
                period=invoice.period,
                currency=invoice.currency,
                total=credit,
                remaining=credit if invoice.status == "issued" else 0,
                issued_at=invoice.issued_at,
            )
            CreditNoteLine.objects.bulk_create(
                CreditNoteLine(
                    network_id=line.network_id,
                    credit_note=note,
                    offer_id=line.offer_id,
                    goal_id=line.goal_id,
                    conversions=line.conversions,
                    amount=line.amount,
                )
                for line in lines
            )
        InvoiceLine.objects.filter(invoice=invoice).delete()
        invoice.delete()
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred foreign-key checks now: PostgreSQL refuses to ALTER a table (the
        # constraints below) with trigger events pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("advertisers", "0005_advertiser_blocked_status"),
        ("network", "0011_invoice_terms"),
        ("offers", "0001_initial"),
        ("payouts", "0006_currency_minimums"),
    ]

    operations = [
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
            ],
            options={
                "ordering": ["credit_note__number"],
            },
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
            ],
            options={
                "ordering": ["offer__name", "goal__name"],
            },
        ),
        migrations.AddField(
            model_name="invoice",
            name="credit_applied",
            field=models.BigIntegerField(
                default=0, help_text="minor units taken off the total by credit notes"
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="due_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invoice",
            name="terms_days",
            field=models.PositiveSmallIntegerField(
                default=30, help_text="days to pay after issue (the network's setting then)"
            ),
        ),
        migrations.AddField(
            model_name="creditapplication",
            name="invoice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="credits",
                to="payouts.invoice",
            ),
        ),
        migrations.AddField(
            model_name="creditapplication",
            name="network",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="network.network"
            ),
        ),
        migrations.AddField(
            model_name="creditnote",
            name="advertiser",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="credit_notes",
                to="advertisers.advertiser",
            ),
        ),
        migrations.AddField(
            model_name="creditnote",
            name="network",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="network.network"
            ),
        ),
        migrations.AddField(
            model_name="creditapplication",
            name="credit_note",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to="payouts.creditnote",
            ),
        ),
        migrations.AddField(
            model_name="creditnoteline",
            name="credit_note",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lines",
                to="payouts.creditnote",
            ),
        ),
        migrations.AddField(
            model_name="creditnoteline",
            name="goal",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="offers.goal"
            ),
        ),
        migrations.AddField(
            model_name="creditnoteline",
            name="network",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="network.network"
            ),
        ),
        migrations.AddField(
            model_name="creditnoteline",
            name="offer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="offers.offer"
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
        migrations.RunPython(negative_invoices_to_credit_notes, migrations.RunPython.noop),
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
    ]
