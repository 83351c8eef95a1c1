"""Minimum payouts per currency (issue 15, section 2).

Today's single `Network.min_payout` becomes the minimum of the network's own currency; other
currencies start without a minimum (every positive balance is paid) until an admin sets one.
"""

import django.db.models.deletion
from django.db import migrations, models

import lib.money


def copy_minimums(apps, schema_editor):
    Network = apps.get_model("network", "Network")
    PayoutMinimum = apps.get_model("network", "PayoutMinimum")
    PayoutMinimum.objects.bulk_create(
        PayoutMinimum(
            network_id=network.pk,
            currency=network.currency,
            amount=lib.money.to_minor(network.min_payout, network.currency),
        )
        for network in Network.objects.all()
    )


def restore_minimums(apps, schema_editor):
    Network = apps.get_model("network", "Network")
    PayoutMinimum = apps.get_model("network", "PayoutMinimum")
    for row in PayoutMinimum.objects.all():
        network = Network.objects.get(pk=row.network_id)
        if row.currency == network.currency:
            network.min_payout = lib.money.from_minor(row.amount, row.currency)
            network.save(update_fields=["min_payout"])


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0009_api_key_scopes"),
    ]

    operations = [
        migrations.CreateModel(
            name="PayoutMinimum",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "currency",
                    models.CharField(
                        max_length=3,
                        validators=[lib.money.validate_currency],
                        verbose_name="currency",
                    ),
                ),
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
            ],
            options={
                "ordering": ["currency"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("network", "currency"), name="payout_minimum_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(amount__gte=0), name="payout_minimum_gte_0"
                    ),
                ],
            },
        ),
        migrations.RunPython(copy_minimums, restore_minimums),
        migrations.RemoveField(model_name="network", name="min_payout"),
    ]
