"""Track & trace for connected applications: case types, cases, statuses, documents.

Modelled on the ZGW Catalogi and Zaken APIs (zaaktypen, zaken, statussen, zaak-
informatieobjecten), with English names like the rest of this API; the ZGW name of each
field is in its description. Applications authenticate with a bearer token and see only
the case types they hold a grant for, up to the confidentiality the grant allows (the
ZGW Autorisaties model); see ``cases.api_services``. Every answer with case data is
logged in the processing log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from pydantic import AliasGenerator, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from stadhuis.accounts import applications
from stadhuis.accounts.models import Application
from stadhuis.api.pagination import CursorParams, page_of, paginate
from stadhuis.api.problems import Problem
from stadhuis.api.schemas import Out
from stadhuis.cases import api_services
from stadhuis.cases.models import (
    Case,
    CaseDocument,
    CaseKind,
    CaseStatus,
    CaseType,
    Confidentiality,
)
from stadhuis.cases.terms import TermUnit
from stadhuis.core.context import Actor
from stadhuis.core.errors import NotFound

SLUG = r"^[-a-zA-Z0-9_]+$"
REFERENCE = r"^[-0-9A-Za-z ]{1,24}$"


# --- Authentication ---------------------------------------------------------------------


class InvalidToken(AuthenticationError):
    """A bearer token was sent but is unknown, revoked or of an inactive application."""

    def __init__(self) -> None:
        super().__init__(401, _("Het token is onbekend of ingetrokken."))


@dataclass(frozen=True)
class ApplicationAccess:
    """What ``request.auth`` holds: the application, the actor it acts as, its grants."""

    application: Application
    actor: Actor
    grants: list[applications.Grant]


class ApplicationToken(HttpBearer):
    """``Authorization: Bearer <token>``, a token issued with ``stadhuis issue-token``."""

    def authenticate(self, request: HttpRequest, token: str) -> ApplicationAccess:
        try:
            app, grants = applications.application_for_token(token.strip())
        except NotFound:
            raise InvalidToken() from None
        return ApplicationAccess(
            application=app, actor=applications.application_actor(app, grants), grants=grants
        )


def _access(request: HttpRequest) -> ApplicationAccess:
    return request.auth  # type: ignore[attr-defined]


router = Router(tags=["cases"], auth=ApplicationToken())

AUTH_RESPONSES: dict[int, type[Problem]] = {400: Problem, 401: Problem, 500: Problem}
SCOPED_RESPONSES: dict[int, type[Problem]] = {**AUTH_RESPONSES, 404: Problem}


# --- Schemas ----------------------------------------------------------------------------


class In(Schema):
    """Input in camelCase; unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(validation_alias=to_camel),
        populate_by_name=True,
        extra="forbid",
    )


def _no_nul(value: Any) -> Any:
    # A NUL character cannot be stored in PostgreSQL text or jsonb; refuse it as input
    # rather than fail in the database with a 500.
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)
    if isinstance(value, list):
        for item in value:
            _no_nul(item)
    return value


class StatusTypeOut(Out):
    """A step of a case type (statustype)."""

    code: str
    name: str = Field(description="Short name (omschrijving).")
    order: int = Field(description="Position in the procedure (volgnummer).")
    resident_text: str = Field(description="Plain-language text for the resident (statustekst).")
    notify_resident: bool = Field(description="The resident gets an e-mail (informeren).")
    is_final: bool = Field(description="Closes the case (isEindstatus); needs a result.")
    next: list[str] = Field(description="Codes of the statuses the case may go to from here.")


class ResultTypeOut(Out):
    """A possible outcome of a case type (resultaattype)."""

    code: str
    name: str
    resident_text: str
    closes_without_answer: bool = Field(
        description=(
            "Access requests only: this result (refused, withdrawn) closes the request "
            "without the data and needs an `explanation`. Any other result of an access "
            "request goes only with the answer the privacy officer sends; setting it with "
            "`POST /cases/{reference}/statuses` gives 400."
        )
    )


class Term(Out):
    amount: int
    unit: TermUnit
    statutory: bool = Field(description="Set by law (wettelijke termijn) rather than promised.")


class Extension(Out):
    amount: int
    unit: TermUnit


class CaseTypeOut(Out):
    """A kind of case the city handles, in one published version (zaaktype)."""

    id: uuid.UUID = Field(description="Identifier of this version of the case type.")
    code: str = Field(description="Stable code of the case type across its versions.")
    version: int
    published_at: dt.datetime = Field(description="When this version was published.")
    kind: CaseKind
    name: str
    explanation: str = Field(description="Plain-language explanation for residents (B1).")
    confidentiality: Confidentiality = Field(
        description="Confidentiality of its cases (vertrouwelijkheidaanduiding)."
    )
    processing_activity: str = Field(
        description="Code of the processing activity in the register (see processing-activities)."
    )
    department: str
    term: Term = Field(description="Time to decide (doorlooptijd).")
    extension: Extension | None = Field(description="How far the term can be extended, if it can.")
    can_suspend: bool
    anonymous_allowed: bool
    start_url: str = Field(
        description="Where residents start a case of this type when the general form and "
        "POST /cases do not take it (a neighbourhood-fund application, say); empty otherwise."
    )
    questions: list[dict[str, Any]] = Field(description="The questions its form asks.")
    status_types: list[StatusTypeOut]
    result_types: list[ResultTypeOut]


class CaseTypeRef(Out):
    id: uuid.UUID = Field(description="The case type version the case was opened under.")
    code: str
    version: int


class StatusRef(Out):
    code: str
    name: str
    since: dt.datetime


class ResultRef(Out):
    code: str
    name: str


class CaseOut(Out):
    """A case (zaak). The reference is its identifier (identificatie)."""

    reference: str = Field(description="The track & trace reference (identificatie).")
    case_type: CaseTypeRef = Field(description="zaaktype")
    description: str = Field(description="omschrijving")
    answers: dict[str, Any] = Field(description="Answers to the case type's questions.")
    address: str
    latitude: float | None
    longitude: float | None
    status: StatusRef = Field(description="The current status.")
    received_on: dt.date = Field(description="registratiedatum / startdatum")
    deadline: dt.date = Field(
        description="When the city must have decided (uiterlijkeEinddatumAfdoening), moving "
        "with suspension and extension."
    )
    suspended_since: dt.date | None = Field(description="Set while the term is suspended.")
    extended: bool
    closed_at: dt.datetime | None = Field(description="einddatum; null while open.")
    result: ResultRef | None = Field(description="resultaat, once closed.")
    confidentiality: Confidentiality = Field(description="vertrouwelijkheidaanduiding")
    department: str
    created_at: dt.datetime
    version: int = Field(description="Changes with every change; send it back when changing.")


class CaseIn(In):
    """A new case, submitted by the application on behalf of a resident."""

    case_type: str = Field(max_length=60, pattern=SLUG, description="Code of the case type.")
    description: str = Field(min_length=1, max_length=5000)
    answers: dict[str, Any] = Field(default_factory=dict, max_length=50)
    email: str = Field("", max_length=254, description="Where the resident gets news.")
    postcode: str = Field("", max_length=7, pattern=r"^(\d{4} ?[A-Za-z]{2})?$")
    address: str = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)

    @field_validator("description", "answers", "address")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return _no_nul(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        value = value.strip()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise ValueError("not a valid e-mail address") from None
        return value


class CaseFilters(CursorParams):
    """Filters of the case list, and its order."""

    # ninja reads query parameters by ``alias`` (not ``validation_alias``).
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    case_type: str | None = Field(None, max_length=60, pattern=SLUG, description="Case type code.")
    status: str | None = Field(None, max_length=40, pattern=SLUG, description="Status code.")
    open_only: bool = Field(False, description="Only cases that are not closed.")
    deadline_before: dt.date | None = Field(None, description="Deadline before this date.")
    sort: Literal["-createdAt", "deadline"] = Field(
        "-createdAt", description="Newest first, or the nearest deadline first."
    )


class CaseStatusOut(Out):
    """A status the case reached (status), oldest first: the case's timeline."""

    status_type: str = Field(description="Code of the status type (statustype).")
    name: str
    resident_text: str = Field(description="statustekst")
    is_final: bool
    set_at: dt.datetime = Field(description="datumStatusGezet")
    explanation: str = Field(description="statustoelichting")


class CaseStatusIn(In):
    """Move the case to a next status (a transition its type allows)."""

    status_type: str = Field(max_length=40, pattern=SLUG, description="Code of the status type.")
    expected_version: int = Field(ge=1, le=2**31, description="The case's version you saw.")
    explanation: str = Field("", max_length=5000)
    result: str | None = Field(
        None, max_length=40, pattern=SLUG, description="Result code; needed for a final status."
    )

    @field_validator("explanation")
    @classmethod
    def _storable(cls, value: str) -> str:
        return _no_nul(value)


class CaseDocumentOut(Out):
    """A document of the case (zaakinformatieobject): its metadata and where to fetch it."""

    id: uuid.UUID
    name: str = Field(description="File name as uploaded.")
    content_type: str = Field(description="Media type, checked from the content.")
    size: int = Field(description="Size in bytes.")
    location_removed: bool = Field(description="Location metadata was stripped from the photo.")
    uploaded_by: str = Field(description="resident, staff or application.")
    created_at: dt.datetime
    download_url: str = Field(description="Download link (needs the same token).")


CaseTypePage = page_of(CaseTypeOut, "CaseTypePage")
CasePage = page_of(CaseOut, "CasePage")
CaseStatusPage = page_of(CaseStatusOut, "CaseStatusPage")
CaseDocumentPage = page_of(CaseDocumentOut, "CaseDocumentPage")


# --- Shaping ----------------------------------------------------------------------------


def _case_type_out(case_type: CaseType) -> dict:
    statuses = sorted(case_type.statuses.all(), key=lambda s: s.order)
    return {
        "id": case_type.public_id,
        "code": case_type.code,
        "version": case_type.version,
        "published_at": case_type.published_at,
        "kind": case_type.kind,
        "name": case_type.name,
        "explanation": case_type.explanation,
        "confidentiality": case_type.confidentiality,
        "processing_activity": case_type.processing_activity,
        "department": case_type.department,
        "term": {
            "amount": case_type.term_amount,
            "unit": case_type.term_unit,
            "statutory": case_type.term_is_statutory,
        },
        "extension": (
            {
                "amount": case_type.extension_amount,
                "unit": case_type.extension_unit or case_type.term_unit,
            }
            if case_type.can_extend and case_type.extension_amount
            else None
        ),
        "can_suspend": case_type.can_suspend,
        "anonymous_allowed": case_type.anonymous_allowed,
        "start_url": case_type.start_url,
        "questions": case_type.questions,
        "status_types": [
            {
                "code": s.code,
                "name": s.name,
                "order": s.order,
                "resident_text": s.resident_text,
                "notify_resident": s.notify_resident,
                "is_final": s.is_final,
                "next": sorted(n.code for n in s.next_statuses.all()),
            }
            for s in statuses
        ],
        "result_types": [
            {
                "code": r.code,
                "name": r.name,
                "resident_text": r.resident_text,
                "closes_without_answer": r.closes_without_answer,
            }
            for r in case_type.results.all()
        ],
    }


def _case_out(case: Case) -> dict:
    return {
        "reference": case.reference,
        "case_type": {
            "id": case.case_type.public_id,
            "code": case.case_type.code,
            "version": case.case_type.version,
        },
        "description": case.description,
        "answers": case.answers,
        "address": case.address,
        "latitude": case.latitude,
        "longitude": case.longitude,
        "status": {"code": case.status.code, "name": case.status.name, "since": case.status_since},
        "received_on": case.received_on,
        "deadline": case.deadline,
        "suspended_since": case.suspended_since,
        "extended": case.extended,
        "closed_at": case.closed_at,
        "result": {"code": case.result.code, "name": case.result.name} if case.result else None,
        "confidentiality": case.confidentiality,
        "department": case.department,
        "created_at": case.created_at,
        "version": case.version,
    }


def _status_out(status: CaseStatus) -> dict:
    return {
        "status_type": status.status_type.code,
        "name": status.status_type.name,
        "resident_text": status.status_type.resident_text,
        "is_final": status.status_type.is_final,
        "set_at": status.set_at,
        "explanation": status.explanation,
    }


def _document_out(request: HttpRequest, case: Case, document: CaseDocument) -> dict:
    url = reverse(
        "api:cases_documents_download",
        kwargs={"reference": case.reference, "documentId": document.public_id},
    )
    return {
        "id": document.public_id,
        "name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "location_removed": document.location_removed,
        "uploaded_by": document.uploaded_by,
        "created_at": document.at,
        "download_url": request.build_absolute_uri(url),
    }


REFERENCE_PATH = Path(..., pattern=REFERENCE, description="The case's track & trace reference.")
DOCUMENT_PATH = Path(..., alias="documentId", description="The document's identifier.")


# --- Case types -------------------------------------------------------------------------


@router.get(
    "/case-types",
    response={200: CaseTypePage, **AUTH_RESPONSES},
    by_alias=True,
    operation_id="caseTypes_list",
    summary="The catalogue of case types (zaaktypen)",
)
def list_case_types(request: HttpRequest, response: HttpResponse, params: Query[CursorParams]):
    """Every published case type in its current version, with its status and result types,
    ordered by code. The catalogue holds no personal data: any valid token may read it."""
    page = paginate(
        request, api_services.case_types_published(), params, keys=("code",), response=response
    )
    return {"results": [_case_type_out(t) for t in page.results], "next": page.next}


@router.get(
    "/case-types/{id}",
    response={200: CaseTypeOut, **SCOPED_RESPONSES},
    by_alias=True,
    operation_id="caseTypes_read",
    summary="One case type version",
)
def read_case_type(request: HttpRequest, id: uuid.UUID):
    """One published version of a case type, also an older one that cases still refer to."""
    return _case_type_out(api_services.case_type_by_id(id))


# --- Cases ------------------------------------------------------------------------------


SORT_KEYS = {"-createdAt": ("-created_at", "-pk"), "deadline": ("deadline", "pk")}


@router.get(
    "/cases",
    response={200: CasePage, **AUTH_RESPONSES},
    by_alias=True,
    operation_id="cases_list",
    summary="Cases this application may read (zaken)",
)
def list_cases(request: HttpRequest, response: HttpResponse, params: Query[CaseFilters]):
    """Cases of the types the token is granted `read` for, up to the grant's maximum
    confidentiality. Every case on the page is logged as read by this application."""
    access = _access(request)
    queryset = api_services.cases_for_application(
        access.grants,
        case_type=params.case_type,
        status=params.status,
        open_only=params.open_only,
        deadline_before=params.deadline_before,
    )
    page = paginate(request, queryset, params, keys=SORT_KEYS[params.sort], response=response)
    api_services.cases_read_by_application(access.actor, page.results)
    return {"results": [_case_out(c) for c in page.results], "next": page.next}


@router.post(
    "/cases",
    response={201: CaseOut, **SCOPED_RESPONSES, 403: Problem},
    by_alias=True,
    operation_id="cases_create",
    summary="Open a case",
)
def create_case(request: HttpRequest, response: HttpResponse, body: CaseIn):
    """Open a case of a type the token is granted `create` for. The case starts in the
    type's first status; the resident is told by e-mail when that status says so."""
    access = _access(request)
    case = api_services.case_submit_by_application(
        actor=access.actor,
        grants=access.grants,
        case_type_code=body.case_type,
        description=body.description,
        answers=body.answers,
        email=body.email,
        postcode=body.postcode,
        address=body.address,
        latitude=body.latitude,
        longitude=body.longitude,
    )
    response["Location"] = request.build_absolute_uri(
        reverse("api:cases_read", kwargs={"reference": case.reference})
    )
    return Status(201, _case_out(case))


@router.get(
    "/cases/{reference}",
    response={200: CaseOut, **SCOPED_RESPONSES},
    by_alias=True,
    operation_id="cases_read",
    url_name="cases_read",
    summary="One case",
)
def read_case(request: HttpRequest, reference: str = REFERENCE_PATH):
    """One case; 404 when it does not exist or is outside the token's scope."""
    access = _access(request)
    case = api_services.case_for_application(access.grants, reference)
    api_services.cases_read_by_application(access.actor, [case])
    return _case_out(case)


@router.get(
    "/cases/{reference}/statuses",
    response={200: CaseStatusPage, **SCOPED_RESPONSES},
    by_alias=True,
    operation_id="cases_statuses_list",
    summary="The statuses of a case (statussen)",
)
def list_case_statuses(
    request: HttpRequest,
    response: HttpResponse,
    params: Query[CursorParams],
    reference: str = REFERENCE_PATH,
):
    """The statuses the case reached, oldest first: the resident's timeline."""
    access = _access(request)
    case = api_services.case_for_application(access.grants, reference)
    page = paginate(
        request,
        api_services.case_statuses(case),
        params,
        keys=("set_at", "pk"),
        response=response,
    )
    api_services.cases_read_by_application(access.actor, [case], object_type="status")
    return {"results": [_status_out(s) for s in page.results], "next": page.next}


@router.post(
    "/cases/{reference}/statuses",
    response={201: CaseStatusOut, **SCOPED_RESPONSES, 403: Problem, 409: Problem},
    by_alias=True,
    operation_id="cases_statuses_create",
    summary="Set the next status of a case",
)
def create_case_status(request: HttpRequest, body: CaseStatusIn, reference: str = REFERENCE_PATH):
    """Needs a grant with `update` for the case type (404 outside the grants' scope).
    Only transitions the case type allows; a final status needs a `result`. Send the
    case's `version` as `expectedVersion`: a stale one gives 409 and changes nothing.
    An access request cannot be closed here as answered (400): only a result with
    `closesWithoutAnswer`, with an `explanation` for the resident."""
    access = _access(request)
    case = api_services.case_set_status_by_application(
        actor=access.actor,
        grants=access.grants,
        reference=reference,
        status_code=body.status_type,
        expected_version=body.expected_version,
        explanation=body.explanation,
        result_code=body.result,
    )
    return Status(
        201, _status_out(case.statuses.select_related("status_type").latest("set_at", "pk"))
    )


@router.get(
    "/cases/{reference}/documents",
    response={200: CaseDocumentPage, **SCOPED_RESPONSES},
    by_alias=True,
    operation_id="cases_documents_list",
    summary="The documents of a case (zaakinformatieobjecten)",
)
def list_case_documents(
    request: HttpRequest,
    response: HttpResponse,
    params: Query[CursorParams],
    reference: str = REFERENCE_PATH,
):
    """Metadata of the case's documents, oldest first, each with its download link."""
    access = _access(request)
    case = api_services.case_for_application(access.grants, reference)
    page = paginate(
        request, api_services.case_documents(case), params, keys=("at", "pk"), response=response
    )
    api_services.cases_read_by_application(access.actor, [case], object_type="documentlijst")
    return {"results": [_document_out(request, case, d) for d in page.results], "next": page.next}


@router.get(
    "/cases/{reference}/documents/{documentId}/content",
    response={200: None, **SCOPED_RESPONSES},
    operation_id="cases_documents_download",
    url_name="cases_documents_download",
    summary="Download a document",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, always as an attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_case_document(
    request: HttpRequest,
    document_id: uuid.UUID = DOCUMENT_PATH,
    reference: str = REFERENCE_PATH,
):
    """The file itself, as a download (never shown inline). Logged as a read."""
    access = _access(request)
    case = api_services.case_for_application(access.grants, reference)
    document = api_services.case_documents(case).filter(public_id=document_id).first()
    if document is None:
        raise NotFound(_("Deze zaak heeft geen document met dit kenmerk."))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("Het bestand van dit document is niet (meer) beschikbaar.")) from None
    api_services.cases_read_by_application(access.actor, [case], object_type="document")
    answer = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return answer
