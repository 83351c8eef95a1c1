"""Network's relations to publishers, users and the network itself (see 0001_squashed).
Its data steps, which only moved the rows of databases made before them, are not carried."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("network", "0002_initial"),
        ("network", "0003_network_default_margin_percent_and_more"),
        ("network", "0004_network_fallback_url"),
        ("network", "0005_network_min_payout_network_payout_second_approver"),
        ("network", "0006_user_language"),
        ("network", "0007_api_keys_idempotency"),
        ("network", "0008_auditentry_network_created_index"),
        ("network", "0009_api_key_scopes"),
        ("network", "0010_currency_minimums"),
        ("network", "0011_invoice_terms"),
        ("network", "0012_alter_network_language_alter_user_language"),
        ("network", "0013_auditentry_to_audit_app"),
    ]

    dependencies = [
        ("network", "0001_squashed"),
        ("publishers", "0001_squashed"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="publisher",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="publishers.publisher",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="network",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="network.network",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="network",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="invitations",
                to="network.network",
            ),
        ),
        migrations.AddField(
            model_name="domain",
            name="network",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="domains",
                to="network.network",
            ),
        ),
        migrations.AddField(
            model_name="payoutminimum",
            name="network",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="network.network"
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                fields=("network", "user"), name="membership_one_per_network"
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("advertiser__isnull", False),
                        ("publisher__isnull", True),
                        ("role", "advertiser"),
                    ),
                    models.Q(
                        ("advertiser__isnull", True),
                        ("publisher__isnull", False),
                        ("role", "publisher"),
                    ),
                    models.Q(
                        ("advertiser__isnull", True),
                        ("publisher__isnull", True),
                        ("role__in", ["owner", "manager"]),
                    ),
                    _connector="OR",
                ),
                name="membership_company_matches_role",
            ),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("advertiser__isnull", False), ("role", "advertiser")),
                    models.Q(("advertiser__isnull", True), ("role", "manager")),
                    _connector="OR",
                ),
                name="invitation_advertiser_matches_role",
            ),
        ),
        migrations.AddConstraint(
            model_name="idempotencyrecord",
            constraint=models.UniqueConstraint(
                fields=("network", "user", "key"), name="idempotency_key_once"
            ),
        ),
        migrations.AddIndex(
            model_name="apikey",
            index=models.Index(fields=["network", "user"], name="network_api_network_3e4b29_idx"),
        ),
        migrations.AddConstraint(
            model_name="payoutminimum",
            constraint=models.UniqueConstraint(
                fields=("network", "currency"), name="payout_minimum_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="payoutminimum",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gte", 0)), name="payout_minimum_gte_0"
            ),
        ),
    ]
