"""Both kinds of outbound delivery take one shape (webhooks.delivery.base): a webhook's call
log names its columns as a postback's does (attempt_number, elapsed_ms: a rename, no data
moves), and an endpoint's `is_active` is called "active" for both (state only)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('webhooks', '0002_postbacks_from_publishers'),
    ]

    operations = [
        migrations.RenameField(model_name='webhookattempt', old_name='number', new_name='attempt_number'),
        migrations.RenameField(model_name='webhookattempt', old_name='duration_ms', new_name='elapsed_ms'),
        migrations.AlterField(
            model_name='webhookattempt',
            name='attempt_number',
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterModelOptions(name='webhookattempt', options={'ordering': ['attempt_number', 'id']}),
        migrations.AlterField(
            model_name='postbackendpoint',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='active'),
        ),
    ]
