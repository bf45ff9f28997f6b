"""What track & trace holds on a resident, for the burgerdossier (see ``core.dossier``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stadhuis.cases.models import (
    Case,
    CaseDocument,
    CaseMessage,
    CaseStatus,
    Escalation,
    Feedback,
    InternalNote,
)
from stadhuis.core.dossier import Field, Record, Section
from stadhuis.privacy.queries import retention_days

# Object types the cases app writes into the processing log; their object id is the
# case reference.
OBJECT_TYPES = (
    "zaak",
    "zaken",
    "status",
    "document",
    "documentlijst",
    "bericht",
    "reactie",
    "notitie",
    "ombudsmanoordeel",
    "reactie-gemeente",
    "e-mail",
)


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j F Y")


def _answers(questions: list[dict], answers: dict) -> list[Field]:
    """The answers as the resident gave them; only the catalogue's own choices (stored in
    Dutch) are shown in the reader's language, never a text the resident typed."""
    asked = {q.get("name"): q for q in questions}

    def shown(name, value) -> str:
        choices = asked.get(name, {}).get("choices") or []
        return _(str(value)) if value in choices else str(value)

    fields = []
    for name, value in answers.items():
        if value in ("", None, [], False):
            continue
        if isinstance(value, list):
            value = ", ".join(shown(name, v) for v in value)
        elif value is True:
            value = _("ja")
        else:
            value = shown(name, value)
        label = asked.get(name, {}).get("label", name)
        fields.append(Field(_(label), value))
    return fields


def records(
    subject: str, limit: int | None = None, offset: int = 0, reference: str = ""
) -> list[Record]:
    """One record per case, newest first, in six queries however many cases there are
    (``limit``/``offset`` for one page; ``reference`` for one case)."""
    if not subject:
        return []
    cases = Case.objects.filter(subject=subject)
    if reference:
        cases = cases.filter(reference=reference)
    cases = (
        cases.select_related("case_type", "status", "result")
        .only(
            "reference",
            "description",
            "answers",
            "contact_email",
            "contact_postcode",
            "address",
            "latitude",
            "longitude",
            "received_on",
            "deadline",
            "closed_at",
            "created_at",
            "escalated",
            "case_type__name",
            "case_type__questions",
            "case_type__processing_activity",
            "status__name",
            "result__name",
        )
        .order_by("-created_at", "-id")
    )
    cases = list(cases[offset : offset + limit] if limit is not None else cases[offset:])
    if not cases:
        return []
    ids = [case.pk for case in cases]
    # The texts themselves, not only how many: the dossier (and its export) is the copy
    # of the data that AVG art. 15(3) and 20 give the resident.
    messages: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        CaseMessage.objects.filter(case_id__in=ids)
        .order_by("at", "id")
        .values_list("case_id", "direction", "at", "body")
    ):
        messages[row[0]].append(row[1:])
    explanations: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        CaseStatus.objects.filter(case_id__in=ids)
        .exclude(explanation="")
        .order_by("set_at", "id")
        .values_list("case_id", "status_type__name", "set_at", "explanation")
    ):
        explanations[row[0]].append(row[1:])
    documents: dict[int, list[str]] = defaultdict(list)
    for case_id, name in (
        CaseDocument.objects.filter(case_id__in=ids)
        .order_by("at", "id")
        .values_list("case_id", "original_name")
    ):
        documents[case_id].append(name)
    feedback: dict[int, Feedback] = {}
    for item in Feedback.objects.filter(case_id__in=ids).order_by("at"):
        feedback[item.case_id] = item  # the latest counts
    notes = dict(
        InternalNote.objects.filter(case_id__in=ids)
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    escalations = {
        e.case_id: e
        for e in Escalation.objects.filter(case_id__in=[c.pk for c in cases if c.escalated])
    }
    keep = retention_days({case.case_type.processing_activity for case in cases})
    result = []
    for case in cases:
        fields = [
            Field(_("Omschrijving"), case.description),
            *_answers(case.case_type.questions, case.answers),
        ]
        if case.address:
            fields.append(Field(_("Adres"), case.address))
        if case.latitude is not None and case.longitude is not None:
            fields.append(Field(_("Plek op de kaart"), f"{case.latitude}, {case.longitude}"))
        if case.contact_email:
            fields.append(Field(_("E-mailadres"), case.contact_email))
        if case.contact_postcode:
            fields.append(Field(_("Postcode"), case.contact_postcode))
        fields += [
            Field(_("Ontvangen op"), _day(case.received_on), correctable=False),
            Field(_("Status"), case.status.name, correctable=False),
        ]
        if case.result_id:
            fields.append(Field(_("Resultaat"), case.result.name, correctable=False))
        for status, at, text in explanations[case.pk]:
            fields.append(
                Field(
                    _("Uitleg bij '%(status)s' (%(date)s)")
                    % {"status": _(status), "date": _day(at)},
                    text,
                    correctable=False,
                )
            )
        for direction, at, body in messages[case.pk]:
            label = (
                _("Uw bericht van %(date)s")
                if direction == CaseMessage.Direction.FROM_RESIDENT
                else _("Bericht van de gemeente van %(date)s")
            )
            fields.append(Field(label % {"date": _day(at)}, body, correctable=False))
        if documents[case.pk]:
            fields.append(Field(_("Documenten"), ", ".join(documents[case.pk])))
        if case.pk in feedback:
            given = feedback[case.pk]
            verdict = _("tevreden") if given.satisfied else _("niet tevreden")
            fields.append(
                Field(_("Uw reactie"), f"{verdict}: {given.text}" if given.text else verdict)
            )
        if case.pk in escalations:
            escalation = escalations[case.pk]
            fields.append(Field(_("Uw klacht bij de ombudsman"), escalation.reason))
            if escalation.recommendation:
                fields.append(
                    Field(
                        _("Aanbeveling van de ombudsman"),
                        escalation.recommendation,
                        correctable=False,
                    )
                )
        if notes.get(case.pk):
            fields.append(
                Field(
                    _("Interne notities van medewerkers"),
                    _(
                        "%(count)d. Vraag ernaar met een inzageverzoek: de privacy officer "
                        "haalt er eerst gegevens van anderen uit en stuurt ze u dan."
                    )
                    % {"count": notes[case.pk]},
                    correctable=False,
                )
            )
        days = keep.get(case.case_type.processing_activity)
        until = None
        if case.closed_at is not None and days is not None:
            until = timezone.localtime(case.closed_at).date() + dt.timedelta(days=days)
        result.append(
            Record(
                object_type="zaak",
                object_id=case.reference,
                title=f"{case.case_type.name} {case.reference}",
                activity=case.case_type.processing_activity,
                source=_("Door u ingediend; status en resultaat van de gemeente"),
                created_at=case.created_at,
                fields=fields,
                retained_until=until,
                url=reverse("cases:case_detail", args=[case.reference]),
            )
        )
    return result


def preview(subject: str, limit: int, offset: int = 0) -> tuple[list[Record], int]:
    """``limit`` cases from ``offset``, newest first, and how many there are (index
    case_subject_newest)."""
    if not subject:
        return [], 0
    return records(subject, limit, offset), Case.objects.filter(subject=subject).count()


def record(subject: str, object_id: str) -> Record | None:
    """One case of the subject, for a rights request about it."""
    found = records(subject, reference=object_id[:24]) if object_id else []
    return found[0] if found else None


def describe(subject: str, object_type: str, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Name and link the subject's cases that processing-log entries concern (one query)."""
    rows = Case.objects.filter(subject=subject, reference__in=set(ids)).values_list(
        "reference", "case_type__name"
    )
    return {
        reference: (f"{name} {reference}", reverse("cases:case_detail", args=[reference]))
        for reference, name in rows
    }


SECTIONS = [
    Section(
        key="zaken",
        title=gettext_lazy("Uw aanvragen, meldingen en klachten"),
        description=gettext_lazy(
            "Wat u aan de gemeente vroeg of meldde, en wat de gemeente daarmee deed."
        ),
        models=(
            "cases.Case",
            "cases.CaseStatus",
            "cases.CaseEvent",
            "cases.CaseMessage",
            "cases.InternalNote",
            "cases.CaseDocument",
            "cases.Feedback",
            "cases.Escalation",
            "cases.Notification",
        ),
        records=records,
        object_types=OBJECT_TYPES,
        describe=describe,
        preview=preview,
        record=record,
        position=20,
    )
]
