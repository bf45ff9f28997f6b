"""Reads for staff pages (work queue, case page, ombudsman) and the public figures.

The work queue is keyset-paginated on ``(deadline, id)``: each page is one range query
on the ``case_queue`` / ``case_queue_mine`` indexes, however deep one pages (no OFFSET).
The cursor mirrors ``api.pagination`` (which sits in a higher layer, so it is not
imported): url-safe base64 of the last row's sort key, opaque but not secret.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadhuis.accounts.models import User
from stadhuis.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseKind,
    CaseMessage,
    CaseStatus,
    CaseType,
    Escalation,
    InternalNote,
    StatusType,
)
from stadhuis.cases.services import normalise_reference
from stadhuis.core.context import Actor
from stadhuis.core.roles import Role

PAGE_SIZE = 25
MAX_CURSOR_LENGTH = 200


class Scope:
    DEPARTMENT = "afdeling"
    MINE = "mij"
    UNASSIGNED = "niet-toegewezen"

    CHOICES = [
        (DEPARTMENT, _("Mijn afdeling")),
        (MINE, _("Toegewezen aan mij")),
        (UNASSIGNED, _("Niet toegewezen")),
    ]


# --- Cursor (keyset) --------------------------------------------------------------------


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.date) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[type, ...]) -> list[Any] | None:
    """The key values in ``cursor`` as ``kinds`` (date, datetime or int); None if invalid."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(kinds):
            return None
        converted = []
        for kind, value in zip(kinds, values, strict=True):
            if kind is int:
                if not isinstance(value, int) or not 0 <= value < 2**63:
                    return None
                converted.append(value)
            elif kind is dt.datetime:
                moment = dt.datetime.fromisoformat(value)
                if moment.tzinfo is None or not 1900 <= moment.year <= 9998:
                    return None
                converted.append(moment.astimezone(dt.UTC))
            else:
                converted.append(dt.date.fromisoformat(value))
        return converted
    except (binascii.Error, ValueError, TypeError, OverflowError):
        return None


@dataclass
class Page:
    rows: list
    next_cursor: str | None = None


def _keyset(queryset: QuerySet, keys: tuple[str, str], cursor: str | None, kinds, size: int):
    """One page after ``cursor``, ordered by two keys (the last one unique, ascending
    unless prefixed with "-")."""
    first, last = keys
    queryset = queryset.order_by(*keys)
    values = decode_cursor(cursor, kinds) if cursor else None
    if values is not None:
        a, b = (k.lstrip("-") for k in keys)
        op_a = "lt" if first.startswith("-") else "gt"
        op_b = "lt" if last.startswith("-") else "gt"
        queryset = queryset.filter(
            Q(**{f"{a}__{op_a}": values[0]}) | Q(**{a: values[0], f"{b}__{op_b}": values[1]})
        )
    rows = list(queryset[: size + 1])
    if len(rows) <= size:
        return Page(rows)
    rows = rows[:size]
    tail = rows[-1]
    return Page(rows, encode_cursor([getattr(tail, k.lstrip("-")) for k in keys]))


# --- Work queue ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    scope: str = Scope.DEPARTMENT
    case_type: str = ""  # case type code (all versions)
    status: str = ""  # status code
    overdue: bool = False
    q: str = ""


def work_queue(
    *, actor: Actor, filters: QueueFilter, cursor: str | None = None, size: int = PAGE_SIZE
) -> Page:
    """Open cases for a case handler, by deadline then id: one query per page."""
    return _keyset(
        work_queue_cases(actor, filters), ("deadline", "id"), cursor, (dt.date, int), size
    )


def work_queue_cases(actor: Actor, filters: QueueFilter) -> QuerySet:
    """The queue's rows, unordered and unpaginated (``work_queue`` pages them)."""
    cases = Case.objects.filter(closed_at__isnull=True)
    if filters.scope == Scope.MINE:
        cases = cases.filter(assignee_id=actor.user_id)  # index case_queue_mine
    elif filters.scope == Scope.UNASSIGNED:
        cases = cases.filter(department=actor.unit, assignee__isnull=True)
    else:
        cases = cases.filter(department=actor.unit)  # index case_queue
    if filters.case_type:
        cases = cases.filter(case_type__code=filters.case_type)
    if filters.status:
        cases = cases.filter(status__code=filters.status)
    if filters.overdue:
        cases = cases.filter(deadline__lt=timezone.localdate())
    text = filters.q.strip()
    if text:
        reference = normalise_reference(text)
        if reference:
            cases = cases.filter(reference=reference)
        else:
            cases = cases.filter(description__icontains=text)
    cases = cases.select_related("case_type", "status", "assignee").only(
        "reference",
        "deadline",
        "suspended_since",
        "extended",
        "escalated",
        "received_on",
        "case_type__name",
        "case_type__version",
        "status__name",
        "status__code",
        "assignee__username",
        "assignee__first_name",
        "assignee__last_name",
    )
    return cases


# The filter's options (case types, status codes) are cached per process for at most
# OPTIONS_TTL seconds, and dropped at once in the process that saves or deletes a case
# type or status type. They only fill the form's choices; the queue itself always
# filters in the database by code. A code missing from a stale list is not refused:
# the view then reads the options afresh (``fresh=True``). A stale list can therefore
# only show an outdated option list, never give a wrong result.
OPTIONS_TTL = 60.0
_options: dict[str, tuple[float, list[tuple[str, str]]]] = {}
_options_lock = threading.Lock()


def _cached_options(
    key: str, load: Callable[[], list[tuple[str, str]]], fresh: bool
) -> list[tuple[str, str]]:
    now = time.monotonic()
    hit = _options.get(key)
    if not fresh and hit is not None and now - hit[0] < OPTIONS_TTL:
        return hit[1]
    value = load()
    with _options_lock:
        _options[key] = (now, value)
    return value


def forget_queue_options(**_kwargs) -> None:
    """Drop the cached filter options of this process (on every catalogue change)."""
    with _options_lock:
        _options.clear()


for _model in (CaseType, StatusType):
    post_save.connect(forget_queue_options, sender=_model, dispatch_uid=f"queue-{_model.__name__}")
    post_delete.connect(
        forget_queue_options, sender=_model, dispatch_uid=f"queue-del-{_model.__name__}"
    )


def _load_case_types() -> list[tuple[str, str]]:
    return list(
        CaseType.objects.filter(is_current=True).order_by("name").values_list("code", "name")
    )


def _load_status_codes() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for code, name in (
        StatusType.objects.filter(case_type__is_current=True)
        .order_by("order", "code")
        .values_list("code", "name")
    ):
        seen.setdefault(code, name)
    return list(seen.items())


def queue_case_types(*, fresh: bool = False) -> list[tuple[str, str]]:
    """(code, name) of the current case types, for the filter (cached, see above)."""
    return _cached_options("case_types", _load_case_types, fresh)


def queue_status_codes(*, fresh: bool = False) -> list[tuple[str, str]]:
    """(code, name) of the status codes in use by current case types, for the filter."""
    return _cached_options("status_codes", _load_status_codes, fresh)


# --- Case page -------------------------------------------------------------------------


def staff_case(reference: str, *, escalated_only: bool = False) -> Case | None:
    # Only the shape of a reference reaches the database (a NUL from a URL would be a
    # database error on PostgreSQL, a 500, instead of a 404).
    reference = normalise_reference(reference)
    if not reference:
        return None
    cases = Case.objects.select_related("case_type", "status", "assignee", "result")
    if escalated_only:
        cases = cases.filter(escalated=True)
    return cases.filter(reference=reference).first()


@dataclass
class CaseDetail:
    case: Case
    timeline: list[CaseStatus]
    events: list[CaseEvent]
    messages: list[CaseMessage]
    notes: list[InternalNote]
    documents: list[CaseDocument]
    escalation: Escalation | None
    next_statuses: list[StatusType] = field(default_factory=list)
    results: list = field(default_factory=list)
    colleagues: list[User] = field(default_factory=list)
    # An open access request: it is closed as answered only with the dossier's answer
    # (``ResultType.needs_answer``), so the page offers the other results only.
    answered_elsewhere: bool = False


def case_detail(case: Case) -> CaseDetail:
    """Everything the staff case page shows, in a fixed number of queries."""
    next_statuses = list(case.status.next_statuses.order_by("order")) if case.is_open else []
    results = list(case.case_type.results.all())
    answered_elsewhere = case.is_open and any(r.needs_answer for r in results)
    if answered_elsewhere:
        results = [r for r in results if not r.needs_answer]
        if not results:  # nothing a handler may close it with here
            next_statuses = [s for s in next_statuses if not s.is_final]
    return CaseDetail(
        case=case,
        timeline=list(case.statuses.select_related("status_type")),
        events=list(case.events.select_related("actor_user")),
        messages=list(case.messages.all()),
        notes=list(case.notes.select_related("author")),
        documents=list(case.documents.all()),
        escalation=Escalation.objects.filter(case=case).first() if case.escalated else None,
        next_statuses=next_statuses,
        results=results,
        colleagues=colleagues(case.department),
        answered_elsewhere=answered_elsewhere,
    )


def colleagues(department: str) -> list[User]:
    """Case handlers of ``department``: whom a case can be assigned to."""
    return list(
        User.objects.filter(
            kind=User.Kind.STAFF,
            is_active=True,
            org_unit=department,
            role_assignments__role=Role.CASE_HANDLER,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def case_document(case: Case, public_id) -> CaseDocument | None:
    return CaseDocument.objects.filter(case=case, public_id=public_id).first()


# --- Ombudsman -------------------------------------------------------------------------


def ombudsman_queue(*, pending_only: bool = False, cursor: str | None = None, size=PAGE_SIZE):
    """Escalated cases only, newest first."""
    escalations = Escalation.objects.select_related("case__case_type", "case__status")
    if pending_only:
        escalations = escalations.filter(judged_at__isnull=True)
    return _keyset(escalations, ("-escalated_at", "-id"), cursor, (dt.datetime, int), size)


# --- Public figures --------------------------------------------------------------------

SMALL_CELL = 5
YEARS_SHOWN = 5


@dataclass
class TypeFigures:
    code: str
    name: str
    opened: int = 0
    closed: int = 0
    on_time: int = 0
    median_days: float | None = None

    @property
    def on_time_share(self) -> float | None:
        return round(100 * self.on_time / self.closed) if self.closed else None


@dataclass
class OmbudsmanFigures:
    received: int = 0
    judged: int = 0
    responded: int = 0
    unhappy: int = 0
    overdue: int = 0


@dataclass
class YearFigures:
    year: int
    ombudsman: OmbudsmanFigures
    types: list[TypeFigures]


def _median(queryset: QuerySet, count: int) -> float | None:
    """Median of the annotated ``duration``: at most two rows fetched, portable SQL."""
    if not count:
        return None
    ordered = queryset.order_by("duration").values_list("duration", flat=True)
    middle = count // 2
    values = [ordered[middle]] if count % 2 else list(ordered[middle - 1 : middle + 1])
    seconds = sum(v.total_seconds() for v in values) / len(values)
    return round(seconds / 86400, 1)


def public_figures(*, years: int = YEARS_SHOWN) -> list[YearFigures]:
    """Per year (newest first): ombudsman figures and service levels per case type.

    Aggregate queries only: a fixed number per year and case type, never one per case.
    Case type versions are counted together under their code.
    """
    this_year = timezone.localdate().year
    first_year = this_year - years + 1
    start = dt.datetime(first_year, 1, 1, tzinfo=timezone.get_current_timezone())
    names = dict(CaseType.objects.filter(is_current=True).values_list("code", "name"))

    opened = (
        Case.objects.filter(created_at__gte=start)
        .annotate(year=ExtractYear("created_at"))
        .values("year", "case_type__code")
        .annotate(n=Count("pk"))
    )
    closed_cases = Case.objects.filter(closed_at__gte=start).annotate(year=ExtractYear("closed_at"))
    closed = closed_cases.values("year", "case_type__code").annotate(
        n=Count("pk"), on_time=Count("pk", filter=Q(closed_at__date__lte=F("deadline")))
    )
    escalations = (
        Escalation.objects.filter(escalated_at__gte=start)
        .annotate(year=ExtractYear("escalated_at"))
        .values("year")
        .annotate(
            received=Count("pk"),
            judged=Count("pk", filter=Q(judged_at__isnull=False)),
            responded=Count("pk", filter=Q(responded_at__isnull=False)),
            unhappy=Count("pk", filter=Q(grounds="unhappy")),
            overdue=Count("pk", filter=Q(grounds="overdue")),
        )
    )

    result = {
        year: YearFigures(year, OmbudsmanFigures(), [])
        for year in range(this_year, first_year - 1, -1)
    }
    per_type: dict[tuple[int, str], TypeFigures] = {}

    def figures(year: int, code: str) -> TypeFigures:
        key = (year, code)
        if key not in per_type:
            per_type[key] = TypeFigures(code=code, name=names.get(code, code))
        return per_type[key]

    for row in opened:
        if row["year"] in result:
            figures(row["year"], row["case_type__code"]).opened = row["n"]
    durations = closed_cases.annotate(
        duration=ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
    )
    for row in closed:
        if row["year"] not in result:
            continue
        item = figures(row["year"], row["case_type__code"])
        item.closed, item.on_time = row["n"], row["on_time"]
        if item.closed >= SMALL_CELL:  # a median of fewer cases is suppressed anyway
            item.median_days = _median(
                durations.filter(year=row["year"], case_type__code=row["case_type__code"]),
                item.closed,
            )
    for row in escalations:
        if row["year"] in result:
            result[row["year"]].ombudsman = OmbudsmanFigures(
                **{k: row[k] for k in ("received", "judged", "responded", "unhappy", "overdue")}
            )
    for (year, _code), item in sorted(per_type.items(), key=lambda kv: kv[1].name):
        result[year].types.append(item)
    # Past years without any case or escalation are left out; this year always shows.
    return [y for y in result.values() if y.year == this_year or y.types or y.ombudsman.received]


def suppress(value: int | None) -> str:
    """A count fit for publication: 1 to 4 would point at people, so it is hidden."""
    if value is None:
        return "—"
    if 0 < value < SMALL_CELL:
        return str(_("minder dan 5"))
    return str(value)


@dataclass
class PublishedYear:
    """One year's figures as published: every small cell already hidden."""

    year: int
    ombudsman: list[tuple[str, str, str]]  # (key, label, value)
    types: list[dict[str, str]]


def published_figures(*, years: int = YEARS_SHOWN) -> list[PublishedYear]:
    """The figures of ``public_figures`` with small cells (1 to 4) suppressed.

    The two grounds add up to the number received, so when exactly one of them is
    small the other is hidden too (otherwise it could be worked out by subtraction).
    Median and share are shown only when at least 5 cases were closed.
    """
    published = []
    for year in public_figures(years=years):
        o = year.ombudsman
        unhappy, overdue = suppress(o.unhappy), suppress(o.overdue)
        small = str(_("minder dan 5"))
        if (unhappy == small) != (overdue == small):
            unhappy = overdue = small
        ombudsman = [
            ("ontvangen", str(_("Klachten bij de ombudsman")), suppress(o.received)),
            ("beoordeeld", str(_("Beoordeeld door de ombudsman")), suppress(o.judged)),
            ("gereageerd", str(_("Gemeente heeft gereageerd")), suppress(o.responded)),
            ("grond-ontevreden", str(_("Reden: niet tevreden met de afhandeling")), unhappy),
            ("grond-te-laat", str(_("Reden: gemeente te laat")), overdue),
        ]
        types = []
        for item in year.types:
            enough = item.closed >= SMALL_CELL
            types.append(
                {
                    "code": item.code,
                    "name": item.name,
                    "opened": suppress(item.opened),
                    "closed": suppress(item.closed),
                    "median_days": (
                        f"{item.median_days:g}" if enough and item.median_days is not None else "—"
                    ),
                    "on_time_percent": (
                        str(item.on_time_share)
                        if enough and item.on_time_share is not None
                        else "—"
                    ),
                }
            )
        published.append(PublishedYear(year.year, ombudsman, types))
    return published


# --- Data-subject requests (the privacy officer's queue) ------------------------------

GDPR_KINDS = (
    CaseKind.ACCESS_REQUEST,
    CaseKind.CORRECTION_REQUEST,
    CaseKind.ERASURE_REQUEST,
    CaseKind.PROCESSING_OBJECTION,
)


def gdpr_requests(*, cursor: str | None = None, size: int = PAGE_SIZE) -> Page:
    """Open access, correction, erasure and objection requests, by deadline (one query)."""
    cases = (
        Case.objects.filter(closed_at__isnull=True, case_type__kind__in=GDPR_KINDS)
        .select_related("case_type", "status", "assignee")
        .only(
            "reference",
            "subject",
            "deadline",
            "received_on",
            "suspended_since",
            "extended",
            "case_type__name",
            "case_type__kind",
            "status__name",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
        )
    )
    return _keyset(cases, ("deadline", "id"), cursor, (dt.date, int), size)
