"""The in-memory election that every counting rule reads.

Plain frozen dataclasses, no Django: the same objects come from a Pabulib file
(``pabulib.parse``), from the participation app's database rows, or from a test.
Everything a file carries is kept (extra META keys, extra project and vote
columns), so that ``pabulib.write`` gives the file back and a checksum covers
all inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

#: Ballot types we count. ``choose-1`` is Pabulib's name for choose-one.
APPROVAL = "approval"
KNAPSACK = "knapsack"
CUMULATIVE = "cumulative"
CHOOSE_ONE = "choose-1"
ORDINAL = "ordinal"
SCORING = "scoring"
VOTE_TYPES = (APPROVAL, KNAPSACK, CUMULATIVE, CHOOSE_ONE, ORDINAL, SCORING)

Number = int | Fraction


@dataclass(frozen=True)
class Project:
    """A project on the ballot: its id, cost and every other column of the file.

    ``fields`` keeps the other PROJECTS columns as text (``name``, ``votes``,
    ``category``, ``neighborhood``, ``selected``, ...), in file order.
    """

    id: str
    cost: Number
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.fields.get("name", self.id)

    def groups(self, column: str) -> tuple[str, ...]:
        """Values of a comma-separated column (``category``, ``neighborhood``, ``target``)."""
        raw = self.fields.get(column, "")
        return tuple(v.strip() for v in raw.split(",") if v.strip())

    @property
    def selected(self) -> bool | None:
        """The official outcome as recorded in the file, when it has a ``selected`` column."""
        raw = self.fields.get("selected")
        if raw is None or raw.strip() == "":
            return None
        try:
            return float(raw) > 0
        except ValueError:
            return None


@dataclass(frozen=True)
class Voter:
    """One ballot. ``ballot`` lists project ids (in rank order for ordinal ballots);
    ``points`` gives the points per listed project for cumulative/scoring ballots."""

    id: str
    ballot: tuple[str, ...]
    points: tuple[Number, ...] | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def utility(self) -> dict[str, Number]:
        """What this voter gives each listed project: its points, or 1 for approval."""
        if self.points is None:
            return dict.fromkeys(self.ballot, 1)
        return dict(zip(self.ballot, self.points, strict=True))


@dataclass(frozen=True, eq=False)
class Election:
    """A whole election: META (all keys, as text), the projects and the ballots.

    ``project_columns`` and ``vote_columns`` record the column order of the
    source, so that writing it back gives the same file.
    """

    meta: dict[str, str]
    projects: dict[str, Project]
    voters: tuple[Voter, ...]
    project_columns: tuple[str, ...] = ("project_id", "cost", "name")
    vote_columns: tuple[str, ...] = ("voter_id", "vote")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Election):
            return NotImplemented
        return (
            self.meta == other.meta
            and self.projects == other.projects
            and self.voters == other.voters
            and self.project_columns == other.project_columns
            and self.vote_columns == other.vote_columns
        )

    __hash__ = None  # type: ignore[assignment]

    # --- META, typed -------------------------------------------------------------

    @cached_property
    def budget(self) -> Number:
        return parse_number(self.meta.get("budget", "0"))

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", APPROVAL)

    @property
    def rule(self) -> str:
        """The rule the city used, as the file says (``greedy``, ``equalshares/add1``...)."""
        return self.meta.get("rule", "")

    def _meta_int(self, key: str) -> int | None:
        raw = self.meta.get(key)
        if raw is None or raw.strip() == "":
            return None
        return int(float(raw))

    @property
    def min_length(self) -> int | None:
        return self._meta_int("min_length")

    @property
    def max_length(self) -> int | None:
        return self._meta_int("max_length")

    @property
    def min_sum_points(self) -> int | None:
        return self._meta_int("min_sum_points")

    @property
    def max_sum_points(self) -> int | None:
        return self._meta_int("max_sum_points")

    @property
    def score_threshold(self) -> int | None:
        """``min_project_score_threshold``: projects with fewer votes are not eligible
        (Warszawa, Łódź: Pabulib rule ``greedy-threshold``)."""
        return self._meta_int("min_project_score_threshold")

    @cached_property
    def caps(self) -> dict[str, dict[str, Number]]:
        """Upper bounds on the money per group of projects: column -> group -> cap.

        Pabulib writes them as ``budget_per_category`` / ``budget_per_neighborhood``
        (a comma-separated list in the order of the ``categories`` /
        ``neighborhoods`` META key). Amsterdam's neighbourhood budgets are of
        this kind. Only caps on what the *rule* may select are read here; the
        per-voter limits (``max_sum_cost_per_category``) constrain ballots.
        """
        result: dict[str, dict[str, Number]] = {}
        for column, names_key, caps_key in (
            ("category", "categories", "budget_per_category"),
            ("neighborhood", "neighborhoods", "budget_per_neighborhood"),
            ("neighborhood", "neighbourhoods", "budget_per_neighbourhood"),
            ("district", "districts", "budget_per_district"),
        ):
            raw_caps = self.meta.get(caps_key)
            if not raw_caps:
                continue
            amounts = [parse_number(v) for v in raw_caps.split(",")]
            names = [v.strip() for v in self.meta.get(names_key, "").split(",") if v.strip()]
            if len(names) != len(amounts):
                # No names, or not as many as amounts: group names in the order the
                # projects first mention them (our own writer always writes the names).
                names = []
                for project in self.projects.values():
                    for group in project.groups(column):
                        if group not in names:
                            names.append(group)
                if len(names) != len(amounts):
                    continue
            result[column] = dict(zip(names, amounts, strict=True))
        return result

    @property
    def leftover(self) -> str:
        """How money left after the capped pass is spent (Amsterdam ``leftover_budget``)."""
        return self.meta.get("leftover_budget", "")

    # --- derived -------------------------------------------------------------------

    @cached_property
    def project_index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.projects)}


def parse_number(raw: str) -> Number:
    """An exact number from text: ``"5000"`` -> 5000, ``"5000.50"`` -> Fraction(10001, 2).

    Exact, so that budgets and costs never drift by a cent through floats.
    """
    raw = raw.strip()
    try:
        return int(raw)
    except ValueError:
        value = Fraction(raw.replace(",", "."))
        return int(value) if value.denominator == 1 else value


def format_number(value: Number) -> str:
    """The inverse of ``parse_number`` (as short as possible, no exponent)."""
    if isinstance(value, int) or (isinstance(value, Fraction) and value.denominator == 1):
        return str(int(value))
    text = f"{float(value):.10f}".rstrip("0").rstrip(".")
    if parse_number(text) == value:
        return text
    return f"{value.numerator}/{value.denominator}"


def ballot_problems(
    election: Election, ballot: tuple[str, ...], points: tuple[Number, ...] | None = None
) -> list[str]:
    """What is wrong with a ballot under this election's rules; empty when it is valid.

    Codes (the voting form turns them into text): ``unknown_project``, ``twice``,
    ``too_few``, ``too_many``, ``over_budget`` (knapsack: the chosen projects cost more
    than the budget), ``points_missing``, ``points_negative``, ``points_too_few``,
    ``points_too_many`` (cumulative: ``min_sum_points``/``max_sum_points``).
    ``choose-1`` allows exactly one project.
    """
    problems = []
    if any(pid not in election.projects for pid in ballot):
        problems.append("unknown_project")
    if len(set(ballot)) != len(ballot):
        problems.append("twice")
    low, high = election.min_length, election.max_length
    if election.vote_type == CHOOSE_ONE:
        low, high = 1, 1
    if low is not None and len(ballot) < low:
        problems.append("too_few")
    if high is not None and len(ballot) > high:
        problems.append("too_many")
    if (
        election.vote_type == KNAPSACK
        and "unknown_project" not in problems
        and sum(election.projects[pid].cost for pid in set(ballot)) > election.budget
    ):
        problems.append("over_budget")
    if election.vote_type in (CUMULATIVE, SCORING):
        if points is None or len(points) != len(ballot):
            problems.append("points_missing")
        else:
            if any(p < 0 for p in points):
                problems.append("points_negative")
            total = sum(points)
            if election.min_sum_points is not None and total < election.min_sum_points:
                problems.append("points_too_few")
            if election.max_sum_points is not None and total > election.max_sum_points:
                problems.append("points_too_many")
    return problems
