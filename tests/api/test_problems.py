"""Every API error is RFC 9457 problem+json, with the API's headers, and never a 500 for
bad input."""

import base64
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stadhuis.api import problems
from stadhuis.core.errors import Conflict, InvalidInput, NotAllowed, StadhuisError
from stadhuis.privacy import queries
from stadhuis.privacy.services import DPIARequired

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)


def base64_text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response["API-Version"] == "1.0.0"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["type"] == f"urn:stadhuis:problem:{code}"
    assert body["title"]
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/bestaat-niet",
        "/processing-activities/",  # no trailing slashes
        "/",
        "/docs",  # no Swagger page
        "/processing-log",
        "/a/b/c?x=1",
    ],
)
def test_unknown_paths_are_a_404_problem(client, path):
    response = client.get(BASE + path)
    body = assert_problem(response, 404, "not-found")
    assert body["instance"] == BASE + path.split("?")[0]


def test_unknown_path_with_post_is_a_404_problem_not_a_csrf_page(client):
    client = type(client)(enforce_csrf_checks=True)
    assert_problem(client.post(f"{BASE}/bestaat-niet"), 404, "not-found")


def test_wrong_method_is_a_405_problem(client):
    response = client.post(f"{BASE}/processors")
    assert_problem(response, 405, "method-not-allowed")
    assert response["Allow"] == "GET"


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("limit=abc", "limit"),
        ("limit=100000", "limit"),
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("cursor=" + "x" * 600, "cursor"),
        ("cursor=%%%", "cursor"),
        ("cursor=bm90IGpzb24", "cursor"),  # "not json"
        ("cursor=WzEsMl0", "cursor"),  # [1,2]: wrong number of keys
        ("cursor=W251bGxd", "cursor"),  # [null]
        ("cursor=W3siYSI6MX1d", "cursor"),  # [{"a":1}]
    ],
)
@pytest.mark.parametrize("path", ["/processing-activities", "/processors"])
def test_bad_list_parameters_are_a_400_problem_naming_the_parameter(client, path, query, param):
    body = assert_problem(client.get(f"{BASE}{path}?{query}"), 400, "invalid-input")
    assert [p["name"] for p in body["invalid-params"]] == [param]
    assert all(p["reason"] for p in body["invalid-params"])


def test_bad_path_parameter_is_a_400_problem(client):
    body = assert_problem(
        client.get(f"{BASE}/processing-activities/{'x' * 81}"), 400, "invalid-input"
    )
    assert body["invalid-params"][0]["name"] == "code"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    cursor=st.text(max_size=80)
    | st.binary(max_size=60).map(base64_text)
    | st.lists(JSON_SCALARS, max_size=3).map(lambda v: base64_text(json.dumps(v).encode()))
)
def test_no_cursor_gives_a_500(client, cursor):
    response = client.get(f"{BASE}/processing-activities", {"cursor": cursor, "limit": "5"})
    assert response.status_code in (200, 400)


def test_stadhuis_errors_keep_their_status_code_and_message():
    request = RequestFactory().get("/api/v1/iets")
    for exc, status, code in [
        (Conflict(), 409, "conflict"),
        (NotAllowed("Alleen de privacy officer."), 403, "forbidden"),
        (DPIARequired("Geen DPIA."), 403, "dpia-required"),
        (StadhuisError(), 400, "error"),
    ]:
        response = problems.stadhuis_error(request, exc)
        body = assert_problem_body(response, status, code)
        assert body["detail"] == str(exc.message)
        assert body["title"] == str(type(exc).default_message)
        assert body["instance"] == "/api/v1/iets"
        assert "invalid-params" not in body


def test_field_errors_of_a_service_become_invalid_params():
    request = RequestFactory().get("/api/v1/iets")
    exc = InvalidInput(errors={"legal_basis": ["Kies een grondslag."], "__all__": ["Fout."]})
    body = assert_problem_body(problems.stadhuis_error(request, exc), 400, "invalid-input")
    assert body["invalid-params"] == [
        {"name": "legalBasis", "reason": "Kies een grondslag.", "code": "invalid"},
        {"name": "__all__", "reason": "Fout.", "code": "invalid"},
    ]


def assert_problem_body(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert (body["status"], body["type"]) == (status, f"urn:stadhuis:problem:{code}")
    return body


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (Http404("geheim"), 404, "not-found"),
        (PermissionDenied("geheim"), 403, "forbidden"),
        (RuntimeError("geheim: /etc/passwd"), 500, "server-error"),
        (Conflict(), 409, "conflict"),
    ],
)
def test_exceptions_in_a_handler_become_problems(client, monkeypatch, exc, status, code):
    def fail():
        raise exc

    monkeypatch.setattr(queries, "log_head", fail)
    response = client.get(f"{BASE}/processing-log/head")
    body = assert_problem(response, status, code)
    if status != 409:
        assert "geheim" not in response.content.decode()
        assert "Traceback" not in response.content.decode()
    if status == 500:
        assert response["traceparent"].split("-")[1] in body["detail"]


def test_api_version_and_no_store_on_success(client):
    response = client.get(f"{BASE}/processing-log/head")
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    assert response["Cache-Control"] == "no-store"


def test_incoming_trace_is_continued(client):
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    sent = f"00-{trace_id}-00f067aa0ba902b7-01"
    for path in ("/processing-log/head", "/bestaat-niet"):
        response = client.get(BASE + path, HTTP_TRACEPARENT=sent)
        version, echoed_trace, span, flags = response["traceparent"].split("-")
        assert (version, echoed_trace, flags) == ("00", trace_id, "01")
        assert span != "00f067aa0ba902b7"  # our own span, child of the caller's


def test_paths_under_api_outside_ninja_answer_with_problems(client, db):
    response = client.get("/api/v2/something")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 404
