"""Track & trace services: submitting, the state machine, terms, conflicts, look-ups."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from stadhuis.cases import services
from stadhuis.cases.models import Case, CaseEvent, Notification
from stadhuis.cases.services import Upload
from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from stadhuis.privacy.models import ProcessingLogEntry

ANONYMOUS = Actor(kind=ActorKind.RESIDENT, unit="inwoner", role="anoniem")


def report(actor, **extra):
    return services.case_submit(
        actor=actor,
        case_type_code="melding-openbare-ruimte",
        description="Lantaarnpaal kapot",
        answers={"categorie": "Straatverlichting"},
        **extra,
    )


def test_reference_has_80_random_bits_in_readable_groups():
    refs = {services.new_reference() for _ in range(1000)}
    assert len(refs) == 1000
    ref = refs.pop()
    assert len(ref) == 19 and ref.count("-") == 3
    assert services.normalise_reference(ref.lower().replace("-", " ")) == ref


def test_submit_opens_the_case_with_first_status_deadline_and_log(catalogue, me):
    case = report(me)
    assert case.status.code == "ontvangen" and case.is_open
    assert case.deadline > case.received_on
    assert case.statuses.count() == 1
    entry = ProcessingLogEntry.objects.filter(object_id=case.reference).get()
    assert (entry.action, entry.subject) == ("create", me.subject)
    assert entry.activity_version.activity.code == "meldingen-openbare-ruimte"


def test_anonymous_report_is_allowed_but_anonymous_complaint_is_not(catalogue):
    case = report(ANONYMOUS, email="buur@example.org")
    assert case.subject == "" and case.contact_email == "buur@example.org"
    with pytest.raises(NotAllowed):
        services.case_submit(actor=ANONYMOUS, case_type_code="klacht", description="x")


def test_required_questions_and_choices_are_checked(catalogue, me):
    with pytest.raises(InvalidInput):
        services.case_submit(
            actor=me, case_type_code="melding-openbare-ruimte", description="x", answers={}
        )
    with pytest.raises(InvalidInput):
        services.case_submit(
            actor=me,
            case_type_code="melding-openbare-ruimte",
            description="x",
            answers={"categorie": "Vliegende schotels"},
        )


def test_transitions_follow_the_state_machine(catalogue, me, handler):
    staff = handler()
    case = report(me)
    with pytest.raises(InvalidInput):  # not a transition from ontvangen
        services.case_set_status(
            actor=staff, case=case, expected_version=case.version, status_code="wacht-op-u"
        )
    services.case_set_status(
        actor=staff, case=case, expected_version=case.version, status_code="in-behandeling"
    )
    with pytest.raises(InvalidInput, match="resultaat"):
        services.case_set_status(
            actor=staff, case=case, expected_version=case.version, status_code="afgehandeld"
        )
    services.case_set_status(
        actor=staff,
        case=case,
        expected_version=case.version,
        status_code="afgehandeld",
        result_code="opgelost",
    )
    case.refresh_from_db()
    assert not case.is_open and case.result.code == "opgelost"
    assert [s.status_type.code for s in case.statuses.all()] == [
        "ontvangen",
        "in-behandeling",
        "afgehandeld",
    ]


def test_only_case_handlers_of_the_department_change_a_case(catalogue, me, handler, make_staff):
    from stadhuis.accounts.services import staff_actor

    case = report(me)
    with pytest.raises(NotAllowed):
        services.case_set_status(
            actor=staff_actor(make_staff("ombudsman")),
            case=case,
            expected_version=case.version,
            status_code="in-behandeling",
        )
    with pytest.raises(NotAllowed):
        services.case_set_status(
            actor=handler(unit="Burgerzaken", username="other"),
            case=case,
            expected_version=case.version,
            status_code="in-behandeling",
        )


def test_second_concurrent_change_gets_a_conflict_and_nothing_is_lost(catalogue, me, handler):
    first, second = handler(), handler(username="colleague")
    case = report(me)
    seen = case.version
    stale = Case.objects.get(pk=case.pk)
    services.case_set_status(
        actor=first, case=case, expected_version=seen, status_code="in-behandeling"
    )
    with pytest.raises(Conflict):
        services.case_assign(actor=second, case=stale, expected_version=seen)
    case.refresh_from_db()
    assert case.status.code == "in-behandeling" and case.assignee_id is None
    assert case.events.filter(kind=CaseEvent.Kind.ASSIGNED).count() == 0


def test_suspension_and_extension_move_the_deadline(catalogue, me, handler):
    staff = handler(unit="Juridische Zaken")
    case = services.case_submit(
        actor=me, case_type_code="bezwaar", description="x", answers={"besluit": "B-1"}
    )
    original = case.deadline
    services.case_suspend(actor=staff, case=case, expected_version=case.version, reason="info")
    Case.objects.filter(pk=case.pk).update(
        suspended_since=timezone.localdate() - dt.timedelta(days=7)
    )
    case.refresh_from_db()
    services.case_resume(actor=staff, case=case, expected_version=case.version)
    assert case.suspended_days == 7 and case.deadline >= original + dt.timedelta(days=7)
    after_suspension = case.deadline
    services.case_extend(actor=staff, case=case, expected_version=case.version, reason="complex")
    assert case.deadline >= after_suspension + dt.timedelta(weeks=6)
    with pytest.raises(InvalidInput):
        services.case_extend(actor=staff, case=case, expected_version=case.version, reason="again")


def test_a_report_cannot_be_suspended(catalogue, me, handler):
    case = report(me)
    with pytest.raises(InvalidInput):
        services.case_suspend(actor=handler(), case=case, expected_version=case.version, reason="x")


def test_unhappy_feedback_within_14_days_reopens_a_report(catalogue, me, handler):
    staff = handler()
    case = report(me)
    services.case_set_status(
        actor=staff,
        case=case,
        expected_version=case.version,
        status_code="afgehandeld",
        result_code="opgelost",
    )
    with pytest.raises(InvalidInput):
        services.case_feedback(actor=me, case=case, satisfied=False, text="")
    services.case_feedback(actor=me, case=case, satisfied=False, text="Lamp doet het nog niet")
    case.refresh_from_db()
    assert case.is_open and case.status.code == "ontvangen"
    assert case.events.filter(kind=CaseEvent.Kind.REOPENED).exists()


def test_unhappy_feedback_after_14_days_does_not_reopen(catalogue, me, handler):
    case = report(me)
    services.case_set_status(
        actor=handler(),
        case=case,
        expected_version=case.version,
        status_code="afgehandeld",
        result_code="opgelost",
    )
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=15))
    case.refresh_from_db()
    services.case_feedback(actor=me, case=case, satisfied=False, text="Te laat")
    case.refresh_from_db()
    assert not case.is_open


def test_a_resident_cannot_touch_anothers_case(catalogue, me):
    from stadhuis.accounts.services import resident_actor, resident_login

    other = resident_actor(resident_login(bsn="123456782").resident)
    case = report(me)
    with pytest.raises(NotFound):
        services.case_reply(actor=other, case=case, body="hoi")
    with pytest.raises(NotFound):
        services.case_withdraw(actor=other, case=case, expected_version=case.version)


def test_complaint_goes_to_the_ombudsman_and_the_city_responds(catalogue, me, make_staff):
    from stadhuis.accounts.services import staff_actor

    coordinator = staff_actor(make_staff("case_handler", username="kc", unit="Klachtencoördinatie"))
    ombudsman = staff_actor(make_staff("ombudsman", username="om"))
    case = services.case_submit(actor=me, case_type_code="klacht", description="Onbeschoft")
    with pytest.raises(InvalidInput):  # the city's own procedure is still running
        services.case_escalate(actor=me, case=case, reason="x")
    services.case_set_status(
        actor=coordinator,
        case=case,
        expected_version=case.version,
        status_code="afgehandeld",
        result_code="ongegrond",
    )
    escalation = services.case_escalate(actor=me, case=case, reason="Ik ben het oneens")
    assert escalation.grounds == "unhappy"
    with pytest.raises(NotAllowed):
        services.escalation_judge(
            actor=coordinator, escalation=escalation, findings="f", recommendation="r"
        )
    services.case_open_for_staff(actor=ombudsman, case=case)
    services.escalation_judge(
        actor=ombudsman,
        escalation=escalation,
        findings="Toon was onvriendelijk",
        recommendation="Excuses",
    )
    with pytest.raises(NotAllowed):
        services.escalation_respond(actor=ombudsman, escalation=escalation, response="x")
    services.escalation_respond(
        actor=coordinator, escalation=escalation, response="We bieden excuses aan"
    )
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["escalated", "ombudsman", "response"]


def test_an_overdue_complaint_can_go_to_the_ombudsman(catalogue, me):
    case = services.case_submit(actor=me, case_type_code="klacht", description="x")
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    case.refresh_from_db()
    assert services.case_escalate(actor=me, case=case, reason="Geen antwoord").grounds == "overdue"


def test_ombudsman_cannot_open_cases_that_were_not_escalated(catalogue, me, make_staff):
    from stadhuis.accounts.services import staff_actor

    case = services.case_submit(actor=me, case_type_code="klacht", description="x")
    with pytest.raises(NotAllowed):
        services.case_open_for_staff(actor=staff_actor(make_staff("ombudsman")), case=case)


def test_every_staff_read_is_logged_for_the_resident(catalogue, me, handler):
    case = report(me)
    before = ProcessingLogEntry.objects.filter(subject=me.subject, action="read").count()
    services.case_open_for_staff(actor=handler(), case=case)
    entry = ProcessingLogEntry.objects.filter(subject=me.subject, action="read").latest("id")
    assert (
        ProcessingLogEntry.objects.filter(subject=me.subject, action="read").count() == before + 1
    )
    assert (entry.actor_kind, entry.actor_role, entry.object_id) == (
        "staff",
        "case_handler",
        case.reference,
    )


# --- anonymous look-up -------------------------------------------------------------


def test_lookup_needs_reference_and_matching_email_or_postcode(catalogue):
    case = report(ANONYMOUS, email="Buur@Example.org", postcode="2311 ab")
    assert (
        services.case_lookup(
            client="1.2.3.4", reference=case.reference.lower(), email_or_postcode="buur@example.org"
        )
        == case
    )
    assert (
        services.case_lookup(client="1.2.3.4", reference=case.reference, email_or_postcode="2311AB")
        == case
    )
    messages = set()
    for ref, proof in [
        (case.reference, "ander@example.org"),
        ("AAAA-BBBB-CCCC-DDDD", "2311AB"),
        ("onzin", ""),
    ]:
        with pytest.raises(NotFound) as info:
            services.case_lookup(client="5.6.7.8", reference=ref, email_or_postcode=proof)
        messages.add(str(info.value.message))
    assert len(messages) == 1  # the same answer whatever was wrong


def test_failed_lookups_are_rate_limited(catalogue):
    case = report(ANONYMOUS, email="buur@example.org")
    for _ in range(services.LOOKUP_LIMIT):
        with pytest.raises(NotFound):
            services.case_lookup(
                client="9.9.9.9", reference=case.reference, email_or_postcode="fout@example.org"
            )
    with pytest.raises(services.TooManyAttempts):  # even with the right answer now
        services.case_lookup(
            client="9.9.9.9", reference=case.reference, email_or_postcode="buur@example.org"
        )
    assert (
        services.case_lookup(
            client="8.8.8.8", reference=case.reference, email_or_postcode="buur@example.org"
        )
        == case
    )


# --- uploads -------------------------------------------------------------------------


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 9.0, 30.0)}
    exif[0x010F] = "Camera BV"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_photo_location_is_stripped_unless_kept(catalogue, me):
    case = report(me, uploads=[Upload(_jpeg_with_gps(), "lamp.jpg")])
    document = case.documents.get()
    assert document.location_removed and document.content_type == "image/jpeg"
    with document.file.open("rb") as handle, Image.open(handle) as stored:
        assert 0x8825 not in stored.getexif()
    kept = report(me, uploads=[Upload(_jpeg_with_gps(), "lamp.jpg", keep_location=True)])
    with kept.documents.get().file.open("rb") as handle, Image.open(handle) as stored:
        assert 0x8825 in stored.getexif()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "foto.jpg"),  # type by content, not name
        (b"MZ\x90\x00binary", "scan.pdf"),
        (b"", "leeg.png"),
    ],
)
def test_uploads_are_checked_by_content(catalogue, me, data, name):
    with pytest.raises(InvalidInput):
        report(me, uploads=[Upload(data, name)])
    assert not Case.objects.exists()  # nothing half-written


def test_oversized_upload_is_refused(catalogue, me):
    with pytest.raises(InvalidInput, match="te groot"):
        report(me, uploads=[Upload(b"%PDF-" + b"0" * (10 * 1024 * 1024), "groot.pdf")])


# --- notifications -------------------------------------------------------------------


def test_notifications_are_queued_once_and_retried_until_sent(
    catalogue, me, handler, settings, monkeypatch
):
    from stadhuis.accounts.models import Resident

    Resident.objects.filter(pseudonym=me.subject).update(email="anna@example.org")
    case = report(me)
    assert Notification.objects.filter(case=case).count() == 1  # "ontvangen" notifies
    services._queue_status_notification(case, case.status)  # the same event again
    assert Notification.objects.filter(case=case).count() == 1

    def down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.send_mail", down)
    assert services.notifications_send_due() == 0
    note = Notification.objects.get(case=case)
    assert note.state == "pending" and note.attempts == 1 and "down" in note.last_error
    assert note.next_attempt_at > timezone.now()

    monkeypatch.undo()
    Notification.objects.filter(pk=note.pk).update(next_attempt_at=timezone.now())
    assert services.notifications_send_due() == 1
    assert services.notifications_send_due() == 0  # never twice
    assert len(mail.outbox) == 1 and case.reference in mail.outbox[0].body
    assert (
        ProcessingLogEntry.objects.filter(
            subject=me.subject, action="share", object_type="e-mail"
        ).count()
        == 1
    )
