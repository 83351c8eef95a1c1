"""The postback models now belong to the webhooks app (0002): the audit entries written about
them and their content types take the new label ("webhooks.postbackendpoint"), so that the
audit pages still name and link the entries written before the move."""

from django.db import migrations

MODELS = ('postbackendpoint', 'postbackattempt', 'postbackdelivery')


def relabel(apps, old: str, new: str) -> None:
    AuditEntry = apps.get_model('network', 'AuditEntry')
    ContentType = apps.get_model('contenttypes', 'ContentType')
    for model in MODELS:
        AuditEntry._base_manager.filter(object_type=f'{old}.{model}').update(
            object_type=f'{new}.{model}'
        )
        # Keep the content type's id (permissions and admin log rows point at it), unless the
        # new one was made already.
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    relabel(apps, 'publishers', 'webhooks')


def backwards(apps, schema_editor):
    relabel(apps, 'webhooks', 'publishers')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('network', '0012_alter_network_language_alter_user_language'),
        ('webhooks', '0003_one_delivery_shape'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
