"""The dossier export: one documented JSON schema, and the data for the readable version.

The schema is defined here with pydantic, so the document published at
``docs/dossier-export.schema.json`` (``stadhuis dossier-schema`` writes it; a test
fails when it is stale) and the export itself cannot drift apart: a test validates a
real export against these models. The processing log can hold tens of thousands of
entries, so the export streams it as plain dicts instead of building a model per entry.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import CharField, F, Func
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from stadhuis.dossier import queries
from stadhuis.privacy.models import ProcessingActivityVersion, ProcessingLogEntry
from stadhuis.privacy.queries import current_versions

SCHEMA_ID = "https://stadhuis.eu/schemas/dossier-export/v1.json"
SCHEMA_VERSION = "1.0"


class _Model(BaseModel):
    """camelCase in the file, as everywhere in the API (Dutch API Design Rules)."""

    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True
    )


class ExportField(_Model):
    label: str
    value: str


class ExportActivity(_Model):
    """The processing activity as the register describes it now."""

    code: str
    name: str
    purpose: str
    legal_basis: str = Field(description="AVG art. 6 ground: consent, contract, ...")
    legal_basis_detail: str
    recipients: list[str]
    processors: list[str]
    retention: str


class ExportRights(_Model):
    """What you may ask about this item, by its legal basis (AVG art. 16, 17, 21)."""

    correction: bool
    objection: bool
    erasure: bool


class ExportRecord(_Model):
    object_type: str
    object_id: str
    title: str
    source: str
    created_at: dt.datetime
    retained_until: dt.date | None
    activity: ExportActivity | None
    rights: ExportRights
    fields: list[ExportField]


class ExportSection(_Model):
    key: str
    title: str
    records: list[ExportRecord]


class ExportLogEntry(_Model):
    """One processing of your data (after the Logboek Dataverwerkingen fields)."""

    occurred_at: dt.datetime
    trace_id: str
    activity: str = Field(description="Code of the processing activity")
    activity_version: int
    action: str = Field(description="read, create, update, delete, export or share")
    object_type: str
    object_id: str
    outcome: str
    actor_kind: str = Field(description="resident, staff, application or system")
    actor_unit: str
    actor_role: str
    assisted: bool = Field(description="Done for you by a staff member, with your consent")


class DossierExport(_Model):
    """Everything the municipality holds on one resident, and every processing of it."""

    schema_url: str = Field(description="Where this file's JSON Schema is published")
    version: str
    municipality: str
    generated_at: dt.datetime
    subject: str = Field(description="Your pseudonym: how the municipality's systems know you")
    your_rights: list[str] = Field(
        description="Your rights under the AVG and where to complain (art. 15(1)(e)-(f))"
    )
    sections: list[ExportSection]
    activities: dict[str, ExportActivity] = Field(
        description="The processing activities in the log, by code, as registered now"
    )
    processing_log: list[ExportLogEntry]


def activity_data(version: ProcessingActivityVersion | None) -> dict | None:
    if version is None:
        return None
    return {
        "code": version.activity.code,
        "name": version.name,
        "purpose": version.purpose,
        "legalBasis": version.legal_basis,
        "legalBasisDetail": version.legal_basis_detail,
        "recipients": list(version.recipients),
        "processors": [p.name for p in version.processors.all()],
        "retention": version.retention_description,
    }


def _sections(subject: str) -> list[dict]:
    return [
        {
            "key": view.section.key,
            "title": str(view.section.title),
            "records": [
                {
                    "objectType": item.record.object_type,
                    "objectId": item.record.object_id,
                    "title": item.record.title,
                    "source": item.record.source,
                    "createdAt": item.record.created_at,
                    "retainedUntil": item.record.retained_until,
                    "activity": activity_data(item.activity),
                    "rights": item.rights.as_data(),
                    "fields": [{"label": f.label, "value": f.value} for f in item.record.fields],
                }
                for item in view.records
            ],
        }
        for view in queries.overview(subject)
    ]


LOG_COLUMNS = (
    "occurred_at",
    "trace_id",
    "activity_version__activity__code",
    "activity_version__version",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "actor_kind",
    "actor_unit",
    "actor_role",
    "audit__assisted_resident",
)


# On PostgreSQL the log's times come as the text the JSON holds, written by the
# database exactly as DjangoJSONEncoder writes a datetime (UTC, milliseconds cut off,
# none when the microseconds are 0, "Z"), and the rows come through a plain server-side
# cursor, without the ORM's per-row work: for 50,000 entries, parsing timestamptz took
# about 0.45 s of CPU, the ORM's converters and the encoder's call per datetime about
# as much again (bench/dossier.py).
_ISO_TEXT = Func(
    F("occurred_at"),
    template=(
        "to_char(%(expressions)s AT TIME ZONE 'UTC', CASE WHEN date_trunc('second', "
        '%(expressions)s) = %(expressions)s THEN \'YYYY-MM-DD"T"HH24:MI:SS"Z"\' '
        'ELSE \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\' END)'
    ),
    output_field=CharField(),
)


def _log_rows(subject: str) -> Iterator[tuple]:
    entries = ProcessingLogEntry.objects.filter(subject=subject).order_by("-id")
    connection = connections[entries.db]
    if connection.vendor != "postgresql":
        yield from entries.values_list(*LOG_COLUMNS).iterator(chunk_size=5000)
        return
    sql, params = (
        entries.annotate(occurred_text=_ISO_TEXT)
        .values_list("occurred_text", *LOG_COLUMNS[1:])
        .query.sql_with_params()
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def _log_entries(subject: str) -> Iterator[dict]:
    for row in _log_rows(subject):
        yield {
            "occurredAt": row[0],
            "traceId": row[1],
            "activity": row[2],
            "activityVersion": row[3],
            "action": row[4],
            "objectType": row[5],
            "objectId": row[6],
            "outcome": row[7],
            "actorKind": row[8],
            "actorUnit": row[9],
            "actorRole": row[10],
            "assisted": bool(row[11]),
        }


def _log_activities(codes: set[str]) -> dict[str, dict]:
    versions = current_versions(codes)
    return {code: activity_data(version) for code, version in sorted(versions.items())}


def your_rights() -> list[str]:
    """The rights the AVG gives, in plain Dutch, as every answer to an access request
    must say (art. 15(1)(e)-(f)): also where to complain."""
    return [
        str(_("U mag altijd zien welke gegevens de gemeente over u heeft (AVG artikel 15).")),
        str(_("Klopt een gegeven niet? Dan mag u vragen het te verbeteren (artikel 16).")),
        str(
            _(
                "U mag vragen gegevens te verwijderen die de gemeente niet meer nodig heeft "
                "of alleen met uw toestemming had (artikel 17), en vragen het gebruik even "
                "te stoppen terwijl we uw verzoek bekijken (artikel 18)."
            )
        ),
        str(
            _(
                "U mag bezwaar maken als de gemeente uw gegevens gebruikt voor een taak van "
                "algemeen belang (artikel 21), en uw gegevens meenemen in dit bestand "
                "(artikel 20)."
            )
        ),
        str(
            _(
                "Bent u het niet eens met hoe de gemeente met uw gegevens omgaat? Neem contact "
                "op met de functionaris gegevensbescherming van de gemeente. U mag ook een "
                "klacht indienen bij de Autoriteit Persoonsgegevens: "
                "www.autoriteitpersoonsgegevens.nl."
            )
        ),
    ]


def build(subject: str, *, with_log: bool = True) -> dict:
    """The whole export as plain data (what the JSON file holds). Without ``with_log``
    the processing log is left out (the readable version summarises it instead)."""
    log = list(_log_entries(subject)) if with_log else []
    return {
        "schemaUrl": SCHEMA_ID,
        "version": SCHEMA_VERSION,
        "municipality": settings.MUNICIPALITY_NAME,
        "generatedAt": timezone.now(),
        "subject": subject,
        "yourRights": your_rights(),
        "sections": _sections(subject),
        # the activities of the entries read, not a second pass over the subject's log
        "activities": _log_activities({entry["activity"] for entry in log}),
        "processingLog": log,
    }


def to_json(data: dict) -> bytes:
    # No ``indent``: with it, json falls back from its C encoder to the pure-Python one,
    # which took about 1 s of CPU for 50,000 log entries (bench/dossier.py).
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()


# --- The readable version ------------------------------------------------------------------

READABLE_LOG_ROWS = 100


def readable_context(subject: str, data: dict) -> dict:
    """What the readable version shows beside ``data`` (built without the log): tens of
    thousands of log lines help nobody on paper, so a count per activity and kind of
    use, the newest lines in full, and the JSON file for all of them."""
    latest = queries.log_rows(subject, queries.processing_log(subject)[:READABLE_LOG_ROWS])
    return {
        "data": data,
        "log_summary": queries.log_summary(subject),
        "latest": latest,
        "latest_count": len(latest),  # "De nieuwste 3 keer" when there are 3
    }


def readable_document(subject: str, data: dict, *, about: dict) -> bytes:
    """The readable version as one self-contained HTML file (styles inside, no links to
    the site), to attach to a case: the answer to an access request that the resident
    can open, read and print. In the municipality's language (Dutch), like the letter
    it replaces. ``about``: the case it answers (reference, received_on)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = readable_context(subject, data) | {"about": about}
        return render_to_string("dossier/export_document.html", context).encode()


def json_schema() -> dict:
    schema = DossierExport.model_json_schema(by_alias=True)
    schema["$id"] = SCHEMA_ID
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# --- The answer by post, to a request made without DigiD -----------------------------------


def request_data(case, subject: str) -> dict:
    """The answer to an access request made without DigiD, in the shape the readable
    version reads (``build``). Nobody checked who sent it, so it holds only what this
    request itself holds: the data given in it, the messages about it, and (below, in
    ``letter_context``) the processing of it. Nothing is looked up by e-mail address,
    postcode or address: others can share those, and the request does not prove them."""
    activity = case.case_type.processing_activity
    fields = [{"label": _("Uw vraag"), "value": case.description}]
    asked = {q.get("name"): q for q in case.case_type.questions}
    for name, value in case.answers.items():
        if value in ("", None, [], False):
            continue
        label = asked.get(name, {}).get("label", name)
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        fields.append({"label": _(label), "value": shown})
    for label, value in (
        (_("Adres"), case.address),
        (_("Postcode"), case.contact_postcode),
        (_("E-mailadres"), case.contact_email),
    ):
        if value:
            fields.append({"label": label, "value": value})
    for message in case.messages.order_by("at", "id"):
        label = (
            _("Uw bericht van %(date)s")
            if message.direction == "from_resident"
            else _("Bericht van de gemeente van %(date)s")
        )
        day = timezone.localtime(message.at).date()
        fields.append({"label": label % {"date": date_format(day, "j F Y")}, "value": message.body})
    record = {
        "objectType": "zaak",
        "objectId": case.reference,
        "title": f"{case.case_type.name} {case.reference}",
        "source": _("Door u ingediend; status en resultaat van de gemeente"),
        "createdAt": case.created_at,
        "retainedUntil": None,
        "activity": activity_data(current_versions({activity}).get(activity)),
        "fields": fields,
    }
    return {
        "municipality": settings.MUNICIPALITY_NAME,
        "generatedAt": timezone.now(),
        "subject": subject,
        "yourRights": your_rights(),
        "sections": [{"key": "verzoek", "title": _("Uw verzoek"), "records": [record]}],
    }


def letter_context(case, subject: str, data: dict) -> dict:
    """Beside ``request_data``: the processing of this request (``subject`` is the
    pseudonym its log entries carry, empty when nobody could be logged for)."""
    summary, latest = [], []
    if subject:
        entries = queries.processing_log(subject, queries.LogFilter(object_id=case.reference))
        summary = queries.log_summary(subject, object_id=case.reference)
        latest = queries.log_rows(
            subject,
            entries[:READABLE_LOG_ROWS],
            about=(case.reference, data["sections"][0]["records"][0]["title"]),
        )
    return {
        "data": data,
        "log_summary": summary,
        "latest": latest,
        "latest_count": len(latest),
        "paper": True,
    }


def letter_document(case, subject: str, *, address: str, on: dt.date, back_url: str = "") -> bytes:
    """The answer by post as one self-contained, print-ready HTML page (in Dutch, like
    every answer): the letter the privacy officer prints and posts to ``address``, and
    the copy kept with the case. ``back_url``: a link back, not printed."""
    with translation.override(settings.LANGUAGE_CODE):
        data = request_data(case, subject)
        context = letter_context(case, subject, data) | {
            "about": {"reference": case.reference, "received_on": case.received_on},
            "address": address,
            "on": on,
            "back_url": back_url,  # the page to print has one; the copy kept does not
        }
        return render_to_string("dossier/staff/access_letter.html", context).encode()


def add_notes(data: dict, notes: list[tuple]) -> None:
    """Put internal notes into ``data`` (``build``'s) as fields of the case they are on:
    (case reference, day, text), the text as the privacy officer rewrote it without
    other people's data. In Dutch, like the answer."""
    if not notes:
        return
    records = {
        record["objectId"]: record
        for section in data["sections"]
        for record in section["records"]
        if record["objectType"] == "zaak"
    }
    with translation.override(settings.LANGUAGE_CODE):
        for reference, day, text in notes:
            label = _("Interne notitie van %(date)s (zonder gegevens van anderen)") % {
                "date": date_format(day, "j F Y")
            }
            records[reference]["fields"].append({"label": label, "value": text})
