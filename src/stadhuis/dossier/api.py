"""``/api/v1/me/...``: a resident's own dossier, log and export, for the resident's app.

Authenticated by the resident's own login session (the app runs in the browser, or
embeds it); there is no parameter that names a resident, so no call can reach someone
else's data. Every call is logged, as on the pages.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import AliasGenerator, ConfigDict, Field
from pydantic.alias_generators import to_camel

from stadhuis.api import schemas
from stadhuis.api.auth import ResidentSession
from stadhuis.api.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    CursorParams,
    offset_page,
    page_of,
    paginate,
)
from stadhuis.api.problems import Problem
from stadhuis.core.context import Actor
from stadhuis.core.errors import InvalidInput, NotFound
from stadhuis.dossier import export, queries, services
from stadhuis.dossier.forms import FIRST_DAY, LAST_DAY
from stadhuis.privacy.models import Action

router = Router(tags=["me"], auth=ResidentSession())
RESPONSES: dict[int, type[Problem]] = {400: Problem, 401: Problem, 500: Problem}


class Out(schemas.Out):
    """camelCase out; read from our own data in either spelling (the export's is camel)."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(validation_alias=to_camel, serialization_alias=to_camel),
        populate_by_name=True,
    )


class FieldOut(Out):
    label: str
    value: str
    correctable: bool


class ActivityOut(Out):
    code: str
    name: str
    purpose: str
    legal_basis: str = Field(description="AVG art. 6 ground: consent, contract, ...")
    legal_basis_detail: str
    recipients: list[str]
    processors: list[str]
    retention: str


class RightsOut(Out):
    correction: bool = Field(description="You may ask for a correction (AVG art. 16)")
    objection: bool = Field(description="You may object (AVG art. 21)")
    erasure: bool = Field(description="You may ask for erasure (AVG art. 17)")


class RecordOut(Out):
    object_type: str
    object_id: str
    title: str
    source: str
    created_at: dt.datetime
    retained_until: dt.date | None
    activity: ActivityOut | None
    rights: RightsOut
    fields: list[FieldOut]


class SectionOut(Out):
    key: str
    title: str
    description: str
    count: int = Field(description="How many records the section holds in all.")
    records: list[RecordOut] = Field(description="The newest first; one page of them.")
    next: str | None = Field(
        None, description="URL of the section's next page (me_dossierSection); null if none."
    )


class DossierOut(Out):
    sections: list[SectionOut]


def _record_out(item) -> dict:
    return {
        **item.record.__dict__,
        "activity": export.activity_data(item.activity),
        "rights": item.rights.as_data(),
        "fields": [f.__dict__ for f in item.record.fields],
    }


def _section_out(
    request: HttpRequest, subject: str, section, params: CursorParams, *, path=None, response=None
) -> dict:
    """One page of a section. ``path``: the section's own endpoint, for the ``next``
    link, when the page is part of the whole dossier."""

    def fetch(limit: int, offset: int):
        view = queries.section_view(subject, section, limit=limit, offset=offset)
        return view.records, view.count

    page = offset_page(request, params, fetch, response=response, path=path)
    return {
        "key": section.key,
        "title": str(section.title),
        "description": str(section.description),
        "count": page.total,
        "records": [_record_out(item) for item in page.results],
        "next": page.next,
    }


class LogEntryOut(Out):
    occurred_at: dt.datetime
    who: str = Field(description="Department and role, 'you', or the system; no staff names")
    by_yourself: bool
    assisted: bool = Field(description="Done for you by a staff member, with your consent")
    action: str = Field(description="read, create, update, delete, export or share")
    activity: str
    activity_name: str
    purpose: str
    legal_basis: str
    concerns: str = Field(description="What it was about, e.g. the case and its reference")
    outcome: str


LogPage = page_of(LogEntryOut, "ProcessingLogPage")


class LogParams(CursorParams):
    since: dt.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="From this day (inclusive)"
    )
    until: dt.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="Up to this day (inclusive)"
    )
    activity: str = Field(
        "", max_length=80, pattern=r"^[a-z0-9-]*$", description="Code of a processing activity"
    )
    action: Action | None = None
    others_only: bool = Field(
        False, alias="othersOnly", description="Leave out what you did yourself"
    )


class DossierParams(Schema):
    """The query of ``/me/dossier``: one page size for every section. No cursor (so no
    ``Link`` header): each section pages on at its own ``next`` link."""

    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description="Records per section; a section's `next` link gives the rest.",
    )


@router.get(
    "/me/dossier",
    response={200: DossierOut, **RESPONSES},
    by_alias=True,
    operation_id="me_dossier",
    summary="All the municipality holds on me",
)
def my_dossier(request: HttpRequest, params: Query[DossierParams]):
    """Every app's section of your data: per section how many records, the newest
    ``limit`` of them with the processing activity they fall under and your rights on
    them, and a link to the rest. The call is logged as your own read."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    if "cursor" in request.GET:  # not a paged list itself: each section has its own pages
        raise InvalidInput(
            _("Blader per onderdeel: volg de link 'next' van dat onderdeel."),
            invalid_params=[{"name": "cursor", "reason": "per section", "code": "invalid-cursor"}],
        )
    services.dossier_view(actor=actor, part="api")
    return {
        "sections": [
            _section_out(
                request,
                actor.subject,
                section,
                CursorParams(limit=params.limit),
                path=f"{request.path}/sections/{section.key}",
            )
            for section in queries.sections()
        ]
    }


@router.get(
    "/me/dossier/sections/{key}",
    response={200: SectionOut, **RESPONSES, 404: Problem},
    by_alias=True,
    operation_id="me_dossierSection",
    summary="One section of my dossier, page by page",
)
def my_dossier_section(
    request: HttpRequest, response: HttpResponse, key: str, params: Query[CursorParams]
):
    """The records of one section (``zaken``, ``meedoen``, ...), newest first, a page at
    a time. The call is logged as your own read of that section."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    section = queries.section(key)
    if section is None:
        raise NotFound(_("Dit onderdeel van uw gegevens bestaat niet."))
    page = _section_out(request, actor.subject, section, params, response=response)
    # Logged once the page is read: a refused cursor reads nothing, so it logs nothing.
    services.dossier_view(actor=actor, part=key)
    return page


@router.get(
    "/me/processing-log",
    response={200: LogPage, **RESPONSES},
    by_alias=True,
    operation_id="me_processingLog",
    summary="Who processed my data, when and why",
)
def my_processing_log(request: HttpRequest, response: HttpResponse, params: Query[LogParams]):
    """Every processing of your data, newest first, filterable by period, activity and
    action. The call itself is logged (and shows up here too)."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    services.dossier_view(actor=actor, part="api-verwerkingen")
    filters = queries.LogFilter(
        since=params.since,
        until=params.until,
        activity=params.activity,
        action=str(params.action) if params.action else "",
        others_only=params.others_only,
    )
    page = paginate(
        request,
        queries.processing_log(actor.subject, filters),
        params,
        keys=("-id",),
        response=response,
    )
    return {
        "results": [
            {
                "occurred_at": row.occurred_at,
                "who": row.who,
                "by_yourself": row.yourself,
                "assisted": row.assisted,
                "action": row.action,
                "activity": row.activity_code,
                "activity_name": row.activity_name,
                "purpose": row.purpose,
                "legal_basis": row.legal_basis,
                "concerns": row.concerns,
                "outcome": row.outcome,
            }
            for row in queries.log_rows(actor.subject, page.results)
        ],
        "next": page.next,
    }


@router.get(
    "/me/export",
    response={200: export.DossierExport, **RESPONSES},
    by_alias=True,
    operation_id="me_export",
    summary="Download everything (the dossier export)",
)
def my_export(request: HttpRequest):
    """The whole dossier and processing log in the documented export format
    (``docs/dossier-export.schema.json``). The export is logged."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    # Sent as built: validating tens of thousands of log entries through the response
    # model again would double the time; tests validate the export against the schema.
    data = services.dossier_export(actor=actor)
    return HttpResponse(export.to_json(data), content_type="application/json; charset=utf-8")
