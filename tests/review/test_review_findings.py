"""Defects found in review. Each test states the expected behaviour and fails today;
Each was an ``xfail(strict=True)`` test until its fix landed; now they guard the fixes."""

import base64
import contextlib
import io
import json

import pytest
from django.core import mail
from PIL import Image

from stadhuis.accounts import applications
from stadhuis.accounts.models import Resident
from stadhuis.accounts.services import resident_actor, resident_reveal_bsn, staff_actor
from stadhuis.cases import services
from stadhuis.cases.models import Escalation
from stadhuis.cases.uploads import clean_upload
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import InvalidInput, NotAllowed
from stadhuis.privacy.models import ProcessingActivity, ProcessingLogEntry
from stadhuis.privacy.services import ProcessingRefused
from tests.cases.test_views_staff import login

pytestmark = pytest.mark.django_db

MELDING = "melding-openbare-ruimte"
ANONYMOUS = Actor(kind=ActorKind.RESIDENT, unit="inwoner", role="anoniem")


def melding(actor, **extra):
    return services.case_submit(
        actor=actor,
        case_type_code=MELDING,
        description="Lantaarnpaal kapot",
        answers={"categorie": "Straatverlichting"},
        **extra,
    )


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def closed_complaint(me, make_staff):
    coordinator = staff_actor(make_staff("case_handler", username="kc", unit="Klachtencoördinatie"))
    case = services.case_submit(actor=me, case_type_code="klacht", description="Onbeschoft")
    services.case_set_status(
        actor=coordinator,
        case=case,
        expected_version=case.version,
        status_code="afgehandeld",
        result_code="ongegrond",
    )
    services.case_escalate(actor=me, case=case, reason="Ik ben het oneens")
    return case, coordinator


# --- 1. Privacy spine ------------------------------------------------------------------


def test_processing_without_a_subject_still_needs_an_active_activity(catalogue):
    ProcessingActivity.objects.filter(code="meldingen-openbare-ruimte").update(is_active=False)
    with pytest.raises(ProcessingRefused):
        melding(ANONYMOUS, address="Dorpsstraat 1")  # no e-mail: no subject


def test_a_mail_whose_log_entry_is_refused_is_not_sent_again_and_again(catalogue, me):
    Resident.objects.filter(pseudonym=me.subject).update(email="anna@example.org")
    melding(me)
    ProcessingActivity.objects.filter(code="zaken-berichten").update(is_active=False)
    for _run in range(3):  # the worker runs the job every 10 seconds
        with contextlib.suppress(ProcessingRefused):
            services.notifications_send_due()
    assert len(mail.outbox) <= 1


def test_a_resident_downloading_a_document_is_logged(client, resident, catalogue):
    me = resident_actor(resident)
    case = melding(me, uploads=[services.Upload(b"%PDF-1.4 brief", "brief.pdf")])
    document = case.documents.get()
    client.force_login(resident.user)
    before = ProcessingLogEntry.objects.filter(subject=me.subject, action="read").count()
    response = client.get(f"/mijn-zaken/{case.reference}/documenten/{document.public_id}")
    assert response.status_code == 200
    after = ProcessingLogEntry.objects.filter(subject=me.subject, action="read").count()
    assert after == before + 1


def test_revealing_a_bsn_needs_an_activity_that_allows_it(catalogue, resident, make_staff):
    ombudsman = staff_actor(make_staff("ombudsman", username="om"))
    with pytest.raises((NotAllowed, ProcessingRefused)):
        resident_reveal_bsn(
            actor=ombudsman, resident=resident, activity="meldingen-openbare-ruimte"
        )


# --- 2. Access control in the services -------------------------------------------------


def test_case_submit_itself_checks_an_applications_create_grant(catalogue):
    rogue = Actor(kind=ActorKind.APPLICATION, unit="x", role="applicatie", name="rogue")
    with pytest.raises(NotAllowed):
        services.case_submit(
            actor=rogue,
            case_type_code="reisdocument-thuisbezorgen",  # vertrouwelijk
            description="x",
            answers={"bezorgadres": "Dorpsstraat 1", "tijdvak": "08:00-12:00"},
            email="a@example.org",
        )


def test_case_assign_refuses_an_assignee_outside_the_department(catalogue, me, handler):
    case = melding(me)
    other = handler(unit="Burgerzaken", username="elders")
    with pytest.raises((NotAllowed, InvalidInput)):
        services.case_assign(
            actor=handler(), case=case, expected_version=case.version, assignee_id=other.user_id
        )


def test_a_resident_cannot_reply_on_a_closed_case(catalogue, me):
    case = melding(me)
    services.case_withdraw(actor=me, case=case, expected_version=case.version)
    with pytest.raises(InvalidInput):
        services.case_reply(actor=me, case=case, body="nog iets")


# --- 3. Bad input giving a 5xx -----------------------------------------------------------

OUT_OF_RANGE = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_api_cursor_with_an_out_of_range_datetime_is_a_400(client, catalogue, value):
    app = applications.application_create(actor=None, name="a", org_unit="Stadsbeheer")
    applications.grant(
        actor=None,
        application=app,
        case_type_code=MELDING,
        actions=["read"],
        max_confidentiality="intern",
    )
    _row, raw = applications.token_issue(actor=None, application=app)
    client.raise_request_exception = False
    response = client.get(
        "/api/v1/cases", {"cursor": cursor([value, 1])}, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_ombudsman_queue_cursor_with_an_out_of_range_datetime_is_not_a_500(
    client, catalogue, make_staff, value
):
    login(client, make_staff("ombudsman", username="om"))
    client.raise_request_exception = False
    response = client.get("/medewerkers/ombudsman", {"cursor": cursor([value, 1])})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("who", ["resident", "staff"])
def test_a_document_whose_file_is_gone_is_a_404(client, resident, catalogue, make_staff, who):
    case = melding(resident_actor(resident), uploads=[services.Upload(b"%PDF-1.4 x", "a.pdf")])
    document = case.documents.get()
    document.file.delete(save=False)
    if who == "resident":
        client.force_login(resident.user)
        url = f"/mijn-zaken/{case.reference}/documenten/{document.public_id}"
    else:
        login(client, make_staff("case_handler", username="h", unit="Stadsbeheer"))
        url = f"/medewerkers/zaken/{case.reference}/documenten/{document.public_id}"
    client.raise_request_exception = False
    assert client.get(url).status_code == 404


def test_an_image_over_the_pixel_limit_is_refused():
    out = io.BytesIO()
    Image.new("L", (7000, 7000)).save(out, "PNG")
    with pytest.raises(InvalidInput):
        clean_upload(out.getvalue(), "bom.png")


# --- 5. Concurrency ------------------------------------------------------------------------


def test_two_simultaneous_judgements_do_not_both_succeed(catalogue, me, make_staff):
    case, _coordinator = closed_complaint(me, make_staff)
    ombudsman = staff_actor(make_staff("ombudsman", username="om"))
    first, second = Escalation.objects.get(case=case), Escalation.objects.get(case=case)
    services.escalation_judge(
        actor=ombudsman, escalation=first, findings="eerste", recommendation="r"
    )
    with pytest.raises(InvalidInput):
        services.escalation_judge(
            actor=ombudsman, escalation=second, findings="tweede", recommendation="r"
        )


def test_two_simultaneous_city_responses_do_not_both_succeed(catalogue, me, make_staff):
    case, coordinator = closed_complaint(me, make_staff)
    ombudsman = staff_actor(make_staff("ombudsman", username="om"))
    services.escalation_judge(
        actor=ombudsman, escalation=case.escalation, findings="f", recommendation="r"
    )
    first, second = Escalation.objects.get(case=case), Escalation.objects.get(case=case)
    services.escalation_respond(actor=coordinator, escalation=first, response="eerste")
    with pytest.raises(InvalidInput):
        services.escalation_respond(actor=coordinator, escalation=second, response="tweede")
