"""Tracking's tables as the old chain (0001_initial to 0008) left them, squashed from today's
models (issue 17); 0002_squashed_click_like_index drops the one index that no model says."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("tracking", "0001_initial"),
        ("tracking", "0002_click_for_fast_inserts"),
        ("tracking", "0003_conversion_unchecked_index"),
        ("tracking", "0004_conversion_decided_at_conversion_ledger_postings"),
        ("tracking", "0005_conversion_fewer_indexes"),
        ("tracking", "0006_rollup_indexes"),
        ("tracking", "0008_conversion_method_click"),
    ]

    dependencies = [
        ("advertisers", "0002_squashed_relations"),
        ("network", "0002_squashed_relations"),
        ("offers", "0001_squashed"),
        ("publishers", "0001_squashed"),
    ]

    operations = [
        migrations.CreateModel(
            name="Click",
            fields=[
                ("id", models.CharField(max_length=32, primary_key=True, serialize=False)),
                ("aff_sub", models.CharField(blank=True, max_length=255)),
                ("aff_sub2", models.CharField(blank=True, max_length=255)),
                ("aff_sub3", models.CharField(blank=True, max_length=255)),
                ("aff_sub4", models.CharField(blank=True, max_length=255)),
                ("aff_sub5", models.CharField(blank=True, max_length=255)),
                ("source", models.CharField(blank=True, max_length=255)),
                ("aff_click_id", models.CharField(blank=True, max_length=255)),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("user_agent", models.CharField(blank=True, max_length=512)),
                ("referrer", models.CharField(blank=True, max_length=1024)),
                ("country", models.CharField(blank=True, max_length=2)),
                ("device_type", models.CharField(blank=True, max_length=8)),
                ("os", models.CharField(blank=True, max_length=32)),
                ("browser", models.CharField(blank=True, max_length=32)),
                ("is_unique", models.BooleanField(default=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("accepted", "Accepted"), ("rejected", "Rejected")],
                        default="accepted",
                        max_length=8,
                    ),
                ),
                ("reject_reason", models.CharField(blank=True, max_length=32)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "creative",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.creative",
                    ),
                ),
                (
                    "landing_page",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.landingpage",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="clicks",
                        to="offers.offer",
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Conversion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("reversed", "Reversed"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("reason_code", models.CharField(blank=True, max_length=32)),
                ("sale_amount", models.DecimalField(decimal_places=3, default=0, max_digits=14)),
                ("revenue", models.DecimalField(decimal_places=3, default=0, max_digits=14)),
                ("payout", models.DecimalField(decimal_places=3, default=0, max_digits=14)),
                ("currency", models.CharField(max_length=3)),
                ("adv_sub", models.CharField(blank=True, max_length=255)),
                ("adv_sub2", models.CharField(blank=True, max_length=255)),
                ("adv_sub3", models.CharField(blank=True, max_length=255)),
                ("adv_sub4", models.CharField(blank=True, max_length=255)),
                ("adv_sub5", models.CharField(blank=True, max_length=255)),
                ("order_id", models.CharField(blank=True, max_length=255, verbose_name="order id")),
                (
                    "click_goal_key",
                    models.CharField(blank=True, editable=False, max_length=64, null=True),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("postback", "Server postback"),
                            ("pixel", "Pixel"),
                            ("click", "Unique click (CPC)"),
                        ],
                        max_length=8,
                    ),
                ),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("fraud_flags", models.JSONField(blank=True, default=list)),
                ("fraud_checked_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "click",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conversions",
                        to="tracking.click",
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
                        db_index=False,
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
                (
                    "publisher",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("ledger_postings", models.PositiveIntegerField(default=0, editable=False)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Impression",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("user_agent", models.CharField(blank=True, max_length=512)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "creative",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="offers.creative",
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
                (
                    "publisher",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="RejectedPostback",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.CharField(max_length=64)),
                ("query", models.TextField()),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "advertiser",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="advertisers.advertiser",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.AddIndex(
            model_name="click",
            index=models.Index(
                fields=["network", "publisher", "created_at"], name="tracking_cl_network_d3fcb0_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="click",
            index=models.Index(fields=["network", "created_at"], name="click_network_time"),
        ),
        migrations.AddIndex(
            model_name="conversion",
            index=models.Index(
                fields=["network", "status", "created_at"], name="tracking_co_network_1a6de5_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="conversion",
            index=models.Index(
                fields=["network", "publisher", "created_at"], name="tracking_co_network_7de122_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="conversion",
            index=models.Index(
                fields=["network", "offer", "created_at"], name="tracking_co_network_39510c_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="conversion",
            index=models.Index(
                fields=["network", "ip", "created_at"], name="tracking_co_network_31f1ac_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="conversion",
            index=models.Index(fields=["click"], name="conversion_click"),
        ),
        migrations.AddIndex(
            model_name="conversion",
            index=models.Index(
                condition=models.Q(("decided_at__isnull", False)),
                fields=["network", "decided_at"],
                name="conversion_decided",
            ),
        ),
        migrations.AddIndex(
            model_name="conversion",
            index=models.Index(
                condition=models.Q(("fraud_checked_at__isnull", True)),
                fields=["network", "id"],
                name="conversion_unchecked",
            ),
        ),
        migrations.AddConstraint(
            model_name="conversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("order_id", ""), _negated=True),
                fields=("network", "offer", "goal", "order_id"),
                name="conversion_order_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="conversion",
            constraint=models.UniqueConstraint(
                fields=("network", "click_goal_key"), name="conversion_click_goal_once"
            ),
        ),
        migrations.AddIndex(
            model_name="impression",
            index=models.Index(
                fields=["network", "offer", "created_at"], name="tracking_im_network_70b57c_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="impression",
            index=models.Index(fields=["network", "created_at"], name="impression_network_time"),
        ),
    ]
