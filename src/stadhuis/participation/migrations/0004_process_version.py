import django.db.models.deletion
from django.db import migrations, models


def versions_for_existing(apps, schema_editor):
    """Every process made before this migration gets its version row."""
    Process = apps.get_model("participation", "Process")
    ProcessVersion = apps.get_model("participation", "ProcessVersion")
    ProcessVersion.objects.bulk_create(
        ProcessVersion(process_id=pk) for pk in Process.objects.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0003_idea_search_trigram"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProcessVersion",
            fields=[
                (
                    "process",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="version",
                        serialize=False,
                        to="participation.process",
                    ),
                ),
                ("number", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(versions_for_existing, migrations.RunPython.noop),
    ]
