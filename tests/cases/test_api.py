"""The cases API for connected applications: tokens, scopes, logging, problems, query budgets."""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from stadhuis.accounts import applications
from stadhuis.cases import services
from stadhuis.cases.models import Case, Notification
from stadhuis.privacy.models import ProcessingLogEntry

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
MELDING = "melding-openbare-ruimte"
PASPOORT = "reisdocument-thuisbezorgen"


@pytest.fixture
def token(catalogue):
    """token(*grants) -> Authorization headers for a new application with those grants;
    a grant is (case type code, actions, max confidentiality)."""
    made = []

    def make(*grants, name=None):
        app = applications.application_create(
            actor=None, name=name or f"app-{len(made)}", org_unit="Stadsbeheer"
        )
        for code, actions, level in grants:
            applications.grant(
                actor=None,
                application=app,
                case_type_code=code,
                actions=actions,
                max_confidentiality=level,
            )
        row, raw = applications.token_issue(actor=None, application=app)
        made.append(row)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def melding(actor, **extra):
    return services.case_submit(
        actor=actor,
        case_type_code=MELDING,
        description="Lantaarnpaal kapot",
        answers={"categorie": "Straatverlichting"},
        **extra,
    )


def paspoort(actor):
    return services.case_submit(
        actor=actor,
        case_type_code=PASPOORT,
        description="Nieuw paspoort",
        answers={"bezorgadres": "Dorpsstraat 1", "tijdvak": "08:00-12:00"},
    )


def reads(reference=None):
    entries = ProcessingLogEntry.objects.filter(action="read", actor_kind="application")
    return entries.filter(object_id=reference) if reference else entries


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:stadhuis:problem:")
    return body


# --- Authentication ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer ", "Bearer nope", "Basic dXNlcjpwdw==", "Token abc", "Bearer é"],
)
def test_no_or_bad_token_is_a_401_problem_with_a_challenge(client, catalogue, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/api/v1/cases", **extra)
    body = assert_problem(response, 401)
    assert body["type"] == "urn:stadhuis:problem:unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["API-Version"]


def test_revoked_token_is_refused_at_once(client, token):
    headers = token((MELDING, ["read"], "intern"))
    assert client.get("/api/v1/cases", **headers).status_code == 200
    row = applications.ApplicationToken.objects.get()
    applications.token_revoke(actor=None, token=row)
    response = client.get("/api/v1/cases", **headers)
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_every_case_operation_needs_a_token(client, catalogue):
    for method, path in [
        ("get", "/api/v1/case-types"),
        ("get", "/api/v1/cases/ABCD-EFGH-JKMN-PQRS"),
        ("post", "/api/v1/cases"),
        ("get", "/api/v1/cases/ABCD-EFGH-JKMN-PQRS/statuses"),
        ("post", "/api/v1/cases/ABCD-EFGH-JKMN-PQRS/statuses"),
        ("get", "/api/v1/cases/ABCD-EFGH-JKMN-PQRS/documents"),
    ]:
        response = getattr(client, method)(path, content_type="application/json")
        assert_problem(response, 401)


# --- Case types -------------------------------------------------------------------------


def test_case_types_list_the_published_catalogue_with_statuses_and_results(client, token):
    headers = token()  # the catalogue needs a token, no grant
    response = client.get("/api/v1/case-types?limit=100", **headers)
    assert response.status_code == 200
    types = {t["code"]: t for t in response.json()["results"]}
    assert MELDING in types and PASPOORT in types
    melding_type = types[MELDING]
    assert melding_type["confidentiality"] == "intern"
    assert melding_type["statusTypes"][0]["code"] == "ontvangen"
    assert melding_type["statusTypes"][0]["next"]
    assert {r["code"] for r in melding_type["resultTypes"]} >= {"opgelost"}
    one = client.get(f"/api/v1/case-types/{melding_type['id']}", **headers)
    assert one.status_code == 200 and one.json() == melding_type


def test_unknown_case_type_is_a_404_problem_and_a_bad_id_a_400(client, token):
    headers = token()
    assert_problem(client.get("/api/v1/case-types/" + "0" * 8 + "-0000-4000-8000-" + "0" * 12,
                              **headers), 404)  # fmt: skip
    assert_problem(client.get("/api/v1/case-types/not-a-uuid", **headers), 400)


# --- Scope: per case type, per action, maximum confidentiality ---------------------------


def test_list_shows_only_granted_case_types(client, token, me):
    own = melding(me)
    other = paspoort(me)
    headers = token((MELDING, ["read"], "geheim"))
    response = client.get("/api/v1/cases", **headers)
    assert response.status_code == 200
    assert [c["reference"] for c in response.json()["results"]] == [own.reference]
    assert_problem(client.get(f"/api/v1/cases/{other.reference}", **headers), 404)


def test_a_confidential_case_is_invisible_to_a_token_with_max_intern(client, token, me):
    secret = paspoort(me)  # vertrouwelijk
    assert secret.confidentiality == "vertrouwelijk"
    low = token((PASPOORT, ["read"], "intern"))
    assert client.get("/api/v1/cases", **low).json()["results"] == []
    assert_problem(client.get(f"/api/v1/cases/{secret.reference}", **low), 404)
    assert_problem(client.get(f"/api/v1/cases/{secret.reference}/statuses", **low), 404)
    assert_problem(client.get(f"/api/v1/cases/{secret.reference}/documents", **low), 404)
    high = token((PASPOORT, ["read"], "vertrouwelijk"))
    assert client.get(f"/api/v1/cases/{secret.reference}", **high).status_code == 200


def test_a_grant_without_read_shows_nothing(client, token, me):
    case = melding(me)
    headers = token((MELDING, ["create"], "geheim"))
    assert client.get("/api/v1/cases", **headers).json()["results"] == []
    assert_problem(client.get(f"/api/v1/cases/{case.reference}", **headers), 404)


def test_create_needs_a_create_grant_for_that_type(client, token):
    body = {
        "caseType": MELDING,
        "description": "Losse stoeptegel",
        "answers": {"categorie": "Bestrating"},
        "email": "buur@example.org",
    }
    read_only = token((MELDING, ["read"], "geheim"))
    response = client.post("/api/v1/cases", body, content_type="application/json", **read_only)
    assert_problem(response, 403)
    other_type = token((PASPOORT, ["create"], "geheim"))
    response = client.post("/api/v1/cases", body, content_type="application/json", **other_type)
    assert_problem(response, 403)
    assert not Case.objects.exists()


def test_create_refuses_a_type_more_confidential_than_the_grant(client, token):
    headers = token((PASPOORT, ["create"], "intern"))
    body = {
        "caseType": PASPOORT,
        "description": "Paspoort",
        "answers": {"bezorgadres": "Dorpsstraat 1", "tijdvak": "08:00-12:00"},
    }
    response = client.post("/api/v1/cases", body, content_type="application/json", **headers)
    assert_problem(response, 403)


def test_create_logs_a_create_and_queues_a_notification(client, token):
    headers = token((MELDING, ["create", "read"], "intern"))
    body = {
        "caseType": MELDING,
        "description": "Losse stoeptegel",
        "answers": {"categorie": "Bestrating"},
        "email": "buur@example.org",
        "postcode": "1234 AB",
        "latitude": 52.1,
        "longitude": 5.1,
    }
    response = client.post("/api/v1/cases", body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    data = response.json()
    case = Case.objects.get(reference=data["reference"])
    assert response["Location"].endswith(f"/api/v1/cases/{case.reference}")
    assert data["caseType"]["code"] == MELDING and data["status"]["code"] == "ontvangen"
    entry = ProcessingLogEntry.objects.get(object_id=case.reference, action="create")
    assert (entry.actor_kind, entry.actor_unit, entry.actor_role) == (
        "application",
        "Stadsbeheer",
        "applicatie",
    )
    assert entry.subject == services.contact_pseudonym("buur@example.org")
    assert Notification.objects.filter(case=case, to="buur@example.org").count() == 1


def test_create_with_an_unknown_case_type_is_404_and_with_bad_answers_400(client, token):
    headers = token(("bestaat-niet", ["create"], "geheim"), (MELDING, ["create"], "geheim"))
    unknown = {"caseType": "bestaat-niet", "description": "x"}
    assert_problem(
        client.post("/api/v1/cases", unknown, content_type="application/json", **headers), 404
    )
    bad = {"caseType": MELDING, "description": "x", "answers": {"categorie": "Ufo"}}
    assert_problem(client.post("/api/v1/cases", bad, content_type="application/json", **headers),
                   400)  # fmt: skip


def test_an_application_sets_a_status_within_its_grant(client, token, me):
    case = melding(me)
    body = {"statusType": "in-behandeling", "expectedVersion": case.version}
    path = f"/api/v1/cases/{case.reference}/statuses"
    no_scope = token((PASPOORT, ["update", "read"], "geheim"))
    assert_problem(client.post(path, body, content_type="application/json", **no_scope), 404)
    read_only = token((MELDING, ["read"], "geheim"))
    assert_problem(client.post(path, body, content_type="application/json", **read_only), 403)
    updater = token((MELDING, ["read", "update"], "geheim"))
    response = client.post(path, body, content_type="application/json", **updater)
    assert response.status_code == 201, response.content
    assert response.json()["statusType"] == "in-behandeling"
    # the same (now stale) version again: a conflict, nothing changes
    assert_problem(client.post(path, body, content_type="application/json", **updater), 409)
    illegal = {"statusType": "ontvangen", "expectedVersion": case.version + 1}
    assert_problem(client.post(path, illegal, content_type="application/json", **updater), 400)
    case.refresh_from_db()
    assert case.status.code == "in-behandeling"
    entry = ProcessingLogEntry.objects.filter(object_id=case.reference, action="update").get()
    assert (entry.actor_kind, entry.actor_role) == ("application", "applicatie")


def test_the_service_itself_checks_an_applications_grant(me, catalogue):
    from stadhuis.core.context import Actor, ActorKind
    from stadhuis.core.errors import NotAllowed

    case = melding(me)
    low = Actor(kind=ActorKind.APPLICATION, scopes=frozenset({f"{MELDING}:update:openbaar"}))
    with pytest.raises(NotAllowed):  # the case is "intern", above this grant
        services.case_set_status(
            actor=low, case=case, expected_version=case.version, status_code="in-behandeling"
        )


# --- Reads are logged -------------------------------------------------------------------


def test_list_logs_one_read_per_case_subject(client, token, me, resident):
    for _ in range(3):
        melding(me)
    melding(services.Actor(kind=services.ActorKind.RESIDENT), email="buur@example.org")
    headers = token((MELDING, ["read"], "intern"))
    response = client.get("/api/v1/cases?limit=10", **headers)
    assert len(response.json()["results"]) == 4
    subjects = sorted(reads().values_list("subject", flat=True))
    assert subjects == sorted([me.subject, services.contact_pseudonym("buur@example.org")])


def test_detail_statuses_and_documents_each_log_the_read_of_that_case(client, token, me):
    case = melding(me)
    headers = token((MELDING, ["read"], "intern"))
    for path in ("", "/statuses", "/documents"):
        before = reads(case.reference).count()
        assert client.get(f"/api/v1/cases/{case.reference}{path}", **headers).status_code == 200
        assert reads(case.reference).count() == before + 1
    assert set(reads(case.reference).values_list("subject", flat=True)) == {me.subject}


def test_statuses_are_the_timeline_oldest_first(client, token, me, handler):
    case = melding(me)
    staff = handler()
    services.case_set_status(
        actor=staff, case=case, expected_version=case.version, status_code="in-behandeling"
    )
    headers = token((MELDING, ["read"], "intern"))
    data = client.get(f"/api/v1/cases/{case.reference}/statuses", **headers).json()
    assert [s["statusType"] for s in data["results"]] == ["ontvangen", "in-behandeling"]
    detail = client.get(f"/api/v1/cases/{case.reference}", **headers).json()
    assert detail["status"]["code"] == "in-behandeling" and detail["version"] == case.version


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_documents_list_metadata_and_download_as_attachment(client, token, me, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = melding(me, uploads=[services.Upload(data=_png(), name="lamp.png")])
    headers = token((MELDING, ["read"], "intern"))
    data = client.get(f"/api/v1/cases/{case.reference}/documents", **headers).json()
    [document] = data["results"]
    assert (document["name"], document["contentType"]) == ("lamp.png", "image/png")
    download = client.get(document["downloadUrl"], **headers)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == case.documents.get().file.open("rb").read()
    other = token((PASPOORT, ["read"], "geheim"))
    assert_problem(client.get(document["downloadUrl"], **other), 404)


# --- Filters and pagination -------------------------------------------------------------


def test_filters_and_cursor_pagination(client, token, me, handler):
    cases = [melding(me) for _ in range(5)]
    staff = handler()
    services.case_set_status(
        actor=staff, case=cases[0], expected_version=cases[0].version, status_code="in-behandeling"
    )
    headers = token((MELDING, ["read"], "intern"))
    seen, url = [], "/api/v1/cases?limit=2"
    while url:
        response = client.get(url, **headers)
        assert response.status_code == 200
        page = response.json()
        seen += [c["reference"] for c in page["results"]]
        url = page["next"]
    assert seen == [c.reference for c in reversed(cases)]  # newest first, none twice
    by_status = client.get("/api/v1/cases?status=in-behandeling", **headers).json()["results"]
    assert [c["reference"] for c in by_status] == [cases[0].reference]
    by_deadline = client.get("/api/v1/cases?sort=deadline&limit=100", **headers).json()
    assert len(by_deadline["results"]) == 5
    later = client.get(f"/api/v1/cases?deadlineBefore={cases[0].deadline}", **headers).json()
    assert later["results"] == []
    assert client.get(f"/api/v1/cases?caseType={PASPOORT}", **headers).json()["results"] == []


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=abc",
        "cursor=%%%",
        "cursor=WzFd",
        "sort=name",
        "deadlineBefore=2024-13-40",
        "caseType=a%00b",
        "status=" + "x" * 100,
        "openOnly=perhaps",
    ],
)
def test_bad_query_parameters_are_400_problems(client, token, query):
    headers = token((MELDING, ["read"], "intern"))
    body = assert_problem(client.get(f"/api/v1/cases?{query}", **headers), 400)
    assert body["invalid-params"]


@pytest.fixture
def reader(token, me):
    melding(me)
    return token((MELDING, ["read"], "intern"))


@pytest.fixture
def creator(token):
    return token((MELDING, ["create"], "intern"))


PARAMS = st.sampled_from(
    ["caseType", "status", "openOnly", "deadlineBefore", "sort", "cursor", "limit", "x"]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.dictionaries(PARAMS, st.text(max_size=40), max_size=5))
def test_no_query_gives_a_server_error(client, reader, query):
    # Fixtures are set up once for all examples: one token, one case.
    response = client.get("/api/v1/cases", query, **reader)
    assert response.status_code in {200, 400}, response.content
    if response.status_code == 400:
        assert response["Content-Type"] == PROBLEM


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    ["caseType", "description", "answers", "email", "postcode", "address", "latitude", "x"]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.dictionaries(FIELDS, JSON, max_size=6),
        st.fixed_dictionaries(
            {"caseType": st.just(MELDING), "description": st.text(max_size=30)},
            optional={"answers": JSON, "email": JSON, "latitude": JSON, "postcode": JSON},
        ),
        JSON,
    )
)
def test_no_body_gives_a_server_error(client, creator, body):
    response = client.post(
        "/api/v1/cases", json.dumps(body), content_type="application/json", **creator
    )
    assert response.status_code in {201, 400, 403, 404}, response.content
    if response.status_code != 201:
        assert response["Content-Type"] == PROBLEM


# --- Query budgets ----------------------------------------------------------------------

# token + application (1), grants (1), the page (1), one log statement per activity (1)
LIST_QUERIES = 4
# token (1), grants (1), the type's confidentiality (1), the type (1), its first status
# (1); in the transaction the case in its own savepoint (3), its status (1), event (1),
# log entry (1), notification (1). On PostgreSQL plus BEGIN and COMMIT: 14 (was 18).
CREATE_QUERIES = 12
# token (1), grants (1), the case (1), its log statement (1)
DETAIL_QUERIES = 4


def test_list_query_count_does_not_grow_with_page_size(
    client, token, me, django_assert_num_queries
):
    for _ in range(6):
        melding(me)
    headers = token((MELDING, ["read"], "intern"))
    client.get("/api/v1/cases?limit=1", **headers)  # warm: last-used stamp, log version
    for limit in (1, 5):
        with django_assert_num_queries(LIST_QUERIES):
            response = client.get(f"/api/v1/cases?limit={limit}", **headers)
        assert len(response.json()["results"]) == limit


def test_create_query_count(client, token, django_assert_num_queries):
    headers = token((MELDING, ["create", "read"], "intern"))

    def body(n):
        return {
            "caseType": MELDING,
            "description": f"Losse stoeptegel {n}",
            "answers": {"categorie": "Bestrating"},
            "email": f"buur{n}@example.org",
        }

    client.post("/api/v1/cases", body(0), content_type="application/json", **headers)  # warm
    # + the savepoint and release that stand for the transaction inside the test's own
    with django_assert_num_queries(CREATE_QUERIES + 2):
        response = client.post("/api/v1/cases", body(1), content_type="application/json", **headers)
    assert response.status_code == 201
    case = Case.objects.get(reference=response.json()["reference"])
    assert Notification.objects.filter(case=case, to="buur1@example.org").count() == 1


def test_detail_query_count(client, token, me, django_assert_num_queries):
    case = melding(me)
    headers = token((MELDING, ["read"], "intern"))
    client.get(f"/api/v1/cases/{case.reference}", **headers)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(f"/api/v1/cases/{case.reference}", **headers).status_code == 200


def test_case_types_query_count_does_not_grow_with_page_size(
    client, token, django_assert_num_queries
):
    headers = token()
    client.get("/api/v1/case-types?limit=1", **headers)
    for limit in (1, 6):
        # token, grants, types, statuses, their transitions, results
        with django_assert_num_queries(6):
            response = client.get(f"/api/v1/case-types?limit={limit}", **headers)
        assert len(response.json()["results"]) == limit
