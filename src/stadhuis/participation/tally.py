"""The bridge between the stored budget vote and the counting engine (``counting``).

``election_for`` turns a process's projects and ballots into the engine's
``Election``; ``run`` counts a queued ``Count`` in the worker and stores the outcome
with the checksum of exactly those inputs. Voter ids in the election are positions
in the order of the ballots' receipt hashes (random), so an exported file reveals
nothing about who voted or when.
"""

from __future__ import annotations

import dataclasses
import logging
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stadhuis.participation import counting
from stadhuis.participation.models import (
    Ballot,
    BallotType,
    Count,
    CountStatus,
    Feasibility,
    NeighbourhoodCap,
    Process,
    Project,
)

log = logging.getLogger("stadhuis.participation")

VOTE_TYPES = {
    BallotType.APPROVAL: "approval",
    BallotType.KNAPSACK: "knapsack",
    BallotType.CUMULATIVE: "cumulative",
    BallotType.CHOOSE_ONE: "choose-1",
}
PABULIB_RULES = {
    "greedy": "greedy",
    "greedy-noskip": "greedy-no-skip",
    "mes-add1": "equalshares/add1",
    "mes-add1-comparison": "equalshares/add1-comparison",
}


def rules() -> dict[str, str]:
    """Rule code -> label, as the engine offers them."""
    return counting.RULES


def election_for(process: Process, *, with_results: Count | None = None) -> counting.Election:
    """The process's budget vote as an ``Election`` (three queries)."""
    projects = list(
        Project.objects.filter(process=process, feasibility=Feasibility.FEASIBLE)
        .select_related("neighbourhood")
        .order_by("code")
    )
    caps = list(
        NeighbourhoodCap.objects.filter(process=process)
        .select_related("neighbourhood")
        .order_by("neighbourhood__code")
    )
    ballots = list(
        Ballot.objects.filter(process=process)
        .order_by("receipt_hash")
        .values_list("choices", flat=True)
    )
    meta = {
        "description": process.title,
        "country": "Netherlands",
        "instance": str(process.public_id),
        "num_projects": str(len(projects)),
        "num_votes": str(len(ballots)),
        "budget": str(process.budget),
        "vote_type": VOTE_TYPES.get(process.ballot_type, "approval"),
    }
    if process.counting_rule:
        meta["rule"] = PABULIB_RULES.get(process.counting_rule, process.counting_rule)
    if process.leftover_partial:
        meta["leftover_budget"] = counting.LEFTOVER_PARTIAL
    if process.ballot_type == BallotType.APPROVAL:
        if process.ballot_min:
            meta["min_length"] = str(process.ballot_min)
        if process.ballot_max:
            meta["max_length"] = str(process.ballot_max)
    if process.ballot_type == BallotType.CUMULATIVE:
        meta["max_sum_points"] = str(process.ballot_points)
    if caps:
        meta["neighborhoods"] = ",".join(c.neighbourhood.code for c in caps)
        meta["budget_per_neighborhood"] = ",".join(str(c.amount) for c in caps)
    columns = ["project_id", "cost", "name"]
    if caps:
        columns.append("neighborhood")
    funded = set(with_results.funded) if with_results else set()
    votes = {p.code: 0 for p in projects}
    for choices in ballots:
        for code, points in choices.items():
            if code in votes:
                votes[code] += points
    if with_results:
        columns += ["votes", "selected"]
    engine_projects = {}
    for project in projects:
        fields = {"name": project.title}
        if caps:
            fields["neighborhood"] = project.neighbourhood.code if project.neighbourhood else ""
        if with_results:
            fields["votes"] = str(votes[project.code])
            fields["selected"] = "1" if project.code in funded else "0"
        engine_projects[project.code] = counting.Project(
            id=project.code, cost=project.cost, fields=fields
        )
    cumulative = process.ballot_type == BallotType.CUMULATIVE
    voters = []
    for number, choices in enumerate(ballots, start=1):
        codes = tuple(sorted(code for code in choices if code in engine_projects))
        voters.append(
            counting.Voter(
                id=str(number),
                ballot=codes,
                points=tuple(choices[c] for c in codes) if cumulative else None,
            )
        )
    vote_columns = ("voter_id", "vote", "points") if cumulative else ("voter_id", "vote")
    return counting.Election(
        meta=meta,
        projects=engine_projects,
        voters=tuple(voters),
        project_columns=tuple(columns),
        vote_columns=vote_columns,
    )


def funds_in_part(process: Process, rule: str) -> bool:
    """Whether a count of ``process`` with ``rule`` pays part of a project with the money
    left (the process asks for it and the rule reads it)."""
    return process.leftover_partial and rule in counting.PARTIAL_RULES


def _plain(value):
    """JSON-safe: Fractions become floats, tuples lists, dataclasses dicts."""
    if isinstance(value, Fraction):
        return float(value)
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _progress(count: Count, percent: int) -> None:
    # Its own statement outside any transaction, so the page sees it at once.
    Count.objects.filter(pk=count.pk).update(progress=percent)


def run(count: Count) -> Count:
    """Count one queued count and store the outcome (the worker calls this)."""
    try:
        _progress(count, 10)
        election = election_for(count.process)
        digest = counting.checksum(election)
        _progress(count, 30)
        outcome = counting.count(election, count.rule)
        _progress(count, 90)
        explanations = {
            pid: _plain(explanation) for pid, explanation in outcome.explanations.items()
        }
        with transaction.atomic():
            Count.objects.filter(pk=count.pk).update(
                status=CountStatus.DONE,
                progress=100,
                checksum=digest,
                ballots=len(election.voters),
                funded=list(outcome.funded),
                explanations=explanations,
                budget_used=int(outcome.budget_used),
                finished_at=timezone.now(),
            )
    except Exception:  # a count must never leave the job stuck as "running"
        log.exception("count %s failed", count.public_id)
        Count.objects.filter(pk=count.pk).update(
            # staff read this: plain Dutch; the exception itself is in the log above
            status=CountStatus.FAILED,
            error=_("De telling is mislukt. Probeer het opnieuw of vraag de beheerder."),
            finished_at=timezone.now(),
        )
    count.refresh_from_db()
    return count


def explanation_of(data: dict) -> counting.ProjectExplanation:
    data = dict(data)
    data["payments"] = tuple(counting.PaymentGroup(**g) for g in data.get("payments") or ())
    names = {f.name for f in dataclasses.fields(counting.ProjectExplanation)}
    return counting.ProjectExplanation(**{k: v for k, v in data.items() if k in names})


def explained_rows(process: Process, count: Count) -> list[dict]:
    """Per project: funded or not, and why in one plain sentence; funded first."""
    projects = {
        p.code: p
        for p in Project.objects.filter(process=process, feasibility=Feasibility.FEASIBLE).only(
            "public_id", "code", "title", "cost"
        )
    }
    order = {code: i for i, code in enumerate(count.funded)}
    rows = []
    for code, data in count.explanations.items():
        project = projects.get(code)
        if project is None:
            continue
        explanation = explanation_of(data)
        rows.append(
            {
                "project": project,
                "funded": explanation.funded,
                "votes": explanation.votes,
                "reason": explanation.reason,
                "sentence": counting.describe(explanation),
                "payments": explanation.payments,
                # paid from the budget when less than the cost (funded in part)
                "amount": explanation.amount,
                # what the budget pays: the cost, the part, or nothing
                "paid": _paid(explanation, project.cost),
            }
        )
    rows.sort(
        key=lambda r: (
            not r["funded"],
            order.get(r["project"].code, 0),
            -float(r["votes"] or 0),
            r["project"].title,
        )
    )
    return rows


def _paid(explanation: counting.ProjectExplanation, cost: int) -> int:
    """Euros the budget pays for a project (whole euros: Stadhuis's costs and budgets are)."""
    if not explanation.funded:
        return 0
    return int(explanation.amount) if explanation.amount is not None else cost


def export_text(process: Process) -> str:
    """The process's vote as Pabulib text, with ``votes`` and ``selected`` when counted."""
    count = Count.objects.filter(
        process=process, is_published=True, status=CountStatus.DONE
    ).first()
    return counting.write_text(election_for(process, with_results=count))
