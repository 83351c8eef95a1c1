"""Publisher postbacks moved to the webhooks app (issue 17): the models leave this app's state
only. Their tables keep their names (webhooks.postbacks sets `db_table`) and their rows;
webhooks 0002 adds the models to its own state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('publishers', '0006_currency_minimums'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='PostbackDelivery'),
                migrations.DeleteModel(name='PostbackAttempt'),
                migrations.DeleteModel(name='PostbackEndpoint'),
            ],
            database_operations=[],
        ),
    ]
