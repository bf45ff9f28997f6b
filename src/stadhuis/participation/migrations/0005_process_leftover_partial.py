from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0004_process_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="process",
            name="leftover_partial",
            field=models.BooleanField(
                default=False,
                verbose_name="geld dat overblijft betaalt een deel van het volgende project",
            ),
        ),
    ]
