"""``stadhuis budget count``: funded ids one per line; a clear line and exit 2 on bad input."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from .test_counting import DATA, needs_data, official, parsed

SMALL = """META
key;value
budget;10
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
a;6;A
b;5;B
c;4;C
VOTES
voter_id;vote
1;a,b,c
2;a,b
3;a
"""


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("budget", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    return str(path)


def test_prints_funded_ids_one_per_line(small):
    assert run("count", small, "--rule", "greedy") == "a\nc\n"
    assert run("count", small, "--rule", "greedy-noskip") == "a\n"
    assert run("count", small) == "a\nc\n"  # the file's own rule


def test_explain_gives_a_sentence_per_project(small):
    lines = run("count", small, "--rule", "greedy", "--explain").splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("+ a\t")
    assert lines[1].startswith("- b\t")


def test_a_project_funded_in_part_is_listed_last_and_explained(tmp_path):
    """With Amsterdam's "Partially fund one additional project" the 3 euros left after a
    goes to b (c does not fit either): it is funded (listed), and --explain says how much."""
    from django.utils import translation

    path = tmp_path / "partial.pb"
    text = SMALL.replace("budget;10", "budget;9").replace(
        "rule;greedy", "rule;greedy\nleftover_budget;Partially fund one additional project"
    )
    path.write_text(text, encoding="utf-8")
    assert run("count", str(path)) == "a\nb\n"
    with translation.override("nl"):
        lines = run("count", str(path), "--explain").splitlines()
    assert lines[1].startswith("+ b\tGedeeltelijk betaald: 3 van 5 euro.")


@needs_data
def test_counts_a_real_election():
    path = str(DATA / "Poland_Swiecie_2023.pb")
    funded = run("count", path, "--rule", "mes-add1").split()
    assert set(funded) == official(parsed("Poland_Swiecie_2023.pb"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rule", "lottery"), "unknown rule 'lottery'"),
        (("--rule", "greedy", "--missing"), None),
    ],
)
def test_unknown_rule_is_refused(small, args, message):
    if message is None:
        with pytest.raises((CommandError, SystemExit)):
            run("count", small, *args)
        return
    with pytest.raises(CommandError, match=message) as caught:
        run("count", small, *args)
    assert caught.value.returncode == 2


def test_bad_file_is_one_line_with_the_line_number(tmp_path):
    path = tmp_path / "bad.pb"
    path.write_text(SMALL.replace("b;5;B", "b;vijf;B"), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("count", str(path), "--rule", "greedy")
    assert caught.value.returncode == 2
    assert "line 9: cost of project 'b' is not a number" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_and_unknown_file_rule(tmp_path, small):
    with pytest.raises(CommandError, match="cannot read") as caught:
        run("count", str(tmp_path / "nope.pb"))
    assert caught.value.returncode == 2
    other = tmp_path / "other.pb"
    other.write_text(SMALL.replace("rule;greedy", "rule;lottery"), encoding="utf-8")
    with pytest.raises(CommandError, match="not one we count"):
        run("count", str(other))


def test_command_line_exit_status_is_2_without_traceback(small, tmp_path, capsys):
    """Through ``stadhuis`` itself: status 2 and a single line on stderr."""
    from django.core.management import ManagementUtility

    bad = tmp_path / "bad.pb"
    bad.write_text("nonsense\n", encoding="utf-8")
    for argv in (
        ["stadhuis", "budget", "count", small, "--rule", "lottery"],
        ["stadhuis", "budget", "count", str(bad)],
    ):
        with pytest.raises(SystemExit) as exited:
            ManagementUtility(argv).execute()
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1
        assert "Traceback" not in err
