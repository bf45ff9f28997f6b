"""What participation holds on a resident, for the dossier.

Ideas, comments, supports, reports, consultation answers, voter-roll entries,
applications and signatures. For a vote it shows THAT and WHEN the resident voted
and the start of their receipt, never what they voted: the city cannot know that.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import connection
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stadhuis.core.dossier import Field, Record, Section
from stadhuis.participation import activities
from stadhuis.participation.models import (
    AbuseReport,
    Comment,
    FundApplication,
    Idea,
    Process,
    Response,
    Signature,
    Support,
    VoterRollEntry,
)

BY_YOU = gettext_lazy("door u ingevuld")


def _when(moment) -> str:
    return date_format(moment, "j F Y, H:i")


def _idea_title(idea: Idea, subject: str) -> str:
    """An idea's title as a record about something else names it: someone else's idea
    only while it is published (a title a moderator hid must not live on), as ``describe``
    names it in the log."""
    if idea.named_for(subject):
        return idea.title
    return _("een idee dat niet meer te zien is")


# Where a resident's rows are, per model: the field that holds their pseudonym.
_OWNERS = (
    (Idea, "author"),
    (Comment, "author"),
    (Support, "subject"),
    (AbuseReport, "reporter"),
    (Response, "subject"),
    (VoterRollEntry, "subject"),
    (FundApplication, "applicant"),
    (Signature, "subject"),
)


def _holds_anything(subject: str) -> bool:
    """Whether participation holds any row of the subject: one query. Most residents
    never took part, and the dossier's overview asks on every view."""
    quote = connection.ops.quote_name
    checks = " OR ".join(
        f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} "  # noqa: S608 - our names
        f"WHERE {quote(model._meta.get_field(field).column)} = %s)"
        for model, field in _OWNERS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {checks}", [subject] * len(_OWNERS))
        return bool(cursor.fetchone()[0])


def records(subject: str) -> list[Record]:
    """One query when the resident never took part; else nine, however many rows."""
    if not subject or not _holds_anything(subject):
        return []
    out: list[Record] = []
    for idea in Idea.objects.filter(author=subject).select_related("process"):
        out.append(
            Record(
                object_type="idee",
                object_id=str(idea.public_id),
                title=_("Idee: %(title)s") % {"title": idea.title},
                activity=activities.IDEAS,
                source=str(BY_YOU),
                created_at=idea.created_at,
                url=reverse("participation:idea", kwargs={"idea_id": idea.public_id})
                if idea.visibility == "published"
                else "",
                fields=[
                    Field(_("Proces"), idea.process.title, correctable=False),
                    Field(_("Titel"), idea.title),
                    Field(_("Uw idee"), idea.body),
                    Field(_("Plek"), idea.location),
                    Field(_("Foto"), _("ja") if idea.image else _("nee")),
                    Field(_("Zichtbaar"), idea.get_visibility_display(), correctable=False),
                    Field(_("Reden van de moderator"), idea.moderation_reason, correctable=False),
                ],
            )
        )
    for comment in Comment.objects.filter(author=subject).select_related("idea"):
        out.append(
            Record(
                object_type="reactie",
                object_id=str(comment.public_id),
                title=_("Reactie bij: %(title)s") % {"title": _idea_title(comment.idea, subject)},
                activity=activities.IDEAS,
                source=str(BY_YOU),
                created_at=comment.created_at,
                fields=[
                    Field(_("Uw reactie"), comment.body),
                    Field(_("Zichtbaar"), comment.get_visibility_display(), correctable=False),
                    Field(
                        _("Reden van de moderator"), comment.moderation_reason, correctable=False
                    ),
                ],
            )
        )
    for support in Support.objects.filter(subject=subject).select_related("idea"):
        out.append(
            Record(
                object_type="steun",
                object_id=str(support.idea.public_id),
                title=_("U steunt: %(title)s") % {"title": _idea_title(support.idea, subject)},
                activity=activities.IDEAS,
                source=str(BY_YOU),
                created_at=support.created_at,
                fields=[Field(_("Sinds"), _when(support.created_at), correctable=False)],
            )
        )
    for report in AbuseReport.objects.filter(reporter=subject):
        out.append(
            Record(
                object_type="melding",
                object_id=str(report.public_id),
                title=_("Uw melding van misbruik"),
                activity=activities.MODERATION,
                source=str(BY_YOU),
                created_at=report.created_at,
                fields=[
                    Field(_("Waarom"), report.reason),
                    Field(
                        _("Afgehandeld"),
                        _when(report.handled_at) if report.handled_at else _("nog niet"),
                        correctable=False,
                    ),
                ],
            )
        )
    responses = Response.objects.filter(subject=subject).select_related("process")
    for response in responses.prefetch_related("answers__question"):
        out.append(
            Record(
                object_type="antwoord",
                object_id=str(response.public_id),
                title=_("Uw antwoorden: %(title)s") % {"title": response.process.title},
                activity=activities.CONSULTATION,
                source=str(BY_YOU),
                created_at=response.created_at,
                fields=[
                    Field(
                        answer.question.text,
                        ", ".join(map(str, answer.value))
                        if isinstance(answer.value, list)
                        else str(answer.value),
                    )
                    for answer in sorted(response.answers.all(), key=lambda a: a.question.order)
                ],
            )
        )
    for entry in VoterRollEntry.objects.filter(subject=subject).select_related("process"):
        fields = [
            Field(_("Gestemd op"), _when(entry.voted_at), correctable=False),
            Field(
                _("Manier"),
                _("op papier") if entry.channel == "paper" else _("online"),
                correctable=False,
            ),
            Field(
                _("Wat u stemde"),
                _("Dat weet de gemeente niet: uw stem staat apart, zonder verband met u."),
                correctable=False,
            ),
        ]
        if entry.receipt_hint:
            fields.insert(
                1,
                Field(
                    _("Uw stembewijs begint met"),
                    entry.receipt_hint + "-…",
                    correctable=False,
                ),
            )
        out.append(
            Record(
                object_type="stemregister",
                object_id=str(entry.process.public_id),
                title=_("U stemde: %(title)s") % {"title": entry.process.title},
                activity=activities.VOTING,
                source=_("vastgelegd toen u stemde"),
                created_at=entry.voted_at,
                fields=fields,
            )
        )
    for application in FundApplication.objects.filter(applicant=subject).select_related("process"):
        out.append(
            Record(
                object_type="aanvraag",
                object_id=str(application.public_id),
                title=_("Uw aanvraag: %(title)s") % {"title": application.title},
                activity=activities.FUNDS,
                source=str(BY_YOU),
                created_at=application.created_at,
                url=reverse(
                    "participation:application", kwargs={"application_id": application.public_id}
                ),
                fields=[
                    Field(_("Plan"), application.plan),
                    Field(_("Gevraagd bedrag"), f"€ {application.amount}"),
                    Field(_("Kenmerk van de zaak"), application.case_reference, correctable=False),
                    Field(_("Besluit"), application.get_decision_display(), correctable=False),
                ],
            )
        )
    for signature in Signature.objects.filter(subject=subject).select_related("application"):
        out.append(
            Record(
                object_type="handtekening",
                object_id=str(signature.application.public_id),
                title=_("U tekende voor: %(title)s") % {"title": signature.application.title},
                activity=activities.FUNDS,
                source=str(BY_YOU),
                created_at=signature.created_at,
                fields=[Field(_("Getekend op"), _when(signature.created_at), correctable=False)],
            )
        )
    out.sort(key=lambda record: record.created_at, reverse=True)
    return out


def describe(subject: str, object_type: str, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Names for processing-log entries about this app's objects (six queries at most)."""
    wanted = _uuids(ids)
    if not wanted:
        return {}
    names: dict[str, tuple[str, str]] = {}
    for public_id, title in Process.objects.filter(public_id__in=wanted).values_list(
        "public_id", "title"
    ):
        names[str(public_id)] = (title, "")
    # Someone else's idea (one the resident supported, say) is named only while it is
    # published: a title a moderator hid must not live on in the supporters' logs.
    for public_id, title, visibility, author in Idea.objects.filter(
        public_id__in=wanted
    ).values_list("public_id", "title", "visibility", "author"):
        published = visibility == "published"
        if not published and author != subject:
            names[str(public_id)] = (_("Een idee dat niet meer te zien is"), "")
            continue
        url = reverse("participation:idea", kwargs={"idea_id": public_id}) if published else ""
        names[str(public_id)] = (_("Idee: %(title)s") % {"title": title}, url)
    for public_id, title, visibility in Comment.objects.filter(
        public_id__in=wanted, author=subject
    ).values_list("public_id", "idea__title", "idea__visibility"):
        shown = title if visibility == "published" else _("een idee dat niet meer te zien is")
        names[str(public_id)] = (_("Reactie bij: %(title)s") % {"title": shown}, "")
    for public_id, title in Response.objects.filter(
        public_id__in=wanted, subject=subject
    ).values_list("public_id", "process__title"):
        names[str(public_id)] = (_("Uw antwoorden: %(title)s") % {"title": title}, "")
    for public_id in AbuseReport.objects.filter(public_id__in=wanted, reporter=subject).values_list(
        "public_id", flat=True
    ):
        names[str(public_id)] = (_("Uw melding van misbruik"), "")
    for public_id, title in FundApplication.objects.filter(public_id__in=wanted).values_list(
        "public_id", "title"
    ):
        url = reverse("participation:application", kwargs={"application_id": public_id})
        names[str(public_id)] = (_("Aanvraag: %(title)s") % {"title": title}, url)
    return names


def _uuids(ids: Iterable[str]) -> list:
    result = []
    for value in ids:
        try:
            result.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return result


SECTIONS = [
    Section(
        key="meedoen",
        title=gettext_lazy("Meedoen"),
        description=gettext_lazy(
            "Uw ideeën, reacties en steun, uw antwoorden op raadplegingen, dat u stemde voor de "
            "burgerbegroting (niet wat), en uw aanvragen en handtekeningen voor het wijkfonds."
        ),
        models=(
            "participation.Idea",
            "participation.Comment",
            "participation.Support",
            "participation.AbuseReport",
            "participation.Response",
            "participation.Answer",
            "participation.VoterRollEntry",
            "participation.FundApplication",
            "participation.Signature",
        ),
        records=records,
        object_types=(
            "idee",
            "reactie",
            "steun",
            "melding",
            "antwoord",
            "stemregister",
            "aanvraag",
            "handtekening",
            "raadpleging",
            "stembiljet",
            "deelname",
        ),
        describe=describe,
        pages={
            "mijn-meedoen": gettext_lazy("Uw pagina Mijn meedoen"),
            "api-ideeen": gettext_lazy("Uw ideeën, via een app"),
            "api-steun": gettext_lazy("Uw steun voor ideeën, via een app"),
            "api-antwoorden": gettext_lazy("Uw antwoorden op raadplegingen, via een app"),
            "api-stemmen": gettext_lazy("Dat u stemde, via een app"),
            "melding/werklijst": gettext_lazy(
                "Werklijst van de medewerkers Meedoen: een melding van misbruik"
            ),
            "antwoord/werklijst": gettext_lazy(
                "Werklijst van de medewerkers Meedoen: uw open antwoord"
            ),
            "aanvraag/werklijst": gettext_lazy("Werklijst van de medewerkers Meedoen: uw aanvraag"),
        },
    )
]
