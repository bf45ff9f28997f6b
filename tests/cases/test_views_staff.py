"""Staff pages of track & trace: work queue, case page, ombudsman, public figures, admin."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from stadhuis.accounts.services import staff_actor
from stadhuis.cases import queries_staff, services
from stadhuis.cases.models import Case, CaseEvent, CaseType, Escalation
from stadhuis.privacy.models import ProcessingLogEntry

QUEUE = "/medewerkers/zaken"
# session, user, OTP device, role guard, actor roles, the rows. No session save:
# last_seen is written at most once a minute (accounts.middleware); the filter's case
# types and status codes come from a per-process cache (queries_staff.OPTIONS_TTL).
QUEUE_QUERIES = 6


def login(client, user):
    """Log ``user`` in with a verified second factor, as the staff login does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return user


def report(me, description="Lantaarnpaal kapot", **extra):
    return services.case_submit(
        actor=me,
        case_type_code="melding-openbare-ruimte",
        description=description,
        answers={"categorie": "Straatverlichting"},
        **extra,
    )


def submitted_days_ago(monkeypatch, days, make):
    """Run ``make()`` as if it were ``days`` days ago (so the deadline lies in the past)."""
    real_now = timezone.now
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: real_now() - dt.timedelta(days=days))
        return make()


def refs(response):
    """The case references a page links to, in order."""
    found = re.findall(
        r'href="/medewerkers/(?:zaken|ombudsman)/([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})"',
        response.content.decode(),
    )
    return list(dict.fromkeys(found))


@pytest.fixture
def beheer(make_staff):
    """A case handler of Stadsbeheer (the department of public-space reports)."""
    return make_staff("case_handler", username="beheer", unit="Stadsbeheer")


@pytest.fixture
def beheer_client(client, beheer):
    login(client, beheer)
    return client


# --- Work queue ------------------------------------------------------------------------


def test_queue_needs_the_case_handler_role(client, make_staff, catalogue):
    assert client.get(QUEUE).status_code == 302  # not logged in: to the staff login
    login(client, make_staff("ombudsman", username="omb"))
    assert client.get(QUEUE).status_code == 403


def test_queue_shows_open_cases_of_my_department_only(catalogue, me, beheer, beheer_client):
    mine = report(me)
    complaint = services.case_submit(actor=me, case_type_code="klacht", description="Boos")
    closed = report(me, description="Al klaar")
    actor = staff_actor(beheer, "case_handler")
    services.case_set_status(
        actor=actor,
        case=closed,
        expected_version=closed.version,
        status_code="afgehandeld",
        result_code="opgelost",
    )
    response = beheer_client.get(QUEUE)
    assert response.status_code == 200
    shown = refs(response)
    assert mine.reference in shown
    assert complaint.reference not in shown  # another department
    assert closed.reference not in shown  # closed


def test_queue_filters(catalogue, me, beheer, beheer_client, make_staff, monkeypatch):
    actor = staff_actor(beheer, "case_handler")
    late = submitted_days_ago(monkeypatch, 60, lambda: report(me, description="Oude melding"))
    claimed = report(me, description="Losse stoeptegel")
    services.case_assign(actor=actor, case=claimed, expected_version=claimed.version)
    working = report(me, description="Boom omgewaaid")
    services.case_set_status(
        actor=actor, case=working, expected_version=working.version, status_code="in-behandeling"
    )

    def shown(**params):
        response = beheer_client.get(QUEUE, params)
        assert response.status_code == 200
        return set(refs(response))

    everything = {late.reference, claimed.reference, working.reference}
    assert shown() == everything
    assert shown(overdue="on") == {late.reference}
    assert shown(scope="mij") == {claimed.reference}
    assert shown(scope="niet-toegewezen") == {late.reference, working.reference}
    assert shown(status="in-behandeling") == {working.reference}
    assert shown(case_type="melding-openbare-ruimte") == everything
    assert shown(case_type="klacht") == set()
    assert shown(q="stoeptegel") == {claimed.reference}
    # A reference typed sloppily (lower case, no dashes, O for 0) still finds the case.
    sloppy = working.reference.lower().replace("-", " ").replace("0", "o")
    assert shown(q=sloppy) == {working.reference}


def test_queue_pages_by_deadline_without_duplicates_or_gaps(
    catalogue, me, beheer, beheer_client, monkeypatch
):
    monkeypatch.setattr(queries_staff, "PAGE_SIZE", 3)
    made = []
    for days in (40, 5, 40, 20, 0, 20, 5, 0):  # ties on the deadline: id breaks them
        made.append(submitted_days_ago(monkeypatch, days, lambda: report(me)))
    expected = [c.reference for c in sorted(made, key=lambda c: (c.deadline, c.pk))]
    seen, url, pages = [], QUEUE, 0
    while url:
        response = beheer_client.get(url)
        assert response.status_code == 200
        seen += refs(response)
        pages += 1
        match = re.search(r'href="([^"]+)" rel="next"', response.content.decode())
        url = match.group(1).replace("&amp;", "&") if match else None
        assert pages < 10
    assert pages == 3
    assert seen == expected


def test_queue_keeps_filters_across_pages_and_refuses_a_bad_cursor(
    catalogue, me, beheer_client, monkeypatch
):
    monkeypatch.setattr(queries_staff, "PAGE_SIZE", 1)
    report(me, description="fiets a")
    report(me, description="fiets b")
    report(me, description="auto")
    first = beheer_client.get(QUEUE, {"q": "fiets"})
    link = re.search(r'href="([^"]+)" rel="next"', first.content.decode()).group(1)
    assert "q=fiets" in link
    second = beheer_client.get(link.replace("&amp;", "&"))
    assert len(refs(second)) == 1 and refs(second) != refs(first)
    assert 'rel="next"' not in second.content.decode()
    # A forged cursor just starts at the beginning; never a 500.
    assert beheer_client.get(QUEUE, {"cursor": "!!nonsense"}).status_code == 200


def test_queue_query_count_does_not_grow_with_rows(
    catalogue, me, beheer, beheer_client, django_assert_num_queries
):
    actor = staff_actor(beheer, "case_handler")
    for _ in range(2):
        case = report(me)
        services.case_assign(actor=actor, case=case, expected_version=case.version)
    beheer_client.get(QUEUE)  # warm the session
    with django_assert_num_queries(QUEUE_QUERIES):
        small = beheer_client.get(QUEUE, {"status": "ontvangen"})
    for _ in range(8):
        case = report(me)
        services.case_assign(actor=actor, case=case, expected_version=case.version)
    with django_assert_num_queries(QUEUE_QUERIES):
        large = beheer_client.get(QUEUE, {"status": "ontvangen"})
    assert len(refs(small)) == 2 and len(refs(large)) == 10


def test_queue_options_are_cached_and_dropped_when_the_catalogue_changes(
    catalogue, beheer_client, django_assert_num_queries
):
    beheer_client.get(QUEUE)  # warm the session and the options
    with django_assert_num_queries(QUEUE_QUERIES):
        beheer_client.get(QUEUE)
    case_type = CaseType.objects.get(code="klacht", is_current=True)
    case_type.name = "Klacht over de dienstverlening"
    case_type.save()  # in this process: the options are read again at once
    with django_assert_num_queries(QUEUE_QUERIES + 2):
        response = beheer_client.get(QUEUE)
    assert "Klacht over de dienstverlening" in response.content.decode()
    # After OPTIONS_TTL (here: the cached entries made older) they are read again too.
    for key, (at, value) in list(queries_staff._options.items()):
        queries_staff._options[key] = (at - queries_staff.OPTIONS_TTL - 1, value)
    with django_assert_num_queries(QUEUE_QUERIES + 2):
        beheer_client.get(QUEUE)


def test_a_stale_option_list_never_gives_a_wrong_result(catalogue, me, beheer_client):
    """Another process published a type (or status) after this one cached its options:
    filtering on it still filters, it is neither refused nor ignored."""
    mine = report(me)
    beheer_client.get(QUEUE)
    gone = (mine.case_type.code, "ontvangen")
    for params in ({"case_type": mine.case_type.code}, {"status": "ontvangen"}):
        for key in ("case_types", "status_codes"):
            at, value = queries_staff._options[key]
            queries_staff._options[key] = (at, [(c, n) for c, n in value if c not in gone])
        response = beheer_client.get(QUEUE, params)
        assert response.status_code == 200
        assert response.context["form"].errors == {}
        assert refs(response) == [mine.reference]
    # A code that exists nowhere is still refused, after one fresh read.
    response = beheer_client.get(QUEUE, {"case_type": "bestaat-niet"})
    assert "case_type" in response.context["form"].errors


@pytest.mark.parametrize(
    ("scope", "index"),
    [(queries_staff.Scope.DEPARTMENT, "case_queue"), (queries_staff.Scope.MINE, "case_queue_mine")],
)
def test_queue_query_uses_the_queue_indexes(catalogue, beheer, scope, index):
    """The row query filters and sorts along (department|assignee, closed_at, deadline)."""
    cases = queries_staff.work_queue_cases(
        staff_actor(beheer, "case_handler"), queries_staff.QueueFilter(scope=scope)
    ).order_by("deadline", "id")
    plan = cases.explain()
    assert re.search(rf"\b{index}\b", plan), plan
    assert "TEMP B-TREE" not in plan.upper()  # no sort step: the index gives the order


# --- Case page -------------------------------------------------------------------------


def case_url(case, action=None):
    if action:
        return reverse("cases:staff_case_action", args=[case.reference, action])
    return reverse("cases:staff_case", args=[case.reference])


def test_case_page_shows_everything_and_logs_the_read(catalogue, me, beheer, beheer_client):
    case = report(me, description="Lantaarn bij nummer 12", address="Dorpsstraat 12")
    actor = staff_actor(beheer, "case_handler")
    services.case_add_note(actor=actor, case=case, body="Aannemer gebeld")
    services.case_message_resident(actor=actor, case=case, body="We komen morgen kijken")
    response = beheer_client.get(case_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Lantaarn bij nummer 12", "Dorpsstraat 12", "Straatverlichting"):
        assert text in html
    assert "Aannemer gebeld" in html and "We komen morgen kijken" in html
    assert "interne notitie" in html  # the internal event in the full history
    reads = ProcessingLogEntry.objects.filter(object_id=case.reference, action="read")
    assert reads.filter(actor_role="case_handler", actor_unit="Stadsbeheer").count() == 1


def test_case_page_of_another_department_is_403(catalogue, me, client, make_staff):
    case = report(me)
    login(client, make_staff("case_handler", username="burgerzaken", unit="Burgerzaken"))
    assert client.get(case_url(case)).status_code == 403
    response = client.post(case_url(case, "note"), {"note-body": "Stiekem"})
    assert response.status_code == 403
    assert not case.notes.exists()
    assert not ProcessingLogEntry.objects.filter(object_id=case.reference, action="read").exists()


def test_status_change_via_the_page(catalogue, me, beheer_client):
    case = report(me)
    response = beheer_client.post(
        case_url(case, "status"),
        {
            "status-expected_version": case.version,
            "status-status": "in-behandeling",
            "status-explanation": "We gaan ermee aan de slag.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status.code == "in-behandeling"
    assert case.statuses.last().explanation == "We gaan ermee aan de slag."


def test_final_status_without_result_is_an_error_on_the_page(catalogue, me, beheer_client):
    case = report(me)
    response = beheer_client.post(
        case_url(case, "status"),
        {"status-expected_version": case.version, "status-status": "afgehandeld"},
    )
    assert response.status_code == 400
    assert "Kies een resultaat" in response.content.decode()
    case.refresh_from_db()
    assert case.is_open
    response = beheer_client.post(
        case_url(case, "status"),
        {
            "status-expected_version": case.version,
            "status-status": "afgehandeld",
            "status-result": "opgelost",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.is_open and case.result.code == "opgelost"


def test_illegal_transition_is_not_offered_and_refused_when_posted(catalogue, me, beheer_client):
    case = report(me)  # "ontvangen" may go to in-behandeling or afgehandeld only
    html = beheer_client.get(case_url(case)).content.decode()
    status_select = re.search(r'<select name="status-status".*?</select>', html, re.S).group(0)
    assert 'value="in-behandeling"' in status_select
    assert 'value="ontvangen"' not in status_select
    response = beheer_client.post(
        case_url(case, "status"),
        {"status-expected_version": case.version, "status-status": "ontvangen"},
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status.code == "ontvangen" and case.version == 1


def test_stale_version_is_a_409_that_keeps_the_typed_text(catalogue, me, beheer, beheer_client):
    case = report(me)
    stale = case.version
    other = staff_actor(beheer, "case_handler")
    services.case_set_status(
        actor=other, case=case, expected_version=stale, status_code="in-behandeling"
    )
    response = beheer_client.post(
        case_url(case, "status"),
        {
            "status-expected_version": stale,
            "status-status": "afgehandeld",
            "status-result": "opgelost",
            "status-explanation": "Mijn zorgvuldig getypte uitleg",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Iemand anders heeft deze zaak intussen gewijzigd" in html
    assert "Mijn zorgvuldig getypte uitleg" in html
    # The fresh state is shown and the form now carries the fresh version.
    case.refresh_from_db()
    assert case.status.code == "in-behandeling" and case.is_open
    assert f'name="status-expected_version" value="{case.version}"' in html


def test_claim_assign_suspend_extend_message_and_note(catalogue, me, client, make_staff):
    handler = login(client, make_staff("case_handler", username="jur", unit="Juridische Zaken"))
    colleague = make_staff("case_handler", username="jur2", unit="Juridische Zaken")
    case = services.case_submit(
        actor=me,
        case_type_code="bezwaar",
        description="Bezwaar",
        answers={"besluit": "Vergunning 12 maart, kenmerk 2024-17"},
    )

    def post(action, **data):
        case.refresh_from_db()
        data = {f"{action}-{k}": v for k, v in data.items()}
        data.setdefault(f"{action}-expected_version", case.version)
        return client.post(case_url(case, action), data)

    assert post("claim").status_code == 302
    case.refresh_from_db()
    assert case.assignee == handler
    assert post("assign", assignee=colleague.pk).status_code == 302
    case.refresh_from_db()
    assert case.assignee == colleague
    assert post("suspend", reason="").status_code == 400  # a reason is required
    assert post("suspend", reason="Wacht op stukken").status_code == 302
    case.refresh_from_db()
    assert case.suspended_since is not None
    assert post("resume").status_code == 302
    deadline = Case.objects.get(pk=case.pk).deadline
    assert post("extend", reason="Ingewikkeld").status_code == 302
    case.refresh_from_db()
    assert case.extended and case.deadline > deadline
    assert post("extend", reason="Nog eens").status_code == 400  # once only
    assert post("message", body="Wij bellen u").status_code == 302
    assert post("note", body="Intern: dossier opgevraagd").status_code == 302
    assert case.messages.get().body == "Wij bellen u"
    assert case.notes.get().body == "Intern: dossier opgevraagd"
    note_event = case.events.filter(kind=CaseEvent.Kind.NOTE).get()
    assert not note_event.visible_to_resident


def test_document_is_served_as_an_attachment(catalogue, me, beheer_client):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    case = report(me, uploads=[services.Upload(data=buffer.getvalue(), name="kapot.png")])
    document = case.documents.get()
    html = beheer_client.get(case_url(case)).content.decode()
    url = reverse("cases:staff_document", args=[case.reference, document.public_id])
    assert url in html
    response = beheer_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


# --- Ombudsman -------------------------------------------------------------------------


@pytest.fixture
def escalated(catalogue, me, make_staff):
    """A complaint the city closed, taken to the ombudsman by an unhappy resident."""
    handler = staff_actor(
        make_staff("case_handler", username="klachten", unit="Klachtencoördinatie"),
        "case_handler",
    )
    case = services.case_submit(actor=me, case_type_code="klacht", description="Onheus bejegend")
    services.case_set_status(
        actor=handler,
        case=case,
        expected_version=case.version,
        status_code="afgehandeld",
        result_code="ongegrond",
    )
    services.case_escalate(actor=me, case=case, reason="Ik ben het er niet mee eens")
    return case


def test_ombudsman_sees_only_escalated_cases(escalated, me, client, make_staff):
    plain = services.case_submit(actor=me, case_type_code="klacht", description="Nog een klacht")
    login(client, make_staff("ombudsman", username="omb"))
    response = client.get(reverse("cases:ombudsman_queue"))
    assert response.status_code == 200
    assert refs(response) == [escalated.reference]
    assert client.get(reverse("cases:ombudsman_case", args=[plain.reference])).status_code == 404
    response = client.get(reverse("cases:ombudsman_case", args=[escalated.reference]))
    assert response.status_code == 200
    assert "Onheus bejegend" in response.content.decode()
    assert ProcessingLogEntry.objects.filter(
        object_id=escalated.reference, action="read", actor_role="ombudsman"
    ).exists()
    # The ombudsman cannot use the handlers' queue or case page.
    assert client.get(QUEUE).status_code == 403
    assert client.get(case_url(plain)).status_code == 403


def test_case_handler_cannot_open_the_ombudsman_pages(escalated, client, make_staff):
    login(client, make_staff("case_handler", username="kl", unit="Klachtencoördinatie"))
    assert client.get(reverse("cases:ombudsman_queue")).status_code == 403
    url = reverse("cases:ombudsman_case", args=[escalated.reference])
    assert client.get(url).status_code == 403


def test_judgement_then_city_response(escalated, client, make_staff):
    login(client, make_staff("ombudsman", username="omb"))
    url = reverse("cases:ombudsman_case", args=[escalated.reference])
    response = client.post(url, {"findings": "", "recommendation": ""})
    assert response.status_code == 400
    response = client.post(url, {"findings": "Te kort door de bocht", "recommendation": "Bel"})
    assert response.status_code == 302
    escalation = Escalation.objects.get(case=escalated)
    assert escalation.judged_at and escalation.recommendation == "Bel"
    assert 'name="findings"' not in client.get(url).content.decode()  # judged once

    client.logout()
    login(client, make_staff("case_handler", username="kl2", unit="Klachtencoördinatie"))
    html = client.get(case_url(escalated)).content.decode()
    assert "Reageren op de ombudsman" in html and "Te kort door de bocht" in html
    response = client.post(
        case_url(escalated, "respond"), {"respond-response": "We bellen de inwoner"}
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.city_response == "We bellen de inwoner" and escalation.responded_at
    assert "Reageren op de ombudsman" not in client.get(case_url(escalated)).content.decode()


def test_city_response_before_judgement_is_refused(escalated, client, make_staff):
    login(client, make_staff("case_handler", username="kl3", unit="Klachtencoördinatie"))
    response = client.post(case_url(escalated, "respond"), {"respond-response": "Te vroeg"})
    assert response.status_code == 400
    assert "nog geen oordeel" in response.content.decode()


# --- Home ------------------------------------------------------------------------------


def test_staff_home_links_to_the_work_of_each_role(client, make_staff):
    login(client, make_staff("case_handler", username="h"))
    html = client.get("/").content.decode()
    assert QUEUE in html and "/medewerkers/ombudsman" not in html
    client.logout()
    login(client, make_staff("ombudsman", username="o"))
    html = client.get("/").content.decode()
    assert "/medewerkers/ombudsman" in html and f'href="{QUEUE}"' not in html
    assert 'href="/medewerkers/meedoen"' not in html


def test_staff_home_links_moderators_and_administrators_to_participation(client, make_staff):
    for role in ("case_handler", "administrator"):
        login(client, make_staff(role, username=f"p-{role}"))
        assert 'href="/medewerkers/meedoen"' in client.get("/").content.decode()
        client.logout()


# --- Admin -----------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, make_staff):
    user = make_staff("administrator", username="beheerder")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    login(client, user)
    return client


def test_admin_published_type_is_read_only(catalogue, admin_client):
    case_type = catalogue["klacht"]
    url = reverse("admin:cases_casetype_change", args=[case_type.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="name"' not in html  # shown, not editable
    assert case_type.name in html
    admin_client.post(url, {"name": "Gewijzigd"})
    case_type.refresh_from_db()
    assert case_type.name == "Klacht over de gemeente"


def test_admin_actions_new_version_then_publish(catalogue, admin_client):
    old = catalogue["klacht"]
    changelist = reverse("admin:cases_casetype_changelist")
    response = admin_client.post(
        changelist, {"action": "new_version", "_selected_action": [old.pk]}
    )
    assert response.status_code == 302
    new = CaseType.objects.get(code="klacht", published_at__isnull=True)
    assert new.version == 2 and not new.is_current
    assert new.statuses.count() == old.statuses.count()
    # The list tells the draft from the version in use; the draft is editable in place.
    rows = admin_client.get(changelist, {"q": "klacht"}).content.decode()
    assert re.search(r"<td[^>]*>2</td><td[^>]*>concept</td>", rows)
    assert re.search(r"<td[^>]*>1</td><td[^>]*>in gebruik</td>", rows)
    html = admin_client.get(reverse("admin:cases_casetype_change", args=[new.pk])).content.decode()
    assert 'name="name"' in html
    # A second draft is refused with a message that names the first.
    refused = admin_client.post(
        changelist, {"action": "new_version", "_selected_action": [old.pk]}, follow=True
    )
    assert "Er is al een conceptversie van dit zaaktype (versie 2)" in refused.content.decode()
    assert CaseType.objects.filter(code="klacht").count() == 2
    admin_client.post(changelist, {"action": "publish", "_selected_action": [new.pk]})
    new.refresh_from_db()
    assert new.is_published and new.is_current
    old.refresh_from_db()
    assert old.is_published and not old.is_current
    rows = admin_client.get(changelist, {"q": "klacht"}).content.decode()
    assert re.search(r"<td[^>]*>1</td><td[^>]*>vervangen</td>", rows)


def test_admin_refuses_a_new_type_with_a_code_in_use_and_keeps_a_drafts_code(
    catalogue, admin_client
):
    url = reverse("admin:cases_casetype_add")
    data = {
        "code": "klacht",
        "kind": "complaint",
        "name": "Dubbel",
        "explanation": "x",
        "processing_activity": "klachten",
        "confidentiality": "intern",
        "department": "Dienstverlening",
        "term_amount": "1",
        "term_unit": "weeks",
        "extension_amount": "0",
        "questions": "[]",
        "statuses-TOTAL_FORMS": "0",
        "statuses-INITIAL_FORMS": "0",
        "results-TOTAL_FORMS": "0",
        "results-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Er is al een zaaktype met deze code." in response.content.decode()
    assert CaseType.objects.filter(code="klacht").count() == 1
    response = admin_client.post(url, {**data, "code": "klacht-nieuw"})
    assert response.status_code == 302
    draft = CaseType.objects.get(code="klacht-nieuw")
    assert (draft.version, draft.is_current, draft.is_published) == (1, False, False)
    html = admin_client.get(reverse("admin:cases_casetype_change", args=[draft.pk])).content
    assert b'name="name"' in html and b'name="code"' not in html


def test_admin_publish_action_publishes_a_complete_draft(catalogue, admin_client):
    from stadhuis.cases.services import case_type_create
    from stadhuis.demo.catalogue import CASE_TYPES

    spec = {**next(s for s in CASE_TYPES if s["code"] == "klacht"), "code": "klacht-proef"}
    admin = staff_actor(_admin_user(), "administrator")
    draft = case_type_create(actor=admin, spec=spec)
    html = admin_client.get(reverse("admin:cases_casetype_change", args=[draft.pk])).content
    assert b'name="name"' in html  # a draft is edited in place
    changelist = reverse("admin:cases_casetype_changelist")
    admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    # Publishing twice is refused with a message, not an error page.
    response = admin_client.post(
        changelist, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "al gepubliceerd" in response.content.decode()


def _admin_user():
    from stadhuis.accounts.models import User

    return User.objects.get(username="beheerder")
