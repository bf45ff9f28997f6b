"""``/api/v1/me/...``: a resident reaches only their own dossier, log and export."""

from __future__ import annotations

import pytest
from django.test import Client

from stadhuis.cases import services as cases
from stadhuis.privacy.models import ProcessingLogEntry
from tests.dossier.conftest import report

ENDPOINTS = [
    "/api/v1/me/dossier",
    "/api/v1/me/dossier/sections/zaken",
    "/api/v1/me/processing-log",
    "/api/v1/me/export",
]


_report = report


@pytest.mark.parametrize("url", ENDPOINTS)
def test_without_a_resident_login_it_is_401(db, client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("url", ENDPOINTS)
def test_staff_sessions_are_refused(db, make_staff, url):
    staff = Client()
    staff.force_login(make_staff("privacy_officer"))
    assert staff.get(url).status_code == 401


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_resident_never_sees_another_residents_data(catalogue, me, other, resident_client, url):
    theirs = _report(other, "Geheim van Mohamed")
    mine = _report(me, "Van Anna")
    # every parameter a client could try, to point at someone else
    response = resident_client.get(
        url, {"subject": other.subject, "pseudonym": other.subject, "bsn": "123456782"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.reference in body
    assert theirs.reference not in body and "Geheim van Mohamed" not in body
    assert other.subject not in body
    assert response["Cache-Control"] == "no-store"


def test_dossier_shape(catalogue, me, resident_client):
    case = _report(me, "Van Anna")
    data = resident_client.get("/api/v1/me/dossier").json()
    cases_section = next(s for s in data["sections"] if s["key"] == "zaken")
    record = cases_section["records"][0]
    assert record["objectId"] == case.reference
    assert record["activity"]["legalBasis"] == "public_task"
    assert record["rights"] == {"correction": True, "objection": True, "erasure": False}
    assert {"recipients", "processors", "retention"} <= set(record["activity"])


def test_log_pages_filters_and_logs_itself(catalogue, me, resident_client):
    for n in range(3):
        _report(me, f"Melding {n}")
    page = resident_client.get("/api/v1/me/processing-log", {"limit": 2})
    assert page.status_code == 200
    data = page.json()
    assert len(data["results"]) == 2 and data["next"]
    assert 'rel="next"' in page["Link"]
    assert data["results"][0]["byYourself"] is True
    created = resident_client.get("/api/v1/me/processing-log", {"action": "create"}).json()
    assert {r["action"] for r in created["results"]} == {"create"}
    assert (
        resident_client.get("/api/v1/me/processing-log", {"action": "nonsense"}).status_code == 400
    )
    assert resident_client.get("/api/v1/me/processing-log", {"cursor": "!!"}).status_code == 400
    assert (
        resident_client.get("/api/v1/me/processing-log", {"since": "gisteren"}).status_code == 400
    )
    assert ProcessingLogEntry.objects.filter(
        subject=me.subject, object_id="api-verwerkingen"
    ).exists()


def test_export_is_logged(catalogue, me, resident_client):
    data = resident_client.get("/api/v1/me/export").json()
    assert data["schemaUrl"].endswith("dossier-export/v1.json")
    assert ProcessingLogEntry.objects.filter(subject=me.subject, action="export").count() == 1


def test_committed_export_schema_is_up_to_date():
    from stadhuis.dossier.management.commands.dossier_schema import DEFAULT, rendered

    assert DEFAULT.read_text(encoding="utf-8") == rendered(), (
        "docs/dossier-export.schema.json is stale: run `stadhuis dossier-schema`"
    )


def test_log_can_leave_out_what_i_did_myself(catalogue, me, handler, resident_client):
    cases.case_open_for_staff(actor=handler(), case=_report(me, "Van Anna"))
    data = resident_client.get("/api/v1/me/processing-log", {"othersOnly": "true"}).json()
    assert data["results"] and not any(r["byYourself"] for r in data["results"])


def test_dossier_is_paged_per_section_with_counts(catalogue, me, resident_client):
    made = [_report(me, f"Melding {n}").reference for n in range(5)]
    data = resident_client.get("/api/v1/me/dossier", {"limit": 2}).json()
    zaken = next(s for s in data["sections"] if s["key"] == "zaken")
    assert zaken["count"] == 5 and len(zaken["records"]) == 2
    assert "/api/v1/me/dossier/sections/zaken?" in zaken["next"]
    account = next(s for s in data["sections"] if s["key"] == "account")
    assert account["count"] == len(account["records"]) and account["next"] is None

    seen = [r["objectId"] for r in zaken["records"]]
    url = zaken["next"]
    while url:
        answer = resident_client.get(url)
        assert answer.status_code == 200
        page = answer.json()
        assert page["key"] == "zaken" and page["count"] == 5
        seen += [r["objectId"] for r in page["records"]]
        url = page["next"]
        assert not url or answer["Link"] == f'<{url}>; rel="next"'
    assert seen == made[::-1]


@pytest.mark.parametrize(
    "cursor", ["!!", "WyJvZmZzZXQiLCAtMV0", "WzFd", "WyJvZmZzZXQiLCAiMiJd", "W251bGxd"]
)
def test_bad_section_cursors_and_keys_are_problems(catalogue, me, resident_client, cursor):
    url = "/api/v1/me/dossier/sections/zaken"
    answer = resident_client.get(url, {"cursor": cursor})
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert resident_client.get("/api/v1/me/dossier", {"cursor": "x"}).status_code == 400
    missing = resident_client.get("/api/v1/me/dossier/sections/bestaat-niet")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"


def test_a_refused_section_cursor_logs_no_read(catalogue, me, resident_client):
    mine = ProcessingLogEntry.objects.filter(subject=me.subject, object_type="dossier")
    url = "/api/v1/me/dossier/sections/zaken"
    assert resident_client.get(url, {"cursor": "WyJvZmZzZXQiLCAtMV0"}).status_code == 400
    assert not mine.exists()
    assert resident_client.get(url).status_code == 200
    assert list(mine.values_list("object_id", flat=True)) == ["zaken"]


def test_the_whole_dossier_is_no_list_in_the_openapi_document(client):
    """Its sections page on through their own endpoint: no cursor, no Link header."""
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/me/dossier"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["limit"]
    assert "Link" not in operation["responses"]["200"]["headers"]
    section = client.get("/api/v1/openapi.json").json()["paths"]["/me/dossier/sections/{key}"]
    assert "Link" in section["get"]["responses"]["200"]["headers"]
