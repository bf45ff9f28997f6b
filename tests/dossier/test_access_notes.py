"""Internal notes in the answer to an access request: the privacy officer sees the notes
on the resident's cases and includes the ones they choose, each with the text they
rewrote without other people's data; nothing else of a note goes out."""

from __future__ import annotations

import json
import re

import pytest

from stadhuis.accounts.services import staff_actor
from stadhuis.cases import services as cases
from stadhuis.cases.models import Case, CaseDocument, CaseEvent
from stadhuis.core.errors import InvalidInput
from stadhuis.dossier import services
from stadhuis.privacy.models import ProcessingLogEntry
from tests.dossier.conftest import report
from tests.dossier.test_access_answer import _officer, _request, _url

ORIGINAL = "Buurman Jansen (Dorpsstraat 3) belde ook over deze lantaarnpaal."
REWRITTEN = "Een buurman belde ook over deze lantaarnpaal."


@pytest.fixture
def noted(catalogue, me, other, make_staff):
    """The resident's report with an internal note, and another resident's with one."""
    handler = staff_actor(make_staff("case_handler", username="sb", unit="Stadsbeheer"))
    mine = report(me, "Lantaarnpaal kapot")
    note = cases.case_add_note(actor=handler, case=mine, body=ORIGINAL)
    theirs = report(other, "Stoeptegel los")
    cases.case_add_note(actor=handler, case=theirs, body="Mevrouw Yilmaz is boos.")
    return mine, note


def _answer(case):
    documents = Case.objects.get(pk=case.pk).documents
    machine = documents.get(content_type="application/json").file.read().decode()
    readable = documents.get(content_type="text/html").file.read().decode()
    return json.loads(machine), readable


def test_the_officer_sees_the_residents_notes_and_the_read_is_logged(noted, me, privacy_officer):
    mine, note = noted
    request = _request(me)
    found = services.access_request_notes(actor=privacy_officer, case=request)
    assert [n.pk for n in found] == [note.pk]  # not the other resident's
    assert ProcessingLogEntry.objects.filter(
        subject=me.subject, action="read", object_type="notitie", object_id=mine.reference
    ).exists()


def test_an_included_note_goes_out_as_rewritten_under_its_case(noted, me, privacy_officer):
    mine, note = noted
    request = _request(me)
    services.access_request_answer(
        actor=privacy_officer,
        reference=request.reference,
        expected_version=request.version,
        result_code="verstrekt",
        notes={note.pk: f"  {REWRITTEN}  "},
    )
    data, html = _answer(request)
    record = next(
        r for s in data["sections"] for r in s["records"] if r["objectId"] == mine.reference
    )
    fields = {f["label"]: f["value"] for f in record["fields"]}
    label = next(label for label in fields if label.startswith("Interne notitie van "))
    assert fields[label] == REWRITTEN and "zonder gegevens van anderen" in label
    assert REWRITTEN in html
    for document in (json.dumps(data), html):
        assert "Jansen" not in document and "Yilmaz" not in document
    event = CaseEvent.objects.get(case=request, kind=CaseEvent.Kind.STATUS)
    assert event.data["notes_included"] == "1"
    assert event.data["reason"] == "1 interne notitie meegestuurd, zonder gegevens van anderen."


def test_notes_left_out_stay_out_and_bad_choices_write_nothing(noted, me, other, privacy_officer):
    _mine, note = noted
    request = _request(me)
    other_note = Case.objects.get(subject=other.subject).notes.get()
    for notes, message in (
        ({other_note.pk: "Iets"}, "hoort niet bij de zaken van deze inwoner"),
        ({note.pk: "   "}, "zonder gegevens van anderen, of vink de notitie uit"),
        ({note.pk: "x" * 5001}, "hoogstens 5000 tekens"),
    ):
        with pytest.raises(InvalidInput, match=message):
            services.access_request_answer(
                actor=privacy_officer,
                reference=request.reference,
                expected_version=request.version,
                result_code="verstrekt",
                notes=notes,
            )
    assert Case.objects.get(pk=request.pk).is_open and not request.documents.exists()
    services.access_request_answer(
        actor=privacy_officer,
        reference=request.reference,
        expected_version=request.version,
        result_code="verstrekt",
    )
    data, html = _answer(request)
    assert "Jansen" not in html and "Interne notitie van" not in json.dumps(data)
    assert "notes_included" not in CaseEvent.objects.get(case=request, kind="status").data


def test_the_check_page_offers_the_notes_and_sends_the_rewritten_text(noted, me, make_staff):
    _mine, note = noted
    request = _request(me)
    officer = _officer(make_staff)
    html = officer.get(_url(request)).content.decode()
    assert "Buurman Jansen (Dorpsstraat 3)" in html and f'name="note-{note.pk}"' in html
    assert "Mevrouw Yilmaz" not in html
    form = {"version": request.version, "result": "verstrekt", f"note-{note.pk}": "on"}
    empty = officer.post(_url(request), {**form, f"note-{note.pk}-text": ""})
    assert empty.status_code == 400
    assert "of vink de notitie uit" in empty.content.decode()
    sent = officer.post(_url(request), {**form, f"note-{note.pk}-text": REWRITTEN})
    assert sent.status_code == 302
    document = CaseDocument.objects.get(case=request, content_type="text/html")
    text = document.file.read().decode()
    assert REWRITTEN in text and "Jansen" not in text


def test_each_note_is_a_group_named_after_its_note(noted, me, make_staff):
    """Every note has the same box and text labels; a screen reader tells them apart by
    the group's legend, which names the note's date and case (WCAG 1.3.1)."""
    _mine, note = noted
    handler = staff_actor(make_staff("case_handler", username="sb2", unit="Stadsbeheer"))
    second = cases.case_add_note(actor=handler, case=report(me, "Bankje kapot"), body="Tweede.")
    html = _officer(make_staff).get(_url(_request(me))).content.decode()
    for each in (note, second):
        group = re.search(
            r"<fieldset[^>]*>\s*<legend><strong>Notitie van [^<]* bij zaak "
            + re.escape(each.case.reference)
            + r"</strong></legend>((?:(?!</fieldset>).)*)</fieldset>",
            html,
            re.S,
        )
        assert group, each.case.reference
        assert f'name="note-{each.pk}"' in group[1] and f'name="note-{each.pk}-text"' in group[1]
