"""An access request made without DigiD (through an application) is answered by post:
the privacy officer prints the answer, posts it to the address in the request and
records that, which finishes the request with "Verstrekt"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from stadhuis.accounts.services import staff_actor
from stadhuis.cases import api_services
from stadhuis.cases import services as cases
from stadhuis.cases.models import Case, CaseEvent, Notification
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import InvalidInput, NotAllowed
from stadhuis.dossier import export, services
from stadhuis.privacy.models import ProcessingLogEntry
from tests.dossier.conftest import report
from tests.dossier.test_access_answer import PRIVACY, _officer
from tests.dossier.test_views import _staff_client

EMAIL = "piet@example.org"
KCC = Actor(
    kind=ActorKind.APPLICATION,
    unit="Klantcontactcentrum",
    role="applicatie",
    name="kcc",
    scopes=frozenset({"avg-inzage:create:vertrouwelijk", "melding-openbare-ruimte:create:intern"}),
)


def _by_post(**extra) -> Case:
    fields = {
        "description": "Welke gegevens heeft u over mij? Piet de Vries",
        "email": EMAIL,
        "postcode": "1234ab",
        "address": "Dorpsstraat 1",
    }
    fields.update(extra)
    return cases.case_submit(actor=KCC, case_type_code="avg-inzage", **fields)


def _record(officer, case, **extra):
    extra.setdefault("expected_version", Case.objects.get(pk=case.pk).version)
    extra.setdefault("result_code", "verstrekt")
    extra.setdefault("sent_on", timezone.localdate())
    return services.access_request_answer_by_post(actor=officer, reference=case.reference, **extra)


@pytest.fixture
def others(catalogue, me):
    """Data the letter must never hold: a resident's case with the same e-mail address,
    postcode and address, and a report someone sent through the application with them."""
    return [
        report(
            me, "Boom omgevallen bij mij", email=EMAIL, postcode="1234AB", address="Dorpsstraat 1"
        ),
        cases.case_submit(
            actor=KCC,
            case_type_code="melding-openbare-ruimte",
            description="Hondenpoep op de stoep",
            answers={"categorie": "Afval"},
            email=EMAIL,
            postcode="1234AB",
            address="Dorpsstraat 1",
        ),
    ]


def test_the_letter_holds_this_request_only(catalogue, others, make_staff, privacy_officer):
    case = _by_post()
    handler = staff_actor(make_staff("case_handler", username="avg", unit=PRIVACY))
    cases.case_message_resident(actor=handler, case=case, body="Het antwoord komt per post.")
    letter = services.access_request_letter(actor=privacy_officer, case=case).decode()
    assert "Antwoord op uw inzageverzoek" in letter and case.reference in letter
    assert "Dorpsstraat 1\n1234 AB" in letter  # the address as the request gives it
    assert "Piet de Vries" in letter and EMAIL in letter
    assert "Het antwoord komt per post." in letter  # the messages about this request
    assert "zonder in te loggen met DigiD" in letter and "Autoriteit Persoonsgegevens" in letter
    assert "Boom omgevallen" not in letter and "Hondenpoep" not in letter
    assert not any(other.reference in letter for other in others)
    assert "<script" not in letter and "<link" not in letter and "@media print" in letter
    # who used the data of this request: the application that sent it, and this print
    assert "Koppeling met een ander systeem van Klantcontactcentrum" in letter
    pseudonym = cases.contact_pseudonym(EMAIL)
    printed = ProcessingLogEntry.objects.filter(
        subject=pseudonym, object_id=case.reference, action="export", actor_kind="staff"
    )
    assert printed.count() == 1
    # the log part is this request's entries, named after it (not those of the report
    # sent with the same e-mail address, which are logged for the same pseudonym)
    shown = export.letter_context(case, pseudonym, export.request_data(case, pseudonym))
    about = ProcessingLogEntry.objects.filter(subject=pseudonym, object_id=case.reference)
    assert len(shown["latest"]) == about.count() >= 2
    assert {row.concerns for row in shown["latest"]} == {f"{case.case_type.name} {case.reference}"}
    assert sum(row.count for row in shown["log_summary"]) == about.count()
    assert Case.objects.get(pk=case.pk).is_open  # printing finishes nothing


def test_recording_the_post_finishes_the_request_with_history_and_log(
    catalogue, others, privacy_officer
):
    case = _by_post()
    before = Notification.objects.filter(case=case).count()
    sent_on = timezone.localdate()
    _record(privacy_officer, case, sent_on=sent_on, explanation="Met vriendelijke groet.")

    case = Case.objects.select_related("status", "result").get(pk=case.pk)
    assert not case.is_open and case.status.is_final and case.result.code == "verstrekt"
    day = f"{sent_on.day} "
    shown = case.statuses.get(status_type=case.status).explanation
    assert shown.startswith("Wij hebben u het antwoord op " + day)
    assert "per post gestuurd naar Dorpsstraat 1, 1234 AB." in shown
    assert shown.endswith("Met vriendelijke groet.")
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.STATUS)
    assert event.data["post_on"] == sent_on.isoformat()
    assert event.data["post_to"] == "Dorpsstraat 1\n1234 AB"
    assert event.data["result"] == "verstrekt" and "per post" in event.data["reason"]
    copy = case.documents.get()
    assert copy.content_type == "text/html" and "per-post" in copy.original_name
    html = copy.file.read().decode()
    assert "Piet de Vries" in html and "Boom omgevallen" not in html
    assert "Terug naar het verzoek" not in html  # the printed page's link is not kept
    logged = ProcessingLogEntry.objects.filter(
        subject=cases.contact_pseudonym(EMAIL), object_id=case.reference, actor_kind="staff"
    )
    assert logged.filter(action="share", actor_role="privacy_officer").count() == 1
    assert logged.filter(action="update", object_type="zaak").count() == 1
    # one e-mail to the address in the request: the final status's
    assert Notification.objects.filter(case=case).count() == before + 1


def test_a_request_with_an_address_but_no_e_mail_is_logged_for_that_address(
    catalogue, make_staff, privacy_officer
):
    """Without DigiD and e-mail, the address the answer goes to names the requester: every
    processing of the request is logged for the keyed pseudonym of that address, so the
    letter shows them too (before, only the case history did)."""
    case = _by_post(email="")
    pseudonym = cases.address_pseudonym("Dorpsstraat 1", "1234AB")
    # the same address written otherwise is the same requester; another is not
    assert cases.address_pseudonym("  dorpsstraat   1 ", "1234 ab") == pseudonym
    assert cases.address_pseudonym("Dorpsstraat 11", "1234AB") != pseudonym
    assert pseudonym not in {cases.contact_pseudonym("Dorpsstraat 1"), case.subject}
    about = ProcessingLogEntry.objects.filter(subject=pseudonym, object_id=case.reference)
    assert list(about.values_list("action", "actor_kind")) == [("create", "application")]
    api_services.cases_read_by_application(KCC, [case])  # the API logs for the same subject
    assert about.filter(action="read", actor_kind="application").count() == 1
    officer = _officer(make_staff)
    assert "Dorpsstraat 1<br>1234 AB" in officer.get(_url(case)).content.decode()
    letter = services.access_request_letter(actor=privacy_officer, case=case).decode()
    assert "Koppeling met een ander systeem van Klantcontactcentrum" in letter
    _record(privacy_officer, case)
    staff = about.filter(actor_kind="staff")
    assert sorted(staff.values_list("action", "object_type")) == [
        ("export", "zaak"),
        ("read", "zaak"),
        ("share", "zaak"),
        ("update", "document"),
        ("update", "zaak"),
    ]
    kept = Case.objects.get(pk=case.pk).documents.get().file.read().decode()
    assert "Koppeling met een ander systeem van Klantcontactcentrum" in kept
    # every processing of the request is logged, and for that pseudonym only (an entry
    # without a subject is never written, so what counts is that none went elsewhere)
    logged = ProcessingLogEntry.objects.filter(object_id=case.reference)
    assert set(logged.values_list("subject", flat=True)) == {pseudonym}


def test_an_application_reading_several_requests_by_post_shows_in_each_letter(
    catalogue, me, privacy_officer
):
    """A list read logs a page of cases in one statement per activity, and for several
    cases the entries name none (one resident's log must not name another's case). A
    request by post is logged for a pseudonym that others at its address or e-mail share,
    and its letter reads only the entries naming it: there the list read gave it nothing.
    So each such request gets an entry of its own that names it, also beside a request
    from the same address; DigiD requests stay grouped."""
    mine = _by_post(email="")
    housemate = _by_post(email="", description="Wat weet u van mij? Jan de Vries")
    neighbour = _by_post(email="buur@example.org", address="Dorpsstraat 3")
    digid = [
        cases.case_submit(actor=me, case_type_code="avg-inzage", description=f"Inzage {n}")
        for n in range(2)
    ]
    assert cases.case_subjects(mine) == cases.case_subjects(housemate)
    api_services.cases_read_by_application(KCC, [mine, *digid, housemate, neighbour])

    reads = ProcessingLogEntry.objects.filter(action="read", actor_kind="application")
    for case in (mine, housemate, neighbour):
        (subject,) = cases.case_subjects(case)
        assert reads.filter(subject=subject, object_id=case.reference).count() == 1
        assert not reads.filter(subject=subject, object_id="").exists()
    assert list(reads.filter(subject=me.subject).values_list("object_id", flat=True)) == [""]
    (subject,) = cases.case_subjects(mine)
    shown = export.letter_context(mine, subject, export.request_data(mine, subject))
    assert sorted((row.action_label, row.count) for row in shown["log_summary"]) == [
        ("bekeken", 1),  # the list read, once: not the housemate's
        ("vastgelegd", 1),
    ]


def test_a_report_without_e_mail_is_not_logged_for_the_address_it_names(catalogue):
    """The address of a report is where something is, not who sent it: no subject there."""
    melding = cases.case_submit(
        actor=KCC,
        case_type_code="melding-openbare-ruimte",
        description="Lantaarnpaal kapot",
        answers={"categorie": "Straatverlichting"},
        address="Dorpsstraat 1",
    )
    assert cases.case_subjects(melding) == []
    assert not ProcessingLogEntry.objects.filter(object_id=melding.reference).exists()


def test_posting_is_refused_where_it_does_not_fit(catalogue, me, privacy_officer):
    digid = cases.case_submit(actor=me, case_type_code="avg-inzage", description="Inzage")
    with pytest.raises(InvalidInput, match="gedaan met DigiD"):
        _record(privacy_officer, digid)
    with pytest.raises(InvalidInput, match="gedaan met DigiD"):
        services.access_request_letter(actor=privacy_officer, case=digid)
    no_address = _by_post(address="", postcode="")
    with pytest.raises(InvalidInput, match="geen adres"):
        _record(privacy_officer, no_address)
    case = _by_post()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput, match="vandaag of eerder") as future:
        _record(privacy_officer, case, sent_on=tomorrow)
    assert future.value.details["field"] == "sent_on"
    with pytest.raises(InvalidInput, match="voordat het verzoek binnenkwam"):
        _record(privacy_officer, case, sent_on=case.received_on - dt.timedelta(days=1))
    with pytest.raises(InvalidInput, match="zonder de gegevens"):
        _record(privacy_officer, case, result_code="geweigerd")
    with pytest.raises(NotAllowed):
        services.access_request_letter(
            actor=Actor(kind=ActorKind.STAFF, unit=PRIVACY, role="case_handler"), case=case
        )
    assert not any(Case.objects.get(pk=c.pk).documents.exists() for c in (digid, case))
    assert Case.objects.get(pk=case.pk).is_open

    _record(privacy_officer, case)
    with pytest.raises(InvalidInput, match="al afgesloten op"):
        _record(privacy_officer, case)
    assert Case.objects.get(pk=case.pk).documents.count() == 1


def _url(case) -> str:
    return f"/medewerkers/avg-verzoeken/{case.reference}/antwoord-per-post"


def test_officer_prints_then_records_the_post(catalogue, others, make_staff):
    case = _by_post()
    officer = _officer(make_staff)
    # the queue links to the answer by post, and says so
    queue = officer.get("/medewerkers/avg-verzoeken").content.decode()
    assert f'<a href="{_url(case)}">Antwoord per post maken en versturen' in queue
    # an old link to the digital answer leads there too
    shown = officer.get(f"/medewerkers/avg-verzoeken/{case.reference}/antwoord")
    assert shown.status_code == 302 and shown["Location"] == _url(case)
    page = officer.get(_url(case))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "Dorpsstraat 1<br>1234 AB" in html and f'href="{_url(case)}/brief"' in html
    assert 'type="date"' in html and 'value="verstrekt"' in html

    letter = officer.get(f"{_url(case)}/brief")
    assert letter.status_code == 200 and letter["Content-Type"].startswith("text/html")
    assert "Piet de Vries" in letter.content.decode()
    assert f'href="{_url(case)}"' in letter.content.decode()  # back, not printed

    bad = officer.post(_url(case), {"version": case.version, "result": "verstrekt"})
    assert bad.status_code == 400
    assert "Vul in op welke dag de brief op de post ging." in bad.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    bad = officer.post(
        _url(case), {"version": case.version, "result": "verstrekt", "sent_on": future}
    )
    assert bad.status_code == 400 and "vandaag of eerder" in bad.content.decode()
    form = {
        "version": case.version,
        "result": "verstrekt",
        "sent_on": timezone.localdate().isoformat(),
    }
    done = officer.post(_url(case), form)
    assert done.status_code == 302 and done["Location"] == "/medewerkers/avg-verzoeken"
    assert "ging per post" in officer.get(done["Location"]).content.decode()
    assert not Case.objects.get(pk=case.pk).is_open
    again = officer.post(_url(case), form)
    assert again.status_code == 400 and "al afgesloten op" in again.content.decode()
    assert officer.get(f"{_url(case)}/brief").status_code == 400
    assert Case.objects.get(pk=case.pk).documents.count() == 1


def test_showing_the_address_on_the_page_is_a_logged_read(catalogue, make_staff):
    """The page shows the requester's address and postcode: the read is in the log, for
    the requester (the e-mail's pseudonym), each time the page shows them."""
    case = _by_post()
    officer = _officer(make_staff)
    reads = ProcessingLogEntry.objects.filter(
        subject=cases.contact_pseudonym(EMAIL),
        object_id=case.reference,
        action="read",
        actor_kind="staff",
        actor_role="privacy_officer",
    )
    assert not reads.exists()
    assert "Dorpsstraat 1<br>1234 AB" in officer.get(_url(case)).content.decode()
    assert reads.count() == 1
    bad = officer.post(_url(case), {"version": case.version, "result": "verstrekt"})
    assert bad.status_code == 400 and "Dorpsstraat 1<br>1234 AB" in bad.content.decode()
    assert reads.count() == 2
    _record(staff_actor(make_staff("privacy_officer", username="po-2", unit=PRIVACY)), case)
    closed = officer.get(_url(case))
    assert closed.status_code == 400 and "Dorpsstraat" not in closed.content.decode()
    assert reads.count() == 2  # nothing shown, nothing read


def test_only_privacy_officers_reach_the_pages_and_others_get_plain_answers(
    catalogue, me, make_staff, resident_client
):
    case = _by_post()
    handler = _staff_client(make_staff("case_handler", username="avg", unit=PRIVACY))
    for url in (_url(case), f"{_url(case)}/brief"):
        assert handler.get(url).status_code == 403
        assert resident_client.get(url).status_code == 403
    officer = _officer(make_staff)
    digid = cases.case_submit(actor=me, case_type_code="avg-inzage", description="Inzage")
    page = officer.get(_url(digid))
    assert page.status_code == 400 and "gedaan met DigiD" in page.content.decode()
    melding = report(me)
    for bad in (melding.reference, "XXXX", "%00"):
        assert officer.get(f"/medewerkers/avg-verzoeken/{bad}/antwoord-per-post").status_code == 404
        assert (
            officer.get(f"/medewerkers/avg-verzoeken/{bad}/antwoord-per-post/brief").status_code
            == 404
        )
    assert Case.objects.get(pk=case.pk).is_open
