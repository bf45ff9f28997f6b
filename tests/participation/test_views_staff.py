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
    Ballot,
    Count,
    Milestone,
    OpenAnswerStatus,
    Phase,
    Process,
    Project,
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


def _summary_links(html: str) -> list[str]:
    """Where the error summary on top of the page sends the keyboard, in its order."""
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return re.findall(r'<a href="#([^"]+)"', match.group(0))


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format="PNG")
    return out.getvalue()


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
    with django_assert_max_num_queries(21):  # 1: is this an administrator
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
    # The two buttons repeat on every card: each names the answer it is about.
    html = staff.get(reverse("participation:staff")).content.decode()
    assert f'<p id="antwoord-{answer.pk}">“Meer groen”</p>' in html
    buttons = re.findall(r'<button[^>]*name="approve"[^>]*>', html)
    assert len(buttons) == 2
    assert all(f'aria-describedby="antwoord-{answer.pk}"' in b for b in buttons)
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
    # 3 of them: the session saved on first use; 1: is this an administrator; 1: the
    # process's history (its staff members joined)
    with django_assert_max_num_queries(18):
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
    # An initiative's milestone takes a photo too: its public page shows it.
    photo = _field(html, "photo", f"voortgang-aanvraag-{application.pk}")
    assert 'accept="image/jpeg,image/png"' in photo
    action = reverse(
        "participation:staff_milestone",
        kwargs={"kind": "aanvraag", "public_id": application.public_id},
    )
    form = re.search(rf'<form[^>]*action="{action}"[^>]*>', html).group(0)
    assert 'enctype="multipart/form-data"' in form


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


# --- The process page: paper ballots, counting, projects from ideas ------------------------


def _process_page(staff, process) -> str:
    url = reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    response = staff.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_paper_ballot_is_the_ballot_form_without_a_receipt(
    staff, budget, handler, make_resident
):
    process, projects = budget
    html = _process_page(staff, process)
    action = reverse("participation:staff_paper_ballot", kwargs={"process_id": process.public_id})
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    # The form's own field: one fieldset, its legend, a checkbox per project on the ballot.
    assert form.count("<fieldset") == 1 and "Kies projecten</legend>" in form
    boxes = re.findall(r'<input type="checkbox" name="projects"[^>]*>', form)
    assert len(boxes) == len(projects)
    assert 'id="papier-projects_0"' in boxes[0]
    assert 'for="papier-projects_0"' in form
    assert 'name="receipt"' not in form  # a paper voter has no receipt to give
    # Refused as a whole (no paper voter on the roll yet): the error is at the field,
    # the summary on top links to it, and what was ticked stays ticked.
    url = reverse("participation:staff_paper_ballot", kwargs={"process_id": process.public_id})
    response = staff.post(url, {"projects": [projects[0].code]})
    assert response.status_code == 400
    html = response.content.decode()
    assert _summary_links(html) == ["papier-projects_0"]
    assert 'id="papier-projects_error"' in html
    assert re.search(r"<fieldset[^>]*aria-describedby=\"papier-projects_error\"", html)
    assert "<title>Fout: " in html
    checked = re.findall(r'<input[^>]*name="projects"[^>]*checked[^>]*>', html)
    assert len(checked) == 1 and f'value="{projects[0].code}"' in checked[0]
    assert not Ballot.objects.exists()
    # The same ballot after the paper voter was marked off is entered, as before.
    make_resident("123456782")
    services.roll_mark_paper(actor=handler, process=process, voter_bsn="123456782")
    assert staff.post(url, {"projects": [projects[0].code]}).status_code == 302
    assert Ballot.objects.get().choices == {projects[0].code: 1}


def _points_fieldset(html: str) -> str:
    """What the fieldset around the points per project points at (aria-describedby)."""
    match = re.search(
        r'<fieldset[^>]*aria-describedby="([^"]*)"[^>]*><legend[^>]*>Gekozen projecten<', html
    )
    assert match, "no fieldset around the points"
    return match.group(1)


def test_points_per_project_on_paper_come_back_in_their_fieldset(staff, make_process, handler):
    process = make_process("budget", phase="review", ballot_type="cumulative", ballot_points=5)
    project = services.project_create(
        actor=handler, process=process, title="Speeltuin", description="Erbij", cost=10
    )
    services.project_review(actor=handler, project=project, feasible=True, reason="Kan", cost=10)
    set_phase(process, "voting")
    html = _process_page(staff, process)
    points = _field(html, f"p_{project.code}", "papier")
    assert 'max="5"' in points and 'min="0"' in points
    # The points are one question: a fieldset that says how many there are to give.
    assert _points_fieldset(html) == "papier-biljet_helptext"
    assert 'id="papier-biljet_helptext">Verdeel hoogstens 5 punten over de projecten.' in html
    url = reverse("participation:staff_paper_ballot", kwargs={"process_id": process.public_id})
    # Out of bounds: at the project's own field.
    response = staff.post(url, {f"p_{project.code}": "9"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in _field(html, f"p_{project.code}", "papier")
    assert _summary_links(html) == [f"papier-p_{project.code}"]
    # Refused as a whole: above the points, in the fieldset that names them.
    response = staff.post(url, {f"p_{project.code}": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert _points_fieldset(html) == "papier-biljet_helptext papier-biljet_error"
    assert 'id="papier-biljet_error"' in html and "Kies minstens één project." in html
    assert not Ballot.objects.exists()


def test_the_counting_rule_is_a_form_field(staff, budget):
    process, _projects = budget
    html = _process_page(staff, process)
    rule = re.search(r'<select[^>]*id="tellen-rule"[^>]*>.*?</select>', html, re.S).group(0)
    assert 'name="rule"' in rule
    assert re.search(r'<option value="greedy" selected>', rule)
    assert 'for="tellen-rule"' in html and 'id="regel"' not in html
    url = reverse("participation:staff_count", kwargs={"process_id": process.public_id})
    # A rule that does not exist is refused at the field, not by a message only.
    response = staff.post(url, {"rule": "loting"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in _field(html, "rule", "tellen")
    assert "Deze telregel bestaat niet." in html
    assert _summary_links(html) == ["tellen-rule"]
    # The service's refusal (voting still runs) comes back on the form, the choice kept.
    response = staff.post(url, {"rule": "phragmen"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tellen kan pas als het stemmen voorbij is." in html
    assert _summary_links(html) == ["tellen-rule"]
    assert re.search(r'<option value="phragmen" selected>', html)
    assert not Count.objects.exists()
    set_phase(process, "results")
    assert staff.post(url, {"rule": "phragmen"}).status_code == 302
    assert Count.objects.get().rule == "phragmen"


def test_a_project_from_an_idea_is_made_with_a_form_per_idea(staff, make_process, me):
    process = make_process("budget")
    trees = _idea(me, process)
    benches = _idea(me, process, title="Bankjes op het plein")
    html = _process_page(staff, process)
    for idea in (trees, benches):
        cost = _field(html, "cost", f"project-{idea.pk}")
        assert "required" in cost and 'min="0"' in cost
        assert f'for="project-{idea.pk}-cost"' in html
        title = _field(html, "title", f"project-{idea.pk}")
        assert f'value="{idea.title}"' in title and 'maxlength="200"' in title
    assert not [i for i, n in Counter(_ids(html)).items() if n > 1]
    url = reverse("participation:staff_project_from_idea", kwargs={"idea_id": benches.public_id})
    response = staff.post(url, {"title": benches.title, "cost": "-5"})
    assert response.status_code == 400
    html = response.content.decode()
    # The errors are on the row of the idea that was sent, not on the other one.
    assert 'aria-invalid="true"' in _field(html, "cost", f"project-{benches.pk}")
    assert 'value="-5"' in _field(html, "cost", f"project-{benches.pk}")
    assert "aria-invalid" not in _field(html, "cost", f"project-{trees.pk}")
    assert _summary_links(html) == [f"project-{benches.pk}-cost"]
    assert "De kosten kunnen niet negatief zijn." in html  # not "this value"
    assert not Project.objects.exists()
    response = staff.post(url, {"title": "Bankjes", "cost": "2500"})
    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.idea, project.title, project.cost) == (benches, "Bankjes", 2500)


def test_a_refused_form_whose_card_is_gone_says_so_on_top(staff, make_process, me):
    # Nobody reported this idea, so the dashboard has no card for it: the errors
    # become messages, and there is no summary linking to fields that are not there.
    idea = _idea(me, make_process())
    url = reverse(
        "participation:staff_moderate", kwargs={"kind": "idee", "public_id": idea.public_id}
    )
    response = staff.post(url, {"action": "hide", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="alert alert--error"' in html
    assert "Geef een reden: de schrijver ziet die." in html
    assert 'class="error-summary"' not in html


def test_the_dashboard_summary_links_to_the_refused_card(staff, queue):
    idea, *_rest = queue
    url = reverse(
        "participation:staff_moderate", kwargs={"kind": "idee", "public_id": idea.public_id}
    )
    response = staff.post(url, {"action": "hide", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    (link,) = _summary_links(html)
    assert 'aria-invalid="true"' in re.search(rf'<input[^>]*id="{link}"[^>]*>', html).group(0)
    assert "<title>Fout: " in html
    # The error is at the field and in the summary, not a third time as a message.
    assert html.count("Geef een reden: de schrijver ziet die.") == 2


# --- Photos of an initiative's progress -----------------------------------------------------


def test_an_initiatives_milestone_photo_is_shown_on_its_public_page(
    staff, client, make_process, me, handler, fund_case_types
):
    application = _granted_application(make_process, me, handler)
    url = reverse(
        "participation:staff_milestone",
        kwargs={"kind": "aanvraag", "public_id": application.public_id},
    )
    photo = SimpleUploadedFile("tent.png", _png(), content_type="image/png")
    response = staff.post(url, {"title": "Tent gehuurd", "progress": "40", "photo": photo})
    assert response.status_code == 302
    milestone = Milestone.objects.get(application=application)
    assert milestone.photo
    client.logout()  # a resident following the initiative, not logged in
    page = client.get(
        reverse("participation:application", kwargs={"application_id": application.public_id})
    )
    src = reverse(
        "participation:application_milestone_photo",
        kwargs={"application_id": application.public_id, "milestone_id": milestone.public_id},
    )
    assert f'<img src="{src}" alt="Foto: Tent gehuurd"' in page.content.decode()
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_an_initiatives_photo_address_serves_nothing_else(
    client, make_process, me, handler, admin, fund_case_types
):
    from stadhuis.cases.services import Upload

    application = _granted_application(make_process, me, handler)
    with_photo = services.milestone_add(
        actor=handler,
        application=application,
        title="Tent gehuurd",
        progress=40,
        photo=Upload(_png(), "tent.png"),
    )
    without = services.milestone_add(
        actor=handler, application=application, title="Geld binnen", progress=50
    )
    other = services.application_submit(
        actor=me, process=application.process, title="Moestuin", plan="Een tuin", amount=300
    )

    def url(application_id, milestone_id):
        return reverse(
            "participation:application_milestone_photo",
            kwargs={"application_id": application_id, "milestone_id": milestone_id},
        )

    assert client.get(url(application.public_id, with_photo.public_id)).status_code == 200
    assert client.get(url(application.public_id, without.public_id)).status_code == 404
    # Another application's address, an unknown one, or one not granted: nothing.
    assert client.get(url(other.public_id, with_photo.public_id)).status_code == 404
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(url(unknown, with_photo.public_id)).status_code == 404
    Milestone.objects.filter(pk=with_photo.pk).update(application=other)
    assert client.get(url(other.public_id, with_photo.public_id)).status_code == 404
    # An unpublished process shows nothing either.
    application.process.__class__.objects.filter(pk=application.process.pk).update(
        is_published=False
    )
    Milestone.objects.filter(pk=with_photo.pk).update(application=application)
    assert client.get(url(application.public_id, with_photo.public_id)).status_code == 404


def test_closing_the_vote_asks_first_on_a_page_of_its_own(client, staff_client, budget):
    process, _projects = budget
    url = reverse("participation:staff_close_voting", kwargs={"process_id": process.public_id})
    staff_client("case_handler")
    assert client.get(url).status_code == 403
    staff_client("administrator", username="sluiter")
    page = reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    assert f'href="{url}"' in client.get(page).content.decode()  # a link, not the POST
    asked = client.get(url)
    html = asked.content.decode()
    assert asked.status_code == 200 and "Dit kunt u niet terugdraaien." in html
    assert 'method="post"' in html and "Ja, sluit het stemmen nu" in html
    assert services.current_phase(process) == "voting"  # asking closes nothing
    set_phase(process, "review")
    assert "Er wordt nu niet gestemd" in client.get(url).content.decode()


def test_a_process_without_ideas_says_so(client, staff_client, make_process):
    process = make_process("budget", phase="ideas", title="Nog leeg")
    staff_client("administrator", username="leeg")
    url = reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    html = client.get(url).content.decode()
    assert (
        "Er zijn nog geen ideeën in dit proces." in html
        and "<table" not in html.split('id="ideeen-title"')[1].split("</section>")[0]
    )


def test_a_case_handler_is_not_offered_the_administrators_forms(
    client, staff_client, budget, make_process
):
    """Questions, Pabulib import, closing the vote and counting are the administrator's:
    a case handler (moderator) does not see forms that would only answer 403."""
    process, _projects = budget
    consultation = make_process("consultation", title="Het park")
    admin_only = ["stemmen-sluiten", "/tellen", "Vraag toevoegen"]
    staff_client("case_handler", username="mod")
    dashboard = client.get(reverse("participation:staff")).content.decode()
    assert reverse("participation:staff_process_new") not in dashboard
    for target in (process, consultation):
        url = reverse("participation:staff_process", kwargs={"process_id": target.public_id})
        html = client.get(url).content.decode()
        assert not [text for text in admin_only if text in html]
    client.logout()
    staff_client("administrator", username="baas")
    html = client.get(
        reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    ).content.decode()
    assert "stemmen-sluiten" in html and "/tellen" in html
    dashboard = client.get(reverse("participation:staff")).content.decode()
    assert reverse("participation:staff_process_new") in dashboard


def test_staff_choose_partial_funding_for_a_budget_counted_by_votes(staff, city):
    """The setting is the process form's; the service refuses it with a rule that does
    not read it (Equal Shares), at its field, and stores nothing."""
    url = reverse("participation:staff_process_new")
    page = staff.get(url).content.decode()
    box = re.search(r'<input[^>]*name="leftover_partial"[^>]*>', page).group(0)
    assert 'aria-describedby="id_leftover_partial_helptext"' in box
    assert "de rest van de kosten betaalt de gemeente uit ander geld" in page
    data = {
        "kind": "budget",
        "title": "Buurtbudget Oost",
        "question": "Waar geven we het geld aan uit?",
        "scope": "city",
        "min_age": "16",
        "budget": "100000",
        "ballot_type": "approval",
        "ballot_min": "0",
        "ballot_max": "0",
        "ballot_points": "0",
        "counting_rule": "mes-add1",
        "leftover_partial": "on",
        "voting_start": "2026-03-01",
        "voting_end": "2026-03-31",
    }
    response = staff.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert _summary_links(html) == ["id_leftover_partial"]
    assert 'id="id_leftover_partial_error"' in html
    assert "kan alleen met de telregel &#x27;Meeste stemmen&#x27;" in html
    assert not Process.objects.exists()
    response = staff.post(url, {**data, "counting_rule": "greedy"})
    assert response.status_code == 302
    assert Process.objects.get().leftover_partial
    # Unticked, as before: no partial funding.
    staff.post(url, {**data, "title": "Zonder", "counting_rule": "greedy", "leftover_partial": ""})
    assert not Process.objects.get(title="Zonder").leftover_partial


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [("2026-03-01", "9999-12-31", "ideas_end"), ("0001-01-01", "2026-03-31", "ideas_start")],
)
def test_a_phase_day_at_the_edge_of_the_calendar_is_a_400_at_its_field(
    staff, city, first, last, field
):
    """9999-12-31 has no midnight after it and 0001-01-01 in Amsterdam none in UTC: both
    were a 500. Now the day's field says which days can be chosen."""
    data = {
        "kind": "crowdsourcing",
        "title": "Groen",
        "question": "Waar wilt u meer groen?",
        "scope": "city",
        "min_age": "0",
        "budget": "0",
        "ballot_min": "0",
        "ballot_max": "0",
        "ballot_points": "0",
        "ideas_start": first,
        "ideas_end": last,
    }
    response = staff.post(reverse("participation:staff_process_new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert _summary_links(html) == [f"id_{field}"]
    assert "Kies een dag tussen 1 januari 1900 en 31 december 2999." in html
    assert not Process.objects.exists()
