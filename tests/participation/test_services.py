"""Participation services: eligibility from identity, phases, ideas, moderation,
consultations, ballots and funds, each with its processing-log entry."""

import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from stadhuis.accounts.services import resident_actor
from stadhuis.cases.models import Case
from stadhuis.cases.services import Upload
from stadhuis.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from stadhuis.participation import activities, eligibility, queries, services
from stadhuis.participation.models import (
    AbuseReport,
    Ballot,
    Idea,
    OpenAnswerStatus,
    Support,
    Visibility,
    VoterRollEntry,
)
from stadhuis.privacy.models import ProcessingLogEntry

from .conftest import brp, set_phase


def logged(activity: str, subject: str) -> int:
    return ProcessingLogEntry.objects.filter(
        activity_version__activity__code=activity, subject=subject
    ).count()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (20, 20), "green")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 9.0, 30.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _idea(actor, process, title="Meer bomen in de Dorpsstraat", body="Plant bomen langs de straat"):
    return services.idea_submit(actor=actor, process=process, title=title, body=body)


# --- Eligibility ---------------------------------------------------------------------------


@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)),
    day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_age_is_completed_years(born, day):
    """age_on counts a year only once its birthday (29 Feb: on 1 March) has passed."""
    years = day.year - born.year
    birthday_passed = (day.month, day.day) >= (born.month, born.day)
    assert eligibility.age_on(born, day) == (years if birthday_passed else years - 1)


def test_minimum_age_comes_from_the_identity(make_process, resident, city):
    process = make_process(min_age=16)
    today = dt.date(2026, 6, 1)
    brp(resident, born=dt.date(2010, 6, 2))
    assert not eligibility.check(process, resident, today=today).allowed
    brp(resident, born=dt.date(2010, 6, 1))
    assert eligibility.check(process, resident, today=today).allowed


def test_unknown_birth_date_fails_closed(make_process, resident, city):
    process = make_process(min_age=12)
    brp(resident, born=None)
    result = eligibility.check(process, resident)
    assert not result.allowed and "leeftijd" in result.reason


def test_living_in_the_area_comes_from_the_postcode(make_process, resident, city):
    process = make_process(scope="neighbourhoods", neighbourhood_codes=["oost"])
    brp(resident, postcode="1011AB")
    result = eligibility.check(process, resident)
    assert not result.allowed and "Centrum" in result.reason
    brp(resident, postcode="1013 CD")
    assert eligibility.check(process, resident).allowed
    brp(resident, postcode="9999ZZ")  # outside the city
    assert not eligibility.check(make_process(), resident).allowed


def test_a_refused_resident_cannot_submit(make_process, me, resident):
    process = make_process(scope="neighbourhoods", neighbourhood_codes=["oost"])
    with pytest.raises(NotAllowed):
        _idea(me, process)
    assert not Idea.objects.exists()


# --- Ideas -------------------------------------------------------------------------------


def test_idea_is_logged_and_gets_the_neighbourhood(make_process, me):
    idea = _idea(me, make_process())
    assert idea.neighbourhood.code == "centrum"
    assert idea.author == me.subject
    assert logged(activities.IDEAS, me.subject) == 1


def test_ideas_only_in_the_ideas_phase(make_process, me):
    with pytest.raises(InvalidInput):
        _idea(me, make_process(phase="voting"))


def test_idea_photo_loses_its_location_and_a_pdf_is_refused(make_process, me):
    process = make_process()
    idea = services.idea_submit(
        actor=me,
        process=process,
        title="Bankje",
        body="Een bankje bij de vijver",
        image=Upload(_jpeg_with_gps(), "foto.jpg"),
    )
    with Image.open(idea.image.open("rb")) as image:
        assert 0x8825 not in image.getexif()
    with pytest.raises(InvalidInput):
        services.idea_submit(
            actor=me, process=process, title="x", body="y", image=Upload(b"%PDF-1.4 x", "a.pdf")
        )


def test_one_support_per_resident(make_process, me, make_resident):
    other = make_resident("123456782")
    idea = _idea(other, make_process())
    services.idea_support(actor=me, idea=idea)
    with pytest.raises(InvalidInput):
        services.idea_support(actor=me, idea=idea)
    idea.refresh_from_db()
    assert idea.supports == 1 and Support.objects.count() == 1
    services.idea_unsupport(actor=me, idea=idea)
    idea.refresh_from_db()
    assert idea.supports == 0


def test_comment_threads(make_process, me, make_resident):
    process = make_process()
    idea = _idea(me, process)
    other_idea = _idea(me, process, title="Ander idee")
    other = make_resident("123456782")
    first = services.comment_add(actor=other, idea=idea, body="Goed plan")
    reply = services.comment_add(actor=me, idea=idea, body="Dank je", parent=first)
    assert reply.parent == first
    with pytest.raises(InvalidInput):
        services.comment_add(actor=me, idea=other_idea, body="x", parent=first)
    found = queries.public_idea(idea.public_id)
    assert [(c.body, [r.body for r in replies]) for c, replies in queries.threads(found)] == [
        ("Goed plan", ["Dank je"])
    ]


def test_similar_ideas(make_process, me):
    process = make_process()
    _idea(me, process, title="Meer bomen in de Dorpsstraat", body="Bomen geven schaduw")
    _idea(me, process, title="Skatebaan", body="Een skatebaan voor de jeugd in het park")
    similar = queries.similar_ideas(process, "Bomen planten in de Dorpsstraat")
    assert [i.title for i in similar] == ["Meer bomen in de Dorpsstraat"]
    assert queries.similar_ideas(process, "de het een") == []


# --- Moderation ------------------------------------------------------------------------------


def test_moderation_hides_with_a_reason_for_the_author(make_process, me, make_resident, handler):
    idea = _idea(me, make_process())
    reporter = make_resident("123456782")
    services.abuse_report(actor=reporter, idea=idea, reason="Reclame")
    services.idea_moderate(actor=handler, idea=idea, action="hide", reason="Dit is reclame.")
    idea.refresh_from_db()
    assert idea.visibility == Visibility.HIDDEN
    assert queries.public_idea(idea.public_id) is None
    mine = list(queries.my_ideas(me.subject))
    assert mine[0].moderation_reason == "Dit is reclame."
    assert AbuseReport.objects.get().handled_at is not None
    assert logged(activities.MODERATION, me.subject) == 1
    assert logged(activities.MODERATION, reporter.subject) == 2  # the report and its handling
    services.idea_moderate(actor=handler, idea=idea, action="restore", reason="Toch goed.")
    assert queries.public_idea(idea.public_id) is not None


def test_residents_cannot_moderate_and_a_reason_is_required(make_process, me, handler):
    idea = _idea(me, make_process())
    with pytest.raises(NotAllowed):
        services.idea_moderate(actor=me, idea=idea, action="hide", reason="x")
    with pytest.raises(InvalidInput):
        services.idea_moderate(actor=handler, idea=idea, action="reject", reason="  ")


# --- Consultations ------------------------------------------------------------------------


@pytest.fixture
def consultation(make_process, admin):
    process = make_process("consultation", title="Het nieuwe park")
    add = services.question_add
    q = {
        "single": add(
            actor=admin, process=process, kind="single", text="Hoe vaak?", choices=["Vaak", "Nooit"]
        ),
        "multiple": add(
            actor=admin,
            process=process,
            kind="multiple",
            text="Wat?",
            choices=["Bankjes", "Bomen", "Water"],
        ),
        "ranking": add(
            actor=admin, process=process, kind="ranking", text="Volgorde?", choices=["A", "B", "C"]
        ),
        "scale": add(
            actor=admin, process=process, kind="scale", text="Hoe blij?", scale_min=1, scale_max=5
        ),
        "open": add(actor=admin, process=process, kind="open", text="Nog iets?", required=False),
    }
    return process, q


def _answers(q, **overrides):
    answers = {
        q["single"].pk: "Vaak",
        q["multiple"].pk: ["Bankjes", "Water"],
        q["ranking"].pk: ["B", "A", "C"],
        q["scale"].pk: 4,
        q["open"].pk: "Meer schaduw graag",
    }
    answers.update({q[k].pk: v for k, v in overrides.items()})
    return answers


def test_one_response_that_can_be_changed(consultation, me):
    process, q = consultation
    first = services.response_submit(actor=me, process=process, answers=_answers(q))
    second = services.response_submit(
        actor=me, process=process, answers=_answers(q, single="Nooit")
    )
    assert first.pk == second.pk
    results = {r.question.kind: r for r in queries.consultation_results(process)}
    assert results["single"].counts == [("Vaak", 0), ("Nooit", 1)]
    assert results["ranking"].counts[0] == ("B", 3)
    assert results["scale"].average == 4.0
    assert logged(activities.CONSULTATION, me.subject) == 2


def test_answers_are_checked(consultation, me):
    process, q = consultation
    with pytest.raises(InvalidInput):
        services.response_submit(
            actor=me, process=process, answers=_answers(q, ranking=["A", "A", "B"])
        )
    with pytest.raises(InvalidInput):
        services.response_submit(actor=me, process=process, answers=_answers(q, scale=9))
    with pytest.raises(InvalidInput):
        services.response_submit(actor=me, process=process, answers=_answers(q, single="Soms"))


def test_open_answers_only_after_moderation(consultation, me, handler):
    process, q = consultation
    response = services.response_submit(actor=me, process=process, answers=_answers(q))
    results = {r.question.kind: r for r in queries.consultation_results(process)}
    assert results["open"].open_answers == []
    answer = response.answers.get(question=q["open"])
    assert answer.open_status == OpenAnswerStatus.PENDING
    services.answer_moderate(actor=handler, answer=answer, approve=True)
    results = {r.question.kind: r for r in queries.consultation_results(process)}
    assert results["open"].open_answers == ["Meer schaduw graag"]


def test_closed_consultation_refuses_answers(consultation, me):
    process, q = consultation
    set_phase(process, "results")
    with pytest.raises(InvalidInput):
        services.response_submit(actor=me, process=process, answers=_answers(q))


# --- Budget ------------------------------------------------------------------------------


def test_vote_and_change_with_the_receipt(budget, me):
    process, (playground, trees, _benches) = budget
    receipt = services.ballot_cast(actor=me, process=process, choices={playground.code: 1})
    assert queries.receipt_counted(process, receipt)
    assert queries.receipt_counted(process, receipt.lower().replace("-", " "))
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=me, process=process, choices={trees.code: 1})
    with pytest.raises(InvalidInput):
        services.ballot_cast(
            actor=me,
            process=process,
            choices={trees.code: 1},
            previous_receipt=services.new_receipt(),
        )
    new = services.ballot_cast(
        actor=me, process=process, choices={trees.code: 1}, previous_receipt=receipt
    )
    assert not queries.receipt_counted(process, receipt)
    assert queries.receipt_counted(process, new)
    assert list(Ballot.objects.values_list("choices", flat=True)) == [{trees.code: 1}]
    assert VoterRollEntry.objects.get().receipt_hint == new[:4]


def test_ballot_rules(make_process, handler, me):
    def process_with(**kwargs):
        process = make_process("budget", phase="review", budget=100, **kwargs)
        codes = []
        for title, cost in [("A", 60), ("B", 50), ("C", 10)]:
            project = services.project_create(
                actor=handler, process=process, title=title, description=title, cost=cost
            )
            services.project_review(
                actor=handler, project=project, feasible=True, reason="ok", cost=cost
            )
            codes.append(project.code)
        set_phase(process, "voting")
        return process, codes

    process, (a, b, c) = process_with(ballot_type="knapsack")
    with pytest.raises(InvalidInput, match="budget"):
        services.ballot_cast(actor=me, process=process, choices={a: 1, b: 1})
    services.ballot_cast(actor=me, process=process, choices={a: 1, c: 1})

    process, (a, b, c) = process_with(ballot_type="approval", ballot_min=2, ballot_max=2)
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=me, process=process, choices={a: 1})
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=me, process=process, choices={a: 1, b: 1, c: 1})

    process, (a, b, c) = process_with(ballot_type="cumulative", ballot_points=10)
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=me, process=process, choices={a: 6, b: 6})
    services.ballot_cast(actor=me, process=process, choices={a: 6, b: 4})

    process, (a, b, c) = process_with(ballot_type="choose_one")
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=me, process=process, choices={a: 1, b: 1})
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=me, process=process, choices={"PNOPE": 1})


def test_unfeasible_projects_are_not_on_the_ballot(budget, handler, me):
    process, _projects = budget
    set_phase(process, "review")
    project = services.project_create(
        actor=handler, process=process, title="Tunnel", description="Te duur", cost=10
    )
    services.project_review(
        actor=handler, project=project, feasible=False, reason="Te duur", cost=10**9
    )
    set_phase(process, "voting")
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=me, process=process, choices={project.code: 1})


def test_voting_only_while_voting_runs(budget, me):
    process, (playground, *_rest) = budget
    set_phase(process, "results")
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=me, process=process, choices={playground.code: 1})


def test_paper_ballots(budget, handler, make_resident):
    process, (playground, *_rest) = budget
    voter = make_resident("123456782")
    with pytest.raises(InvalidInput):  # no paper voter marked yet
        services.ballot_enter_paper(actor=handler, process=process, choices={playground.code: 1})
    services.roll_mark_paper(actor=handler, process=process, voter_bsn="123456782")
    with pytest.raises(InvalidInput):  # once
        services.roll_mark_paper(actor=handler, process=process, voter_bsn="123456782")
    receipt = services.ballot_enter_paper(
        actor=handler, process=process, choices={playground.code: 1}
    )
    ballot = Ballot.objects.get()
    assert ballot.paper and ballot.entered_by_id == handler.user_id
    assert queries.receipt_counted(process, receipt)
    with pytest.raises(InvalidInput):  # a paper voter cannot vote online too
        services.ballot_cast(actor=voter, process=process, choices={playground.code: 1})


# --- Funds and right to challenge --------------------------------------------------------


def test_fund_application_is_a_case_and_neighbours_sign(
    make_process, me, make_resident, handler, fund_case_types
):
    process = make_process("fund", title="Wijkfonds Centrum", budget=10_000)
    application = services.application_submit(
        actor=me, process=process, title="Buurtfeest", plan="Een feest op het plein", amount=800
    )
    case = Case.objects.get(reference=application.case_reference)
    assert case.subject == me.subject and case.case_type.code == "wijkfonds-aanvraag"
    with pytest.raises(InvalidInput):
        services.application_sign(actor=me, application=application)
    neighbour = make_resident("123456782")
    services.application_sign(actor=neighbour, application=application)
    with pytest.raises(InvalidInput):
        services.application_sign(actor=neighbour, application=application)
    decided = services.application_decide(
        actor=handler, application=application, score=8, grant=True, reason="Goed plan", amount=700
    )
    assert decided.granted_amount == 700
    case.refresh_from_db()
    assert not case.is_open and case.result.code == "toegekend"
    with pytest.raises(InvalidInput):
        services.application_decide(
            actor=handler, application=decided, score=8, grant=True, reason="Nog eens"
        )
    reported = services.application_report(
        actor=me, application=decided, report="Tent en muziek", spent=690
    )
    assert reported.spent_amount == 690
    with pytest.raises(NotFound):
        services.application_report(actor=neighbour, application=decided, report="x", spent=1)


def test_challenge_needs_task_and_comparison(make_process, me, fund_case_types):
    process = make_process("challenge", title="Right to challenge", criteria="Kosten en kwaliteit")
    with pytest.raises(InvalidInput):
        services.application_submit(actor=me, process=process, title="Groen", plan="Wij", amount=5)
    application = services.application_submit(
        actor=me,
        process=process,
        title="Groenonderhoud",
        plan="Wij maaien het park",
        amount=5000,
        task="Maaien van het park",
        comparison="Gemeente: 8000 euro; wij: 5000",
    )
    assert (
        Case.objects.get(reference=application.case_reference).case_type.code
        == "right-to-challenge"
    )


def test_application_without_its_case_type_writes_nothing(make_process, me):
    process = make_process("fund", budget=1000)
    with pytest.raises(NotFound):
        services.application_submit(actor=me, process=process, title="x", plan="y", amount=5)
    assert not process.applications.exists()


def test_conflict_is_a_stadhuis_error():
    assert issubclass(Conflict, InvalidInput.__mro__[1])
    assert resident_actor  # imported for fixtures' use


def test_only_the_department_decides_and_a_withdrawn_application_stays_open(
    make_process, me, make_staff, handler, fund_case_types
):
    from stadhuis.accounts.services import staff_actor
    from stadhuis.cases.services import case_withdraw

    process = make_process("fund", budget=10_000)
    application = services.application_submit(
        actor=me, process=process, title="Bankjes", plan="Drie bankjes", amount=900
    )
    elsewhere = staff_actor(make_staff("case_handler", username="ander", unit="Stadsbeheer"))
    with pytest.raises(NotAllowed):
        services.application_decide(
            actor=elsewhere, application=application, score=5, grant=False, reason="Nee"
        )
    application.refresh_from_db()
    assert application.decision == "pending"
    case = Case.objects.get(reference=application.case_reference)
    case_withdraw(actor=me, case=case, expected_version=case.version)
    with pytest.raises(InvalidInput):
        services.application_decide(
            actor=handler, application=application, score=5, grant=False, reason="Nee"
        )


def test_a_refused_paper_voter_is_logged_and_staff_learn_no_reason(budget, handler, make_resident):
    """The eligibility check reads postcode and age: logged, also when refused."""
    from stadhuis.core.errors import NotAllowed
    from stadhuis.privacy.models import ProcessingLogEntry

    process, _projects = budget
    outsider = make_resident("123456782", postcode="9999ZZ")  # lives outside the city
    with pytest.raises(NotAllowed) as refused:
        services.roll_mark_paper(actor=handler, process=process, voter_bsn="123456782")
    assert str(refused.value.message) == "Deze inwoner mag niet meedoen aan dit proces."
    entry = ProcessingLogEntry.objects.get(subject=outsider.subject, object_type="stemregister")
    assert entry.outcome == "denied" and entry.action == "read"


def test_opening_the_moderators_work_list_is_logged_for_who_is_on_it(
    make_process, me, make_resident, handler
):
    from stadhuis.privacy.models import ProcessingLogEntry

    idea = _idea(me, make_process())
    reporter = make_resident("123456782")
    services.abuse_report(actor=reporter, idea=idea, reason="Reclame")
    services.staff_queue_open(
        actor=handler, reports=list(queries.open_reports()), answers=[], applications=[]
    )
    entry = ProcessingLogEntry.objects.get(subject=reporter.subject, object_id="werklijst")
    assert entry.action == "read" and entry.actor_kind == "staff" and entry.audit_id
    # the reported idea is on the list too: its author sees that it was read
    authored = ProcessingLogEntry.objects.get(subject=me.subject, object_id="werklijst")
    assert authored.object_type == "melding" and authored.activity_version.activity.code == (
        activities.MODERATION
    )
    from stadhuis.dossier.queries import log_rows

    (row,) = log_rows(me.subject, [authored])
    assert row.concerns == "Werklijst van de medewerkers Meedoen: een melding van misbruik"


def test_an_open_answer_is_moderated_by_its_random_id(consultation, me, client, staff_client):
    """No database id in the URL (DESIGN: public identifiers are random)."""
    from django.urls import reverse

    process, q = consultation
    response = services.response_submit(actor=me, process=process, answers=_answers(q))
    answer = response.answers.get(question=q["open"])
    staff_client("case_handler", "administrator")
    page = client.get(reverse("participation:staff")).content.decode()
    url = reverse("participation:staff_answer", kwargs={"answer_id": answer.public_id})
    assert url in page
    assert client.post(url, {"approve": "1"}).status_code == 302
    answer.refresh_from_db()
    assert answer.open_status != OpenAnswerStatus.PENDING
    assert client.post(f"/medewerkers/meedoen/antwoorden/{answer.pk}").status_code == 404


# --- Staff: closing the vote, progress of initiatives --------------------------------------


def test_closing_the_vote_ends_the_voting_phase_now(budget, admin, handler, make_process):
    import datetime as dt

    from django.utils import timezone

    process, _projects = budget
    with pytest.raises(NotAllowed):
        services.voting_close(actor=handler, process=process)
    now = timezone.now()
    phase = services.voting_close(actor=admin, process=process, now=now)
    assert phase.ends_at == now and services.current_phase(process) != "voting"
    # Closing again keeps the earlier end.
    later = services.voting_close(actor=admin, process=process, now=now + dt.timedelta(hours=1))
    assert later.ends_at == now
    set_phase(process, "review")
    with pytest.raises(InvalidInput, match="nog niet begonnen"):
        services.voting_close(actor=admin, process=process)
    without = make_process("budget", phase="ideas", title="Zonder stemfase")
    without.phases.filter(kind="voting").delete()
    with pytest.raises(InvalidInput, match="geen stemfase"):
        services.voting_close(actor=admin, process=without)


def test_progress_on_an_initiative_is_logged_for_its_applicant(
    make_process, me, handler, fund_case_types, budget
):
    process = make_process("fund", title="Wijkfonds Centrum", budget=10_000)
    application = services.application_submit(
        actor=me, process=process, title="Buurtfeest", plan="Een feest op het plein", amount=800
    )
    application = services.application_decide(
        actor=handler, application=application, score=8, grant=True, reason="Goed plan"
    )
    before = logged(activities.FUNDS, me.subject)
    services.milestone_add(
        actor=handler, title="Tent gehuurd", progress=40, application=application
    )
    assert logged(activities.FUNDS, me.subject) == before + 1
    entry = ProcessingLogEntry.objects.filter(subject=me.subject).latest("id")
    assert entry.action == "update" and entry.object_id == str(application.public_id)
    # A project's progress is the city's, about nobody.
    _budget, (playground, *_rest) = budget
    count = ProcessingLogEntry.objects.count()
    services.milestone_add(actor=handler, title="Eerste paal", progress=10, project=playground)
    assert ProcessingLogEntry.objects.count() == count


def test_progress_only_for_a_granted_initiative_or_a_feasible_project(
    make_process, me, handler, fund_case_types, budget
):
    process = make_process("fund", title="Wijkfonds Centrum", budget=10_000)
    application = services.application_submit(
        actor=me, process=process, title="Buurtfeest", plan="Een feest op het plein", amount=800
    )
    with pytest.raises(InvalidInput, match="toegekend initiatief"):
        services.milestone_add(actor=handler, title="Tent", progress=10, application=application)
    refused = services.application_decide(
        actor=handler, application=application, score=2, grant=False, reason="Te duur"
    )
    with pytest.raises(InvalidInput, match="toegekend initiatief"):
        services.milestone_add(actor=handler, title="Tent", progress=10, application=refused)
    _budget, (playground, *_rest) = budget
    playground.feasibility = "not_feasible"
    with pytest.raises(InvalidInput, match="uitvoerbaar project"):
        services.milestone_add(actor=handler, title="Paal", progress=10, project=playground)
    assert not playground.milestones.exists() and not application.milestones.exists()


def test_a_required_open_question_is_not_answered_by_spaces(consultation, me, admin):
    process, q = consultation
    required = services.question_add(actor=admin, process=process, kind="open", text="Waarom?")
    answers = _answers(q) | {required.pk: "   "}
    with pytest.raises(InvalidInput, match="Beantwoord deze vraag: Waarom"):
        services.response_submit(actor=me, process=process, answers=answers)
    answers[required.pk] = "  Voor de kinderen  "
    response = services.response_submit(actor=me, process=process, answers=answers)
    assert response.answers.get(question=required).value == "Voor de kinderen"
