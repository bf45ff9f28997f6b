"""Participation pages: server-rendered, without JavaScript, 4xx with a clear message on
bad input, and a fixed number of queries per page."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stadhuis.accounts.models import Resident
from stadhuis.participation import forms, services
from stadhuis.participation.models import Ballot, Idea, Process, VoterRollEntry

from .conftest import published_count, set_phase


def _summary(response) -> list[str]:
    html = response.content.decode()
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return re.findall(r"<li><a [^>]*>(.*?)</a></li>", block.group(0), re.S) if block else []


def _idea(actor, process, title="Meer bomen in de Dorpsstraat"):
    return services.idea_submit(
        actor=actor, process=process, title=title, body="Bomen geven schaduw"
    )


def test_index_and_process_pages(client, make_process, me, django_assert_num_queries):
    process = make_process()
    for n in range(3):
        _idea(me, process, title=f"Idee {n}")
    with django_assert_num_queries(2):
        response = client.get(reverse("participation:index"))
    assert response.status_code == 200 and "Een groener centrum" in response.content.decode()
    url = reverse("participation:process", kwargs={"process_id": process.public_id})
    # the shared answer's version, process + phases + its neighbourhoods, the city's for
    # the filter (city-wide), ideas
    with django_assert_num_queries(6):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "Idee 2" in html and "Om mee te doen logt u in" in html
    assert client.get(url + "?sort=steun&zoek=Idee").status_code == 200


def test_unknown_or_unpublished_process_is_404(client, make_process):
    process = make_process(publish=False)
    assert (
        client.get(
            reverse("participation:process", kwargs={"process_id": process.public_id})
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("method", "name", "kwarg"),
    [
        ("get", "idea", "idea_id"),
        ("get", "idea_image", "idea_id"),
        ("post", "idea_support", "idea_id"),
        ("post", "idea_unsupport", "idea_id"),
        ("post", "idea_comment", "idea_id"),
        ("post", "idea_report", "idea_id"),
        ("get", "project", "project_id"),
        ("get", "application", "application_id"),
        ("post", "application_sign", "application_id"),
        ("post", "application_report", "application_id"),
        ("get", "ballot", "process_id"),
        ("post", "receipt", "process_id"),
        ("get", "results", "process_id"),
        ("get", "results_csv", "process_id"),
        ("get", "pabulib", "process_id"),
        ("get", "application_new", "process_id"),
    ],
)
def test_an_unknown_id_is_a_404(resident_client, method, name, kwarg):
    url = reverse(f"participation:{name}", kwargs={kwarg: uuid.uuid4()})
    assert getattr(resident_client, method)(url, {}).status_code == 404


def test_writing_an_idea_shows_similar_ideas_first(resident_client, make_process, me):
    process = make_process()
    _idea(me, process)
    url = reverse("participation:idea_new", kwargs={"process_id": process.public_id})
    assert resident_client.get(url).status_code == 200
    data = {"title": "Bomen in de Dorpsstraat", "body": "Graag meer bomen"}
    response = resident_client.post(url, {**data, "step": "check"})
    html = response.content.decode()
    assert response.status_code == 200 and "Lijkt uw idee op een van deze?" in html
    assert "Meer bomen in de Dorpsstraat" in html
    assert Idea.objects.count() == 1
    response = resident_client.post(url, {**data, "step": "send"})
    assert response.status_code == 302
    assert Idea.objects.count() == 2


def test_bad_idea_is_a_400_with_an_error_summary(resident_client, make_process, me):
    process = make_process()
    url = reverse("participation:idea_new", kwargs={"process_id": process.public_id})
    response = resident_client.post(url, {"title": "", "body": "", "step": "send"})
    assert response.status_code == 400
    assert "Geef uw idee een korte titel." in _summary(response)


def test_ineligible_resident_gets_a_403_with_the_reason(resident_client, make_process, me):
    process = make_process(scope="neighbourhoods", neighbourhood_codes=["oost"])
    url = reverse("participation:idea_new", kwargs={"process_id": process.public_id})
    response = resident_client.post(url, {"title": "x", "body": "y", "step": "send"})
    assert response.status_code == 400
    assert any("alleen voor bewoners" in text for text in _summary(response))


def test_idea_page_support_comment_report(
    resident_client, make_process, me, make_resident, django_assert_num_queries
):
    other = make_resident("123456782")
    idea = _idea(other, make_process())
    services.comment_add(actor=other, idea=idea, body="Eerste reactie")
    url = reverse("participation:idea", kwargs={"idea_id": idea.public_id})
    # session, user with resident, idea+process, phases, comments, support; logging that
    # read of whether I support it (3)
    with django_assert_num_queries(12):
        assert resident_client.get(url).status_code == 200
    assert (
        resident_client.post(
            reverse("participation:idea_support", kwargs={"idea_id": idea.public_id})
        ).status_code
        == 302
    )
    again = resident_client.post(
        reverse("participation:idea_support", kwargs={"idea_id": idea.public_id})
    )
    assert again.status_code == 400 and "U steunt dit idee al." in again.content.decode()
    comment = idea.comments.get()
    response = resident_client.post(
        reverse("participation:idea_comment", kwargs={"idea_id": idea.public_id}),
        {"comment-body": "Eens!", "comment-parent": str(comment.public_id)},
    )
    assert response.status_code == 302 and comment.replies.get().body == "Eens!"
    response = resident_client.post(
        reverse("participation:idea_report", kwargs={"idea_id": idea.public_id}),
        {"report-reason": ""},
    )
    assert response.status_code == 400


def test_voting_flow_shows_the_receipt_once_and_never_stores_it(
    resident_client, client, budget, me
):
    from django.contrib.sessions.models import Session

    process, (playground, trees, _benches) = budget
    url = reverse("participation:ballot", kwargs={"process_id": process.public_id})
    assert resident_client.get(url).status_code == 200
    voted = resident_client.post(url, {"projects": [playground.code]})
    assert voted.status_code == 200 and "no-store" in voted["Cache-Control"]
    receipt = re.search(r'aria-label="([0-9A-Z-]{24})"', voted.content.decode()).group(1)
    for session in Session.objects.all():  # the session row knows who I am: no receipt there
        assert receipt not in str(session.get_decoded())
    response = resident_client.post(url, {"projects": [trees.code]})
    assert response.status_code == 400 and any("stembewijs" in t for t in _summary(response))
    response = resident_client.post(url, {"projects": [trees.code], "receipt": receipt})
    assert response.status_code == 200
    assert Ballot.objects.count() == 1 and VoterRollEntry.objects.count() == 1
    check = reverse("participation:receipt", kwargs={"process_id": process.public_id})
    assert "Er telt geen stem" in client.post(check, {"receipt": receipt}).content.decode()


def test_staff_pages(client, staff_client, budget, make_process, me):
    process, _projects = budget
    idea = _idea(me, make_process())
    staff_client("case_handler", "administrator")
    assert client.get(reverse("participation:staff")).status_code == 200
    assert (
        client.get(
            reverse("participation:staff_process", kwargs={"process_id": process.public_id})
        ).status_code
        == 200
    )
    response = client.post(
        reverse(
            "participation:staff_moderate", kwargs={"kind": "idee", "public_id": idea.public_id}
        ),
        {"action": "hide", "reason": "Buiten het onderwerp"},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.visibility == "hidden"
    response = client.post(
        reverse(
            "participation:staff_moderate", kwargs={"kind": "idee", "public_id": idea.public_id}
        ),
        {"action": "hide", "reason": "Nog eens"},
    )
    assert response.status_code == 400


def test_residents_cannot_open_staff_pages(resident_client, me):
    assert resident_client.get(reverse("participation:staff")).status_code == 403


def test_consultation_page_round_trip(resident_client, make_process, admin, me):
    process = make_process("consultation")
    single = services.question_add(
        actor=admin, process=process, kind="single", text="Hoe vaak?", choices=["Vaak", "Nooit"]
    )
    ranking = services.question_add(
        actor=admin, process=process, kind="ranking", text="Volgorde?", choices=["A", "B"]
    )
    url = reverse("participation:consultation", kwargs={"process_id": process.public_id})
    assert resident_client.get(url).status_code == 200
    bad = resident_client.post(
        url, {f"q{single.pk}": "Vaak", f"q{ranking.pk}_0": "1", f"q{ranking.pk}_1": "1"}
    )
    assert bad.status_code == 400
    good = resident_client.post(
        url, {f"q{single.pk}": "Vaak", f"q{ranking.pk}_0": "2", f"q{ranking.pk}_1": "1"}
    )
    assert good.status_code == 302
    page = resident_client.get(url).content.decode()
    assert "al ingevuld" in page
    set_phase(process, "results")
    results = resident_client.get(
        reverse("participation:results", kwargs={"process_id": process.public_id})
    )
    assert results.status_code == 200 and "Volgorde?" in results.content.decode()


@pytest.mark.parametrize("name", ["index", "mine"])
def test_pages_in_english(resident_client, me, name):
    response = resident_client.get(reverse(f"participation:{name}"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


def test_query_budgets_of_the_budget_pages(
    resident_client, client, budget, me, make_resident, admin, django_assert_max_num_queries
):
    process, projects = budget
    for bsn in ["123456782", "111111110", "555555550"]:
        services.ballot_cast(
            actor=make_resident(bsn), process=process, choices={projects[0].code: 1}
        )
    with django_assert_max_num_queries(15):  # session (3), user, resident, process, phases,
        # neighbourhoods, projects, roll, postcode area; logging the eligibility read (3)
        assert (
            resident_client.get(
                reverse("participation:ballot", kwargs={"process_id": process.public_id})
            ).status_code
            == 200
        )
    published_count(process, admin)
    url = reverse("participation:results", kwargs={"process_id": process.public_id})
    client.logout()
    with django_assert_max_num_queries(6):  # process, phases, neighbourhoods, count, projects, roll
        assert client.get(url).status_code == 200


def test_staff_create_a_consultation_and_add_questions(client, staff_client, city):
    from stadhuis.participation.models import Process

    staff_client("administrator")
    url = reverse("participation:staff_process_new")
    assert client.get(url).status_code == 200
    data = {
        "kind": "consultation",
        "title": "Nieuwe bibliotheek",
        "question": "Wat wilt u in de bibliotheek?",
        "scope": "neighbourhoods",
        "neighbourhoods": ["oost"],
        "min_age": "12",
        "must_live_in_area": "on",
        "budget": "0",
        "ballot_min": "0",
        "ballot_max": "0",
        "ballot_points": "0",
        "publish": "on",
        "ideas_start": "2026-01-01",
    }
    response = client.post(url, data)
    assert (
        response.status_code == 400
        and "Vul de eerste en de laatste dag allebei in." in _summary(response)
    )
    response = client.post(url, {**data, "ideas_end": "2026-01-31"})
    assert response.status_code == 302
    process = Process.objects.get(title="Nieuwe bibliotheek")
    assert process.min_age == 12 and [n.code for n in process.neighbourhoods.all()] == ["oost"]
    phase = process.phases.get()
    assert phase.kind == "ideas" and (phase.ends_at - phase.starts_at).days == 31
    question_url = reverse("participation:staff_question", kwargs={"process_id": process.public_id})
    bad = client.post(
        question_url,
        {"kind": "single", "text": "Wat?", "choices": "Alleen één", "scale_min": 1, "scale_max": 5},
    )
    assert bad.status_code == 400
    good = client.post(
        question_url,
        {
            "kind": "single",
            "text": "Wat?",
            "choices": "Boeken\nKoffie",
            "scale_min": 1,
            "scale_max": 5,
            "required": "on",
        },
    )
    assert good.status_code == 302 and process.questions.get().choices == ["Boeken", "Koffie"]
    page = client.get(
        reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    )
    assert page.status_code == 200 and "Wat?" in page.content.decode()


def test_consultation_counts_only_after_it_closed(client, make_process, admin, me):
    from .conftest import set_phase

    process = make_process("consultation")
    question = services.question_add(
        actor=admin, process=process, kind="single", text="Hoe vaak?", choices=["Vaak", "Nooit"]
    )
    services.response_submit(actor=me, process=process, answers={question.pk: "Vaak"})
    url = reverse("participation:results", kwargs={"process_id": process.public_id})
    html = client.get(url).content.decode()
    assert "als de raadpleging gesloten is" in html and "Hoe vaak?" not in html
    set_phase(process, "results")
    assert "Hoe vaak?" in client.get(url).content.decode()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sort=st.text(max_size=20),
    area=st.text(max_size=20),
    search=st.text(max_size=120),
    receipt=st.text(max_size=60),
)
def test_no_public_input_gives_a_500(client, make_process, sort, area, search, receipt):
    process = Process.objects.filter(title="Fuzz").first() or make_process(title="Fuzz")
    url = reverse("participation:process", kwargs={"process_id": process.public_id})
    assert client.get(url, {"sort": sort, "buurt": area, "zoek": search}).status_code in (200, 400)
    check = reverse("participation:receipt", kwargs={"process_id": process.public_id})
    assert client.post(check, {"receipt": receipt}).status_code in (200, 400)


def test_a_non_photo_is_refused_on_the_photo_field(resident_client, make_process, me):
    from django.core.files.uploadedfile import SimpleUploadedFile

    process = make_process()
    url = reverse("participation:idea_new", kwargs={"process_id": process.public_id})
    response = resident_client.post(
        url,
        {
            "title": "Bankje",
            "body": "Bij de vijver",
            "step": "send",
            "image": SimpleUploadedFile("x.jpg", b"MZ not a photo"),
        },
    )
    assert response.status_code == 400
    assert 'id="id_image_error"' in response.content.decode()
    assert not Idea.objects.exists()


def test_my_participation_shows_that_i_voted_not_what(
    resident_client, budget, me, django_assert_max_num_queries
):
    process, (playground, *_rest) = budget
    receipt = services.ballot_cast(actor=me, process=process, choices={playground.code: 1})
    # 7 reads, the session save, and logging the read (savepoint, register check, insert)
    with django_assert_max_num_queries(15):
        html = resident_client.get(reverse("participation:mine")).content.decode()
    assert process.title in html and receipt[:4] in html
    assert receipt not in html and playground.title not in html


def test_my_own_participation_pages_are_logged_as_my_reads(resident_client, budget, me):
    from stadhuis.privacy.models import ProcessingLogEntry

    process, (playground, *_rest) = budget
    services.ballot_cast(actor=me, process=process, choices={playground.code: 1})
    resident_client.get(reverse("participation:mine"))
    parts = set(
        ProcessingLogEntry.objects.filter(subject=me.subject, action="read").values_list(
            "object_type", flat=True
        )
    )
    assert "mijn-meedoen" in parts


def test_amounts_beyond_any_budget_are_refused_by_the_form_not_the_database():
    from stadhuis.participation import forms

    form = forms.ApplicationForm(
        {"title": "Buurtfeest", "plan": "Een feest op het plein", "amount": str(10**30)}
    )
    assert not form.is_valid() and "amount" in form.errors
    scale = forms.QuestionForm(
        {"kind": "scale", "text": "Hoe tevreden?", "scale_min": "1", "scale_max": "30000"}
    )
    assert not scale.is_valid() and "scale_max" in scale.errors


def test_a_milestone_photo_is_served_by_random_id_and_never_as_a_page(
    client, budget, handler, settings, tmp_path
):
    import io

    from PIL import Image

    from stadhuis.cases.services import Upload

    settings.MEDIA_ROOT = tmp_path
    _process, (playground, *_rest) = budget
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format="PNG")
    milestone = services.milestone_add(
        actor=handler,
        title="Eerste paal",
        progress=10,
        project=playground,
        photo=Upload(data=out.getvalue(), name="foto.png"),
    )
    url = reverse(
        "participation:milestone_photo",
        kwargs={"project_id": playground.public_id, "milestone_id": milestone.public_id},
    )
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_eligibility_notice_is_logged_as_my_read_once(resident_client, client, budget, me):
    """The process page works out from my postcode and birth date whether I may take
    part: that use of my data is in my log, once per page, under the process's activity."""
    from stadhuis.privacy.models import ProcessingLogEntry

    process, (playground, *_rest) = budget

    def shown():
        return ProcessingLogEntry.objects.filter(
            subject=me.subject, object_type="deelname", object_id=str(process.public_id)
        )

    url = reverse("participation:process", kwargs={"process_id": process.public_id})
    assert resident_client.get(url).status_code == 200
    assert [e.activity_version.activity.code for e in shown()] == ["meedoen-stemregister"]
    services.ballot_cast(actor=me, process=process, choices={playground.code: 1})
    before = shown().count()
    # the ballot page logs my read of the voter roll already: no second entry for it
    resident_client.get(reverse("participation:ballot", kwargs={"process_id": process.public_id}))
    assert shown().count() == before


def test_a_wrong_filter_is_a_400_and_a_city_wide_list_filters_by_neighbourhood(
    client, make_process, me
):
    process = make_process()  # city-wide
    services.idea_submit(actor=me, process=process, title="Bankjes", body="Meer bankjes")
    url = reverse("participation:process", kwargs={"process_id": process.public_id})
    html = client.get(url).content.decode()
    assert '<option value="centrum">Centrum</option>' in html
    assert "Bankjes" in client.get(url, {"buurt": "centrum"}).content.decode()
    assert "Bankjes" not in client.get(url, {"buurt": "oost"}).content.decode()
    wrong = client.get(url, {"sort": "gisteren", "buurt": "nergens"})
    assert wrong.status_code == 400 and "Bankjes" in wrong.content.decode()


def test_withdrawing_support_on_the_idea_page(resident_client, make_process, me, make_resident):
    idea = _idea(make_resident("123456782"), make_process())
    page = reverse("participation:idea", kwargs={"idea_id": idea.public_id})
    support = reverse("participation:idea_support", kwargs={"idea_id": idea.public_id})
    withdraw = reverse("participation:idea_unsupport", kwargs={"idea_id": idea.public_id})
    html = resident_client.post(support, follow=True).content.decode()
    assert "U steunt dit idee." in html and "Mijn steun intrekken" in html
    html = resident_client.post(withdraw, follow=True).content.decode()
    assert "U steunt dit idee niet meer." in html and "Mijn steun intrekken" not in html
    idea.refresh_from_db()
    assert idea.supports == 0 and resident_client.get(page).status_code == 200
    assert resident_client.post(withdraw).status_code in range(400, 500)


def test_a_fund_application_as_residents_make_sign_and_account_for_it(
    resident_client, make_process, me, make_resident, handler, fund_case_types
):
    process = make_process("fund", title="Wijkfonds Centrum", budget=10_000)
    new = reverse("participation:application_new", kwargs={"process_id": process.public_id})
    assert resident_client.get(new).status_code == 200
    empty = resident_client.post(new, {"title": "", "plan": "", "amount": ""})
    assert empty.status_code == 400
    assert {"Geef uw plan een naam.", "Beschrijf uw plan."} <= set(_summary(empty))
    plan = {"title": "Buurtfeest", "plan": "Een feest op het plein"}
    too_much = resident_client.post(new, {**plan, "amount": str(forms.MAX_EUROS + 1)})
    assert too_much.status_code == 400 and not process.applications.exists()
    sent = resident_client.post(new, {**plan, "amount": "800"}, follow=True)
    application = process.applications.get()
    page = reverse("participation:application", kwargs={"application_id": application.public_id})
    assert sent.redirect_chain == [(page, 302)]
    assert application.case_reference in sent.content.decode()

    sign = reverse("participation:application_sign", kwargs={"application_id": page[-36:]})
    own = resident_client.post(sign)
    assert own.status_code == 400
    assert "U kunt uw eigen aanvraag niet ondertekenen." in own.content.decode()
    neighbour = Client()
    neighbour.force_login(Resident.objects.get(pseudonym=make_resident("123456782").subject).user)
    assert "U hebt de aanvraag ondertekend." in neighbour.post(sign, follow=True).content.decode()
    again = neighbour.post(sign)
    assert again.status_code == 400
    assert "U hebt deze aanvraag al ondertekend." in again.content.decode()

    report = reverse("participation:application_report", kwargs={"application_id": page[-36:]})
    spent = {"report-report": "Tent en muziek", "report-spent": "690"}
    early = resident_client.post(report, spent)
    assert early.status_code == 400
    assert "Alleen een toegekende aanvraag wordt verantwoord." in early.content.decode()
    services.application_decide(
        actor=handler, application=application, score=8, grant=True, reason="Goed plan", amount=700
    )
    blank = resident_client.post(report, {"report-report": "", "report-spent": ""})
    assert blank.status_code == 400
    assert {"Vertel waaraan u het geld uitgaf.", "Vul het uitgegeven bedrag in."} <= set(
        _summary(blank)
    )
    not_yours = neighbour.post(report, spent)  # the page has no form for them: a message
    assert not_yours.status_code == 400 and "Dit is niet gevonden." in not_yours.content.decode()
    html = resident_client.post(report, spent, follow=True).content.decode()
    assert "Bedankt voor uw verantwoording." in html and "Tent en muziek" in html
    application.refresh_from_db()
    assert application.spent_amount == 690


def test_an_idea_sent_with_a_photo_shows_it_on_its_page(resident_client, client, make_process, me):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format="JPEG")
    new = reverse("participation:idea_new", kwargs={"process_id": make_process().public_id})
    sent = resident_client.post(
        new,
        {
            "title": "Bloemen op het plein",
            "body": "Bakken met bloemen",
            "step": "send",
            "image": SimpleUploadedFile("plein.jpg", out.getvalue(), content_type="image/jpeg"),
        },
    )
    assert sent.status_code == 302
    idea = Idea.objects.get(title="Bloemen op het plein")
    src = reverse("participation:idea_image", kwargs={"idea_id": idea.public_id})
    assert f'<img src="{src}"' in client.get(sent["Location"]).content.decode()
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


def test_a_project_page_shows_the_project(client, budget):
    _process, (playground, *_rest) = budget
    url = reverse("participation:project", kwargs={"project_id": playground.public_id})
    response = client.get(url)
    assert response.status_code == 200 and "Speeltuin erbij" in response.content.decode()


def test_an_idea_page_reads_whether_i_support_it_and_logs_that_read(
    resident_client, client, make_process, me
):
    from stadhuis.dossier.queries import log_rows
    from stadhuis.privacy.models import ProcessingLogEntry

    idea = _idea(me, make_process(), title="Bankjes in het park")
    url = reverse("participation:idea", kwargs={"idea_id": idea.public_id})
    client_before = ProcessingLogEntry.objects.count()
    assert resident_client.get(url).status_code == 200
    (entry,) = ProcessingLogEntry.objects.filter(subject=me.subject, object_type="steun")
    assert entry.action == "read" and entry.object_id == str(idea.public_id)
    assert log_rows(me.subject, [entry])[0].concerns == "Idee: Bankjes in het park"
    resident_client.logout()
    count = ProcessingLogEntry.objects.count()
    assert client.get(url).status_code == 200 and ProcessingLogEntry.objects.count() == count
    assert count == client_before + 1


def test_an_application_page_reads_whether_i_signed_and_logs_that_read(
    resident_client, make_process, me, make_resident, fund_case_types
):
    from stadhuis.privacy.models import ProcessingLogEntry

    process = make_process("fund", title="Wijkfonds Centrum", budget=10_000)
    other = make_resident("123456782")
    application = services.application_submit(
        actor=other, process=process, title="Buurtfeest", plan="Een feest op het plein", amount=800
    )
    url = reverse("participation:application", kwargs={"application_id": application.public_id})
    assert resident_client.get(url).status_code == 200
    (entry,) = ProcessingLogEntry.objects.filter(subject=me.subject, object_type="handtekening")
    assert entry.action == "read" and entry.object_id == str(application.public_id)


def test_a_phase_shows_its_last_day_not_the_moment_after_it(client, make_process):
    """A phase runs up to, not including, ``ends_at``: ending at midnight of a day, its
    last day is the day before, and that is what residents read."""
    import datetime as dt

    from django.utils import timezone

    from stadhuis.participation.models import Phase

    process = make_process()
    last_day = timezone.localdate() + dt.timedelta(days=3)
    midnight = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time())
    Phase.objects.filter(process=process, kind="ideas").update(
        ends_at=timezone.make_aware(midnight)
    )
    html = client.get(
        reverse("participation:process", kwargs={"process_id": process.public_id})
    ).content.decode()
    shown = f'<time datetime="{last_day:%Y-%m-%d}">'
    assert shown in html
    assert f'<time datetime="{last_day + dt.timedelta(days=1):%Y-%m-%d}">' not in html
