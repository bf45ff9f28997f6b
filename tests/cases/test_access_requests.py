"""An access request (AVG art. 15) is closed as answered only together with its answer.

The rule lives in the state machine (``services.case_set_status``), so the staff case
page, the API and any other caller meet it; only the dossier's "Verstuur en rond af"
hands in the answer. A result that closes the request without the data (refused,
withdrawn) is set by a handler, with an explanation for the resident."""

from __future__ import annotations

import json

import pytest

from stadhuis.accounts.services import staff_actor
from stadhuis.cases import queries_staff, services
from stadhuis.cases.models import Case, CaseDocument, CaseEvent, CaseType, Notification
from stadhuis.core.errors import InvalidInput
from stadhuis.privacy.models import ProcessingLogEntry
from tests.cases.conftest import publish_as_before_the_refusal_rule
from tests.cases.test_api import PROBLEM, assert_problem, melding, token  # noqa: F401
from tests.cases.test_views_staff import login

PRIVACY = "Privacy en Informatiebeveiliging"
INZAGE = "avg-inzage"
EMAIL = "anna@example.org"


def _request(me, code=INZAGE) -> Case:
    return services.case_submit(
        actor=me, case_type_code=code, description="Welke gegevens heeft u?", email=EMAIL
    )


def _written(case) -> tuple:
    """Everything a status change writes, to show that a refusal wrote nothing."""
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.version,
        fresh.status_id,
        fresh.closed_at,
        fresh.result_id,
        fresh.statuses.count(),
        CaseEvent.objects.filter(case=case).count(),
        Notification.objects.filter(case=case).count(),
        CaseDocument.objects.filter(case=case).count(),
        ProcessingLogEntry.objects.filter(object_id=case.reference, action="update").count(),
    )


@pytest.fixture
def avg(make_staff):
    """A case handler of the department that handles access requests."""
    return staff_actor(make_staff("case_handler", username="avg", unit=PRIVACY))


def _answer(case):
    return [services.GeneratedDocument("antwoord", "application/json", b"{}")]


def _set(actor, case, status="afgehandeld", **extra) -> Case:
    """``services.case_set_status`` as seen by ``actor``, from the case's current version."""
    return services.case_set_status(
        actor=actor, case=case, expected_version=case.version, status_code=status, **extra
    )


# --- The service ----------------------------------------------------------------------


def test_a_handler_cannot_close_an_access_request_as_provided(catalogue, me, avg, privacy_officer):
    case = _request(me)
    before = _written(case)
    for actor in (avg, privacy_officer):
        with pytest.raises(InvalidInput, match="alleen af samen met het antwoord") as refused:
            _set(actor, case, result_code="verstrekt", explanation="Zie de bijlage.")
        assert refused.value.details == {"field": "result"}
        assert refused.value.status == 400
    # nor after "in behandeling": the rule is about the result, not the path
    _set(avg, case, "in-behandeling")
    middle = _written(case)
    assert middle != before
    with pytest.raises(InvalidInput, match="Verstuur en rond af"):
        _set(avg, case, result_code="verstrekt")
    assert _written(case) == middle and Case.objects.get(pk=case.pk).is_open


def test_a_refusal_needs_an_explanation_and_then_closes_without_an_answer(catalogue, me, avg):
    case = _request(me)
    before = _written(case)
    with pytest.raises(InvalidInput, match="waarom het verzoek zonder de gegevens") as refused:
        _set(avg, case, result_code="geweigerd", explanation="   ")
    assert refused.value.details == {"field": "explanation"}
    assert _written(case) == before

    _set(avg, case, result_code="geweigerd", explanation="We konden niet vaststellen wie u bent.")
    case = Case.objects.select_related("result").get(pk=case.pk)
    assert not case.is_open and case.result.code == "geweigerd"
    assert case.statuses.latest("set_at", "id").explanation == (
        "We konden niet vaststellen wie u bent."
    )
    assert not case.documents.exists()
    assert Notification.objects.filter(case=case, key__contains=":status:afgehandeld").exists()


def test_a_withdrawal_by_the_resident_is_not_affected(catalogue, me):
    case = _request(me)
    services.case_withdraw(actor=me, case=case, expected_version=case.version)
    assert not Case.objects.get(pk=case.pk).is_open


def test_the_answer_goes_only_with_a_result_that_says_provided(catalogue, me, avg, make_staff):
    case = _request(me)
    before = _written(case)
    with pytest.raises(InvalidInput, match=r"zonder de gegevens\. Kies het resultaat"):
        _set(avg, case, result_code="geweigerd", explanation="Nee.", answer=_answer)
    with pytest.raises(InvalidInput, match="met de status die het verzoek afsluit"):
        _set(avg, case, "in-behandeling", answer=_answer)
    assert _written(case) == before
    other = melding(me)
    beheer = staff_actor(make_staff("case_handler", username="beheer", unit=other.department))
    with pytest.raises(InvalidInput, match="Alleen een inzageverzoek"):
        _set(beheer, other, result_code="opgelost", answer=_answer)
    assert Case.objects.get(pk=other.pk).is_open


def test_with_its_answer_the_request_closes_and_the_answer_is_attached_once(
    catalogue, me, privacy_officer
):
    case = _request(me)
    empty = []
    with pytest.raises(InvalidInput, match="Het antwoord is leeg"):
        _set(privacy_officer, case, result_code="verstrekt", answer=lambda c: empty)
    case = Case.objects.get(pk=case.pk)
    assert case.is_open and case.version == 1  # the status change was rolled back
    _set(privacy_officer, case, result_code="verstrekt", answer=_answer)
    case = Case.objects.get(pk=case.pk)
    assert not case.is_open and case.result.code == "verstrekt"
    assert list(case.documents.values_list("original_name", flat=True)) == ["antwoord.json"]
    # the final status mails the resident, so the document does not mail again
    assert not Notification.objects.filter(case=case, key__contains=":document:").exists()


def _only_answered(code="inzage-kort") -> dict:
    """An access-request type whose one result needs the answer."""
    return {
        "code": code,
        "kind": "access_request",
        "name": "Inzage kort",
        "explanation": "x",
        "processing_activity": "avg-verzoeken",
        "confidentiality": "vertrouwelijk",
        "department": PRIVACY,
        "term_amount": 1,
        "term_unit": "months",
        "statuses": [
            {"code": "ontvangen", "name": "Ontvangen", "resident_text": "x", "next": ["klaar"]},
            {"code": "klaar", "name": "Klaar", "resident_text": "x", "final": True},
        ],
        "results": [{"code": "verstrekt", "name": "Verstrekt", "resident_text": "x"}],
    }


def test_an_access_request_type_without_a_result_that_closes_without_answer_is_not_published(
    catalogue, make_staff
):
    """Such a request could be neither refused nor closed when withdrawn."""
    admin = staff_actor(make_staff("administrator", username="beheer-a"))
    draft = services.case_type_create(actor=admin, spec=_only_answered())
    with pytest.raises(InvalidInput, match="zonder antwoord, zoals 'Geweigerd'"):
        services.case_type_publish(actor=admin, case_type=draft)
    draft.refresh_from_db()
    assert not draft.is_published and not draft.is_current
    # a new version of a type in use is checked the same way before it is published
    new = services.case_type_new_version(actor=admin, case_type=catalogue[INZAGE])
    new.results.filter(closes_without_answer=True).delete()
    with pytest.raises(InvalidInput, match="zonder antwoord"):
        services.case_type_publish(actor=admin, case_type=new)
    assert CaseType.objects.get(code=INZAGE, is_current=True).pk == catalogue[INZAGE].pk
    # marking one of its results is enough
    new.results.filter(code="verstrekt").update(closes_without_answer=True)
    assert services.case_type_publish(actor=admin, case_type=new).is_current
    # other kinds need none
    spec = {**_only_answered("verzoek-kort"), "kind": "request"}
    other = services.case_type_create(actor=admin, spec=spec)
    assert services.case_type_publish(actor=admin, case_type=other).is_published


def test_a_type_whose_results_all_need_the_answer_cannot_be_closed_by_a_handler(
    catalogue, me, avg, make_staff
):
    """Publishing one is refused now (above), but versions published before that rule
    exist; on them the state machine still refuses a handler's close."""
    admin = staff_actor(make_staff("administrator", username="beheer-a"))
    publish_as_before_the_refusal_rule(
        admin, services.case_type_create(actor=admin, spec=_only_answered())
    )
    case = _request(me, code="inzage-kort")
    detail = queries_staff.case_detail(case)
    assert detail.answered_elsewhere and detail.results == [] and detail.next_statuses == []
    with pytest.raises(InvalidInput, match="alleen af samen met het antwoord"):
        _set(avg, case, "klaar", result_code="verstrekt")


def test_a_new_version_of_the_type_keeps_which_results_close_without_answer(catalogue, make_staff):
    admin = staff_actor(make_staff("administrator", username="beheer-a"))
    new = services.case_type_new_version(actor=admin, case_type=catalogue[INZAGE])
    marked = dict(new.results.values_list("code", "closes_without_answer"))
    assert marked == {"verstrekt": False, "geweigerd": True, "ingetrokken": True}


# --- The staff case page ----------------------------------------------------------------


def _page(client, case):
    return client.get(f"/medewerkers/zaken/{case.reference}")


def test_the_case_page_offers_only_refusal_results_and_points_to_the_answer(
    catalogue, me, client, make_staff
):
    case = _request(me)
    detail = queries_staff.case_detail(case)
    assert detail.answered_elsewhere
    assert [r.code for r in detail.results] == ["geweigerd", "ingetrokken"]
    login(client, make_staff("case_handler", username="avg", unit=PRIVACY))
    html = _page(client, case).content.decode()
    assert "Het antwoord op dit inzageverzoek" in html
    assert "Vraag de privacyfunctionaris om het antwoord te versturen." in html
    assert 'value="geweigerd"' in html and 'value="verstrekt"' not in html
    assert f"/medewerkers/avg-verzoeken/{case.reference}/antwoord" not in html

    both = make_staff("case_handler", "privacy_officer", username="avg-po", unit=PRIVACY)
    login(client, both)
    html = _page(client, case).content.decode()
    assert f'href="/medewerkers/avg-verzoeken/{case.reference}/antwoord"' in html


def test_other_cases_keep_every_result_on_the_page(catalogue, me):
    other = melding(me)
    detail = queries_staff.case_detail(other)
    assert not detail.answered_elsewhere
    assert {r.code for r in detail.results} == set(
        other.case_type.results.values_list("code", flat=True)
    )


def test_posting_provided_on_the_case_page_is_a_400_that_writes_nothing(
    catalogue, me, client, make_staff, monkeypatch
):
    case = _request(me)
    login(client, make_staff("case_handler", username="avg", unit=PRIVACY))
    before = _written(case)
    url = f"/medewerkers/zaken/{case.reference}/actie/status"
    post = {
        "status-expected_version": case.version,
        "status-status": "afgehandeld",
        "status-result": "verstrekt",
        "status-explanation": "Zie bijlage",
    }
    response = client.post(url, post)  # not among the choices: the form refuses it
    assert response.status_code == 400
    assert "verstrekt is geen beschikbare keuze" in response.content.decode()
    assert _written(case) == before

    refused = client.post(url, post | {"status-result": "geweigerd", "status-explanation": ""})
    assert refused.status_code == 400
    assert "waarom het verzoek zonder de gegevens" in refused.content.decode()
    assert _written(case) == before

    # should the page ever offer "verstrekt" again, the state machine still refuses it
    every = queries_staff.case_detail

    def offering_everything(c):
        detail = every(c)
        detail.results = list(c.case_type.results.all())
        return detail

    monkeypatch.setattr(queries_staff, "case_detail", offering_everything)
    response = client.post(url, post)
    assert response.status_code == 400
    assert "alleen af samen met het antwoord" in response.content.decode()
    assert _written(case) == before
    monkeypatch.undo()

    done = client.post(url, post | {"status-result": "geweigerd", "status-explanation": "Nee."})
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).result.code == "geweigerd"


def test_the_case_page_in_english(catalogue, me, client, make_staff):
    case = _request(me)
    login(client, make_staff("case_handler", username="avg", unit=PRIVACY))
    client.cookies["django_language"] = "en"
    html = _page(client, case).content.decode()
    assert "The answer to this access request" in html
    assert "Het antwoord op dit inzageverzoek" not in html


# --- The API ------------------------------------------------------------------------------


def test_the_api_cannot_close_an_access_request_as_provided(client, token, me):  # noqa: F811
    case = _request(me)
    updater = token((INZAGE, ["read", "update"], "geheim"))
    path = f"/api/v1/cases/{case.reference}/statuses"
    before = _written(case)
    provided = {
        "statusType": "afgehandeld",
        "expectedVersion": case.version,
        "result": "verstrekt",
        "explanation": "Zie bijlage.",
    }
    response = client.post(path, provided, content_type="application/json", **updater)
    body = assert_problem(response, 400)
    assert "alleen af samen met het antwoord" in json_text(body)
    no_reason = provided | {"result": "geweigerd", "explanation": ""}
    body = assert_problem(
        client.post(path, no_reason, content_type="application/json", **updater), 400
    )
    assert "waarom het verzoek zonder de gegevens" in json_text(body)
    assert _written(case) == before

    refused = provided | {"result": "geweigerd", "explanation": "U bent niet te identificeren."}
    response = client.post(path, refused, content_type="application/json", **updater)
    assert response.status_code == 201, response.content
    assert Case.objects.get(pk=case.pk).result.code == "geweigerd"


def test_the_catalogue_says_which_results_close_without_answer(client, token):  # noqa: F811
    response = client.get("/api/v1/case-types?limit=100", **token())
    types = {t["code"]: t for t in response.json()["results"]}
    marked = {r["code"]: r["closesWithoutAnswer"] for r in types[INZAGE]["resultTypes"]}
    assert marked == {"verstrekt": False, "geweigerd": True, "ingetrokken": True}
    assert not any(
        r["closesWithoutAnswer"] for r in types["melding-openbare-ruimte"]["resultTypes"]
    )


def json_text(body) -> str:
    return json.dumps(body, ensure_ascii=False)
