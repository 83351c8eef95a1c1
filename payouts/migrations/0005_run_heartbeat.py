"""Runs recover without the broker: a run is first a row "being made" with a heartbeat that
its task renews; the beat makes again a run whose heartbeat is older than a minute.
(Depends on 0004_ledger_immutable only to keep one leaf: nothing here needs it.)"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0004_ledger_immutable"),
    ]

    operations = [
        migrations.AddField(
            model_name="payoutrun",
            name="heartbeat_at",
            field=models.DateTimeField(
                blank=True,
                help_text="renewed by the task making the run, while it lives",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="payoutrun",
            name="status",
            field=models.CharField(
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
    ]
