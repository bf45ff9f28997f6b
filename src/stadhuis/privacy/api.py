"""The public side of the privacy spine: the processing register and the log's head.

Read-only and free of personal data, so open to anyone without a token. Handlers
stay thin: a query from ``privacy.queries``, a schema to shape the answer.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from pydantic import Field

from stadhuis.api.pagination import CursorParams, page_of, paginate
from stadhuis.api.problems import NOT_FOUND_RESPONSES, PROBLEM_RESPONSES, Problem
from stadhuis.api.schemas import Out
from stadhuis.core.errors import NotFound
from stadhuis.privacy import chain, queries
from stadhuis.privacy.models import (
    AgreementStatus,
    DPIAStatus,
    LegalBasis,
    ProcessingActivity,
    Processor,
)

router = Router(tags=["privacy"])


class ProcessorRef(Out):
    id: str = Field(description="Stable public identifier of the processor.")
    name: str
    service: str
    country: str


class Retention(Out):
    description: str = Field(description="How long the data is kept, in words.")
    days: int | None = Field(description="The same in days, when it is a fixed term.")


class ProcessingActivityOut(Out):
    """One entry of the processing register (GDPR art. 30), in its current version."""

    code: str = Field(description="Stable identifier of the activity.")
    name: str
    purpose: str
    legal_basis: LegalBasis
    legal_basis_detail: str = Field(description="The statutory provision, when there is one.")
    controller_unit: str = Field(description="The department responsible.")
    data_subject_categories: list[str]
    personal_data_categories: list[str]
    special_categories: bool = Field(description="Special categories of personal data (art. 9).")
    recipients: list[str]
    processors: list[ProcessorRef]
    retention: Retention
    security_measures: str
    dpia_required: bool
    dpia_status: DPIAStatus
    dpia_review_before: date | None = Field(
        description="When an approved DPIA must be reviewed again, if set."
    )
    version: int
    version_date: datetime = Field(description="When this version of the entry was written.")


class ProcessorOut(Out):
    """A processor that works on the city's behalf (GDPR art. 28) and its agreement."""

    id: str = Field(description="Stable public identifier of the processor.")
    name: str
    service: str
    country: str
    agreement_status: AgreementStatus
    agreement_signed_on: date | None
    agreement_expires_on: date | None
    agreement_valid: bool = Field(description="A signed agreement that has not expired today.")


class LogHeadOut(Out):
    """The published head of the tamper-evident processing log.

    Publish or archive ``headHash`` now and then: whoever holds an old head can later
    check that the city's log still contains the chain up to it (see ``verify-log``).
    """

    blocks: int = Field(description="Number of sealed blocks.")
    last_sealed_entry_id: int = Field(description="Id of the last sealed log entry (0 when none).")
    head_hash: str = Field(description="Hash of the last sealed block (zeros when none).")
    sealed_at: datetime | None = Field(description="When the last block was sealed.")


ProcessingActivityPage = page_of(ProcessingActivityOut, "ProcessingActivityPage")
ProcessorPage = page_of(ProcessorOut, "ProcessorPage")


def _processor_ref(processor: Processor) -> dict:
    return {
        "id": str(processor.public_id),
        "name": processor.name,
        "service": processor.service,
        "country": processor.country,
    }


def _activity_out(activity: ProcessingActivity) -> dict:
    version = activity.current_version
    return {
        "code": activity.code,
        "name": version.name,
        "purpose": version.purpose,
        "legal_basis": version.legal_basis,
        "legal_basis_detail": version.legal_basis_detail,
        "controller_unit": version.controller_unit,
        "data_subject_categories": version.data_subject_categories,
        "personal_data_categories": version.personal_data_categories,
        "special_categories": version.special_categories,
        "recipients": version.recipients,
        "processors": [_processor_ref(p) for p in version.processors.all()],
        "retention": {
            "description": version.retention_description,
            "days": version.retention_days,
        },
        "security_measures": version.security_measures,
        "dpia_required": version.dpia_required,
        "dpia_status": queries.dpia_status(activity),
        "dpia_review_before": activity.latest_dpia_review_before if version.dpia_required else None,
        "version": version.version,
        "version_date": version.created_at,
    }


def _processor_out(processor: Processor, today: date) -> dict:
    return {
        **_processor_ref(processor),
        "agreement_status": processor.agreement_status,
        "agreement_signed_on": processor.agreement_signed_on,
        "agreement_expires_on": processor.agreement_expires_on,
        "agreement_valid": processor.agreement_valid(today),
    }


@router.get(
    "/processing-activities",
    response={200: ProcessingActivityPage, **PROBLEM_RESPONSES},
    by_alias=True,
    operation_id="processingActivities_list",
    summary="The public processing register",
)
def list_processing_activities(
    request: HttpRequest, response: HttpResponse, params: Query[CursorParams]
):
    """Every active processing activity of the city, ordered by code (verwerkingsregister)."""
    page = paginate(request, queries.public_activities(), params, keys=("code",), response=response)
    return {"results": [_activity_out(a) for a in page.results], "next": page.next}


@router.get(
    "/processing-activities/{code}",
    response={200: ProcessingActivityOut, **NOT_FOUND_RESPONSES},
    by_alias=True,
    operation_id="processingActivities_read",
    summary="One processing activity",
)
def read_processing_activity(
    request: HttpRequest,
    code: str = Path(..., max_length=80, pattern=r"^[-a-zA-Z0-9_]+$"),
):
    """One active activity of the register; 404 when unknown or no longer active."""
    activity = queries.public_activity(code)
    if activity is None:
        raise NotFound(_("Deze verwerkingsactiviteit staat niet in het openbare register."))
    return _activity_out(activity)


@router.get(
    "/processors",
    response={200: ProcessorPage, **PROBLEM_RESPONSES},
    by_alias=True,
    operation_id="processors_list",
    summary="Processors and their agreements",
)
def list_processors(request: HttpRequest, response: HttpResponse, params: Query[CursorParams]):
    """Every processor (verwerker) with the status and expiry of its agreement, by name."""
    page = paginate(request, queries.processors(), params, keys=("name",), response=response)
    today = timezone.localdate()
    return {"results": [_processor_out(p, today) for p in page.results], "next": page.next}


@router.get(
    "/processing-log/head",
    response={200: LogHeadOut, 500: Problem},
    by_alias=True,
    operation_id="processingLog_head",
    summary="Head of the tamper-evident processing log",
)
def read_log_head(request: HttpRequest):
    """The last sealed block of the processing log, so that outsiders can anchor the chain."""
    head = queries.log_head()
    if head is None:
        return {
            "blocks": 0,
            "last_sealed_entry_id": 0,
            "head_hash": chain.GENESIS,
            "sealed_at": None,
        }
    return {
        "blocks": head.number,
        "last_sealed_entry_id": head.last_id,
        "head_hash": head.block_hash,
        "sealed_at": head.sealed_at,
    }
