"""The API of participation: public processes, ideas, projects and results, and under
``/me/participation/...`` the resident's own ideas, supports, answers and votes.

The public part holds no personal data: ideas appear without their author, ballots
only as the published count. The ``/me`` part answers only the resident's own session
and each call is logged as their own read. Thin handlers: a query from
``participation.queries``, a schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from stadhuis.api.auth import ResidentSession
from stadhuis.api.pagination import CursorParams, Page, page_of, paginate
from stadhuis.api.problems import NOT_FOUND_RESPONSES, Problem
from stadhuis.api.schemas import Out
from stadhuis.core import shared
from stadhuis.core.context import Actor
from stadhuis.core.errors import InvalidInput, NotFound
from stadhuis.participation import queries, services, tally
from stadhuis.participation.models import Idea, Process, Project

router = Router(tags=["participation"])


class PhaseOut(Out):
    kind: Literal["information", "ideas", "review", "voting", "results", "implementation"]
    starts_at: datetime
    ends_at: datetime


class ProcessOut(Out):
    """A participation process: the city's question, its phases and who may take part."""

    id: UUID
    kind: Literal["crowdsourcing", "consultation", "budget", "fund", "challenge"]
    title: str
    question: str
    description: str
    scope: Literal["city", "districts", "neighbourhoods"]
    minimum_age: int = Field(description="0 when there is no minimum age.")
    current_phase: str | None = Field(description="The phase running now, if any.")
    phases: list[PhaseOut]
    budget: int = Field(description="Euros to share out (citizens' budget, fund); else 0.")
    ballot_type: str = Field(description="approval, knapsack, cumulative or choose_one.")
    counting_rule: str = Field(
        description="The rule the city counts a citizens' budget with: greedy, "
        "greedy-noskip, mes-add1, mes-add1-comparison or phragmen; empty when none is set."
    )
    leftover_partial: bool = Field(
        description="Whether the money a count by votes (greedy, greedy-noskip) leaves pays "
        "part of the best-placed project that did not fit, as in Amsterdam (Pabulib "
        "leftover_budget); the city pays the rest from outside this budget. Other rules "
        "ignore it."
    )


class IdeaOut(Out):
    """A visible idea, without its author."""

    id: UUID
    title: str
    body: str
    location: str
    neighbourhood: str | None
    supports: int
    created_at: datetime


class ProjectOut(Out):
    """A project of a citizens' budget with the city's feasibility review."""

    id: UUID
    code: str = Field(description="The project's id in the count and the Pabulib file.")
    title: str
    description: str
    cost: int
    neighbourhood: str | None
    feasibility: Literal["pending", "feasible", "not_feasible"]
    feasibility_reason: str
    progress: int = Field(description="Percentage carried out.")


class ProjectResultOut(Out):
    project_id: UUID
    code: str
    title: str
    funded: bool
    cost: int = Field(description="What the project costs, in euros.")
    paid: int = Field(
        description="Euros the budget pays: the cost when funded, less when funded in part "
        "(reason funded_partial: the rest comes from outside this budget), 0 when not funded."
    )
    reason: str = Field(
        description="A stable code: funded, funded_partial, no_money_left, cap_reached, ..."
    )
    votes: float
    explanation: str = Field(description="Why, in one plain sentence (Dutch or English).")


class ResultOut(Out):
    """The published count of a citizens' budget, with a reason per project."""

    rule: str
    ballots: int
    budget: int
    budget_used: int
    checksum: str = Field(description="SHA-256 of exactly the inputs that were counted.")
    funded: list[str] = Field(description="Project codes in funding order.")
    projects: list[ProjectResultOut]


ProcessPage = page_of(ProcessOut, "ProcessPage")
IdeaPage = page_of(IdeaOut, "IdeaPage")
ProjectPage = page_of(ProjectOut, "ProjectPage")


def _process_out(process: Process) -> dict:
    return {
        "id": process.public_id,
        "kind": process.kind,
        "title": process.title,
        "question": process.question,
        "description": process.description,
        "scope": process.scope,
        "minimum_age": process.min_age,
        "current_phase": services.current_phase(process),
        "phases": [
            {"kind": p.kind, "starts_at": p.starts_at, "ends_at": p.ends_at}
            for p in process.phase_list
        ],
        "budget": process.budget,
        "ballot_type": process.ballot_type,
        "counting_rule": process.counting_rule,
        "leftover_partial": process.leftover_partial,
    }


def _idea_out(idea: Idea) -> dict:
    return {
        "id": idea.public_id,
        "title": idea.title,
        "body": idea.body,
        "location": idea.location,
        "neighbourhood": idea.neighbourhood.name if idea.neighbourhood else None,
        "supports": idea.supports,
        "created_at": idea.created_at,
    }


def _project_out(project: Project) -> dict:
    return {
        "id": project.public_id,
        "code": project.code,
        "title": project.title,
        "description": project.description,
        "cost": project.cost,
        "neighbourhood": project.neighbourhood.name if project.neighbourhood else None,
        "feasibility": project.feasibility,
        "feasibility_reason": project.feasibility_reason,
        "progress": project.progress,
    }


def _process(id: UUID) -> Process:
    process = queries.public_process(id)
    if process is None:
        raise NotFound(_("Dit proces bestaat niet of is niet openbaar."))
    return process


@router.get(
    "/participation-processes",
    response={200: ProcessPage, **NOT_FOUND_RESPONSES},
    by_alias=True,
    operation_id="participationProcesses_list",
    summary="Participation processes",
)
def list_processes(request: HttpRequest, response: HttpResponse, params: Query[CursorParams]):
    """Every published participation process, newest first."""
    page = paginate(
        request, queries.public_processes(), params, keys=("-created_at", "-id"), response=response
    )
    return {"results": [_process_out(p) for p in page.results], "next": page.next}


@router.get(
    "/participation-processes/{id}",
    response={200: ProcessOut, **NOT_FOUND_RESPONSES},
    by_alias=True,
    operation_id="participationProcesses_read",
    summary="One participation process",
)
def read_process(request: HttpRequest, id: UUID):
    """One published process with its phases."""
    return _process_out(_process(id))


class IdeaParams(CursorParams):
    sort: Literal["new", "support"] = Field("new", description="Newest first, or most support.")


@router.get(
    "/participation-processes/{id}/ideas",
    response={200: IdeaPage, **NOT_FOUND_RESPONSES},
    by_alias=True,
    operation_id="participationIdeas_list",
    summary="The visible ideas of a process",
)
def list_ideas(request: HttpRequest, response: HttpResponse, id: UUID, params: Query[IdeaParams]):
    """Visible ideas, newest first or with the most support first; without authors."""

    def render():
        from stadhuis.api.api import api  # the API imports this module

        sort = "steun" if params.sort == "support" else "nieuw"
        ideas = queries.public_ideas(_process(id), sort=sort)
        page = paginate(request, ideas, params, keys=queries.IDEA_SORTS[sort], response=response)
        out = IdeaPage.model_validate(
            {"results": [_idea_out(i) for i in page.results], "next": page.next}
        )
        # rendered as ninja renders a returned page, so shared or not the answer is the same
        return api.create_response(
            request, out.model_dump(by_alias=True), temporal_response=response
        )

    # anonymous callers share one answer per page until the process changes
    return shared.answer(request, lambda: queries.shared_key(request, id, "api-ideas"), render)


@router.get(
    "/participation-processes/{id}/projects",
    response={200: ProjectPage, **NOT_FOUND_RESPONSES},
    by_alias=True,
    operation_id="participationProjects_list",
    summary="The projects of a citizens' budget",
)
def list_projects(
    request: HttpRequest, response: HttpResponse, id: UUID, params: Query[CursorParams]
):
    """Every project with the city's feasibility review and its progress, by code."""
    process = _process(id)
    page = paginate(
        request, queries.process_projects(process), params, keys=("code",), response=response
    )
    return {"results": [_project_out(p) for p in page.results], "next": page.next}


@router.get(
    "/participation-processes/{id}/results",
    response={200: ResultOut, **NOT_FOUND_RESPONSES},
    by_alias=True,
    operation_id="participationResults_read",
    summary="The published result of a citizens' budget",
)
def read_results(request: HttpRequest, id: UUID):
    """The published count: funded projects in order, and why each project was or was not."""
    process = _process(id)
    count = queries.published_count(process)
    if count is None:
        raise NotFound(_("Voor dit proces is nog geen uitslag gepubliceerd."))
    return {
        "rule": count.rule,
        "ballots": count.ballots,
        "budget": process.budget,
        "budget_used": count.budget_used,
        "checksum": count.checksum,
        "funded": count.funded,
        "projects": [
            {
                "project_id": row["project"].public_id,
                "code": row["project"].code,
                "title": row["project"].title,
                "funded": row["funded"],
                "cost": row["project"].cost,
                "paid": row["paid"],
                "reason": row["reason"],
                "votes": float(row["votes"] or 0),
                "explanation": row["sentence"],
            }
            for row in tally.explained_rows(process, count)
        ],
    }


class ReceiptIn(Schema):
    receipt: str = Field(
        max_length=40, description="The receipt code the voter got, e.g. ABCD-EFGH-JKMN-PQRS-TVWX."
    )


class ReceiptCheckOut(Out):
    counted: bool = Field(description="A ballot with this receipt is in the count.")


@router.post(
    "/participation-processes/{id}/receipt-checks",
    response={200: ReceiptCheckOut, **NOT_FOUND_RESPONSES},
    by_alias=True,
    operation_id="participationReceiptChecks_create",
    summary="Check that a ballot with my receipt is in the count",
)
def check_receipt(request: HttpRequest, id: UUID, payload: ReceiptIn):
    """Anyone holding a receipt can check that a ballot with it is in the count. The
    answer says nothing about what the ballot holds, nor who cast it. Sent in the body,
    not the URL, so the receipt does not end up in server logs."""
    process = _process(id)
    if process.kind != "budget":
        raise NotFound(_("Dit proces heeft geen stemming."))
    if not services.normalise_receipt(payload.receipt):
        message = _("Een stembewijs heeft 20 letters en cijfers, in groepjes van vier.")
        raise InvalidInput(message, errors={"receipt": [message]})
    return {"counted": queries.receipt_counted(process, payload.receipt)}


# --- /me: the resident's own participation -------------------------------------------------

me_router = Router(tags=["me"], auth=ResidentSession())
ME_RESPONSES: dict[int, type[Problem]] = {400: Problem, 401: Problem, 500: Problem}


class MyIdeaOut(Out):
    """An idea I sent in, also when a moderator hid or rejected it (with the reason)."""

    id: UUID
    process_id: UUID
    process_title: str
    title: str
    body: str
    location: str
    visibility: Literal["published", "hidden", "rejected"]
    moderation_reason: str
    supports: int
    created_at: datetime


class MySupportOut(Out):
    """An idea I support. Someone else's idea that is no longer shown has no title."""

    idea_id: UUID
    idea_title: str | None
    process_id: UUID
    process_title: str
    supported_at: datetime


class MyAnswerOut(Out):
    question: str
    kind: Literal["single", "multiple", "ranking", "scale", "open"]
    value: str | int | list[str]
    moderation: Literal["", "pending", "approved", "rejected"] = Field(
        description="Open answers only: published after moderation."
    )


class MyResponseOut(Out):
    """My answers to a consultation; editable on the website while it runs."""

    id: UUID
    process_id: UUID
    process_title: str
    updated_at: datetime
    answers: list[MyAnswerOut]


class MyVoteOut(Out):
    """That and when I voted in a citizens' budget; never what."""

    process_id: UUID
    process_title: str
    voted_at: datetime
    channel: Literal["online", "paper"]
    receipt_hint: str = Field(
        description="The first characters of my receipt; the city does not keep the rest."
    )


MyIdeaPage = page_of(MyIdeaOut, "MyIdeaPage")
MySupportPage = page_of(MySupportOut, "MySupportPage")
MyResponsePage = page_of(MyResponseOut, "MyResponsePage")
MyVotePage = page_of(MyVoteOut, "MyVotePage")


def _my_page(
    request: HttpRequest,
    response: HttpResponse,
    params: CursorParams,
    rows: QuerySet,
    *,
    part: str,
    keys: tuple[str, ...],
) -> Page:
    """One page of the resident's own ``rows``, logged as their own read once it is read
    (and before it is sent): a refused cursor reads nothing, so it logs nothing."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    page = paginate(request, rows, params, keys=keys, response=response)
    services.participation_open_for_resident(actor=actor, part=part)
    return page


@me_router.get(
    "/me/participation/ideas",
    response={200: MyIdeaPage, **ME_RESPONSES},
    by_alias=True,
    operation_id="me_participationIdeas",
    summary="The ideas I sent in",
)
def my_ideas(request: HttpRequest, response: HttpResponse, params: Query[CursorParams]):
    """Every idea of mine, newest first, with what a moderator decided. Logged as your
    own read."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    page = _my_page(
        request,
        response,
        params,
        queries.my_ideas(actor.subject),
        part="api-ideeen",
        keys=("-created_at", "-id"),
    )
    return {
        "results": [
            {
                "id": idea.public_id,
                "process_id": idea.process.public_id,
                "process_title": idea.process.title,
                "title": idea.title,
                "body": idea.body,
                "location": idea.location,
                "visibility": idea.visibility,
                "moderation_reason": idea.moderation_reason,
                "supports": idea.supports,
                "created_at": idea.created_at,
            }
            for idea in page.results
        ],
        "next": page.next,
    }


@me_router.get(
    "/me/participation/supports",
    response={200: MySupportPage, **ME_RESPONSES},
    by_alias=True,
    operation_id="me_participationSupports",
    summary="The ideas I support",
)
def my_supports(request: HttpRequest, response: HttpResponse, params: Query[CursorParams]):
    """Every idea I support, newest support first. Logged as your own read."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    page = _my_page(
        request,
        response,
        params,
        queries.my_supports(actor.subject),
        part="api-steun",
        keys=("-created_at", "-id"),
    )
    return {
        "results": [
            {
                "idea_id": support.idea.public_id,
                "idea_title": support.idea.title if support.idea.named_for(actor.subject) else None,
                "process_id": support.idea.process.public_id,
                "process_title": support.idea.process.title,
                "supported_at": support.created_at,
            }
            for support in page.results
        ],
        "next": page.next,
    }


@me_router.get(
    "/me/participation/responses",
    response={200: MyResponsePage, **ME_RESPONSES},
    by_alias=True,
    operation_id="me_participationResponses",
    summary="My answers to consultations",
)
def my_responses(request: HttpRequest, response: HttpResponse, params: Query[CursorParams]):
    """My answers to each consultation, last changed first. Logged as your own read."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    page = _my_page(
        request,
        response,
        params,
        queries.my_responses(actor.subject, with_answers=True),
        part="api-antwoorden",
        keys=("-updated_at", "-id"),
    )
    return {
        "results": [
            {
                "id": item.public_id,
                "process_id": item.process.public_id,
                "process_title": item.process.title,
                "updated_at": item.updated_at,
                "answers": [
                    {
                        "question": answer.question.text,
                        "kind": answer.question.kind,
                        "value": answer.value,
                        "moderation": answer.open_status,
                    }
                    for answer in sorted(item.answers.all(), key=lambda a: a.question.order)
                ],
            }
            for item in page.results
        ],
        "next": page.next,
    }


@me_router.get(
    "/me/participation/votes",
    response={200: MyVotePage, **ME_RESPONSES},
    by_alias=True,
    operation_id="me_participationVotes",
    summary="The citizens' budgets I voted in",
)
def my_votes(request: HttpRequest, response: HttpResponse, params: Query[CursorParams]):
    """That and when I voted, and the start of my receipt; never what I voted (the city
    cannot know). Check the whole receipt with ``participationReceiptChecks_create``.
    Logged as your own read."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    page = _my_page(
        request,
        response,
        params,
        queries.my_votes(actor.subject),
        part="api-stemmen",
        keys=("-voted_at", "-id"),
    )
    return {
        "results": [
            {
                "process_id": vote.process.public_id,
                "process_title": vote.process.title,
                "voted_at": vote.voted_at,
                "channel": vote.channel,
                "receipt_hint": vote.receipt_hint,
            }
            for vote in page.results
        ],
        "next": page.next,
    }
