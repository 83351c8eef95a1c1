"""Publishers' tables as the old chain (0001_initial to 0009) left them, squashed from today's
models (issue 17); payouts_paymentdetails keeps the name it had in payouts (`db_table`).
Its data steps, which only moved the rows of databases made before them, are not carried."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import lib.countries


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("publishers", "0001_initial"),
        ("publishers", "0002_postbacks"),
        ("publishers", "0003_publisher_min_payout"),
        ("publishers", "0004_postback_events"),
        ("publishers", "0005_postback_delivery"),
        ("publishers", "0006_currency_minimums"),
        ("publishers", "0007_alter_publisher_country"),
        ("publishers", "0007_payment_details"),
        ("publishers", "0007_postbacks_move_to_webhooks"),
        ("publishers", "0008_merge_20261207_1604"),
        ("publishers", "0009_merge_0007_payment_details_0008_merge_20261207_1604"),
    ]

    dependencies = [
        ("network", "0001_squashed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Publisher",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=150, verbose_name="company or name")),
                ("website", models.URLField(verbose_name="website")),
                ("traffic_sources", models.JSONField(default=list, verbose_name="traffic sources")),
                (
                    "traffic_description",
                    models.TextField(blank=True, verbose_name="how you send traffic"),
                ),
                (
                    "country",
                    models.CharField(
                        choices=lib.countries.country_choices, max_length=2, verbose_name="country"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending review"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                ("decision_reason", models.TextField(blank=True, verbose_name="reason")),
                ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="publishers",
                        to="network.network",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="PaymentDetails",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("paypal", "PayPal"),
                            ("bank", "Bank transfer"),
                            ("other", "Other"),
                        ],
                        max_length=8,
                        verbose_name="method",
                    ),
                ),
                (
                    "paypal_email",
                    models.EmailField(blank=True, max_length=254, verbose_name="PayPal email"),
                ),
                (
                    "account_holder",
                    models.CharField(blank=True, max_length=150, verbose_name="account holder"),
                ),
                ("iban", models.CharField(blank=True, max_length=34, verbose_name="IBAN")),
                ("swift", models.CharField(blank=True, max_length=11, verbose_name="SWIFT/BIC")),
                (
                    "bank_name",
                    models.CharField(blank=True, max_length=150, verbose_name="bank name"),
                ),
                (
                    "account_number",
                    models.CharField(blank=True, max_length=40, verbose_name="account number"),
                ),
                (
                    "routing_number",
                    models.CharField(
                        blank=True, max_length=40, verbose_name="routing or sort code"
                    ),
                ),
                ("instructions", models.TextField(blank=True, verbose_name="instructions")),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "publisher",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="payment_details",
                        to="publishers.publisher",
                    ),
                ),
                (
                    "currency",
                    models.CharField(blank=True, max_length=3, verbose_name="account currency"),
                ),
            ],
            options={
                "db_table": "payouts_paymentdetails",
            },
        ),
        migrations.CreateModel(
            name="PublisherMinimum",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("currency", models.CharField(max_length=3, verbose_name="currency")),
                (
                    "amount",
                    models.BigIntegerField(help_text="minor units", verbose_name="minimum payout"),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="minimums",
                        to="publishers.publisher",
                    ),
                ),
            ],
            options={
                "ordering": ["currency"],
            },
        ),
        migrations.AddIndex(
            model_name="publisher",
            index=models.Index(fields=["network", "status"], name="publishers__network_f8224c_idx"),
        ),
        migrations.AddConstraint(
            model_name="publisherminimum",
            constraint=models.UniqueConstraint(
                fields=("network", "publisher", "currency"), name="publisher_minimum_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="publisherminimum",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gte", 0)), name="publisher_minimum_gte_0"
            ),
        ),
    ]
