"""Counting a citizens' budget (burgerbegroting): pure Python, no database.

The participation app stores ballots; to count, it builds an ``Election``
(``model``), calls ``count(election, rule)`` and stores the ``Outcome`` together
with ``checksum(election)``, so that anyone can later check which inputs gave
which result. ``pabulib`` reads and writes the ``.pb`` exchange format, and the
command ``stadhuis budget count FILE.pb --rule ...`` does the same from a shell.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from . import rules
from .explain import Outcome, PaymentGroup, ProjectExplanation, describe
from .model import Election, Project, Voter, ballot_problems, format_number, project_problems
from .pabulib import (
    PabulibError,
    describe_error,
    parse_file,
    parse_text,
    write_file,
    write_text,
)

__all__ = [
    "LEFTOVER_PARTIAL",
    "PARTIAL_RULES",
    "RULES",
    "Election",
    "Outcome",
    "PabulibError",
    "PaymentGroup",
    "Project",
    "ProjectExplanation",
    "Voter",
    "ballot_problems",
    "checksum",
    "count",
    "describe",
    "describe_error",
    "official_rule",
    "parse_file",
    "parse_text",
    "project_problems",
    "write_file",
    "write_text",
]

#: Rule code -> Dutch label (lazy: translated when shown).
RULES: dict[str, str] = {
    "greedy": _("Meeste stemmen (projecten die niet meer passen worden overgeslagen)"),
    "greedy-noskip": _("Meeste stemmen (stopt bij het eerste project dat niet past)"),
    "mes-add1": _("Methode van gelijke delen (Add1)"),
    "mes-add1-comparison": _("Methode van gelijke delen (Add1, met vergelijking)"),
    "phragmen": _("Sequentiële methode van Phragmén"),
}

#: The rules that read Amsterdam's partial funding (``Election.leftover_partial``): the
#: greedy ones. Equal Shares and Phragmén count the same election without it.
PARTIAL_RULES = ("greedy", "greedy-noskip")

#: The ``leftover_budget`` META value that asks for it, as the Amsterdam files write it.
LEFTOVER_PARTIAL = "Partially fund one additional project with highest score"

_COUNTERS = {
    "greedy": lambda e, p: rules.greedy(e, skip=True),
    "greedy-noskip": lambda e, p: rules.greedy(e, skip=False),
    "mes-add1": lambda e, p: rules.equal_shares(e, completion="add1", progress=p),
    "mes-add1-comparison": lambda e, p: rules.equal_shares(
        e, completion="add1", comparison=True, progress=p
    ),
    "phragmen": lambda e, p: rules.phragmen(e),
}

# Pabulib's ``rule`` META values -> our rule code (``greedy-threshold`` is greedy:
# the threshold itself is read from the file by the greedy rule).
_PABULIB_RULES = {
    "greedy": "greedy",
    "greedy-threshold": "greedy",
    "greedy-no-skip": "greedy-noskip",
    "equalshares/add1": "mes-add1",
    "equalshares/add1-comparison": "mes-add1-comparison",
}


def count(
    election: Election, rule: str, *, progress: Callable[[float], None] | None = None
) -> Outcome:
    """Count ``election`` with ``rule`` (a key of ``RULES``).

    Raises ``ValueError`` for an unknown rule. Large elections take seconds
    (Warszawa, 61,668 voters, Equal Shares: see docs/benchmarks.md): run it in a
    background job, not in a request. ``progress``, if given, is called with a
    number from 0 to 1 as the count goes on (Equal Shares: after every Add1 step)
    and with 1.0 at the end.
    """
    try:
        counter = _COUNTERS[rule]
    except KeyError:
        raise ValueError(f"unknown rule {rule!r}; choose from {', '.join(RULES)}") from None
    outcome = counter(election, progress)
    if progress is not None:
        progress(1.0)
    return outcome


def official_rule(election: Election) -> str | None:
    """Our code for the rule the file says the city used, or None if we do not have it."""
    return _PABULIB_RULES.get(election.rule)


def checksum(election: Election) -> str:
    """SHA-256 over a canonical form of everything that decides the outcome.

    Canonical: META keys sorted, projects and voters sorted by id, numbers in one
    notation, ballots as given (their order matters for ordinal ballots). Column
    order and line endings of a source file do not change it; any change in a
    cost, the budget, a ballot or a rule setting does.
    """
    digest = hashlib.sha256()

    def feed(obj: object) -> None:
        digest.update(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode())
        digest.update(b"\n")

    feed(["stadhuis-election", 1])
    feed(sorted(election.meta.items()))
    for pid in sorted(election.projects):
        project = election.projects[pid]
        feed([pid, format_number(project.cost), sorted(project.fields.items())])
    for voter in sorted(election.voters, key=lambda v: v.id):
        points = None if voter.points is None else [format_number(p) for p in voter.points]
        feed([voter.id, list(voter.ballot), points])
    return digest.hexdigest()
