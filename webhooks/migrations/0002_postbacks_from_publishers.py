"""Publisher postbacks moved here from the publishers app (issue 17), in the state only: the
tables keep their names (`db_table`), their constraints, indexes and rows."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import webhooks.postbacks


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0012_alter_network_language_alter_user_language'),
        ('offers', '0001_initial'),
        ('publishers', '0007_postbacks_move_to_webhooks'),
        ('tracking', '0008_conversion_method_click'),
        ('webhooks', '0001_initial'),
    ]

    state_operations = [
        migrations.CreateModel(
            name='PostbackEndpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url_template', models.CharField(max_length=2000, validators=[webhooks.postbacks.validate_postback_template], verbose_name='postback URL')),
                ('events', models.JSONField(default=webhooks.postbacks.default_events, verbose_name='events')),
                ('is_active', models.BooleanField(default=True)),
                ('consecutive_failures', models.PositiveIntegerField(default=0)),
                ('disabled_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='network.network')),
                ('offer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offers.offer')),
                ('publisher', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='postback_endpoints', to='publishers.publisher')),
            ],
            options={
                'db_table': 'publishers_postbackendpoint',
                'ordering': ['created_at', 'pk'],
                'constraints': [
                    models.UniqueConstraint(condition=models.Q(('offer__isnull', False)), fields=('network', 'publisher', 'offer'), name='postback_one_per_offer'),
                    models.UniqueConstraint(condition=models.Q(('offer__isnull', True)), fields=('network', 'publisher'), name='postback_one_global'),
                ],
            },
        ),
        migrations.CreateModel(
            name='PostbackAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(choices=[('created', 'Conversion'), ('approved', 'Approval'), ('reversed', 'Reversal'), ('test', 'Test')], max_length=8)),
                ('url', models.TextField()),
                ('status_code', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('elapsed_ms', models.PositiveIntegerField(default=0)),
                ('error', models.CharField(blank=True, max_length=500)),
                ('attempt_number', models.PositiveSmallIntegerField(default=1)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('conversion', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tracking.conversion')),
                ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='network.network')),
                ('endpoint', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='webhooks.postbackendpoint')),
            ],
            options={
                'db_table': 'publishers_postbackattempt',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['network', 'endpoint', 'created_at'], name='publishers__network_72f3ae_idx')],
            },
        ),
        migrations.CreateModel(
            name='PostbackDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(choices=[('created', 'Conversion'), ('approved', 'Approval'), ('reversed', 'Reversal'), ('test', 'Test')], max_length=8)),
                ('state', models.CharField(choices=[('pending', 'Pending'), ('delivered', 'Delivered'), ('failed', 'Failed')], default='pending', max_length=10)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('conversion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tracking.conversion')),
                ('endpoint', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='webhooks.postbackendpoint')),
                ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='network.network')),
            ],
            options={
                'db_table': 'publishers_postbackdelivery',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('state', 'pending')), fields=['next_attempt_at'], name='postback_delivery_due')],
                'constraints': [models.UniqueConstraint(fields=('network', 'conversion', 'endpoint', 'event'), name='postback_delivery_once')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
    ]
