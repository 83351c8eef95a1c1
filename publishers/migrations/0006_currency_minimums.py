"""A publisher's own minimum payout per currency (issue 15, section 2).

Today's `Publisher.min_payout` was in the network's currency: it becomes the publisher's
minimum for that currency.
"""

import django.db.models.deletion
from django.db import migrations, models

import lib.money


def copy_minimums(apps, schema_editor):
    Publisher = apps.get_model("publishers", "Publisher")
    PublisherMinimum = apps.get_model("publishers", "PublisherMinimum")
    own = Publisher.objects.filter(min_payout__isnull=False).select_related("network")
    PublisherMinimum.objects.bulk_create(
        PublisherMinimum(
            network_id=publisher.network_id,
            publisher_id=publisher.pk,
            currency=publisher.network.currency,
            amount=lib.money.to_minor(publisher.min_payout, publisher.network.currency),
        )
        for publisher in own
    )


def restore_minimums(apps, schema_editor):
    # Only the columns needed (values, update): a later migration's columns of the network
    # may already be gone when this one is undone.
    Publisher = apps.get_model("publishers", "Publisher")
    PublisherMinimum = apps.get_model("publishers", "PublisherMinimum")
    rows = PublisherMinimum.objects.values(
        "publisher_id", "currency", "amount", "publisher__network__currency"
    )
    for row in rows:
        if row["currency"] == row["publisher__network__currency"]:
            Publisher.objects.filter(pk=row["publisher_id"]).update(
                min_payout=lib.money.from_minor(row["amount"], row["currency"])
            )

class Migration(migrations.Migration):
    dependencies = [
        ("network", "0008_auditentry_network_created_index"),
        ("publishers", "0005_postback_delivery"),
    ]

    operations = [
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
                "constraints": [
                    models.UniqueConstraint(
                        fields=("network", "publisher", "currency"),
                        name="publisher_minimum_once",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(amount__gte=0), name="publisher_minimum_gte_0"
                    ),
                ],
            },
        ),
        migrations.RunPython(copy_minimums, restore_minimums),
        migrations.RemoveField(model_name="publisher", name="min_payout"),
    ]
