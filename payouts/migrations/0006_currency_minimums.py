"""Currency-aware payout rules (issue 15, section 2): the minimum a run applied to each line,
and the currency of a publisher's bank account (a bank file pays only lines in it).

Bank details saved before the account's currency was asked for are taken to be in the
network's currency, the currency they were paid in until now.
"""

from django.db import migrations, models


def bank_accounts_in_network_currency(apps, schema_editor):
    PaymentDetails = apps.get_model("payouts", "PaymentDetails")
    for details in PaymentDetails.objects.filter(method="bank").select_related("network"):
        details.currency = details.network.currency
        details.save(update_fields=["currency"])


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0005_run_heartbeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="payoutline",
            name="minimum",
            field=models.BigIntegerField(blank=True, help_text="minor units", null=True),
        ),
        migrations.AddField(
            model_name="paymentdetails",
            name="currency",
            field=models.CharField(blank=True, max_length=3, verbose_name="account currency"),
        ),
        migrations.RunPython(bank_accounts_in_network_currency, migrations.RunPython.noop),
    ]
