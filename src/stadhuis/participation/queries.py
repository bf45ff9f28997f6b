"""Reads of participation for pages and API, with their joins in one place.

Public reads show only published processes and visible ideas and comments; a
resident's own reads are narrowed to their pseudonym here, so a view cannot forget it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count as DbCount
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from stadhuis.core import shared
from stadhuis.participation.models import (
    AbuseReport,
    Answer,
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
    Neighbourhood,
    OpenAnswerStatus,
    Phase,
    PhaseKind,
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
from stadhuis.participation.services import normalise_receipt, receipt_hash

_PHASES = Prefetch("phases", queryset=Phase.objects.order_by("starts_at"), to_attr="phase_list")


def public_processes() -> QuerySet[Process]:
    """Published processes, newest first, with their phases (two queries)."""
    return (
        Process.objects.filter(is_published=True)
        .prefetch_related(_PHASES)
        .order_by("-created_at", "-id")
    )


def public_process(public_id) -> Process | None:
    """A published process with its phases and neighbourhoods; ``changed_at`` is when
    staff last changed it while it was public (None: never), for "Gewijzigd op"."""
    return (
        Process.objects.filter(is_published=True, public_id=public_id)
        .annotate(
            changed_at=Subquery(
                ProcessChange.objects.filter(process=OuterRef("pk"), published=True)
                .order_by("-at")
                .values("at")[:1]
            )
        )
        .prefetch_related(_PHASES, "neighbourhoods")
        .first()
    )


def shown_process(request, public_id) -> Process | None:
    """``public_process`` for a process page: for a ``SHARED_KINDS`` process kept while
    its version holds (``shared.kept``), so its page fetches it once per change."""
    found = shared_key(request, public_id, "process")
    if found is None:
        return public_process(public_id)
    what, number = found
    return shared.kept(what, number, lambda: public_process(public_id))


# Processes whose page is mostly a public list (ideas, projects): one rendering of it,
# and of the API's idea list, serves every anonymous visitor until the process changes.
SHARED_KINDS = (ProcessKind.CROWDSOURCING, ProcessKind.BUDGET)


def shown_version(public_id) -> int | None:
    """The version of what the public sees of a published process of a ``SHARED_KINDS``
    kind (``ProcessVersion``); None for any other.

    The one query of every shared answer (``core.shared``), so written out: building
    it through the ORM cost more CPU than the rest of such an answer together."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.number, p.kind FROM {ProcessVersion._meta.db_table} v"  # noqa: S608
            f" JOIN {Process._meta.db_table} p ON p.id = v.process_id"
            " WHERE p.public_id = %s AND p.is_published",
            [Process._meta.get_field("public_id").get_db_prep_value(public_id, connection)],
        )
        row = cursor.fetchone()
    return row[0] if row is not None and row[1] in SHARED_KINDS else None


def shared_key(request, public_id, what: str) -> tuple[tuple, int] | None:
    """The key of a shared answer or part (``core.shared``) about this process for this
    ``request``: ``what`` it shows, and the version of its data (``shared.version``)."""
    number = shared.version(str(public_id), lambda: shown_version(public_id), request)
    return None if number is None else ((what, public_id), number)


def staff_processes() -> QuerySet[Process]:
    """Every process, also unpublished ones (staff pages)."""
    return Process.objects.order_by("-created_at", "-id")


def process_caps(process: Process) -> dict[str, int]:
    """Neighbourhood code -> the most the budget may spend there."""
    return dict(process.caps.values_list("neighbourhood__code", "amount"))


# --- The history of a process (staff) -------------------------------------------------


@dataclass(frozen=True)
class ChangedField:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: object
    by: str
    fields: list[ChangedField]


def _field_labels() -> dict[str, str]:
    return {
        "title": _("Titel"),
        "question": _("Vraag aan inwoners (B1)"),
        "description": _("Uitleg"),
        "criteria": _("Criteria waarop de gemeente beoordeelt"),
        "budget": _("Budget (euro)"),
        "ballot_type": _("Soort stembiljet"),
        "ballot_min": _("Minimaal aantal projecten"),
        "ballot_max": _("Maximaal aantal projecten"),
        "ballot_points": _("Te verdelen punten"),
        "counting_rule": _("Telregel"),
        "leftover_partial": _("Geld dat overblijft betaalt een deel van het volgende project"),
        "caps": _("Maximum per buurt"),
        "scope": _("Gebied"),
        "neighbourhoods": _("Buurten"),
        "min_age": _("Minimumleeftijd"),
        "must_live_in_area": _("Alleen voor bewoners van het gebied"),
    }


def euros(amount) -> str:
    return "€ " + formats.number_format(amount, 0, force_grouping=True)


def _moment(value: str, *, end: bool = False) -> str:
    """A phase's begin or end as staff entered it: the day, and the time when it is not
    midnight (a vote closed at 14:32). An end at midnight shows the day before (its
    last day), as the phase pages do."""
    moment = timezone.localtime(dt.datetime.fromisoformat(value))
    if moment.time() == dt.time():
        if end:
            moment -= dt.timedelta(days=1)
        return formats.date_format(moment, "j F Y")
    return formats.date_format(moment, "j F Y H:i")


def _shown(name: str, value, names: dict[str, str]) -> str:
    """A value from the history in words (``services._field_changes`` stores it short)."""
    from stadhuis.participation import tally

    if value is None or value == "" or value == [] or value == {}:
        return "-"
    if name.startswith("phase:"):
        return f"{_moment(value[0])} – {_moment(value[1], end=True)}"
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if name == "budget":
        return euros(value)
    if value == 0 and name in ("ballot_max", "min_age"):  # 0 is none, as the page says
        return _("geen maximum") if name == "ballot_max" else _("geen")
    if name == "ballot_type":
        return BallotType(value).label if value in BallotType.values else value
    if name == "scope":
        return Scope(value).label if value in Scope.values else value
    if name == "counting_rule":
        return tally.rules().get(value, value)
    if name == "neighbourhoods":
        return ", ".join(names.get(code, code) for code in value)
    if name == "caps":
        return ", ".join(
            f"{names.get(code, code)} {euros(amount)}" for code, amount in value.items()
        )
    return str(value)


def process_history(process: Process) -> list[HistoryEntry]:
    """The changes of a process, newest first, in words (two queries)."""
    rows = list(
        ProcessChange.objects.filter(process=process)
        .select_related("changed_by")
        .order_by("-at", "-id")
    )
    codes = set()
    for row in rows:
        for change in row.changes:
            if change["field"] == "neighbourhoods":
                codes.update(change["old"] or (), change["new"] or ())
            elif change["field"] == "caps":
                codes.update(change["old"] or {}, change["new"] or {})
    names = (
        dict(Neighbourhood.objects.filter(code__in=codes).values_list("code", "name"))
        if codes
        else {}
    )
    labels = _field_labels()
    entries = []
    for row in rows:
        fields = []
        for change in row.changes:
            name = change["field"]
            if name.startswith("phase:"):
                kind = name.split(":", 1)[1]
                label = _("Fase %(phase)s") % {
                    "phase": PhaseKind(kind).label if kind in PhaseKind.values else kind
                }
            else:
                label = labels.get(name, name)
            fields.append(
                ChangedField(
                    label, _shown(name, change["old"], names), _shown(name, change["new"], names)
                )
            )
        user = row.changed_by
        entries.append(HistoryEntry(row.at, user.get_full_name() or user.username, fields))
    return entries


def neighbourhoods() -> list[Neighbourhood]:
    return list(Neighbourhood.objects.order_by("district", "name"))


def process_by_id(public_id) -> Process | None:
    """Any process, published or not (staff pages)."""
    return Process.objects.filter(public_id=public_id).prefetch_related(_PHASES).first()


IDEA_SORTS = {"nieuw": ("-created_at", "-id"), "steun": ("-supports", "-id")}
# What a public list shows of an idea (never its author): fewer columns to fetch and
# build, for pages and the API alike.
_LIST_FIELDS = (
    "public_id",
    "title",
    "body",
    "location",
    "supports",
    "created_at",
    "neighbourhood__name",
)


def public_ideas(
    process: Process, *, sort: str = "nieuw", neighbourhood: str = "", search: str = ""
) -> QuerySet[Idea]:
    """The visible ideas of a process, with filters; one query.

    Sorted as ``IDEA_SORTS`` says: the indexes ``idea_list_new`` and
    ``idea_list_popular`` serve both orders. A search term matches anywhere in the
    title or text, case-insensitive (``icontains``); on PostgreSQL the trigram indexes
    of migration 0003 serve it, so a rare or absent word does not read every idea.
    """
    ideas = (
        Idea.objects.filter(process=process, visibility=Visibility.PUBLISHED)
        .select_related("neighbourhood")
        .only(*_LIST_FIELDS)
    )
    if neighbourhood:
        ideas = ideas.filter(neighbourhood__code=neighbourhood)
    if search:
        ideas = ideas.filter(Q(title__icontains=search) | Q(body__icontains=search))
    return ideas.order_by(*IDEA_SORTS.get(sort, IDEA_SORTS["nieuw"]))


def public_idea(public_id) -> Idea | None:
    """A visible idea of a published process with its visible comment threads."""
    comments = Comment.objects.filter(visibility=Visibility.PUBLISHED).order_by("created_at", "id")
    return (
        Idea.objects.filter(
            public_id=public_id, visibility=Visibility.PUBLISHED, process__is_published=True
        )
        .select_related("process", "neighbourhood")
        .prefetch_related(
            Prefetch(
                "process__phases",
                queryset=Phase.objects.order_by("starts_at"),
                to_attr="phase_list",
            ),
            Prefetch("comments", queryset=comments, to_attr="visible_comments"),
        )
        .first()
    )


def threads(idea: Idea) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments with their replies (replies to replies join their thread)."""
    comments = idea.visible_comments
    by_id = {c.pk: c for c in comments}
    roots: dict[int, list[Comment]] = {}
    order: list[Comment] = []

    def root_of(comment: Comment) -> Comment | None:
        seen = 0
        while comment.parent_id is not None and seen < 50:
            parent = by_id.get(comment.parent_id)
            if parent is None:
                return None  # a reply to a hidden comment is not shown
            comment, seen = parent, seen + 1
        return comment

    for comment in comments:
        root = root_of(comment)
        if root is None:
            continue
        if root is comment:
            roots[comment.pk] = []
            order.append(comment)
        else:
            roots.setdefault(root.pk, []).append(comment)
    return [(c, roots.get(c.pk, [])) for c in order]


def has_supported(idea: Idea, subject: str) -> bool:
    return bool(subject) and Support.objects.filter(idea=idea, subject=subject).exists()


# --- Similar ideas ---------------------------------------------------------------------

_WORD = re.compile(r"\w{3,}", re.UNICODE)
STOPWORDS = frozenset(
    [
        "aan",
        "als",
        "bij",
        "dat",
        "de",
        "den",
        "der",
        "des",
        "die",
        "dit",
        "door",
        "een",
        "en",
        "er",
        "het",
        "hier",
        "hij",
        "hoe",
        "ik",
        "in",
        "is",
        "je",
        "kan",
        "maar",
        "meer",
        "met",
        "mij",
        "naar",
        "niet",
        "nog",
        "nu",
        "of",
        "om",
        "ook",
        "op",
        "over",
        "te",
        "tot",
        "uit",
        "van",
        "veel",
        "voor",
        "was",
        "wat",
        "we",
        "wel",
        "wij",
        "wordt",
        "zijn",
        "zo",
        "zou",
        "the",
        "and",
        "for",
        "with",
        "this",
        "that",
        "are",
    ]
)
SIMILAR_LIMIT = 5
SIMILAR_SCAN = 2000  # the portable fallback compares with the newest ideas only


def tokens(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS}


def similarity(a: set[str], b: set[str]) -> float:
    """Overlap of two token sets (Jaccard), 0 to 1."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similar_ideas(process: Process, text: str, *, limit: int = SIMILAR_LIMIT) -> list[Idea]:
    """Visible ideas of the process that look like ``text``, most alike first.

    PostgreSQL ranks with its Dutch full-text search (any of the words); other
    databases compare word sets of the newest ideas in Python.
    """
    words = tokens(text)
    if not words:
        return []
    base = Idea.objects.filter(process=process, visibility=Visibility.PUBLISHED).only(
        "public_id", "title", "body", "supports"
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        query = None
        for word in sorted(words)[:30]:
            part = SearchQuery(word, config="dutch")
            query = part if query is None else query | part
        vector = SearchVector("title", weight="A", config="dutch") + SearchVector(
            "body", weight="B", config="dutch"
        )
        return list(
            base.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0.01)
            .order_by("-rank", "-id")[:limit]
        )
    scored = []
    for idea in base.order_by("-created_at", "-id")[:SIMILAR_SCAN]:
        score = similarity(words, tokens(f"{idea.title} {idea.body}"))
        if score >= 0.1:
            scored.append((score, idea.pk, idea))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [idea for _score, _pk, idea in scored[:limit]]


# --- A resident's own things -------------------------------------------------------------


def my_ideas(subject: str) -> QuerySet[Idea]:
    """Every idea of this resident, also hidden or rejected ones (with the reason)."""
    if not subject:
        return Idea.objects.none()
    return (
        Idea.objects.filter(author=subject).select_related("process").order_by("-created_at", "-id")
    )


def my_supports(subject: str) -> QuerySet[Support]:
    """The ideas this resident supports, newest support first."""
    if not subject:
        return Support.objects.none()
    return (
        Support.objects.filter(subject=subject)
        .select_related("idea__process")
        .order_by("-created_at", "-id")
    )


def my_votes(subject: str) -> QuerySet[VoterRollEntry]:
    """The votes this resident cast: that and when, never what."""
    if not subject:
        return VoterRollEntry.objects.none()
    return (
        VoterRollEntry.objects.filter(subject=subject)
        .select_related("process")
        .order_by("-voted_at", "-id")
    )


def my_responses(subject: str, *, with_answers: bool = False) -> QuerySet[Response]:
    if not subject:
        return Response.objects.none()
    responses = (
        Response.objects.filter(subject=subject).select_related("process").order_by("-updated_at")
    )
    return responses.prefetch_related("answers__question") if with_answers else responses


def my_applications(subject: str) -> QuerySet[FundApplication]:
    if not subject:
        return FundApplication.objects.none()
    return (
        FundApplication.objects.filter(applicant=subject)
        .select_related("process")
        .order_by("-created_at", "-id")
    )


def my_response(process: Process, subject: str) -> Response | None:
    if not subject:
        return None
    return (
        Response.objects.filter(process=process, subject=subject)
        .prefetch_related("answers")
        .first()
    )


def my_roll_entry(process: Process, subject: str) -> VoterRollEntry | None:
    if not subject:
        return None
    return VoterRollEntry.objects.filter(process=process, subject=subject).first()


# --- Consultations ----------------------------------------------------------------------


def questions(process: Process) -> list[Question]:
    return list(process.questions.order_by("order"))


@dataclass
class QuestionResult:
    question: Question
    counts: list[tuple[str, int]] = field(default_factory=list)  # choice -> count
    average: float | None = None
    open_answers: list[str] = field(default_factory=list)
    answered: int = 0


def consultation_results(process: Process) -> list[QuestionResult]:
    """Counts per choice (rankings: Borda points), scale averages, approved open answers.

    Two queries however many responses there are.
    """
    questions_ = questions(process)
    results = {q.pk: QuestionResult(q) for q in questions_}
    tallies: dict[int, Counter] = defaultdict(Counter)
    scale: dict[int, list[int]] = defaultdict(list)
    answers = Answer.objects.filter(response__process=process).values_list(
        "question_id", "value", "open_status"
    )
    for question_id, value, status in answers.iterator():
        result = results.get(question_id)
        if result is None:
            continue
        result.answered += 1
        kind = result.question.kind
        if kind == QuestionKind.SINGLE:
            tallies[question_id][value] += 1
        elif kind == QuestionKind.MULTIPLE:
            tallies[question_id].update(value)
        elif kind == QuestionKind.RANKING:
            size = len(value)
            for place, choice in enumerate(value):
                tallies[question_id][choice] += size - place
        elif kind == QuestionKind.SCALE:
            scale[question_id].append(int(value))
        elif status == OpenAnswerStatus.APPROVED:
            result.open_answers.append(value)
    for question in questions_:
        result = results[question.pk]
        if question.choices:
            counts = tallies[question.pk]
            result.counts = [(choice, counts.get(choice, 0)) for choice in question.choices]
            if question.kind == QuestionKind.RANKING:
                result.counts.sort(key=lambda item: -item[1])
        if scale[question.pk]:
            result.average = round(sum(scale[question.pk]) / len(scale[question.pk]), 1)
    return [results[q.pk] for q in questions_]


def published_consultation_results(process: Process) -> list[QuestionResult] | None:
    """The results of a consultation, or None while answering is still open: counts are
    published only once the ideas phase (answering) has closed, so they cannot steer
    the answers."""
    phases = getattr(process, "phase_list", None)
    if phases is None:
        phases = list(process.phases.all())
    answering = next((p for p in phases if p.kind == PhaseKind.IDEAS), None)
    if answering is not None and timezone.now() < answering.ends_at:
        return None
    return consultation_results(process)


def pending_open_answers() -> QuerySet[Answer]:
    return (
        Answer.objects.filter(open_status=OpenAnswerStatus.PENDING)
        .select_related("question", "question__process", "response")
        .order_by("id")
    )


# --- Budget ----------------------------------------------------------------------------------


def ballot_projects(process: Process) -> list[Project]:
    """The projects on the ballot: feasible ones, by title."""
    return list(
        Project.objects.filter(process=process, feasibility=Feasibility.FEASIBLE)
        .select_related("neighbourhood")
        .order_by("title", "id")
    )


def process_projects(process: Process) -> QuerySet[Project]:
    """All projects of a process with their review, for the public list."""
    return (
        Project.objects.filter(process=process)
        .select_related("neighbourhood", "idea")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("at", "id")))
        .order_by("title", "id")
    )


def public_project(public_id) -> Project | None:
    return (
        Project.objects.filter(public_id=public_id, process__is_published=True)
        .select_related("process", "neighbourhood")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("at", "id")))
        .first()
    )


def receipt_counted(process: Process, receipt: str) -> bool:
    """Is a ballot with this receipt in the count? (It says nothing about what it holds.)"""
    receipt = normalise_receipt(receipt)
    return (
        bool(receipt)
        and Ballot.objects.filter(process=process, receipt_hash=receipt_hash(receipt)).exists()
    )


def published_count(process: Process) -> Count | None:
    return Count.objects.filter(process=process, is_published=True, status=CountStatus.DONE).first()


def latest_count(process: Process) -> Count | None:
    return Count.objects.filter(process=process).order_by("-requested_at", "-id").first()


def turnout(process: Process) -> int:
    return VoterRollEntry.objects.filter(process=process).count()


# --- Funds ---------------------------------------------------------------------------------


def public_applications(process: Process) -> QuerySet[FundApplication]:
    """Applications of a process with their number of signatures; decisions are public."""
    return (
        FundApplication.objects.filter(process=process)
        .select_related("neighbourhood")
        .annotate(signature_count=DbCount("signatures"))
        .order_by("-created_at", "-id")
    )


def public_application(public_id) -> FundApplication | None:
    return (
        FundApplication.objects.filter(public_id=public_id, process__is_published=True)
        .select_related("process", "neighbourhood")
        .annotate(signature_count=DbCount("signatures"))
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("at", "id")))
        .first()
    )


def has_signed(application: FundApplication, subject: str) -> bool:
    return (
        bool(subject)
        and Signature.objects.filter(application=application, subject=subject).exists()
    )


def pending_applications() -> QuerySet[FundApplication]:
    return (
        FundApplication.objects.filter(decision=Decision.PENDING)
        .select_related("process")
        .annotate(signature_count=DbCount("signatures"))
        .order_by("created_at", "id")
    )


# --- Moderation (staff) ----------------------------------------------------------------------


def open_reports() -> QuerySet[AbuseReport]:
    return (
        AbuseReport.objects.filter(handled_at__isnull=True)
        .select_related("idea", "comment", "comment__idea")
        .order_by("created_at", "id")
    )


def projects_to_review() -> QuerySet[Project]:
    return (
        Project.objects.filter(feasibility=Feasibility.PENDING)
        .select_related("process")
        .order_by("created_at", "id")
    )


def ideas_for_staff(process: Process) -> QuerySet[Idea]:
    return (
        Idea.objects.filter(process=process).select_related("project").order_by("-supports", "-id")
    )


# --- Single things by their public id, also hidden ones (staff pages) ------------------------


def staff_idea(public_id) -> Idea | None:
    return Idea.objects.filter(public_id=public_id).select_related("process").first()


def staff_comment(public_id) -> Comment | None:
    return Comment.objects.filter(public_id=public_id).first()


def staff_answer(public_id) -> Answer | None:
    return Answer.objects.filter(public_id=public_id).select_related("question", "response").first()


def staff_project(public_id) -> Project | None:
    return Project.objects.filter(public_id=public_id).select_related("process").first()


def staff_application(public_id) -> FundApplication | None:
    return FundApplication.objects.filter(public_id=public_id).select_related("process").first()


def staff_count(public_id) -> Count | None:
    return Count.objects.filter(public_id=public_id).select_related("process").first()
