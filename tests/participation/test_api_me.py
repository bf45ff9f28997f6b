"""``/api/v1/me/participation/...``: the resident's own ideas, supports, answers and votes,
and the public receipt check."""

import base64
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stadhuis.participation import services
from stadhuis.privacy.models import ProcessingLogEntry

PROBLEM = "application/problem+json"
ME = "/api/v1/me/participation"


def test_only_the_residents_own_session(client, staff_client):
    parts = ("ideas", "supports", "responses", "votes")
    for part in parts:
        answer = client.get(f"{ME}/{part}")
        assert answer.status_code == 401 and answer["Content-Type"] == PROBLEM
    staff_client()
    assert [client.get(f"{ME}/{part}").status_code for part in parts] == [401] * 4


def test_my_ideas_with_the_moderators_decision_paged(
    resident_client, make_process, me, handler, make_resident
):
    process = make_process()
    ideas = [
        services.idea_submit(actor=me, process=process, title=f"Idee {n}", body="Tekst")
        for n in range(3)
    ]
    services.idea_moderate(actor=handler, idea=ideas[0], action="reject", reason="Dit is reclame.")
    other = make_resident("123456782")
    services.idea_submit(actor=other, process=process, title="Niet van mij", body="Tekst")

    first = resident_client.get(f"{ME}/ideas?limit=2")
    assert first.status_code == 200
    page = first.json()
    assert [i["title"] for i in page["results"]] == ["Idee 2", "Idee 1"]
    rest = resident_client.get(page["next"]).json()
    assert [(i["title"], i["visibility"], i["moderationReason"]) for i in rest["results"]] == [
        ("Idee 0", "rejected", "Dit is reclame.")
    ]
    assert rest["results"][0]["processId"] == str(process.public_id)
    assert "Niet van mij" not in json.dumps(page) + json.dumps(rest)


def test_my_supports_name_a_hidden_idea_of_someone_else_no_more(
    resident_client, make_process, me, handler, make_resident
):
    process = make_process()
    other = make_resident("123456782")
    shown = services.idea_submit(actor=other, process=process, title="Meer bomen", body="x")
    hidden = services.idea_submit(actor=other, process=process, title="Reclame", body="x")
    for idea in (shown, hidden):
        services.idea_support(actor=me, idea=idea)
    services.idea_moderate(actor=handler, idea=hidden, action="hide", reason="Reclame.")

    results = resident_client.get(f"{ME}/supports").json()["results"]
    assert {r["ideaId"]: r["ideaTitle"] for r in results} == {
        str(shown.public_id): "Meer bomen",
        str(hidden.public_id): None,
    }


def test_my_responses_with_the_moderation_of_open_answers(resident_client, make_process, me, admin):
    process = make_process("consultation", title="Het nieuwe park")
    single = services.question_add(
        actor=admin, process=process, kind="single", text="Hoe vaak?", choices=["Vaak", "Nooit"]
    )
    ranking = services.question_add(
        actor=admin, process=process, kind="ranking", text="Volgorde?", choices=["A", "B"]
    )
    open_q = services.question_add(
        actor=admin, process=process, kind="open", text="Nog iets?", required=False
    )
    services.response_submit(
        actor=me,
        process=process,
        answers={single.pk: "Vaak", ranking.pk: ["B", "A"], open_q.pk: "Meer schaduw"},
    )

    (response,) = resident_client.get(f"{ME}/responses").json()["results"]
    assert response["processTitle"] == "Het nieuwe park"
    assert [(a["question"], a["value"], a["moderation"]) for a in response["answers"]] == [
        ("Hoe vaak?", "Vaak", ""),
        ("Volgorde?", ["B", "A"], ""),
        ("Nog iets?", "Meer schaduw", "pending"),
    ]


def test_my_votes_say_that_and_when_never_what(resident_client, budget, me):
    process, (playground, *_rest) = budget
    receipt = services.ballot_cast(actor=me, process=process, choices={playground.code: 1})

    answer = resident_client.get(f"{ME}/votes")
    (vote,) = answer.json()["results"]
    assert vote["processId"] == str(process.public_id) and vote["channel"] == "online"
    assert receipt.startswith(vote["receiptHint"]) and receipt not in answer.content.decode()
    assert playground.code not in answer.content.decode()


def test_each_call_is_logged_as_my_own_read_and_named_in_my_log(resident_client, budget, me):
    for part in ("ideas", "supports", "responses", "votes"):
        assert resident_client.get(f"{ME}/{part}").status_code == 200
    logged = dict(
        ProcessingLogEntry.objects.filter(subject=me.subject, action="read").values_list(
            "object_type", "activity_version__activity__code"
        )
    )
    assert logged == {
        "api-ideeen": "meedoen-ideeen",
        "api-steun": "meedoen-ideeen",
        "api-antwoorden": "meedoen-raadplegingen",
        "api-stemmen": "meedoen-stemregister",
    }
    log = resident_client.get("/api/v1/me/processing-log?limit=100").json()["results"]
    concerns = {row["concerns"] for row in log}
    assert "Dat u stemde, via een app" in concerns and "api-stemmen" not in concerns


def test_anyone_checks_a_receipt_without_learning_the_ballot(client, budget, me):
    process, (playground, *_rest) = budget
    receipt = services.ballot_cast(actor=me, process=process, choices={playground.code: 1})
    url = f"/api/v1/participation-processes/{process.public_id}/receipt-checks"

    found = client.post(url, {"receipt": receipt.lower()}, content_type="application/json")
    assert found.status_code == 200 and found.json() == {"counted": True}
    other = services.new_receipt()
    missing = client.post(url, {"receipt": other}, content_type="application/json")
    assert missing.json() == {"counted": False}

    for bad in ({"receipt": "ABCD"}, {"receipt": "x" * 41}, {}, {"receipt": 5}):
        answer = client.post(url, bad, content_type="application/json")
        assert answer.status_code in (400, 422) and answer["Content-Type"] == PROBLEM
    bad = client.post(url, "{niet json", content_type="application/json")
    assert bad.status_code in (400, 422)


def test_a_receipt_check_needs_a_budget_process(client, make_process):
    process = make_process()
    url = f"/api/v1/participation-processes/{process.public_id}/receipt-checks"
    answer = client.post(url, {"receipt": "A" * 20}, content_type="application/json")
    assert answer.status_code == 404 and answer["Content-Type"] == PROBLEM


def test_a_resident_never_sees_another_residents_participation(
    resident_client, budget, me, make_resident, make_process
):
    process, (playground, *_rest) = budget
    other = make_resident("123456782")
    ideas = make_process()
    theirs = services.idea_submit(actor=other, process=ideas, title="Van Mohamed", body="x")
    services.idea_support(actor=other, idea=theirs)
    services.ballot_cast(actor=other, process=process, choices={playground.code: 1})
    for part in ("ideas", "supports", "responses", "votes"):
        answer = resident_client.get(f"{ME}/{part}", {"subject": other.subject})
        assert answer.status_code == 200 and answer.json()["results"] == []
        assert other.subject not in answer.content.decode()


def test_a_refused_cursor_reads_nothing_and_logs_nothing(resident_client, me):
    mine = ProcessingLogEntry.objects.filter(subject=me.subject, action="read")
    for part in ("ideas", "supports", "responses", "votes"):
        answer = resident_client.get(f"{ME}/{part}", {"cursor": "!!"})
        assert answer.status_code == 400 and answer["Content-Type"] == PROBLEM
    assert not mine.exists()
    for part in ("ideas", "supports", "responses", "votes"):
        assert resident_client.get(f"{ME}/{part}").status_code == 200
    assert sorted(mine.values_list("object_type", flat=True)) == [
        "api-antwoorden",
        "api-ideeen",
        "api-stemmen",
        "api-steun",
    ]


def test_my_dossier_names_a_hidden_idea_of_someone_else_no_more(
    resident_client, make_process, me, handler, make_resident
):
    """A title a moderator hid must not live on in the records of those who supported
    or answered it (the log and /me/participation/supports already leave it out)."""
    process = make_process()
    other = make_resident("123456782")
    hidden = services.idea_submit(actor=other, process=process, title="Gratis pizza", body="x")
    mine = services.idea_submit(actor=me, process=process, title="Mijn bankje", body="x")
    services.idea_support(actor=me, idea=hidden)
    for idea in (hidden, mine):
        services.comment_add(actor=me, idea=idea, body="Goed plan")
        services.idea_moderate(actor=handler, idea=idea, action="hide", reason="Te vroeg.")

    section = resident_client.get("/api/v1/me/dossier/sections/meedoen").json()
    assert "Gratis pizza" not in json.dumps(section)
    titles = {record["title"] for record in section["records"]}
    assert {
        "U steunt: een idee dat niet meer te zien is",
        "Reactie bij: een idee dat niet meer te zien is",
        "Reactie bij: Mijn bankje",
    } <= titles


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def _cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    part=st.sampled_from(["ideas", "supports", "responses", "votes"]),
    cursor=st.text(max_size=60) | _JSON.map(_cursor),
    limit=st.integers(min_value=-5, max_value=500),
)
def test_no_cursor_or_limit_gives_a_500(resident_client, me, part, cursor, limit):
    answer = resident_client.get(f"{ME}/{part}", {"cursor": cursor, "limit": limit})
    assert answer.status_code in (200, 400)
    assert answer.status_code == 200 or answer["Content-Type"] == PROBLEM


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_JSON | st.fixed_dictionaries({"receipt": _JSON}), raw=st.binary(max_size=40))
def test_no_receipt_check_body_gives_a_500(client, budget, body, raw):
    process, _projects = budget
    url = f"/api/v1/participation-processes/{process.public_id}/receipt-checks"
    for data in (json.dumps(body), raw):
        answer = client.post(url, data, content_type="application/json")
        assert answer.status_code in (200, 400)
        assert answer.status_code == 200 or answer["Content-Type"] == PROBLEM


def test_the_receipt_check_needs_no_csrf_token_and_no_session(budget, me):
    """It is public and changes nothing: a voter's app or another site may call it."""
    from django.test import Client

    process, (playground, *_rest) = budget
    receipt = services.ballot_cast(actor=me, process=process, choices={playground.code: 1})
    url = f"/api/v1/participation-processes/{process.public_id}/receipt-checks"
    answer = Client(enforce_csrf_checks=True).post(
        url, {"receipt": receipt}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json() == {"counted": True}


def test_my_lists_cost_the_same_queries_for_one_row_or_many(
    resident_client, me, admin, make_process, make_resident, django_assert_max_num_queries
):
    other = make_resident("123456782")

    def take_part(n: int) -> None:
        consultation = make_process("consultation", title=f"Raadpleging {n}")
        question = services.question_add(
            actor=admin, process=consultation, kind="single", text="Hoe?", choices=["A", "B"]
        )
        services.response_submit(actor=me, process=consultation, answers={question.pk: "A"})
        ideas = make_process(title=f"Ideeën {n}")
        services.idea_submit(actor=me, process=ideas, title=f"Idee {n}", body="x")
        theirs = services.idea_submit(
            actor=other, process=ideas, title=f"Van een ander {n}", body="x"
        )
        services.idea_support(actor=me, idea=theirs)

    take_part(0)
    for part in ("ideas", "supports", "responses", "votes"):
        resident_client.get(f"{ME}/{part}")  # the register's versions are cached after this
    for n in range(1, 6):
        take_part(n)
    for part in ("ideas", "supports", "responses", "votes"):
        with django_assert_max_num_queries(10):
            answer = resident_client.get(f"{ME}/{part}")
        assert answer.status_code == 200
