"""Review probes for the burgerdossier (issue 4): each test states what should hold.

No open findings are left here (no ``xfail``): every test is a regression test that
failed before its fix (commits 94864ab, 77a9a84 and 2db8ef1).
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.utils import timezone

from stadhuis.cases import services as cases
from stadhuis.cases.models import Case
from stadhuis.dossier import queries
from stadhuis.dossier import services as dossier
from stadhuis.dossier.models import AssistedSession
from stadhuis.privacy import services as privacy

REPORT = "melding-openbare-ruimte"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def lenient(resident_client):
    """The resident's client, answering 500 instead of raising (to see the status)."""
    resident_client.raise_request_exception = False
    return resident_client


def _report(actor, text="Lantaarnpaal kapot"):
    return cases.case_submit(
        actor=actor, case_type_code=REPORT, description=text, answers={"categorie": "Afval"}
    )


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _newsletter(officer):
    privacy.activity_register(
        actor=officer,
        code="nieuwsbrief",
        name="Nieuwsbrief",
        purpose="De nieuwsbrief sturen",
        legal_basis="consent",
        controller_unit="Communicatie",
        retention_description="Tot u zich afmeldt",
        data_subject_categories=["abonnees"],
        personal_data_categories=["e-mailadres"],
        security_measures="x",
    )


# --- 3. Bad input must be a 4xx, never a 500 ---------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "until=9999-12-31",
        "since=0001-01-01",
        "since=0001-01-01&until=0001-01-01",
        f"cursor={_cursor([10**30])}",
        f"cursor={_cursor([1e300])}",
        f"cursor={_cursor([-(10**30)])}",
        "activity=%00",
        "action=%00",
        "since=2026-01-01%00",
    ],
)
def test_log_page_bad_input_is_not_a_500(catalogue, lenient, query):
    response = lenient.get(f"/mijn-gegevens/verwerkingen?{query}")
    assert response.status_code < 500, query


@pytest.mark.parametrize(
    "query",
    [
        "until=9999-12-31",
        "since=0001-01-01",
        f"cursor={_cursor([10**30])}",
        f"cursor={_cursor([1e300])}",
        "limit=100000000000000000000000",
        "activity=%00",
    ],
)
def test_api_log_bad_input_is_not_a_500(catalogue, lenient, query):
    response = lenient.get(f"/api/v1/me/processing-log?{query}")
    assert response.status_code < 500, (query, response.content[:300])


@pytest.mark.parametrize(
    "url",
    [
        "/mijn-gegevens/verzoek/correctie?onderdeel=%00&object=%00&gegeven=%00",
        "/mijn-gegevens/verzoek/bezwaar?onderdeel=zaken&object=" + "x" * 10000,
        "/mijn-gegevens/" + "a" * 3000,
    ],
)
def test_dossier_pages_bad_params_are_not_a_500(catalogue, lenient, url):
    assert lenient.get(url).status_code < 500


# --- 4. GDPR correctness -----------------------------------------------------------------


def test_retention_still_runs_when_an_activity_was_switched_off(
    catalogue, me, handler, privacy_officer
):
    """Closed long ago, the activity since switched off: the data must still go."""
    case = _report(me)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=9000))
    code = case.case_type.processing_activity
    privacy.activity_set_active(actor=privacy_officer, code=code, active=False)
    cases.cases_retention_apply()  # ProcessingRefused: the DELETE cannot be logged
    case.refresh_from_db()
    assert case.anonymised_at is not None


def test_a_consent_of_a_switched_off_activity_can_still_be_withdrawn_on_the_page(
    catalogue, me, resident_client, privacy_officer
):
    _newsletter(privacy_officer)
    privacy.consent_give(actor=me, activity="nieuwsbrief")
    privacy.activity_set_active(actor=privacy_officer, code="nieuwsbrief", active=False)
    html = resident_client.get("/mijn-gegevens/toestemmingen").content.decode()
    assert "Toestemming intrekken" in html  # the open consent is not listed at all


def test_assisted_service_record_shows_its_deletion_date(catalogue, me, make_staff):
    from stadhuis.accounts.services import staff_actor

    desk = staff_actor(make_staff("case_handler", username="balie"))
    dossier.assisted_session_start(
        actor=desk, bsn="111222333", channel="desk", reason="Hulp bij melding", consent=True
    )
    (record,) = [
        r for v in queries.overview(me.subject) if v.section.key == "hulp" for r in v.records
    ]
    assert record.record.retained_until is not None  # the job deletes it after 365 days


def test_consent_records_have_no_sequential_database_id(
    catalogue, me, privacy_officer, resident_client
):
    _newsletter(privacy_officer)
    consent = privacy.consent_give(actor=me, activity="nieuwsbrief")
    (record,) = [
        r
        for v in queries.overview(me.subject)
        if v.section.key == "gegeven-toestemmingen"
        for r in v.records
    ]
    assert record.record.object_id != str(consent.pk)  # DESIGN: no sequential ids outside


def test_export_holds_the_text_of_my_messages(catalogue, me, handler):
    """Art. 15(3) / art. 20: a copy of the data, not only how many messages there are."""
    case = _report(me)
    cases.case_reply(actor=me, case=case, body="Mijn bericht aan de gemeente, met details")
    data = json.dumps(dossier.dossier_export(actor=me), default=str)
    assert "Mijn bericht aan de gemeente, met details" in data


# --- 1. Another resident's data -----------------------------------------------------------


def test_rights_request_cannot_name_another_residents_case(catalogue, me, other, resident_client):
    theirs = _report(other, "Geheim van Mohamed")
    for right in ("correctie", "bezwaar", "verwijderen"):
        url = f"/mijn-gegevens/verzoek/{right}?onderdeel=zaken&object={theirs.reference}"
        assert resident_client.get(url).status_code == 404
        response = resident_client.post(
            f"/mijn-gegevens/verzoek/{right}",
            {
                "onderdeel": "zaken",
                "object": theirs.reference,
                "explanation": "x",
                "correct_value": "y",
            },
        )
        assert response.status_code == 404


def test_assisted_session_of_another_staff_member_is_404(catalogue, me, make_staff):
    from stadhuis.accounts.services import staff_actor
    from tests.dossier.test_views import _staff_client

    a = make_staff("case_handler", username="a")
    b = make_staff("case_handler", username="b")
    session = dossier.assisted_session_start(
        actor=staff_actor(a), bsn="111222333", channel="desk", reason="Hulp bij", consent=True
    )
    other = _staff_client(b)
    assert other.get(f"/medewerkers/hulp/{session.public_id}").status_code == 404
    assert other.get(f"/medewerkers/hulp/{session.public_id}/verwerkingen").status_code == 404
    assert other.post(f"/medewerkers/hulp/{session.public_id}/einde").status_code == 404
    assert AssistedSession.objects.get().closed_at is None


def test_log_describe_names_only_my_cases(catalogue, me, other, handler, resident_client):
    from stadhuis.privacy.services import record_processing

    theirs = _report(other, "Geheim van Mohamed")
    # an entry for me that names someone else's case reference (a mistaken log line)
    from django.db import transaction

    with transaction.atomic():
        record_processing(
            actor=handler(),
            activity=theirs.case_type.processing_activity,
            action="read",
            subjects=[me.subject],
            object_type="zaak",
            object_id=theirs.reference,
        )
    html = resident_client.get("/mijn-gegevens/verwerkingen").content.decode()
    assert f"/mijn-zaken/{theirs.reference}" not in html
    assert "Geheim van Mohamed" not in html


# --- 6. Performance -----------------------------------------------------------------------


def test_rights_request_page_queries_do_not_grow_with_cases(
    catalogue, me, resident_client, django_assert_max_num_queries
):
    first = _report(me)
    url = f"/mijn-gegevens/verzoek/correctie?onderdeel=zaken&object={first.reference}"
    with django_assert_max_num_queries(60) as few:
        resident_client.get(url)
    for _ in range(10):
        _report(me)
    with django_assert_max_num_queries(len(few.captured_queries)):
        resident_client.get(url)


def test_rights_request_post_with_nul_in_item_is_not_a_500(catalogue, me, lenient):
    case = _report(me)
    response = lenient.post(
        "/mijn-gegevens/verzoek/correctie",
        {
            "onderdeel": "zaken",
            "object": case.reference,
            "gegeven": "Omschrijving\x00",
            "correct_value": "Lantaarnpaal knippert",
        },
    )
    assert response.status_code < 500


def test_a_right_the_basis_does_not_allow_is_not_offered_as_a_form(catalogue, me, resident_client):
    case = _report(me)  # public task: no erasure (the page's own links do not offer it)
    (item,) = [
        r for v in queries.overview(me.subject) if v.section.key == "zaken" for r in v.records
    ]
    assert item.rights.erase is False
    url = f"/mijn-gegevens/verzoek/verwijderen?onderdeel=zaken&object={case.reference}"
    assert resident_client.get(url).status_code != 200  # the form is shown, then refused


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/medewerkers/avg-verzoeken?cursor=%00", None),
        ("get", "/medewerkers/avg-verzoeken?cursor=" + _cursor(["9999-99-99", 1]), None),
        ("get", "/medewerkers/avg-verzoeken?cursor=" + _cursor([1, 10**30]), None),
        pytest.param("post", "/medewerkers/avg-verzoeken/%00/antwoord", {}),
        ("post", "/medewerkers/hulp", {"bsn": "\x00", "channel": "desk", "reason": "xxxxxx"}),
        ("post", "/medewerkers/hulp", {"bsn": "1" * 20, "channel": "x", "reason": "\x00" * 6}),
        (
            "post",
            "/medewerkers/hulp",
            {"bsn": "123456782", "channel": "desk", "reason": "Hulp!", "consent": "on"},
        ),
        ("get", "/medewerkers/hulp/00000000-0000-0000-0000-000000000000", None),
    ],
)
def test_staff_pages_bad_input_is_not_a_500(catalogue, make_staff, method, url, data):
    from tests.dossier.test_views import _staff_client

    staff = _staff_client(make_staff("case_handler", "privacy_officer", username="both"))
    staff.raise_request_exception = False
    response = (
        getattr(staff, method)(url, data) if data is not None else getattr(staff, method)(url)
    )
    assert response.status_code < 500, response.status_code


def test_assisted_service_logs_both_and_lets_staff_open_the_cases(catalogue, me, make_staff):
    from stadhuis.privacy.models import ProcessingLogEntry
    from tests.dossier.test_views import _staff_client

    user = make_staff("case_handler", username="balie2", unit="Publiekszaken")
    desk = _staff_client(user)
    case = _report(me)
    for _ in range(6):
        _report(me)
    started = desk.post(
        "/medewerkers/hulp",
        {"bsn": "111222333", "channel": "phone", "reason": "Hulp bij zaken", "consent": "on"},
    )
    html = desk.get(started["Location"]).content.decode()
    entry = ProcessingLogEntry.objects.filter(subject=me.subject, object_id="overzicht").last()
    assert entry.audit.user_id == user.pk and entry.audit.assisted_resident == me.subject
    assert entry.actor_kind == "resident" and entry.actor_unit == "Publiekszaken"
    # the issue: "can open a resident's dossier and cases": all of a long section, and
    # each case in full
    assert "Bekijk alle 7" in html
    public_id = started["Location"].rstrip("/").rsplit("/", 1)[-1]
    everything = desk.get(f"/medewerkers/hulp/{public_id}/gegevens/zaken").content.decode()
    assert case.reference in everything
    one = desk.get(f"/medewerkers/hulp/{public_id}/gegevens/zaken/{case.reference}")
    assert one.status_code == 200 and "Lantaarnpaal kapot" in one.content.decode()
    assert (
        desk.get(f"/medewerkers/hulp/{public_id}/gegevens/zaken/NIET-VAN-HAAR").status_code == 404
    )


def test_processing_under_consent_without_a_consent_is_refused(catalogue, me, privacy_officer):
    """The consent gate is part of record_processing itself."""
    from django.db import transaction

    from stadhuis.core.context import Actor

    _newsletter(privacy_officer)
    with pytest.raises(privacy.ConsentMissing), transaction.atomic():
        privacy.record_processing(
            actor=Actor.system("nieuwsbrief"),
            activity="nieuwsbrief",
            action="share",
            subjects=[me.subject],
            object_type="nieuwsbrief",
        )


def test_log_does_not_name_an_idea_of_someone_else_that_a_moderator_hid(
    catalogue, me, other, make_staff, resident_client
):
    from stadhuis.accounts.models import Resident
    from stadhuis.accounts.services import staff_actor
    from stadhuis.participation import services as participation
    from tests.participation.conftest import phases_now

    admin = staff_actor(make_staff("administrator", username="p-admin"))
    participation.neighbourhood_save(
        actor=admin,
        code="centrum",
        name="Centrum",
        district="B",
        postcode_ranges=[("1011AA", "1012ZZ")],
    )
    Resident.objects.update(postcode="1011AB", birth_date=dt.date(1980, 1, 1))
    process = participation.process_create(
        actor=admin,
        kind="crowdsourcing",
        phases=phases_now("ideas"),
        title="Een groener centrum",
        question="Hoe?",
        publish=True,
    )
    idea = participation.idea_submit(
        actor=other, process=process, title="Buurman Jansen op nr. 12 is een dief", body="x" * 30
    )
    participation.idea_support(actor=me, idea=idea)
    participation.idea_moderate(actor=admin, idea=idea, action="hide", reason="Persoonsgegevens")
    html = resident_client.get("/mijn-gegevens/verwerkingen").content.decode()
    assert "Buurman Jansen" not in html


def test_no_dead_register_links_after_an_activity_was_switched_off(
    catalogue, me, privacy_officer, resident_client
):
    """Finding 11: the public register lists active activities only, so the log names a
    switched-off one without linking to a page that is gone."""
    _newsletter(privacy_officer)
    privacy.consent_give(actor=me, activity="nieuwsbrief")
    privacy.activity_set_active(actor=privacy_officer, code="nieuwsbrief", active=False)
    html = resident_client.get("/mijn-gegevens/verwerkingen").content.decode()
    assert 'href="/verwerkingsregister/nieuwsbrief"' not in html
    assert "Nieuwsbrief (niet meer in gebruik)" in html


def test_access_request_answer_reaches_the_resident_once(catalogue, me, resident, privacy_officer):
    from stadhuis.accounts.models import Resident
    from stadhuis.cases.models import Notification
    from stadhuis.core.errors import InvalidInput

    Resident.objects.filter(pk=resident.pk).update(email="anna@example.org")
    request = cases.case_submit(actor=me, case_type_code="avg-inzage", description="Inzage")
    before = Notification.objects.filter(case=request).count()
    answer = {
        "reference": request.reference,
        "expected_version": request.version,
        "result_code": "verstrekt",
    }
    dossier.access_request_answer(actor=privacy_officer, **answer)
    with pytest.raises(InvalidInput):  # the request is finished: no second answer
        dossier.access_request_answer(actor=privacy_officer, **answer)
    assert request.documents.count() == 2  # readable and JSON, once
    assert Notification.objects.filter(case=request).count() == before + 1
