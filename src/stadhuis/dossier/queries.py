"""Reads of the burgerdossier: the apps' sections with the register's facts, and the log.

The dossier imports no app's models: sections come from each app's ``dossier.py``
(``core.dossier``); the register and the processing log come from ``privacy``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stadhuis.core.discovery import app_modules
from stadhuis.core.dossier import Record, Section
from stadhuis.core.roles import Role
from stadhuis.privacy.models import (
    Action,
    LegalBasis,
    ProcessingActivity,
    ProcessingActivityVersion,
    ProcessingLogEntry,
)
from stadhuis.privacy.queries import current_versions

# The rights a resident has on a data item depend on the legal basis (AVG art. 16, 17
# and 21): correction always; objection against a public task or legitimate interest;
# erasure where neither a legal obligation nor a public task requires the data.
OBJECTION_BASES = {LegalBasis.PUBLIC_TASK, LegalBasis.LEGITIMATE_INTERESTS}
ERASURE_BASES = {
    LegalBasis.CONSENT,
    LegalBasis.CONTRACT,
    LegalBasis.LEGITIMATE_INTERESTS,
    LegalBasis.VITAL_INTERESTS,
}


@functools.cache
def sections() -> tuple[Section, ...]:
    """Every app's dossier sections, in app order (found once per process)."""
    found = [s for module in app_modules("dossier") for s in getattr(module, "SECTIONS", [])]
    return tuple(sorted(found, key=lambda s: s.position))


def section(key: str) -> Section | None:
    return next((s for s in sections() if s.key == key), None)


@dataclass(frozen=True)
class Rights:
    correct: bool
    object: bool
    erase: bool

    def allows(self, right: str) -> bool:
        """``right`` as in the URL: correctie, bezwaar or verwijderen."""
        return {"correctie": self.correct, "bezwaar": self.object, "verwijderen": self.erase}.get(
            right, False
        )

    def as_data(self) -> dict[str, bool]:
        """The rights as the API and the export name them."""
        return {"correction": self.correct, "objection": self.object, "erasure": self.erase}


def rights_for(version: ProcessingActivityVersion | None) -> Rights:
    basis = version.legal_basis if version else ""
    return Rights(correct=True, object=basis in OBJECTION_BASES, erase=basis in ERASURE_BASES)


@dataclass
class RecordView:
    record: Record
    activity: ProcessingActivityVersion | None
    rights: Rights


@dataclass
class SectionView:
    section: Section
    records: list[RecordView] = field(default_factory=list)
    total: int | None = None  # when only a preview of the records was read

    @property
    def count(self) -> int:
        return len(self.records) if self.total is None else self.total


def overview(subject: str, *, preview: int | None = None) -> list[SectionView]:
    """The subject's records of every section, each with the register version in force.

    With ``preview``, a section that can (``Section.preview``) reads only its newest
    ``preview`` records and a count. Queries: each section's own (a fixed number per
    section) plus two for the register.
    """
    found = []
    for s in sections():
        if preview is not None and s.preview is not None:
            records, total = s.preview(subject, preview)
        else:
            records, total = s.records(subject), None
        found.append((s, records, total))
    versions = current_versions({r.activity for _s, records, _t in found for r in records})
    views = []
    for s, records, total in found:
        view = SectionView(s, total=total)
        for record in records:
            version = versions.get(record.activity)
            view.records.append(RecordView(record, version, rights_for(version)))
        views.append(view)
    return views


def section_view(
    subject: str, s: Section, *, limit: int | None = None, offset: int = 0
) -> SectionView:
    """The records of one section, with the register version in force: all of them, or
    with ``limit`` one page and the total (read as a page where the section can page,
    else cut from all its records)."""
    total = None
    if limit is not None and s.preview is not None:
        records, total = s.preview(subject, limit, offset)
    else:
        records = s.records(subject)
        if limit is not None:
            total = len(records)
            records = records[offset : offset + limit]
    versions = current_versions({r.activity for r in records})
    view = SectionView(s, total=total)
    for record in records:
        version = versions.get(record.activity)
        view.records.append(RecordView(record, version, rights_for(version)))
    return view


def find_record(subject: str, section_key: str, object_id: str) -> RecordView | None:
    """One record of the subject (for a correction, objection or erasure request)."""
    s = section(section_key)
    if s is None:
        return None
    if s.record is not None:
        record = s.record(subject, object_id)
    else:
        record = next((r for r in s.records(subject) if r.object_id == object_id), None)
    if record is None:
        return None
    version = current_versions({record.activity}).get(record.activity)
    return RecordView(record, version, rights_for(version))


# --- Who processed my data -----------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    activity: str = ""
    action: str = ""
    others_only: bool = False  # leave out what the resident did themself
    object_id: str = ""  # only the entries about this object (a case's reference)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def processing_log(subject: str, filters: LogFilter | None = None) -> QuerySet:
    """The subject's processing-log entries, with the activity version and the audit.

    Newest first by id (the index ``log_subject_newest``); paginate with a keyset on
    ``-id``. The staff member's name is joined only when the municipality shows names.
    """
    filters = filters or LogFilter()
    entries = ProcessingLogEntry.objects.filter(subject=subject).select_related(
        "activity_version__activity", "audit"
    )
    if settings.DOSSIER_SHOW_STAFF_NAMES:
        entries = entries.select_related("audit__user")
    if filters.since:
        entries = entries.filter(occurred_at__gte=_day_start(filters.since))
    if filters.until:
        entries = entries.filter(occurred_at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    if filters.activity:
        entries = entries.filter(activity_version__activity__code=filters.activity)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id)
    if filters.others_only:
        # the resident's own doings: actor "resident" without a staff member helping
        entries = entries.exclude(actor_kind="resident", audit__isnull=True)
    return entries


def describe_entries(subject: str, entries) -> dict[tuple[str, str], tuple[str, str]]:
    """``{(object_type, object_id): (label, url)}`` for the entries on one page.

    One call per section that knows some of the object types on the page.
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_id:
            wanted[entry.object_type].add(entry.object_id)
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for s in sections():
        if s.describe is None:
            continue
        types = [t for t in s.object_types if t in wanted]
        ids = set().union(*(wanted[t] for t in types)) if types else set()
        if not ids:
            continue
        names = s.describe(subject, types[0] if len(types) == 1 else "", ids)
        for object_type in types:
            for object_id in wanted[object_type]:
                if object_id in names:
                    found[(object_type, object_id)] = names[object_id]
    return found


@dataclass(frozen=True)
class LogRow:
    """One entry as the resident reads it."""

    occurred_at: dt.datetime
    who: str
    yourself: bool
    assisted: bool
    staff_name: str
    activity_code: str
    activity_active: bool  # still in the public register (else: no link to it)
    activity_name: str
    purpose: str
    legal_basis: str
    legal_basis_detail: str
    action: str
    action_label: str
    concerns: str
    concerns_url: str
    outcome: str


def _who(entry) -> tuple[str, bool, bool]:
    """(text, yourself, assisted) for the actor of an entry."""
    assisted = bool(entry.audit_id and entry.audit.assisted_resident)
    if entry.actor_kind == "resident":
        if assisted:
            return (
                _("Een medewerker van %(unit)s, samen met u en met uw toestemming")
                % {"unit": entry.actor_unit},
                False,
                True,
            )
        return _("U zelf"), True, False
    if entry.actor_kind == "staff":
        role = Role(entry.actor_role).label if entry.actor_role in Role.values else entry.actor_role
        return f"{entry.actor_unit}, {role}", False, False
    if entry.actor_kind == "application":
        return (
            _("Koppeling met een ander systeem van %(unit)s") % {"unit": entry.actor_unit},
            False,
            False,
        )
    return _("Automatisch, door de computer van de gemeente"), False, False


DOSSIER_PARTS = {
    "overzicht": gettext_lazy("Mijn gegevens: overzicht"),
    "verwerkingen": gettext_lazy("Mijn gegevens: wie gebruikte ze"),
    "toestemmingen": gettext_lazy("Mijn gegevens: toestemmingen"),
    "export": gettext_lazy("Mijn gegevens: download"),
    "api": gettext_lazy("Mijn gegevens, via een app"),
    "api-verwerkingen": gettext_lazy("Wie gebruikte mijn gegevens, via een app"),
}


def _concerns(entry, names) -> tuple[str, str]:
    if entry.object_type == "dossier":
        part = entry.object_id
        label = DOSSIER_PARTS.get(part)
        if label is None:
            found = section(part)
            label = _("Mijn gegevens: %(title)s") % {"title": found.title} if found else part
        return str(label), ""
    found = names.get((entry.object_type, entry.object_id))
    if found is not None:
        return found
    labels = _page_labels()
    label = labels.get(f"{entry.object_type}/{entry.object_id}") or labels.get(entry.object_type)
    return str(label or entry.object_type), ""


def _page_labels() -> dict[str, str]:
    return {kind: label for s in sections() for kind, label in s.pages.items()}


def log_rows(subject: str, entries, *, about: tuple[str, str] | None = None) -> list[LogRow]:
    """The entries as the resident reads them. ``about`` (object id, label) names the
    one object the entries are known to concern, where no section can (an access
    request made without DigiD belongs to no resident's dossier)."""
    entries = list(entries)
    names = describe_entries(subject, entries)
    if about is not None:
        object_id, label = about
        names.update(
            {(e.object_type, e.object_id): (label, "") for e in entries if e.object_id == object_id}
        )
    actions = dict(Action.choices)
    bases = dict(LegalBasis.choices)
    rows = []
    for entry in entries:
        version = entry.activity_version
        who, yourself, assisted = _who(entry)
        staff_name = ""
        if settings.DOSSIER_SHOW_STAFF_NAMES and entry.audit_id:
            user = entry.audit.user
            staff_name = user.get_full_name() or user.username
        label, url = _concerns(entry, names)
        rows.append(
            LogRow(
                occurred_at=entry.occurred_at,
                who=who,
                yourself=yourself,
                assisted=assisted,
                staff_name=staff_name,
                activity_code=version.activity.code,
                activity_active=version.activity.is_active,
                activity_name=_(version.name),
                purpose=_(version.purpose),
                legal_basis=str(bases.get(version.legal_basis, version.legal_basis)),
                legal_basis_detail=version.legal_basis_detail,
                action=entry.action,
                action_label=str(actions.get(entry.action, entry.action)),
                concerns=label,
                concerns_url=url,
                outcome=entry.outcome,
            )
        )
    return rows


def activity_choices() -> list[tuple[str, str]]:
    """Registered activities for the log filter (the register is small; the log is not)."""
    rows = ProcessingActivity.objects.filter(current_version__isnull=False).values_list(
        "code", "current_version__name"
    )
    return sorted(((code, _(name)) for code, name in rows), key=lambda item: item[1])


@dataclass(frozen=True)
class LogSummaryRow:
    activity_name: str
    action_label: str
    count: int
    first: dt.datetime
    last: dt.datetime


def log_summary(subject: str, *, object_id: str = "") -> list[LogSummaryRow]:
    """How often each activity used the subject's data, per kind of use (one query);
    with ``object_id``, only the entries about that object."""
    actions = dict(Action.choices)
    entries = ProcessingLogEntry.objects.filter(subject=subject)
    if object_id:
        entries = entries.filter(object_id=object_id)
    rows = (
        entries.values("activity_version__name", "action")
        .annotate(n=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("activity_version__name", "action")
    )
    merged: dict[tuple[str, str], list] = {}
    for row in rows:  # one row per version: merge the versions of an activity by name
        key = (_(row["activity_version__name"]), str(actions.get(row["action"], row["action"])))
        if key in merged:
            item = merged[key]
            item[0] += row["n"]
            item[1] = min(item[1], row["first"])
            item[2] = max(item[2], row["last"])
        else:
            merged[key] = [row["n"], row["first"], row["last"]]
    return [LogSummaryRow(name, action, *values) for (name, action), values in merged.items()]
