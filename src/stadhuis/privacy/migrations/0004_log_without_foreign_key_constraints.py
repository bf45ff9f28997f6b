"""The processing log without foreign-key constraints in the database; register
versions cannot be deleted instead.

Checking a foreign key locks the row it points at (``FOR KEY SHARE``). Every log entry
of an activity points at the same version row, so concurrent writers all locked one
row and queued behind each other's locks; with the two constraints gone, 8 writers
write about twice as many entries per second (docs/benchmarks.md). What the
constraints guaranteed still holds: the INSERT of ``chain.append`` writes only when
the version is the activity's active one, a trigger below refuses to delete a version,
and an entry's audit row is written in the same transaction into an append-only table.
The ORM still protects both relations (``on_delete=PROTECT``).

On SQLite the constraint change rebuilds the log table, which drops its append-only
triggers (migration 0002): they are made again here.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

VERSIONS = "privacy_processingactivityversion"
LOG = "privacy_processinglogentry"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # stadhuis_append_only() is the function of migration 0002
        schema_editor.execute(
            f"CREATE TRIGGER {VERSIONS}_no_delete BEFORE DELETE ON {VERSIONS} "
            "FOR EACH ROW EXECUTE FUNCTION stadhuis_append_only()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {VERSIONS}_no_delete BEFORE DELETE ON {VERSIONS} "
            f"BEGIN SELECT RAISE(ABORT, 'table {VERSIONS} keeps its versions: DELETE refused'); END"
        )
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {LOG}_no_{op.lower()} BEFORE {op} ON {LOG} "
                f"BEGIN SELECT RAISE(ABORT, 'table {LOG} is append-only: {op} refused'); END"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {VERSIONS}_no_delete ON {VERSIONS}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {VERSIONS}_no_delete")


def recreate_log_triggers(apps, schema_editor):
    """Going back re-adds the constraints, which rebuilds the table on SQLite again."""
    if schema_editor.connection.vendor == "sqlite":
        module = importlib.import_module("stadhuis.privacy.migrations.0002_append_only_log_triggers")
        module.drop_triggers(apps, schema_editor)
        module.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_consent"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, recreate_log_triggers),
        migrations.AlterField(
            model_name="processinglogentry",
            name="activity_version",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="privacy.processingactivityversion",
            ),
        ),
        migrations.AlterField(
            model_name="processinglogentry",
            name="audit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="privacy.processingaudit",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
