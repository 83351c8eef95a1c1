"""PaymentDetails moves here from payouts with its table, payouts_paymentdetails: only Django's
state moves (payouts.0008 takes the model out of payouts' state), no row is copied. Its
content type follows, so that what points at it (permissions) stays linked."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def content_type_to(old_app: str, new_app: str):
    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        if not content_types.filter(app_label=new_app, model="paymentdetails").exists():
            content_types.filter(app_label=old_app, model="paymentdetails").update(
                app_label=new_app
            )

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("network", "0012_alter_network_language_alter_user_language"),
        ("payouts", "0007_credit_notes"),
        ("publishers", "0006_currency_minimums"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PaymentDetails",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "method",
                            models.CharField(
                                choices=[
                                    ("paypal", "PayPal"),
                                    ("bank", "Bank transfer"),
                                    ("other", "Other"),
                                ],
                                max_length=8,
                                verbose_name="method",
                            ),
                        ),
                        (
                            "paypal_email",
                            models.EmailField(
                                blank=True, max_length=254, verbose_name="PayPal email"
                            ),
                        ),
                        (
                            "account_holder",
                            models.CharField(
                                blank=True, max_length=150, verbose_name="account holder"
                            ),
                        ),
                        ("iban", models.CharField(blank=True, max_length=34, verbose_name="IBAN")),
                        (
                            "swift",
                            models.CharField(blank=True, max_length=11, verbose_name="SWIFT/BIC"),
                        ),
                        (
                            "bank_name",
                            models.CharField(blank=True, max_length=150, verbose_name="bank name"),
                        ),
                        (
                            "account_number",
                            models.CharField(
                                blank=True, max_length=40, verbose_name="account number"
                            ),
                        ),
                        (
                            "routing_number",
                            models.CharField(
                                blank=True, max_length=40, verbose_name="routing or sort code"
                            ),
                        ),
                        (
                            "currency",
                            models.CharField(
                                blank=True, max_length=3, verbose_name="account currency"
                            ),
                        ),
                        ("instructions", models.TextField(blank=True, verbose_name="instructions")),
                        ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="payment_details",
                                to="publishers.publisher",
                            ),
                        ),
                    ],
                    options={"db_table": "payouts_paymentdetails"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_type_to("payouts", "publishers"), content_type_to("publishers", "payouts")
        ),
    ]
