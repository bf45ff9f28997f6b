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
from typing import Any

#: Ballot types we count. ``choose-1`` is Pabulib's name for choose-one.
APPROVAL = "approval"
KNAPSACK = "knapsack"
CUMULATIVE = "cumulative"
CHOOSE_ONE = "choose-1"
ORDINAL = "ordinal"
SCORING = "scoring"
VOTE_TYPES = (APPROVAL, KNAPSACK, CUMULATIVE, CHOOSE_ONE, ORDINAL, SCORING)

Number = int | Fraction

#: META keys with one whole number >= 0, and with one amount >= 0 (checked when parsing).
WHOLE_KEYS = (
    "min_length",
    "max_length",
    "min_sum_points",
    "max_sum_points",
    "min_project_score_threshold",
)
AMOUNT_KEYS = ("min_sum_cost", "max_sum_cost", "min_project_cost", "max_project_cost")
#: Per-vote limits per category: one value for every category, or one per category in the
#: order of the ``categories`` key. Whole numbers for the counts, amounts for the costs.
CATEGORY_WHOLE_KEYS = ("min_length_per_category", "max_length_per_category")
CATEGORY_AMOUNT_KEYS = ("min_sum_cost_per_category", "max_sum_cost_per_category")


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
        return _names(self.fields.get(column, ""))

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


class _MetaNumber:
    """A typed META key on ``Election``: None when absent or empty, else the exact number
    (an int for ``whole`` keys). Named after the attribute unless ``key`` is given.

    ``parse_number``, as the parser's check of these keys (pabulib._check_limits) does:
    "6/2" or "1,0" pass that check, so ``float()`` must not read them; exact, so "1e400"
    is a (large) whole number, not an OverflowError from inf.
    """

    def __init__(self, key: str = "", *, whole: bool = False, doc: str = "") -> None:
        self.key, self.whole, self.__doc__ = key, whole, doc or None

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = self.key or name

    def __get__(self, election: Election | None, owner: type | None = None) -> Any:
        if election is None:
            return self
        raw = election.meta.get(self.key, "")
        if not raw.strip():
            return None
        value = parse_number(raw)
        return int(value) if self.whole else value


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

    # Per-vote limits and requirements on projects: None when the file does not set them.
    min_length = _MetaNumber(whole=True)
    max_length = _MetaNumber(whole=True)
    min_sum_points = _MetaNumber(whole=True)
    max_sum_points = _MetaNumber(whole=True)
    min_sum_cost = _MetaNumber(
        doc="Per vote: the chosen projects cost at least this much together."
    )
    max_sum_cost = _MetaNumber(doc="Per vote: the chosen projects cost at most this much together.")
    min_project_cost = _MetaNumber(
        doc="A requirement on projects (not on ballots): none may cost less."
    )
    max_project_cost = _MetaNumber(
        doc="A requirement on projects (not on ballots): none may cost more."
    )
    score_threshold = _MetaNumber(
        "min_project_score_threshold",
        whole=True,
        doc="Projects with fewer votes are not eligible (Warszawa, Łódź: Pabulib rule "
        "``greedy-threshold``).",
    )

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
            names = list(_names(self.meta.get(names_key, "")))
            if len(names) != len(amounts):
                # No names, or not as many as amounts: group names in the order the
                # projects first mention them (our own writer always writes the names).
                names = _first_mentions(self.projects, column)
                if len(names) != len(amounts):
                    continue
            result[column] = dict(zip(names, amounts, strict=True))
        return result

    @property
    def leftover(self) -> str:
        """How money left after the capped pass is spent (Amsterdam ``leftover_budget``)."""
        return self.meta.get("leftover_budget", "")

    @property
    def leftover_partial(self) -> bool:
        """Amsterdam's "Partially fund one additional project with highest score": after
        greedy, the money left goes to the best-placed project that did not fit."""
        return "partially fund" in self.leftover.lower()

    @cached_property
    def category_names(self) -> tuple[str, ...]:
        """The ``categories`` META key, else the categories in the order projects name them."""
        return _names(self.meta.get("categories", "")) or tuple(
            _first_mentions(self.projects, "category")
        )

    @cached_property
    def category_limits(self) -> dict[str, dict[str, Number]]:
        """Per-vote limits per category that the META sets: key -> category -> bound.

        Keys: ``min_length_per_category`` / ``max_length_per_category`` (how many of a
        category's projects one vote may choose) and ``min_sum_cost_per_category`` /
        ``max_sum_cost_per_category`` (what they may cost together). One value applies to
        every category (the ``categories`` key and every category a project names); a
        list gives one bound per name of ``categories``, in that order. Not to be
        confused with ``caps`` (``budget_per_category``), which bind the rule.
        """
        result: dict[str, dict[str, Number]] = {}
        for key in CATEGORY_WHOLE_KEYS + CATEGORY_AMOUNT_KEYS:
            values = category_values(self.meta.get(key, ""))
            if not values:
                continue
            if len(values) == 1:
                names = list(self.category_names)
                names += [n for n in _first_mentions(self.projects, "category") if n not in names]
                result[key] = dict.fromkeys(names, values[0])
                continue
            names = _names(self.meta.get("categories", ""))
            if len(names) != len(values):
                raise ValueError(
                    f"{key} has {len(values)} values, but categories names {len(names)}"
                )
            result[key] = dict(zip(names, values, strict=True))
        return result

    @cached_property
    def project_categories(self) -> dict[str, tuple[str, ...]]:
        """Project id -> its categories (split once, for checking many ballots)."""
        return {pid: p.groups("category") for pid, p in self.projects.items()}

    # --- derived -------------------------------------------------------------------

    @cached_property
    def project_index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.projects)}


def _names(raw: str) -> tuple[str, ...]:
    """The names of a comma-separated value, stripped, empty ones left out."""
    return tuple(v.strip() for v in raw.split(",") if v.strip())


def _first_mentions(projects: dict[str, Project], column: str) -> list[str]:
    names: list[str] = []
    for project in projects.values():
        for group in project.groups(column):
            if group not in names:
                names.append(group)
    return names


def category_values(raw: str) -> list[Number]:
    """The comma-separated numbers of a ``..._per_category`` META value ([] when empty)."""
    return [parse_number(v) for v in raw.split(",")] if raw.strip() else []


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

    Codes (the voting form turns them into text), each at most once, in this order:
    ``unknown_project``, ``twice``, ``too_few``, ``too_many`` (``min_length`` /
    ``max_length``; ``choose-1`` allows exactly one project), ``over_budget`` (knapsack:
    the chosen projects cost more than the budget), ``cost_too_low`` / ``cost_too_high``
    (``min_sum_cost`` / ``max_sum_cost``: what the chosen projects cost together),
    ``category_too_few`` / ``category_too_many`` (``min_length_per_category`` /
    ``max_length_per_category``: how many projects of one category),
    ``category_cost_too_low`` / ``category_cost_too_high`` (``min_sum_cost_per_category`` /
    ``max_sum_cost_per_category``: what one category's chosen projects cost together),
    ``points_missing``, ``points_negative``, ``points_too_few``, ``points_too_many``
    (cumulative: ``min_sum_points`` / ``max_sum_points``). A project in two categories
    counts in both. Limits on money and categories are only checked when every listed
    project is known, and count a project named twice once.
    """
    problems = []
    projects = election.projects
    known = all(pid in projects for pid in ballot)
    if not known:
        problems.append("unknown_project")
    chosen = set(ballot)
    if len(chosen) != len(ballot):
        problems.append("twice")
    low, high = election.min_length, election.max_length
    if election.vote_type == CHOOSE_ONE:
        low, high = 1, 1
    if low is not None and len(ballot) < low:
        problems.append("too_few")
    if high is not None and len(ballot) > high:
        problems.append("too_many")
    if known:
        min_cost, max_cost = election.min_sum_cost, election.max_sum_cost
        knapsack = election.vote_type == KNAPSACK
        if knapsack or min_cost is not None or max_cost is not None:
            total = sum(projects[pid].cost for pid in chosen)
            if knapsack and total > election.budget:
                problems.append("over_budget")
            if min_cost is not None and total < min_cost:
                problems.append("cost_too_low")
            if max_cost is not None and total > max_cost:
                problems.append("cost_too_high")
        limits = election.category_limits
        if limits:
            problems += _category_problems(election, chosen, limits)
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


_CATEGORY_CHECKS = (
    ("min_length_per_category", "category_too_few", False, True),
    ("max_length_per_category", "category_too_many", False, False),
    ("min_sum_cost_per_category", "category_cost_too_low", True, True),
    ("max_sum_cost_per_category", "category_cost_too_high", True, False),
)


def _category_problems(
    election: Election, chosen: set[str], limits: dict[str, dict[str, Number]]
) -> list[str]:
    counts: dict[str, int] = {}
    costs: dict[str, Number] = {}
    categories = election.project_categories
    for pid in chosen:
        cost = election.projects[pid].cost
        for group in categories[pid]:
            counts[group] = counts.get(group, 0) + 1
            costs[group] = costs.get(group, 0) + cost
    problems = []
    for key, code, by_cost, is_lower in _CATEGORY_CHECKS:
        bounds = limits.get(key)
        if not bounds:
            continue
        measure = costs if by_cost else counts
        for group, bound in bounds.items():
            value = measure.get(group, 0)
            if (value < bound) if is_lower else (value > bound):
                problems.append(code)
                break
    return problems


def project_problems(election: Election) -> dict[str, list[str]]:
    """Projects that break the file's requirements on projects: id -> codes.

    ``cost_below_minimum`` (``min_project_cost``), ``cost_above_maximum``
    (``max_project_cost``). These bind who may propose what, not the count: such a
    project is still counted as it stands.
    """
    low, high = election.min_project_cost, election.max_project_cost
    result: dict[str, list[str]] = {}
    if low is None and high is None:
        return result
    for pid, project in election.projects.items():
        codes = []
        if low is not None and project.cost < low:
            codes.append("cost_below_minimum")
        if high is not None and project.cost > high:
            codes.append("cost_above_maximum")
        if codes:
            result[pid] = codes
    return result
