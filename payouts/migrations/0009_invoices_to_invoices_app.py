"""Invoices and credit notes are the invoices app's now (invoices.0001 took them into its state,
with these same tables): they leave payouts' state only; the tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0008_payment_details_to_publishers"),
        ("invoices", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CreditApplication"),
                migrations.DeleteModel(name="CreditNoteLine"),
                migrations.DeleteModel(name="InvoiceLine"),
                migrations.DeleteModel(name="CreditNote"),
                migrations.DeleteModel(name="Invoice"),
            ],
            database_operations=[],
        ),
    ]
