"""The LIKE twin of the click's primary key, which PostgreSQL gets for a varchar key and no
query of clicks uses (ids are matched exactly), is dropped as 0007_click_fewer_indexes did.

A migration of its own: 0001_squashed creates that index at its very end (Django defers index
creation to the end of a migration), after any operation of its own could drop it."""

from django.db import migrations

LIKE_INDEX = "tracking_click_id_cc4f5943_like"


def drop_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{LIKE_INDEX}"')


def create_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{LIKE_INDEX}" ON tracking_click (id varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    replaces = [
        ("tracking", "0007_click_fewer_indexes"),
    ]

    dependencies = [("tracking", "0001_squashed")]

    operations = [migrations.RunPython(drop_like_index, create_like_index)]
