"""Payout tiers and overrides are commissions' now (commissions.0001 took them into its state,
with these same tables): they leave offers' state only; the tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0001_initial"),
        ("commissions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="TierPayout"),
                migrations.DeleteModel(name="TierMembership"),
                migrations.DeleteModel(name="PayoutOverride"),
                migrations.DeleteModel(name="PayoutTier"),
            ],
            database_operations=[],
        ),
    ]
