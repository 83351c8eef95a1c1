# The audit log moved to its own app (issue 17): the model leaves network's state only. Its
# table, network_auditentry, stays as it is and is audit.AuditEntry's from audit's 0001.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0012_alter_network_language_alter_user_language'),
        # The last migration that reads the rows as network.AuditEntry (it relabels them): it
        # must run while the model is still network's.
        ('webhooks', '0004_postback_labels'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='AuditEntry',
                ),
            ],
            database_operations=[],
        ),
    ]
