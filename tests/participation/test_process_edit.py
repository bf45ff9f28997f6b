"""Staff change a process after creating it (services.process_edit and its page): the
texts, the phases that have not begun, and before voting the budget and counting
settings; the public sees it at once; the second of two editors gets a conflict with
nothing lost; only the administrator; bad input is a 4xx at its field."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stadhuis.core.errors import Conflict, InvalidInput
from stadhuis.participation import forms, services
from stadhuis.participation.models import Phase, Process

from .conftest import edit_process, set_phase


def _edit_url(process) -> str:
    return reverse("participation:staff_process_edit", kwargs={"process_id": process.public_id})


def _public(process) -> str:
    url = reverse("participation:process", kwargs={"process_id": process.public_id})
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def _sent(html: str) -> dict:
    """What the edit page's form sends as it is (inputs, selects, textareas)."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                data[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.strip()
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    return data


@pytest.fixture
def editor(client, staff_client):
    staff_client("administrator", username="redacteur")
    return client


def _form(editor, process) -> dict:
    response = editor.get(_edit_url(process))
    assert response.status_code == 200
    return _sent(response.content.decode())


def test_an_edit_shows_on_the_public_page_at_once(editor, make_process):
    process = make_process(title="Een groener centrum", question="Hoe maken we het groener?")
    assert "Hoe maken we het groener?" in _public(process)  # the shared copy is made
    phases = {p.kind: (p.starts_at, p.ends_at) for p in Phase.objects.filter(process=process)}
    data = _form(editor, process)
    assert data["title"] == "Een groener centrum" and data["revision"] == "1"
    data.update(title="Een groen centrum", question="Waar wilt u meer groen?")
    response = editor.post(_edit_url(process), data)
    assert response.status_code == 302
    html = _public(process)
    assert "Een groen centrum" in html and "Waar wilt u meer groen?" in html
    assert "Hoe maken we het groener?" not in html
    process.refresh_from_db()
    assert process.revision == 2
    # Phases whose days were not touched keep their exact moments (not moved to midnight).
    assert {p.kind: (p.starts_at, p.ends_at) for p in process.phases.all()} == phases


def test_the_phase_days_are_shown_as_a_browser_date_field_takes_them(editor, make_process):
    """A date field takes only YYYY-MM-DD: in the Dutch format (07-12-2026) the browser
    shows it empty and sends it back empty, which removes the phase."""
    process = make_process(phase="ideas")
    page = editor.get(_edit_url(process)).content.decode()
    voting = Phase.objects.get(process=process, kind="voting")
    first, last = forms.phase_days(voting)
    assert f'name="voting_start" value="{first.isoformat()}"' in page
    assert f'name="voting_end" value="{last.isoformat()}"' in page
    dates = re.findall(r'<input type="date" name="[^"]+" value="([^"]*)"', page)
    assert dates and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) for value in dates)


def test_a_phase_that_has_not_begun_moves_and_one_that_began_stays(editor, make_process, admin):
    process = make_process(phase="ideas")
    ideas = Phase.objects.get(process=process, kind="ideas")
    data = _form(editor, process)
    # information and ideas began: no fields for them
    assert "ideas_start" not in data and "information_start" not in data
    today = timezone.localdate()
    data.update(
        voting_start=(today + dt.timedelta(days=30)).isoformat(),
        voting_end=(today + dt.timedelta(days=40)).isoformat(),
        implementation_start="",
        implementation_end="",
        ideas_start="2020-01-01",  # not a field: ignored
        ideas_end="2020-01-02",
    )
    assert editor.post(_edit_url(process), data).status_code == 302
    voting = Phase.objects.get(process=process, kind="voting")
    assert timezone.localdate(voting.starts_at) == today + dt.timedelta(days=30)
    assert timezone.localdate(voting.ends_at) == today + dt.timedelta(days=41)
    assert not Phase.objects.filter(process=process, kind="implementation").exists()
    assert Phase.objects.get(process=process, kind="ideas").starts_at == ideas.starts_at
    # The service itself refuses to move a phase that began.
    process.refresh_from_db()
    with pytest.raises(InvalidInput, match="al begonnen"):
        edit_process(
            admin, process, phases=[services.PhaseSpec("ideas", ideas.starts_at, ideas.ends_at)]
        )


def test_budget_and_counting_can_change_until_voting_begins(editor, make_process, admin):
    process = make_process("budget", phase="review", budget=100_000, counting_rule="greedy")
    data = _form(editor, process)
    data.update(budget="150000", leftover_partial="on")
    assert editor.post(_edit_url(process), data).status_code == 302
    process.refresh_from_db()
    assert process.budget == 150_000 and process.leftover_partial

    set_phase(process, "voting")
    page = editor.get(_edit_url(process)).content.decode()
    assert 'name="budget"' not in page and 'name="counting_rule"' not in page
    assert "Het stemmen is begonnen. Daarom kunt u het budget" in page
    assert "<dd>€ 150.000</dd>" in page  # shown, read only, as residents read money
    data = _sent(page)
    data.update(title="Buurtbudget", budget="1", counting_rule="mes-add1", leftover_partial="")
    assert editor.post(_edit_url(process), data).status_code == 302
    process.refresh_from_db()
    assert process.title == "Buurtbudget"  # the texts still change
    assert (process.budget, process.counting_rule, process.leftover_partial) == (
        150_000,
        "greedy",
        True,
    )
    # The service refuses a change of the counting settings once voting began.
    with pytest.raises(InvalidInput, match="Het stemmen is begonnen") as refused:
        edit_process(admin, process, budget=200_000)
    assert refused.value.details["field"] == "budget"
    # The same value as stored is no change, so it passes.
    edit_process(admin, process, budget=150_000)


def test_the_second_of_two_editors_gets_a_conflict_and_loses_nothing(
    client, staff_client, make_process
):
    process = make_process(title="Oude titel")
    staff_client("administrator", username="eerste")
    first = _form(client, process)
    second = dict(first)
    first["title"] = "Titel van de eerste"
    assert client.post(_edit_url(process), first).status_code == 302
    second["question"] = "De vraag van de tweede"
    response = client.post(_edit_url(process), second)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Iemand anders heeft dit proces intussen gewijzigd" in html
    assert "De vraag van de tweede" in html  # what they typed is still in the form
    assert "Titel van de eerste" in html  # and what is stored now is shown
    assert '<h3 id="fases-title">' in html  # its phases under its h2
    process.refresh_from_db()
    assert process.title == "Titel van de eerste"
    assert process.question != "De vraag van de tweede"
    # Sent again from the page, it saves (against the new revision).
    again = _sent(html.split('<form class="form"', 1)[1])
    assert again["revision"] == str(process.revision)
    assert client.post(_edit_url(process), again).status_code == 302
    process.refresh_from_db()
    assert process.question == "De vraag van de tweede"


def test_the_service_refuses_an_old_revision(make_process, admin):
    process = make_process()
    with pytest.raises(Conflict):
        edit_process(admin, process, expected_revision=process.revision + 1, title="Nieuw")
    assert Process.objects.get(pk=process.pk).title != "Nieuw"


def test_only_the_administrator_edits(client, staff_client, make_process):
    process = make_process(title="Blijft")
    staff_client("case_handler", username="moderator")
    assert client.get(_edit_url(process)).status_code == 403
    response = client.post(_edit_url(process), {"revision": "1", "title": "Weg", "question": "?"})
    assert response.status_code == 403
    assert Process.objects.get(pk=process.pk).title == "Blijft"
    page = client.get(
        reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    ).content.decode()
    assert _edit_url(process) not in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "  "}, "title", None),
        ({"question": ""}, "question", None),
        ({"revision": "twee"}, "revision", None),
        ({"voting_start": "2099-05-01", "voting_end": "2099-04-01"}, "voting_end", "na de eerste"),
        ({"voting_start": "2020-05-01", "voting_end": "2020-05-02"}, "voting_start", "voorbij"),
        ({"counting_rule": "mes-add1", "leftover_partial": "on"}, "leftover_partial", "alleen"),
        ({"budget": "0"}, None, "Een burgerbegroting heeft een budget"),
        ({"budget": "veel"}, "budget", None),
        ({"voting_start": "2099-05-01", "voting_end": "9999-12-31"}, "voting_end", "2999"),
    ],
)
def test_bad_input_is_a_400_at_its_field_and_stores_nothing(
    editor, make_process, change, field, message
):
    process = make_process("budget", phase="ideas", title="Zo blijft het")
    data = _form(editor, process)
    data.update(title="Een nieuwe titel", **{k: v for k, v in change.items() if k != "title"})
    if "title" in change:
        data["title"] = change["title"]
    response = editor.post(_edit_url(process), data)
    assert response.status_code == 400
    html = response.content.decode()
    if field is not None and field != "revision":
        assert f'id="id_{field}_error"' in html
    if message is not None:
        assert message in html
    assert Process.objects.get(pk=process.pk).title == "Zo blijft het"


def test_phases_that_overlap_are_refused(editor, make_process, admin):
    """One phase at a time: overlapping, the page would show ideas as now while voting
    had begun and locked the budget."""
    process = make_process(phase="ideas")
    ideas = Phase.objects.get(process=process, kind="ideas")
    data = _form(editor, process)
    data.update(
        voting_start=timezone.localdate(ideas.ends_at - dt.timedelta(days=2)).isoformat(),
    )
    response = editor.post(_edit_url(process), data)
    assert response.status_code == 400
    assert "lopen door elkaar" in response.content.decode()
    assert Phase.objects.get(process=process, kind="voting").starts_at >= ideas.ends_at
    now = timezone.now()
    with pytest.raises(InvalidInput, match="lopen door elkaar"):
        services.process_create(
            actor=admin,
            kind="crowdsourcing",
            title="Overlap",
            question="Mag dit?",
            phases=[
                services.PhaseSpec("ideas", now, now + dt.timedelta(days=10)),
                services.PhaseSpec(
                    "voting", now + dt.timedelta(days=9), now + dt.timedelta(days=20)
                ),
            ],
        )


def test_two_begun_phases_that_overlap_do_not_stop_an_edit(editor, make_process):
    """Made before phases had to follow each other: the texts can still be changed."""
    process = make_process(phase="ideas")
    information = Phase.objects.get(process=process, kind="information")
    ideas = Phase.objects.get(process=process, kind="ideas")
    Phase.objects.filter(pk=information.pk).update(ends_at=ideas.starts_at + dt.timedelta(hours=5))
    data = _form(editor, process)
    data.update(title="Een groen centrum")
    assert editor.post(_edit_url(process), data).status_code == 302
    assert Process.objects.get(pk=process.pk).title == "Een groen centrum"


def test_a_broken_hidden_field_is_said_plainly(editor, make_process):
    """Only a changed page sends a wrong revision; the summary must still say something."""
    process = make_process()
    data = _form(editor, process)
    data["revision"] = "abc"
    response = editor.post(_edit_url(process), data)
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert "Het formulier kwam niet goed aan. Laad de pagina opnieuw" in summary
