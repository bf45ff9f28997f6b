"""Reads of the privacy spine used by views and the API, with their joins in one place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery

from stadhuis.privacy.models import (
    DPIA,
    Consent,
    DPIAStatus,
    LegalBasis,
    LogBlock,
    ProcessingActivity,
    ProcessingActivityVersion,
    Processor,
)


def public_activities() -> QuerySet[ProcessingActivity]:
    """The public processing register: active activities with their current version.

    Two queries however many activities: one for activities, versions and DPIA status,
    one for the processors of all versions on the page.
    """
    latest_dpia = DPIA.objects.filter(activity=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        ProcessingActivity.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("current_version")
        .prefetch_related(
            Prefetch(
                "current_version__processors",
                queryset=Processor.objects.order_by("name"),
            )
        )
        .annotate(
            latest_dpia_status=Subquery(latest_dpia.values("status")[:1]),
            latest_dpia_review_before=Subquery(latest_dpia.values("review_before")[:1]),
        )
        .order_by("code")
    )


def public_activity(code: str) -> ProcessingActivity | None:
    """One activity of the public register, or None when unknown or inactive."""
    return public_activities().filter(code=code).first()


def dpia_status(activity: ProcessingActivity) -> DPIAStatus:
    """Where the activity's DPIA stands, from the annotation of ``public_activities``."""
    if not activity.current_version.dpia_required:
        return DPIAStatus.NOT_REQUIRED
    status = getattr(activity, "latest_dpia_status", None)
    if status is None:
        return DPIAStatus.MISSING
    return DPIAStatus(status)


def processors() -> QuerySet[Processor]:
    """Every processor with its agreement, by name."""
    return Processor.objects.order_by("name")


def log_head() -> LogBlock | None:
    """The last sealed block of the processing log (its hash anchors the whole chain)."""
    return LogBlock.objects.order_by("-number").first()


def current_versions(codes) -> dict[str, ProcessingActivityVersion]:
    """The version in force of each activity code, with its processors (two queries)."""
    versions = (
        ProcessingActivityVersion.objects.filter(
            activity__code__in=set(codes), activity__current_version=F("pk")
        )
        .select_related("activity")
        .prefetch_related(Prefetch("processors", queryset=Processor.objects.order_by("name")))
    )
    return {version.activity.code: version for version in versions}


def retention_days(codes) -> dict[str, int | None]:
    """Retention period in days of each activity in force (None: no fixed period)."""
    rows = ProcessingActivity.objects.filter(code__in=set(codes)).values_list(
        "code", "current_version__retention_days"
    )
    return dict(rows)


@dataclass(frozen=True)
class ConsentItem:
    """An optional processing (legal basis: consent) and where the resident stands."""

    activity: ProcessingActivity
    given_at: dt.datetime | None  # the open consent, if any
    history: list[Consent]


def consents_for(subject: str) -> list[ConsentItem]:
    """Every active consent-based activity and any the subject still has an open consent
    for, with the subject's consents (two queries)."""
    # Also an activity switched off since: an open consent must stay withdrawable.
    open_consents = Consent.objects.filter(subject=subject, withdrawn_at__isnull=True)
    activities = list(
        ProcessingActivity.objects.filter(
            Q(is_active=True, current_version__legal_basis=LegalBasis.CONSENT)
            | Q(pk__in=open_consents.values("activity"))
        )
        .select_related("current_version")
        .order_by("code")
    )
    history: dict[int, list[Consent]] = {}
    for consent in Consent.objects.filter(subject=subject).order_by("-given_at", "-id"):
        history.setdefault(consent.activity_id, []).append(consent)
    items = []
    for activity in activities:
        mine = history.get(activity.pk, [])
        open_ = next((c for c in mine if c.withdrawn_at is None), None)
        items.append(ConsentItem(activity, open_.given_at if open_ else None, mine))
    return items
