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

A version cannot be truncated either (PostgreSQL): before, ``TRUNCATE ... CASCADE`` of
the versions reached the log through its constraint, whose own TRUNCATE trigger refused
it; without the constraint it would empty the register and leave every entry pointing at
nothing (and the dossier, which joins the version, would no longer show them). SQLite
has no TRUNCATE: its DELETE trigger covers it.

On SQLite the constraint change rebuilds the log table, which drops its append-only
triggers (migration 0002): they are made again here, and again on the way back.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

VERSIONS = "privacy_processingactivityversion"


def _log_triggers_again(apps, schema_editor):
    """The log's append-only triggers of migration 0002, after SQLite rebuilt the table."""
    if schema_editor.connection.vendor == "sqlite":
        module = importlib.import_module(
            "stadhuis.privacy.migrations.0002_append_only_log_triggers"
        )
        module.drop_triggers(apps, schema_editor)
        module.create_triggers(apps, schema_editor)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # stadhuis_append_only() is the function of migration 0002
        for op, each in (("DELETE", "ROW"), ("TRUNCATE", "STATEMENT")):
            schema_editor.execute(
                f"CREATE TRIGGER {VERSIONS}_no_{op.lower()} BEFORE {op} ON {VERSIONS} "
                f"FOR EACH {each} EXECUTE FUNCTION stadhuis_append_only()"
            )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {VERSIONS}_no_delete BEFORE DELETE ON {VERSIONS} "
            f"BEGIN SELECT RAISE(ABORT, 'table {VERSIONS} keeps its versions: DELETE refused'); END"
        )
    _log_triggers_again(apps, schema_editor)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for op in ("delete", "truncate"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {VERSIONS}_no_{op} ON {VERSIONS}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {VERSIONS}_no_delete")


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_consent"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, _log_triggers_again),
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
