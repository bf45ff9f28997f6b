"""The public participation API: read-only, cursor pages, problems, no personal data."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stadhuis.participation import services

from .conftest import edit_process, published_count

PROBLEM = "application/problem+json"
BASE = "/api/v1/participation-processes"


def test_processes_and_ideas(client, make_process, me, django_assert_num_queries):
    process = make_process()
    make_process(publish=False, title="Nog geheim")
    for n in range(3):
        services.idea_submit(actor=me, process=process, title=f"Idee {n}", body="Tekst")
    with django_assert_num_queries(2):
        answer = client.get(BASE)
    assert answer.status_code == 200 and answer["API-Version"]
    body = answer.json()
    assert [p["title"] for p in body["results"]] == ["Een groener centrum"]
    assert body["results"][0]["currentPhase"] == "ideas"
    url = f"{BASE}/{process.public_id}/ideas?limit=2"
    with django_assert_num_queries(5):  # the version, process, phases, neighbourhoods, ideas
        first = client.get(url)
    page = first.json()
    assert [i["title"] for i in page["results"]] == ["Idee 2", "Idee 1"]
    assert "author" not in json.dumps(page) and me.subject not in json.dumps(page)
    second = client.get(page["next"]).json()
    assert [i["title"] for i in second["results"]] == ["Idee 0"] and second["next"] is None
    with django_assert_num_queries(1):  # the next anonymous caller shares the answer
        again = client.get(url)
    assert again.json() == page and again["Link"] == first["Link"]
    for header in ("API-Version", "Content-Type", "Content-Language", "Cache-Control"):
        assert again[header] == first[header]
    services.idea_submit(actor=me, process=process, title="Idee 3", body="Nieuw")
    assert client.get(url).json()["results"][0]["title"] == "Idee 3"  # and sees a new idea


def test_unknown_process_is_a_problem(client, make_process):
    hidden = make_process(publish=False)
    for url in (f"{BASE}/{hidden.public_id}", f"{BASE}/00000000-0000-4000-8000-000000000000/ideas"):
        answer = client.get(url)
        assert answer.status_code == 404 and answer["Content-Type"] == PROBLEM
    assert client.get(f"{BASE}/niet-een-id").status_code in (400, 404, 422)


def test_projects_and_results(client, budget, me, admin):
    process, (playground, trees, benches) = budget
    services.ballot_cast(actor=me, process=process, choices={playground.code: 1})
    projects = client.get(f"{BASE}/{process.public_id}/projects").json()["results"]
    assert {p["code"] for p in projects} == {playground.code, trees.code, benches.code}
    assert client.get(f"{BASE}/{process.public_id}/results").status_code == 404
    count = published_count(process, admin)
    result = client.get(f"{BASE}/{process.public_id}/results").json()
    assert result["funded"] == count.funded and result["checksum"] == count.checksum
    assert {p["code"]: p["funded"] for p in result["projects"]}[playground.code] is True
    assert all(p["explanation"] for p in result["projects"])


def test_a_process_shows_its_counting_rule_and_partial_funding(client, make_process, admin):
    budget = make_process("budget", phase="review", counting_rule="greedy", leftover_partial=True)
    ideas = make_process(title="Alleen ideeën")
    shown = client.get(f"{BASE}/{budget.public_id}").json()
    assert (shown["countingRule"], shown["leftoverPartial"]) == ("greedy", True)
    listed = {p["title"]: p for p in client.get(BASE).json()["results"]}
    assert (
        listed["Alleen ideeën"]["countingRule"],
        listed["Alleen ideeën"]["leftoverPartial"],
    ) == (
        "",
        False,
    )
    assert ideas.counting_rule == ""
    edit_process(admin, budget, counting_rule="mes-add1", leftover_partial=False)
    shown = client.get(f"{BASE}/{budget.public_id}").json()
    assert (shown["countingRule"], shown["leftoverPartial"]) == ("mes-add1", False)


@pytest.mark.django_db
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cursor=st.text(max_size=60), limit=st.integers(min_value=-5, max_value=500))
def test_no_input_gives_a_500(client, cursor, limit):
    answer = client.get(BASE, {"cursor": cursor, "limit": limit})
    assert answer.status_code in (200, 400, 422)
