"""Counting a stored budget vote in the background job, with the inputs' checksum."""

import csv
import io

import pytest
from django.urls import reverse

from stadhuis.core.errors import InvalidInput
from stadhuis.participation import counting, services, tally
from stadhuis.participation.models import CountStatus

from .conftest import published_count, set_phase


def _vote(budget, make_resident, me):
    process, (playground, trees, benches) = budget
    services.ballot_cast(actor=me, process=process, choices={playground.code: 1, benches.code: 1})
    for bsn in ["123456782", "111111110"]:
        services.ballot_cast(
            actor=make_resident(bsn), process=process, choices={trees.code: 1, benches.code: 1}
        )
    return process, playground, trees, benches


def test_count_runs_in_the_job_and_keeps_the_checksum(budget, make_resident, me, admin):
    process, _playground, trees, benches = _vote(budget, make_resident, me)
    with pytest.raises(InvalidInput):  # voting still runs
        services.count_request(actor=admin, process=process, rule="greedy")
    set_phase(process, "results")
    count = services.count_request(actor=admin, process=process, rule="greedy")
    assert count.status == CountStatus.QUEUED
    with pytest.raises(InvalidInput):
        services.count_request(actor=admin, process=process, rule="greedy")
    assert services.counts_run_due() == 1
    count.refresh_from_db()
    assert count.status == CountStatus.DONE and count.progress == 100
    # benches 3 votes, trees 2 (50k), playground 1 (40k): 20k + 50k fit, 40k does not
    assert count.funded == [benches.code, trees.code]
    assert count.ballots == 3
    assert count.checksum == counting.checksum(tally.election_for(process))
    assert services.counts_run_due() == 0


def test_results_page_explains_every_project(budget, make_resident, me, admin, client):
    process, playground, trees, benches = _vote(budget, make_resident, me)
    set_phase(process, "results")
    count = services.count_request(actor=admin, process=process, rule="mes-add1")
    services.counts_run_due()
    count.refresh_from_db()
    url = reverse("participation:results", kwargs={"process_id": process.public_id})
    assert "nog niet bekend" in client.get(url).content.decode()
    services.count_publish(actor=admin, count=count)
    html = client.get(url).content.decode()
    for project in (playground, trees, benches):
        assert project.title in html
    assert count.checksum in html
    table = client.get(
        reverse("participation:results_csv", kwargs={"process_id": process.public_id})
    )
    assert table.status_code == 200 and table.content.decode().count("\n") == 4
    export = client.get(reverse("participation:pabulib", kwargs={"process_id": process.public_id}))
    assert export.status_code == 200
    election = counting.parse_text(export.content.decode())
    assert len(election.voters) == 3 and set(election.projects) == {
        p.code for p in (playground, trees, benches)
    }
    assert counting.count(election, "mes-add1").funded == count.funded


def test_unknown_rule_is_refused(budget, admin):
    process, _projects = budget
    set_phase(process, "results")
    with pytest.raises(InvalidInput):
        services.count_request(actor=admin, process=process, rule="loterij")


def test_the_worker_knows_the_job():
    from stadhuis.core.jobs import discover

    assert "count-budget-votes" in {job.name for job in discover()}


def test_pabulib_round_trip_into_an_empty_process(
    budget, make_resident, me, admin, make_process, staff_client, client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    process, *_projects = _vote(budget, make_resident, me)
    text = counting.write_text(tally.election_for(process))
    empty = make_process("budget", phase="results", title="Ingelezen")
    staff_client("administrator")
    url = reverse("participation:staff_pabulib_import", kwargs={"process_id": empty.public_id})
    bad = client.post(url, {"file": SimpleUploadedFile("x.pb", b"geen pabulib")})
    assert bad.status_code == 400
    response = client.post(url, {"file": SimpleUploadedFile("stemming.pb", text.encode())})
    assert response.status_code == 302
    assert empty.ballots.count() == 3 and empty.projects.filter(feasibility="feasible").count() == 3
    assert (
        counting.count(tally.election_for(empty), "greedy").funded
        == counting.count(tally.election_for(process), "greedy").funded
    )
    with pytest.raises(InvalidInput):  # only into an empty process
        services.budget_import_pabulib(actor=admin, process=empty, text=text)


def test_neighbourhood_caps_reach_the_count(make_process, handler, admin, me, make_resident):
    """Centrum may spend at most 50,000: its second project is skipped for a cheaper one."""
    process = make_process("budget", phase="review", budget=100_000, caps={"centrum": 50_000})
    made = {}
    for title, cost, area in [
        ("A", 40_000, "centrum"),
        ("B", 30_000, "centrum"),
        ("C", 20_000, "oost"),
    ]:
        project = services.project_create(
            actor=handler,
            process=process,
            title=title,
            description=title,
            cost=cost,
            neighbourhood_code=area,
        )
        services.project_review(
            actor=handler, project=project, feasible=True, reason="ok", cost=cost
        )
        made[title] = project.code
    set_phase(process, "voting")
    voters = [me, make_resident("123456782"), make_resident("111111110")]
    for voter in voters:
        services.ballot_cast(actor=voter, process=process, choices={made["A"]: 1, made["B"]: 1})
    services.ballot_cast(actor=make_resident("555555550"), process=process, choices={made["C"]: 1})
    services.ballot_cast(
        actor=make_resident("999910024"), process=process, choices={made["A"]: 1, made["C"]: 1}
    )
    election = tally.election_for(process)
    assert election.caps == {"neighborhood": {"centrum": 50_000}}
    set_phase(process, "results")
    count = services.count_request(actor=admin, process=process, rule="greedy")
    services.counts_run_due()
    count.refresh_from_db()
    assert made["B"] not in count.funded and set(count.funded) == {made["A"], made["C"]}
    assert count.explanations[made["B"]]["reason"] == "cap_reached"


def _projects(process, handler):
    made = []
    for title, cost in [("Speeltuin", 40_000), ("Bomen", 50_000), ("Bankjes", 20_000)]:
        project = services.project_create(
            actor=handler, process=process, title=title, description=title, cost=cost
        )
        services.project_review(
            actor=handler, project=project, feasible=True, reason="Kan", cost=cost
        )
        made.append(project)
    return made


def test_partial_funding_runs_from_the_process_to_the_published_result(
    make_process, handler, admin, me, make_resident, client
):
    """Staff chose Amsterdam's rule for the process: the greedy count pays part of the
    best-placed project that did not fit with the money left, the stored count keeps the
    amount, the results page says it plainly and the exported file counts the same."""
    process = make_process("budget", phase="review", leftover_partial=True)
    projects = _projects(process, handler)
    page = client.get(reverse("participation:process", kwargs={"process_id": process.public_id}))
    assert "Blijft er na de telling geld over?" in page.content.decode()
    set_phase(process, "voting")
    process, playground, trees, benches = _vote((process, projects), make_resident, me)
    count = published_count(process, admin)
    # benches and trees cost 70,000 of the 100,000; the playground (40,000) gets 30,000
    assert count.funded == [benches.code, trees.code, playground.code]
    assert count.budget_used == 100_000
    stored = count.explanations[playground.code]
    assert (stored["funded"], stored["reason"], stored["amount"]) == (
        True,
        "funded_partial",
        30_000,
    )
    rows = tally.explained_rows(process, count)
    assert [r["project"] for r in rows] == [benches, trees, playground]
    assert rows[-1]["sentence"].startswith("Gedeeltelijk betaald: 30.000 van 40.000 euro.")
    assert rows[0]["amount"] is None
    url = reverse("participation:results", kwargs={"process_id": process.public_id})
    html = client.get(url).content.decode()
    assert html.count(">gedeeltelijk<") == 1 and html.count(">ja<") == 2
    assert '€ 40.000<br><span class="muted">waarvan € 30.000 uit dit budget</span>' in html
    assert "Gaat naar het project met de meeste stemmen dat niet meer helemaal paste." in html
    table = client.get(
        reverse("participation:results_csv", kwargs={"process_id": process.public_id})
    )
    lines = list(csv.reader(io.StringIO(table.content.decode())))
    # the old columns stay where they were; what the budget pays comes last
    assert lines[0] == [
        "project_id",
        "title",
        "cost",
        "votes",
        "funded",
        "reason",
        "explanation",
        "paid",
    ]
    paid = {line[0]: (line[2], line[4], line[5], line[7]) for line in lines[1:]}
    assert paid == {
        benches.code: ("20000", "1", "funded", "20000"),
        trees.code: ("50000", "1", "funded", "50000"),
        playground.code: ("40000", "1", "funded_partial", "30000"),
    }
    api = client.get(f"/api/v1/participation-processes/{process.public_id}/results").json()
    assert {p["code"]: (p["cost"], p["paid"]) for p in api["projects"]} == {
        benches.code: (20_000, 20_000),
        trees.code: (50_000, 50_000),
        playground.code: (40_000, 30_000),
    }
    assert sum(p["paid"] for p in api["projects"]) == api["budgetUsed"] == 100_000
    export = client.get(reverse("participation:pabulib", kwargs={"process_id": process.public_id}))
    election = counting.parse_text(export.content.decode())
    assert election.leftover_partial
    assert counting.count(election, "greedy").partial == {playground.code: 30_000}
    # Equal Shares does not read the setting: nothing in part, and the page says nothing.
    equal = published_count(process, admin, rule="mes-add1")
    assert all(e["amount"] is None for e in equal.explanations.values())
    api = client.get(f"/api/v1/participation-processes/{process.public_id}/results").json()
    assert {p["code"]: p["paid"] for p in api["projects"]} == {
        code: (cost if code in equal.funded else 0)
        for code, cost in ((p.code, p.cost) for p in projects)
    }
    html = client.get(url).content.decode()
    assert "gedeeltelijk" not in html and "Geld dat overblijft" not in html


def test_without_the_setting_the_count_funds_nothing_in_part(budget, make_resident, me, admin):
    process, playground, trees, benches = _vote(budget, make_resident, me)
    count = published_count(process, admin)
    assert count.funded == [benches.code, trees.code]
    assert count.explanations[playground.code]["reason"] == "no_money_left"
    assert "leftover_budget" not in tally.election_for(process).meta


@pytest.mark.parametrize(
    ("kind", "rule", "message"),
    [
        ("budget", "mes-add1", "kan alleen met de telregel 'Meeste stemmen'"),
        ("budget", "", "kan alleen met de telregel 'Meeste stemmen'"),
        ("crowdsourcing", "greedy", "kan alleen bij een burgerbegroting"),
    ],
)
def test_partial_funding_needs_a_budget_counted_by_votes(make_process, kind, rule, message):
    from stadhuis.participation.models import Process

    with pytest.raises(InvalidInput, match=message) as refused:
        make_process(kind, counting_rule=rule, leftover_partial=True)
    assert refused.value.details["field"] == "leftover_partial"
    assert not Process.objects.exists()


PB = """META
key;value
budget;{budget}
vote_type;approval
{limit}
PROJECTS
project_id;cost
a;{cost}
b;300
VOTES
voter_id;vote
1;a
2;a,b
"""


@pytest.mark.parametrize(
    ("budget", "cost", "limit", "message"),
    [
        ("1000", "600", "max_length;70000", "max_length in het bestand is te groot"),
        ("1000", "600", "max_sum_points;32768", "max_sum_points in het bestand is te groot"),
        # above 10^15 the parser refuses, with the line
        ("1000", "600", "min_length;1e400", "Regel 5: min_length is te groot: ‘1e400’"),
        ("1e30", "600", "min_length;1", "Pabulib-bestand: Het budget is te groot: ‘1e30’"),
        ("1000", "1e30", "min_length;1", "Regel 8: Het bedrag van project ‘a’ is te groot: ‘1e30’"),
    ],
)
def test_pabulib_import_refuses_numbers_too_large_to_store(
    budget, cost, limit, message, make_process, staff_client, client
):
    """A number the process's fields cannot hold is a 400 with the reason, nothing is
    stored (it was a 500: float() overflowed, or the database refused the value)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    empty = make_process("budget", phase="results", title="Ingelezen")
    staff_client("administrator")
    url = reverse("participation:staff_pabulib_import", kwargs={"process_id": empty.public_id})
    text = PB.format(budget=budget, cost=cost, limit=limit)
    with translation.override("nl"):
        response = client.post(
            url, {"file": SimpleUploadedFile("x.pb", text.encode())}, HTTP_ACCEPT_LANGUAGE="nl"
        )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not empty.projects.exists() and not empty.ballots.exists()


def test_pabulib_import_reads_limits_as_the_parser_checked_them(make_process, staff_client, client):
    """ "6/2" is a whole number to the parser; the import read it with float() (a 500)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    empty = make_process("budget", phase="results", title="Ingelezen")
    staff_client("administrator")
    url = reverse("participation:staff_pabulib_import", kwargs={"process_id": empty.public_id})
    text = PB.format(budget="1000", cost="600", limit="min_length;2/2\nmax_length;4/2")
    response = client.post(url, {"file": SimpleUploadedFile("x.pb", text.encode())})
    assert response.status_code == 302
    empty.refresh_from_db()
    assert (empty.ballot_min, empty.ballot_max, empty.ballots.count()) == (1, 2, 2)


def _projects_pb(costs: list[int], limits: str) -> str:
    rows = "\n".join(f"p{i};{cost}" for i, cost in enumerate(costs))
    return (
        f"META\nkey;value\nbudget;100000\nvote_type;approval\n{limits}\n"
        f"PROJECTS\nproject_id;cost\n{rows}\nVOTES\nvoter_id;vote\n1;p0\n"
    )


def test_pabulib_import_warns_about_projects_outside_the_files_cost_limits(
    make_process, staff_client, client
):
    """min/max_project_cost bind proposals, not the count (Amsterdam 212 breaks its own
    minimum): the import reads such a project and tells staff so in plain Dutch."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    empty = make_process("budget", phase="results", title="Ingelezen")
    staff_client("administrator")
    url = reverse("participation:staff_pabulib_import", kwargs={"process_id": empty.public_id})
    text = _projects_pb([2_875, 6_000, 12_500], "min_project_cost;5000\nmax_project_cost;10000")
    response = client.post(url, {"file": SimpleUploadedFile("x.pb", text.encode())}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[0][1] == 302
    assert "Het bestand is ingelezen: 1 stembiljetten." in html
    assert html.count('class="alert alert--warning"') == 2
    assert (
        "Project p0 kost 2.875 euro, minder dan het minimum in het bestand (5.000 euro). "
        "Het is toch ingelezen en telt mee." in html
    )
    assert "Project p2 kost 12.500 euro, meer dan het maximum in het bestand (10.000 euro)." in html
    assert empty.projects.count() == 3


def test_pabulib_import_warns_about_five_projects_and_counts_the_rest(admin, make_process):
    empty = make_process("budget", phase="results", title="Ingelezen")
    text = _projects_pb([100] * 8, "min_project_cost;5000")
    done = services.budget_import_pabulib(actor=admin, process=empty, text=text)
    assert done.ballots == 1 and len(done.warnings) == 6
    assert done.warnings[-1] == "En nog 3 projecten buiten de grenzen van het bestand."
    within = _projects_pb([5_000, 10_000], "min_project_cost;5000\nmax_project_cost;10000")
    other = make_process("budget", phase="results", title="Binnen de grenzen")
    assert services.budget_import_pabulib(actor=admin, process=other, text=within).warnings == ()


@pytest.mark.parametrize(
    ("change", "dutch", "english"),
    [
        (
            ("a;{cost}", "a;duur"),
            "Regel 8: Het bedrag van project ‘a’ is geen getal: ‘duur’.",
            "Line 8: The amount of project ‘a’ is not a number: ‘duur’.",
        ),
        (
            ("2;a,b", "2;a,c"),
            "Regel 13: Deze stem noemt project ‘c’, maar dat staat niet onder PROJECTS.",
            "Line 13: This vote names project ‘c’, but it is not listed under PROJECTS.",
        ),
        (
            ("b;300", "a;300"),
            "Regel 9: Project ‘a’ staat twee keer in het bestand.",
            "Line 9: Project ‘a’ appears twice in the file.",
        ),
        (
            ("{limit}", "max_length;2.5"),
            "Regel 5: max_length is geen heel getal: ‘2.5’.",
            "Line 5: max_length is not a whole number: ‘2.5’.",
        ),
        (
            ("budget;{budget}\n", ""),
            "Dit is geen geldig Pabulib-bestand: In META staat geen budget.",
            "This is not a valid Pabulib file: META has no budget.",
        ),
    ],
)
def test_pabulib_import_says_what_is_wrong_in_plain_language_and_where(
    change, dutch, english, make_process, staff_client, client
):
    """The parser's reason in the page's language (it was English inside a Dutch
    sentence), with the line; a 400 at the file field, and nothing is stored."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    empty = make_process("budget", phase="results", title="Ingelezen")
    staff_client("administrator")
    url = reverse("participation:staff_pabulib_import", kwargs={"process_id": empty.public_id})
    old, new = change
    assert old in PB
    text = PB.replace(old, new).format(budget="1000", cost="600", limit="min_length;1")
    for language, expected in (("nl", dutch), ("en", english)):
        client.cookies["django_language"] = language
        response = client.post(url, {"file": SimpleUploadedFile("x.pb", text.encode())})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="pabulib-file_error"' in html
        assert expected in html
    assert not empty.projects.exists() and not empty.ballots.exists()
    empty.refresh_from_db()
    assert empty.ballot_type == "approval" and empty.budget == 100_000


def _amsterdam(number: int) -> str:
    from .test_counting import DATA

    path = DATA / f"Netherlands_Amsterdam_{number}.pb"
    if not path.is_file():
        pytest.skip(f"no {path}")
    return path.read_text(encoding="utf-8")


def test_pabulib_import_copies_amsterdams_partial_funding_for_a_greedy_count(admin, make_process):
    """Amsterdam 613 (leftover_budget "Partially fund one additional project with highest
    score"): imported into a process counted by votes, the count funds 42444 in part
    with the 1,796 euros left, as counting the file itself does."""
    text = _amsterdam(613)
    from_file = counting.count(counting.parse_text(text), "greedy")
    assert from_file.partial == {"42444": 1796}
    empty = make_process("budget", phase="results", title="Amsterdam", counting_rule="greedy")
    assert not empty.leftover_partial
    done = services.budget_import_pabulib(actor=admin, process=empty, text=text)
    assert done.warnings == ()
    empty.refresh_from_db()
    assert empty.leftover_partial
    count = published_count(empty, admin)
    assert count.funded == list(from_file.funded)
    assert count.explanations["42444"]["reason"] == "funded_partial"
    assert count.explanations["42444"]["amount"] == 1796


def test_pabulib_import_warns_when_the_process_rule_does_not_fund_in_part(admin, make_process):
    """The same file into a process counted with Equal Shares: read, not copied, and
    staff are told why in plain Dutch; a file without the key keeps the process's own."""
    text = _amsterdam(613)
    empty = make_process("budget", phase="results", title="Gelijke delen", counting_rule="mes-add1")
    done = services.budget_import_pabulib(actor=admin, process=empty, text=text)
    empty.refresh_from_db()
    assert not empty.leftover_partial and empty.ballots.exists()
    (warning,) = done.warnings
    assert "Dat doet alleen de telregel 'Meeste stemmen'" in warning
    assert "Methode van gelijke delen (Add1)" in warning
    # A file without the key keeps the process's own setting.
    own = make_process(
        "budget", phase="results", title="Eigen", counting_rule="greedy", leftover_partial=True
    )
    without = "\n".join(
        line for line in _amsterdam(287).splitlines() if not line.startswith("leftover_budget;")
    )
    assert services.budget_import_pabulib(actor=admin, process=own, text=without).warnings == ()
    own.refresh_from_db()
    assert own.leftover_partial


def test_pabulib_import_of_a_vote_that_paid_no_project_in_part_counts_as_the_file(
    admin, make_process
):
    """Amsterdam 287 says "Fund additional projects that fit ...": its own count pays no
    project in part. A process set to pay part is set not to, with a warning: its
    setting cannot change once there are ballots, and it would fund 36908 in part."""
    text = _amsterdam(287)
    from_file = counting.count(counting.parse_text(text), "greedy")
    assert from_file.partial == {}
    own = make_process(
        "budget", phase="results", title="Eigen", counting_rule="greedy", leftover_partial=True
    )
    (warning,) = services.budget_import_pabulib(actor=admin, process=own, text=text).warnings
    assert "Zo telt het hetzelfde als het bestand." in warning
    own.refresh_from_db()
    assert not own.leftover_partial
    count = published_count(own, admin)
    assert count.funded == list(from_file.funded)
    # A process that pays no part already: no warning.
    plain = make_process("budget", phase="results", title="Gewoon", counting_rule="greedy")
    assert services.budget_import_pabulib(actor=admin, process=plain, text=text).warnings == ()
