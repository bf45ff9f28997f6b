"""Every write of the burgerdossier: views and exports are logged, rights requests open
cases, and assisted service is opened and closed here.

The dossier is above the domain apps: it calls their services (``cases``) and reads
their data only through the sections they register (``core.dossier``).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stadhuis.accounts.services import resident_login
from stadhuis.cases import services as cases
from stadhuis.cases.queries_staff import staff_case
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, StadhuisError
from stadhuis.core.roles import Role, require_role
from stadhuis.dossier import activities, export, queries
from stadhuis.dossier.models import AssistedSession
from stadhuis.privacy.models import Action
from stadhuis.privacy.queries import retention_days
from stadhuis.privacy.services import record_processing, retention_delete


def _require_resident(actor: Actor) -> str:
    """The subject the actor may see: only a resident (or someone helping them) themself."""
    if actor.kind != ActorKind.RESIDENT or not actor.subject:
        raise NotAllowed(_("Alleen uzelf kunt uw dossier bekijken."))
    return actor.subject


def dossier_view(*, actor: Actor, part: str) -> None:
    """Log that the resident looked at (part of) their own dossier: they see it too."""
    subject = _require_resident(actor)
    with transaction.atomic():
        record_processing(
            actor=actor,
            activity=activities.DOSSIER,
            action=Action.READ,
            subjects=[subject],
            object_type="dossier",
            object_id=part[:64],
        )


def dossier_export(*, actor: Actor, with_log: bool = True) -> dict:
    """Everything on the resident, as the export's plain data; the export is logged."""
    subject = _require_resident(actor)
    with transaction.atomic():
        record_processing(
            actor=actor,
            activity=activities.DOSSIER,
            action=Action.EXPORT,
            subjects=[subject],
            object_type="dossier",
            object_id="export",
        )
        return export.build(subject, with_log=with_log)


# --- Rights: correction, objection, erasure ----------------------------------------------

RIGHT_KINDS = {
    "correctie": cases.CaseKind.CORRECTION_REQUEST,
    "bezwaar": cases.CaseKind.PROCESSING_OBJECTION,
    "verwijderen": cases.CaseKind.ERASURE_REQUEST,
}


def rights_request_submit(
    *,
    actor: Actor,
    right: str,
    section: str,
    object_id: str,
    item: str,
    explanation: str,
    correct_value: str = "",
):
    """Open a case of the right kind for a data item, so the resident follows it in
    track & trace with its statutory term. Returns the case."""
    subject = _require_resident(actor)
    kind = RIGHT_KINDS.get(right)
    if kind is None:
        raise NotFound(_("Dit verzoek kent de gemeente niet."))
    found = queries.find_record(subject, section, object_id)
    if found is None:
        raise NotFound(_("Dit gegeven staat niet in uw dossier."))
    if not found.rights.allows(right):
        raise NotAllowed(
            _("Voor dit gegeven kan dat niet: de wet verplicht de gemeente het te gebruiken.")
        )
    if right == "correctie" and not correct_value.strip():
        raise InvalidInput(_("Schrijf op wat het juiste gegeven is."), field="correct_value")
    if not explanation.strip() and right != "correctie":
        raise InvalidInput(_("Leg kort uit waarom."), field="explanation")
    code = cases.current_case_type_code(kind)
    if code is None:
        raise NotFound(_("De gemeente kan dit verzoek nu niet online ontvangen. Bel ons."))
    about = f"{found.record.title}: {item}" if item else found.record.title
    answers = {"gegeven": about}
    if right == "correctie":
        answers["juist"] = correct_value.strip()
    return cases.case_submit(
        actor=actor,
        case_type_code=code,
        description=explanation.strip() or _("Verzoek om correctie"),
        answers=cases.answers_for(code, answers),
    )


# --- Assisted service ----------------------------------------------------------------------


def assisted_actor(session: AssistedSession) -> Actor:
    """The actor for what a staff member does for the resident in an open session: the
    log entry is the resident's (they see it as done for them), the audit record names
    the staff member."""
    return Actor(
        kind=ActorKind.RESIDENT,
        unit=session.staff_unit,
        role="hulp-" + session.channel,
        subject=session.subject,
        assisted_by=session.staff_id,
    )


def assisted_session_start(
    *, actor: Actor, bsn: str, channel: str, reason: str, consent: bool
) -> AssistedSession:
    """Open assisted service, only with the resident's consent and a reason."""
    require_role(actor, Role.CASE_HANDLER, Role.PRIVACY_OFFICER)
    if channel not in AssistedSession.Channel.values:
        raise InvalidInput(_("Kies hoe u de inwoner helpt."), field="channel")
    if not consent:
        raise InvalidInput(
            _("Vraag eerst of de inwoner toestemming geeft, en vink dat aan."), field="consent"
        )
    if len(reason.strip()) < 5:
        raise InvalidInput(_("Schrijf op waarmee u de inwoner helpt."), field="reason")
    # A resident who never logged in (those who cannot use DigiD need this most) gets an
    # account here, after the staff member checked their proof of identity (an invalid
    # BSN: InvalidInput on the field bsn).
    resident = resident_login(bsn=bsn, helper=actor).resident
    now = timezone.now()
    with transaction.atomic():
        session = AssistedSession.objects.create(
            staff_id=actor.user_id,
            staff_unit=actor.unit,
            subject=resident.pseudonym,
            channel=channel,
            reason=reason.strip(),
            consent_recorded=True,
            started_at=now,
            ends_at=now + dt.timedelta(minutes=settings.ASSISTED_SESSION_MINUTES),
        )
        record_processing(
            actor=assisted_actor(session),
            activity=activities.ASSISTED,
            action=Action.CREATE,
            subjects=[session.subject],
            object_type="hulp",
            object_id=str(session.public_id),
        )
    return session


def assisted_session_for(*, actor: Actor, public_id) -> AssistedSession:
    """The staff member's own open session (NotFound for anyone else's, or a closed one)."""
    if actor.kind != ActorKind.STAFF:
        raise NotAllowed(_("Alleen medewerkers helpen inwoners."))
    session = AssistedSession.objects.filter(public_id=public_id, staff_id=actor.user_id).first()
    if session is None or not session.is_open():
        raise NotFound(_("Deze hulp is afgelopen. Begin opnieuw als de inwoner dat wil."))
    return session


def assisted_session_end(*, actor: Actor, session: AssistedSession) -> None:
    if actor.kind != ActorKind.STAFF or session.staff_id != actor.user_id:
        raise NotAllowed(_("Alleen wie de hulp begon, kan die afsluiten."))
    with transaction.atomic():
        updated = AssistedSession.objects.filter(pk=session.pk, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
        if updated:
            record_processing(
                actor=assisted_actor(session),
                activity=activities.ASSISTED,
                action=Action.UPDATE,
                subjects=[session.subject],
                object_type="hulp",
                object_id=str(session.public_id),
            )


# --- Answering an access request from the dossier ------------------------------------------


@dataclass(frozen=True)
class AccessAnswer:
    """What answering an access request made: the case (now finished) and its two
    documents, one to read or print (HTML) and one for a computer (JSON)."""

    case: object
    readable: object
    machine: object


def access_request_case(*, actor: Actor, reference: str):
    """The access request (AVG art. 15) with this reference, for the privacy officer:
    NotFound for any other reference or kind of case. It may be closed already (see
    ``access_request_problem``). Reading its reference and dates is not logged, as in
    the queue; what shows the resident's data (preview, answer) is."""
    require_role(actor, Role.PRIVACY_OFFICER)
    case = staff_case(reference)
    if case is None or case.case_type.kind != cases.CaseKind.ACCESS_REQUEST:
        raise NotFound(_("Dit inzageverzoek bestaat niet."))
    return case


def _closed(case) -> InvalidInput:
    return InvalidInput(
        _("Dit inzageverzoek is al afgesloten op %(date)s (%(status)s).")
        % {
            "date": date_format(timezone.localtime(case.closed_at).date(), "j F Y"),
            "status": _(case.status.name),
        }
    )


def _no_answer_result() -> InvalidInput:
    return InvalidInput(
        _(
            "Bij dit soort verzoek hoort geen resultaat voor een verstuurd antwoord. "
            "Vraag de beheerder van de zaaktypen om er een toe te voegen."
        )
    )


def access_request_problem(case) -> StadhuisError | None:
    """Why this request cannot be answered from the dossier now, or None."""
    if not case.is_open:
        return _closed(case)
    if not case.subject:
        return InvalidInput(
            _(
                "Dit verzoek is gedaan zonder in te loggen met DigiD. Dan weten we niet "
                "zeker wie het is, dus het antwoord kan niet uit het dossier komen."
            )
        )
    if not access_request_results(case):
        return _no_answer_result()
    return None


def access_request_results(case) -> list[tuple[str, str]]:
    """The results that go with a sent answer (``ResultType.needs_answer``), as choices;
    a refusal or withdrawal is set on the case page."""
    results = case.case_type.results.order_by("pk")
    return [(r.code, _(r.name)) for r in results if r.needs_answer]


def access_request_preview(*, actor: Actor, case) -> dict:
    """The answer as it would go out now, for the privacy officer to check before
    sending (the readable version's data, without the log). The read is logged: the
    resident sees that the privacy officer looked at their data for their request."""
    require_role(actor, Role.PRIVACY_OFFICER)
    problem = access_request_problem(case)
    if problem is not None:
        raise problem
    with transaction.atomic():
        cases.log_processing(actor=actor, case=case, action=Action.READ)
        with translation.override(settings.LANGUAGE_CODE):  # as it goes out: Dutch
            return export.build(case.subject, with_log=False)


def _steps_to_final(case) -> list:
    """The shortest walk along the case type's transitions from the current status to
    a final one (ties: the lower ``order``); empty if there is none. Two queries."""
    statuses = {
        s.pk: s for s in case.case_type.statuses.prefetch_related("next_statuses").order_by("order")
    }
    start = case.status_id
    came_from = {start: None}
    queue = deque([start])
    while queue:
        pk = queue.popleft()
        if pk != start and statuses[pk].is_final:
            steps = []
            while pk != start:
                steps.append(statuses[pk])
                pk = came_from[pk]
            return steps[::-1]
        for following in sorted(statuses[pk].next_statuses.all(), key=lambda s: s.order):
            if following.pk not in came_from:
                came_from[following.pk] = pk
                queue.append(following.pk)
    return []


def _walk_to_final(
    *,
    actor: Actor,
    case,
    expected_version: int,
    result_code: str,
    explanation: str,
    answer,
    event_data: dict | None = None,
) -> None:
    """Walk the case along its type's transitions to a final status, in one
    transaction, each step through ``cases.case_set_status``; the last step carries
    the result, the explanation, ``answer`` (the documents) and ``event_data``. The
    resident gets one e-mail, the final status's (or else the answer's): the steps on
    the way are recorded but send none, even where their status type mails."""
    steps = _steps_to_final(case)
    if not steps:
        raise InvalidInput(
            _("Van de status '%(status)s' kan dit verzoek niet worden afgerond.")
            % {"status": _(case.status.name)}
        )
    final = steps[-1]
    try:
        with transaction.atomic():
            for step in steps:
                cases.case_set_status(
                    actor=actor,
                    case=case,
                    expected_version=expected_version if step is steps[0] else case.version,
                    status_code=step.code,
                    result_code=result_code if step is final else None,
                    explanation=explanation if step is final else "",
                    answer=answer if step is final else None,
                    event_data=event_data if step is final else None,
                    notify=step is final,  # one message: the answer, not each step
                )
    except Conflict:
        now = staff_case(case.reference)
        if now is not None and not now.is_open:
            raise Conflict(
                _("Dit inzageverzoek is net afgehandeld. Het antwoord is één keer verstuurd.")
            ) from None
        raise


NOTE_MAX = 5000


def access_request_notes(*, actor: Actor, case) -> list:
    """The internal notes on the resident's cases, for the privacy officer to check on
    the answer page (the read is logged by cases, per case)."""
    require_role(actor, Role.PRIVACY_OFFICER)
    problem = access_request_problem(case)
    if problem is not None:
        raise problem
    return cases.access_request_notes(actor=actor, case=case)


def _included_notes(actor: Actor, case, notes: Mapping[int, str]) -> list[tuple]:
    """(case reference, day, text) for each note the officer included, with the text
    as they rewrote it; only notes on this resident's cases."""
    if not notes:
        return []
    known = {note.pk: note for note in cases.access_request_notes(actor=actor, case=case)}
    included = []
    for pk, text in sorted(notes.items()):
        note = known.get(pk)
        if note is None:
            raise InvalidInput(
                _("Deze notitie hoort niet bij de zaken van deze inwoner. Laad de pagina opnieuw."),
                field="notes",
            )
        text = text.strip()
        if not text:
            raise InvalidInput(
                _(
                    "Schrijf de tekst van elke notitie die u meestuurt, zonder gegevens van "
                    "anderen, of vink de notitie uit."
                ),
                field="notes",
            )
        if len(text) > NOTE_MAX:
            raise InvalidInput(
                _("Een notitie is hoogstens %(max)d tekens.") % {"max": NOTE_MAX}, field="notes"
            )
        included.append((note.case.reference, timezone.localtime(note.at).date(), text))
    return included


def access_request_answer(
    *,
    actor: Actor,
    reference: str,
    expected_version: int,
    result_code: str,
    explanation: str = "",
    notes: Mapping[int, str] | None = None,
) -> AccessAnswer:
    """The privacy officer sends the answer to an access request (AVG art. 15) and
    finishes it, in one transaction: the case walks the type's transitions to its final
    status with ``result_code`` (each step through ``cases.case_set_status``: history
    and log; one e-mail, at the end: ``_walk_to_final``), and the resident's
    dossier export is attached twice, readable (HTML) and for a computer (JSON), by the
    last step itself: cases closes an access request as answered only with its answer.

    ``expected_version`` is the case's version the officer checked: if anyone changed
    the case since, or a second click arrives after the first, nothing is written
    (Conflict). The status goes first, so a refused second send stores no file.

    ``notes`` (note id -> text): the internal notes the officer includes, each with the
    text they rewrote without other people's data; it goes into both documents under its
    case, never the note as staff wrote it. Notes left out stay out."""
    case = access_request_case(actor=actor, reference=reference)
    problem = access_request_problem(case)
    if problem is not None:
        raise problem
    included = _included_notes(actor, case, notes or {})
    with translation.override(settings.LANGUAGE_CODE):  # stored for the resident: Dutch
        explanation = explanation.strip() or _(
            "Uw antwoord staat hieronder bij Documenten: een overzicht om te lezen of te "
            "printen (het bestand dat eindigt op .html) en hetzelfde als bestand voor een "
            "computer (.json)."
        )
    stem = f"antwoord-inzageverzoek-{timezone.localdate():%Y-%m-%d}"

    def make_answer(case) -> list:
        """Made once the final status is set, so the answer shows the request as
        answered and carries the log entry of this export."""
        cases.log_processing(actor=actor, case=case, action=Action.EXPORT)
        # The resident's answer, in Dutch whatever language the officer reads in: the
        # rights, section titles and labels are made here, not in the template.
        with translation.override(settings.LANGUAGE_CODE):
            data = export.build(case.subject)
        export.add_notes(data, included)
        readable = export.readable_document(
            case.subject,
            data,
            about={"reference": case.reference, "received_on": case.received_on},
        )
        return [  # the readable one last: its e-mail, if the final status sends none
            cases.GeneratedDocument(stem, "application/json", export.to_json(data)),
            cases.GeneratedDocument(stem, "text/html", readable),
        ]

    with translation.override(settings.LANGUAGE_CODE):
        shared = None
        if included:  # in the history: how many went out (the texts are in the answer)
            reason = ngettext(
                "%(count)d interne notitie meegestuurd, zonder gegevens van anderen.",
                "%(count)d interne notities meegestuurd, zonder gegevens van anderen.",
                len(included),
            ) % {"count": len(included)}
            shared = {"reason": reason, "notes_included": str(len(included))}
    _walk_to_final(
        actor=actor,
        case=case,
        expected_version=expected_version,
        result_code=result_code,
        explanation=explanation,
        answer=make_answer,
        event_data=shared,
    )
    names = [f"{stem}.json", f"{stem}.html"]
    documents = {d.content_type: d for d in case.documents.filter(original_name__in=names)}
    return AccessAnswer(
        case=case, readable=documents["text/html"], machine=documents["application/json"]
    )


# --- Answering by post: a request made without DigiD ---------------------------------------


def access_request_by_post(case) -> bool:
    """A request made without DigiD (through an application, no resident account) is
    answered by post: the dossier does not know whose it is, only what the request holds."""
    return not case.subject


def access_request_post_address(case) -> str:
    """The postal address as the request gives it (street and number, then postcode)."""
    postcode = case.contact_postcode
    if len(postcode) == 6:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    return "\n".join(part for part in (case.address.strip(), postcode) if part)


def access_request_post_problem(case) -> StadhuisError | None:
    """Why this request cannot be answered by post now, or None."""
    if not case.is_open:
        return _closed(case)
    if not access_request_by_post(case):
        return InvalidInput(
            _(
                "Dit verzoek is gedaan met DigiD. Verstuur het antwoord uit het dossier; "
                "de inwoner vindt het bij de zaak."
            )
        )
    if not case.address.strip():
        return InvalidInput(
            _(
                "In dit verzoek staat geen adres. Dan kan het antwoord niet per post. Sluit "
                "het verzoek op de zaakpagina af met een toelichting, bijvoorbeeld dat de "
                "aanvrager het opnieuw kan vragen met DigiD of aan de balie."
            )
        )
    if not access_request_results(case):
        return _no_answer_result()
    return None


def _letter_subject(case) -> str:
    """Whom the processing of this request is logged for, as cases logs it: the
    pseudonym of the e-mail address in it or, without one, of its postal address."""
    return next(iter(cases.case_subjects(case)), "")


def _check_post_problem(actor: Actor, case) -> None:
    require_role(actor, Role.PRIVACY_OFFICER)
    problem = access_request_post_problem(case)
    if problem is not None:
        raise problem


def access_request_post_view(*, actor: Actor, case) -> str:
    """The address the answer by post goes to, for the privacy officer's page. Showing
    it (with the postcode) is a read of the requester's data, logged as the case page
    logs one."""
    _check_post_problem(actor, case)
    with transaction.atomic():
        cases.log_processing(actor=actor, case=case, action=Action.READ)
    return access_request_post_address(case)


def access_request_letter(*, actor: Actor, case, back_url: str = "") -> bytes:
    """The answer by post as a page to print (dated today; ``back_url`` is a link that
    is not printed). Printing it puts the requester's data on paper, so it is logged
    (as an export) each time."""
    _check_post_problem(actor, case)
    subject = _letter_subject(case)
    with transaction.atomic():
        cases.log_processing(actor=actor, case=case, action=Action.EXPORT)
        return export.letter_document(
            case,
            subject,
            address=access_request_post_address(case),
            on=timezone.localdate(),
            back_url=back_url,
        )


def access_request_answer_by_post(
    *,
    actor: Actor,
    reference: str,
    expected_version: int,
    result_code: str,
    sent_on: dt.date,
    explanation: str = "",
):
    """The privacy officer records that the answer went by post on ``sent_on`` to the
    address in the request, and the request is finished with ``result_code``, the way
    ``access_request_answer`` finishes it: the same walk, and the last step keeps a copy
    of the letter with the case (the answer ``cases`` requires), the date and address in
    the history and in the resident's timeline, and a log entry for the sending
    ("gedeeld"). Returns the case."""
    case = access_request_case(actor=actor, reference=reference)
    _check_post_problem(actor, case)
    today = timezone.localdate()
    if sent_on > today:
        raise InvalidInput(
            _("Kies de dag waarop de brief op de post ging: vandaag of eerder."), field="sent_on"
        )
    if sent_on < case.received_on:
        raise InvalidInput(
            _("De brief kan niet verstuurd zijn voordat het verzoek binnenkwam (%(date)s).")
            % {"date": date_format(case.received_on, "j F Y")},
            field="sent_on",
        )
    address = access_request_post_address(case)
    subject = _letter_subject(case)
    with translation.override(settings.LANGUAGE_CODE):  # stored for the resident: Dutch
        posted = _("Wij hebben u het antwoord op %(date)s per post gestuurd naar %(address)s.") % {
            "date": date_format(sent_on, "j F Y"),
            "address": address.replace("\n", ", "),
        }
    explanation = f"{posted}\n\n{explanation.strip()}" if explanation.strip() else posted

    def make_answer(case) -> list:
        cases.log_processing(actor=actor, case=case, action=Action.SHARE)
        letter = export.letter_document(case, subject, address=address, on=sent_on)
        stem = f"antwoord-inzageverzoek-per-post-{sent_on:%Y-%m-%d}"
        return [cases.GeneratedDocument(stem, "text/html", letter)]

    _walk_to_final(
        actor=actor,
        case=case,
        expected_version=expected_version,
        result_code=result_code,
        explanation=explanation,
        answer=make_answer,
        event_data={"reason": posted, "post_on": sent_on.isoformat(), "post_to": address},
    )
    return case


# --- Retention -------------------------------------------------------------------------------


def assisted_sessions_retention_apply(*, now: dt.datetime | None = None) -> int:
    """Delete assisted-service records whose retention period (from the register) passed.

    Each deletion is logged for its resident; running twice does nothing more.
    """
    days = retention_days({activities.ASSISTED}).get(activities.ASSISTED)
    if days is None:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return retention_delete(
        AssistedSession.objects.filter(started_at__lt=cutoff), object_type="hulp"
    )
