"""Runs recover without the broker: a run is first a row "being made" with a heartbeat that
its task renews; the beat makes again a run whose heartbeat is older than a minute.
(Depends on 0003_ledger_immutable only to keep one leaf: nothing here needs it.)"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0003_ledger_immutable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
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
        migrations.AddField(
            model_name="payoutrun",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                help_text="who started the run; empty when the monthly job did",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
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
