"""Webhooks' tables as the old chain (0001_initial to 0004) left them, squashed from today's
models (issue 17). The postback tables keep the names they had in publishers (`db_table`).
Its data steps, which only moved the rows of databases made before them, are not carried.

On PostgreSQL a positive integer column carries a CHECK named after the column when it was
made; 0003_one_delivery_shape renamed two columns of webhookattempt and their checks kept the
old names, which `checks_named_as_before` gives them here too, so that every database has the
same schema, whichever chain made it."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import webhooks.models
import webhooks.postbacks

# (column, the name it had when its CHECK was made)
RENAMED_COLUMNS = [("attempt_number", "number"), ("elapsed_ms", "duration_ms")]


def rename_checks(schema_editor, *, to_old: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column, old_column in RENAMED_COLUMNS:
        source, target = (f"webhooks_webhookattempt_{name}_check" for name in (column, old_column))
        if not to_old:
            source, target = target, source
        schema_editor.execute(
            f"ALTER TABLE webhooks_webhookattempt RENAME CONSTRAINT {source} TO {target}"
        )


def checks_named_as_before(apps, schema_editor):
    rename_checks(schema_editor, to_old=True)


def checks_named_as_the_columns(apps, schema_editor):
    rename_checks(schema_editor, to_old=False)


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("webhooks", "0001_initial"),
        ("webhooks", "0002_postbacks_from_publishers"),
        ("webhooks", "0003_one_delivery_shape"),
        ("webhooks", "0004_postback_labels"),
    ]

    dependencies = [
        ("network", "0002_squashed_relations"),
        ("offers", "0001_squashed"),
        ("publishers", "0001_squashed"),
        ("tracking", "0001_squashed"),
    ]

    operations = [
        migrations.CreateModel(
            name="PostbackEndpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "url_template",
                    models.CharField(
                        max_length=2000,
                        validators=[webhooks.postbacks.validate_postback_template],
                        verbose_name="postback URL",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("consecutive_failures", models.PositiveIntegerField(default=0)),
                ("disabled_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="offers.offer",
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="postback_endpoints",
                        to="publishers.publisher",
                    ),
                ),
                (
                    "events",
                    models.JSONField(
                        default=webhooks.postbacks.default_events, verbose_name="events"
                    ),
                ),
            ],
            options={
                "db_table": "publishers_postbackendpoint",
                "ordering": ["created_at", "pk"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="PostbackDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("created", "Conversion"),
                            ("approved", "Approval"),
                            ("reversed", "Reversal"),
                            ("test", "Test"),
                        ],
                        max_length=8,
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("delivered", "Delivered"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "conversion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tracking.conversion",
                    ),
                ),
                (
                    "endpoint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="webhooks.postbackendpoint",
                    ),
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
                "db_table": "publishers_postbackdelivery",
                "ordering": ["-created_at", "-id"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="PostbackAttempt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("created", "Conversion"),
                            ("approved", "Approval"),
                            ("reversed", "Reversal"),
                            ("test", "Test"),
                        ],
                        max_length=8,
                    ),
                ),
                ("url", models.TextField()),
                ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("elapsed_ms", models.PositiveIntegerField(default=0)),
                ("error", models.CharField(blank=True, max_length=500)),
                ("attempt_number", models.PositiveSmallIntegerField(default=1)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "conversion",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tracking.conversion",
                    ),
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
                    "endpoint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attempts",
                        to="webhooks.postbackendpoint",
                    ),
                ),
            ],
            options={
                "db_table": "publishers_postbackattempt",
                "ordering": ["-created_at", "-id"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("conversion.created", "Conversion created"),
                            ("conversion.status_changed", "Conversion status changed"),
                            ("publisher.applied", "Publisher applied"),
                            ("payout_run.approved", "Payout run approved"),
                            ("payout_line.paid", "Payout line paid"),
                            ("ping", "Test (ping)"),
                        ],
                        max_length=40,
                    ),
                ),
                (
                    "event_id",
                    models.CharField(
                        default=webhooks.models.new_event_id, max_length=40, unique=True
                    ),
                ),
                ("payload", models.JSONField()),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("delivered", "Delivered"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("response_excerpt", models.TextField(blank=True)),
                ("duration_ms", models.PositiveIntegerField(default=0)),
                ("error", models.CharField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
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
                "ordering": ["-created_at", "-id"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="WebhookAttempt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("attempt_number", models.PositiveSmallIntegerField(default=1)),
                ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("response_excerpt", models.TextField(blank=True)),
                ("elapsed_ms", models.PositiveIntegerField(default=0)),
                ("error", models.CharField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "delivery",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attempt_log",
                        to="webhooks.webhookdelivery",
                    ),
                ),
            ],
            options={
                "ordering": ["attempt_number", "id"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="WebhookEndpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("url", models.CharField(max_length=2000, verbose_name="URL")),
                (
                    "description",
                    models.CharField(blank=True, max_length=200, verbose_name="description"),
                ),
                ("events", models.JSONField(blank=True, default=list, verbose_name="events")),
                (
                    "secret",
                    models.CharField(
                        default=webhooks.models.new_secret, editable=False, max_length=100
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("consecutive_failures", models.PositiveIntegerField(default=0)),
                ("disabled_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
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
                "ordering": ["created_at", "pk"],
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="webhookdelivery",
            name="endpoint",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deliveries",
                to="webhooks.webhookendpoint",
            ),
        ),
        migrations.AddConstraint(
            model_name="postbackendpoint",
            constraint=models.UniqueConstraint(
                condition=models.Q(("offer__isnull", False)),
                fields=("network", "publisher", "offer"),
                name="postback_one_per_offer",
            ),
        ),
        migrations.AddConstraint(
            model_name="postbackendpoint",
            constraint=models.UniqueConstraint(
                condition=models.Q(("offer__isnull", True)),
                fields=("network", "publisher"),
                name="postback_one_global",
            ),
        ),
        migrations.AddIndex(
            model_name="postbackdelivery",
            index=models.Index(
                condition=models.Q(("state", "pending")),
                fields=["next_attempt_at"],
                name="postback_delivery_due",
            ),
        ),
        migrations.AddConstraint(
            model_name="postbackdelivery",
            constraint=models.UniqueConstraint(
                fields=("network", "conversion", "endpoint", "event"), name="postback_delivery_once"
            ),
        ),
        migrations.AddIndex(
            model_name="postbackattempt",
            index=models.Index(
                fields=["network", "endpoint", "created_at"], name="publishers__network_72f3ae_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="webhookdelivery",
            index=models.Index(
                fields=["network", "created_at"], name="webhooks_we_network_6d18ce_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="webhookdelivery",
            index=models.Index(
                fields=["network", "endpoint", "created_at"], name="webhooks_we_network_ab52ca_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="webhookdelivery",
            index=models.Index(
                condition=models.Q(("state", "pending")),
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
            ),
        ),
        migrations.RunPython(checks_named_as_before, checks_named_as_the_columns),
    ]
