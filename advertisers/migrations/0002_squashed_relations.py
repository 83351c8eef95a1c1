"""The advertiser's network, then its postback columns after it, in the order the old chain
added them (0002_initial, 0003), so that the columns of every database stand alike.
Its data steps, which only moved the rows of databases made before them, are not carried."""

import django.db.models.deletion
from django.db import migrations, models

import advertisers.models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("advertisers", "0002_initial"),
        ("advertisers", "0003_advertiser_postback_ips_advertiser_postback_token_and_more"),
        ("advertisers", "0004_distinct_postback_tokens"),
        ("advertisers", "0005_advertiser_blocked_status"),
    ]

    dependencies = [
        ("advertisers", "0001_squashed"),
        ("network", "0001_squashed"),
    ]

    operations = [
        migrations.AddField(
            model_name="advertiser",
            name="network",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="advertisers",
                to="network.network",
            ),
        ),
        migrations.AddField(
            model_name="advertiser",
            name="postback_ips",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Empty: postbacks are accepted from any address.",
                verbose_name="allowed postback IPs",
            ),
        ),
        migrations.AddField(
            model_name="advertiser",
            name="postback_token",
            field=models.CharField(default=advertisers.models.new_postback_token, max_length=64),
        ),
        migrations.AddField(
            model_name="advertiser",
            name="require_token",
            field=models.BooleanField(default=True, verbose_name="require the security token"),
        ),
        migrations.AddConstraint(
            model_name="advertiser",
            constraint=models.UniqueConstraint(
                fields=("network", "name"), name="advertiser_name_per_network"
            ),
        ),
    ]
