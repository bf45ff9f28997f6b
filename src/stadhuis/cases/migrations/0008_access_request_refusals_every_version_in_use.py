"""Every open access request can be refused or withdrawn, whatever version it uses.

0007 completed only the current version of the type coded ``avg-inzage``. But an open
request keeps the version it was opened under (in an existing installation: one with only
"Verstrekt"), a municipality may have renamed the code, and beside a published version
there may be a newer draft. So this looks at every case type of the access-request kind
(``kind``, as the dossier and ``cases.services`` recognise one, not the code) and
completes, in place:

- the current version (draft or published; a draft keeps them when it is published),
- the newest published version of each code (the one in use while a draft is current),
- every version an open case uses.

A version that already has a result closing without the answer is left alone (the
municipality has its own); a result with one of the demo's codes is marked rather than
added twice. A published version is normally frozen; this is the one exception, because
it only adds a way to close a request that the law gives anyway (AVG art. 12(5): refuse;
the requester may withdraw) and changes nothing a case recorded (docs/architecture.md).
Versions no open case uses and that are not in use for new cases stay as they were.

Reversing does nothing: the results fit the schema before this migration too, and a
request refused since then points at one of them.

The texts are the demo catalogue's (Dutch, stored as the catalogue stores them; pages
translate them), written out here: a migration imports no app code.
"""

from django.db import migrations

KIND = "access_request"
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


def versions_to_complete(CaseType, Case) -> list[int]:
    """The ids of the access-request versions a request is or can be opened under."""
    types = CaseType.objects.filter(kind=KIND)
    ids = set(types.filter(is_current=True).values_list("pk", flat=True))
    newest_published = {}
    for pk, code in (
        types.filter(published_at__isnull=False).order_by("version").values_list("pk", "code")
    ):
        newest_published[code] = pk
    ids.update(newest_published.values())
    ids.update(
        Case.objects.filter(case_type__kind=KIND, closed_at__isnull=True)
        .values_list("case_type_id", flat=True)
        .distinct()
    )
    return sorted(ids)


def add_refusal_results(apps, schema_editor):
    CaseType = apps.get_model("cases", "CaseType")
    Case = apps.get_model("cases", "Case")
    ResultType = apps.get_model("cases", "ResultType")
    for pk in versions_to_complete(CaseType, Case):
        results = ResultType.objects.filter(case_type_id=pk)
        if results.filter(closes_without_answer=True).exists():
            continue
        for refusal in REFUSALS:
            if not results.filter(code=refusal["code"]).update(closes_without_answer=True):
                ResultType.objects.create(case_type_id=pk, closes_without_answer=True, **refusal)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_avg_inzage_refusal_results"),
    ]

    operations = [
        migrations.RunPython(add_refusal_results, migrations.RunPython.noop, elidable=True),
    ]
