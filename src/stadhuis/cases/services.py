"""Every write of track & trace. Each owns its transaction and logs the processing.

Concurrency: every change to a case names the ``version`` the actor saw; the update
only succeeds when the case still has that version, otherwise ``Conflict`` (409) and
nothing is written. History (``CaseEvent``, ``CaseStatus``) is append-only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from stadhuis.cases import activities, terms
from stadhuis.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseKind,
    CaseMessage,
    CaseStatus,
    CaseType,
    Confidentiality,
    Escalation,
    Feedback,
    InternalNote,
    LookupAttempt,
    Notification,
    ResultType,
    StatusType,
)
from stadhuis.cases.uploads import CleanUpload, clean_upload
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from stadhuis.core.roles import Role, require_role
from stadhuis.privacy.activities import RETENTION as RETENTION_ACTIVITY
from stadhuis.privacy.models import Action, ProcessingActivity
from stadhuis.privacy.queries import retention_days
from stadhuis.privacy.services import RETENTION_ACTOR, ProcessingRefused, record_processing

REOPEN_WINDOW = dt.timedelta(days=14)
LOOKUP_LIMIT = 5  # failed anonymous look-ups per client per 15 minutes
LOOKUP_WINDOW = dt.timedelta(minutes=15)
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def new_reference() -> str:
    """80 random bits as 16 Crockford base32 characters, in groups of four."""
    number = secrets.randbits(80)
    chars = "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def normalise_reference(value: str) -> str:
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    return "-".join(cleaned[i : i + 4] for i in range(0, 16, 4)) if len(cleaned) == 16 else ""


def _keyed(kind: bytes, value: str) -> str:
    """HMAC-SHA256 under the pseudonym key, as the BSN's pseudonym; ``kind`` keeps the
    pseudonyms of different things apart."""
    key = settings.PSEUDONYM_KEY.encode()
    return hmac.new(key, kind + value.encode(), hashlib.sha256).hexdigest()


def contact_pseudonym(email: str) -> str:
    """The subject of an anonymous case: a keyed pseudonym of the e-mail address given."""
    return _keyed(b"email:", email.strip().lower())


def address_pseudonym(address: str, postcode: str) -> str:
    """The subject of an access request made without DigiD and without an e-mail address:
    the same keyed pseudonym, of the postal address it gives (the one the answer goes to).
    Spaces and capitals do not count, so the same address gives the same pseudonym."""
    street = " ".join(address.lower().split())
    return _keyed(b"address:", f"{street}|{postcode.replace(' ', '').upper()}")


def case_subjects(case: Case) -> list[str]:
    """Whom a processing of this case is logged for: the resident (DigiD), else the
    pseudonym of the e-mail address given. An access request with neither is answered
    by post, so its address is the requester's own: the pseudonym of that address. Other
    cases with neither have nobody to log for (their address is where something is, not
    who asked)."""
    if case.subject:
        return [case.subject]
    if case.contact_email:
        return [contact_pseudonym(case.contact_email)]
    if case.case_type.kind == CaseKind.ACCESS_REQUEST and case.address.strip():
        return [address_pseudonym(case.address, case.contact_postcode)]
    return []


def _log(actor: Actor, case: Case, action: str, object_type: str = "zaak") -> None:
    record_processing(
        actor=actor,
        activity=case.case_type.processing_activity,
        action=action,
        subjects=case_subjects(case),
        object_type=object_type,
        object_id=case.reference,
    )


def log_processing(*, actor: Actor, case: Case, action: str) -> None:
    """Log a use of this case's personal data (for another app, e.g. the dossier
    answering an access request), for the subjects cases logs its own for
    (``case_subjects``)."""
    _log(actor, case, action)


def _event(case: Case, actor: Actor, kind: str, *, visible: bool = True, **data) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor_kind=str(actor.kind),
        actor_role=actor.role,
        actor_user_id=actor.user_id if actor.kind == ActorKind.STAFF else None,
        visible_to_resident=visible,
        data=data,
    )


def _conflict() -> Conflict:
    return Conflict(
        _(
            "Iemand anders heeft deze zaak intussen gewijzigd. Laad de zaak opnieuw; "
            "uw wijziging is niet opgeslagen."
        )
    )


def _bump(case: Case, expected_version: int, **changes) -> None:
    """Apply ``changes`` only if nobody changed the case since ``expected_version``."""
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    if not updated:
        raise _conflict()
    for name, value in changes.items():
        setattr(case, name, value)
    case.version = expected_version + 1


# --- Case types ------------------------------------------------------------------------


def _lock_versions(case_type: CaseType) -> tuple[str | None, list[CaseType]]:
    """Lock every version of the type's code, then read them: a second publish or new
    version of the code waits here until this transaction ends. The read is a statement
    of its own, after the lock: under PostgreSQL's READ COMMITTED the locking statement
    returns only the rows of its own snapshot, so it would miss a draft that the
    transaction it waited for added (and a second new version would take the same
    number: an IntegrityError instead of the refusal naming the draft)."""
    code = CaseType.objects.filter(pk=case_type.pk).values_list("code", flat=True).first()
    list(CaseType.objects.select_for_update().filter(code=code).values_list("pk", flat=True))
    return code, list(CaseType.objects.filter(code=code))


def case_type_publish(*, actor: Actor, case_type: CaseType) -> CaseType:
    """Freeze a draft and put it in use: from now on residents and applications open
    cases of its code under this version (``is_current``) instead of the one before.
    Both changes are one transaction, so the type is never offline and never has two
    versions in use. Checks that the draft is complete."""
    require_role(actor, Role.ADMINISTRATOR)
    with transaction.atomic():
        code, versions = _lock_versions(case_type)
        draft = next((v for v in versions if v.pk == case_type.pk), None)
        if draft is None:
            raise NotFound(_("Dit zaaktype bestaat niet."))
        if draft.is_published:
            raise InvalidInput(_("Deze versie is al gepubliceerd."))
        if any(v.is_published and v.version > draft.version for v in versions):
            raise InvalidInput(
                _(
                    "Er is al een nieuwere versie gepubliceerd. Maak een nieuwe versie van "
                    "de versie die nu in gebruik is."
                )
            )
        activity = ProcessingActivity.objects.filter(
            code=draft.processing_activity, is_active=True
        ).first()
        if activity is None:
            raise InvalidInput(_("De verwerkingsactiviteit staat niet (actief) in het register."))
        statuses = list(draft.statuses.all())
        if not statuses or not any(s.is_final for s in statuses):
            raise InvalidInput(_("Een zaaktype heeft statussen nodig, waarvan één eindstatus."))
        results = list(draft.results.all())
        if not results:
            raise InvalidInput(_("Een zaaktype heeft minstens één mogelijk resultaat nodig."))
        _require_a_result_without_answer(draft, results)
        # First out of use, then in use: the database allows one version in use per code.
        CaseType.objects.filter(code=code, is_current=True).update(is_current=False)
        draft.published_at = timezone.now()
        draft.is_current = True
        draft.save(update_fields=["published_at", "is_current"])  # post_save: queue filters
    case_type.published_at, case_type.is_current = draft.published_at, True
    return case_type


def _require_a_result_without_answer(case_type: CaseType, results: Sequence[ResultType]) -> None:
    """An access request must be able to close without the answer: refused (AVG art.
    12(5)) or withdrawn. Every other result closes it only with the answer from the
    dossier, so without such a result nobody could refuse a request of this version."""
    if case_type.kind == CaseKind.ACCESS_REQUEST and not any(
        r.closes_without_answer for r in results
    ):
        raise InvalidInput(
            _(
                "Een inzageverzoek heeft minstens één resultaat nodig dat het verzoek "
                "afsluit zonder antwoord, zoals 'Geweigerd' of 'Ingetrokken' (vink "
                "'sluit af zonder antwoord' aan). Anders kan niemand een verzoek van "
                "dit type weigeren of afsluiten als de inwoner het intrekt."
            )
        )


def case_type_new_version(*, actor: Actor, case_type: CaseType) -> CaseType:
    """Copy the version in use into a new draft, for administrators to change. Residents
    and cases keep the version in use until the draft is published; one draft per code."""
    require_role(actor, Role.ADMINISTRATOR)
    with transaction.atomic():
        _code, versions = _lock_versions(case_type)
        current = next((v for v in versions if v.pk == case_type.pk), None)
        if current is None:
            raise NotFound(_("Dit zaaktype bestaat niet."))
        if not current.is_published:
            raise InvalidInput(
                _("Dit is een conceptversie: wijzig de conceptversie zelf en publiceer die.")
            )
        if not current.is_current:
            raise InvalidInput(_("Maak een nieuwe versie van de versie die nu in gebruik is."))
        # The draft of the code; an older one (left from before cases/0009) can never be
        # published and does not count.
        drafts = [v for v in versions if not v.is_published and v.version > current.version]
        if drafts:
            raise InvalidInput(
                _(
                    "Er is al een conceptversie van dit zaaktype (versie %(version)s). "
                    "Wijzig of publiceer die eerst."
                )
                % {"version": max(v.version for v in drafts)}
            )
        statuses = list(current.statuses.prefetch_related("next_statuses"))
        results = list(current.results.all())
        new = CaseType.objects.get(pk=current.pk)
        new.pk = None
        new.public_id = uuid.uuid4()
        new._state.adding = True
        new.version = max(v.version for v in versions) + 1
        new.is_current = False  # in use only once published
        new.published_at = None
        new.created_at = timezone.now()
        new.save()
        mapping = {}
        for status in statuses:
            copy = StatusType.objects.create(
                case_type=new,
                order=status.order,
                code=status.code,
                name=status.name,
                resident_text=status.resident_text,
                notify_resident=status.notify_resident,
                is_final=status.is_final,
            )
            mapping[status.pk] = copy
        for status in statuses:
            mapping[status.pk].next_statuses.set(
                [mapping[n.pk] for n in status.next_statuses.all()]
            )
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


# --- Residents -------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    data: bytes
    name: str
    keep_location: bool = False


def case_submit(
    *,
    actor: Actor,
    case_type_code: str,
    description: str,
    answers: dict | None = None,
    email: str = "",
    postcode: str = "",
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    uploads: list[Upload] = (),
    own_intake: bool = False,
) -> Case:
    """A resident (logged in, or anonymous where the type allows) opens a case.

    A type with a ``start_url`` is opened only by the part of the platform that page
    belongs to, which says so with ``own_intake=True``; the general form and the API are
    refused, so no such case exists without what that part adds to it.
    """
    case_type = CaseType.objects.filter(
        code=case_type_code, is_current=True, published_at__isnull=False
    ).first()
    if case_type is None:
        raise NotFound(_("Dit soort aanvraag bestaat niet (meer)."))
    if case_type.start_url and not own_intake:
        raise NotAllowed(
            _("Dit vraagt u niet hier aan, maar op %(url)s.") % {"url": case_type.start_url}
        )
    anonymous = actor.kind == ActorKind.RESIDENT and not actor.subject
    if actor.kind not in (ActorKind.RESIDENT, ActorKind.APPLICATION):
        raise NotAllowed(_("Alleen inwoners en gekoppelde applicaties dienen zaken in."))
    if actor.kind == ActorKind.APPLICATION:
        ceiling = actor.may(case_type.code, "create")
        if ceiling is None or Confidentiality.rank(
            case_type.confidentiality
        ) > Confidentiality.rank(ceiling):
            raise NotAllowed(_("Deze applicatie mag geen zaken van dit type aanmaken."))
    if anonymous and not case_type.anonymous_allowed:
        raise NotAllowed(_("Log in met DigiD om dit aan te vragen."))
    if not description.strip():
        raise InvalidInput(_("Beschrijf kort waar het om gaat."), field="description")
    _check_answers(case_type, answers or {})
    cleaned = [clean_upload(u.data, u.name, keep_location=u.keep_location) for u in uploads]
    first = case_type.statuses.order_by("order").first()
    now = timezone.now()
    received = timezone.localdate(now)
    with transaction.atomic():
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    case = Case.objects.create(
                        reference=new_reference(),
                        case_type=case_type,
                        subject=actor.subject if actor.kind == ActorKind.RESIDENT else "",
                        contact_email=email.strip(),
                        contact_postcode=postcode.replace(" ", "").upper(),
                        description=description.strip(),
                        answers=answers or {},
                        address=address,
                        latitude=latitude,
                        longitude=longitude,
                        status=first,
                        status_since=now,
                        received_on=received,
                        deadline=terms.deadline(
                            received_on=received,
                            amount=case_type.term_amount,
                            unit=case_type.term_unit,
                        ),
                        department=case_type.department,
                        confidentiality=case_type.confidentiality,
                        created_at=now,
                    )
                break
            except IntegrityError:  # a reference collision: astronomically rare; retry
                continue
        else:
            raise Conflict()
        CaseStatus.objects.create(case=case, status_type=first, set_at=now)
        _event(case, actor, CaseEvent.Kind.CREATED)
        for upload in cleaned:
            _store_document(case, actor, upload)
        _log(actor, case, Action.CREATE)
        _queue_status_notification(case, first, new_case=True)
    return case


def _check_answers(case_type: CaseType, answers: dict) -> None:
    known = {q["name"]: q for q in case_type.questions}
    unknown = set(answers) - set(known)
    if unknown:
        raise InvalidInput(_("Onbekende vragen: %(names)s") % {"names": ", ".join(sorted(unknown))})
    for name, question in known.items():
        value = answers.get(name)
        if question.get("required") and value in (None, "", []):
            raise InvalidInput(
                _("Vul dit in: %(label)s") % {"label": question["label"]}, field=name
            )
        choices = question.get("choices")
        if choices and value not in (None, "") and value not in choices:
            raise InvalidInput(_("Kies een van de mogelijkheden."), field=name)


def _store_document(case: Case, actor: Actor, upload) -> CaseDocument:
    document = CaseDocument(
        case=case,
        original_name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        location_removed=upload.location_removed,
        uploaded_by=str(actor.kind),
    )
    document.file.save(upload.name, upload.content, save=False)
    document.save()
    _event(case, actor, CaseEvent.Kind.DOCUMENT, name=upload.name)
    return document


def _own_case(actor: Actor, case: Case) -> None:
    if actor.kind != ActorKind.RESIDENT or not actor.subject or actor.subject != case.subject:
        raise NotFound()


def case_open_for_resident(*, actor: Actor, case: Case) -> Case:
    """The resident opens their own case; logged as their own read (seen in the dossier)."""
    _own_case(actor, case)
    with transaction.atomic():
        _log(actor, case, Action.READ)
    return case


def case_document_open_for_resident(*, actor: Actor, document: CaseDocument) -> CaseDocument:
    """The resident downloads a document of their own case; the read is logged."""
    _own_case(actor, document.case)
    with transaction.atomic():
        _log(actor, document.case, Action.READ, "document")
    return document


def case_add_document(*, actor: Actor, case: Case, upload: Upload) -> CaseDocument:
    """The resident adds a document to an open case of their own."""
    _own_case(actor, case)
    if not case.is_open:
        raise InvalidInput(_("Deze zaak is afgesloten."))
    cleaned = clean_upload(upload.data, upload.name, keep_location=upload.keep_location)
    with transaction.atomic():
        document = _store_document(case, actor, cleaned)
        _log(actor, case, Action.UPDATE, "document")
    return document


def case_reply(*, actor: Actor, case: Case, body: str) -> CaseMessage:
    _own_case(actor, case)
    if not case.is_open:
        raise InvalidInput(_("Deze zaak is afgesloten. Reageer met uw mening over de afhandeling."))
    if not body.strip():
        raise InvalidInput(_("Schrijf een bericht."), field="body")
    with transaction.atomic():
        message = CaseMessage.objects.create(
            case=case, direction=CaseMessage.Direction.FROM_RESIDENT, body=body.strip()
        )
        _event(case, actor, CaseEvent.Kind.MESSAGE, direction="from_resident")
        _log(actor, case, Action.UPDATE, "bericht")
    return message


def case_withdraw(*, actor: Actor, case: Case, expected_version: int, reason: str = "") -> Case:
    _own_case(actor, case)
    if not case.is_open:
        raise InvalidInput(_("Deze zaak is al afgesloten."))
    final = case.case_type.statuses.filter(is_final=True).order_by("order").first()
    now = timezone.now()
    with transaction.atomic():
        _bump(case, expected_version, status=final, status_since=now, closed_at=now)
        CaseStatus.objects.create(
            case=case, status_type=final, set_at=now, explanation=_("Ingetrokken door u.")
        )
        _event(case, actor, CaseEvent.Kind.WITHDRAWN, reason=reason)
        _log(actor, case, Action.UPDATE)
    return case


def case_feedback(*, actor: Actor, case: Case, satisfied: bool, text: str = "") -> Feedback:
    """Feedback on a closed case. An unhappy answer within 14 days reopens a report."""
    _own_case(actor, case)
    if case.is_open:
        raise InvalidInput(_("U kunt reageren als de zaak is afgehandeld."))
    if not satisfied and not text.strip():
        raise InvalidInput(_("Vertel kort wat er niet goed ging."), field="text")
    with transaction.atomic():
        feedback = Feedback.objects.create(case=case, satisfied=satisfied, text=text.strip())
        _event(case, actor, CaseEvent.Kind.FEEDBACK, satisfied=satisfied)
        _log(actor, case, Action.UPDATE, "reactie")
        if (
            not satisfied
            and case.case_type.kind == CaseKind.REPORT
            and timezone.now() - case.closed_at <= REOPEN_WINDOW
        ):
            _reopen(actor, case, reason=text.strip())
    return feedback


def _reopen(actor: Actor, case: Case, reason: str) -> None:
    first = case.case_type.statuses.order_by("order").first()
    now = timezone.now()
    received = timezone.localdate(now)
    _bump(
        case,
        case.version,
        status=first,
        status_since=now,
        closed_at=None,
        result=None,
        received_on=received,
        deadline=terms.deadline(
            received_on=received, amount=case.case_type.term_amount, unit=case.case_type.term_unit
        ),
        suspended_since=None,
        suspended_days=0,
        extended=False,
    )
    CaseStatus.objects.create(
        case=case, status_type=first, set_at=now, explanation=_("Heropend na uw reactie.")
    )
    _event(case, actor, CaseEvent.Kind.REOPENED, reason=reason)


def case_escalate(*, actor: Actor, case: Case, reason: str) -> Escalation:
    """Take a complaint to the local ombudsman: after the city's procedure ended and the
    resident is still unhappy, or when the city missed its deadline."""
    _own_case(actor, case)
    if case.case_type.kind != CaseKind.COMPLAINT:
        raise InvalidInput(_("Alleen een klacht kunt u voorleggen aan de ombudsman."))
    if case.escalated:
        raise InvalidInput(_("Deze klacht ligt al bij de ombudsman."))
    if not reason.strip():
        raise InvalidInput(_("Schrijf waarom u het niet eens bent."), field="reason")
    overdue = case.is_open and timezone.localdate() > case.deadline
    if case.is_open and not overdue:
        raise InvalidInput(
            _("Dat kan als de gemeente uw klacht heeft afgehandeld, of als de termijn voorbij is.")
        )
    with transaction.atomic():
        _bump(case, case.version, escalated=True)
        escalation = Escalation.objects.create(
            case=case, reason=reason.strip(), grounds="overdue" if overdue else "unhappy"
        )
        _event(case, actor, CaseEvent.Kind.ESCALATED, grounds=escalation.grounds)
        _log(actor, case, Action.SHARE)
    return escalation


# --- Staff -----------------------------------------------------------------------------


def _granted(actor: Actor, case_type_code: str, action: str, confidentiality: str) -> bool:
    """An application's grant allows ``action`` on this type up to ``confidentiality``."""
    ceiling = actor.may(case_type_code, action)
    return ceiling is not None and Confidentiality.rank(confidentiality) <= Confidentiality.rank(
        ceiling
    )


def _require_handler(actor: Actor, case: Case) -> None:
    """A case handler of the case's department (or its assignee), or an application
    whose grant allows ``update`` on this case type up to the case's confidentiality."""
    if actor.kind == ActorKind.APPLICATION:
        if not _granted(actor, case.case_type.code, "update", case.confidentiality):
            raise NotAllowed(_("Deze applicatie mag deze zaak niet wijzigen."))
        return
    require_role(actor, Role.CASE_HANDLER)
    if case.assignee_id != actor.user_id and case.department != actor.unit:
        raise NotAllowed(_("Deze zaak hoort bij een andere afdeling."))


def case_open_for_staff(*, actor: Actor, case: Case) -> Case:
    """A staff member opens a case: the read is logged (the resident sees it)."""
    ombudsman = actor.has_role(Role.OMBUDSMAN) and case.escalated
    if not ombudsman and not actor.has_role(Role.PRIVACY_OFFICER):
        _require_handler(actor, case)
    with transaction.atomic():
        _log(actor, case, Action.READ)
    return case


def case_assign(
    *, actor: Actor, case: Case, expected_version: int, assignee_id: int | None = None
) -> Case:
    """Claim a case (``assignee_id`` None) or assign it to a colleague."""
    _require_handler(actor, case)
    target = assignee_id or actor.user_id
    from stadhuis.accounts.models import User  # a lower layer

    eligible = User.objects.filter(
        pk=target,
        is_active=True,
        kind=User.Kind.STAFF,
        org_unit=case.department,
        role_assignments__role=Role.CASE_HANDLER,
    ).exists()
    if not eligible:
        raise InvalidInput(
            _("Wijs de zaak toe aan een zaakbehandelaar van de afdeling %(department)s.")
            % {"department": case.department},
            field="assignee",
        )
    with transaction.atomic():
        _bump(case, expected_version, assignee_id=target)
        _event(case, actor, CaseEvent.Kind.ASSIGNED, visible=False, assignee=target)
        _log(actor, case, Action.UPDATE)
    return case


@dataclass(frozen=True)
class GeneratedDocument:
    """A document the city makes (see ``case_attach_generated``): our own JSON, text or
    HTML, never an upload."""

    name: str
    content_type: str
    data: bytes


def case_set_status(
    *,
    actor: Actor,
    case: Case,
    expected_version: int,
    status_code: str,
    explanation: str = "",
    result_code: str | None = None,
    answer: Callable[[Case], Sequence[GeneratedDocument]] | None = None,
    event_data: Mapping[str, str] | None = None,
    notify: bool = True,
) -> Case:
    """Move a case along a transition its type allows; a final status needs a result.

    An access request (AVG art. 15) is closed with a result that says the resident got
    their data (``ResultType.needs_answer``) only together with that answer: ``answer``
    makes the documents once the status is set (so they show the request as answered)
    and they are attached here, in the same transaction, once each. Only
    ``dossier.services.access_request_answer`` passes it; the staff case page and the API
    cannot, so they cannot close such a request as answered. A result that closes it
    without the data (refused, withdrawn) needs an explanation for the resident.

    The privacy officer may move access requests too: answering one from the dossier
    finishes the case. ``event_data`` is kept with the history entry (staff see its
    ``reason``), such as the date and address an answer was posted to. ``notify=False``
    sends no e-mail for this status even where its type says so: a caller that walks
    through in-between statuses in one go tells the resident once, at the end."""
    if case.case_type.kind == CaseKind.ACCESS_REQUEST:
        _require_handler_or_privacy(actor, case)
    else:
        _require_handler(actor, case)
    if case.version != expected_version:  # judge the request against what the actor saw
        raise _conflict()
    if not case.is_open:
        raise InvalidInput(_("Deze zaak is afgesloten."))
    target = case.status.next_statuses.filter(code=status_code).first()
    if target is None:
        raise InvalidInput(
            _("Van '%(from)s' kan de zaak niet naar deze status.") % {"from": case.status.name}
        )
    result = None
    if target.is_final:
        result = case.case_type.results.filter(code=result_code or "").first()
        if result is None:
            raise InvalidInput(_("Kies een resultaat om de zaak af te sluiten."), field="result")
    _check_answer(case, result, answer, explanation)
    now = timezone.now()
    changes = {"status": target, "status_since": now}
    if target.is_final:
        changes.update(result=result, closed_at=now, suspended_since=None)
    with transaction.atomic():
        _bump(case, expected_version, **changes)
        CaseStatus.objects.create(
            case=case, status_type=target, set_at=now, explanation=explanation.strip()
        )
        _event(
            case,
            actor,
            CaseEvent.Kind.STATUS,
            **{
                **(event_data or {}),
                "status": target.code,
                "result": result.code if result else None,
            },
        )
        _log(actor, case, Action.UPDATE)
        if notify:
            _queue_status_notification(case, target)
        if answer is not None:
            _attach_answer(actor, case, answer(case), status_mails=target.notify_resident)
    return case


def _check_answer(case: Case, result: ResultType | None, answer, explanation: str) -> None:
    """The rule of AVG art. 15 in the state machine: "answered" only with the answer."""
    if case.case_type.kind != CaseKind.ACCESS_REQUEST:
        if answer is not None:
            raise InvalidInput(_("Alleen een inzageverzoek krijgt een antwoord uit het dossier."))
        return
    if result is None:  # not (yet) closing it
        if answer is not None:
            raise InvalidInput(_("Het antwoord gaat mee met de status die het verzoek afsluit."))
        return
    if result.needs_answer and answer is None:
        raise InvalidInput(
            _(
                "Een inzageverzoek sluit u met '%(result)s' alleen af samen met het antwoord. "
                "De privacyfunctionaris controleert het antwoord en verstuurt het bij "
                "AVG-verzoeken ('Verstuur en rond af'); dan wordt het verzoek afgehandeld."
            )
            % {"result": _(result.name)},
            field="result",
        )
    if not result.needs_answer and answer is not None:
        raise InvalidInput(
            _(
                "Met '%(result)s' sluit u het verzoek af zonder de gegevens. Kies het "
                "resultaat dat past bij het antwoord dat u verstuurt."
            )
            % {"result": _(result.name)},
            field="result",
        )
    if not result.needs_answer and not explanation.strip():
        raise InvalidInput(
            _(
                "Schrijf de inwoner waarom het verzoek zonder de gegevens wordt afgesloten. "
                "De inwoner leest dit bij de zaak."
            ),
            field="explanation",
        )


def _attach_answer(
    actor: Actor, case: Case, documents: Sequence[GeneratedDocument], *, status_mails: bool
) -> None:
    """Attach the answer's documents, each once. One e-mail in all: the final status's,
    or else the last document's."""
    if not documents:
        raise InvalidInput(_("Het antwoord is leeg; er is niets verstuurd."))
    for document in documents:
        case_attach_generated(
            actor=actor,
            case=case,
            name=document.name,
            content_type=document.content_type,
            data=document.data,
            once=True,
            notify=not status_mails and document is documents[-1],
        )


def case_suspend(*, actor: Actor, case: Case, expected_version: int, reason: str) -> Case:
    _require_handler(actor, case)
    if not case.case_type.can_suspend:
        raise InvalidInput(_("Dit soort zaak kan niet worden opgeschort."))
    if case.suspended_since or not case.is_open:
        raise InvalidInput(_("Deze zaak is al opgeschort of afgesloten."))
    if not reason.strip():
        raise InvalidInput(_("Geef een reden."), field="reason")
    with transaction.atomic():
        _bump(case, expected_version, suspended_since=timezone.localdate())
        _event(case, actor, CaseEvent.Kind.SUSPENDED, reason=reason.strip())
        _log(actor, case, Action.UPDATE)
    return case


def case_resume(*, actor: Actor, case: Case, expected_version: int) -> Case:
    _require_handler(actor, case)
    if not case.suspended_since:
        raise InvalidInput(_("Deze zaak is niet opgeschort."))
    days = case.suspended_days + (timezone.localdate() - case.suspended_since).days
    with transaction.atomic():
        _bump(
            case,
            expected_version,
            suspended_since=None,
            suspended_days=days,
            deadline=_deadline_for(case, suspended_days=days),
        )
        _event(case, actor, CaseEvent.Kind.RESUMED, days=days)
        _log(actor, case, Action.UPDATE)
    return case


def case_extend(*, actor: Actor, case: Case, expected_version: int, reason: str) -> Case:
    _require_handler(actor, case)
    if not case.case_type.can_extend or not case.case_type.extension_amount:
        raise InvalidInput(_("Dit soort zaak kan niet worden verlengd."))
    if case.extended or not case.is_open:
        raise InvalidInput(_("Deze zaak is al verlengd of afgesloten."))
    if not reason.strip():
        raise InvalidInput(_("Geef een reden."), field="reason")
    with transaction.atomic():
        _bump(
            case,
            expected_version,
            extended=True,
            deadline=_deadline_for(case, extended=True),
        )
        _event(case, actor, CaseEvent.Kind.EXTENDED, reason=reason.strip())
        _log(actor, case, Action.UPDATE)
    return case


def _deadline_for(case: Case, *, suspended_days: int | None = None, extended: bool | None = None):
    case_type = case.case_type
    extended = case.extended if extended is None else extended
    return terms.deadline(
        received_on=case.received_on,
        amount=case_type.term_amount,
        unit=case_type.term_unit,
        extension_amount=case_type.extension_amount if extended else 0,
        extension_unit=case_type.extension_unit or case_type.term_unit,
        suspended_days=case.suspended_days if suspended_days is None else suspended_days,
    )


def case_message_resident(*, actor: Actor, case: Case, body: str) -> CaseMessage:
    _require_handler(actor, case)
    if not body.strip():
        raise InvalidInput(_("Schrijf een bericht."), field="body")
    with transaction.atomic():
        message = CaseMessage.objects.create(
            case=case, direction=CaseMessage.Direction.TO_RESIDENT, body=body.strip()
        )
        _event(case, actor, CaseEvent.Kind.MESSAGE, direction="to_resident")
        _log(actor, case, Action.UPDATE, "bericht")
        _queue(case, f"message:{message.pk}", _("Nieuw bericht over uw zaak %(ref)s"))
    return message


def case_add_note(*, actor: Actor, case: Case, body: str) -> InternalNote:
    _require_handler(actor, case)
    if not body.strip():
        raise InvalidInput(_("Schrijf een notitie."), field="body")
    with transaction.atomic():
        note = InternalNote.objects.create(case=case, author_id=actor.user_id, body=body.strip())
        _event(case, actor, CaseEvent.Kind.NOTE, visible=False)
        _log(actor, case, Action.UPDATE, "notitie")
    return note


def access_request_notes(*, actor: Actor, case: Case) -> list[InternalNote]:
    """The internal notes on every case of the resident who made this access request
    (AVG art. 15), oldest first, for the privacy officer: they are the resident's data
    too, and go into the answer only as the officer rewrites them without other people's
    data. Reading them is logged per case, so the resident sees it."""
    require_role(actor, Role.PRIVACY_OFFICER)
    if case.case_type.kind != CaseKind.ACCESS_REQUEST or not case.subject:
        return []
    notes = list(
        InternalNote.objects.filter(case__subject=case.subject)
        .select_related("case__case_type")
        .order_by("at", "id")
    )
    read = {(n.case.reference, n.case.case_type.processing_activity) for n in notes}
    with transaction.atomic():
        for reference, activity in sorted(read):
            record_processing(
                actor=actor,
                activity=activity,
                action=Action.READ,
                subjects=[case.subject],
                object_type="notitie",
                object_id=reference,
            )
    return notes


# --- Ombudsman ------------------------------------------------------------------------


def escalation_judge(
    *, actor: Actor, escalation: Escalation, findings: str, recommendation: str
) -> Escalation:
    require_role(actor, Role.OMBUDSMAN)
    if escalation.judged_at is not None:
        raise InvalidInput(_("De ombudsman heeft al een oordeel gegeven."))
    if not findings.strip() or not recommendation.strip():
        raise InvalidInput(_("Vul bevindingen en aanbeveling in."))
    case = escalation.case
    with transaction.atomic():
        now = timezone.now()
        judged = Escalation.objects.filter(pk=escalation.pk, judged_at__isnull=True).update(
            findings=findings.strip(), recommendation=recommendation.strip(), judged_at=now
        )
        if not judged:  # someone else judged it a moment ago
            raise InvalidInput(_("De ombudsman heeft al een oordeel gegeven."))
        escalation.findings = findings.strip()
        escalation.recommendation = recommendation.strip()
        escalation.judged_at = now
        _event(case, actor, CaseEvent.Kind.OMBUDSMAN)
        _log(actor, case, Action.UPDATE, "ombudsmanoordeel")
        _queue(case, f"ombudsman:{escalation.pk}", _("De ombudsman heeft uw klacht beoordeeld"))
    return escalation


def escalation_respond(*, actor: Actor, escalation: Escalation, response: str) -> Escalation:
    if not actor.has_role(Role.ADMINISTRATOR):
        _require_handler(actor, escalation.case)
    if escalation.city_response:
        raise InvalidInput(_("De gemeente heeft al gereageerd."))
    if escalation.judged_at is None:
        raise InvalidInput(_("De ombudsman heeft nog geen oordeel gegeven."))
    if not response.strip():
        raise InvalidInput(_("Schrijf de reactie van de gemeente."), field="response")
    case = escalation.case
    with transaction.atomic():
        now = timezone.now()
        responded = Escalation.objects.filter(pk=escalation.pk, responded_at__isnull=True).update(
            city_response=response.strip(), responded_at=now
        )
        if not responded:
            raise InvalidInput(_("De gemeente heeft al gereageerd."))
        escalation.city_response = response.strip()
        escalation.responded_at = now
        _event(case, actor, CaseEvent.Kind.RESPONSE)
        _log(actor, case, Action.UPDATE, "reactie-gemeente")
        _queue(case, f"response:{escalation.pk}", _("De gemeente reageert op de ombudsman"))
    return escalation


# --- Anonymous look-up ------------------------------------------------------------------


def case_lookup(*, client: str, reference: str, email_or_postcode: str) -> Case:
    """Find a case by reference plus the e-mail address or postcode given with it.

    Every failure answers the same ``NotFound``; after too many failures from one client
    the look-up is refused for a while (``NotAllowed`` with status 429) whatever is asked.
    """
    key = _keyed(b"client:", client)
    since = timezone.now() - LOOKUP_WINDOW
    if LookupAttempt.objects.filter(client=key, at__gte=since).count() >= LOOKUP_LIMIT:
        raise TooManyAttempts()
    ref = normalise_reference(reference)
    proof = email_or_postcode.strip().lower().replace(" ", "")
    case = (
        Case.objects.select_related("case_type", "status").filter(reference=ref).first()
        if ref
        else None
    )
    if (
        case is None
        or not proof
        or proof not in {case.contact_email.lower(), case.contact_postcode.lower()}
    ):
        LookupAttempt.objects.create(client=key)
        raise NotFound(
            _("We vonden geen zaak met dit kenmerk en dit e-mailadres of deze postcode.")
        )
    with transaction.atomic():
        _log(Actor(kind=ActorKind.RESIDENT, unit="inwoner", role="kenmerk"), case, Action.READ)
    return case


class TooManyAttempts(NotAllowed):
    code = "too-many-attempts"
    status = 429
    default_message = _("U heeft het te vaak geprobeerd. Probeer het over een kwartier opnieuw.")


def lookup_attempts_prune() -> int:
    deleted, _details = LookupAttempt.objects.filter(
        at__lt=timezone.now() - dt.timedelta(days=1)
    ).delete()
    return deleted


# --- Notifications (outbox) -------------------------------------------------------------


def _recipient(case: Case) -> str:
    if case.contact_email:
        return case.contact_email
    if case.subject:
        from stadhuis.accounts.models import Resident  # lower layer: allowed

        return (
            Resident.objects.filter(pseudonym=case.subject).values_list("email", flat=True).first()
            or ""
        )
    return ""


def _queue(case: Case, key: str, subject: str, *, new_case: bool = False) -> None:
    to = _recipient(case)
    if not to:
        return
    body = _(
        "Er is nieuws over uw zaak met kenmerk %(ref)s. Kijk op de website van de gemeente "
        "onder 'Mijn zaken', of zoek de zaak op met het kenmerk."
    ) % {"ref": case.reference}
    fields = {"case": case, "to": to, "subject": subject % {"ref": case.reference}, "body": body}
    if new_case:
        # The key starts with the reference of a case made in this very transaction, so
        # no notification can hold it yet: a plain INSERT, without get_or_create's
        # SELECT and savepoint (3 round trips less per case opened).
        Notification.objects.create(key=f"{case.reference}:{key}", **fields)
    else:
        Notification.objects.get_or_create(key=f"{case.reference}:{key}", defaults=fields)


def _queue_status_notification(case: Case, status: StatusType, *, new_case: bool = False) -> None:
    if status.notify_resident:
        # A case just opened has exactly one status, the one just written.
        count = 1 if new_case else case.statuses.filter(status_type=status).count()
        _queue(
            case,
            f"status:{status.code}:{count}",
            _("Uw zaak %(ref)s: ") + status.name,
            new_case=new_case,
        )


def notifications_send_due(*, batch: int = 50) -> int:
    """Send pending mail; on failure retry later with back-off. Each mail is marked sent
    in its own transaction right after the server accepted it."""
    from django.core.mail import send_mail

    sent = 0
    now = timezone.now()
    due = list(
        Notification.objects.filter(state=Notification.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in due:
        with transaction.atomic():
            note = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=Notification.State.PENDING)
                .select_related("case__case_type")
                .first()
            )
            if note is None:  # another worker took it, or it was sent
                continue
            try:
                with transaction.atomic():  # the log entry stands only if the mail went out
                    record_processing(
                        actor=Actor.system("mail"),
                        activity=activities.NOTIFY,
                        action=Action.SHARE,
                        subjects=case_subjects(note.case),
                        object_type="e-mail",
                        object_id=note.case.reference,
                    )
                    send_mail(note.subject, note.body, None, [note.to])
            except ProcessingRefused as exc:  # not allowed to send: stop, do not retry
                note.state = Notification.State.FAILED
                note.last_error = str(exc)[:500]
                note.save()
                continue
            except Exception as exc:  # the mail server is down: try again later
                note.attempts += 1
                note.last_error = str(exc)[:500]
                delay = min(3600, 30 * 2 ** min(note.attempts, 7))
                note.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)
                if note.attempts >= 50:
                    note.state = Notification.State.FAILED
                note.save()
                continue
            note.state = Notification.State.SENT
            note.sent_at = timezone.now()
            note.attempts += 1
            note.save()
            sent += 1
    return sent


def case_type_create(*, actor: Actor, spec: dict) -> CaseType:
    """Create a draft case type with its statuses, transitions and results.

    ``spec["statuses"]`` is a list of dicts (code, name, resident_text, notify, final,
    next: [codes]); ``spec["results"]`` a list of dicts (code, name, resident_text and,
    for an access request, closes_without_answer).
    """
    require_role(actor, Role.ADMINISTRATOR)
    spec = dict(spec)
    statuses = spec.pop("statuses")
    results = spec.pop("results")
    with transaction.atomic():
        if CaseType.objects.filter(code=spec["code"]).exists():
            raise InvalidInput(_("Er is al een zaaktype met deze code."))
        case_type = CaseType(**spec, is_current=False)  # in use once published
        case_type.full_clean()
        case_type.save()
        made = {}
        for order, status in enumerate(statuses, start=1):
            made[status["code"]] = StatusType.objects.create(
                case_type=case_type,
                order=order,
                code=status["code"],
                name=status["name"],
                resident_text=status["resident_text"],
                notify_resident=status.get("notify", False),
                is_final=status.get("final", False),
            )
        for status in statuses:
            made[status["code"]].next_statuses.set([made[c] for c in status.get("next", [])])
        ResultType.objects.bulk_create(
            ResultType(case_type=case_type, **result) for result in results
        )
    return case_type


# --- Retention -------------------------------------------------------------------------


def _anonymise(case: Case, now: dt.datetime) -> None:
    """Remove the personal data of one case; keep what the public figures count.

    The case history is append-only for everyone else; the end of the retention period
    is the one moment it is emptied (the law's erasure duty outranks our history).
    """
    # Logged under the register's retention activity, not the case type's own: the data
    # must still go when that activity has since been switched off.
    record_processing(
        actor=RETENTION_ACTOR,
        activity=RETENTION_ACTIVITY,
        action=Action.DELETE,
        subjects=case_subjects(case),
        object_type="zaak",
        object_id=case.reference,
    )
    for document in case.documents.all():
        document.file.delete(save=False)
    case.documents.all().delete()
    case.messages.all().delete()
    case.notes.all().delete()
    case.feedback.all().delete()
    case.notifications.all().delete()
    CaseEvent.objects.filter(case=case).update(data={}, actor_user=None)
    CaseStatus.objects.filter(case=case).update(explanation="")
    Escalation.objects.filter(case=case).update(
        reason="", findings="", recommendation="", city_response=""
    )
    Case.objects.filter(pk=case.pk).update(
        subject="",
        contact_email="",
        contact_postcode="",
        description="",
        answers={},
        address="",
        latitude=None,
        longitude=None,
        anonymised_at=now,
        version=F("version") + 1,
    )


def cases_retention_apply(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Anonymise closed cases whose retention period (from the register) has passed.

    Per processing activity: ``retention_days`` after closing. Each case in its own
    transaction, its deletion logged for its subject; running twice does nothing more.
    Returns the number of cases anonymised.
    """
    now = now or timezone.now()
    done = 0
    codes = set(CaseType.objects.values_list("processing_activity", flat=True))
    for code, days in retention_days(codes).items():
        if days is None:
            continue
        cutoff = now - dt.timedelta(days=days)
        while True:
            ids = list(
                Case.objects.filter(
                    case_type__processing_activity=code,
                    closed_at__lt=cutoff,
                    anonymised_at__isnull=True,
                ).values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            for pk in ids:
                with transaction.atomic():
                    case = (
                        Case.objects.select_for_update()
                        .select_related("case_type")
                        .filter(pk=pk, anonymised_at__isnull=True)
                        .first()
                    )
                    if case is None:  # another worker was first
                        continue
                    _anonymise(case, now)
                    done += 1
    return done


# --- Documents the city makes -------------------------------------------------------------

# Our own renderings only (HTML from our templates, escaped), never an upload; a download
# is always an attachment with a sandboxing CSP (views_resident.document_download).
GENERATED_TYPES = {"application/json": "json", "text/plain": "txt", "text/html": "html"}


def case_attach_generated(
    *,
    actor: Actor,
    case: Case,
    name: str,
    content_type: str,
    data: bytes,
    once: bool = False,
    notify: bool = True,
) -> CaseDocument:
    """A handler adds a document the system generated (say, the answer to an access
    request, made from the dossier), and the resident gets an e-mail that it is there.
    Not an upload: only our own JSON, text or HTML. With ``once``, a second document of
    the same name is refused. ``notify=False`` when the caller tells the resident in
    another way in the same transaction (a status change that sends its own e-mail)."""
    _require_handler_or_privacy(actor, case)
    extension = GENERATED_TYPES.get(content_type)
    if extension is None:
        raise InvalidInput(_("Dit soort document kan niet worden toegevoegd."))
    stem = "".join(ch for ch in name if ch.isalnum() or ch in "-_")[:80] or "document"
    if once and case.documents.filter(original_name=f"{stem}.{extension}").exists():
        raise Conflict(_("Dit document staat al bij de zaak."))
    upload = CleanUpload(
        content=ContentFile(data),
        name=f"{stem}.{extension}",
        content_type=content_type,
        size=len(data),
        location_removed=False,
    )
    with transaction.atomic():
        document = _store_document(case, actor, upload)
        _log(actor, case, Action.UPDATE, "document")
        if notify:
            _queue(case, f"document:{document.public_id}", _("Een document bij uw zaak %(ref)s"))
    return document


def _require_handler_or_privacy(actor: Actor, case: Case) -> None:
    if actor.kind == ActorKind.STAFF and actor.has_role(Role.PRIVACY_OFFICER):
        return
    _require_handler(actor, case)


# --- For other apps: which case type handles a kind of request ------------------------------


def current_case_type_code(kind: str) -> str | None:
    """The code of a case type of this kind that is in use (the first by name): its
    newest published version, also while a newer version is a draft."""
    return (
        CaseType.objects.filter(kind=kind, is_current=True, published_at__isnull=False)
        .order_by("name")
        .values_list("code", flat=True)
        .first()
    )


def answers_for(code: str, answers: dict) -> dict:
    """Only the answers that the version in use of this case type asks for (the version
    ``case_submit`` opens the case under)."""
    case_type = CaseType.objects.filter(code=code, is_current=True).only("questions").first()
    asked = {q["name"] for q in case_type.questions} if case_type else set()
    return {name: value for name, value in answers.items() if name in asked}
