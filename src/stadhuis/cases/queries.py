"""Reads of track & trace for the resident's pages, with their joins in one place.

Authorization filters live here too: a resident's reads are always narrowed to the
cases whose ``subject`` is their own pseudonym, so a view cannot forget it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from stadhuis.cases.models import (
    Case,
    CaseDocument,
    CaseKind,
    CaseMessage,
    CaseStatus,
    CaseType,
    Feedback,
)
from stadhuis.cases.services import REOPEN_WINDOW


def published_case_types() -> QuerySet[CaseType]:
    """The catalogue: the current, published version of every case type."""
    return CaseType.objects.filter(is_current=True, published_at__isnull=False).order_by("name")


def published_case_type(code: str) -> CaseType | None:
    return published_case_types().filter(code=code).first()


def resident_cases(subject: str) -> QuerySet[Case]:
    """All cases of one resident, newest first, with what the list shows (one query)."""
    if not subject:
        return Case.objects.none()
    return (
        Case.objects.filter(subject=subject)
        .select_related("case_type", "status", "result")
        .only(
            "reference",
            "created_at",
            "received_on",
            "deadline",
            "closed_at",
            "suspended_since",
            "extended",
            "case_type__name",
            "case_type__kind",
            "status__name",
            "result__name",
        )
        .order_by("-created_at", "-id")
    )


def _timeline() -> Prefetch:
    return Prefetch(
        "statuses",
        queryset=CaseStatus.objects.select_related("status_type").order_by("set_at", "id"),
        to_attr="timeline",
    )


def resident_case(subject: str, reference: str) -> Case | None:
    """One case of this resident with its timeline, messages, documents and feedback."""
    if not subject:
        return None
    return (
        Case.objects.filter(subject=subject, reference=reference)
        .select_related("case_type", "status", "result", "escalation")
        .prefetch_related(
            _timeline(),
            Prefetch("messages", queryset=CaseMessage.objects.order_by("at", "id")),
            Prefetch("documents", queryset=CaseDocument.objects.order_by("at", "id")),
            Prefetch("feedback", queryset=Feedback.objects.order_by("at")),
        )
        .first()
    )


def case_with_timeline(case: Case) -> Case:
    """Add the timeline to a case found by the anonymous look-up (nothing else)."""
    case.timeline = list(
        CaseStatus.objects.filter(case=case).select_related("status_type").order_by("set_at", "id")
    )
    return case


def resident_document(subject: str, reference: str, public_id) -> CaseDocument | None:
    """A document, only when it belongs to a case of this resident."""
    if not subject:
        return None
    return (
        CaseDocument.objects.filter(
            public_id=public_id, case__reference=reference, case__subject=subject
        )
        .only("file", "original_name", "content_type", "size")
        .first()
    )


@dataclass(frozen=True)
class ResidentActions:
    """What the owner can do with the case right now (the services check it again)."""

    reply: bool
    add_document: bool
    withdraw: bool
    feedback: bool
    can_reopen: bool  # unhappy feedback now would reopen it
    escalate: bool
    overdue: bool


def resident_actions(case: Case, *, today: dt.date | None = None) -> ResidentActions:
    today = today or timezone.localdate()
    now = timezone.now()
    is_open = case.is_open
    overdue = is_open and today > case.deadline
    is_complaint = case.case_type.kind == CaseKind.COMPLAINT
    return ResidentActions(
        reply=is_open,
        add_document=is_open,
        withdraw=is_open,
        feedback=not is_open,
        can_reopen=(
            not is_open
            and case.case_type.kind == CaseKind.REPORT
            and now - case.closed_at <= REOPEN_WINDOW
        ),
        escalate=is_complaint and not case.escalated and (not is_open or overdue),
        overdue=overdue,
    )
