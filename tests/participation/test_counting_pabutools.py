"""Our rules agree with pabutools, the reference implementation, on many small
random elections (seeded, so every run checks the same elections).

pabutools is GPL: it is a test dependency only and src/ never imports it
(``test_src_never_imports_pabutools``). It counts with exact fractions; we count
Equal Shares and Phragmén with floats, so agreement here also checks that our
tolerances do not change outcomes.

Both sides break ties the same way (more votes, lower cost, file order): pabutools
gets that order as its tie-breaking rule.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from stadhuis.participation.counting import Election, Project, Voter, count
from stadhuis.participation.counting.rules import equal_shares

pabutools = pytest.importorskip("pabutools")

from pabutools.election import (  # noqa: E402
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    Instance,
)
from pabutools.election import Project as PabuProject  # noqa: E402
from pabutools.rules import (  # noqa: E402
    greedy_utilitarian_welfare,
    method_of_equal_shares,
    sequential_phragmen,
)
from pabutools.tiebreaking import TieBreakingRule  # noqa: E402

from .test_counting import DATA, needs_data, parsed  # noqa: E402

SRC = Path(__file__).resolve().parents[2] / "src"


def random_election(rng: random.Random) -> Election:
    m = rng.randint(2, 8)
    n = rng.randint(1, 30)
    costs = {f"p{j}": rng.randint(1, 60) for j in range(m)}
    total = sum(costs.values())
    budget = rng.randint(max(1, total // 5), total)
    popularity = [rng.random() for _ in range(m)]
    voters = []
    for i in range(n):
        ballot = tuple(p for j, p in enumerate(costs) if rng.random() < popularity[j])
        voters.append(Voter(f"v{i}", ballot or (rng.choice(list(costs)),)))
    return Election(
        meta={"budget": str(budget), "vote_type": "approval"},
        projects={pid: Project(pid, cost, {}) for pid, cost in costs.items()},
        voters=tuple(voters),
    )


def to_pabutools(election: Election):
    projects = {pid: PabuProject(pid, p.cost) for pid, p in election.projects.items()}
    instance = Instance(projects.values(), budget_limit=election.budget)
    profile = ApprovalProfile(
        [ApprovalBallot([projects[p] for p in v.ballot]) for v in election.voters],
        instance=instance,
    )
    position = {pid: i for i, pid in enumerate(election.projects)}
    tie = TieBreakingRule(
        lambda inst, prof, proj: (-prof.approval_score(proj), proj.cost, position[proj.name])
    )
    return instance, profile, tie


def names(allocation, election: Election | None = None) -> set[str]:
    """Funded names; without the projects nobody voted for, which pabutools' greedy
    and Phragmén add at the end when they fit and we never fund."""
    supported = {p for v in election.voters for p in v.ballot} if election else None
    return {p.name for p in allocation if supported is None or p.name in supported}


ELECTIONS = [random_election(random.Random(seed)) for seed in range(150)]


@pytest.mark.parametrize("seed", range(len(ELECTIONS)))
def test_greedy_mes_and_phragmen_agree_with_pabutools(seed):
    election = ELECTIONS[seed]
    instance, profile, tie = to_pabutools(election)

    ours = set(count(election, "greedy").funded)
    theirs = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
    assert ours == names(theirs, election), "greedy"

    ours = set(equal_shares(election, completion="none").funded)
    theirs = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
    assert ours == names(theirs), "Equal Shares without completion"

    # pabutools' Add1 stops at the first exhaustive outcome: ours does too when asked.
    ours = set(equal_shares(election, completion="add1", exhaustive=True).funded)
    theirs = method_of_equal_shares(
        instance, profile, sat_class=Cost_Sat, tie_breaking=tie, voter_budget_increment=1
    )
    assert ours == names(theirs), "Equal Shares with Add1"

    ours = count(election, "phragmen").funded
    theirs = sequential_phragmen(instance, profile, tie_breaking=tie)
    assert set(ours) == names(theirs, election), "Phragmén"


@needs_data
@pytest.mark.parametrize("name", ["Netherlands_Amsterdam_515.pb", "Netherlands_Amsterdam_523.pb"])
def test_greedy_agrees_with_pabutools_on_real_files_without_caps(name):
    """Amsterdam files carry no official outcome; pabutools' greedy is the check."""
    from pabutools.election import parse_pabulib

    election = parsed(name)
    assert not election.caps
    assert not election.leftover_partial
    instance, profile = parse_pabulib(str(DATA / name))
    theirs = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    assert set(count(election, "greedy").funded) == names(theirs, election)


@needs_data
@pytest.mark.parametrize("name", ["Netherlands_Amsterdam_417.pb", "Netherlands_Amsterdam_621.pb"])
def test_partial_funding_adds_one_project_to_pabutools_greedy(name):
    """pabutools does not fund in part (a project is in or out): it gives the plain
    greedy outcome. Ours is that plus the project that gets the money left."""
    from pabutools.election import parse_pabulib

    election = parsed(name)
    assert election.leftover_partial and not election.caps
    instance, profile = parse_pabulib(str(DATA / name))
    theirs = names(greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat), election)
    outcome = count(election, "greedy")
    assert len(outcome.partial) == 1
    assert set(outcome.funded) - set(outcome.partial) == theirs


def test_src_never_imports_pabutools():
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "pabutools" in path.read_text(encoding="utf-8").replace("pabutools (", "")
        and any(
            line.lstrip().startswith(("import pabutools", "from pabutools"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert not offenders
