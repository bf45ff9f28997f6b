"""A new version of a case type: while administrators work on its draft, residents and
applications keep using the newest published version; publishing the draft switches over
at once. ``is_current`` means the version in use (published), never a draft."""

from __future__ import annotations

import pytest

from stadhuis.accounts import applications
from stadhuis.accounts.services import staff_actor
from stadhuis.cases import api_services, queries, services
from stadhuis.cases.models import Case, CaseType
from stadhuis.core.errors import InvalidInput

MELDING = "melding-openbare-ruimte"
ANSWERS = {"categorie": "Afval"}


@pytest.fixture
def admin(make_staff):
    return staff_actor(make_staff("administrator", username="beheer-v"))


@pytest.fixture
def draft(catalogue, admin):
    """A draft of version 2 of the report type, renamed so each page shows which it uses."""
    new = services.case_type_new_version(actor=admin, case_type=catalogue[MELDING])
    CaseType.objects.filter(pk=new.pk).update(name="Melding buitenruimte")
    new.refresh_from_db()
    return new


def _submit(actor, code=MELDING):
    return services.case_submit(
        actor=actor, case_type_code=code, description="Volle container", answers=ANSWERS
    )


def test_a_draft_is_not_in_use_and_the_published_version_stays_in_use(catalogue, draft):
    published = catalogue[MELDING]
    published.refresh_from_db()
    assert published.is_current and not draft.is_current and not draft.is_published
    assert draft.version == 2 and draft.statuses.count() == published.statuses.count()


def test_residents_still_submit_the_published_version_while_a_draft_exists(
    catalogue, draft, me, client
):
    case = _submit(me)
    assert case.case_type_id == catalogue[MELDING].pk
    assert queries.published_case_type(MELDING).pk == catalogue[MELDING].pk
    page = client.get("/aanvragen").content.decode()
    assert f'href="/aanvragen/{MELDING}"' in page
    assert "Melding openbare ruimte" in page and "Melding buitenruimte" not in page
    form = client.get(f"/aanvragen/{MELDING}")
    assert form.status_code == 200
    sent = client.post(
        f"/aanvragen/{MELDING}",
        {"description": "Losse stoeptegel", "q_categorie": "Bestrating", "email": "a@example.org"},
    )
    assert sent.status_code == 302, sent.content.decode()
    made = Case.objects.get(description="Losse stoeptegel")
    assert made.case_type_id == catalogue[MELDING].pk


def test_applications_still_see_and_create_the_published_version(catalogue, draft, client):
    app = applications.application_create(actor=None, name="balie", org_unit="Stadsbeheer")
    applications.grant(
        actor=None,
        application=app,
        case_type_code=MELDING,
        actions=["create", "read"],
        max_confidentiality="intern",
    )
    _row, raw = applications.token_issue(actor=None, application=app)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listed = client.get("/api/v1/case-types?limit=100", **headers).json()["results"]
    mine = [t for t in listed if t["code"] == MELDING]
    assert [(t["id"], t["version"]) for t in mine] == [(str(catalogue[MELDING].public_id), 1)]
    body = {"caseType": MELDING, "description": "Zwerfvuil", "answers": ANSWERS}
    response = client.post("/api/v1/cases", body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    assert response.json()["caseType"]["version"] == 1
    assert [t.pk for t in api_services.case_types_published() if t.code == MELDING] == [
        catalogue[MELDING].pk
    ]


def test_other_apps_find_the_type_of_a_kind_while_it_has_a_draft(catalogue, admin):
    correction = catalogue["avg-correctie"]
    new = services.case_type_new_version(actor=admin, case_type=correction)
    CaseType.objects.filter(pk=new.pk).update(questions=[])  # the draft asks nothing
    assert services.current_case_type_code("correction_request") == "avg-correctie"
    # the answers kept are those the version in use asks for, as case_submit checks them
    asked = {q["name"] for q in correction.questions}
    assert set(services.answers_for("avg-correctie", dict.fromkeys(asked, "x"))) == asked


def test_publishing_the_draft_switches_new_cases_over_and_old_ones_keep_theirs(
    catalogue, draft, admin, me
):
    before = _submit(me)
    services.case_type_publish(actor=admin, case_type=draft)
    after = _submit(me)
    assert (before.case_type_id, after.case_type_id) == (catalogue[MELDING].pk, draft.pk)
    in_use = CaseType.objects.filter(code=MELDING, is_current=True)
    assert list(in_use.values_list("version", flat=True)) == [2]
    assert queries.published_case_type(MELDING).name == "Melding buitenruimte"
    before.refresh_from_db()
    assert before.case_type_id == catalogue[MELDING].pk


def test_a_new_version_is_made_of_the_version_in_use_once(catalogue, draft, admin):
    with pytest.raises(InvalidInput, match="al een conceptversie"):
        services.case_type_new_version(actor=admin, case_type=catalogue[MELDING])
    with pytest.raises(InvalidInput, match="conceptversie zelf"):
        services.case_type_new_version(actor=admin, case_type=draft)
    services.case_type_publish(actor=admin, case_type=draft)
    with pytest.raises(InvalidInput, match="versie die nu in gebruik is"):
        services.case_type_new_version(actor=admin, case_type=catalogue[MELDING])
    third = services.case_type_new_version(actor=admin, case_type=draft)
    assert (third.version, third.is_current, third.is_published) == (3, False, False)


def test_a_new_type_is_a_draft_that_is_not_in_use_until_published(catalogue, admin, me):
    spec = {
        "code": "proef",
        "kind": "request",
        "name": "Proef",
        "explanation": "x",
        "processing_activity": "meldingen-openbare-ruimte",
        "department": "Stadsbeheer",
        "term_amount": 1,
        "term_unit": "weeks",
        "statuses": [
            {"code": "ontvangen", "name": "Ontvangen", "resident_text": "x", "next": ["klaar"]},
            {"code": "klaar", "name": "Klaar", "resident_text": "x", "final": True},
        ],
        "results": [{"code": "klaar", "name": "Klaar", "resident_text": "x"}],
    }
    made = services.case_type_create(actor=admin, spec=spec)
    assert not made.is_current and queries.published_case_type("proef") is None
    published = services.case_type_publish(actor=admin, case_type=made)
    assert published.is_current
    made.refresh_from_db()
    assert made.is_current and made.is_published
