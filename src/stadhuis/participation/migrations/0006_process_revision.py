from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0005_process_leftover_partial"),
    ]

    operations = [
        migrations.AddField(
            model_name="process",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
    ]
