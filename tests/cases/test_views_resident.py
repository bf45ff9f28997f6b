"""The resident's track & trace pages: ask, follow, reply, and the anonymous look-up."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from stadhuis.accounts.services import resident_actor, resident_login, staff_actor
from stadhuis.cases import services
from stadhuis.cases.models import Case, CaseMessage, Escalation
from stadhuis.cases.services import Upload
from stadhuis.core.context import Actor, ActorKind

REPORT = "melding-openbare-ruimte"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 9.0, 30.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _report(actor, **extra):
    return services.case_submit(
        actor=actor,
        case_type_code=REPORT,
        description="Lantaarnpaal kapot",
        answers={"categorie": "Straatverlichting"},
        **extra,
    )


def _close(case, staff, result="opgelost"):
    return services.case_set_status(
        actor=staff,
        case=case,
        expected_version=case.version,
        status_code="afgehandeld",
        result_code=result,
    )


def _summary(response) -> list[str]:
    """The texts in the error summary (what a screen reader hears first)."""
    html = response.content.decode()
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return re.findall(r"<a [^>]*>([^<]+)</a>", block.group(0)) if block else []


# --- Asking -----------------------------------------------------------------------------


def test_catalogue_lists_the_published_types_in_plain_language(client, catalogue):
    response = client.get("/aanvragen")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/aanvragen/melding-openbare-ruimte"' in html
    assert "Klacht over de gemeente" in html
    assert "Dit kan ook zonder in te loggen." in html


def test_resident_submits_a_report_with_a_photo_and_sees_the_reference(
    resident_client, resident, catalogue
):
    response = resident_client.post(
        "/aanvragen/melding-openbare-ruimte",
        {
            "description": "Lantaarnpaal kapot",
            "q_categorie": "Straatverlichting",
            "address": "Dorpsstraat 12",
            "attachments": [SimpleUploadedFile("lamp.jpg", _jpeg_with_gps(), "image/jpeg")],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/aanvragen/melding-openbare-ruimte/verstuurd"
    case = Case.objects.get()
    assert case.subject == resident.pseudonym
    assert case.answers == {"categorie": "Straatverlichting"}
    assert case.address == "Dorpsstraat 12"
    document = case.documents.get()
    assert document.location_removed  # the box "Locatie bewaren" was not ticked
    page = resident_client.get(response["Location"])
    html = page.content.decode()
    for group in case.reference.split("-"):
        assert f'<span class="case-reference__group">{group}</span>' in html
    assert f'href="/mijn-zaken/{case.reference}"' in html


def test_anonymous_report_with_email_explains_how_to_follow_it(client, catalogue):
    response = client.post(
        "/aanvragen/melding-openbare-ruimte",
        {
            "description": "Afval naast de container",
            "q_categorie": "Afval",
            "email": "buur@example.org",
            "postcode": "1234 ab",
            "latitude": "52.370216",
            "longitude": "4.895168",
            "keep_location": "on",
            "attachments": [SimpleUploadedFile("zak.jpg", _jpeg_with_gps(), "image/jpeg")],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.subject == "" and case.contact_email == "buur@example.org"
    assert case.contact_postcode == "1234AB"
    assert str(case.latitude) == "52.370216"
    assert not case.documents.get().location_removed  # kept on purpose
    html = client.get(response["Location"]).content.decode()
    assert case.reference.split("-")[0] in html
    assert 'href="/volgen"' in html
    assert "/mijn-zaken/" not in html


def test_invalid_input_answers_400_in_dutch_and_creates_nothing(resident_client, catalogue):
    response = resident_client.post(
        "/aanvragen/melding-openbare-ruimte", {"description": "", "q_categorie": ""}
    )
    assert response.status_code == 400
    assert "Beschrijf kort waar het om gaat." in _summary(response)
    assert "Vul dit in: Waar gaat het over?" in _summary(response)
    assert "Fout:" in response.content.decode().split("</title>")[0]
    # A file that only pretends to be a photo: the service refuses it, the page says why.
    response = resident_client.post(
        "/aanvragen/melding-openbare-ruimte",
        {
            "description": "Kapot",
            "q_categorie": "Afval",
            "attachments": [SimpleUploadedFile("foto.jpg", b"<html><script>", "image/jpeg")],
        },
    )
    assert response.status_code == 400
    assert any("Dit soort bestand kunnen we niet aannemen" in text for text in _summary(response))
    # An anonymous visitor with a bad postcode.
    response = Client().post(
        "/aanvragen/melding-openbare-ruimte",
        {"description": "Kapot", "q_categorie": "Afval", "postcode": "12345"},
    )
    assert response.status_code == 400
    assert "Vul een postcode in zoals 1234 AB." in _summary(response)
    assert not Case.objects.exists()


def test_anonymous_complaint_is_refused_with_a_login_hint(client, catalogue):
    response = client.get("/aanvragen/klacht")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/inloggen?next=/aanvragen/klacht"' in html
    assert '<form class="form"' not in html
    response = client.post("/aanvragen/klacht", {"description": "Onbeschoft behandeld"})
    assert response.status_code == 403
    assert "/inloggen?next=" in response.content.decode()
    assert not Case.objects.exists()


def test_unknown_case_type_is_404(client, catalogue):
    assert client.get("/aanvragen/bestaat-niet").status_code == 404


# --- Mijn zaken -------------------------------------------------------------------------


def test_mijn_zaken_is_for_logged_in_residents_only(client, catalogue, staff_client):
    response = client.get("/mijn-zaken")
    assert response.status_code == 302
    assert response["Location"] == "/inloggen?next=/mijn-zaken"
    staff_client()
    response = client.get("/mijn-zaken")
    assert response.status_code == 302 and response["Location"].startswith("/inloggen")


def test_mijn_zaken_lists_open_and_closed_cases_with_a_fixed_query_count(
    resident_client, resident, catalogue, handler, django_assert_num_queries
):
    me = resident_actor(resident)
    first = _report(me)
    resident_client.get("/mijn-zaken")  # warm: the session's first last_seen write
    with CaptureQueriesContext(connection) as one_case:
        response = resident_client.get("/mijn-zaken")
    assert response.status_code == 200
    staff = handler()
    for _ in range(4):
        _report(me)
    services.case_submit(actor=me, case_type_code="klacht", description="Onbeschoft")
    _close(first, staff)
    with django_assert_num_queries(len(one_case)):
        response = resident_client.get("/mijn-zaken")
    html = response.content.decode()
    assert html.count('class="case-list__item"') == 6
    assert "Klacht over de gemeente" in html and "Afgehandeld: Opgelost" in html
    # Open cases come first, closed ones after their heading.
    assert html.index("Afgehandelde zaken") < html.index(first.reference)
    assert response["Cache-Control"] == "no-store"


def test_case_page_shows_the_timeline_and_logs_the_read(resident_client, resident, catalogue):
    from stadhuis.privacy.models import ProcessingLogEntry

    case = _report(resident_actor(resident))
    response = resident_client.get(f"/mijn-zaken/{case.reference}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "We hebben uw melding ontvangen." in html
    assert "Verwacht klaar op" in html
    assert response["Cache-Control"] == "no-store"
    assert ProcessingLogEntry.objects.filter(object_id=case.reference, action="read").count() == 1


def test_another_residents_case_and_unknown_references_are_404(resident_client, catalogue):
    other = resident_actor(resident_login(bsn="123456782").resident)
    case = _report(other, uploads=[Upload(b"%PDF-1.4 test", "brief.pdf")])
    document = case.documents.get()
    assert resident_client.get(f"/mijn-zaken/{case.reference}").status_code == 404
    assert resident_client.get("/mijn-zaken/AAAA-BBBB-CCCC-DDDD").status_code == 404
    url = f"/mijn-zaken/{case.reference}/documenten/{document.public_id}"
    assert resident_client.get(url).status_code == 404
    response = resident_client.post(f"/mijn-zaken/{case.reference}/reageren", {"reply-body": "x"})
    assert response.status_code == 404
    assert not CaseMessage.objects.exists()


def test_reply_and_add_a_document_through_the_page(resident_client, resident, catalogue):
    case = _report(resident_actor(resident))
    url = f"/mijn-zaken/{case.reference}"
    response = resident_client.post(f"{url}/reageren", {"reply-body": "De lamp knippert nu"})
    assert response.status_code == 302 and response["Location"] == url
    html = resident_client.get(url).content.decode()
    assert "Uw bericht is verstuurd." in html and "De lamp knippert nu" in html
    response = resident_client.post(f"{url}/reageren", {"reply-body": "  "})
    assert response.status_code == 400
    assert "Schrijf een bericht." in _summary(response)
    response = resident_client.post(
        f"{url}/document",
        {"document-file": SimpleUploadedFile("brief.pdf", b"%PDF-1.4 test", "application/pdf")},
    )
    assert response.status_code == 302
    assert case.documents.get().original_name == "brief.pdf"
    response = resident_client.post(
        f"{url}/document",
        {"document-file": SimpleUploadedFile("x.pdf", b"MZ\x90binary", "application/pdf")},
    )
    assert response.status_code == 400
    assert case.documents.count() == 1


def test_withdraw_through_the_page(resident_client, resident, catalogue):
    case = _report(resident_actor(resident))
    url = f"/mijn-zaken/{case.reference}"
    html = resident_client.get(url).content.decode()
    assert f'name="withdraw-expected_version" value="{case.version}"' in html
    response = resident_client.post(
        f"{url}/intrekken", {"withdraw-expected_version": case.version, "withdraw-reason": ""}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.is_open
    assert "Ingetrokken door u." in resident_client.get(url).content.decode()


def test_a_stale_withdraw_shows_the_conflict_and_changes_nothing(
    resident_client, resident, catalogue, handler
):
    case = _report(resident_actor(resident))
    seen = case.version
    services.case_assign(actor=handler(), case=case, expected_version=case.version)
    url = f"/mijn-zaken/{case.reference}"
    response = resident_client.post(f"{url}/intrekken", {"withdraw-expected_version": seen})
    assert response.status_code == 302 and response["Location"] == url
    page = resident_client.get(url).content.decode()
    assert "Iemand anders heeft deze zaak intussen gewijzigd." in page
    case.refresh_from_db()
    assert case.is_open
    assert f'name="withdraw-expected_version" value="{case.version}"' in page  # reloaded


def test_unhappy_feedback_reopens_a_report(resident_client, resident, catalogue, handler):
    case = _report(resident_actor(resident))
    _close(case, handler())
    url = f"/mijn-zaken/{case.reference}"
    html = resident_client.get(url).content.decode()
    assert "Het probleem is opgelost." in html  # the result in plain language
    assert "binnen 14 dagen" in html
    response = resident_client.post(
        f"{url}/reactie", {"feedback-satisfied": "nee", "feedback-text": ""}
    )
    assert response.status_code == 400
    assert "Vertel kort wat er niet goed ging." in _summary(response)
    response = resident_client.post(
        f"{url}/reactie", {"feedback-satisfied": "nee", "feedback-text": "Lamp is nog kapot"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_open
    assert "We kijken opnieuw naar uw melding." in resident_client.get(url).content.decode()


def test_complaint_goes_to_the_ombudsman_through_the_page(
    resident_client, resident, catalogue, make_staff
):
    coordinator = staff_actor(make_staff("case_handler", username="kc", unit="Klachtencoördinatie"))
    ombudsman = staff_actor(make_staff("ombudsman", username="om"))
    case = services.case_submit(
        actor=resident_actor(resident), case_type_code="klacht", description="Onbeschoft"
    )
    url = f"/mijn-zaken/{case.reference}"
    assert f'action="{url}/ombudsman"' not in resident_client.get(url).content.decode()
    _close(case, coordinator, result="ongegrond")
    assert f'action="{url}/ombudsman"' in resident_client.get(url).content.decode()
    response = resident_client.post(f"{url}/ombudsman", {"escalate-reason": "Ik ben het oneens"})
    assert response.status_code == 302
    escalation = Escalation.objects.get(case=case)
    html = resident_client.get(url).content.decode()
    assert f'action="{url}/ombudsman"' not in html
    assert "De ombudsman bekijkt uw klacht." in html
    services.escalation_judge(
        actor=ombudsman, escalation=escalation, findings="Toon was bot", recommendation="Excuses"
    )
    services.escalation_respond(actor=coordinator, escalation=escalation, response="Sorry")
    html = resident_client.get(url).content.decode()
    assert "Toon was bot" in html and "Excuses" in html and "Sorry" in html


def test_an_overdue_complaint_offers_the_ombudsman(resident_client, resident, catalogue):
    case = services.case_submit(
        actor=resident_actor(resident), case_type_code="klacht", description="x"
    )
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    html = resident_client.get(f"/mijn-zaken/{case.reference}").content.decode()
    assert "De gemeente is te laat." in html
    assert f'action="/mijn-zaken/{case.reference}/ombudsman"' in html


def test_document_download_is_an_attachment_with_nosniff(resident_client, resident, catalogue):
    case = _report(resident_actor(resident), uploads=[Upload(b"%PDF-1.4 test", "brief.pdf")])
    document = case.documents.get()
    response = resident_client.get(f"/mijn-zaken/{case.reference}/documenten/{document.public_id}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


# --- Anonymous look-up ------------------------------------------------------------------

ANONYMOUS = Actor(kind=ActorKind.RESIDENT, unit="inwoner", role="anoniem")


def test_lookup_shows_progress_without_messages_or_documents(client, catalogue, handler):
    case = _report(
        ANONYMOUS,
        email="buur@example.org",
        uploads=[Upload(b"%PDF-1.4 test", "brief.pdf")],
    )
    services.case_message_resident(actor=handler(), case=case, body="Geheim bericht")
    response = client.post(
        "/volgen",
        {
            "reference": case.reference.lower().replace("-", " "),
            "email_or_postcode": "BUUR@example.org",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "We hebben uw melding ontvangen." in html and "Verwacht klaar op" in html
    assert "Geheim bericht" not in html and "brief.pdf" not in html
    assert "Lantaarnpaal kapot" not in html  # not even the description
    assert response["Cache-Control"] == "no-store"


def test_lookup_answers_the_same_not_found_whatever_was_wrong(client, catalogue):
    case = _report(ANONYMOUS, email="buur@example.org", postcode="1234AB")
    wrong_proof = client.post(
        "/volgen", {"reference": case.reference, "email_or_postcode": "ander@example.org"}
    )
    wrong_reference = client.post(
        "/volgen", {"reference": "AAAA-BBBB-CCCC-DDDD", "email_or_postcode": "buur@example.org"}
    )
    nonsense = client.post("/volgen", {"reference": "x", "email_or_postcode": "1234AB"})
    answers = [wrong_proof, wrong_reference, nonsense]
    assert {r.status_code for r in answers} == {404}
    assert len({tuple(_summary(r)) for r in answers}) == 1
    assert _summary(wrong_proof) == [
        "We vonden geen zaak met dit kenmerk en dit e-mailadres of deze postcode."
    ]


def test_lookup_is_refused_with_429_after_too_many_failures(catalogue):
    case = _report(ANONYMOUS, email="buur@example.org")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(services.LOOKUP_LIMIT):
        response = client.post("/volgen", {"reference": case.reference, "email_or_postcode": "x"})
        assert response.status_code == 404
    right = {"reference": case.reference, "email_or_postcode": "buur@example.org"}
    response = client.post("/volgen", right)
    assert response.status_code == 429
    assert "te vaak geprobeerd" in _summary(response)[0]
    # Another address is not blocked.
    assert Client(REMOTE_ADDR="203.0.113.10").post("/volgen", right).status_code == 200


def test_lookup_form_is_public_and_cacheable(client, db):
    response = client.get("/volgen")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_type_started_elsewhere_links_there_and_refuses_the_general_form(
    resident_client, resident, catalogue
):
    """A neighbourhood-fund application needs its plan page and neighbours' signatures:
    the catalogue sends residents to Meedoen, and neither the form nor the service opens
    such a case without them."""
    from stadhuis.accounts.services import resident_actor
    from stadhuis.cases.models import Case
    from stadhuis.cases.services import case_submit
    from stadhuis.core.errors import NotAllowed

    html = resident_client.get("/aanvragen").content.decode()
    assert 'href="/meedoen"' in html and 'href="/aanvragen/wijkfonds-aanvraag"' not in html
    for method in (resident_client.get, resident_client.post):
        answer = method("/aanvragen/wijkfonds-aanvraag", {"description": "Een buurtfeest"})
        assert answer.status_code == 302 and answer["Location"] == "/meedoen"
    with pytest.raises(NotAllowed, match="/meedoen"):
        case_submit(
            actor=resident_actor(resident),
            case_type_code="right-to-challenge",
            description="Wij doen het groenonderhoud",
        )
    assert not Case.objects.exists()


@pytest.mark.parametrize("value", ["https://evil.example", "//evil.example", "meedoen", "/a b"])
def test_start_url_must_be_a_path_on_this_site(catalogue, value):
    from django.core.exceptions import ValidationError

    case_type = catalogue["wijkfonds-aanvraag"]
    case_type.start_url = value
    with pytest.raises(ValidationError):
        case_type.full_clean()
