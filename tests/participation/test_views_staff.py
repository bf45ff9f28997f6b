"""Participation staff pages: thin views over the services and queries, a 404 for
anything unknown, a 4xx with the errors at the fields of the form that was sent
(shared field include: labels, hints, aria attributes), never a 500."""

import re
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stadhuis.cases.uploads import MAX_BYTES
from stadhuis.participation import services
from stadhuis.participation.models import (
    AbuseReport,
    Answer,
    Milestone,
    OpenAnswerStatus,
    Phase,
    VoterRollEntry,
)

from .conftest import set_phase


@pytest.fixture
def staff(client, staff_client):
    staff_client("case_handler", "administrator")
    return client


def _idea(actor, process, title="Meer bomen in de Dorpsstraat"):
    return services.idea_submit(
        actor=actor, process=process, title=title, body="Bomen geven schaduw"
    )


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def _field(html: str, name: str, ids: str) -> str:
    """The widget tag of field ``name`` in the card whose ids start with ``ids``."""
    match = re.search(rf'<(?:input|select|textarea)[^>]*id="{ids}-{name}"[^>]*>', html)
    assert match, f"no field {ids}-{name}"
    return match.group(0)


def _granted_application(make_process, me, handler):
    process = make_process("fund", title="Wijkfonds Centrum", budget=10_000)
    application = services.application_submit(
        actor=me, process=process, title="Buurtfeest", plan="Een feest op het plein", amount=800
    )
    return services.application_decide(
        actor=handler, application=application, score=8, grant=True, reason="Goed plan"
    )


# --- Unknown kinds and ids ------------------------------------------------------------------


def test_moderate_takes_ideas_and_comments_and_nothing_else(staff, make_process, me):
    idea = _idea(me, make_process())
    comment = services.comment_add(actor=me, idea=idea, body="Goed plan")

    def url(kind, public_id):
        return reverse(
            "participation:staff_moderate", kwargs={"kind": kind, "public_id": public_id}
        )

    data = {"action": "hide", "reason": "Buiten het onderwerp"}
    # An unknown kind is not "a comment": the comment stays as it was.
    assert staff.post(url("onzin", comment.public_id), data).status_code == 404
    assert staff.post(url("idee", comment.public_id), data).status_code == 404
    comment.refresh_from_db()
    assert comment.visibility == "published"
    assert staff.post(url("reactie", comment.public_id), data).status_code == 302
    comment.refresh_from_db()
    assert comment.visibility == "hidden"


def test_milestones_go_to_projects_and_initiatives_and_nothing_else(
    staff, make_process, me, handler, fund_case_types, budget
):
    application = _granted_application(make_process, me, handler)
    _process, (playground, *_rest) = budget

    def url(kind, public_id):
        return reverse(
            "participation:staff_milestone", kwargs={"kind": kind, "public_id": public_id}
        )

    data = {"title": "Tent gehuurd", "progress": "40", "note": ""}
    # An unknown kind is not "an application".
    assert staff.post(url("onzin", application.public_id), data).status_code == 404
    assert staff.post(url("project", application.public_id), data).status_code == 404
    assert not Milestone.objects.exists()
    assert staff.post(url("aanvraag", application.public_id), data).status_code == 302
    assert staff.post(url("project", playground.public_id), data).status_code == 302
    assert Milestone.objects.filter(application=application).count() == 1
    assert Milestone.objects.filter(project=playground).count() == 1


@pytest.mark.parametrize(
    "name,kwarg",
    [
        ("staff_answer", "answer_id"),
        ("staff_review", "project_id"),
        ("staff_decide", "application_id"),
        ("staff_count_publish", "count_id"),
        ("staff_project_from_idea", "idea_id"),
        ("staff_roll", "process_id"),
        ("staff_paper_ballot", "process_id"),
        ("staff_close_voting", "process_id"),
        ("staff_count", "process_id"),
        ("staff_question", "process_id"),
        ("staff_pabulib_import", "process_id"),
    ],
)
def test_an_unknown_id_is_a_404_even_with_a_bad_form(staff, name, kwarg):
    url = reverse(f"participation:{name}", kwargs={kwarg: "00000000-0000-4000-8000-000000000000"})
    assert staff.post(url, {}).status_code == 404


# --- The dashboard's forms --------------------------------------------------------------


@pytest.fixture
def queue(make_process, me, make_resident, handler, fund_case_types):
    """A work list with two reports on one idea, one on a comment, a project to review
    and an application to decide."""
    idea = _idea(me, make_process())
    comment = services.comment_add(actor=me, idea=idea, body="Goed plan")
    reporter = make_resident("123456782")
    services.abuse_report(actor=reporter, idea=idea, reason="Reclame")
    services.abuse_report(actor=make_resident("111111110"), idea=idea, reason="Spam")
    services.abuse_report(actor=reporter, comment=comment, reason="Scheldwoord")
    budget = make_process("budget", phase="review", title="Begroting")
    project = services.project_create(
        actor=handler, process=budget, title="Speeltuin", description="Een speeltuin", cost=4000
    )
    fund = make_process("fund", title="Wijkfonds", budget=10_000)
    application = services.application_submit(
        actor=me, process=fund, title="Buurtfeest", plan="Een feest", amount=800
    )
    return idea, comment, project, application


def test_the_dashboard_renders_its_forms_through_the_shared_field_include(
    staff, queue, django_assert_max_num_queries
):
    *_reported, project, application = queue
    with django_assert_max_num_queries(20):
        response = staff.get(reverse("participation:staff"))
    assert response.status_code == 200
    html = response.content.decode()
    ids = _ids(html)
    assert not [i for i, n in Counter(ids).items() if n > 1], "every id once on the page"
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', html):
        assert target in ids
    # Three reports, one project, one application: a card each, built from the forms,
    # so the widgets say what the form checks (required, bounds, lengths).
    assert html.count('name="reason"') == 5
    report = AbuseReport.objects.filter(comment__isnull=False).get()
    assert 'maxlength="1000"' in _field(html, "reason", f"melding-{report.pk}")
    cost = _field(html, "cost", f"beoordeling-{project.pk}")
    assert 'value="4000"' in cost and 'max="1000000000"' in cost and "required" in cost
    amount = _field(html, "amount", f"besluit-{application.pk}")
    assert 'value="800"' in amount and 'min="1"' in amount
    assert html.count('<fieldset class="form-fieldset"') == 2  # feasible, grant
    # The context holds what the page shows, not spare forms.
    assert not {"moderate_form", "review_form", "decide_form"} & response.context.keys()


def test_a_refused_form_comes_back_on_its_own_card_with_the_errors_at_the_fields(staff, queue):
    idea, _comment, project, application = queue
    url = reverse(
        "participation:staff_moderate", kwargs={"kind": "idee", "public_id": idea.public_id}
    )
    response = staff.post(url, {"action": "hide", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    invalid = re.findall(r'<input[^>]*aria-invalid="true"[^>]*>', html)
    # One card of the two reports on the idea shows the errors; the ids stay unique.
    assert len(invalid) == 1 and 'name="reason"' in invalid[0]
    assert "Geef een reden: de schrijver ziet die." in html
    assert not [i for i, n in Counter(_ids(html)).items() if n > 1]
    # A service's error lands on the field it names: a feasible project needs a cost.
    review = reverse("participation:staff_review", kwargs={"project_id": project.public_id})
    response = staff.post(review, {"feasible": "1", "cost": "0", "reason": "Kan"})
    assert response.status_code == 400
    html = response.content.decode()
    cost = _field(html, "cost", f"beoordeling-{project.pk}")
    assert 'aria-invalid="true"' in cost and 'value="0"' in cost
    assert f'id="beoordeling-{project.pk}-cost_error"' in html
    # Bad input on the decision form is a 400 at the field, not a 500.
    decide = reverse("participation:staff_decide", kwargs={"application_id": application.public_id})
    response = staff.post(decide, {"score": "11", "grant": "1", "reason": "Goed"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in _field(
        response.content.decode(), "score", f"besluit-{application.pk}"
    )


def test_an_open_answer_needs_a_clear_choice(staff, make_process, admin, me):
    process = make_process("consultation")
    question = services.question_add(actor=admin, process=process, kind="open", text="Waarom?")
    services.response_submit(actor=me, process=process, answers={question.pk: "Meer groen"})
    answer = Answer.objects.get()
    url = reverse("participation:staff_answer", kwargs={"answer_id": answer.public_id})
    # Anything but "1" used to reject the answer silently.
    assert staff.post(url, {}).status_code == 400
    assert staff.post(url, {"approve": "ja"}).status_code == 400
    answer.refresh_from_db()
    assert answer.open_status == OpenAnswerStatus.PENDING
    assert staff.post(url, {"approve": "0"}).status_code == 302
    answer.refresh_from_db()
    assert answer.open_status == OpenAnswerStatus.REJECTED


# --- The process page ---------------------------------------------------------------------


def test_the_process_page_renders_its_forms_through_the_shared_field_include(
    staff, budget, make_process, me, handler, fund_case_types, django_assert_max_num_queries
):
    process, projects = budget
    url = reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    with django_assert_max_num_queries(16):  # 3 of them: the session saved on first use
        html = staff.get(url).content.decode()
    assert not [i for i, n in Counter(_ids(html)).items() if n > 1]
    for project in projects:  # the note was missing from the hand-written form
        assert "maxlength" in _field(html, "note", f"voortgang-{project.pk}")
        assert 'accept="image/jpeg,image/png"' in _field(html, "photo", f"voortgang-{project.pk}")
    assert "project_form" not in staff.get(url).context
    application = _granted_application(make_process, me, handler)
    html = staff.get(
        reverse("participation:staff_process", kwargs={"process_id": application.process.public_id})
    ).content.decode()
    _field(html, "note", f"voortgang-aanvraag-{application.pk}")
    # An initiative's milestone has no photo: only a project's photo is served.
    assert f"voortgang-aanvraag-{application.pk}-photo" not in html


def test_a_refused_paper_voter_comes_back_on_the_process_page(staff, budget):
    process, _projects = budget
    url = reverse("participation:staff_roll", kwargs={"process_id": process.public_id})
    response = staff.post(url, {"voter_bsn": ""})
    assert response.status_code == 400
    assert response.templates[0].name == "participation/staff/process.html"
    assert 'aria-invalid="true"' in _field(response.content.decode(), "voter_bsn", "stemmer")
    response = staff.post(url, {"voter_bsn": "123456789"})  # fails the eleven test
    assert response.status_code == 400
    assert "Dit is geen geldig BSN." in response.content.decode()
    assert 'aria-invalid="true"' in _field(response.content.decode(), "voter_bsn", "stemmer")
    assert not VoterRollEntry.objects.exists()
    # The BSN stays out of error reports.
    assert response.wsgi_request.sensitive_post_parameters == ("voter_bsn",)


def test_a_paper_ballot_names_what_is_wrong(staff, budget):
    process, _projects = budget
    url = reverse("participation:staff_paper_ballot", kwargs={"process_id": process.public_id})
    response = staff.post(url, {"projects": []})
    assert response.status_code == 400
    assert "Kies minstens één project." in response.content.decode()


def test_a_milestone_photo_is_checked_at_its_field(staff, budget):
    _process, (playground, *_rest) = budget
    url = reverse(
        "participation:staff_milestone",
        kwargs={"kind": "project", "public_id": playground.public_id},
    )
    data = {"title": "Eerste paal", "progress": "10"}
    not_a_photo = SimpleUploadedFile("foto.png", b"%PDF-1.4 not a photo")
    response = staff.post(url, {**data, "photo": not_a_photo})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in _field(html, "photo", f"voortgang-{playground.pk}")
    too_big = SimpleUploadedFile("foto.png", b"\0" * (MAX_BYTES + 1))
    response = staff.post(url, {**data, "photo": too_big})
    assert response.status_code == 400
    assert "De foto is te groot. Hij mag hoogstens 10 MB zijn." in response.content.decode()
    assert not Milestone.objects.exists()


def test_closing_the_vote_is_the_services_rule(client, staff_client, budget):
    process, _projects = budget
    url = reverse("participation:staff_close_voting", kwargs={"process_id": process.public_id})
    staff_client("case_handler")
    assert client.post(url).status_code == 403
    staff_client("administrator", username="sluiter")
    set_phase(process, "review")
    response = client.post(url)
    assert response.status_code == 400
    assert "Het stemmen is nog niet begonnen." in response.content.decode()
    set_phase(process, "voting")
    assert client.post(url).status_code == 302
    assert services.current_phase(Phase.objects.get(kind="voting").process) != "voting"
