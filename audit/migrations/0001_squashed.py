"""The audit log's table as the old chain left it: network_auditentry, the name it had while the
model was network's (`db_table`), squashed from today's model (issue 17)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("audit", "0001_initial"),
    ]

    dependencies = [
        ("network", "0002_squashed_relations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("actor_label", models.CharField(max_length=200)),
                ("action", models.CharField(max_length=64)),
                ("object_type", models.CharField(max_length=64)),
                ("object_id", models.CharField(max_length=64)),
                ("object_repr", models.CharField(max_length=200)),
                ("from_state", models.CharField(blank=True, max_length=64)),
                ("to_state", models.CharField(blank=True, max_length=64)),
                ("reason", models.TextField(blank=True)),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="audit_entries",
                        to="network.network",
                    ),
                ),
            ],
            options={
                "db_table": "network_auditentry",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["network", "object_type", "object_id"],
                        name="network_aud_network_04aac2_idx",
                    ),
                    models.Index(
                        fields=["network", "created_at", "id"], name="audit_network_created"
                    ),
                ],
            },
        ),
    ]
