"""Reports' tables as the old chain (0001_initial to 0006) left them, squashed from today's
models (issue 17). Its data steps, which only moved the rows of databases made before them,
are not carried."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("reports", "0001_initial"),
        ("reports", "0002_daily_rollups"),
        ("reports", "0003_daily_landing_pages_and_geo"),
        ("reports", "0004_daily_redo_progress"),
        ("reports", "0005_daily_advertiser_publishers"),
        ("reports", "0006_converting_clicks"),
    ]

    dependencies = [
        ("advertisers", "0002_squashed_relations"),
        ("network", "0002_squashed_relations"),
        ("offers", "0001_squashed"),
        ("publishers", "0001_squashed"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rolled_until", models.DateTimeField(blank=True, null=True)),
                ("last_run_started_at", models.DateTimeField(blank=True, null=True)),
                (
                    "network",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                ("daily_timezone", models.CharField(blank=True, max_length=64)),
                ("daily_redo_timezone", models.CharField(blank=True, max_length=64)),
                ("daily_redone_until", models.DateField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name="DailyAdvertiserPublisherStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("clicks", models.PositiveIntegerField(default=0)),
                ("unique_clicks", models.PositiveIntegerField(default=0)),
                ("impressions", models.PositiveIntegerField(default=0)),
                ("conversions_approved", models.PositiveIntegerField(default=0)),
                ("conversions_pending", models.PositiveIntegerField(default=0)),
                ("conversions_rejected", models.PositiveIntegerField(default=0)),
                ("conversions_reversed", models.PositiveIntegerField(default=0)),
                ("sale_amount", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("revenue", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                (
                    "pending_revenue",
                    models.DecimalField(decimal_places=3, default=0, max_digits=20),
                ),
                ("pending_payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("day", models.DateField()),
                ("currency", models.CharField(max_length=3)),
                (
                    "advertiser",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
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
                (
                    "publisher",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
                ("converting_clicks", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["network", "advertiser", "day"], name="dailyadvpubstat_advertiser"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("network", "day", "advertiser", "publisher", "currency"),
                        name="dailyadvertiserpublisherstat_once",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DailyGeoStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("clicks", models.PositiveIntegerField(default=0)),
                ("unique_clicks", models.PositiveIntegerField(default=0)),
                ("impressions", models.PositiveIntegerField(default=0)),
                ("conversions_approved", models.PositiveIntegerField(default=0)),
                ("conversions_pending", models.PositiveIntegerField(default=0)),
                ("conversions_rejected", models.PositiveIntegerField(default=0)),
                ("conversions_reversed", models.PositiveIntegerField(default=0)),
                ("sale_amount", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("revenue", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                (
                    "pending_revenue",
                    models.DecimalField(decimal_places=3, default=0, max_digits=20),
                ),
                ("pending_payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("day", models.DateField()),
                ("country", models.CharField(blank=True, max_length=2)),
                ("device", models.CharField(blank=True, max_length=8)),
                ("currency", models.CharField(max_length=3)),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.offer",
                    ),
                ),
                ("converting_clicks", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["network", "offer", "day"], name="dailygeostat_offer")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("network", "day", "offer", "country", "device", "currency"),
                        name="dailygeostat_once",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DailyLandingPageStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("clicks", models.PositiveIntegerField(default=0)),
                ("unique_clicks", models.PositiveIntegerField(default=0)),
                ("impressions", models.PositiveIntegerField(default=0)),
                ("conversions_approved", models.PositiveIntegerField(default=0)),
                ("conversions_pending", models.PositiveIntegerField(default=0)),
                ("conversions_rejected", models.PositiveIntegerField(default=0)),
                ("conversions_reversed", models.PositiveIntegerField(default=0)),
                ("sale_amount", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("revenue", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                (
                    "pending_revenue",
                    models.DecimalField(decimal_places=3, default=0, max_digits=20),
                ),
                ("pending_payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("day", models.DateField()),
                ("currency", models.CharField(max_length=3)),
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.offer",
                    ),
                ),
                ("converting_clicks", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["network", "offer", "day"], name="dailylandingpagestat_offer"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("network", "day", "offer", "landing_page", "currency"),
                        name="dailylandingpagestat_once",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DailyOfferStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("clicks", models.PositiveIntegerField(default=0)),
                ("unique_clicks", models.PositiveIntegerField(default=0)),
                ("impressions", models.PositiveIntegerField(default=0)),
                ("conversions_approved", models.PositiveIntegerField(default=0)),
                ("conversions_pending", models.PositiveIntegerField(default=0)),
                ("conversions_rejected", models.PositiveIntegerField(default=0)),
                ("conversions_reversed", models.PositiveIntegerField(default=0)),
                ("sale_amount", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("revenue", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                (
                    "pending_revenue",
                    models.DecimalField(decimal_places=3, default=0, max_digits=20),
                ),
                ("pending_payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("day", models.DateField()),
                ("currency", models.CharField(max_length=3)),
                (
                    "goal",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.goal",
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
                (
                    "offer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.offer",
                    ),
                ),
                ("converting_clicks", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["network", "offer", "day"], name="dailyofferstat_offer")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("network", "day", "offer", "goal", "currency"),
                        name="dailyofferstat_once",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DailyPublisherStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("clicks", models.PositiveIntegerField(default=0)),
                ("unique_clicks", models.PositiveIntegerField(default=0)),
                ("impressions", models.PositiveIntegerField(default=0)),
                ("conversions_approved", models.PositiveIntegerField(default=0)),
                ("conversions_pending", models.PositiveIntegerField(default=0)),
                ("conversions_rejected", models.PositiveIntegerField(default=0)),
                ("conversions_reversed", models.PositiveIntegerField(default=0)),
                ("sale_amount", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("revenue", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                (
                    "pending_revenue",
                    models.DecimalField(decimal_places=3, default=0, max_digits=20),
                ),
                ("pending_payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("day", models.DateField()),
                ("currency", models.CharField(max_length=3)),
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
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
                ("converting_clicks", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["network", "publisher", "day"], name="dailypublisherstat_publisher"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("network", "day", "publisher", "currency"),
                        name="dailypublisherstat_once",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DailyStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("clicks", models.PositiveIntegerField(default=0)),
                ("unique_clicks", models.PositiveIntegerField(default=0)),
                ("impressions", models.PositiveIntegerField(default=0)),
                ("conversions_approved", models.PositiveIntegerField(default=0)),
                ("conversions_pending", models.PositiveIntegerField(default=0)),
                ("conversions_rejected", models.PositiveIntegerField(default=0)),
                ("conversions_reversed", models.PositiveIntegerField(default=0)),
                ("sale_amount", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("revenue", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                (
                    "pending_revenue",
                    models.DecimalField(decimal_places=3, default=0, max_digits=20),
                ),
                ("pending_payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("day", models.DateField()),
                ("currency", models.CharField(max_length=3)),
                (
                    "goal",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.goal",
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
                (
                    "offer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.offer",
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
                ("converting_clicks", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["network", "publisher", "day"], name="dailystat_publisher"
                    ),
                    models.Index(fields=["network", "offer", "day"], name="dailystat_offer"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("network", "day", "offer", "goal", "publisher", "currency"),
                        name="dailystat_once",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DailyTrafficStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("clicks", models.PositiveIntegerField(default=0)),
                ("unique_clicks", models.PositiveIntegerField(default=0)),
                ("impressions", models.PositiveIntegerField(default=0)),
                ("conversions_approved", models.PositiveIntegerField(default=0)),
                ("conversions_pending", models.PositiveIntegerField(default=0)),
                ("conversions_rejected", models.PositiveIntegerField(default=0)),
                ("conversions_reversed", models.PositiveIntegerField(default=0)),
                ("sale_amount", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("revenue", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                (
                    "pending_revenue",
                    models.DecimalField(decimal_places=3, default=0, max_digits=20),
                ),
                ("pending_payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("day", models.DateField()),
                ("country", models.CharField(blank=True, max_length=2)),
                ("device", models.CharField(blank=True, max_length=8)),
                ("currency", models.CharField(max_length=3)),
                (
                    "goal",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.goal",
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.offer",
                    ),
                ),
                ("converting_clicks", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["network", "offer", "day"], name="dailytrafficstat_offer")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "network",
                            "day",
                            "offer",
                            "goal",
                            "landing_page",
                            "country",
                            "device",
                            "currency",
                        ),
                        name="dailytrafficstat_once",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HourlyStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("hour", models.DateTimeField()),
                ("country", models.CharField(blank=True, max_length=2)),
                ("device", models.CharField(blank=True, max_length=8)),
                ("currency", models.CharField(max_length=3)),
                ("clicks", models.PositiveIntegerField(default=0)),
                ("unique_clicks", models.PositiveIntegerField(default=0)),
                ("impressions", models.PositiveIntegerField(default=0)),
                ("conversions_approved", models.PositiveIntegerField(default=0)),
                ("conversions_pending", models.PositiveIntegerField(default=0)),
                ("conversions_rejected", models.PositiveIntegerField(default=0)),
                ("conversions_reversed", models.PositiveIntegerField(default=0)),
                ("sale_amount", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("revenue", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                ("payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                (
                    "pending_revenue",
                    models.DecimalField(decimal_places=3, default=0, max_digits=20),
                ),
                ("pending_payout", models.DecimalField(decimal_places=3, default=0, max_digits=20)),
                (
                    "goal",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.goal",
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="offers.offer",
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
                ("converting_clicks", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["network", "publisher", "hour"], name="hourlystat_publisher"
                    ),
                    models.Index(fields=["network", "offer", "hour"], name="hourlystat_offer"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "network",
                            "hour",
                            "offer",
                            "goal",
                            "publisher",
                            "landing_page",
                            "country",
                            "device",
                            "currency",
                        ),
                        name="hourlystat_once",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
    ]
