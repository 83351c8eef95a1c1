"""PaymentDetails is publishers' now (publishers.0007 took it into its state, with this same
table): it leaves payouts' state only; the table and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0007_credit_notes"),
        ("publishers", "0007_payment_details"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PaymentDetails")],
            database_operations=[],
        ),
    ]
