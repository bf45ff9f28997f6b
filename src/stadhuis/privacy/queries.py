"""Reads of the privacy spine used by views and the API, with their joins in one place."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from stadhuis.privacy.models import (
    DPIA,
    DPIAStatus,
    LogBlock,
    ProcessingActivity,
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
