"""Existing installations keep case type ``avg-inzage`` with only "Verstrekt" (the demo
catalogue had no refusal before 0006): handlers could not refuse or close a withdrawn
request until an administrator added such a result. Where the type exists and none of
its current version's results closes without the answer, this gives it the demo's
"Geweigerd" and "Ingetrokken" (``closes_without_answer``). A published version is never
changed: it gets a new version (statuses, transitions and results copied, as
``cases.services.case_type_new_version`` does), published when the old one was, so cases
opened under the old version keep their rules. A draft is changed in place. A result
with one of these codes that already exists is marked instead of added twice.

The texts are the demo catalogue's (Dutch, stored as the catalogue stores them; pages
translate them), written out here: a migration imports no app code.
"""

import uuid

from django.db import migrations
from django.utils import timezone

CODE = "avg-inzage"
REFUSALS = [
    {
        "code": "geweigerd",
        "name": "Geweigerd",
        "resident_text": (
            "We geven u de gegevens niet. Waarom niet, leest u in de toelichting. Bent "
            "u het daar niet mee eens? Dan kunt u een klacht indienen bij de Autoriteit "
            "Persoonsgegevens of naar de rechter gaan."
        ),
    },
    {
        "code": "ingetrokken",
        "name": "Ingetrokken",
        "resident_text": "U heeft uw verzoek ingetrokken. U kunt altijd een nieuw verzoek doen.",
    },
]


def _new_version(CaseType, StatusType, ResultType, current):
    """A copy of ``current`` as the next version, current from now on."""
    statuses = list(current.statuses.order_by("order").prefetch_related("next_statuses"))
    results = list(current.results.order_by("pk"))
    CaseType.objects.filter(pk=current.pk).update(is_current=False)
    new = CaseType.objects.get(pk=current.pk)
    new.pk = None
    new.public_id = uuid.uuid4()
    new._state.adding = True
    new.version = current.version + 1
    new.is_current = True
    new.published_at = timezone.now() if current.published_at else None
    new.created_at = timezone.now()
    new.save()
    copies = {}
    for status in statuses:
        copies[status.pk] = StatusType.objects.create(
            case_type=new,
            order=status.order,
            code=status.code,
            name=status.name,
            resident_text=status.resident_text,
            notify_resident=status.notify_resident,
            is_final=status.is_final,
        )
    for status in statuses:
        copies[status.pk].next_statuses.set([copies[n.pk] for n in status.next_statuses.all()])
    ResultType.objects.bulk_create(
        ResultType(
            case_type=new,
            code=r.code,
            name=r.name,
            resident_text=r.resident_text,
            closes_without_answer=r.closes_without_answer,
        )
        for r in results
    )
    return new


def add_refusal_results(apps, schema_editor):
    CaseType = apps.get_model("cases", "CaseType")
    StatusType = apps.get_model("cases", "StatusType")
    ResultType = apps.get_model("cases", "ResultType")
    current = CaseType.objects.filter(
        code=CODE, is_current=True, kind="access_request"
    ).first()
    if current is None or current.results.filter(closes_without_answer=True).exists():
        return
    if current.published_at is not None:
        current = _new_version(CaseType, StatusType, ResultType, current)
    for refusal in REFUSALS:
        marked = current.results.filter(code=refusal["code"]).update(closes_without_answer=True)
        if not marked:
            ResultType.objects.create(case_type=current, closes_without_answer=True, **refusal)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_resulttype_closes_without_answer"),
    ]

    operations = [
        migrations.RunPython(add_refusal_results, migrations.RunPython.noop, elidable=True),
    ]
