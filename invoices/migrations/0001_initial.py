"""Invoices and credit notes move here from payouts with their tables (payouts_invoice,
payouts_invoiceline, payouts_creditnote, payouts_creditnoteline, payouts_creditapplication):
only Django's state moves (payouts.0009 takes the models out of payouts' state), no row is
copied, no constraint or index is renamed. Their content types follow, so that what points at
them (permissions) stays linked; the audit log keeps calling their rows "payouts.invoice" and
"payouts.creditnote" (the models' `audit_type`)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MODELS = ["invoice", "invoiceline", "creditnote", "creditnoteline", "creditapplication"]


def content_types_to(old_app: str, new_app: str):
    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        for model in MODELS:
            if not content_types.filter(app_label=new_app, model=model).exists():
                content_types.filter(app_label=old_app, model=model).update(app_label=new_app)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("advertisers", "0005_advertiser_blocked_status"),
        ("network", "0012_alter_network_language_alter_user_language"),
        ("offers", "0001_initial"),
        ("payouts", "0008_payment_details_to_publishers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CreditNote",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("number", models.PositiveIntegerField()),
                        ("period", models.DateField()),
                        ("currency", models.CharField(max_length=3)),
                        (
                            "total",
                            models.BigIntegerField(help_text="minor units credited (positive)"),
                        ),
                        (
                            "remaining",
                            models.BigIntegerField(help_text="minor units not applied yet"),
                        ),
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
                        "db_table": "payouts_creditnote",
                        "ordering": ["-period", "-number"],
                    },
                ),
                migrations.CreateModel(
                    name="CreditNoteLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("conversions", models.IntegerField(help_text="approvals in the month")),
                        ("amount", models.BigIntegerField(help_text="minor units, as booked")),
                        (
                            "credit_note",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="lines",
                                to="invoices.creditnote",
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
                        "db_table": "payouts_creditnoteline",
                        "ordering": ["offer__name", "goal__name"],
                    },
                ),
                migrations.CreateModel(
                    name="Invoice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
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
                            "credit_applied",
                            models.BigIntegerField(
                                default=0,
                                help_text="minor units taken off the total by credit notes",
                            ),
                        ),
                        (
                            "terms_days",
                            models.PositiveSmallIntegerField(
                                default=30,
                                help_text="days to pay after issue (the network's setting then)",
                            ),
                        ),
                        ("due_date", models.DateField(blank=True, null=True)),
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
                    ],
                    options={
                        "db_table": "payouts_invoice",
                        "ordering": ["-period", "-number"],
                    },
                ),
                migrations.CreateModel(
                    name="CreditApplication",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("amount", models.BigIntegerField(help_text="minor units")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                                to="invoices.creditnote",
                            ),
                        ),
                        (
                            "invoice",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="credits",
                                to="invoices.invoice",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "payouts_creditapplication",
                        "ordering": ["credit_note__number"],
                    },
                ),
                migrations.CreateModel(
                    name="InvoiceLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
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
                                to="invoices.invoice",
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
                        "db_table": "payouts_invoiceline",
                        "ordering": ["offer__name", "goal__name"],
                    },
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
                        fields=("network", "advertiser", "period", "currency"),
                        name="credit_note_once",
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
                        condition=models.Q(
                            ("remaining__gte", 0), ("remaining__lte", models.F("total"))
                        ),
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
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_types_to("payouts", "invoices"), content_types_to("invoices", "payouts")
        ),
    ]
