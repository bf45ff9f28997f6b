"""The history of a process (``ProcessChange``): one row per change by staff.

The ORM refuses to change or remove a row; a trigger makes the database refuse an
UPDATE too (PostgreSQL and SQLite). A DELETE stays possible, so that a process can
still be removed with its history (the cascade), as its other rows are.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

TABLE = "participation_processchange"


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # stadhuis_append_only() comes from privacy/0002
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION stadhuis_append_only()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, 'table {TABLE} is append-only: UPDATE refused'); END"
        )


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0006_process_revision"),
        ("privacy", "0002_append_only_log_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProcessChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("published", models.BooleanField()),
                ("changes", models.JSONField()),
                (
                    "changed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "process",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="changes",
                        to="participation.process",
                    ),
                ),
            ],
            options={
                "verbose_name": "wijziging van een proces",
                "verbose_name_plural": "wijzigingen van processen",
                "ordering": ["process", "-at", "-id"],
                "indexes": [models.Index(fields=["process", "-at"], name="process_change_at")],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
