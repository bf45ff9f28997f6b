"""The privacy officer answers an access request (AVG art. 15) from the dossier: checks the
answer, sends it, and the request is finished through the case's state machine."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from stadhuis.accounts.services import staff_actor
from stadhuis.cases import services as cases
from stadhuis.cases.models import Case, CaseDocument, CaseEvent, Notification
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from stadhuis.dossier import export, services
from stadhuis.dossier import queries as dossier_queries
from stadhuis.privacy.models import ProcessingLogEntry
from tests.dossier.conftest import report
from tests.dossier.test_views import _staff_client

EMAIL = "anna@example.org"
PRIVACY = "Privacy en Informatiebeveiliging"


def _request(me, **extra) -> Case:
    return cases.case_submit(
        actor=me,
        case_type_code=extra.pop("code", "avg-inzage"),
        description="Welke gegevens heeft u over mij?",
        email=EMAIL,
        **extra,
    )


def _send(officer, case, **extra):
    extra.setdefault("expected_version", Case.objects.get(pk=case.pk).version)
    extra.setdefault("result_code", "verstrekt")
    return services.access_request_answer(actor=officer, reference=case.reference, **extra)


# An access-request type is published only with a result that closes it without the
# answer (cases.services.case_type_publish), as the refusal here does.
ANSWER_RESULTS = [
    {"code": "verstrekt", "name": "Verstrekt", "resident_text": "Gekregen."},
    {
        "code": "afgewezen",
        "name": "Afgewezen",
        "resident_text": "Niet gekregen.",
        "closes_without_answer": True,
    },
]


def _type(admin_actor, code, statuses, *, anonymous=False, results=ANSWER_RESULTS):
    """A published access-request type of our own, to try other state machines."""
    spec = {
        "code": code,
        "kind": "access_request",
        "name": "Inzage " + code,
        "explanation": "x",
        "processing_activity": "avg-verzoeken",
        "confidentiality": "vertrouwelijk",
        "department": "Privacy en Informatiebeveiliging",
        "term_amount": 1,
        "term_unit": "months",
        "anonymous_allowed": anonymous,
        "statuses": statuses,
        "results": results,
    }
    return cases.case_type_publish(
        actor=admin_actor, case_type=cases.case_type_create(actor=admin_actor, spec=spec)
    )


def _status(code, *, notify=False, final=False, nxt=()):
    return {
        "code": code,
        "name": code.capitalize(),
        "resident_text": code,
        "notify": notify,
        "final": final,
        "next": list(nxt),
    }


@pytest.fixture
def admin(make_staff):
    return staff_actor(make_staff("administrator", username="beheer-a"))


@pytest.fixture
def avg(make_staff):
    """A case handler of the department that handles access requests."""
    return staff_actor(make_staff("case_handler", username="avg", unit=PRIVACY))


# --- The service ---------------------------------------------------------------------------


def test_answer_sends_both_documents_and_finishes_the_request(catalogue, me, privacy_officer):
    report(me, "Lantaarnpaal kapot")
    case = _request(me)
    before = set(Notification.objects.filter(case=case).values_list("pk", flat=True))
    answer = _send(privacy_officer, case, explanation="Alles staat erin.")

    case = Case.objects.select_related("status", "result").get(pk=case.pk)
    assert not case.is_open and case.status.code == "afgehandeld" and case.status.is_final
    assert case.result.code == "verstrekt"
    history = list(
        case.statuses.order_by("set_at", "id").values_list("status_type__code", flat=True)
    )
    assert history == ["ontvangen", "afgehandeld"]  # the transition the type allows
    assert case.statuses.get(status_type__code="afgehandeld").explanation == "Alles staat erin."
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.STATUS)
    assert event.data == {"status": "afgehandeld", "result": "verstrekt"}
    assert event.actor_role == "privacy_officer"

    names = sorted(case.documents.values_list("original_name", flat=True))
    assert [n.rsplit(".", 1)[1] for n in names] == ["html", "json"]
    data = json.loads(CaseDocument.objects.get(pk=answer.machine.pk).file.read())
    export.DossierExport.model_validate(data)
    assert data["subject"] == me.subject
    zaken = next(s for s in data["sections"] if s["key"] == "zaken")
    assert any("Lantaarnpaal kapot" in json.dumps(r) for r in zaken["records"])
    # the export made for the resident is in the log it carries, and in their dossier log
    assert any(
        e["action"] == "export" and e["objectId"] == case.reference and e["actorKind"] == "staff"
        for e in data["processingLog"]
    )
    html = CaseDocument.objects.get(pk=answer.readable.pk).file.read().decode()
    assert answer.readable.content_type == "text/html"
    assert "Antwoord op uw inzageverzoek" in html and case.reference in html
    assert "Lantaarnpaal kapot" in html and "Autoriteit Persoonsgegevens" in html
    assert "<link" not in html and "<script" not in html and 'src="' not in html  # one file

    new = Notification.objects.filter(case=case).exclude(pk__in=before)
    assert list(new.values_list("subject", flat=True)) == [f"Uw zaak {case.reference}: Afgehandeld"]
    assert new.get().to == EMAIL
    logged = ProcessingLogEntry.objects.filter(subject=me.subject, object_id=case.reference)
    assert (
        logged.filter(action="export", actor_kind="staff", actor_role="privacy_officer").count()
        == 1
    )
    assert logged.filter(action="update", object_type="zaak").count() == 1  # the status


def test_answer_walks_the_transitions_and_the_resident_gets_one_e_mail(
    catalogue, me, admin, privacy_officer
):
    """The steps on the way are recorded, but only the answer is mailed, even where an
    in-between status type mails (or the final one does not)."""
    for code, final_mails in (("inzage-lang", False), ("inzage-lang-mail", True)):
        _type(
            admin,
            code,
            [
                _status("ontvangen", notify=True, nxt=["verzamelen"]),
                _status("verzamelen", notify=True, nxt=["klaar"]),  # mails when set by hand
                _status("klaar", notify=final_mails, final=True),
            ],
        )
        case = _request(me, code=code)
        before = Notification.objects.filter(case=case).count()
        _send(privacy_officer, case)
        case.refresh_from_db()
        history = list(
            case.statuses.order_by("set_at", "id").values_list("status_type__code", flat=True)
        )
        assert history == ["ontvangen", "verzamelen", "klaar"] and case.closed_at is not None
        new = list(
            Notification.objects.filter(case=case)
            .order_by("pk")
            .values_list("subject", flat=True)[before:]
        )
        expected = (
            f"Uw zaak {case.reference}: Klaar"
            if final_mails
            else f"Een document bij uw zaak {case.reference}"
        )
        assert new == [expected], code


def test_a_handler_setting_an_in_between_status_still_mails(catalogue, me, admin, avg):
    """Other callers of case_set_status keep the status type's e-mail."""
    _type(
        admin,
        "inzage-hand",
        [
            _status("ontvangen", nxt=["verzamelen"]),
            _status("verzamelen", notify=True, nxt=["klaar"]),
            _status("klaar", final=True),
        ],
    )
    case = _request(me, code="inzage-hand")
    before = Notification.objects.filter(case=case).count()
    cases.case_set_status(
        actor=avg, case=case, expected_version=case.version, status_code="verzamelen"
    )
    subjects = list(Notification.objects.filter(case=case).values_list("subject", flat=True))
    assert subjects[before:] == [f"Uw zaak {case.reference}: Verzamelen"]


def test_the_answer_by_post_sends_one_e_mail_too(catalogue, admin, privacy_officer):
    _type(
        admin,
        "inzage-post",
        [
            _status("ontvangen", nxt=["verzamelen"]),
            _status("verzamelen", notify=True, nxt=["klaar"]),
            _status("klaar", notify=True, final=True),
        ],
    )
    application = Actor(
        kind=ActorKind.APPLICATION,
        unit="Klantcontactcentrum",
        role="applicatie",
        scopes=frozenset({"inzage-post:create:vertrouwelijk"}),
    )
    case = cases.case_submit(
        actor=application,
        case_type_code="inzage-post",
        description="Inzage",
        email=EMAIL,
        address="Dorpsstraat 1",
        postcode="1234AB",
    )
    before = Notification.objects.filter(case=case).count()
    services.access_request_answer_by_post(
        actor=privacy_officer,
        reference=case.reference,
        expected_version=case.version,
        result_code="verstrekt",
        sent_on=case.received_on,
    )
    subjects = list(Notification.objects.filter(case=case).values_list("subject", flat=True))
    assert subjects[before:] == [f"Uw zaak {case.reference}: Klaar"]


def test_of_two_final_statuses_as_near_the_first_in_the_type_is_taken(
    catalogue, me, admin, privacy_officer
):
    _type(
        admin,
        "inzage-twee",
        [
            _status("ontvangen", nxt=["geweigerd", "verstuurd"]),
            _status("verstuurd", final=True),
            _status("geweigerd", final=True),
        ],
    )
    case = _request(me, code="inzage-twee")
    _send(privacy_officer, case)
    case.refresh_from_db()
    assert case.status.code == "verstuurd"


def test_a_request_a_handler_took_on_goes_from_there(catalogue, me, avg, privacy_officer):
    case = _request(me)
    cases.case_set_status(
        actor=avg, case=case, expected_version=case.version, status_code="in-behandeling"
    )
    _send(privacy_officer, case)
    history = list(
        case.statuses.order_by("set_at", "id").values_list("status_type__code", flat=True)
    )
    assert history == ["ontvangen", "in-behandeling", "afgehandeld"]


def test_no_way_to_a_final_status_is_refused_and_nothing_is_written(
    catalogue, me, admin, privacy_officer
):
    _type(admin, "inzage-vast", [_status("ontvangen"), _status("klaar", final=True)])
    case = _request(me, code="inzage-vast")
    with pytest.raises(InvalidInput, match="kan dit verzoek niet worden afgerond"):
        _send(privacy_officer, case)
    case.refresh_from_db()
    assert case.is_open and not case.documents.exists()


def test_a_wrong_result_writes_nothing(catalogue, me, privacy_officer, settings):
    case = _request(me)
    with pytest.raises(InvalidInput) as refused:
        _send(privacy_officer, case, result_code="bestaat-niet")
    assert refused.value.details == {"field": "result"}
    case.refresh_from_db()
    assert case.is_open and case.version == 1 and not case.documents.exists()
    assert case.statuses.count() == 1
    assert not ProcessingLogEntry.objects.filter(object_id=case.reference, action="export").exists()
    assert not any(settings.MEDIA_ROOT.rglob("*.json"))


def test_a_result_that_closes_without_the_data_cannot_go_with_the_answer(
    catalogue, me, privacy_officer, settings
):
    """'Geweigerd' sends nothing: the state machine refuses the answer with it (and the
    handler sets a refusal on the case page, with the reason)."""
    case = _request(me)
    with pytest.raises(InvalidInput, match="zonder de gegevens") as refused:
        _send(privacy_officer, case, result_code="geweigerd")
    assert refused.value.details == {"field": "result"}
    case.refresh_from_db()
    assert case.is_open and case.version == 1 and not case.documents.exists()
    assert not ProcessingLogEntry.objects.filter(object_id=case.reference, action="export").exists()
    assert not any(settings.MEDIA_ROOT.rglob("*.json"))


def test_the_answer_page_offers_only_the_results_that_go_with_an_answer(catalogue, me, make_staff):
    case = _request(me)
    officer = _officer(make_staff)
    url = _url(case)
    html = officer.get(url).content.decode()
    assert 'value="verstrekt"' in html and 'value="geweigerd"' not in html
    refused = officer.post(url, {"version": case.version, "result": "geweigerd"})
    assert refused.status_code == 400
    assert "Kies een resultaat om de zaak af te sluiten." in refused.content.decode()
    assert Case.objects.get(pk=case.pk).is_open and not case.documents.exists()


def _sent(case) -> tuple:
    """What sending an answer writes: documents, e-mails, statuses, export log entries."""
    return (
        CaseDocument.objects.filter(case=case).count(),
        Notification.objects.filter(case=case).count(),
        case.statuses.count(),
        ProcessingLogEntry.objects.filter(action="export", object_id=case.reference).count(),
    )


def test_a_second_send_makes_no_second_document_close_or_mail(catalogue, me, privacy_officer):
    case = _request(me)
    version = case.version
    _send(privacy_officer, case, expected_version=version)
    counts = _sent(case)
    # the double click: the same form again, before the page changed
    with pytest.raises(InvalidInput, match="al afgesloten"):
        _send(privacy_officer, case, expected_version=version)
    assert _sent(case) == counts
    assert counts[0] == 2


def test_a_change_since_the_check_is_a_conflict(catalogue, me, avg, privacy_officer):
    case = _request(me)
    seen = case.version
    cases.case_extend(actor=avg, case=case, expected_version=seen, reason="Veel gegevens")
    with pytest.raises(Conflict, match="Iemand anders heeft deze zaak intussen gewijzigd"):
        _send(privacy_officer, case, expected_version=seen)
    case.refresh_from_db()
    assert case.is_open and not case.documents.exists()


def test_the_stale_copy_of_a_second_send_meets_the_first_in_the_database(
    catalogue, me, privacy_officer, monkeypatch
):
    """A second send that read the case while it was still open (the race the checks
    before the transaction cannot see) is refused by the version, with a plain message."""
    case = _request(me)
    version = case.version
    stale = services.access_request_case(actor=privacy_officer, reference=case.reference)
    _send(privacy_officer, case, expected_version=version)
    monkeypatch.setattr(services, "access_request_case", lambda **kw: stale)
    with pytest.raises(Conflict, match="net afgehandeld"):
        _send(privacy_officer, case, expected_version=version)
    assert CaseDocument.objects.filter(case=case).count() == 2
    assert Case.objects.get(pk=case.pk).statuses.count() == 2


def test_only_the_privacy_officer_answers(catalogue, me, avg):
    case = _request(me)
    for actor in (avg, me, Actor.system("job")):
        with pytest.raises(NotAllowed):
            _send(actor, case)
        with pytest.raises(NotAllowed):
            services.access_request_case(actor=actor, reference=case.reference)
    assert Case.objects.get(pk=case.pk).is_open


def test_the_privacy_officer_moves_access_requests_only(catalogue, me, privacy_officer):
    """The one widening in cases: case_set_status lets the privacy officer move an
    access request, not any other case."""
    melding = report(me)
    with pytest.raises(NotAllowed):
        cases.case_set_status(
            actor=privacy_officer,
            case=melding,
            expected_version=melding.version,
            status_code="in-behandeling",
        )
    request = _request(me)
    cases.case_set_status(
        actor=privacy_officer,
        case=request,
        expected_version=request.version,
        status_code="in-behandeling",
    )


def test_other_cases_closed_and_anonymous_requests_are_refused(
    catalogue, me, admin, privacy_officer
):
    melding = report(me)
    for reference in (melding.reference, "AAAA-BBBB-CCCC-DDDD", "\x00", ""):
        with pytest.raises(NotFound, match="Dit inzageverzoek bestaat niet"):
            services.access_request_answer(
                actor=privacy_officer,
                reference=reference,
                expected_version=1,
                result_code="verstrekt",
            )
    withdrawn = _request(me)
    cases.case_withdraw(actor=me, case=withdrawn, expected_version=withdrawn.version)
    with pytest.raises(InvalidInput, match="al afgesloten op"):
        _send(privacy_officer, withdrawn)
    with pytest.raises(InvalidInput):
        services.access_request_preview(actor=privacy_officer, case=withdrawn)
    _type(
        admin,
        "inzage-anoniem",
        [_status("ontvangen", nxt=["klaar"]), _status("klaar", final=True)],
        anonymous=True,
    )
    anonymous = cases.case_submit(
        actor=Actor(kind=ActorKind.RESIDENT, unit="inwoner", role="anoniem"),
        case_type_code="inzage-anoniem",
        description="Wat weet u over mij?",
        email=EMAIL,
    )
    with pytest.raises(InvalidInput, match="zonder in te loggen"):
        _send(privacy_officer, anonymous)
    assert not anonymous.documents.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite runs one writer at a time (and committed_db is PostgreSQL's)",
)
def test_two_sends_at_the_same_moment_answer_once(committed_db, catalogue, me, privacy_officer):
    """Two privacy officers (or two tabs) send at once, on real connections: one answer.
    PostgreSQL only (``committed_db``): SQLite runs one writer at a time, so no race."""
    case = _request(me)
    version = case.version
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[object] = []

    def send():
        try:
            barrier.wait()
            outcomes.append(_send(privacy_officer, case, expected_version=version))
        except Exception as exc:  # the outcome is what is checked
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(outcomes) == 2 and len(refused) == 1, outcomes
    assert isinstance(refused[0], Conflict | InvalidInput), refused
    case = Case.objects.get(pk=case.pk)
    assert case.documents.count() == 2 and case.statuses.count() == 2 and not case.is_open
    assert Notification.objects.filter(case=case, key__contains=":status:afgehandeld").count() == 1


# --- The pages -----------------------------------------------------------------------------


def _url(case) -> str:
    return f"/medewerkers/avg-verzoeken/{case.reference}/antwoord"


def _officer(make_staff, username="po-web"):
    return _staff_client(make_staff("privacy_officer", username=username, unit=PRIVACY))


def test_officer_checks_then_sends_and_the_resident_sees_the_answer(
    catalogue, me, make_staff, resident_client
):
    report(me, "Lantaarnpaal kapot")
    case = _request(me)
    officer = _officer(make_staff)
    queue = officer.get("/medewerkers/avg-verzoeken").content.decode()
    url = _url(case)
    assert f'href="{url}"' in queue

    page = officer.get(url)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "Verstuur en rond af" in html and "Lantaarnpaal kapot" in html  # the preview
    assert f'name="version" value="{case.version}"' in html
    assert 'value="verstrekt"' in html and "checked" in html  # the only result, chosen
    assert ProcessingLogEntry.objects.filter(
        subject=me.subject, action="read", actor_kind="staff", object_id=case.reference
    ).exists()
    assert not Case.objects.get(pk=case.pk).documents.exists()  # checking sends nothing

    sent = officer.post(url, {"version": case.version, "result": "verstrekt"})
    assert sent.status_code == 302 and sent["Location"] == "/medewerkers/avg-verzoeken"
    after = officer.get(sent["Location"]).content.decode()
    assert "is verstuurd en het verzoek is afgehandeld" in after
    assert url not in after  # no longer among the open requests

    # the resident: finished in Mijn zaken, the answer to download, the export in the log
    mine = resident_client.get("/mijn-zaken").content.decode()
    assert "Afgehandeld: Verstrekt" in mine
    detail = resident_client.get(f"/mijn-zaken/{case.reference}").content.decode()
    assert "U heeft een overzicht van uw gegevens gekregen." in detail
    assert "Uw antwoord staat hieronder bij Documenten" in detail
    document = Case.objects.get(pk=case.pk).documents.get(content_type="text/html")
    link = f"/mijn-zaken/{case.reference}/documenten/{document.public_id}"
    assert link in detail
    download = resident_client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/html")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "Antwoord op uw inzageverzoek" in b"".join(download.streaming_content).decode()
    log = resident_client.get("/mijn-gegevens/verwerkingen").context["rows"]
    assert any(
        row.action == "export"
        and row.who == "Privacy en Informatiebeveiliging, Privacy officer"
        and case.reference in row.concerns
        for row in log
    ), [(r.who, r.action, r.concerns) for r in log]


def test_a_double_click_gets_a_plain_answer_not_a_second_answer(catalogue, me, make_staff):
    case = _request(me)
    officer = _officer(make_staff)
    url = _url(case)
    form = form_for(case)
    assert officer.post(url, form).status_code == 302
    again = officer.post(url, form)
    assert again.status_code == 400
    html = again.content.decode()
    assert "Dit inzageverzoek is al afgesloten op" in html and "Verstuur en rond af" not in html
    assert Case.objects.get(pk=case.pk).documents.count() == 2
    shown = officer.get(url)
    assert shown.status_code == 400 and "al afgesloten op" in shown.content.decode()


def test_answer_page_refuses_with_plain_messages(catalogue, me, make_staff):
    case = _request(me)
    officer = _officer(make_staff)
    url = _url(case)
    no_version = officer.post(url, {"result": "verstrekt"})
    assert (
        no_version.status_code == 400 and "Laad de pagina opnieuw." in no_version.content.decode()
    )
    no_result = officer.post(url, {"version": case.version, "result": "weg"})
    assert no_result.status_code == 400
    assert "Kies een resultaat om de zaak af te sluiten." in no_result.content.decode()
    stale = officer.post(url, {"version": case.version + 5, "result": "verstrekt"})
    assert stale.status_code == 409
    assert "Iemand anders heeft deze zaak intussen gewijzigd" in stale.content.decode()
    assert f'name="version" value="{case.version}"' in stale.content.decode()  # fresh
    melding = report(me)
    for bad in (melding.reference, "XXXX", "%00"):
        assert officer.get(f"/medewerkers/avg-verzoeken/{bad}/antwoord").status_code == 404
        assert (
            officer.post(f"/medewerkers/avg-verzoeken/{bad}/antwoord", form_for(case)).status_code
            == 404
        )
    assert Case.objects.get(pk=case.pk).is_open and not case.documents.exists()


def form_for(case):
    return {"version": case.version, "result": "verstrekt"}


def test_only_privacy_officers_reach_the_answer_page(catalogue, me, make_staff, resident_client):
    case = _request(me)
    url = _url(case)
    handler = _staff_client(make_staff("case_handler", username="avg", unit=PRIVACY))
    assert handler.get(url).status_code == 403
    assert handler.post(url, form_for(case)).status_code == 403
    assert resident_client.get(url).status_code == 403
    assert resident_client.post(url, form_for(case)).status_code == 403
    anonymous = Client().post(url, form_for(case))
    assert anonymous.status_code == 302 and "/medewerkers/inloggen" in anonymous["Location"]
    assert Case.objects.get(pk=case.pk).is_open and not case.documents.exists()


def test_answer_page_query_count_does_not_grow_with_the_dossier(
    catalogue, me, make_staff, django_assert_max_num_queries
):
    case = _request(me)
    officer = _officer(make_staff)
    url = _url(case)
    for _ in range(3):
        report(me)
    with django_assert_max_num_queries(40) as few:  # 38 on SQLite, with the log write
        assert officer.get(url).status_code == 200
    for _ in range(12):
        report(me)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert officer.get(url).status_code == 200


def test_answer_page_in_english_and_the_answer_in_dutch(catalogue, me, make_staff):
    case = _request(me)
    officer = _officer(make_staff)
    officer.cookies["django_language"] = "en"
    url = _url(case)
    html = officer.get(url).content.decode()
    assert "Send and finish" in html and "Verstuur en rond af" not in html
    assert "Uw rechten" in html  # the preview shows the answer as it goes out: in Dutch
    officer.post(url, form_for(case))
    document = Case.objects.get(pk=case.pk).documents.get(content_type="text/html")
    assert "Antwoord op uw inzageverzoek" in document.file.read().decode()


def test_an_officer_in_english_sends_the_data_of_the_answer_in_dutch(catalogue, me, make_staff):
    """Not only the template's words: the rights, section titles and field labels in both
    documents (and in the check) are the resident's Dutch, whatever the officer reads."""
    report(me, "Lantaarnpaal kapot")
    case = _request(me)
    with translation.override("nl"):
        rights, titles = export.your_rights(), [str(s.title) for s in dossier_queries.sections()]
    with translation.override("en"):
        english = export.your_rights()
    assert rights[0] != english[0]
    officer = _officer(make_staff)
    officer.cookies["django_language"] = "en"
    html = officer.get(_url(case)).content.decode()
    assert "Send and finish" in html  # the page is English; the answer it shows is not
    assert rights[0] in html and english[0] not in html
    assert "<td>Vastgelegd</td>" in html and "<td>Recorded</td>" not in html  # the log lines
    assert officer.post(_url(case), form_for(case)).status_code == 302
    documents = Case.objects.get(pk=case.pk).documents
    data = json.loads(documents.get(content_type="application/json").file.read())
    assert data["yourRights"] == rights
    assert [s["title"] for s in data["sections"]] == titles
    zaken = next(s for s in data["sections"] if s["key"] == "zaken")
    labels = {f["label"] for r in zaken["records"] for f in r["fields"]}
    assert "Omschrijving" in labels and "Description" not in labels
    readable = documents.get(content_type="text/html").file.read().decode()
    assert rights[0] in readable and english[0] not in readable
    assert all(title in readable for title in titles)


def test_a_type_without_a_result_for_a_sent_answer_says_so(catalogue, me, admin, make_staff):
    """Every result of this type closes without the data: the page says what is wrong
    and whom to ask, instead of a choice of nothing; a send writes nothing."""
    _type(
        admin,
        "inzage-zonder",
        [_status("ontvangen", nxt=["klaar"]), _status("klaar", final=True)],
        results=[
            {
                "code": "geweigerd",
                "name": "Geweigerd",
                "resident_text": "Niet gekregen.",
                "closes_without_answer": True,
            }
        ],
    )
    case = _request(me, code="inzage-zonder")
    officer = _officer(make_staff)
    page = officer.get(_url(case)).content.decode()
    assert "geen resultaat voor een verstuurd antwoord" in page
    refused = officer.post(_url(case), {"version": case.version, "result": "geweigerd"})
    assert refused.status_code == 400
    assert "geen resultaat voor een verstuurd antwoord" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).is_open and not case.documents.exists()
