# The audit log's model, moved from network (issue 17) with its table: this migration only tells
# Django's state, the table network_auditentry and its rows are kept as they were. The content
# type keeps its id (permissions and admin log rows point at it).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def content_type_to_audit(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='audit', model='auditentry').exists():
        ContentType.objects.filter(app_label='network', model='auditentry').update(app_label='audit')


def content_type_to_network(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='network', model='auditentry').exists():
        ContentType.objects.filter(app_label='audit', model='auditentry').update(app_label='network')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('network', '0013_auditentry_to_audit_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('actor_label', models.CharField(max_length=200)),
                        ('action', models.CharField(max_length=64)),
                        ('object_type', models.CharField(max_length=64)),
                        ('object_id', models.CharField(max_length=64)),
                        ('object_repr', models.CharField(max_length=200)),
                        ('from_state', models.CharField(blank=True, max_length=64)),
                        ('to_state', models.CharField(blank=True, max_length=64)),
                        ('reason', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='audit_entries', to='network.network')),
                    ],
                    options={
                        'db_table': 'network_auditentry',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['network', 'object_type', 'object_id'], name='network_aud_network_04aac2_idx'), models.Index(fields=['network', 'created_at', 'id'], name='audit_network_created')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_audit, content_type_to_network),
    ]
