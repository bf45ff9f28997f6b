"""Every write of participation. Each owns its transaction and logs the processing.

Who may take part is decided here from the resident's identity
(``participation.eligibility``), and which phase a process is in decides what can be
done: ideas only in the ideas phase, ballots only while voting runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stadhuis.accounts.bsn import is_valid_bsn
from stadhuis.cases.queries_staff import staff_case
from stadhuis.cases.services import Upload, case_set_status, case_submit
from stadhuis.cases.uploads import clean_upload
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from stadhuis.core.roles import Role, require_role
from stadhuis.participation import activities, eligibility
from stadhuis.participation.models import (
    AbuseReport,
    Answer,
    ApplicationKind,
    Ballot,
    BallotType,
    Comment,
    Count,
    CountStatus,
    Decision,
    Feasibility,
    FundApplication,
    Idea,
    Milestone,
    Moderation,
    ModerationAction,
    Neighbourhood,
    NeighbourhoodCap,
    OpenAnswerStatus,
    Phase,
    PhaseKind,
    PostcodeArea,
    Process,
    ProcessChange,
    ProcessKind,
    ProcessVersion,
    Project,
    Question,
    QuestionKind,
    Response,
    Scope,
    Signature,
    Support,
    Visibility,
    VoterRollEntry,
)
from stadhuis.privacy.crypto import pseudonym_for_bsn
from stadhuis.privacy.models import Action, Outcome
from stadhuis.privacy.services import record_processing

STAFF_ROLES = (Role.ADMINISTRATOR, Role.CASE_HANDLER)
FUND_CASE_TYPES = {
    ApplicationKind.FUND: "wijkfonds-aanvraag",
    ApplicationKind.CHALLENGE: "right-to-challenge",
}
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32


# --- Helpers -----------------------------------------------------------------------------


def current_phase(process: Process, now: dt.datetime | None = None) -> str | None:
    """The kind of the phase running now, or None between or outside phases."""
    now = now or timezone.now()
    phases = getattr(process, "phase_list", None)
    if phases is None:
        phases = list(process.phases.all())
    for phase in phases:
        if phase.starts_at <= now < phase.ends_at:
            return phase.kind
    return None


def next_phase_change(process: Process, now: dt.datetime | None = None) -> dt.datetime | None:
    """The first moment after now at which a phase begins or ends, or None."""
    now = now or timezone.now()
    phases = getattr(process, "phase_list", None)
    if phases is None:
        phases = list(process.phases.all())
    moments = [m for p in phases for m in (p.starts_at, p.ends_at) if m > now]
    return min(moments, default=None)


def _require_phase(process: Process, kind: str, message: str) -> None:
    if not process.is_published or current_phase(process) != kind:
        raise InvalidInput(message)


def _require_resident(actor: Actor) -> None:
    if actor.kind != ActorKind.RESIDENT or not actor.subject:
        raise NotAllowed(_("Log in met DigiD om mee te doen."))


def _require_eligible(process: Process, actor: Actor) -> eligibility.Eligibility:
    _require_resident(actor)
    result = eligibility.check(process, eligibility.resident_for(actor.subject))
    if not result.allowed:
        raise NotAllowed(result.reason)
    return result


def _log(actor: Actor, activity: str, action: str, subjects: Iterable[str], kind: str, oid) -> None:
    record_processing(
        actor=actor,
        activity=activity,
        action=action,
        subjects=subjects,
        object_type=kind,
        object_id=str(oid),
    )


def _text(value: str, *, field: str, message: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field=field)
    if len(value) > limit:
        raise InvalidInput(
            _("Dit is te lang: hoogstens %(limit)d tekens.") % {"limit": limit}, field=field
        )
    return value


# --- Neighbourhoods and processes (staff) ------------------------------------------------


def shown_changed(process_ids: Iterable[int] | None = None) -> None:
    """What the public sees of these processes (all, for ``None``) changed: their shared
    answers (``core.shared``) are outdated from this commit on. Called last in the
    transaction, so the version row is locked only briefly, and always after the rows
    it is about (one order of locks: no deadlock)."""
    versions = ProcessVersion.objects.all()
    if process_ids is not None:
        versions = versions.filter(process_id__in=list(process_ids))
    versions.update(number=F("number") + 1)


def neighbourhood_save(
    *, actor: Actor, code: str, name: str, district: str, postcode_ranges: Sequence[tuple[str, str]]
) -> Neighbourhood:
    """Add or change a neighbourhood with the postcode ranges that lie in it."""
    require_role(actor, Role.ADMINISTRATOR)
    ranges = []
    for low, high in postcode_ranges:
        low, high = eligibility.normalise_postcode(low), eligibility.normalise_postcode(high)
        if not low or not high or low > high:
            raise InvalidInput(_("Een postcodegebied loopt van een postcode tot een hogere."))
        ranges.append((low, high))
    with transaction.atomic():
        neighbourhood, _created = Neighbourhood.objects.update_or_create(
            code=code, defaults={"name": name, "district": district}
        )
        neighbourhood.postcode_areas.all().delete()
        PostcodeArea.objects.bulk_create(
            PostcodeArea(neighbourhood=neighbourhood, postcode_from=low, postcode_to=high)
            for low, high in ranges
        )
        shown_changed()  # its name is on idea cards and in the filters
    return neighbourhood


@dataclass(frozen=True)
class PhaseSpec:
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def _process_texts(title: str, question: str) -> tuple[str, str]:
    title = _text(title, field="title", message=_("Geef het proces een titel."), limit=200)
    question = _text(
        question, field="question", message=_("Schrijf de vraag aan inwoners op."), limit=5000
    )
    return title, question


def _check_phases(phases: Sequence[PhaseSpec], *, fixed: frozenset[str] = frozenset()) -> None:
    """The phases of a process follow each other. ``fixed``: kinds of phases this change
    leaves as they are (in an edit: those that began); two of those that overlap (made
    before this rule) do not stop a change of anything else."""
    if not phases:
        raise InvalidInput(_("Een proces heeft minstens één fase."))
    for spec in phases:
        if spec.kind not in PhaseKind.values or spec.ends_at <= spec.starts_at:
            raise InvalidInput(_("Elke fase heeft een soort en eindigt na het begin."))
    if len({spec.kind for spec in phases}) != len(phases):
        raise InvalidInput(_("Elke soort fase komt hoogstens één keer voor."))
    # One phase at a time: overlapping, a page would show the ideas phase as now while
    # voting had already begun (and the budget was locked as if it had).
    ordered = sorted(phases, key=lambda spec: spec.starts_at)
    for before, after in itertools.combinations(ordered, 2):
        if after.starts_at < before.ends_at and not {before.kind, after.kind} <= fixed:
            raise InvalidInput(
                _(
                    "De fases %(first)s en %(second)s lopen door elkaar. Laat de ene fase "
                    "beginnen als de andere voorbij is."
                )
                % {"first": PhaseKind(before.kind).label, "second": PhaseKind(after.kind).label}
            )


def _check_budget_rules(
    *,
    kind: str,
    budget: int,
    ballot_type: str,
    ballot_min: int,
    ballot_max: int,
    ballot_points: int,
    counting_rule: str,
    leftover_partial: bool,
) -> None:
    """The budget, ballot and counting settings of a process fit together."""
    from stadhuis.participation import counting

    if kind == ProcessKind.BUDGET:
        if ballot_type not in BallotType.values or budget <= 0:
            raise InvalidInput(
                _("Een burgerbegroting heeft een budget en een soort stembiljet."),
                field="budget" if budget <= 0 else "ballot_type",
            )
        if ballot_type == BallotType.CUMULATIVE and ballot_points <= 0:
            raise InvalidInput(
                _("Geef aan hoeveel punten een inwoner mag verdelen."), field="ballot_points"
            )
        if ballot_max and ballot_min > ballot_max:
            raise InvalidInput(
                _("Het minimum aantal projecten is groter dan het maximum."), field="ballot_min"
            )
        if leftover_partial and counting_rule not in counting.PARTIAL_RULES:
            raise InvalidInput(
                _(
                    "Een deel van een project betalen met het geld dat overblijft kan alleen "
                    "met de telregel 'Meeste stemmen'."
                ),
                field="leftover_partial",
            )
    elif leftover_partial:
        raise InvalidInput(
            _("Een deel van een project betalen kan alleen bij een burgerbegroting."),
            field="leftover_partial",
        )


MAX_AGE = 120


def _check_eligibility(*, scope: str, neighbourhood_codes: Sequence[str], min_age: int):
    """Who may take part fits together: a known area (its neighbourhoods, unless the whole
    city) and an age a person can have. Gives the area's neighbourhoods."""
    if scope not in Scope.values:
        raise InvalidInput(_("Kies een soort proces en een gebied."), field="scope")
    if not 0 <= min_age <= MAX_AGE:
        raise InvalidInput(
            _("Een minimumleeftijd ligt tussen 0 en %(max)d jaar.") % {"max": MAX_AGE},
            field="min_age",
        )
    neighbourhoods = list(Neighbourhood.objects.filter(code__in=neighbourhood_codes))
    if len(neighbourhoods) != len(set(neighbourhood_codes)):
        raise InvalidInput(_("Een van de buurten bestaat niet."), field="neighbourhoods")
    if scope != Scope.CITY and not neighbourhoods:
        raise InvalidInput(_("Kies de buurten van het gebied."), field="neighbourhoods")
    return neighbourhoods


def _check_caps(
    *, kind: str, budget: int, scope: str, neighbourhoods, caps: Mapping[str, int]
) -> dict[str, Neighbourhood]:
    """The most money per neighbourhood fits the process: only in a citizens' budget, for a
    neighbourhood of its area (any, city-wide), more than nothing and no more than the
    whole budget. Together they may exceed the budget: a cap is a maximum ("no more than
    60% in one neighbourhood"), not a share. Gives the caps' neighbourhoods by code."""
    if not caps:
        return {}
    if kind != ProcessKind.BUDGET:
        raise InvalidInput(
            _("Een maximum per buurt kan alleen bij een burgerbegroting."), field="caps"
        )
    found = {n.code: n for n in Neighbourhood.objects.filter(code__in=list(caps))}
    if len(found) != len(caps):
        raise InvalidInput(_("Een van de buurten bestaat niet."), field="caps")
    area = {n.code for n in neighbourhoods}
    for code in sorted(caps):
        name, amount = found[code].name, caps[code]
        if scope != Scope.CITY and code not in area:
            raise InvalidInput(
                _(
                    "%(name)s hoort niet bij het gebied van dit proces. Een maximum kan "
                    "alleen voor een buurt in het gebied."
                )
                % {"name": name},
                field=f"cap_{code}",
            )
        if amount <= 0:
            raise InvalidInput(
                _(
                    "Het maximum voor %(name)s moet meer dan 0 euro zijn. Wilt u geen "
                    "maximum? Laat het dan leeg."
                )
                % {"name": name},
                field=f"cap_{code}",
            )
        if amount > budget:
            raise InvalidInput(
                _(
                    "Het maximum voor %(name)s (€ %(cap)s) is hoger dan het hele budget "
                    "(€ %(budget)s). Maak het maximum lager of het budget hoger."
                )
                % {"name": name, "cap": _euros(amount), "budget": _euros(budget)},
                field=f"cap_{code}",
            )
    return found


# --- The history of a process ----------------------------------------------------------

SHORT_TEXT = 100  # a changed text is kept this long in the history


def _short(value):
    if isinstance(value, str) and len(value) > SHORT_TEXT:
        return value[: SHORT_TEXT - 1] + "…"
    return value


def _moments(starts_at: dt.datetime, ends_at: dt.datetime) -> list[str]:
    return [starts_at.astimezone(dt.UTC).isoformat(), ends_at.astimezone(dt.UTC).isoformat()]


def _field_changes(before: Mapping[str, object], after: Mapping[str, object]) -> list[dict]:
    """``{"field", "old", "new"}`` for every field whose value differs, in short form."""
    return [
        {"field": name, "old": _short(before[name]), "new": _short(value)}
        for name, value in after.items()
        if value != before[name]
    ]


def _phase_changes(before: Mapping[str, tuple], after: Mapping[str, tuple]) -> list[dict]:
    """Phases (kind -> (starts_at, ends_at)) that were added, moved or removed."""
    changes = []
    for kind in PhaseKind.values:
        old, new = before.get(kind), after.get(kind)
        if old != new:
            changes.append(
                {
                    "field": f"phase:{kind}",
                    "old": _moments(*old) if old else None,
                    "new": _moments(*new) if new else None,
                }
            )
    return changes


def _record_change(actor: Actor, process: Process, changes: list[dict], at=None) -> None:
    """Append a change to the process's history, in the caller's transaction (nothing
    when nothing changed)."""
    if not changes:
        return
    ProcessChange.objects.create(
        process=process,
        at=at or timezone.now(),
        changed_by_id=actor.user_id,
        published=process.is_published,
        changes=changes,
    )


def _stored_caps(process: Process) -> dict[str, int]:
    return dict(
        NeighbourhoodCap.objects.filter(process=process).values_list(
            "neighbourhood__code", "amount"
        )
    )


# --- Processes (staff) -------------------------------------------------------------------


def process_create(
    *,
    actor: Actor,
    kind: str,
    title: str,
    question: str,
    phases: Sequence[PhaseSpec],
    description: str = "",
    criteria: str = "",
    scope: str = Scope.CITY,
    neighbourhood_codes: Sequence[str] = (),
    min_age: int = 0,
    must_live_in_area: bool = True,
    budget: int = 0,
    ballot_type: str = "",
    ballot_min: int = 0,
    ballot_max: int = 0,
    ballot_points: int = 0,
    counting_rule: str = "",
    leftover_partial: bool = False,
    caps: Mapping[str, int] | None = None,
    publish: bool = False,
) -> Process:
    """A new participation process with its phases (staff).

    ``leftover_partial``: the money the greedy count leaves pays part of the best-placed
    project that did not fit (Amsterdam's rule); only with a greedy counting rule.
    ``caps``: neighbourhood code -> the most the budget may spend there.
    """
    require_role(actor, Role.ADMINISTRATOR)
    if kind not in ProcessKind.values:
        raise InvalidInput(_("Kies een soort proces en een gebied."), field="kind")
    title, question = _process_texts(title, question)
    _check_phases(phases)
    _check_budget_rules(
        kind=kind,
        budget=budget,
        ballot_type=ballot_type,
        ballot_min=ballot_min,
        ballot_max=ballot_max,
        ballot_points=ballot_points,
        counting_rule=counting_rule,
        leftover_partial=leftover_partial,
    )
    neighbourhoods = _check_eligibility(
        scope=scope, neighbourhood_codes=neighbourhood_codes, min_age=min_age
    )
    caps = dict(caps or {})
    cap_areas = _check_caps(
        kind=kind, budget=budget, scope=scope, neighbourhoods=neighbourhoods, caps=caps
    )
    with transaction.atomic():
        process = Process.objects.create(
            kind=kind,
            title=title,
            question=question,
            description=description,
            criteria=criteria,
            scope=scope,
            min_age=min_age,
            must_live_in_area=must_live_in_area,
            budget=budget,
            ballot_type=ballot_type,
            ballot_min=ballot_min,
            ballot_max=ballot_max,
            ballot_points=ballot_points,
            counting_rule=counting_rule,
            leftover_partial=leftover_partial,
            is_published=publish,
        )
        process.neighbourhoods.set(neighbourhoods)
        Phase.objects.bulk_create(
            Phase(process=process, kind=s.kind, starts_at=s.starts_at, ends_at=s.ends_at)
            for s in phases
        )
        NeighbourhoodCap.objects.bulk_create(
            NeighbourhoodCap(process=process, neighbourhood=cap_areas[code], amount=amount)
            for code, amount in caps.items()
        )
        ProcessVersion.objects.create(process=process)
    return process


def phase_move(*, actor: Actor, process: Process, kind: str, starts_at, ends_at) -> Phase:
    """Change the dates of a phase (for example: close voting now). The phases must still
    follow each other, as when a process is made or changed (``_check_phases``); the
    move goes into the process's history."""
    require_role(actor, Role.ADMINISTRATOR)
    if ends_at <= starts_at:
        raise InvalidInput(_("Een fase eindigt na het begin."))
    with transaction.atomic():
        # the process first, as process_edit locks it (one order of locks)
        Process.objects.filter(pk=process.pk).update(revision=F("revision") + 1)
        stored = {p.kind: p for p in Phase.objects.filter(process=process)}
        phase = stored.get(kind)
        if phase is None:
            raise NotFound(_("Dit proces heeft deze fase niet."))
        others = [PhaseSpec(p.kind, p.starts_at, p.ends_at) for p in stored.values() if p != phase]
        _check_phases(
            [*others, PhaseSpec(kind, starts_at, ends_at)],
            fixed=frozenset(spec.kind for spec in others),
        )
        Phase.objects.filter(pk=phase.pk).update(starts_at=starts_at, ends_at=ends_at)
        _record_change(
            actor,
            process,
            _phase_changes({kind: (phase.starts_at, phase.ends_at)}, {kind: (starts_at, ends_at)}),
        )
        shown_changed([process.pk])
    return Phase.objects.get(pk=phase.pk)


def voting_close(*, actor: Actor, process: Process, now: dt.datetime | None = None) -> Phase:
    """Close voting now (staff): the voting phase ends at this moment, or keeps its
    earlier end. Refused before voting began: that would leave no voting at all."""
    require_role(actor, Role.ADMINISTRATOR)
    now = now or timezone.now()
    phase = Phase.objects.filter(process=process, kind=PhaseKind.VOTING).first()
    if phase is None:
        raise InvalidInput(_("Dit proces heeft geen stemfase."))
    if now <= phase.starts_at:
        raise InvalidInput(_("Het stemmen is nog niet begonnen."))
    return phase_move(
        actor=actor,
        process=process,
        kind=PhaseKind.VOTING,
        starts_at=phase.starts_at,
        ends_at=min(phase.ends_at, now),
    )


def voting_started(process: Process, now: dt.datetime | None = None) -> bool:
    """Whether residents may have voted: the voting phase began, or there are ballots or
    voters on the roll (an imported vote). From then on the budget, the ballot, the caps
    and the counting settings stay as they are."""
    now = now or timezone.now()
    if Phase.objects.filter(process=process, kind=PhaseKind.VOTING, starts_at__lte=now).exists():
        return True
    return process.ballots.exists() or process.roll.exists()


# The phases in which residents act: ideas, answers to a consultation and applications
# (ideas), supports (ideas, review), ballots (voting).
RESIDENT_PHASES = (PhaseKind.IDEAS, PhaseKind.REVIEW, PhaseKind.VOTING)


def participation_started(process: Process, now: dt.datetime | None = None) -> bool:
    """Whether residents may have taken part: a phase in which they act began, or they
    already did (an idea, an answer, an application, a ballot or a voter on the roll, as
    after an import). From then on who may take part stays as it is (one query)."""
    now = now or timezone.now()
    acted = Q(
        Exists(
            Phase.objects.filter(
                process=OuterRef("pk"), kind__in=RESIDENT_PHASES, starts_at__lte=now
            )
        )
    )
    for model in (Idea, Response, FundApplication, Ballot, VoterRollEntry):
        acted |= Q(Exists(model.objects.filter(process=OuterRef("pk"))))
    return Process.objects.filter(acted, pk=process.pk).exists()


def _process_conflict() -> Conflict:
    return Conflict(
        _(
            "Iemand anders heeft dit proces intussen gewijzigd. Uw wijziging is niet "
            "opgeslagen. Hieronder staat wat u invulde, met wat nu is opgeslagen. Kijk het "
            "na en sla opnieuw op."
        )
    )


def voting_locked_reason() -> str:
    """Why the budget, ballot, caps and counting settings no longer change (the service
    refuses with it, the edit page says it)."""
    return _(
        "Het stemmen is begonnen. Daarom kunt u het budget, het stembiljet, de "
        "maximumbedragen per buurt en de manier van tellen niet meer veranderen. "
        "Inwoners stemmen met de regels die golden toen het stemmen begon."
    )


def eligibility_locked_reason() -> str:
    """Why who may take part no longer changes."""
    return _(
        "Inwoners kunnen al meedoen. Daarom kunt u niet meer veranderen wie mag "
        "meedoen (gebied en leeftijd). Dat zou niet eerlijk zijn: wie nu niet meer "
        "mag, deed misschien al mee, en wie er nu bij komt, had minder tijd om mee "
        "te doen."
    )


def phase_begun_reason(kind: str) -> str:
    """Why a phase that began no longer moves."""
    return _("De fase '%(phase)s' is al begonnen. Die kunt u niet meer verplaatsen.") % {
        "phase": PhaseKind(kind).label
    }


# --- Two editors: what the second one changed ------------------------------------------

KEEP_STORED, KEEP_SENT = "stored", "sent"


@dataclass(frozen=True)
class EditMerge:
    """What an edit from a page shown before someone else saved comes to (``edit_merge``).

    ``values``: per item what to save (for an undecided conflict: what the editor sent,
    so the page shows it again). ``adopted``: items the other editor changed and this one
    did not, so the stored value stands and this editor has not seen it yet.
    ``contested``: items both changed to different values; ``undecided``: those without
    a choice yet (nothing may be saved while there is one)."""

    values: dict
    adopted: frozenset
    contested: frozenset
    undecided: frozenset

    @property
    def to_review(self) -> bool:
        """Whether the editor must see the page again before anything is saved."""
        return bool(self.adopted or self.undecided)


def edit_merge(
    *,
    shown: Mapping[str, object],
    sent: Mapping[str, object],
    stored: Mapping[str, object],
    keep: Mapping[str, str] | None = None,
) -> EditMerge:
    """Three-way merge of one edit (pure): ``shown`` is what the editor's page showed per
    item, ``sent`` what it sent, ``stored`` what is stored now. Only what the editor
    changed counts: an item they left as shown keeps the stored value (another editor's
    change stays); an item only they changed takes theirs; an item both changed to
    different values is contested and ``keep`` (item -> ``KEEP_STORED``/``KEEP_SENT``)
    decides it. An item missing from ``shown`` counts as shown as stored."""
    keep = keep or {}
    values, adopted, contested, undecided = {}, set(), set(), set()
    for name, mine in sent.items():
        now = stored[name]
        base = shown.get(name, now)
        if mine == now:
            values[name] = now
        elif mine == base:
            values[name] = now
            adopted.add(name)
        elif now == base:
            values[name] = mine
        else:
            contested.add(name)
            choice = keep.get(name)
            if choice == KEEP_STORED:
                values[name] = now
            else:
                values[name] = mine
                if choice != KEEP_SENT:
                    undecided.add(name)
    return EditMerge(values, frozenset(adopted), frozenset(contested), frozenset(undecided))


# What process_edit changes only before voting, and only before residents take part.
VOTING_SETTINGS = (
    "budget",
    "ballot_type",
    "ballot_min",
    "ballot_max",
    "ballot_points",
    "counting_rule",
    "leftover_partial",
)
ELIGIBILITY_SETTINGS = ("scope", "min_age", "must_live_in_area")


def process_edit(
    *,
    actor: Actor,
    process: Process,
    expected_revision: int,
    title: str,
    question: str,
    description: str = "",
    criteria: str = "",
    phases: Sequence[PhaseSpec],
    budget: int | None = None,
    ballot_type: str | None = None,
    ballot_min: int | None = None,
    ballot_max: int | None = None,
    ballot_points: int | None = None,
    counting_rule: str | None = None,
    leftover_partial: bool | None = None,
    caps: Mapping[str, int] | None = None,
    scope: str | None = None,
    neighbourhood_codes: Sequence[str] | None = None,
    min_age: int | None = None,
    must_live_in_area: bool | None = None,
    now: dt.datetime | None = None,
) -> Process:
    """Change a process (staff): its texts, the phases that have not begun; while voting
    has not begun its budget, ballot, caps per neighbourhood and counting settings; and
    while residents have not begun to take part, who may (area, age).

    ``phases`` are all the phases that have not begun yet as they should be (a kind
    left out is removed); phases that began stay as they are. Any other setting as
    ``None`` keeps what is stored; another value once it is locked is refused. ``caps``
    is the whole set (neighbourhood code -> amount): a neighbourhood left out has no
    cap any more. ``expected_revision`` is the ``revision`` the editor saw: if someone
    changed the process since, nothing is saved (``Conflict``). The checks are
    ``process_create``'s. What changed goes into the process's history (``ProcessChange``)
    in the same transaction."""
    require_role(actor, Role.ADMINISTRATOR)
    now = now or timezone.now()
    if process.revision != expected_revision:
        raise _process_conflict()
    title, question = _process_texts(title, question)
    stored = list(Phase.objects.filter(process=process))
    begun = [p for p in stored if p.starts_at <= now]
    begun_kinds = {p.kind for p in begun}
    for spec in phases:
        if spec.kind in begun_kinds:
            raise InvalidInput(phase_begun_reason(spec.kind))
    today = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time()))
    unchanged = {(p.kind, p.starts_at, p.ends_at) for p in stored}
    for spec in phases:
        if spec.starts_at < today and (spec.kind, spec.starts_at, spec.ends_at) not in unchanged:
            raise InvalidInput(
                _("Een fase kan niet beginnen op een dag die al voorbij is."),
                field=f"{spec.kind}_start",
            )
    _check_phases(
        [*(PhaseSpec(p.kind, p.starts_at, p.ends_at) for p in begun), *phases],
        fixed=frozenset(p.kind for p in begun),
    )
    texts = {
        "title": title,
        "question": question,
        "description": (description or "").strip(),
        "criteria": (criteria or "").strip(),
    }
    before = {name: getattr(process, name) for name in (*texts, *VOTING_SETTINGS)}
    before.update({name: getattr(process, name) for name in ELIGIBILITY_SETTINGS})
    before["neighbourhoods"] = sorted(process.neighbourhoods.values_list("code", flat=True))
    before["caps"] = _stored_caps(process)
    sent = {
        "budget": budget,
        "ballot_type": ballot_type,
        "ballot_min": ballot_min,
        "ballot_max": ballot_max,
        "ballot_points": ballot_points,
        "counting_rule": counting_rule,
        "leftover_partial": leftover_partial,
        "caps": None if caps is None else dict(caps),
        "scope": scope,
        "neighbourhoods": None if neighbourhood_codes is None else sorted(set(neighbourhood_codes)),
        "min_age": min_age,
        "must_live_in_area": must_live_in_area,
    }
    wanted = {
        name: value for name, value in sent.items() if value is not None and value != before[name]
    }
    locked = [name for name in (*VOTING_SETTINGS, "caps") if name in wanted]
    if locked and voting_started(process, now):
        raise InvalidInput(voting_locked_reason(), field=locked[0])
    who = [name for name in (*ELIGIBILITY_SETTINGS, "neighbourhoods") if name in wanted]
    if who and participation_started(process, now):
        raise InvalidInput(eligibility_locked_reason(), field=who[0])
    after = {**before, **texts, **wanted}
    _check_budget_rules(kind=process.kind, **{name: after[name] for name in VOTING_SETTINGS})
    neighbourhoods = None
    if {"scope", "neighbourhoods", "min_age"} & wanted.keys():
        neighbourhoods = _check_eligibility(
            scope=after["scope"],
            neighbourhood_codes=after["neighbourhoods"],
            min_age=after["min_age"],
        )
    cap_areas = {}
    if {"caps", "budget", "scope", "neighbourhoods"} & wanted.keys():
        area = (
            neighbourhoods
            if neighbourhoods is not None
            else list(Neighbourhood.objects.filter(code__in=after["neighbourhoods"]))
        )
        cap_areas = _check_caps(
            kind=process.kind,
            budget=after["budget"],
            scope=after["scope"],
            neighbourhoods=area,
            caps=after["caps"],
        )
    columns = {name: after[name] for name in (*texts, *VOTING_SETTINGS, *ELIGIBILITY_SETTINGS)}
    with transaction.atomic():
        updated = Process.objects.filter(pk=process.pk, revision=expected_revision).update(
            revision=F("revision") + 1, **columns
        )
        if not updated:
            raise _process_conflict()
        Phase.objects.filter(process=process, starts_at__gt=now).exclude(
            kind__in=[spec.kind for spec in phases]
        ).delete()
        for spec in phases:
            Phase.objects.update_or_create(
                process=process,
                kind=spec.kind,
                defaults={"starts_at": spec.starts_at, "ends_at": spec.ends_at},
            )
        if neighbourhoods is not None and "neighbourhoods" in wanted:
            process.neighbourhoods.set(neighbourhoods)
        if "caps" in wanted:
            NeighbourhoodCap.objects.filter(process=process).delete()
            NeighbourhoodCap.objects.bulk_create(
                NeighbourhoodCap(process=process, neighbourhood=cap_areas[code], amount=amount)
                for code, amount in after["caps"].items()
            )
        _record_change(
            actor,
            process,
            _field_changes(before, after)
            + _phase_changes(
                {p.kind: (p.starts_at, p.ends_at) for p in stored if p.starts_at > now},
                {spec.kind: (spec.starts_at, spec.ends_at) for spec in phases},
            ),
            at=now,
        )
        shown_changed([process.pk])
    process.refresh_from_db()
    process.__dict__.pop("phase_list", None)
    return process


# --- Crowdsourcing ------------------------------------------------------------------------


def idea_submit(
    *,
    actor: Actor,
    process: Process,
    title: str,
    body: str,
    location: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    image: Upload | None = None,
) -> Idea:
    """A resident who may take part proposes an idea while the ideas phase runs."""
    _require_phase(process, PhaseKind.IDEAS, _("U kunt nu geen ideeën insturen voor dit proces."))
    allowed = _require_eligible(process, actor)
    title = _text(title, field="title", message=_("Geef uw idee een korte titel."), limit=150)
    body = _text(body, field="body", message=_("Beschrijf uw idee."), limit=5000)
    if (latitude is None) != (longitude is None):
        raise InvalidInput(_("Vul de breedtegraad en de lengtegraad allebei in."), field="latitude")
    cleaned = None
    if image is not None:
        cleaned = clean_upload(image.data, image.name, keep_location=image.keep_location)
        if not cleaned.content_type.startswith("image/"):
            raise InvalidInput(_("Stuur een foto (JPG of PNG)."), field="image")
    with transaction.atomic():
        idea = Idea(
            process=process,
            author=actor.subject,
            title=title,
            body=body,
            location=location.strip()[:200],
            latitude=latitude,
            longitude=longitude,
            neighbourhood=allowed.neighbourhood,
        )
        if cleaned is not None:
            idea.image.save(cleaned.name, cleaned.content, save=False)
            idea.image_type = cleaned.content_type
        idea.save()
        _log(actor, activities.IDEAS, Action.CREATE, [actor.subject], "idee", idea.public_id)
        shown_changed([process.pk])
    return idea


def _visible_idea(idea: Idea) -> None:
    if idea.visibility != Visibility.PUBLISHED:
        raise NotFound(_("Dit idee is niet (meer) zichtbaar."))


def idea_support(*, actor: Actor, idea: Idea) -> Support:
    """Support an idea: once per resident (a second time is refused)."""
    _visible_idea(idea)
    process = idea.process
    if current_phase(process) not in (PhaseKind.IDEAS, PhaseKind.REVIEW):
        raise InvalidInput(_("U kunt dit idee nu niet meer steunen."))
    _require_eligible(process, actor)
    with transaction.atomic():
        try:
            with transaction.atomic():
                support = Support.objects.create(idea=idea, subject=actor.subject)
        except IntegrityError as exc:
            raise InvalidInput(_("U steunt dit idee al.")) from exc
        Idea.objects.filter(pk=idea.pk).update(supports=F("supports") + 1)
        _log(actor, activities.IDEAS, Action.CREATE, [actor.subject], "steun", idea.public_id)
        shown_changed([idea.process_id])
    return support


def idea_unsupport(*, actor: Actor, idea: Idea) -> None:
    """Take one's support back."""
    _require_resident(actor)
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(idea=idea, subject=actor.subject).delete()
        if not deleted:
            raise InvalidInput(_("U steunt dit idee niet."))
        Idea.objects.filter(pk=idea.pk).update(supports=F("supports") - 1)
        _log(actor, activities.IDEAS, Action.DELETE, [actor.subject], "steun", idea.public_id)
        shown_changed([idea.process_id])


def comment_add(*, actor: Actor, idea: Idea, body: str, parent: Comment | None = None) -> Comment:
    """Comment on an idea, or reply to a comment in its thread."""
    _visible_idea(idea)
    process = idea.process
    if current_phase(process) not in (PhaseKind.IDEAS, PhaseKind.REVIEW, PhaseKind.VOTING):
        raise InvalidInput(_("U kunt nu niet meer reageren."))
    _require_eligible(process, actor)
    body = _text(body, field="body", message=_("Schrijf uw reactie."), limit=2000)
    if parent is not None and (parent.idea_id != idea.pk or parent.visibility != "published"):
        raise InvalidInput(_("U kunt alleen reageren op een zichtbare reactie bij dit idee."))
    with transaction.atomic():
        comment = Comment.objects.create(idea=idea, parent=parent, author=actor.subject, body=body)
        _log(actor, activities.IDEAS, Action.CREATE, [actor.subject], "reactie", comment.public_id)
    return comment


def abuse_report(
    *, actor: Actor, reason: str, idea: Idea | None = None, comment: Comment | None = None
) -> AbuseReport:
    """A logged-in resident reports an idea or comment that breaks the rules."""
    _require_resident(actor)
    if (idea is None) == (comment is None):
        raise InvalidInput(_("Meld een idee of een reactie."))
    reason = _text(reason, field="reason", message=_("Vertel kort wat er mis is."), limit=1000)
    with transaction.atomic():
        report = AbuseReport.objects.create(
            idea=idea, comment=comment, reporter=actor.subject, reason=reason
        )
        _log(
            actor,
            activities.MODERATION,
            Action.CREATE,
            [actor.subject],
            "melding",
            report.public_id,
        )
    return report


_TARGET_STATE = {
    ModerationAction.HIDE: Visibility.HIDDEN,
    ModerationAction.RESTORE: Visibility.PUBLISHED,
    ModerationAction.REJECT: Visibility.REJECTED,
}


def _moderate(actor: Actor, target: Idea | Comment, action: str, reason: str) -> Moderation:
    require_role(actor, *STAFF_ROLES)
    if action not in _TARGET_STATE:
        raise InvalidInput(_("Kies verbergen, terugzetten of afwijzen."))
    reason = _text(
        reason, field="reason", message=_("Geef een reden: de schrijver ziet die."), limit=1000
    )
    state = _TARGET_STATE[action]
    if target.visibility == state:
        raise InvalidInput(_("Dit is al zo."))
    is_idea = isinstance(target, Idea)
    now = timezone.now()
    with transaction.atomic():
        type(target).objects.filter(pk=target.pk).update(visibility=state, moderation_reason=reason)
        target.visibility, target.moderation_reason = state, reason
        moderation = Moderation.objects.create(
            idea=target if is_idea else None,
            comment=None if is_idea else target,
            action=action,
            reason=reason,
            moderator_id=actor.user_id,
            at=now,
        )
        reports = AbuseReport.objects.filter(
            **({"idea": target} if is_idea else {"comment": target}), handled_at__isnull=True
        )
        reporters = list(reports.values_list("reporter", flat=True))
        reports.update(handled_at=now)
        _log(
            actor,
            activities.MODERATION,
            Action.UPDATE,
            [target.author, *reporters],
            "idee" if is_idea else "reactie",
            target.public_id,
        )
        if is_idea:
            shown_changed([target.process_id])
    return moderation


def idea_moderate(*, actor: Actor, idea: Idea, action: str, reason: str) -> Moderation:
    """Hide, restore or reject an idea, with a reason shown to its author."""
    return _moderate(actor, idea, action, reason)


def comment_moderate(*, actor: Actor, comment: Comment, action: str, reason: str) -> Moderation:
    """Hide, restore or reject a comment, with a reason shown to its author."""
    return _moderate(actor, comment, action, reason)


# --- Consultations -------------------------------------------------------------------------


def question_add(
    *,
    actor: Actor,
    process: Process,
    kind: str,
    text: str,
    choices: Sequence[str] = (),
    scale_min: int = 1,
    scale_max: int = 5,
    required: bool = True,
) -> Question:
    """Add a question to a consultation before it opens (staff)."""
    require_role(actor, Role.ADMINISTRATOR)
    if process.kind != ProcessKind.CONSULTATION:
        raise InvalidInput(_("Alleen een raadpleging heeft vragen."))
    if process.responses.exists():
        raise InvalidInput(_("Er zijn al antwoorden: de vragen liggen vast."))
    if kind not in QuestionKind.values:
        raise InvalidInput(_("Kies een soort vraag."))
    choices = [c.strip() for c in choices if c.strip()]
    needs_choices = kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING)
    if needs_choices and len(choices) < 2:
        raise InvalidInput(_("Een keuzevraag heeft minstens twee keuzes."))
    if kind == QuestionKind.SCALE and scale_max <= scale_min:
        raise InvalidInput(_("Het einde van de schaal is groter dan het begin."))
    last = process.questions.order_by("-order").values_list("order", flat=True).first() or 0
    return Question.objects.create(
        process=process,
        order=last + 1,
        kind=kind,
        text=_text(text, field="text", message=_("Schrijf de vraag op."), limit=300),
        choices=choices if needs_choices else [],
        scale_min=scale_min,
        scale_max=scale_max,
        required=required,
    )


def _clean_answer(question: Question, value):
    """The answer in its stored shape, or InvalidInput naming the question."""
    field = f"q{question.pk}"
    if isinstance(value, str):
        value = value.strip()
    unanswered = _("Beantwoord deze vraag: %(text)s") % {"text": question.text}
    if value in (None, "", [], ()):
        if question.required:
            raise InvalidInput(unanswered, field=field)
        return None
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        if value not in question.choices:
            raise InvalidInput(_("Kies een van de mogelijkheden."), field=field)
        return value
    if kind == QuestionKind.MULTIPLE:
        values = list(dict.fromkeys(value if isinstance(value, list | tuple) else [value]))
        if any(v not in question.choices for v in values):
            raise InvalidInput(_("Kies uit de mogelijkheden."), field=field)
        return values
    if kind == QuestionKind.RANKING:
        values = list(value) if isinstance(value, list | tuple) else []
        if sorted(values) != sorted(question.choices) or len(set(values)) != len(values):
            raise InvalidInput(
                _("Zet alle mogelijkheden in een volgorde, elke plaats één keer."), field=field
            )
        return values
    if kind == QuestionKind.SCALE:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not question.scale_min <= number <= question.scale_max:
            raise InvalidInput(
                _("Kies een getal van %(low)d tot en met %(high)d.")
                % {"low": question.scale_min, "high": question.scale_max},
                field=field,
            )
        return number
    return _text(str(value), field=field, message=unanswered, limit=2000)


def response_submit(*, actor: Actor, process: Process, answers: Mapping[int, object]) -> Response:
    """Answer a consultation; answering again replaces the earlier answers while it runs.

    ``answers`` maps question ids to values. Open answers wait for moderation again
    when they change.
    """
    if process.kind != ProcessKind.CONSULTATION:
        raise InvalidInput(_("Dit is geen raadpleging."))
    _require_phase(process, PhaseKind.IDEAS, _("Deze raadpleging is gesloten."))
    _require_eligible(process, actor)
    questions = list(process.questions.all())
    known = {q.pk for q in questions}
    if set(answers) - known:
        raise InvalidInput(_("Er zijn antwoorden op vragen die niet bij deze raadpleging horen."))
    cleaned = {q.pk: _clean_answer(q, answers.get(q.pk)) for q in questions}
    now = timezone.now()
    with transaction.atomic():
        response = (
            Response.objects.select_for_update()
            .filter(process=process, subject=actor.subject)
            .first()
        )
        created = response is None
        if created:
            try:
                with transaction.atomic():
                    response = Response.objects.create(
                        process=process, subject=actor.subject, created_at=now, updated_at=now
                    )
            except IntegrityError as exc:
                raise Conflict(
                    _("Uw antwoorden zijn net al opgeslagen. Laad de pagina opnieuw.")
                ) from exc
            previous = {}
        else:
            Response.objects.filter(pk=response.pk).update(updated_at=now)
            previous = {a.question_id: a for a in response.answers.all()}
        by_id = {q.pk: q for q in questions}
        for question_id, value in cleaned.items():
            old = previous.get(question_id)
            if value is None:
                if old is not None:
                    old.delete()
                continue
            is_open = by_id[question_id].kind == QuestionKind.OPEN
            if old is None:
                Answer.objects.create(
                    response=response,
                    question_id=question_id,
                    value=value,
                    open_status=OpenAnswerStatus.PENDING if is_open else "",
                )
            elif old.value != value:
                old.value = value
                old.open_status = OpenAnswerStatus.PENDING if is_open else ""
                old.save(update_fields=["value", "open_status"])
        _log(
            actor,
            activities.CONSULTATION,
            Action.CREATE if created else Action.UPDATE,
            [actor.subject],
            "antwoord",
            response.public_id,
        )
    return response


def answer_moderate(*, actor: Actor, answer: Answer, approve: bool) -> Answer:
    """Publish an open answer (without a name) or keep it out of the results."""
    require_role(actor, *STAFF_ROLES)
    if answer.question.kind != QuestionKind.OPEN:
        raise InvalidInput(_("Alleen open antwoorden worden gemodereerd."))
    with transaction.atomic():
        answer.open_status = OpenAnswerStatus.APPROVED if approve else OpenAnswerStatus.REJECTED
        answer.save(update_fields=["open_status"])
        _log(
            actor,
            activities.MODERATION,
            Action.UPDATE,
            [answer.response.subject],
            "antwoord",
            answer.response.public_id,
        )
    return answer


# --- Citizens' budget: projects -------------------------------------------------------------


def _project_code() -> str:
    return "P" + "".join(secrets.choice(_ALPHABET) for _i in range(7))


def project_create(
    *,
    actor: Actor,
    process: Process,
    title: str,
    description: str,
    cost: int,
    idea: Idea | None = None,
    neighbourhood_code: str = "",
    code: str = "",
) -> Project:
    """Put a project up for review: from a resident's idea, or the city's own (staff)."""
    require_role(actor, *STAFF_ROLES)
    if process.kind != ProcessKind.BUDGET:
        raise InvalidInput(_("Alleen een burgerbegroting heeft projecten."))
    if idea is not None and idea.process_id != process.pk:
        raise InvalidInput(_("Dit idee hoort bij een ander proces."))
    if idea is not None and Project.objects.filter(idea=idea).exists():
        raise InvalidInput(_("Van dit idee is al een project gemaakt."))
    if idea is not None and idea.visibility != Visibility.PUBLISHED:
        # A project is public and takes the idea's text: a hidden or rejected idea
        # would reach the public through it.
        raise InvalidInput(_("Dit idee is niet (meer) zichtbaar."))
    neighbourhood = None
    if neighbourhood_code:
        neighbourhood = Neighbourhood.objects.filter(code=neighbourhood_code).first()
        if neighbourhood is None:
            raise InvalidInput(_("Deze buurt bestaat niet."), field="neighbourhood")
    elif idea is not None:
        neighbourhood = idea.neighbourhood
    if cost < 0:
        raise InvalidInput(_("De kosten kunnen niet negatief zijn."), field="cost")
    with transaction.atomic():
        project = Project.objects.create(
            process=process,
            code=code or _project_code(),
            idea=idea,
            title=_text(title, field="title", message=_("Geef het project een titel."), limit=200),
            description=_text(
                description, field="description", message=_("Beschrijf het project."), limit=5000
            ),
            cost=cost,
            neighbourhood=neighbourhood,
        )
        if idea is not None:
            _log(actor, activities.IDEAS, Action.UPDATE, [idea.author], "idee", idea.public_id)
        shown_changed([process.pk])
    return project


def project_review(
    *, actor: Actor, project: Project, feasible: bool, reason: str, cost: int
) -> Project:
    """The city's feasibility review: feasible or not, with a public reason and the cost."""
    require_role(actor, *STAFF_ROLES)
    if project.process.ballots.exists():
        raise InvalidInput(_("Er is al gestemd: de projecten liggen vast."))
    reason = _text(
        reason, field="reason", message=_("Leg uit waarom: inwoners lezen dit."), limit=2000
    )
    if cost <= 0 and feasible:
        raise InvalidInput(_("Een uitvoerbaar project heeft een kostenraming."), field="cost")
    project.feasibility = Feasibility.FEASIBLE if feasible else Feasibility.NOT_FEASIBLE
    project.feasibility_reason = reason
    project.cost = cost
    project.reviewed_at = timezone.now()
    project.reviewed_by_id = actor.user_id
    with transaction.atomic():
        project.save(
            update_fields=[
                "feasibility",
                "feasibility_reason",
                "cost",
                "reviewed_at",
                "reviewed_by",
            ]
        )
        shown_changed([project.process_id])
    return project


def milestone_add(
    *,
    actor: Actor,
    title: str,
    progress: int,
    note: str = "",
    project: Project | None = None,
    application: FundApplication | None = None,
    photo: Upload | None = None,
) -> Milestone:
    """Report progress on a funded project or initiative, publicly (staff)."""
    require_role(actor, *STAFF_ROLES)
    if (project is None) == (application is None):
        raise InvalidInput(_("Kies een project of een initiatief."))
    if application is not None and application.decision != Decision.GRANTED:
        raise InvalidInput(_("Voortgang houdt u bij voor een toegekend initiatief."))
    if project is not None and project.feasibility != Feasibility.FEASIBLE:
        raise InvalidInput(_("Voortgang houdt u bij voor een uitvoerbaar project."))
    if not 0 <= progress <= 100:
        raise InvalidInput(
            _("De voortgang is een percentage van 0 tot en met 100."), field="progress"
        )
    cleaned = None
    if photo is not None:
        cleaned = clean_upload(photo.data, photo.name)
        if not cleaned.content_type.startswith("image/"):
            raise InvalidInput(_("Stuur een foto (JPG of PNG)."), field="photo")
    with transaction.atomic():
        milestone = Milestone(
            project=project,
            application=application,
            title=_text(title, field="title", message=_("Geef de mijlpaal een naam."), limit=200),
            note=note.strip(),
            progress=progress,
        )
        if cleaned is not None:
            milestone.photo.save(cleaned.name, cleaned.content, save=False)
        milestone.save()
        target = project or application
        type(target).objects.filter(pk=target.pk).update(progress=progress)
        if application is not None:
            # An initiative is the applicant's: its progress is news about them.
            _log(
                actor,
                activities.FUNDS,
                Action.UPDATE,
                [application.applicant],
                "aanvraag",
                application.public_id,
            )
    return milestone


# --- Citizens' budget: ballots --------------------------------------------------------------


def new_receipt() -> str:
    """100 random bits as 20 Crockford base32 characters, in groups of four."""
    number = secrets.randbits(100)
    chars = "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in range(20))
    return "-".join(chars[i : i + 4] for i in range(0, 20, 4))


def normalise_receipt(value: str) -> str:
    cleaned = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) != 20 or any(ch not in _ALPHABET for ch in cleaned):
        return ""
    return "-".join(cleaned[i : i + 4] for i in range(0, 20, 4))


def receipt_hash(receipt: str) -> str:
    """What the ballot is keyed by: an unkeyed hash, so anyone can check a receipt."""
    return hashlib.sha256(b"stadhuis-ballot:" + receipt.encode()).hexdigest()


def _receipt_check(receipt: str) -> str:
    """What the voter roll keeps: a keyed hash, a different function of the same receipt."""
    key = settings.PSEUDONYM_KEY.encode()
    return hmac.new(key, b"stadhuis-roll:" + receipt.encode(), hashlib.sha256).hexdigest()


def _clean_ballot(process: Process, choices: Mapping[str, int]) -> dict[str, int]:
    """Check a ballot against the process's ballot type; the stored shape is code -> points."""
    projects = {
        p.code: p
        for p in Project.objects.filter(process=process, feasibility=Feasibility.FEASIBLE).only(
            "code", "cost"
        )
    }
    picked: dict[str, int] = {}
    for code, points in choices.items():
        if code not in projects:
            raise InvalidInput(_("Een van de gekozen projecten staat niet op het stembiljet."))
        try:
            points = int(points)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(_("Vul bij elk project een heel getal in.")) from exc
        if points < 0:
            raise InvalidInput(_("Punten kunnen niet negatief zijn."))
        if points:
            picked[code] = points
    kind = process.ballot_type
    if not picked:
        raise InvalidInput(_("Kies minstens één project."))
    if kind != BallotType.CUMULATIVE and any(v != 1 for v in picked.values()):
        raise InvalidInput(_("Kies elk project hoogstens één keer."))
    if kind == BallotType.CHOOSE_ONE and len(picked) != 1:
        raise InvalidInput(_("Kies precies één project."))
    if kind == BallotType.APPROVAL:
        if process.ballot_min and len(picked) < process.ballot_min:
            raise InvalidInput(
                _("Kies minstens %(count)d projecten.") % {"count": process.ballot_min}
            )
        if process.ballot_max and len(picked) > process.ballot_max:
            raise InvalidInput(
                _("Kies hoogstens %(count)d projecten.") % {"count": process.ballot_max}
            )
    if kind == BallotType.KNAPSACK:
        total = sum(projects[code].cost for code in picked)
        if total > process.budget:
            raise InvalidInput(
                _(
                    "Uw projecten kosten samen € %(total)s, meer dan het budget van € %(budget)s. "
                    "Kies minder of goedkopere projecten."
                )
                % {"total": total, "budget": process.budget}
            )
    if kind == BallotType.CUMULATIVE and sum(picked.values()) > process.ballot_points:
        raise InvalidInput(
            _("U mag hoogstens %(points)d punten verdelen.") % {"points": process.ballot_points}
        )
    return picked


def _require_voting(process: Process) -> None:
    if process.kind != ProcessKind.BUDGET:
        raise InvalidInput(_("Dit is geen burgerbegroting."))
    _require_phase(process, PhaseKind.VOTING, _("Er kan nu niet gestemd worden."))


def ballot_cast(
    *, actor: Actor, process: Process, choices: Mapping[str, int], previous_receipt: str = ""
) -> str:
    """Vote, or change one's vote, in a citizens' budget. Returns the new receipt code.

    The voter roll gets (or keeps) one row for the resident: that and when they voted.
    The ballot is stored apart, keyed only by a hash of a fresh receipt. Changing a
    vote needs the previous receipt: only with it can the service find and remove the
    old ballot, because nothing else leads from the roll to a ballot.
    """
    _require_voting(process)
    _require_eligible(process, actor)
    picked = _clean_ballot(process, choices)
    receipt = new_receipt()
    now = timezone.now()
    with transaction.atomic():
        entry = (
            VoterRollEntry.objects.select_for_update()
            .filter(process=process, subject=actor.subject)
            .first()
        )
        if entry is None:
            try:
                with transaction.atomic():
                    VoterRollEntry.objects.create(
                        process=process,
                        subject=actor.subject,
                        voted_at=now,
                        receipt_hint=receipt[:4],
                        receipt_check=_receipt_check(receipt),
                    )
            except IntegrityError as exc:
                raise Conflict(_("Uw stem is net al opgeslagen. Laad de pagina opnieuw.")) from exc
            action = Action.CREATE
        else:
            if entry.channel != "online":
                raise InvalidInput(_("U hebt op papier gestemd. Die stem kunt u niet wijzigen."))
            old = normalise_receipt(previous_receipt)
            if not old:
                raise InvalidInput(
                    _("U hebt al gestemd. Wilt u uw stem wijzigen? Vul dan uw stembewijs in."),
                    field="receipt",
                )
            if not hmac.compare_digest(_receipt_check(old), entry.receipt_check):
                raise InvalidInput(
                    _("Dit stembewijs hoort niet bij uw stem. Kijk de code nog eens na."),
                    field="receipt",
                )
            Ballot.objects.filter(process=process, receipt_hash=receipt_hash(old)).delete()
            VoterRollEntry.objects.filter(pk=entry.pk).update(
                voted_at=now, receipt_hint=receipt[:4], receipt_check=_receipt_check(receipt)
            )
            action = Action.UPDATE
        Ballot.objects.create(process=process, receipt_hash=receipt_hash(receipt), choices=picked)
        _log(actor, activities.VOTING, action, [actor.subject], "stemregister", process.public_id)
    return receipt


def roll_mark_paper(*, actor: Actor, process: Process, voter_bsn: str) -> VoterRollEntry:
    """At the desk: mark a resident on the voter roll as voting on paper (staff).

    The paper ballot goes into the ballot box; it is entered later with
    ``ballot_enter_paper``, apart from the roll, so the two cannot be matched.
    """
    require_role(actor, *STAFF_ROLES)
    _require_voting(process)
    bsn = "".join((voter_bsn or "").split())
    if not is_valid_bsn(bsn):
        raise InvalidInput(_("Dit is geen geldig BSN."), field="voter_bsn")
    subject = pseudonym_for_bsn(bsn)
    result = eligibility.check(process, eligibility.resident_for(subject))
    if not result.allowed:
        # Checking read the resident's postcode and age: logged, also when refused. The
        # staff member learns only that the resident may not vote, not why.
        with transaction.atomic():
            record_processing(
                actor=actor,
                activity=activities.VOTING,
                action=Action.READ,
                subjects=[subject],
                object_type="stemregister",
                object_id=str(process.public_id),
                outcome=Outcome.DENIED,
            )
        raise NotAllowed(_("Deze inwoner mag niet meedoen aan dit proces."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry = VoterRollEntry.objects.create(
                    process=process,
                    subject=subject,
                    voted_at=timezone.now(),
                    receipt_hint="",
                    receipt_check="",
                    channel="paper",
                )
        except IntegrityError as exc:
            raise InvalidInput(_("Deze inwoner heeft al gestemd.")) from exc
        _log(actor, activities.VOTING, Action.CREATE, [subject], "stemregister", process.public_id)
    return entry


def ballot_enter_paper(*, actor: Actor, process: Process, choices: Mapping[str, int]) -> str:
    """Enter a paper ballot from the ballot box (staff); who entered it is recorded.

    Refused when there would be more paper ballots than paper voters on the roll.
    Returns the receipt under which the ballot is counted.
    """
    require_role(actor, *STAFF_ROLES)
    if process.kind != ProcessKind.BUDGET:
        raise InvalidInput(_("Dit is geen burgerbegroting."))
    if current_phase(process) not in (PhaseKind.VOTING, PhaseKind.RESULTS):
        raise InvalidInput(_("Papieren stemmen worden ingevoerd tijdens of na het stemmen."))
    picked = _clean_ballot(process, choices)
    receipt = new_receipt()
    with transaction.atomic():
        Process.objects.select_for_update().filter(pk=process.pk).first()
        marked = VoterRollEntry.objects.filter(process=process, channel="paper").count()
        entered = Ballot.objects.filter(process=process, paper=True).count()
        if entered >= marked:
            raise InvalidInput(
                _("Er zijn al evenveel papieren stemmen ingevoerd als er papieren stemmers zijn.")
            )
        Ballot.objects.create(
            process=process,
            receipt_hash=receipt_hash(receipt),
            choices=picked,
            paper=True,
            entered_by_id=actor.user_id,
        )
    return receipt


# --- Counting -------------------------------------------------------------------------------


def count_request(*, actor: Actor, process: Process, rule: str = "") -> Count:
    """Queue a count of a budget vote after voting closed; the worker runs it (staff)."""
    from stadhuis.participation import tally

    require_role(actor, Role.ADMINISTRATOR)
    if process.kind != ProcessKind.BUDGET:
        raise InvalidInput(_("Dit is geen burgerbegroting."))
    if current_phase(process) in (PhaseKind.VOTING, PhaseKind.IDEAS, PhaseKind.REVIEW):
        raise InvalidInput(_("Tellen kan pas als het stemmen voorbij is."))
    rule = rule or process.counting_rule
    if rule not in tally.rules():
        raise InvalidInput(_("Deze telregel bestaat niet."), field="rule")
    with transaction.atomic():
        if Count.objects.filter(
            process=process, status__in=[CountStatus.QUEUED, CountStatus.RUNNING]
        ).exists():
            raise InvalidInput(_("Er loopt al een telling."))
        return Count.objects.create(process=process, rule=rule, status=CountStatus.QUEUED)


def counts_run_due() -> int:
    """Run queued counts, one at a time (the worker calls this). Returns how many ran."""
    from stadhuis.participation import tally

    ran = 0
    while True:
        with transaction.atomic():
            count = (
                Count.objects.select_for_update()
                .filter(status=CountStatus.QUEUED)
                .order_by("requested_at", "id")
                .first()
            )
            if count is None:
                return ran
            Count.objects.filter(pk=count.pk).update(status=CountStatus.RUNNING, progress=0)
        tally.run(count)
        ran += 1


def count_publish(*, actor: Actor, count: Count) -> Count:
    """Publish a finished count as the result of its process (staff)."""
    require_role(actor, Role.ADMINISTRATOR)
    if count.status != CountStatus.DONE:
        raise InvalidInput(_("Alleen een afgeronde telling kan gepubliceerd worden."))
    with transaction.atomic():
        Count.objects.filter(process=count.process).update(is_published=False)
        Count.objects.filter(pk=count.pk).update(is_published=True)
        count.is_published = True
        shown_changed([count.process_id])
    return count


# --- Neighbourhood funds and right to challenge -------------------------------------------


def application_submit(
    *,
    actor: Actor,
    process: Process,
    title: str,
    plan: str,
    amount: int,
    organisation: str = "",
    task: str = "",
    comparison: str = "",
) -> FundApplication:
    """Apply to a neighbourhood fund, or challenge the city to take over a task.

    The application is followed as a case in track & trace, opened through the
    cases services in the same transaction.
    """
    kind = {
        ProcessKind.FUND: ApplicationKind.FUND,
        ProcessKind.CHALLENGE: ApplicationKind.CHALLENGE,
    }.get(process.kind)
    if kind is None:
        raise InvalidInput(_("Bij dit proces kunt u niets aanvragen."))
    _require_phase(process, PhaseKind.IDEAS, _("U kunt nu niets aanvragen bij dit proces."))
    allowed = _require_eligible(process, actor)
    title = _text(title, field="title", message=_("Geef uw plan een naam."), limit=200)
    plan = _text(plan, field="plan", message=_("Beschrijf uw plan."), limit=10000)
    if amount <= 0:
        raise InvalidInput(_("Vul het bedrag in dat u nodig hebt."), field="amount")
    if process.budget and amount > process.budget:
        raise InvalidInput(
            _("U vraagt meer dan er in het fonds zit (€ %(budget)s).") % {"budget": process.budget},
            field="amount",
        )
    if kind == ApplicationKind.CHALLENGE:
        task = _text(task, field="task", message=_("Welke taak wilt u overnemen?"), limit=200)
        comparison = _text(
            comparison,
            field="comparison",
            message=_("Vergelijk de kosten en de kwaliteit met die van de gemeente."),
            limit=5000,
        )
    with transaction.atomic():
        case = case_submit(
            actor=actor,
            case_type_code=FUND_CASE_TYPES[kind],
            description=f"{title}\n\n{plan}"[:5000],
            own_intake=True,
        )
        application = FundApplication.objects.create(
            process=process,
            kind=kind,
            applicant=actor.subject,
            organisation=organisation.strip()[:200],
            title=title,
            plan=plan,
            task=task,
            comparison=comparison,
            amount=amount,
            neighbourhood=allowed.neighbourhood,
            case_reference=case.reference,
        )
        _log(
            actor,
            activities.FUNDS,
            Action.CREATE,
            [actor.subject],
            "aanvraag",
            application.public_id,
        )
    return application


def application_sign(*, actor: Actor, application: FundApplication) -> Signature:
    """A neighbour who may take part signs in support of an application (once)."""
    if application.decision != Decision.PENDING:
        raise InvalidInput(_("Over deze aanvraag is al besloten."))
    if application.applicant == actor.subject:
        raise InvalidInput(_("U kunt uw eigen aanvraag niet ondertekenen."))
    _require_eligible(application.process, actor)
    with transaction.atomic():
        try:
            with transaction.atomic():
                signature = Signature.objects.create(application=application, subject=actor.subject)
        except IntegrityError as exc:
            raise InvalidInput(_("U hebt deze aanvraag al ondertekend.")) from exc
        _log(
            actor,
            activities.FUNDS,
            Action.CREATE,
            [actor.subject],
            "handtekening",
            application.public_id,
        )
    return signature


def application_decide(
    *,
    actor: Actor,
    application: FundApplication,
    score: int,
    grant: bool,
    reason: str,
    amount: int | None = None,
) -> FundApplication:
    """The committee scores (0-10) and decides, with public reasons and amount (staff).

    Decided by a case handler of the case's department: the decision also closes the
    application's case in track & trace, with the result and the reason.
    """
    require_role(actor, *STAFF_ROLES)
    if application.decision != Decision.PENDING:
        raise InvalidInput(_("Over deze aanvraag is al besloten."))
    if not 0 <= score <= 10:
        raise InvalidInput(_("Geef een score van 0 tot en met 10."), field="score")
    reason = _text(
        reason, field="reason", message=_("Leg het besluit uit: het is openbaar."), limit=5000
    )
    if grant:
        amount = application.amount if amount is None else amount
        if not 0 < amount <= application.amount:
            raise InvalidInput(
                _("Het toegekende bedrag is hoogstens het gevraagde bedrag."), field="amount"
            )
    case = staff_case(application.case_reference)
    if case is None:
        raise NotFound(_("De zaak bij deze aanvraag is niet gevonden."))
    if not case.is_open:
        raise InvalidInput(
            _("De aanvrager heeft de aanvraag ingetrokken. Er valt niets te besluiten.")
        )
    with transaction.atomic():
        # The decision closes the case in track & trace, so the applicant follows it
        # there; the cases service checks that the actor handles this department's cases.
        case_set_status(
            actor=actor,
            case=case,
            expected_version=case.version,
            status_code="afgehandeld",
            result_code="toegekend" if grant else "afgewezen",
            explanation=reason,
        )
        updated = FundApplication.objects.filter(
            pk=application.pk, decision=Decision.PENDING
        ).update(
            score=score,
            decision=Decision.GRANTED if grant else Decision.REFUSED,
            decision_reason=reason,
            granted_amount=amount if grant else None,
            decided_at=timezone.now(),
        )
        if not updated:
            raise Conflict(_("Iemand anders heeft hier intussen over besloten."))
        _log(
            actor,
            activities.FUNDS,
            Action.UPDATE,
            [application.applicant],
            "aanvraag",
            application.public_id,
        )
    application.refresh_from_db()
    return application


def application_report(
    *, actor: Actor, application: FundApplication, report: str, spent: int
) -> FundApplication:
    """The initiative reports back on what it spent (the applicant)."""
    _require_resident(actor)
    if application.applicant != actor.subject:
        raise NotFound()
    if application.decision != Decision.GRANTED:
        raise InvalidInput(_("Alleen een toegekende aanvraag wordt verantwoord."))
    report = _text(
        report, field="report", message=_("Vertel waaraan u het geld uitgaf."), limit=5000
    )
    if spent < 0:
        raise InvalidInput(_("Vul het uitgegeven bedrag in."), field="spent")
    with transaction.atomic():
        FundApplication.objects.filter(pk=application.pk).update(
            spending_report=report, spent_amount=spent
        )
        _log(
            actor,
            activities.FUNDS,
            Action.UPDATE,
            [actor.subject],
            "aanvraag",
            application.public_id,
        )
    application.refresh_from_db()
    return application


# --- Pabulib import --------------------------------------------------------------------------

_BALLOT_TYPES = {
    "approval": BallotType.APPROVAL,
    "knapsack": BallotType.KNAPSACK,
    "cumulative": BallotType.CUMULATIVE,
    "choose-1": BallotType.CHOOSE_ONE,
}
IMPORT_BATCH = 2000
# The most the ballot-limit fields an import fills can hold (PositiveSmallIntegerField):
# a larger number in a file is refused with a message, not left to the database
# (PostgreSQL: out of range; SQLite: OverflowError). Money needs no check here: the
# parser refuses any number above 10^15 (``counting.pabulib.MAX_NUMBER``), far below what
# a PositiveBigIntegerField holds.
IMPORT_MAX_COUNT = 32_767


@dataclass(frozen=True)
class PabulibImport:
    """What an import read: its ballots, and warnings for staff about projects that break
    the file's own requirements on projects (read and counted as they are)."""

    ballots: int
    warnings: tuple[str, ...] = ()


IMPORT_WARNINGS_SHOWN = 5


def _project_warnings(election) -> tuple[str, ...]:
    """``min_project_cost``/``max_project_cost`` bind what may be proposed, not the count:
    a published election can break them (Amsterdam 2020, Oost), so staff are told, not
    refused. The process does not keep these limits, so this is the only moment to say it."""
    from stadhuis.participation import counting

    problems = counting.project_problems(election)
    texts = {
        "cost_below_minimum": (
            _(
                "Project %(id)s kost %(cost)s euro, minder dan het minimum in het bestand "
                "(%(limit)s euro). Het is toch ingelezen en telt mee."
            ),
            election.min_project_cost,
        ),
        "cost_above_maximum": (
            _(
                "Project %(id)s kost %(cost)s euro, meer dan het maximum in het bestand "
                "(%(limit)s euro). Het is toch ingelezen en telt mee."
            ),
            election.max_project_cost,
        ),
    }
    warnings = []
    for pid, codes in problems.items():
        for code in codes:
            text, limit = texts[code]
            warnings.append(
                text
                % {
                    "id": pid,
                    "cost": _euros(election.projects[pid].cost),
                    "limit": _euros(limit),
                }
            )
    if len(warnings) > IMPORT_WARNINGS_SHOWN:
        rest = len(warnings) - IMPORT_WARNINGS_SHOWN
        warnings = warnings[:IMPORT_WARNINGS_SHOWN]
        warnings.append(
            ngettext(
                "En nog %(count)s project buiten de grenzen van het bestand.",
                "En nog %(count)s projecten buiten de grenzen van het bestand.",
                rest,
            )
            % {"count": rest}
        )
    return tuple(warnings)


def _euros(value) -> str:
    """An amount for a message: grouped the local way, no decimals when whole."""
    whole = int(value) == value
    return number_format(
        int(value) if whole else float(value), 0 if whole else 2, force_grouping=True
    )


def _import_leftover(process: Process, election) -> tuple[bool, tuple[str, ...]]:
    """Whether the imported vote pays part of a project with the money left (Amsterdam's
    ``leftover_budget`` "Partially fund one additional project"; a file that does not
    say so keeps the process's own setting), and a warning when the file asks for it but
    the process's counting rule does not do it (Equal Shares, Phragmén): the process
    keeps its rule, the vote is read, and staff are told.

    The other Amsterdam value ("Fund additional projects that fit within leftover
    budget") needs no setting of its own: it is about caps, which the import does not
    read, and greedy without caps already funds every further project that fits. But it
    does say the vote paid no project in part, so a process that would is set not to
    (with a warning): once there are ballots its setting cannot change, and the count
    would fund a project the file's own count does not (Amsterdam 287: 36908)."""
    from stadhuis.participation import counting

    if election.leftover and not election.leftover_partial:
        if not process.leftover_partial:
            return False, ()
        return False, (
            _(
                "Het bestand betaalt met het geld dat overblijft geen deel van een project "
                "(leftover_budget). Daarom betaalt dit proces dat nu ook niet. Zo telt het "
                "hetzelfde als het bestand."
            ),
        )
    if not election.leftover_partial:
        return process.leftover_partial, ()  # the file says nothing: the process's own
    if process.counting_rule in counting.PARTIAL_RULES:
        return True, ()
    rule = counting.RULES.get(process.counting_rule, process.counting_rule) or "-"
    return False, (
        _(
            "Het bestand betaalt met het geld dat overblijft een deel van één project extra "
            "(leftover_budget). Dat doet alleen de telregel 'Meeste stemmen'. Dit proces "
            "telt met: %(rule)s. Daarom is dit niet overgenomen. Wilt u het wel? Lees het "
            "bestand dan in bij een proces met de telregel 'Meeste stemmen'."
        )
        % {"rule": rule},
    )


def budget_import_pabulib(*, actor: Actor, process: Process, text: str) -> PabulibImport:
    """Load the projects and ballots of a Pabulib ``.pb`` file into an empty citizens'
    budget (staff), for example to count or publish an election held elsewhere.

    The projects become feasible projects; the ballots are stored like paper ballots,
    entered by the staff member, each under a fresh random receipt that nobody holds.
    The file's voter ids are not kept. Returns the number of ballots and warnings about
    projects outside the file's own cost limits.
    """
    from stadhuis.participation import counting

    require_role(actor, Role.ADMINISTRATOR)
    if process.kind != ProcessKind.BUDGET:
        raise InvalidInput(_("Dit is geen burgerbegroting."))
    if process.projects.exists() or process.ballots.exists() or process.roll.exists():
        raise InvalidInput(
            _("Importeren kan alleen in een burgerbegroting zonder projecten en stemmen.")
        )
    try:
        election = counting.parse_text(text)
    except counting.PabulibError as exc:
        reason = counting.describe_error(exc)
        if exc.line:
            message = _("Dit is geen geldig Pabulib-bestand. Regel %(line)s: %(reason)s") % {
                "line": exc.line,
                "reason": reason,
            }
        else:
            message = _("Dit is geen geldig Pabulib-bestand: %(reason)s") % {"reason": reason}
        raise InvalidInput(message, field="file") from exc
    ballot_type = _BALLOT_TYPES.get(election.vote_type)
    if ballot_type is None:
        raise InvalidInput(_("Dit soort stembiljet kunnen we niet importeren."), field="file")
    for project in election.projects.values():
        if len(project.id) > 20 or int(project.cost) != project.cost or project.cost < 0:
            raise InvalidInput(
                _("Project %(id)s heeft een te lange code of geen bedrag in hele euro's.")
                % {"id": project.id[:40]},
                field="file",
            )
    budget = election.budget
    if int(budget) != budget or budget <= 0:
        raise InvalidInput(
            _("Het budget in het bestand is geen bedrag in hele euro's."), field="file"
        )
    for key, value in (
        ("min_length", election.min_length),
        ("max_length", election.max_length),
        ("max_sum_points", election.max_sum_points),
    ):
        if value is not None and value > IMPORT_MAX_COUNT:
            raise InvalidInput(
                _("%(key)s in het bestand is te groot: hoogstens %(max)s.")
                % {"key": key, "max": IMPORT_MAX_COUNT},
                field="file",
            )
    partial, partial_warning = _import_leftover(process, election)
    settings_from_file = {
        "budget": int(budget),
        "ballot_type": ballot_type,
        "ballot_min": election.min_length or 0,
        "ballot_max": election.max_length or 0,
        "ballot_points": election.max_sum_points or 0,
        "leftover_partial": partial,
    }
    # the process's own caps must still fit the file's budget
    _check_caps(
        kind=process.kind,
        budget=int(budget),
        scope=process.scope,
        neighbourhoods=list(process.neighbourhoods.all()),
        caps=_stored_caps(process),
    )
    now = timezone.now()
    with transaction.atomic():
        Process.objects.filter(pk=process.pk).update(
            revision=F("revision") + 1, **settings_from_file
        )
        _record_change(
            actor,
            process,
            _field_changes(
                {name: getattr(process, name) for name in settings_from_file},
                settings_from_file,
            ),
            at=now,
        )
        Project.objects.bulk_create(
            Project(
                process=process,
                code=p.id,
                title=(p.name or p.id)[:200],
                description=p.fields.get("description", "") or (p.name or p.id),
                cost=int(p.cost),
                feasibility=Feasibility.FEASIBLE,
                feasibility_reason=_("Overgenomen uit het Pabulib-bestand."),
                reviewed_at=now,
                reviewed_by_id=actor.user_id,
            )
            for p in election.projects.values()
        )
        batch = []
        for voter in election.voters:
            choices = {
                pid: int(points)
                for pid, points in voter.utility().items()
                if pid in election.projects
            }
            batch.append(
                Ballot(
                    process=process,
                    receipt_hash=receipt_hash(new_receipt()),
                    choices=choices,
                    paper=True,
                    entered_by_id=actor.user_id,
                )
            )
            if len(batch) >= IMPORT_BATCH:
                Ballot.objects.bulk_create(batch)
                batch = []
        Ballot.objects.bulk_create(batch)
        shown_changed([process.pk])
    process.refresh_from_db()
    return PabulibImport(
        ballots=len(election.voters),
        warnings=(*partial_warning, *_project_warnings(election)),
    )


# --- The resident's own reads ------------------------------------------------------------

OWN_READS = {
    "mijn-meedoen": activities.IDEAS,
    "api-ideeen": activities.IDEAS,
    "api-steun": activities.IDEAS,
    "api-antwoorden": activities.CONSULTATION,
    "api-stemmen": activities.VOTING,
    "raadpleging": activities.CONSULTATION,
    "stembiljet": activities.VOTING,
    "steun": activities.IDEAS,  # an idea's page reads whether I support it
    "handtekening": activities.FUNDS,  # an application's page reads whether I signed
}


# Under which activity a process page works out whether the resident may take part.
ELIGIBILITY_ACTIVITY = {
    ProcessKind.CROWDSOURCING: activities.IDEAS,
    ProcessKind.CONSULTATION: activities.CONSULTATION,
    ProcessKind.BUDGET: activities.VOTING,
    ProcessKind.FUND: activities.FUNDS,
    ProcessKind.CHALLENGE: activities.FUNDS,
}


def eligibility_shown(*, actor: Actor, resident, process: Process) -> eligibility.Eligibility:
    """A logged-in resident opens a process page, which tells them whether they may take
    part: worked out from their postcode and birth date (BRP), so logged as their own
    read (object type ``deelname``), as the page's answer uses their data."""
    _require_resident(actor)
    result = eligibility.check(process, resident)
    with transaction.atomic():
        _log(
            actor,
            ELIGIBILITY_ACTIVITY[process.kind],
            Action.READ,
            [actor.subject],
            "deelname",
            process.public_id,
        )
    return result


def participation_open_for_resident(
    *, actor: Actor, part: str, process: Process | None = None, about=None
):
    """The resident opens a page with their own participation data: logged as their own
    read (they see it in the dossier), as a case page is. ``about``: the idea or
    application the page is about, when it is not the whole process."""
    _require_resident(actor)
    target = about if about is not None else process
    with transaction.atomic():
        _log(
            actor,
            OWN_READS[part],
            Action.READ,
            [actor.subject],
            part,
            target.public_id if target is not None else "",
        )


def staff_queue_open(*, actor: Actor, reports, answers, applications) -> None:
    """A moderator opens the work list: the reports (each tied to its reporter, and the
    reported idea or comment, shown there, to its author), the open answers (to who gave
    them) and the applications shown are logged as reads, as a case handler's opening of
    a case is."""
    require_role(actor, *STAFF_ROLES)
    reported = {r.reporter for r in reports} | {
        (r.idea or r.comment).author for r in reports if r.idea or r.comment
    }
    shown = [
        (activities.MODERATION, "melding", reported),
        (activities.CONSULTATION, "antwoord", {a.response.subject for a in answers}),
        (activities.FUNDS, "aanvraag", {a.applicant for a in applications}),
    ]
    with transaction.atomic():
        for activity, kind, subjects in shown:
            if subjects:
                _log(actor, activity, Action.READ, sorted(subjects), kind, "werklijst")
