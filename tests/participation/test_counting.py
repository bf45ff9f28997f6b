"""Counting reproduces real elections, and the rules behave as documented.

The real elections are the Pabulib files in ``../shared/data/pabulib`` (see its
README). Each test counts a file with the rule its META names and compares with
the official outcome in the PROJECTS ``selected`` column. Parsed files are cached
for the whole test session: the Amsterdam files are big.
"""

from __future__ import annotations

import functools
import math
import os
from pathlib import Path

import pytest
from django.utils import translation

from stadhuis.participation.counting import (
    RULES,
    Election,
    Project,
    Voter,
    ballot_problems,
    checksum,
    count,
    describe,
    official_rule,
    parse_file,
    project_problems,
)
from stadhuis.participation.counting import explain as ex
from stadhuis.participation.counting.rules import equal_shares


def _pabulib_dir() -> Path:
    """``STADHUIS_PABULIB_DIR``, else ``shared/data/pabulib`` beside the checkout or any
    folder above it (a CI checkout may sit deeper than ``../``)."""
    if os.environ.get("STADHUIS_PABULIB_DIR"):
        return Path(os.environ["STADHUIS_PABULIB_DIR"])
    here = Path(__file__).resolve()
    for parent in here.parents[2:]:
        candidate = parent / "shared" / "data" / "pabulib"
        if candidate.is_dir():
            return candidate
    return here.parents[3] / "shared" / "data" / "pabulib"


DATA = _pabulib_dir()
FILES = sorted(DATA.glob("*.pb")) if DATA.is_dir() else []
needs_data = pytest.mark.skipif(not FILES, reason=f"no Pabulib files in {DATA}")


@functools.cache
def parsed(name: str) -> Election:
    """A real election, parsed once per test session."""
    return parse_file(DATA / name)


@functools.cache
def counted(name: str, rule: str):
    """A real election counted with ``rule``, once per test session."""
    return count(parsed(name), rule)


def official(election: Election) -> set[str]:
    return {pid for pid, p in election.projects.items() if p.selected}


def has_official_outcome(election: Election) -> bool:
    return any(p.selected is not None for p in election.projects.values())


WITH_OUTCOME = [
    "Netherlands_Assen_2024.pb",
    "Poland_Lodz_2022.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Warszawa_2026.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
]
AMSTERDAM = [f.name for f in FILES if f.name.startswith("Netherlands_Amsterdam_")]


@needs_data
def test_the_data_set_is_what_these_tests_expect():
    """45 files; only the five below carry the official outcome (``selected``).

    The Amsterdam files have no ``selected`` column, so for them the tests can
    only check the rules' own promises and agree with pabutools (test_counting_pabutools).
    """
    assert len(FILES) == 45
    with_outcome = sorted(f.name for f in FILES if has_official_outcome(parsed(f.name)))
    assert with_outcome == WITH_OUTCOME


@needs_data
@pytest.mark.parametrize("name", WITH_OUTCOME)
def test_official_outcome_is_reproduced(name):
    election = parsed(name)
    rule = official_rule(election)
    assert rule is not None, f"{name}: rule {election.rule!r} not implemented"
    outcome = counted(name, rule)
    assert set(outcome.funded) == official(election)
    assert outcome.budget_used <= election.budget


@needs_data
def test_greedy_would_have_funded_only_nine_in_swiecie():
    """The README's figure: Equal Shares funded 17 projects where greedy funds 9."""
    election = parsed("Poland_Swiecie_2023.pb")
    assert len(count(election, "greedy").funded) == 9
    assert len(counted("Poland_Swiecie_2023.pb", "mes-add1").funded) == 17


@needs_data
def test_wieliczka_needs_add1_to_continue_past_an_exhaustive_outcome():
    """pabutools stops raising the voters' money as soon as nothing else fits
    (an exhaustive outcome, at about 301.84 per voter): that outcome has 31
    projects, with 66 and 67 but without 46. The official count went on raising
    while the outcome still fitted the budget (to about 315.84) and ended with
    the official 30 (docs/architecture.md)."""
    election = parsed("Poland_Wieliczka_2023_Green_Budget.pb")
    stopped_early = equal_shares(election, completion="add1", exhaustive=True, comparison=True)
    assert official(election) - set(stopped_early.funded) == {"46"}
    assert set(stopped_early.funded) - official(election) == {"66", "67"}
    full = counted("Poland_Wieliczka_2023_Green_Budget.pb", "mes-add1-comparison")
    assert set(full.funded) == official(election)
    assert full.details["prefers_mes"] > full.details["prefers_greedy"]
    assert full.details["per_voter"] > stopped_early.details["per_voter"]


@needs_data
@pytest.mark.parametrize("name", AMSTERDAM)
def test_amsterdam_greedy_keeps_its_promises(name):
    """Greedy on every Amsterdam file: within the budget and every cap, in vote
    order, and each unfunded project really did not fit when its turn came."""
    election = parsed(name)
    outcome = count(election, "greedy")
    assert outcome.budget_used <= election.budget
    spent: dict[tuple[str, str], int] = {}
    for pid in outcome.funded:
        e = outcome.explanations[pid]
        if e.reason == ex.FUNDED:
            for column, groups in election.caps.items():
                for group in election.projects[pid].groups(column):
                    if group in groups:
                        spent[column, group] = spent.get((column, group), 0) + e.cost
    for (column, group), total in spent.items():
        assert total <= election.caps[column][group]
    for e in outcome.explanations.values():
        if e.reason == ex.NO_MONEY_LEFT:
            assert e.cost > e.money_left
        elif e.reason == ex.CAP_REACHED:
            assert e.cost > e.group_money_left
        elif e.reason == ex.FUNDED:
            assert e.cost <= e.money_left
    first_pass = [pid for pid in outcome.funded if outcome.explanations[pid].reason == ex.FUNDED]
    votes = [outcome.explanations[pid].votes for pid in first_pass]
    assert votes == sorted(votes, reverse=True)


@needs_data
def test_amsterdam_neighbourhood_caps_change_the_outcome():
    """Centrum 2020 (252): 'Other' may get 250,000 of the 500,000; without the caps
    greedy would spend more there."""
    election = parsed("Netherlands_Amsterdam_252.pb")
    assert election.caps == {
        "neighborhood": {
            "Oostelijke Eilanden": 150000,
            "Haarlemmerhouttuinen": 100000,
            "Other": 250000,
        }
    }
    capped = count(election, "greedy")
    uncapped_meta = {
        k: v for k, v in election.meta.items() if k not in ("budget_per_neighborhood",)
    }
    uncapped = count(Election(uncapped_meta, election.projects, election.voters), "greedy")
    assert capped.funded != uncapped.funded
    other = sum(
        election.projects[p].cost
        for p in capped.funded
        if election.projects[p].groups("neighborhood") == ("Other",)
    )
    assert other <= 250000


PARTIAL = "Partially fund one additional project with highest score"
PARTIAL_FILES = [
    "Netherlands_Amsterdam_324.pb",
    "Netherlands_Amsterdam_417.pb",
    "Netherlands_Amsterdam_509.pb",
    "Netherlands_Amsterdam_613.pb",
    "Netherlands_Amsterdam_621.pb",
    "Netherlands_Amsterdam_622.pb",
    "Netherlands_Amsterdam_628.pb",
    "Netherlands_Amsterdam_631.pb",
]


def without_leftover(e: Election) -> Election:
    meta = {k: v for k, v in e.meta.items() if k != "leftover_budget"}
    return Election(meta, e.projects, e.voters, e.project_columns, e.vote_columns)


@needs_data
def test_these_amsterdam_files_fund_one_more_project_in_part():
    assert [f for f in AMSTERDAM if parsed(f).leftover_partial] == PARTIAL_FILES
    assert all(parsed(f).meta["leftover_budget"] == PARTIAL for f in PARTIAL_FILES)


@needs_data
@pytest.mark.parametrize("name", PARTIAL_FILES)
def test_amsterdam_money_left_goes_to_the_next_project_in_line(name):
    """Plain greedy first; then the best-placed project that did not fit gets what is
    left, and the budget is used exactly. Weesp 2020 (324) had nothing left."""
    election = parsed(name)
    plain = count(without_leftover(election), "greedy")
    outcome = counted(name, "greedy")
    left = election.budget - plain.budget_used
    if left == 0:
        assert outcome.funded == plain.funded and not outcome.partial
        return
    line = sorted(plain.explanations.values(), key=lambda e: e.rank)
    first_out = next(e for e in line if e.reason == ex.NO_MONEY_LEFT)
    assert outcome.funded == [*plain.funded, first_out.project_id]
    assert outcome.partial == {first_out.project_id: left}
    assert outcome.budget_used == election.budget
    e = outcome.explanations[first_out.project_id]
    assert (e.funded, e.reason, e.amount, e.money_left) == (True, ex.FUNDED_PARTIAL, left, left)
    assert e.amount < e.cost


@needs_data
def test_amsterdam_partial_funding_matches_what_the_comments_say_was_carried_out():
    """417: "The leftover budget was supplemented by additional municipal funds to fully
    fund the extra project"; 621: "Two plans tied for the last project to be funded.
    Additional municipal funds were used to fund both projects". The count gives the
    budget's part; the top-up is outside the budget (and the data), but the projects
    carried out are exactly ``funded``."""
    centrum_2021 = counted("Netherlands_Amsterdam_417.pb", "greedy")
    assert centrum_2021.partial == {"40268": 450}
    assert centrum_2021.funded[-1] == "40268"
    centrum_2022 = counted("Netherlands_Amsterdam_621.pb", "greedy")
    tied = centrum_2022.explanations["43236"], centrum_2022.explanations["43224"]
    assert tied[0].votes == tied[1].votes == 3337
    assert (tied[0].reason, tied[0].cost) == (ex.FUNDED, 2000)  # the lower cost wins the tie
    assert (tied[1].reason, tied[1].amount, tied[1].cost) == (ex.FUNDED_PARTIAL, 1537, 49000)
    assert {"43236", "43224"} <= set(centrum_2022.funded)


# The ballots that break their own file's limits (the data are as published):
# Oost 2020 (212) allows 3 projects per category per vote, yet 2,100 ballots have more
# in one category as the PROJECTS section assigns them; Oost 2021 (332) 324 ballots
# over a category's cost limit (all in "Culturele activiteiten", by up to ~4,000);
# Oost 2022 (604) one ballot names a project twice (pabulib.py keeps it).
BALLOTS_BREAKING_THEIR_LIMITS = {
    "Netherlands_Amsterdam_212.pb": {"category_too_many": 2100},
    "Netherlands_Amsterdam_332.pb": {"category_cost_too_high": 324},
    "Netherlands_Amsterdam_604.pb": {"twice": 1},
}


@needs_data
def test_every_real_ballot_keeps_its_files_limits_but_these():
    found = {}
    for path in FILES:
        election = parsed(path.name)
        problems: dict[str, int] = {}
        for voter in election.voters:
            for code in ballot_problems(election, voter.ballot, voter.points):
                problems[code] = problems.get(code, 0) + 1
        if problems:
            found[path.name] = problems
    assert found == BALLOTS_BREAKING_THEIR_LIMITS


@needs_data
def test_real_files_with_per_category_limits_are_read():
    oost_2020 = parsed("Netherlands_Amsterdam_212.pb")
    assert oost_2020.category_limits == {
        "max_length_per_category": dict.fromkeys(oost_2020.category_names, 3)
    }
    oost_2021 = parsed("Netherlands_Amsterdam_332.pb").category_limits
    assert oost_2021["max_sum_cost_per_category"]["(Fiets)parkeren"] == 10750
    assert set(oost_2021["min_length_per_category"].values()) == {0}
    assert [
        (f, project_problems(parsed(f)))
        for f in AMSTERDAM
        if parsed(f).meta.get("min_project_cost") or parsed(f).meta.get("max_project_cost")
    ] == [
        ("Netherlands_Amsterdam_212.pb", {"16580": ["cost_below_minimum"]}),
        ("Netherlands_Amsterdam_267.pb", {}),
        ("Netherlands_Amsterdam_332.pb", {}),
        ("Netherlands_Amsterdam_335.pb", {}),
        ("Netherlands_Amsterdam_515.pb", {}),
        ("Netherlands_Amsterdam_604.pb", {}),
        ("Netherlands_Amsterdam_605.pb", {}),
    ]


# --- the rules on small elections, by hand ------------------------------------------------


def election(budget, projects, ballots, **meta) -> Election:
    return Election(
        meta={"budget": str(budget), "vote_type": "approval", **meta},
        projects={pid: Project(pid, cost, {"name": pid}) for pid, cost in projects.items()},
        voters=tuple(Voter(str(i), tuple(b)) for i, b in enumerate(ballots)),
    )


def test_greedy_skips_and_noskip_stops():
    e = election(10, {"a": 6, "b": 5, "c": 4}, [["a", "b", "c"]] * 3 + [["a", "b"]] * 2 + [["a"]])
    assert count(e, "greedy").funded == ["a", "c"]
    noskip = count(e, "greedy-noskip")
    assert noskip.funded == ["a"]
    assert noskip.explanations["b"].reason == ex.NO_MONEY_LEFT
    assert noskip.explanations["c"].reason == ex.STOPPED
    b = count(e, "greedy").explanations["b"]
    assert (b.rank, b.money_left, b.reason) == (2, 4, ex.NO_MONEY_LEFT)


def test_partial_funding_gives_the_money_left_to_the_next_project_in_line():
    """a fits (6 of 10), b (5) does not, c (3) does: 1 is left, and b gets it."""
    ballots = [["a"]] * 3 + [["b"]] * 2 + [["c"]]
    plain = election(10, {"a": 6, "b": 5, "c": 3}, ballots)
    assert count(plain, "greedy").funded == ["a", "c"]
    e = election(10, {"a": 6, "b": 5, "c": 3}, ballots, leftover_budget=PARTIAL)
    outcome = count(e, "greedy")
    assert outcome.funded == ["a", "c", "b"]
    assert outcome.budget_used == 10
    assert outcome.partial == {"b": 1}
    b = outcome.explanations["b"]
    assert (b.funded, b.reason, b.amount, b.cost, b.rank) == (True, ex.FUNDED_PARTIAL, 1, 5, 2)
    assert outcome.explanations["a"].amount is None
    with translation.override("nl"):
        assert describe(b) == (
            "Gedeeltelijk betaald: 1 van 5 euro. Plaats 2 met 2 stemmen. Het paste niet meer "
            "helemaal; het geld dat over was, gaat naar dit project."
        )
    with translation.override("en"):
        assert describe(b).startswith("Partly paid: 1 of 5 euros.")


def test_partial_funding_skips_projects_that_could_not_get_money_anyway():
    """f has the most votes but costs more than the whole budget: the money left goes
    to g, the first that simply did not fit. Projects nobody voted for, or with fewer
    votes than the threshold, get nothing: then the money stays unspent."""
    ballots = [["a", "f"]] * 4 + [["f", "g", "e"]] * 2 + [["g"]]
    projects = {"a": 7, "d": 1, "e": 4, "f": 11, "g": 4}
    e = election(10, projects, ballots, leftover_budget=PARTIAL)
    outcome = count(e, "greedy")
    assert outcome.explanations["f"].reason == ex.TOO_EXPENSIVE
    assert outcome.funded == ["a", "g"]
    assert outcome.partial == {"g": 3}
    assert outcome.budget_used == 10
    ballots = [["a"]] * 4 + [["e"]] * 2
    e = election(10, projects, ballots, leftover_budget=PARTIAL, min_project_score_threshold="3")
    outcome = count(e, "greedy")
    assert outcome.funded == ["a"] and outcome.partial == {}
    assert outcome.explanations["e"].reason == ex.BELOW_THRESHOLD
    assert outcome.explanations["d"].reason == ex.BELOW_THRESHOLD
    assert outcome.budget_used == 7


def test_partial_funding_without_skipping_goes_to_where_the_count_stopped():
    ballots = [["a"]] * 3 + [["b"]] * 2 + [["c"]]
    e = election(10, {"a": 6, "b": 5, "c": 3}, ballots, leftover_budget=PARTIAL)
    outcome = count(e, "greedy-noskip")
    assert outcome.funded == ["a", "b"]
    assert outcome.partial == {"b": 4}
    assert outcome.explanations["c"].reason == ex.STOPPED


def test_partial_funding_without_skipping_passes_over_projects_dearer_than_the_budget():
    """x (20) costs more than the whole budget and stops the count; y (15) after it is
    'stopped' but costs more than the budget too: neither gets the 4 left. c (3) does,
    in full (the one additional project), and 1 stays unspent."""
    ballots = [["a"]] * 4 + [["x"]] * 3 + [["y"]] * 2 + [["c"]]
    projects = {"a": 6, "x": 20, "y": 15, "c": 3}
    e = election(10, projects, ballots, leftover_budget=PARTIAL)
    outcome = count(e, "greedy-noskip")
    assert outcome.explanations["x"].reason == ex.TOO_EXPENSIVE
    assert outcome.explanations["y"].reason == ex.STOPPED
    assert outcome.funded == ["a", "c"] and outcome.partial == {}
    assert outcome.explanations["c"].reason == ex.FUNDED_LEFTOVER
    assert outcome.budget_used == 9


def test_partial_funding_ignores_caps_and_funds_a_capped_project_in_full_if_it_fits():
    """b is stopped by its neighbourhood's cap, not by the budget: the money left pays
    all of it (as the 'fund additional projects' pass would)."""
    projects = {
        "a": Project("a", 5, {"neighborhood": "Noord"}),
        "b": Project("b", 3, {"neighborhood": "Noord"}),
    }
    meta = {
        "budget": "10",
        "neighborhoods": "Noord",
        "budget_per_neighborhood": "6",
        "leftover_budget": PARTIAL,
    }
    e = Election(meta, projects, (Voter("1", ("a", "b")), Voter("2", ("a",))))
    outcome = count(e, "greedy")
    assert outcome.funded == ["a", "b"]
    assert outcome.explanations["b"].reason == ex.FUNDED_LEFTOVER
    assert outcome.partial == {}
    assert outcome.budget_used == 8


def test_nothing_is_funded_in_part_when_no_money_is_left():
    ballots = [["a", "b", "c"]] * 2 + [["a"]]
    e = election(10, {"a": 6, "b": 4, "c": 5}, ballots, leftover_budget=PARTIAL)
    outcome = count(e, "greedy")
    assert outcome.funded == ["a", "b"] and outcome.partial == {}


def test_greedy_tie_breaks_on_lower_cost_then_file_order():
    e = election(10, {"x": 5, "y": 4, "z": 4}, [["x", "y", "z"]])
    assert count(e, "greedy").funded == ["y", "z"]


def test_greedy_threshold_makes_projects_ineligible():
    e = election(
        100, {"a": 10, "b": 10}, [["a", "b"]] * 2 + [["a"]], min_project_score_threshold="3"
    )
    outcome = count(e, "greedy")
    assert outcome.funded == ["a"]
    assert outcome.explanations["b"].reason == ex.BELOW_THRESHOLD


def test_equal_shares_is_proportional_where_greedy_is_not():
    """Six voters want a and b, four want c: greedy gives the majority everything,
    Equal Shares gives the minority its share."""
    e = election(30, {"a": 10, "b": 10, "c": 10, "d": 10}, [["a", "b", "d"]] * 6 + [["c"]] * 4)
    assert set(count(e, "greedy").funded) == {"a", "b", "d"}
    mes = count(e, "mes-add1")
    assert "c" in mes.funded
    assert mes.budget_used <= 30
    c = mes.explanations["c"]
    assert c.payments and sum(g.voters for g in c.payments) == 4
    assert math.isclose(sum(g.voters * g.amount for g in c.payments), 10, rel_tol=1e-6)


def test_comparison_step_takes_greedy_when_more_voters_prefer_it():
    """Six voters get two projects from Equal Shares and three from greedy; four get
    one and none: six against four, so greedy's outcome is taken."""
    e = election(30, {"a": 10, "b": 10, "c": 10, "d": 10}, [["a", "b", "d"]] * 6 + [["c"]] * 4)
    outcome = count(e, "mes-add1-comparison")
    assert outcome.details["greedy_taken"] is True
    assert (outcome.details["prefers_greedy"], outcome.details["prefers_mes"]) == (6, 4)
    assert outcome.funded == count(e, "greedy").funded
    assert outcome.explanations["d"].reason == ex.FUNDED
    assert outcome.explanations["d"].rank == 3


def test_equal_shares_explains_unfunded_projects():
    e = election(30, {"a": 10, "b": 10, "c": 25}, [["a", "b"]] * 6 + [["c"]] * 4)
    mes = count(e, "mes-add1")
    c = mes.explanations["c"]
    assert not c.funded
    assert c.reason == ex.SUPPORTERS_OUT_OF_MONEY
    assert c.supporters_money is not None and c.supporters_money < 25


def test_phragmen_buys_cheapest_per_supporter_first():
    e = election(20, {"a": 10, "b": 10, "c": 10}, [["a"]] * 5 + [["b"]] * 3 + [["c"]] * 1)
    outcome = count(e, "phragmen")
    assert outcome.funded == ["a", "b"]
    assert math.isclose(outcome.explanations["a"].load, 2.0)
    assert outcome.explanations["c"].reason == ex.STOPPED


def test_cumulative_ballots_count_points():
    e = Election(
        meta={"budget": "10", "vote_type": "cumulative"},
        projects={p: Project(p, 5, {}) for p in "abc"},
        voters=(
            Voter("1", ("a", "b"), (1, 9)),
            Voter("2", ("a", "c"), (5, 5)),
            Voter("3", ("c",), (10,)),
        ),
    )
    greedy = count(e, "greedy")
    assert greedy.explanations["c"].votes == 15
    assert greedy.funded == ["c", "b"]
    assert sum(e.projects[p].cost for p in count(e, "mes-add1").funded) <= 10


@needs_data
def test_progress_is_reported_up_to_one():
    seen: list[float] = []
    count(parsed("Poland_Swiecie_2023.pb"), "mes-add1", progress=seen.append)
    assert len(seen) > 10
    assert all(0 <= x <= 1 for x in seen)
    assert seen[-1] == 1.0


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown rule"):
        count(election(1, {}, []), "lottery")


def test_every_rule_has_a_label_and_runs():
    e = election(10, {"a": 5, "b": 5}, [["a"], ["b"], ["a", "b"]])
    for rule in RULES:
        outcome = count(e, rule)
        assert outcome.rule == rule
        assert set(outcome.explanations) == {"a", "b"}


def test_checksum_changes_with_any_input_and_not_with_column_order():
    e = election(10, {"a": 5, "b": 5}, [["a"], ["b"]])
    same = Election(e.meta, e.projects, e.voters, project_columns=("cost", "project_id"))
    assert checksum(e) == checksum(same)
    assert len(checksum(e)) == 64
    cheaper = election(10, {"a": 4, "b": 5}, [["a"], ["b"]])
    other_ballot = election(10, {"a": 5, "b": 5}, [["a"], ["a"]])
    other_budget = election(11, {"a": 5, "b": 5}, [["a"], ["b"]])
    assert len({checksum(x) for x in (e, cheaper, other_ballot, other_budget)}) == 4


def test_explanations_read_as_dutch_and_english():
    e = election(10, {"a": 6, "b": 5}, [["a", "b"]] * 2 + [["a"]])
    b = count(e, "greedy").explanations["b"]
    with translation.override("nl"):
        assert describe(b) == (
            "Niet gekozen: plaats 2 met 2 stemmen, maar het kost 5 en er was nog maar 4 over."
        )
    with translation.override("en"):
        assert describe(b).startswith("Not funded: place 2 with 2 votes")
    mes = count(election(12_000, {"a": 12_000}, [["a"]] * 3), "mes-add1")
    with translation.override("nl"):
        assert describe(mes.explanations["a"]) == (
            "Gekozen. Betaald door de stemmers: 3 stemmers betaalden elk 4.000."
        )


@pytest.mark.parametrize(
    ("reason", "extra", "dutch", "english"),
    [
        (ex.FUNDED, {}, "Gekozen: plaats 1 met {n}; er was nog 4 over.", "with {v};"),
        (ex.FUNDED_LEFTOVER, {}, "Gekozen met het geld dat over was: plaats 1 met {n}.", "{v}."),
        (ex.NO_MONEY_LEFT, {}, "Niet gekozen: plaats 1 met {n}, maar", "with {v}, but"),
        (ex.FUNDED_PARTIAL, {"amount": 4}, "Plaats 1 met {n}. Het paste", "with {v}. It no"),
    ],
)
@pytest.mark.parametrize("votes", [1, 2])
def test_explanations_say_1_stem_and_2_stemmen(reason, extra, dutch, english, votes):
    e = ex.ProjectExplanation(
        project_id="a",
        funded=reason != ex.NO_MONEY_LEFT,
        reason=reason,
        votes=votes,
        cost=5,
        rank=1,
        money_left=4,
        **extra,
    )
    word, vote = ("stem", "vote") if votes == 1 else ("stemmen", "votes")
    with translation.override("nl"):
        assert dutch.format(n=f"{votes} {word}") in describe(e)
    with translation.override("en"):
        assert english.format(v=f"{votes} {vote}") in describe(e)


def test_equal_shares_payments_say_1_stemmer_and_2_stemmers():
    groups = (ex.PaymentGroup(voters=1, amount=3), ex.PaymentGroup(voters=2, amount=1))
    e = ex.ProjectExplanation(
        project_id="a", funded=True, reason=ex.FUNDED, votes=3, cost=5, payments=groups
    )
    with translation.override("nl"):
        assert describe(e) == (
            "Gekozen. Betaald door de stemmers: 1 stemmer betaalde 3; 2 stemmers betaalden elk 1."
        )
    with translation.override("en"):
        assert "1 voter paid 3; 2 voters paid 1 each" in describe(e)


def test_ballot_problems_follow_the_ballot_type():
    e = election(10, {"a": 6, "b": 5, "c": 4}, [], min_length="1", max_length="2")
    assert ballot_problems(e, ("a",)) == []
    assert ballot_problems(e, ()) == ["too_few"]
    assert ballot_problems(e, ("a", "b", "c")) == ["too_many"]
    assert ballot_problems(e, ("a", "x")) == ["unknown_project"]
    assert ballot_problems(e, ("a", "a")) == ["twice"]
    knapsack = Election({**e.meta, "vote_type": "knapsack"}, e.projects, ())
    assert ballot_problems(knapsack, ("a", "c")) == []
    assert ballot_problems(knapsack, ("a", "b")) == ["over_budget"]
    one = Election({"budget": "10", "vote_type": "choose-1"}, e.projects, ())
    assert ballot_problems(one, ("a", "b")) == ["too_many"]
    cumulative = Election(
        {"budget": "10", "vote_type": "cumulative", "max_sum_points": "10"}, e.projects, ()
    )
    assert ballot_problems(cumulative, ("a", "b"), (5, 5)) == []
    assert ballot_problems(cumulative, ("a", "b"), (6, 5)) == ["points_too_many"]
    assert ballot_problems(cumulative, ("a", "b")) == ["points_missing"]


def test_ballot_problems_check_money_and_categories():
    projects = {
        "a": Project("a", 6, {"category": "Groen"}),
        "b": Project("b", 5, {"category": "Groen,Spelen"}),
        "c": Project("c", 4, {"category": "Spelen"}),
    }
    money = Election({"budget": "20", "min_sum_cost": "5", "max_sum_cost": "10"}, projects, ())
    assert ballot_problems(money, ("a", "c")) == []
    assert ballot_problems(money, ("c",)) == ["cost_too_low"]
    assert ballot_problems(money, ("a", "b")) == ["cost_too_high"]
    assert ballot_problems(money, ("a", "x")) == ["unknown_project"]  # no sums of unknowns
    one_each = Election(
        {"budget": "20", "categories": "Groen,Spelen", "max_length_per_category": "1"},
        projects,
        (),
    )
    assert one_each.category_limits == {"max_length_per_category": {"Groen": 1, "Spelen": 1}}
    assert ballot_problems(one_each, ("a", "c")) == []
    assert ballot_problems(one_each, ("a", "b")) == ["category_too_many"]  # b is Groen too
    per_category = Election(
        {
            "budget": "20",
            "categories": "Groen,Spelen",
            "min_length_per_category": "1,0",
            "max_sum_cost_per_category": "6,9",
            "min_sum_cost_per_category": "0,4",
        },
        projects,
        (),
    )
    assert ballot_problems(per_category, ("a", "c")) == []
    assert ballot_problems(per_category, ("c",)) == ["category_too_few"]
    assert ballot_problems(per_category, ("a", "b")) == ["category_cost_too_high"]
    assert ballot_problems(per_category, ("a",)) == ["category_cost_too_low"]
    assert ballot_problems(per_category, ("b", "c")) == []  # Spelen 9, Groen 5
    # one value for all: categories only the projects name count as well
    unnamed = Election({"budget": "20", "max_length_per_category": "1"}, projects, ())
    assert ballot_problems(unnamed, ("b", "c")) == ["category_too_many"]
    mismatch = Election({"budget": "20", "max_length_per_category": "1,2"}, projects, ())
    with pytest.raises(ValueError, match="2 values, but categories names 0"):
        ballot_problems(mismatch, ("a",))


def test_project_requirements_are_reported_not_enforced():
    projects = {"a": Project("a", 4999), "b": Project("b", 5000), "c": Project("c", 10001)}
    e = Election(
        {"budget": "20000", "min_project_cost": "5000", "max_project_cost": "10000"},
        projects,
        (Voter("1", ("a", "c")),),
    )
    assert project_problems(e) == {
        "a": ["cost_below_minimum"],
        "c": ["cost_above_maximum"],
    }
    assert project_problems(election(10, {"a": 1}, [])) == {}
    assert count(e, "greedy").funded == ["a", "c"]
