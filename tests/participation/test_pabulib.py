"""The Pabulib reader and writer: every real file round-trips, bad input says where."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stadhuis.participation.counting import (
    Election,
    PabulibError,
    Project,
    Voter,
    ballot_problems,
    describe_error,
    parse_text,
    write_text,
)

from .test_counting import FILES, needs_data, parsed

SMALL = '''META
key;value
description;"Buurtbudget; met puntkomma"
budget;1000
vote_type;approval
min_length;1
max_length;2
PROJECTS
project_id;cost;votes;name;category
p1;600;2;"Bankjes ""nieuw""";Groen,Spelen
p2;400.50;1;Bomen;Groen
VOTES
voter_id;vote;age
v1;p1,p2;34
v2;p1;
'''


def test_parse_small_file_keeps_everything():
    e = parse_text(SMALL)
    assert e.budget == 1000
    assert e.vote_type == "approval"
    assert (e.min_length, e.max_length) == (1, 2)
    assert e.meta["description"] == "Buurtbudget; met puntkomma"
    assert e.projects["p1"].name == 'Bankjes "nieuw"'
    assert e.projects["p1"].groups("category") == ("Groen", "Spelen")
    assert e.projects["p2"].cost == Fraction(801, 2)
    assert e.voters[0] == Voter("v1", ("p1", "p2"), None, {"age": "34"})
    assert e.voters[1].ballot == ("p1",)
    assert e.project_columns == ("project_id", "cost", "votes", "name", "category")


def test_crlf_and_bom_are_read():
    e = parse_text("\ufeff" + SMALL.replace("\n", "\r\n"))
    assert e == parse_text(SMALL)


@needs_data
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_real_file_round_trips(path):
    election = parsed(path.name)
    assert parse_text(write_text(election)) == election
    assert len(election.projects) == int(election.meta["num_projects"])
    assert len(election.voters) == int(election.meta["num_votes"])


def test_points_are_read_for_cumulative_ballots():
    text = SMALL.replace("approval", "cumulative").replace(
        "voter_id;vote;age", "voter_id;vote;points"
    )
    text = text.replace("v1;p1,p2;34", "v1;p1,p2;3,2").replace("v2;p1;", "v2;p1;5")
    e = parse_text(text)
    assert e.voters[0].points == (3, 2)
    assert e.voters[0].utility() == {"p1": 3, "p2": 2}
    assert parse_text(write_text(e)) == e


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("budget;1000\n", ""), 0, "META has no budget"),
        (("budget;1000", "budget;veel"), 0, "budget is not a number"),
        (("budget;1000", "budget;1e400"), 0, "budget is too large: '1e400'"),
        (("p2;400.50", "p2;1e16"), 11, "cost of project 'p2' is too large"),
        (("p2;400.50", "p2;duur"), 11, "cost of project 'p2' is not a number"),
        (("p2;400.50", "p1;400.50"), 11, "project 'p1' appears twice"),
        (("v2;p1;", "v2;p9;"), 15, "unknown project 'p9'"),
        (("v2;p1;", "v1;p1;"), 15, "voter 'v1' appears twice"),
        (("v2;p1;", "v2;p1"), 15, "vote row has 2 fields, the header 3"),
        (("vote_type;approval", "vote_type;lottery"), 0, "unknown vote_type"),
        (("PROJECTS\n", ""), 11, "PROJECTS section must come before VOTES"),
        (("min_length;1", "min_length"), 6, "META row 'min_length' has no value"),
        (("VOTES\n", "PROJECTS\n"), 12, "section PROJECTS appears twice"),
        (("project_id;cost", "project;cost"), 9, "column 'project_id' is missing"),
        (("META\n", ""), 1, "expected a section name"),
        (("min_length;1", "min_length;een"), 6, "min_length is not a number: 'een'"),
        (("min_length;1", "min_length;1.5"), 6, "min_length is not a whole number: '1.5'"),
        (("min_length;1", "min_length;1e400"), 6, "min_length is too large: '1e400'"),
        (("max_length;2", "max_length;-2"), 7, "max_length is negative"),
        (("max_length;2", "max_length;2\nmax_sum_cost;duur"), 8, "max_sum_cost is not a number"),
        (("max_length;2", "max_length;2\nmin_project_cost;-5"), 8, "min_project_cost is negative"),
        (
            ("max_length;2", "max_length;2\nmax_length_per_category;1,x"),
            8,
            "max_length_per_category is not a number: 'x'",
        ),
        (
            ("max_length;2", "max_length;2\nmax_sum_cost_per_category;500,600"),
            8,
            "max_sum_cost_per_category has 2 values, but the categories key names 0",
        ),
        (
            (
                "max_length;2",
                "max_length;2\ncategories;Groen,Spelen\nmin_length_per_category;1,2,3",
            ),
            9,
            "min_length_per_category has 3 values, but the categories key names 2",
        ),
    ],
)
def test_bad_input_names_the_line(change, line, message):
    old, new = change
    assert old in SMALL
    with pytest.raises(PabulibError) as caught:
        parse_text(SMALL.replace(old, new, 1))
    assert caught.value.line == line
    assert message in caught.value.message
    # the staff pages say it in Dutch: every error has its sentence, with its values
    dutch = describe_error(caught.value)
    assert dutch.endswith(".") and "%(" not in dutch and dutch != caught.value.message


def test_every_error_code_has_an_english_message_and_a_dutch_sentence():
    from stadhuis.participation.counting import pabulib

    assert set(pabulib.MESSAGES) == set(pabulib._DUTCH)


def test_an_unclosed_quote_is_an_error_not_a_crash():
    with pytest.raises(PabulibError):
        parse_text(SMALL.replace('"Bankjes ""nieuw"""', '"Bankjes'))


texts = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=12,
).map(str.strip)
ids = st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True)


@st.composite
def elections(draw) -> Election:
    pids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    projects = {
        pid: Project(
            pid,
            draw(st.one_of(st.integers(0, 10**9), st.fractions(0, 10**6, max_denominator=100))),
            {"name": draw(texts), "category": draw(texts)},
        )
        for pid in pids
    }
    voter_ids = draw(st.lists(ids, max_size=8, unique=True))
    voters = tuple(
        Voter(
            vid,
            tuple(draw(st.lists(st.sampled_from(pids), unique=True, max_size=4))),
            None,
            {"age": draw(texts)},
        )
        for vid in voter_ids
    )
    meta = {
        "description": draw(texts),
        "budget": str(draw(st.integers(0, 10**9))),
        "vote_type": "approval",
    }
    return Election(
        meta,
        projects,
        voters,
        project_columns=("project_id", "cost", "name", "category"),
        vote_columns=("voter_id", "vote", "age"),
    )


@settings(max_examples=60, deadline=None)
@given(elections())
def test_write_then_parse_gives_the_same_election(e):
    assert parse_text(write_text(e)) == e


def test_per_category_limits_are_kept_and_read():
    text = SMALL.replace(
        "max_length;2\n",
        "max_length;2\ncategories;Groen,Spelen\nmax_length_per_category;1\n"
        "max_sum_cost_per_category;1000,600\nmin_project_cost;400\n",
    )
    e = parse_text(text)
    assert parse_text(write_text(e)) == e
    assert e.category_limits == {
        "max_length_per_category": {"Groen": 1, "Spelen": 1},
        "max_sum_cost_per_category": {"Groen": 1000, "Spelen": 600},
    }
    assert e.min_project_cost == 400
    # p1 is Groen and Spelen: 600 in each; with p2, Groen has two projects costing 1000.50
    assert ballot_problems(e, ("p1",)) == []
    assert ballot_problems(e, ("p1", "p2")) == ["category_too_many", "category_cost_too_high"]
    # one value for every category may be given with or without the categories key
    assert parse_text(SMALL.replace("max_length;2", "max_length;2\nmax_length_per_category;3"))


@pytest.mark.parametrize(("value", "read"), [("6/2", 3), ("1,0", 1), ("3.0", 3), ("1e15", 10**15)])
def test_whole_number_limits_are_read_as_the_parser_checked_them(value, read):
    """What the parser accepts as a whole number (``parse_number``) the typed properties
    read the same way: "6/2" and "1,0" gave a bare ValueError from float() before, and a
    number too large for a float an OverflowError (the import page answered 500); the
    parser now refuses anything above 10^15 (test_bad_input_names_the_line)."""
    from stadhuis.participation.counting import count

    e = parse_text(
        SMALL.replace("min_length;1", f"min_length;{value}").replace(
            "max_length;2",
            f"max_length;2\nmax_sum_points;{value}\nmin_project_score_threshold;{value}",
        )
    )
    assert e.min_length == e.max_sum_points == e.score_threshold == read
    assert count(e, "greedy").funded == ([] if read > 2 else ["p1"])
