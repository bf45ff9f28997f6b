"""The dossier's services: rights requests open cases, consents, assisted service,
retention, and the access-request answer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from stadhuis.accounts.services import staff_actor
from stadhuis.cases import services as cases
from stadhuis.cases.models import Case, CaseDocument, CaseMessage
from stadhuis.core.errors import InvalidInput, NotAllowed, NotFound
from stadhuis.dossier import export, queries, services
from stadhuis.dossier.models import AssistedSession
from stadhuis.privacy import services as privacy
from stadhuis.privacy.models import Consent, ProcessingLogEntry
from tests.dossier.conftest import report


def _report(actor, text="Lantaarnpaal kapot"):
    return report(actor, text, address="Stationsweg 4")


def _close(case, staff):
    return cases.case_set_status(
        actor=staff,
        case=case,
        expected_version=case.version,
        status_code="afgehandeld",
        result_code="opgelost",
    )


def test_overview_shows_my_cases_with_their_register_facts(catalogue, me, other):
    mine = _report(me)
    _report(other, "Iemand anders")
    views = {v.section.key: v for v in queries.overview(me.subject)}
    records = views["zaken"].records
    assert [r.record.object_id for r in records] == [mine.reference]
    item = records[0]
    values = {f.label: f.value for f in item.record.fields}
    assert values["Omschrijving"] == "Lantaarnpaal kapot"
    assert values["Waar gaat het over?"] == "Straatverlichting"
    assert values["Adres"] == "Stationsweg 4"
    assert item.activity.activity.code == "meldingen-openbare-ruimte"
    assert item.rights.correct and item.rights.object and not item.rights.erase
    assert views["account"].records[0].record.fields[0].value == "Anna de Vries"


def test_retention_date_is_shown_before_and_applied_after(catalogue, me, handler):
    case = _report(me)
    cases.case_reply(actor=me, case=case, body="Het is de paal bij de bushalte.")
    staff = handler()
    case = _close(case, staff)
    record = next(v for v in queries.overview(me.subject) if v.section.key == "zaken").records[0]
    days = record.activity.retention_days
    assert record.record.retained_until == timezone.localtime(case.closed_at).date() + dt.timedelta(
        days=days
    )
    before = ProcessingLogEntry.objects.filter(subject=me.subject, action="delete").count()
    assert cases.cases_retention_apply(now=case.closed_at + dt.timedelta(days=days - 1)) == 0
    later = case.closed_at + dt.timedelta(days=days + 1)
    assert cases.cases_retention_apply(now=later) == 1
    assert cases.cases_retention_apply(now=later) == 0  # twice does no harm
    case.refresh_from_db()
    assert case.subject == "" and case.description == "" and case.address == ""
    assert case.anonymised_at is not None
    assert not CaseMessage.objects.filter(case=case).exists()
    deleted = ProcessingLogEntry.objects.filter(subject=me.subject, action="delete")
    assert deleted.count() == before + 1
    assert deleted.get().object_id == case.reference
    assert not next(v for v in queries.overview(me.subject) if v.section.key == "zaken").records


def test_correction_request_opens_a_case_with_the_statutory_term(catalogue, me):
    case = _report(me)
    request = services.rights_request_submit(
        actor=me,
        right="correctie",
        section="zaken",
        object_id=case.reference,
        item="Adres",
        explanation="Het was nummer 6.",
        correct_value="Stationsweg 6",
    )
    assert request.case_type.code == "avg-correctie"
    assert request.subject == me.subject
    assert request.answers == {
        "gegeven": f"{case.case_type.name} {case.reference}: Adres",
        "juist": "Stationsweg 6",
    }
    assert request.deadline > request.received_on


def test_a_rights_request_finds_its_type_while_a_new_version_is_a_draft(catalogue, me, make_staff):
    """An administrator working on a new version of the correction type does not take it
    offline: the request opens under the version in use until the draft is published."""
    admin = staff_actor(make_staff("administrator", username="beheer-d"))
    in_use = catalogue["avg-correctie"]
    draft = cases.case_type_new_version(actor=admin, case_type=in_use)
    case = _report(me)
    ask = {
        "actor": me,
        "right": "correctie",
        "section": "zaken",
        "object_id": case.reference,
        "item": "Adres",
        "explanation": "",
        "correct_value": "Stationsweg 6",
    }
    assert services.rights_request_submit(**ask).case_type_id == in_use.pk
    cases.case_type_publish(actor=admin, case_type=draft)
    assert services.rights_request_submit(**ask).case_type_id == draft.pk


def test_objection_and_erasure_follow_the_legal_basis(catalogue, me):
    case = _report(me)  # public task: objection yes, erasure no
    objection = services.rights_request_submit(
        actor=me,
        right="bezwaar",
        section="zaken",
        object_id=case.reference,
        item="",
        explanation="Ik wil niet dat mijn adres bewaard wordt.",
    )
    assert objection.case_type.code == "avg-bezwaar"
    with pytest.raises(NotAllowed):
        services.rights_request_submit(
            actor=me,
            right="verwijderen",
            section="zaken",
            object_id=case.reference,
            item="",
            explanation="Weg ermee",
        )


def test_nobody_can_ask_about_someone_elses_data(catalogue, me, other):
    case = _report(other)
    with pytest.raises(NotFound):
        services.rights_request_submit(
            actor=me,
            right="correctie",
            section="zaken",
            object_id=case.reference,
            item="Adres",
            explanation="",
            correct_value="x",
        )


def test_consent_is_given_and_withdrawn_at_once(catalogue, me, newsletter):
    with pytest.raises(privacy.ConsentMissing):
        privacy.require_consent(subject=me.subject, activity="nieuwsbrief")
    privacy.consent_give(actor=me, activity="nieuwsbrief")
    privacy.consent_give(actor=me, activity="nieuwsbrief")  # twice: still one
    assert Consent.objects.filter(subject=me.subject, withdrawn_at__isnull=True).count() == 1
    privacy.require_consent(subject=me.subject, activity="nieuwsbrief")
    assert privacy.consent_withdraw(actor=me, activity="nieuwsbrief") is True
    with pytest.raises(privacy.ConsentMissing):
        privacy.require_consent(subject=me.subject, activity="nieuwsbrief")
    assert privacy.consent_withdraw(actor=me, activity="nieuwsbrief") is False
    with pytest.raises(InvalidInput):  # a public task needs no consent
        privacy.consent_give(actor=me, activity="meldingen-openbare-ruimte")
    actions = list(
        ProcessingLogEntry.objects.filter(subject=me.subject, object_type="toestemming")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


def test_assisted_service_needs_consent_and_is_logged_with_both(catalogue, resident, make_staff):
    desk = staff_actor(make_staff("case_handler", username="balie", unit="Publiekszaken"))
    with pytest.raises(InvalidInput):
        services.assisted_session_start(
            actor=desk, bsn="111222333", channel="desk", reason="Hulp bij melding", consent=False
        )
    with pytest.raises(InvalidInput):  # invalid BSN: clear message
        services.assisted_session_start(
            actor=desk, bsn="123", channel="desk", reason="Hulp bij melding", consent=True
        )
    session = services.assisted_session_start(
        actor=desk, bsn="111222333", channel="desk", reason="Hulp bij melding", consent=True
    )
    helped = services.assisted_actor(session)
    case = _report(helped)
    entry = ProcessingLogEntry.objects.filter(
        subject=resident.pseudonym, object_id=case.reference
    ).get()
    assert entry.actor_kind == "resident" and entry.actor_unit == "Publiekszaken"
    assert entry.audit.user_id == desk.user_id
    assert entry.audit.assisted_resident == resident.pseudonym
    rows = queries.log_rows(resident.pseudonym, queries.processing_log(resident.pseudonym))
    row = next(r for r in rows if r.concerns.endswith(case.reference))
    assert row.assisted and "Publiekszaken" in row.who and "toestemming" in row.who
    other_staff = staff_actor(make_staff("case_handler", username="ander"))
    with pytest.raises(NotFound):
        services.assisted_session_for(actor=other_staff, public_id=session.public_id)
    services.assisted_session_end(actor=desk, session=session)
    with pytest.raises(NotFound):
        services.assisted_session_for(actor=desk, public_id=session.public_id)
    hulp = next(v for v in queries.overview(resident.pseudonym) if v.section.key == "hulp")
    assert hulp.records[0].record.fields[0].value == "Hulp bij melding"


def test_assisted_session_ends_by_itself(catalogue, resident, make_staff):
    desk = staff_actor(make_staff("case_handler", username="balie"))
    session = services.assisted_session_start(
        actor=desk, bsn="111222333", channel="phone", reason="Vraag over zaak", consent=True
    )
    AssistedSession.objects.filter(pk=session.pk).update(ends_at=timezone.now())
    with pytest.raises(NotFound):
        services.assisted_session_for(actor=desk, public_id=session.public_id)


def test_access_request_is_answered_from_the_dossier(catalogue, me, make_staff):
    _report(me)
    request = cases.case_submit(
        actor=me, case_type_code="avg-inzage", description="Welke gegevens heeft u?"
    )
    officer = staff_actor(make_staff("privacy_officer", username="po2"))
    handler_only = staff_actor(make_staff("case_handler", username="geen-po"))
    with pytest.raises(NotAllowed):
        services.access_request_answer(
            actor=handler_only,
            reference=request.reference,
            expected_version=request.version,
            result_code="verstrekt",
        )
    answer = services.access_request_answer(
        actor=officer,
        reference=request.reference,
        expected_version=request.version,
        result_code="verstrekt",
    )
    assert answer.machine.content_type == "application/json"
    data = json.loads(CaseDocument.objects.get(pk=answer.machine.pk).file.read())
    export.DossierExport.model_validate(data)
    assert data["subject"] == me.subject
    assert {s["key"] for s in data["sections"]} >= {"zaken", "account"}
    assert Case.objects.get(pk=request.pk).documents.count() == 2  # and the readable one


def test_export_matches_its_schema_and_is_logged(catalogue, me, other):
    _report(me)
    _report(other, "Niet van mij")
    data = services.dossier_export(actor=me)
    parsed = export.DossierExport.model_validate(json.loads(export.to_json(data)))
    assert all(e.activity for e in parsed.processing_log)
    assert "Niet van mij" not in export.to_json(data).decode()
    assert ProcessingLogEntry.objects.filter(
        subject=me.subject, action="export", object_type="dossier"
    ).exists()


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 1, 9, 30, 5, 0, tzinfo=dt.UTC),  # no fraction at all
        dt.datetime(2026, 12, 1, 9, 30, 5, 999_999, tzinfo=dt.UTC),  # cut off, not rounded
        dt.datetime(2026, 12, 1, 9, 30, 5, 500, tzinfo=dt.UTC),  # below a millisecond
        dt.datetime(2026, 3, 29, 1, 59, 59, 1000, tzinfo=dt.UTC),  # summer time begins
        dt.datetime(1999, 12, 31, 23, 59, 59, 123_456, tzinfo=dt.UTC),  # a new year at home
    ],
)
def test_log_times_in_the_export_read_as_the_encoder_writes_them(
    catalogue, me, moment, monkeypatch
):
    """On PostgreSQL the database writes the log's times as text for the JSON; it must
    be the very text DjangoJSONEncoder writes for the datetime (SQLite: the encoder)."""
    from django.core.serializers.json import DjangoJSONEncoder

    monkeypatch.setattr(timezone, "now", lambda: moment)
    _report(me)
    monkeypatch.undo()
    entries = json.loads(export.to_json(export.build(me.subject)))["processingLog"]
    expected = DjangoJSONEncoder().default(moment.astimezone(dt.UTC))
    assert expected in {e["occurredAt"] for e in entries}  # the report's entries


def test_only_the_resident_sees_their_dossier(make_staff):
    with pytest.raises(NotAllowed):
        services.dossier_export(actor=staff_actor(make_staff("privacy_officer")))


def test_assisted_records_are_deleted_after_their_retention(catalogue, resident, make_staff):
    desk = staff_actor(make_staff("case_handler", username="balie"))
    session = services.assisted_session_start(
        actor=desk, bsn="111222333", channel="desk", reason="Hulp bij melding", consent=True
    )
    later = session.started_at + dt.timedelta(days=366)
    assert services.assisted_sessions_retention_apply(now=session.started_at) == 0
    assert services.assisted_sessions_retention_apply(now=later) == 1
    assert services.assisted_sessions_retention_apply(now=later) == 0
    assert not AssistedSession.objects.exists()
    assert ProcessingLogEntry.objects.filter(
        subject=resident.pseudonym, action="delete", object_type="hulp"
    ).exists()


def test_a_resident_who_never_logged_in_can_be_helped(catalogue, make_staff):
    """Those who cannot use DigiD need the desk most: the account is made there."""
    desk = staff_actor(make_staff("case_handler", username="balie", unit="Publiekszaken"))
    session = services.assisted_session_start(
        actor=desk, bsn="123456782", channel="desk", reason="Eerste keer hulp", consent=True
    )
    entry = ProcessingLogEntry.objects.get(subject=session.subject, object_type="inwoner")
    assert entry.action == "create" and entry.actor_unit == "Publiekszaken"
    assert entry.audit.user_id == desk.user_id
    with pytest.raises(InvalidInput) as invalid:
        services.assisted_session_start(
            actor=desk, bsn="123456789", channel="desk", reason="Hulp bij iets", consent=True
        )
    assert invalid.value.details["field"] == "bsn"


def test_withdrawn_consents_are_deleted_after_their_retention(catalogue, me, newsletter):
    privacy.consent_give(actor=me, activity="nieuwsbrief")
    privacy.consent_withdraw(actor=me, activity="nieuwsbrief")
    withdrawn = Consent.objects.get().withdrawn_at
    assert privacy.consents_retention_apply(now=withdrawn + dt.timedelta(days=364)) == 0
    assert privacy.consents_retention_apply(now=withdrawn + dt.timedelta(days=366)) == 1
    assert privacy.consents_retention_apply(now=withdrawn + dt.timedelta(days=366)) == 0
    assert not Consent.objects.exists()
    assert ProcessingLogEntry.objects.filter(
        subject=me.subject, action="delete", object_type="toestemming"
    ).exists()


def test_the_spines_own_activities_cannot_be_switched_off(privacy_officer):
    for code in ("toestemmingen", "bewaartermijnen"):
        with pytest.raises(InvalidInput):
            privacy.activity_set_active(actor=privacy_officer, code=code, active=False)


def test_catalogue_choices_are_translated_but_typed_answers_never(catalogue, me):
    from django.utils import translation

    report(me)
    cases.case_submit(
        actor=me,
        case_type_code="reisdocument-thuisbezorgen",
        description="Graag thuis",
        answers={"bezorgadres": "Inloggen", "tijdvak": "17:00-21:00"},
    )
    with translation.override("en"):
        values = {
            f.value
            for v in queries.overview(me.subject)
            if v.section.key == "zaken"
            for r in v.records
            for f in r.record.fields
        }
    assert "Street lighting" in values  # a choice of the catalogue, in English
    assert "Inloggen" in values and "Log in" not in values  # what the resident typed
