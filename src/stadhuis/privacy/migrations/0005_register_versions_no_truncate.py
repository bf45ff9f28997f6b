"""Refuse TRUNCATE of the register's versions on PostgreSQL.

Migration 0004 dropped the log's foreign-key constraints and refuses DELETE of a
version instead. Before that, ``TRUNCATE privacy_processingactivityversion CASCADE``
reached the log through its constraint, and the log's BEFORE TRUNCATE trigger
(migration 0002) refused it. Without the constraint it would empty the register and
leave every log entry pointing at a version that no longer exists (and the dossier,
which joins the version, would no longer show them). This trigger refuses it again.
SQLite has no TRUNCATE: its DELETE trigger (0004) covers it.
"""

from django.db import migrations

VERSIONS = "privacy_processingactivityversion"
TRIGGER = f"{VERSIONS}_no_truncate"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # stadhuis_append_only() is the function of migration 0002
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE TRUNCATE ON {VERSIONS} "
            "FOR EACH STATEMENT EXECUTE FUNCTION stadhuis_append_only()"
        )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {VERSIONS}")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_log_without_foreign_key_constraints")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
