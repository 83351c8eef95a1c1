"""Advertisers' tables as the old chain (0001_initial to 0005) left them, squashed from today's
models (issue 17). The advertiser comes first without its network: network's 0001_squashed
needs it (memberships and invitations point at advertisers)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("advertisers", "0001_initial"),
    ]

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Advertiser",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=150, verbose_name="company name")),
                ("website", models.URLField(blank=True, verbose_name="website")),
                (
                    "status",
                    models.CharField(
                        choices=[("active", "Active"), ("blocked", "Blocked")],
                        default="active",
                        max_length=16,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
    ]
