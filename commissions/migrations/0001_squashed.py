"""Payout tiers and overrides as the old chain left them, in the tables they had in offers
(`db_table`), squashed from today's models (issue 17)."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("commissions", "0001_initial"),
    ]

    dependencies = [
        ("network", "0002_squashed_relations"),
        ("offers", "0001_squashed"),
        ("publishers", "0001_squashed"),
    ]

    operations = [
        migrations.CreateModel(
            name="PayoutTier",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
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
                "db_table": "offers_payouttier",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="TierMembership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
                (
                    "tier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="commissions.payouttier",
                    ),
                ),
            ],
            options={
                "db_table": "offers_tiermembership",
            },
        ),
        migrations.CreateModel(
            name="TierPayout",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "payout_type",
                    models.CharField(
                        choices=[
                            ("cpa", "CPA: flat per action"),
                            ("cps", "CPS: percent of sale"),
                            ("cpa_cps", "CPA + CPS"),
                            ("cpl", "CPL: flat per lead"),
                            ("cpc", "CPC: per unique click"),
                        ],
                        max_length=8,
                        verbose_name="payout type",
                    ),
                ),
                (
                    "payout_amount",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0"),
                        max_digits=14,
                        verbose_name="payout (flat)",
                    ),
                ),
                (
                    "payout_percent",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0"),
                        max_digits=6,
                        verbose_name="payout (% of sale)",
                    ),
                ),
                (
                    "goal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tier_payouts",
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
                    "tier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="payouts",
                        to="commissions.payouttier",
                    ),
                ),
            ],
            options={
                "db_table": "offers_tierpayout",
            },
        ),
        migrations.CreateModel(
            name="PayoutOverride",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "payout_type",
                    models.CharField(
                        choices=[
                            ("cpa", "CPA: flat per action"),
                            ("cps", "CPS: percent of sale"),
                            ("cpa_cps", "CPA + CPS"),
                            ("cpl", "CPL: flat per lead"),
                            ("cpc", "CPC: per unique click"),
                        ],
                        max_length=8,
                        verbose_name="payout type",
                    ),
                ),
                (
                    "payout_amount",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0"),
                        max_digits=14,
                        verbose_name="payout (flat)",
                    ),
                ),
                (
                    "payout_percent",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0"),
                        max_digits=6,
                        verbose_name="payout (% of sale)",
                    ),
                ),
                (
                    "goal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="overrides",
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
                    "publisher",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
            ],
            options={
                "db_table": "offers_payoutoverride",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("network", "goal", "publisher"), name="payout_override_once"
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="payouttier",
            constraint=models.UniqueConstraint(fields=("network", "name"), name="tier_name"),
        ),
        migrations.AddConstraint(
            model_name="tiermembership",
            constraint=models.UniqueConstraint(
                fields=("network", "publisher"), name="one_tier_per_publisher"
            ),
        ),
        migrations.AddConstraint(
            model_name="tierpayout",
            constraint=models.UniqueConstraint(
                fields=("network", "tier", "goal"), name="tier_payout_once"
            ),
        ),
    ]
