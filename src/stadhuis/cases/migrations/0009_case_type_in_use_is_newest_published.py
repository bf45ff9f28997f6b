"""``CaseType.is_current`` means the version in use: the newest published version of its
code, the one residents and applications open cases under.

Before, ``case_type_new_version`` moved ``is_current`` to the new draft, while every
reader looked for a version both current and published: as long as a draft existed the
type could not be submitted at all (form, API, the dossier's rights requests). Now only
publishing moves it. This puts it on the newest published version of each code (by
version number) and takes it off every other version, drafts included; a code with
only a draft has no version in use, as before. The unique constraint "one current per
code" stays as it is: one version in use per code.

Reversing puts it back on the newest version of each code, draft or published, as the
old ``case_type_new_version`` left it.
"""

from django.db import migrations, models


def _mark(CaseType, newest: dict[str, int]) -> None:
    # First off, then on: the database allows one current version per code at any time.
    CaseType.objects.filter(is_current=True).exclude(pk__in=newest.values()).update(
        is_current=False
    )
    CaseType.objects.filter(pk__in=newest.values()).update(is_current=True)


def in_use_is_newest_published(apps, schema_editor):
    CaseType = apps.get_model("cases", "CaseType")
    newest = {}
    published = CaseType.objects.filter(published_at__isnull=False).order_by("version")
    for pk, code in published.values_list("pk", "code"):
        newest[code] = pk
    _mark(CaseType, newest)


def current_is_newest_version(apps, schema_editor):
    CaseType = apps.get_model("cases", "CaseType")
    newest = {}
    for pk, code in CaseType.objects.order_by("version").values_list("pk", "code"):
        newest[code] = pk
    _mark(CaseType, newest)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_access_request_refusals_every_version_in_use"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casetype",
            name="is_current",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "De gepubliceerde versie waarmee inwoners en applicaties nu zaken "
                    "indienen. Een conceptversie komt pas in gebruik als u die publiceert."
                ),
                verbose_name="in gebruik",
            ),
        ),
        migrations.RunPython(in_use_is_newest_published, current_is_newest_version),
    ]
