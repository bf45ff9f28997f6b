"""Every write of the privacy spine, and the one way to record a processing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stadhuis.core.context import Actor, ActorKind, TraceContext, current_trace
from stadhuis.core.errors import InvalidInput, NotAllowed, NotFound
from stadhuis.core.roles import Role, require_role
from stadhuis.privacy import chain
from stadhuis.privacy.activities import CONSENTS as CONSENT_ACTIVITY
from stadhuis.privacy.activities import REQUIRED as REQUIRED_ACTIVITIES
from stadhuis.privacy.activities import RETENTION as RETENTION_ACTIVITY
from stadhuis.privacy.models import (
    DPIA,
    Action,
    Consent,
    Outcome,
    ProcessingActivity,
    ProcessingActivityVersion,
    ProcessingLogEntry,
    Processor,
)
from stadhuis.privacy.queries import retention_days


class ProcessingRefused(Exception):
    """A processing named no registered, active processing activity. Nothing was written."""


class DPIARequired(NotAllowed):
    code = "dpia-required"


class ConsentMissing(NotAllowed):
    """A processing under the legal basis consent, for someone without an open consent."""

    code = "consent-missing"


@dataclass(frozen=True)
class ActivityRef:
    version_id: int
    code: str


def _active_version(code: str) -> ActivityRef:
    row = (
        ProcessingActivity.objects.filter(code=code)
        .values_list("is_active", "current_version_id")
        .first()
    )
    if row is None:
        raise ProcessingRefused(
            f"processing activity {code!r} is not in the processing register; "
            "register it before processing personal data under it"
        )
    is_active, version_id = row
    if not is_active or version_id is None:
        raise ProcessingRefused(f"processing activity {code!r} is not active")
    return ActivityRef(version_id=version_id, code=code)


# Versions never change, so their legal basis can be remembered (per database). The key
# holds the code too: SQLite may hand a rolled-back row's id to the next insert, and the
# same id must then not stand for another activity's version.
_version_bases: dict[tuple[str, str, int], str] = {}


def _under_consent(activity: str, version_id: int) -> bool:
    key = (str(connection.settings_dict["NAME"]), activity, version_id)
    basis = _version_bases.get(key)
    if basis is None:
        basis = (
            ProcessingActivityVersion.objects.filter(pk=version_id)
            .values_list("legal_basis", flat=True)
            .first()
            or ""
        )
        _version_bases[key] = basis
    return basis == "consent"


def _require_consents(activity: str, subjects: list[str]) -> None:
    """The consent gate, inside ``record_processing``: every subject has an open consent."""
    given = (
        Consent.objects.filter(
            activity__code=activity, subject__in=subjects, withdrawn_at__isnull=True
        )
        .values("subject")
        .distinct()
        .count()
    )
    if given < len(subjects):
        raise ConsentMissing(
            _("Hiervoor is uw toestemming nodig. U kunt die geven bij Mijn gegevens.")
        )


def record_processing(
    *,
    actor: Actor,
    activity: str,
    action: Action | str,
    subjects: Iterable[str],
    object_type: str,
    object_id: str = "",
    outcome: Outcome | str = Outcome.SUCCESS,
    trace: TraceContext | None = None,
) -> list[ProcessingLogEntry]:
    """Record one processing: one log entry per data subject, in the caller's transaction.

    Call it inside the ``transaction.atomic()`` that writes the personal data, so both
    commit or neither does. Raises ``ProcessingRefused`` (writing nothing) when the
    activity is not registered and active, and ``ConsentMissing`` when its legal basis
    is consent and a subject has no open consent (the consent gate). The entries are
    written without a savepoint (``chain.append``): if writing them fails, the caller's
    transaction can only roll back, so the processing never commits without its log.
    """
    if action not in Action.values:
        raise ValueError(f"unknown action {action!r}")
    subjects = list(dict.fromkeys(s for s in subjects if s))
    if not subjects:
        # Nobody identifiable (an anonymous report without contact details), so there is
        # no one to log for; the activity must still be registered and active.
        _active_version(activity)
        return []
    trace = (trace or current_trace()).child()
    now = timezone.now()
    staff_user = actor.user_id if actor.kind == ActorKind.STAFF else actor.assisted_by
    audit = None
    if staff_user is not None:
        assisted = actor.subject if actor.assisted_by else ""
        audit = (staff_user, assisted, now, trace.trace_id, trace.span_id)
    values = [
        now,
        trace.trace_id,
        trace.span_id,
        trace.parent_span_id,
        "",  # subject: one entry per subject
        None,  # activity version: set per attempt
        str(action),
        object_type,
        object_id,
        str(outcome),
        str(actor.kind),
        actor.unit,
        actor.role,
        None,  # audit id: set by chain.append
    ]
    # chain.append writes only if the activity is active at this version, checked by
    # the INSERT itself; the remembered version is just a guess that saves a query.
    # On a miss (revised, deactivated or removed) read the register and try again.
    version_id = chain.remembered_version(activity)
    for _attempt in range(5):
        if version_id is None:
            version_id = _active_version(activity).version_id  # raises ProcessingRefused
        if _under_consent(activity, version_id):
            _require_consents(activity, subjects)
        values[5] = version_id
        entries = chain.append(
            activity=activity,
            version_id=version_id,
            values=values,
            subjects=subjects,
            audit=audit,
        )
        if entries is not None:
            return entries
        version_id = None
    raise ProcessingRefused(f"processing activity {activity!r} kept changing; nothing was written")


# --- The register -----------------------------------------------------------------

REGISTER_FIELDS = (
    "name",
    "purpose",
    "legal_basis",
    "legal_basis_detail",
    "controller_unit",
    "data_subject_categories",
    "personal_data_categories",
    "special_categories",
    "recipients",
    "retention_days",
    "retention_description",
    "security_measures",
    "dpia_required",
)


def _write_version(
    activity: ProcessingActivity, *, actor: Actor, processors: Sequence[Processor], **content
) -> ProcessingActivityVersion:
    unknown = set(content) - set(REGISTER_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Onbekende velden: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    last = activity.versions.order_by("-version").values_list("version", flat=True).first() or 0
    version = ProcessingActivityVersion(
        activity=activity, version=last + 1, created_by_id=actor.user_id, **content
    )
    try:
        version.full_clean(exclude=["activity", "created_by"])
    except ValidationError as exc:
        raise InvalidInput(
            _("Het register kan zo niet worden opgeslagen."), errors=exc.message_dict
        ) from exc
    version.save()
    version.processors.set(processors)
    activity.current_version = version
    activity.save(update_fields=["current_version"])
    return version


def activity_register(
    *, actor: Actor, code: str, processors: Sequence[Processor] = (), **content
) -> ProcessingActivity:
    """Add a processing activity to the register (privacy officer or administrator)."""
    require_role(actor, Role.PRIVACY_OFFICER, Role.ADMINISTRATOR)
    with transaction.atomic():
        if ProcessingActivity.objects.filter(code=code).exists():
            raise InvalidInput(_("Er is al een verwerkingsactiviteit met deze code."))
        activity = ProcessingActivity.objects.create(code=code)
        _write_version(activity, actor=actor, processors=processors, **content)
    return activity


def activity_revise(
    *, actor: Actor, code: str, processors: Sequence[Processor] | None = None, **changes
) -> ProcessingActivityVersion:
    """Change an activity: writes a new version; entries logged before keep pointing at the old."""
    require_role(actor, Role.PRIVACY_OFFICER, Role.ADMINISTRATOR)
    with transaction.atomic():
        activity = ProcessingActivity.objects.select_for_update().filter(code=code).first()
        if activity is None:
            raise NotFound(_("Deze verwerkingsactiviteit bestaat niet."))
        current = activity.current_version
        content = {name: getattr(current, name) for name in REGISTER_FIELDS}
        content.update(changes)
        if processors is None:
            processors = list(current.processors.all())
        return _write_version(activity, actor=actor, processors=processors, **content)


def activity_set_active(*, actor: Actor, code: str, active: bool) -> None:
    require_role(actor, Role.PRIVACY_OFFICER, Role.ADMINISTRATOR)
    if not active and code in REQUIRED_ACTIVITIES:
        raise InvalidInput(
            _(
                "Deze verwerking kan niet uit: zonder haar kan de gemeente geen toestemmingen "
                "intrekken of gegevens na de bewaartermijn verwijderen."
            )
        )
    updated = ProcessingActivity.objects.filter(code=code).update(is_active=active)
    if not updated:
        raise NotFound(_("Deze verwerkingsactiviteit bestaat niet."))


def processor_save(*, actor: Actor, name: str, **fields) -> Processor:
    require_role(actor, Role.PRIVACY_OFFICER, Role.ADMINISTRATOR)
    processor, _created = Processor.objects.get_or_create(name=name, defaults=fields)
    for key, value in fields.items():
        setattr(processor, key, value)
    processor.full_clean()
    processor.save()
    return processor


# --- DPIAs ---------------------------------------------------------------------------


def dpia_create(
    *,
    actor: Actor,
    activity: str,
    title: str,
    description: str,
    lawfulness: str,
    risks: str,
    measures: str,
) -> DPIA:
    require_role(actor, Role.PRIVACY_OFFICER, Role.DATA_STEWARD, Role.ADMINISTRATOR)
    target = ProcessingActivity.objects.filter(code=activity).first()
    if target is None:
        raise NotFound(_("Deze verwerkingsactiviteit bestaat niet."))
    dpia = DPIA(
        activity=target,
        title=title,
        description=description,
        lawfulness=lawfulness,
        risks=risks,
        measures=measures,
    )
    dpia.full_clean()
    dpia.save()
    return dpia


def dpia_decide(
    *, actor: Actor, dpia: DPIA, approve: bool, note: str = "", review_before=None
) -> DPIA:
    """Approve or reject a DPIA. Only the privacy officer decides, with a reason."""
    require_role(actor, Role.PRIVACY_OFFICER)
    if dpia.status != DPIA.Status.DRAFT:
        raise InvalidInput(_("Over deze DPIA is al besloten."))
    if not approve and not note.strip():
        raise InvalidInput(_("Geef een reden als u een DPIA afwijst."))
    dpia.status = DPIA.Status.APPROVED if approve else DPIA.Status.REJECTED
    dpia.decided_by_id = actor.user_id
    dpia.decided_at = timezone.now()
    dpia.decision_note = note
    dpia.review_before = review_before
    dpia.save()
    return dpia


def require_approved_dpia(activity: str) -> DPIA:
    """The DPIA gate: call before linking two sources of personal data or publishing data
    derived from them. Refuses unless the activity has an approved, current DPIA."""
    today = timezone.localdate()
    dpia = (
        DPIA.objects.filter(activity__code=activity, status=DPIA.Status.APPROVED)
        .order_by("-decided_at")
        .first()
    )
    if dpia is None or (dpia.review_before is not None and dpia.review_before < today):
        raise DPIARequired(
            _(
                "Gegevens koppelen of publiceren mag niet: er is geen goedgekeurde DPIA voor "
                "verwerkingsactiviteit %(code)s."
            )
            % {"code": activity}
        )
    return dpia


def seal_log() -> int:
    """Seal committed log entries into chained blocks (the worker calls this)."""
    return chain.seal()


# --- Consents ------------------------------------------------------------------------


def _consent_activity(code: str) -> ProcessingActivity:
    activity = (
        ProcessingActivity.objects.filter(code=code, is_active=True)
        .select_related("current_version")
        .first()
    )
    if activity is None or activity.current_version is None:
        raise NotFound(_("Deze verwerking bestaat niet (meer)."))
    if activity.current_version.legal_basis != "consent":
        raise InvalidInput(_("Voor deze verwerking is geen toestemming nodig of mogelijk."))
    return activity


def _require_self(actor: Actor) -> None:
    if actor.kind != ActorKind.RESIDENT or not actor.subject:
        raise NotAllowed(_("Alleen uzelf kunt toestemming geven of intrekken."))


def consent_give(*, actor: Actor, activity: str) -> Consent:
    """The resident consents to an optional processing. Giving twice changes nothing."""
    _require_self(actor)
    target = _consent_activity(activity)
    with transaction.atomic():
        existing = (
            Consent.objects.select_for_update()
            .filter(subject=actor.subject, activity=target, withdrawn_at__isnull=True)
            .first()
        )
        if existing is not None:
            return existing
        consent = Consent.objects.create(subject=actor.subject, activity=target)
        record_processing(
            actor=actor,
            activity=activity,
            action=Action.CREATE,
            subjects=[actor.subject],
            object_type="toestemming",
            object_id=str(consent.public_id),
        )
    return consent


def consent_withdraw(*, actor: Actor, activity: str) -> bool:
    """Withdraw at once, as easily as it was given. False when there was nothing to withdraw."""
    _require_self(actor)
    target = ProcessingActivity.objects.filter(code=activity).first()
    if target is None:
        raise NotFound(_("Deze verwerking bestaat niet (meer)."))
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(subject=actor.subject, activity=target, withdrawn_at__isnull=True)
            .first()
        )
        if consent is None:
            return False
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        # Logged under the register's own activity: the activity itself may already be
        # switched off, and withdrawing must work even then.
        record_processing(
            actor=actor,
            activity=CONSENT_ACTIVITY,
            action=Action.UPDATE,
            subjects=[actor.subject],
            object_type="toestemming",
            object_id=str(consent.public_id),
        )
    return True


def require_consent(*, subject: str, activity: str) -> None:
    """Check the consent gate before doing work (``record_processing`` checks it again)."""
    _require_consents(activity, [subject])


RETENTION_ACTOR = Actor.system("bewaartermijn")


def consents_retention_apply(*, now=None) -> int:
    """Delete withdrawn consents once their proof is no longer needed (the register's
    retention of ``toestemmingen``, counted from the withdrawal). Logged per resident;
    running twice does nothing more."""
    days = retention_days({CONSENT_ACTIVITY}).get(CONSENT_ACTIVITY)
    if days is None:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return retention_delete(
        Consent.objects.filter(withdrawn_at__lt=cutoff), object_type="toestemming"
    )


def retention_delete(rows, *, object_type: str, batch: int = 1000) -> int:
    """Delete rows whose retention period has passed: each in its own transaction, its
    deletion logged for its resident under ``bewaartermijnen``. ``rows`` is a queryset
    of a model with ``subject`` and ``public_id``; a row another worker deleted first is
    skipped, so running twice does nothing more. Returns how many were deleted."""
    done = 0
    for row in rows.order_by("pk")[:batch]:
        with transaction.atomic():
            deleted, _rows = type(row).objects.filter(pk=row.pk).delete()
            if deleted:
                record_processing(
                    actor=RETENTION_ACTOR,
                    activity=RETENTION_ACTIVITY,
                    action=Action.DELETE,
                    subjects=[row.subject],
                    object_type=object_type,
                    object_id=str(row.public_id),
                )
                done += 1
    return done
