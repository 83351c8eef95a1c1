"""Payout tiers and overrides move here from offers with their tables (offers_payouttier,
offers_tiermembership, offers_tierpayout, offers_payoutoverride): only Django's state moves
(offers.0002 takes the models out of offers' state), no row is copied. Their content types
follow, so that what points at them (permissions) stays linked."""

import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models

MODELS = ("payouttier", "tiermembership", "tierpayout", "payoutoverride")


def content_types_to(old_app: str, new_app: str):
    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        for model in MODELS:
            if not content_types.filter(app_label=new_app, model=model).exists():
                content_types.filter(app_label=old_app, model=model).update(app_label=new_app)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("network", "0012_alter_network_language_alter_user_language"),
        ("offers", "0001_initial"),
        ("publishers", "0009_merge_0007_payment_details_0008_merge_20261207_1604"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PayoutTier',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='network.network')),
                    ],
                    options={
                        'db_table': 'offers_payouttier',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='TierMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='network.network')),
                        ('publisher', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='publishers.publisher')),
                        ('tier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='commissions.payouttier')),
                    ],
                    options={
                        'db_table': 'offers_tiermembership',
                    },
                ),
                migrations.CreateModel(
                    name='TierPayout',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('payout_type', models.CharField(choices=[('cpa', 'CPA: flat per action'), ('cps', 'CPS: percent of sale'), ('cpa_cps', 'CPA + CPS'), ('cpl', 'CPL: flat per lead'), ('cpc', 'CPC: per unique click')], max_length=8, verbose_name='payout type')),
                        ('payout_amount', models.DecimalField(decimal_places=3, default=Decimal('0'), max_digits=14, verbose_name='payout (flat)')),
                        ('payout_percent', models.DecimalField(decimal_places=3, default=Decimal('0'), max_digits=6, verbose_name='payout (% of sale)')),
                        ('goal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tier_payouts', to='offers.goal')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='network.network')),
                        ('tier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='payouts', to='commissions.payouttier')),
                    ],
                    options={
                        'db_table': 'offers_tierpayout',
                    },
                ),
                migrations.CreateModel(
                    name='PayoutOverride',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('payout_type', models.CharField(choices=[('cpa', 'CPA: flat per action'), ('cps', 'CPS: percent of sale'), ('cpa_cps', 'CPA + CPS'), ('cpl', 'CPL: flat per lead'), ('cpc', 'CPC: per unique click')], max_length=8, verbose_name='payout type')),
                        ('payout_amount', models.DecimalField(decimal_places=3, default=Decimal('0'), max_digits=14, verbose_name='payout (flat)')),
                        ('payout_percent', models.DecimalField(decimal_places=3, default=Decimal('0'), max_digits=6, verbose_name='payout (% of sale)')),
                        ('goal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='overrides', to='offers.goal')),
                        ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='network.network')),
                        ('publisher', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='publishers.publisher')),
                    ],
                    options={
                        'db_table': 'offers_payoutoverride',
                        'constraints': [models.UniqueConstraint(fields=('network', 'goal', 'publisher'), name='payout_override_once')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='payouttier',
                    constraint=models.UniqueConstraint(fields=('network', 'name'), name='tier_name'),
                ),
                migrations.AddConstraint(
                    model_name='tiermembership',
                    constraint=models.UniqueConstraint(fields=('network', 'publisher'), name='one_tier_per_publisher'),
                ),
                migrations.AddConstraint(
                    model_name='tierpayout',
                    constraint=models.UniqueConstraint(fields=('network', 'tier', 'goal'), name='tier_payout_once'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_types_to("offers", "commissions"), content_types_to("commissions", "offers")
        ),
    ]
