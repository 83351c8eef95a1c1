from django.db import migrations, models


def suspended_to_blocked(apps, schema_editor):
    """No code ever wrote "suspended"; should a row hold it, it meant what "blocked" means."""
    Advertiser = apps.get_model("advertisers", "Advertiser")
    Advertiser._base_manager.filter(status="suspended").update(status="blocked")


class Migration(migrations.Migration):
    dependencies = [
        ("advertisers", "0004_distinct_postback_tokens"),
    ]

    operations = [
        migrations.AlterField(
            model_name="advertiser",
            name="status",
            field=models.CharField(
                choices=[("active", "Active"), ("blocked", "Blocked")],
                default="active",
                max_length=16,
            ),
        ),
        migrations.RunPython(suspended_to_blocked, migrations.RunPython.noop),
    ]
