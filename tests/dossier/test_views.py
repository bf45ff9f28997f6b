"""The resident's "Mijn gegevens" pages, and the staff pages of the dossier."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from stadhuis.cases import services as cases
from stadhuis.dossier.models import AssistedSession
from stadhuis.privacy.models import ProcessingLogEntry
from tests.dossier.conftest import report

_report = report


def _staff_client(user) -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    return client


def test_overview_shows_my_data_and_logs_the_view(catalogue, me, other, resident_client):
    mine = _report(me)
    theirs = _report(other, "Niet van Anna")
    response = resident_client.get("/mijn-gegevens")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert mine.reference in html and "Lantaarnpaal kapot" in html
    assert theirs.reference not in html and "Niet van Anna" not in html
    assert "Waarom heeft de gemeente dit" in html  # purpose and legal basis per item
    assert ProcessingLogEntry.objects.filter(
        subject=me.subject, object_type="dossier", object_id="overzicht"
    ).exists()


def test_overview_query_count_does_not_grow_with_cases(
    catalogue, me, resident_client, django_assert_max_num_queries
):
    for _ in range(3):
        _report(me)
    with django_assert_max_num_queries(40) as few:
        resident_client.get("/mijn-gegevens")
    for _ in range(12):
        _report(me)
    with django_assert_max_num_queries(len(few.captured_queries)):
        resident_client.get("/mijn-gegevens")


def test_log_shows_who_processed_my_data_and_my_own_views(catalogue, me, handler, resident_client):
    case = _report(me)
    cases.case_open_for_staff(actor=handler(), case=case)
    resident_client.get("/mijn-gegevens")
    html = resident_client.get("/mijn-gegevens/verwerkingen").content.decode()
    assert "Stadsbeheer, Zaakbehandelaar" in html
    assert "U zelf" in html
    assert f"/mijn-zaken/{case.reference}" in html
    assert "handler" not in html  # no staff names unless the city turns them on


def test_log_can_show_staff_names_when_configured(
    catalogue, me, handler, resident_client, settings
):
    settings.DOSSIER_SHOW_STAFF_NAMES = True
    cases.case_open_for_staff(actor=handler(username="jansen"), case=_report(me))
    assert "(jansen)" in resident_client.get("/mijn-gegevens/verwerkingen").content.decode()


def test_log_filters_and_pages(catalogue, me, resident_client):
    for _ in range(15):  # each: create + read of the case, one entry each
        cases.case_open_for_resident(actor=me, case=_report(me))
    created = resident_client.get("/mijn-gegevens/verwerkingen?action=create").context["rows"]
    assert len(created) == 16  # the account at first login, and the 15 cases
    assert {r.action for r in created} == {"create"}
    page = resident_client.get("/mijn-gegevens/verwerkingen")
    assert len(page.context["rows"]) == 25 and page.context["next_url"]
    second = resident_client.get(page.context["next_url"])
    assert second.status_code == 200 and second.context["rows"]
    firsts = [r.occurred_at for r in page.context["rows"]]
    assert firsts == sorted(firsts, reverse=True)
    assert max(r.occurred_at for r in second.context["rows"]) <= min(firsts)


@pytest.mark.parametrize(
    "query",
    ["since=morgen", "since=2026-05-01&until=2026-04-01", "cursor=%%%", "cursor=WzFd" * 200],
)
def test_bad_filters_give_a_400_with_a_message(catalogue, resident_client, query):
    response = resident_client.get(f"/mijn-gegevens/verwerkingen?{query}")
    assert response.status_code == 400
    assert "<table" in response.content.decode() or "niets gevonden" in response.content.decode()


def test_export_json_and_readable(catalogue, me, resident_client):
    case = _report(me)
    response = resident_client.get("/mijn-gegevens/downloaden/mijn-gegevens.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert any(r["objectId"] == case.reference for s in data["sections"] for r in s["records"])
    readable = resident_client.get("/mijn-gegevens/downloaden/overzicht")
    assert case.reference in readable.content.decode()
    assert ProcessingLogEntry.objects.filter(subject=me.subject, action="export").count() == 2


def test_readable_overview_counts_every_use_and_lists_the_newest(catalogue, me, resident_client):
    _report(me)
    resident_client.get("/mijn-gegevens")
    readable = resident_client.get("/mijn-gegevens/downloaden/overzicht")
    assert readable.status_code == 200
    total = ProcessingLogEntry.objects.filter(subject=me.subject).count()
    summary = readable.context["log_summary"]
    assert sum(row.count for row in summary) == total
    assert any(row.count >= 1 and row.first <= row.last for row in summary)
    assert len(readable.context["latest"]) == total < 100
    html = readable.content.decode()
    assert f"De nieuwste {total} keer" in html and "De nieuwste 100 keer" not in html


def test_correction_from_a_data_item_opens_a_case(catalogue, me, resident_client):
    case = _report(me)
    url = (
        f"/mijn-gegevens/verzoek/correctie?onderdeel=zaken&object={case.reference}"
        "&gegeven=Omschrijving"
    )
    assert resident_client.get(url).status_code == 200
    empty = resident_client.post(
        "/mijn-gegevens/verzoek/correctie",
        {"onderdeel": "zaken", "object": case.reference, "gegeven": "Omschrijving"},
    )
    assert empty.status_code == 400
    assert "Schrijf op wat het juiste gegeven is." in empty.content.decode()
    response = resident_client.post(
        "/mijn-gegevens/verzoek/correctie",
        {
            "onderdeel": "zaken",
            "object": case.reference,
            "gegeven": "Omschrijving",
            "correct_value": "Lantaarnpaal knippert",
        },
    )
    assert response.status_code == 302
    followed = resident_client.get(response["Location"])
    assert "Correctie van uw gegevens" in followed.content.decode()


def test_someone_elses_item_is_not_found(catalogue, other, resident_client):
    case = _report(other)
    url = f"/mijn-gegevens/verzoek/correctie?onderdeel=zaken&object={case.reference}"
    assert resident_client.get(url).status_code == 404
    assert resident_client.get("/mijn-gegevens/verzoek/iets?onderdeel=zaken").status_code == 404
    assert resident_client.get("/mijn-gegevens/bestaat-niet").status_code == 404


def test_pages_need_a_resident_login(client):
    for url in ("/mijn-gegevens", "/mijn-gegevens/verwerkingen", "/mijn-gegevens/toestemmingen"):
        response = client.get(url)
        assert response.status_code == 302 and "/inloggen" in response["Location"]


def test_consent_page_gives_and_withdraws(catalogue, me, resident_client, newsletter):
    assert (
        "Toestemming geven" in resident_client.get("/mijn-gegevens/toestemmingen").content.decode()
    )
    resident_client.post("/mijn-gegevens/toestemmingen/nieuwsbrief", {"geef": "1"})
    html = resident_client.get("/mijn-gegevens/toestemmingen").content.decode()
    assert "Toestemming intrekken" in html
    resident_client.post("/mijn-gegevens/toestemmingen/nieuwsbrief", {"geef": "0"})
    assert (
        "Toestemming geven" in resident_client.get("/mijn-gegevens/toestemmingen").content.decode()
    )
    bad = resident_client.post(
        "/mijn-gegevens/toestemmingen/meldingen-openbare-ruimte", {"geef": "1"}
    )
    assert bad.status_code == 400


def test_desk_staff_helps_a_resident_who_then_sees_it(catalogue, me, resident, make_staff):
    desk_user = make_staff("case_handler", username="balie", unit="Publiekszaken")
    desk = _staff_client(desk_user)
    refused = desk.post(
        "/medewerkers/hulp", {"bsn": "111222333", "channel": "desk", "reason": "Hulp"}
    )
    assert refused.status_code == 400
    assert "toestemming" in refused.content.decode()
    started = desk.post(
        "/medewerkers/hulp",
        {"bsn": "111222333", "channel": "desk", "reason": "Hulp bij een melding", "consent": "on"},
    )
    assert started.status_code == 302
    session = AssistedSession.objects.get()
    _report(me)
    page = desk.get(started["Location"])
    assert page.status_code == 200 and "Lantaarnpaal kapot" in page.content.decode()
    assert desk.get(f"/medewerkers/hulp/{session.public_id}/verwerkingen").status_code == 200
    desk.post(f"/medewerkers/hulp/{session.public_id}/einde")
    assert desk.get(started["Location"]).status_code == 404
    resident_view = Client()
    resident_view.force_login(resident.user)
    html = resident_view.get("/mijn-gegevens/verwerkingen").content.decode()
    assert "Een medewerker van Publiekszaken, samen met u en met uw toestemming" in html
    assert "Hulp bij een melding" in resident_view.get("/mijn-gegevens").content.decode()


def test_residents_and_other_roles_cannot_use_staff_pages(catalogue, resident_client, make_staff):
    assert resident_client.get("/medewerkers/hulp").status_code == 403
    ombudsman = _staff_client(make_staff("ombudsman", username="ombuds"))
    assert ombudsman.get("/medewerkers/hulp").status_code == 403
    assert ombudsman.get("/medewerkers/avg-verzoeken").status_code == 403


def test_privacy_officer_queue_and_answer(catalogue, me, make_staff):
    request = cases.case_submit(actor=me, case_type_code="avg-inzage", description="Inzage")
    officer = _staff_client(make_staff("privacy_officer", username="po3"))
    html = officer.get("/medewerkers/avg-verzoeken").content.decode()
    assert request.reference in html and "Antwoord uit dossier bekijken en versturen" in html
    url = f"/medewerkers/avg-verzoeken/{request.reference}/antwoord"
    assert officer.get(url).status_code == 200
    response = officer.post(url, {"version": request.version, "result": "verstrekt"})
    assert response.status_code == 302
    assert request.documents.count() == 2
    assert officer.post("/medewerkers/avg-verzoeken/XXXX/antwoord").status_code == 404


def test_overview_previews_a_long_section_and_links_to_all(catalogue, me, resident_client):
    references = [_report(me, f"Melding {n}").reference for n in range(7)]
    html = resident_client.get("/mijn-gegevens").content.decode()
    assert "Bekijk alle 7" in html
    assert sum(ref in html for ref in references) == 5  # the newest five
    full = resident_client.get("/mijn-gegevens/zaken").content.decode()
    assert all(ref in full for ref in references)


def test_a_section_pages_from_newest_to_oldest(catalogue, me, resident_client, monkeypatch):
    from stadhuis.dossier import views

    monkeypatch.setattr(views, "SECTION_PAGE", 2)
    references = [_report(me, f"Melding {n}").reference for n in range(3)]
    first = resident_client.get("/mijn-gegevens/zaken").content.decode()
    assert "Pagina 1 van 2 (3 in totaal)" in first
    assert [ref in first for ref in references] == [False, True, True]  # the newest two
    assert 'href="?pagina=2" rel="next"' in first and 'rel="prev"' not in first
    second = resident_client.get("/mijn-gegevens/zaken?pagina=2").content.decode()
    assert [ref in second for ref in references] == [True, False, False]
    assert 'rel="next"' not in second and 'href="?pagina=1" rel="prev"' in second
    bad = resident_client.get("/mijn-gegevens/zaken?pagina=twee")  # read as the first page
    assert bad.status_code == 200 and "Pagina 1 van 2" in bad.content.decode()
    beyond = resident_client.get("/mijn-gegevens/zaken?pagina=9").content.decode()
    assert "Pagina 2 van 2" in beyond and references[0] in beyond  # the last page


def test_log_can_leave_out_what_i_did_myself(catalogue, me, handler, resident_client):
    case = _report(me)
    cases.case_open_for_staff(actor=handler(), case=case)
    resident_client.get("/mijn-gegevens")
    rows = resident_client.get("/mijn-gegevens/verwerkingen?others_only=on").context["rows"]
    assert rows and all(not r.yourself for r in rows)
    assert {r.who for r in rows} == {"Stadsbeheer, Zaakbehandelaar"}
    everything = resident_client.get("/mijn-gegevens/verwerkingen").context["rows"]
    assert any(r.concerns == "Mijn gegevens: overzicht" for r in everything)


def test_dossier_pages_in_english(catalogue, me, resident_client):
    _report(me)
    resident_client.cookies["django_language"] = "en"
    for url, english in [
        ("/mijn-gegevens", "Why does the municipality have this, and for how long?"),
        ("/mijn-gegevens/verwerkingen", "Who used my data?"),
        ("/mijn-gegevens/toestemmingen", "My consents"),
        ("/mijn-gegevens/downloaden", "Download my data"),
    ]:
        html = resident_client.get(url).content.decode()
        assert english in html, url
        for dutch in ("Mijn gegevens", "Klopt niet?", "Wie gebruikte", "Toestemming geven"):
            assert dutch not in html, (url, dutch)


def test_no_section_key_is_hidden_by_a_page_of_its_own():
    from django.urls import resolve

    from stadhuis.dossier import queries

    for s in queries.sections():
        assert resolve(f"/mijn-gegevens/{s.key}").url_name == "section", s.key
