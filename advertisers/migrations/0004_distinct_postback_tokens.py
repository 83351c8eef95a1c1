"""Give every advertiser its own postback token.

0003 added the field with a callable default, which Django evaluates once for the rows that
already existed: they all got the same token.
"""

import secrets

from django.db import migrations


def distinct_tokens(apps, schema_editor):
    Advertiser = apps.get_model("advertisers", "Advertiser")
    for advertiser in Advertiser._base_manager.all():
        advertiser.postback_token = secrets.token_urlsafe(24)
        advertiser.save(update_fields=["postback_token"])


class Migration(migrations.Migration):
    dependencies = [("advertisers", "0003_advertiser_postback_ips_advertiser_postback_token_and_more")]

    operations = [migrations.RunPython(distinct_tokens, migrations.RunPython.noop)]
