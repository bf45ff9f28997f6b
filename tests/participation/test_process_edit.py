"""Staff change a process after creating it (services.process_edit and its page): the
texts, the phases that have not begun, and before voting the budget and counting
settings; the public sees it at once; the second of two editors gets a conflict with
nothing lost; only the administrator; bad input is a 4xx at its field."""

import datetime as dt
import html as html_module
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
                value = re.search(r'value="([^"]*)"', tag)
                if value is None:  # a yes/no box
                    data[name.group(1)] = "on"
                else:  # one of several (the neighbourhoods): a list of the values
                    data.setdefault(name.group(1), []).append(value.group(1))
            continue
        if 'type="radio"' in tag and " checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        value = html_module.unescape(value.group(1)) if value else ""
        if 'type="hidden"' in tag and name.group(1) in data:  # one of several (the boxes)
            previous = data[name.group(1)]
            data[name.group(1)] = [*(previous if isinstance(previous, list) else [previous]), value]
        else:
            data[name.group(1)] = value
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
    )
    # a page shown before the ideas phase began sends its days: the same days are no
    # change, other days are refused with the reason, and nothing is saved
    days = dict(zip(("ideas_start", "ideas_end"), forms.phase_days(ideas), strict=True))
    moved = {**data, "ideas_start": "2020-01-01", "ideas_end": "2020-01-02"}
    voting_before = Phase.objects.get(process=process, kind="voting").starts_at
    response = editor.post(_edit_url(process), moved)
    assert response.status_code == 400
    html = response.content.decode()
    assert "De fase &#x27;ideeën&#x27; is al begonnen." in html
    assert "Er is nog niets opgeslagen." in html
    assert Phase.objects.get(process=process, kind="voting").starts_at == voting_before
    removed = {**data, "ideas_start": "", "ideas_end": ""}  # the days emptied
    assert editor.post(_edit_url(process), removed).status_code == 400
    data.update({name: day.isoformat() for name, day in days.items()})
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
    data.update(title="Buurtbudget")
    # A page shown before voting began sends the budget fields: the values as stored
    # are no change (the texts save) ...
    stored = {"budget": "150000", "counting_rule": "greedy", "leftover_partial": "on"}
    for value in ("ballot_type", "ballot_min", "ballot_max", "ballot_points"):
        stored[value] = str(getattr(process, value))
    assert editor.post(_edit_url(process), {**data, **stored}).status_code == 302
    process.refresh_from_db()
    assert process.title == "Buurtbudget"
    data["revision"] = str(process.revision)
    # ... another value is refused with the reason: nothing is saved, what else was
    # typed stays, and sent again from that page (without those fields) it saves.
    for change in (
        {"budget": "1"},
        {"counting_rule": "mes-add1"},
        {"leftover_partial": ""},
        {"cap_centrum": "5000"},
        {"ballot_max": "3"},
    ):
        sent = {**data, **stored, **change, "title": "Buurtbudget 2"}
        response = editor.post(_edit_url(process), {k: v for k, v in sent.items() if v})
        assert response.status_code == 400, change
        html = response.content.decode()
        assert "Het stemmen is begonnen. Daarom kunt u het budget" in html
        assert "Er is nog niets opgeslagen." in html
        process.refresh_from_db()
        assert process.title == "Buurtbudget"
    again = _sent(html.split('<form class="form"', 1)[1])
    assert again["title"] == "Buurtbudget 2" and "budget" not in again
    assert editor.post(_edit_url(process), again).status_code == 302
    process.refresh_from_db()
    assert process.title == "Buurtbudget 2"  # the texts still change
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


def test_a_page_from_before_voting_with_a_rule_no_longer_offered_still_saves(editor, make_process):
    """The stale page sends the stored counting rule, which the field no longer takes:
    still no change, so the texts save; another rule is refused."""
    process = make_process("budget", phase="voting", counting_rule="greedy")
    Process.objects.filter(pk=process.pk).update(counting_rule="oude-regel")
    data = _form(editor, process)
    stale = {
        "budget": "100000",
        "ballot_type": "approval",
        "ballot_min": "0",
        "ballot_max": "0",
        "ballot_points": "0",
        "counting_rule": "oude-regel",
    }
    refused = {**data, **stale, "counting_rule": "greedy", "title": "Nieuw"}
    assert editor.post(_edit_url(process), refused).status_code == 400
    assert editor.post(_edit_url(process), {**data, **stale, "title": "Nieuw"}).status_code == 302
    process.refresh_from_db()
    assert (process.title, process.counting_rule) == ("Nieuw", "oude-regel")


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
    # The form now holds the first one's title (the second did not touch it) with the
    # second one's question; sent again from the page, both stay.
    again = _sent(html.split('<form class="form"', 1)[1])
    assert (again["title"], again["question"]) == ("Titel van de eerste", "De vraag van de tweede")
    assert client.post(_edit_url(process), again).status_code == 302
    process.refresh_from_db()
    assert (process.title, process.question) == ("Titel van de eerste", "De vraag van de tweede")


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
        ({"budget": "0"}, "budget", "Een burgerbegroting heeft een budget"),
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


# --- The ballot -------------------------------------------------------------------------


def test_the_ballot_can_change_until_voting_begins(editor, make_process, admin):
    process = make_process("budget", phase="review", ballot_type="approval", ballot_max=3)
    data = _form(editor, process)
    assert (data["ballot_type"], data["ballot_max"]) == ("approval", "3")
    data.update(ballot_type="cumulative", ballot_points="10", ballot_min="0", ballot_max="0")
    assert editor.post(_edit_url(process), data).status_code == 302
    process.refresh_from_db()
    assert (process.ballot_type, process.ballot_points, process.ballot_max) == (
        "cumulative",
        10,
        0,
    )

    set_phase(process, "voting")
    page = editor.get(_edit_url(process)).content.decode()
    assert 'name="ballot_type"' not in page and 'name="ballot_points"' not in page
    assert "<dd>Punten verdelen</dd>" in page and "<dd>10</dd>" in page  # shown, read only
    with pytest.raises(InvalidInput, match="het stembiljet") as refused:
        edit_process(admin, process, ballot_type="approval")
    assert refused.value.details["field"] == "ballot_type"
    with pytest.raises(InvalidInput, match="Het stemmen is begonnen"):
        edit_process(admin, process, ballot_points=5)
    process.refresh_from_db()
    assert (process.ballot_type, process.ballot_points) == ("cumulative", 10)
    edit_process(admin, process, ballot_type="cumulative", ballot_points=10)  # no change


def test_a_vote_imported_before_the_voting_phase_locks_the_ballot(admin, make_process):
    """Ballots are there (a Pabulib import): residents' votes hold the rules they had."""
    process = make_process("budget", phase="review")
    text = (
        "META\nkey;value\nbudget;100000\nvote_type;approval\n"
        "PROJECTS\nproject_id;cost\np1;1000\nVOTES\nvoter_id;vote\n1;p1\n"
    )
    services.budget_import_pabulib(actor=admin, process=process, text=text)
    process.refresh_from_db()
    with pytest.raises(InvalidInput, match="Het stemmen is begonnen"):
        edit_process(admin, process, ballot_max=2)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ballot_type": "cumulative", "ballot_points": "0"}, "ballot_points", "punten"),
        ({"ballot_min": "4", "ballot_max": "2"}, "ballot_min", "groter dan het maximum"),
        ({"ballot_type": ""}, "ballot_type", "soort stembiljet"),
        ({"budget": "0"}, "budget", "heeft een budget"),
        ({"ballot_max": "veel"}, "ballot_max", None),
    ],
)
def test_a_bad_ballot_is_a_400_at_its_field(editor, make_process, change, field, message):
    process = make_process("budget", phase="review", title="Zo blijft het")
    data = _form(editor, process)
    data.update(title="Een nieuwe titel", **change)
    response = editor.post(_edit_url(process), data)
    assert response.status_code == 400
    html = response.content.decode()
    if field is not None:
        assert f'id="id_{field}_error"' in html
    if message is not None:
        assert message in html
    process.refresh_from_db()
    assert (process.title, process.ballot_type) == ("Zo blijft het", "approval")


# --- Caps per neighbourhood --------------------------------------------------------------


def test_caps_are_added_changed_and_removed_until_voting_begins(editor, make_process, admin):
    from stadhuis.participation import tally

    process = make_process("budget", phase="review", budget=100_000)
    data = _form(editor, process)
    assert data["cap_centrum"] == "" and data["cap_oost"] == ""
    data.update(cap_centrum="60000", cap_oost="50000")
    assert editor.post(_edit_url(process), data).status_code == 302
    assert _caps(process) == {"centrum": 60_000, "oost": 50_000}  # together above: allowed
    data = _form(editor, process)
    assert data["cap_centrum"] == "60000"
    data.update(cap_centrum="40000", cap_oost="")
    assert editor.post(_edit_url(process), data).status_code == 302
    assert _caps(process) == {"centrum": 40_000}
    meta = tally.election_for(process).meta  # the count reads them
    assert (meta["neighborhoods"], meta["budget_per_neighborhood"]) == ("centrum", "40000")

    set_phase(process, "voting")
    process.refresh_from_db()
    page = editor.get(_edit_url(process)).content.decode()
    assert 'name="cap_centrum"' not in page
    assert "Centrum: € 40.000" in page  # shown, read only
    with pytest.raises(InvalidInput, match="maximumbedragen per buurt") as refused:
        edit_process(admin, process, caps={})
    assert refused.value.details["field"] == "caps"
    assert _caps(process) == {"centrum": 40_000}
    edit_process(admin, process, caps={"centrum": 40_000})  # the same caps: no change


def _caps(process) -> dict:
    from stadhuis.participation.models import NeighbourhoodCap

    return dict(
        NeighbourhoodCap.objects.filter(process=process).values_list(
            "neighbourhood__code", "amount"
        )
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"cap_centrum": "150000"}, "cap_centrum", "hoger dan het hele budget (€ 100.000)"),
        ({"cap_oost": "0"}, "cap_oost", "meer dan 0 euro"),
        ({"cap_oost": "-5"}, "cap_oost", None),
        ({"cap_centrum": "veel"}, "cap_centrum", "hele euro"),
        # the stored cap of 80,000 no longer fits a lower budget
        ({"budget": "50000"}, "cap_centrum", "hoger dan het hele budget (€ 50.000)"),
    ],
)
def test_a_cap_that_does_not_fit_is_a_400_at_its_field(
    editor, make_process, change, field, message
):
    process = make_process("budget", phase="review", caps={"centrum": 80_000})
    data = _form(editor, process)
    data.update(change)
    response = editor.post(_edit_url(process), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    if message is not None:
        assert message in html
    process.refresh_from_db()
    assert process.budget == 100_000 and _caps(process) == {"centrum": 80_000}


def test_the_caps_are_checked_as_when_a_process_is_made(admin, make_process):
    """One check for both: making a process with a cap above its budget is refused too."""
    with pytest.raises(InvalidInput, match="hoger dan het hele budget"):
        make_process("budget", budget=10_000, caps={"centrum": 20_000})
    with pytest.raises(InvalidInput, match="alleen bij een burgerbegroting"):
        make_process("crowdsourcing", caps={"centrum": 20_000})
    east = make_process(
        "budget", phase="information", scope="neighbourhoods", neighbourhood_codes=["oost"]
    )
    with pytest.raises(InvalidInput, match="Centrum hoort niet bij het gebied") as refused:
        edit_process(admin, east, caps={"centrum": 10_000})
    assert refused.value.details["field"] == "cap_centrum"
    with pytest.raises(InvalidInput, match="bestaat niet"):
        edit_process(admin, east, caps={"nergens": 10_000})
    # the area cannot lose a neighbourhood that has a cap: the cap would not fit
    edit_process(admin, east, caps={"oost": 10_000})
    east.refresh_from_db()
    with pytest.raises(InvalidInput, match="Oost hoort niet bij het gebied"):
        edit_process(admin, east, neighbourhood_codes=["centrum"])


# --- Who may take part ---------------------------------------------------------------------


def test_who_may_take_part_changes_until_residents_take_part(
    editor, make_process, admin, make_resident
):
    from stadhuis.participation import eligibility

    process = make_process("budget", phase="information")
    page = editor.get(_edit_url(process)).content.decode()
    assert "Dit kunt u veranderen tot inwoners gaan meedoen" in page
    data = _sent(page)
    data.update(scope="neighbourhoods", neighbourhoods=["oost"], min_age="16")
    data.pop("must_live_in_area", None)  # unticked
    assert editor.post(_edit_url(process), data).status_code == 302
    process.refresh_from_db()
    assert (process.scope, process.min_age, process.must_live_in_area) == (
        "neighbourhoods",
        16,
        False,
    )
    assert [n.code for n in process.neighbourhoods.all()] == ["oost"]
    young = make_resident("111222333", born=timezone.localdate() - dt.timedelta(days=15 * 366))
    resident = eligibility.resident_for(young.subject)
    assert "minstens 16 jaar" in eligibility.check(process, resident).reason

    set_phase(process, "ideas")
    page = editor.get(_edit_url(process)).content.decode()
    assert 'name="min_age"' not in page and 'name="scope"' not in page
    assert "Inwoners kunnen al meedoen. Daarom kunt u niet meer veranderen wie mag" in page
    assert "<dd>16 jaar</dd>" in page and "<dd>Oost</dd>" in page
    data = _sent(page)
    data.update(title="Nieuwe titel")
    # a page shown before the ideas phase began sends who may take part: as stored it
    # is no change, another value is refused with the reason and nothing is saved
    stored = {"scope": "neighbourhoods", "neighbourhoods": ["oost"], "min_age": "16"}
    response = editor.post(_edit_url(process), {**data, **stored, "min_age": "12"})
    assert response.status_code == 400
    assert "niet eerlijk" in response.content.decode()
    process.refresh_from_db()
    assert (process.min_age, process.title != "Nieuwe titel") == (16, True)
    unticked = {**data, **stored, "must_live_in_area": "on"}  # stored: not ticked
    assert editor.post(_edit_url(process), unticked).status_code == 400
    assert editor.post(_edit_url(process), {**data, **stored}).status_code == 302
    process.refresh_from_db()
    assert (process.title, process.min_age) == ("Nieuwe titel", 16)
    for change in ({"min_age": 12}, {"scope": "city"}, {"neighbourhood_codes": ["centrum"]}):
        with pytest.raises(InvalidInput, match="niet eerlijk") as refused:
            edit_process(admin, process, **change)
        assert refused.value.details["field"] in {"min_age", "scope", "neighbourhoods"}
        process.refresh_from_db()
    assert (process.scope, process.min_age) == ("neighbourhoods", 16)
    edit_process(admin, process, min_age=16, neighbourhood_codes=["oost"])  # no change


def test_residents_who_already_took_part_lock_who_may(admin, make_process, me):
    """The ideas phase was moved to later after an idea came in: the idea is there."""
    process = make_process(phase="ideas")
    services.idea_submit(actor=me, process=process, title="Bomen", body="Meer bomen")
    set_phase(process, "information")
    assert not Phase.objects.filter(
        process=process, kind__in=services.RESIDENT_PHASES, starts_at__lte=timezone.now()
    ).exists()
    with pytest.raises(InvalidInput, match="niet eerlijk"):
        edit_process(admin, process, min_age=18)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"scope": "neighbourhoods"}, "neighbourhoods", "Kies de buurten"),
        ({"scope": "overal"}, "scope", None),
        ({"neighbourhoods": ["nergens"]}, "neighbourhoods", None),
        ({"min_age": "130"}, "min_age", None),
        ({"min_age": "-1"}, "min_age", None),
    ],
)
def test_a_bad_area_or_age_is_a_400_at_its_field(editor, make_process, change, field, message):
    process = make_process(phase="information", title="Zo blijft het")
    data = _form(editor, process)
    data.update(title="Een nieuwe titel", **change)
    response = editor.post(_edit_url(process), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    if message is not None:
        assert message in html
    process.refresh_from_db()
    assert (process.title, process.scope, process.min_age) == ("Zo blijft het", "city", 0)


def test_the_service_checks_the_age_and_area_itself(admin, make_process):
    process = make_process(phase="information")
    with pytest.raises(InvalidInput, match="tussen 0 en 120 jaar"):
        edit_process(admin, process, min_age=130)
    with pytest.raises(InvalidInput, match="Kies de buurten"):
        edit_process(admin, process, scope="districts", neighbourhood_codes=[])
    process.refresh_from_db()
    assert (process.scope, process.min_age) == ("city", 0)


# --- The page ------------------------------------------------------------------------------


def test_each_group_of_fields_is_a_fieldset_with_a_legend(editor, make_process):
    process = make_process("budget", phase="information")
    html = editor.get(_edit_url(process)).content.decode()
    form = html.split('<form class="form"', 1)[1]
    legends = re.findall(r"<fieldset[^>]*>\s*<legend><h2>([^<]+)</h2></legend>", form)
    assert legends == [
        "Teksten",
        "Wie mag meedoen",
        "Budget, stembiljet en tellen",
        "Maximum per buurt",
        "Fases",
    ]
    # each hint is read with its group
    for hint in ("wie-hint", "stemmen-hint", "plafonds-hint", "fases-hint"):
        assert f'aria-describedby="{hint}"' in form and f'id="{hint}"' in form
    assert '<label class="form-label" for="id_cap_centrum">Centrum</label>' in form
    assert "<script" not in form


def test_the_second_editor_keeps_the_new_fields_they_typed(client, staff_client, make_process):
    """The 409 path with the new fields: what the second typed stays in the form, what the
    first stored is shown above it and is in the form where the second changed nothing,
    and sent again both editors' changes stay (review 2026-12-01: the second's form sent
    back the old maximum and no cap for Centrum, which undid the first one's change)."""
    process = make_process("budget", phase="information")
    staff_client("administrator", username="eerste")
    first = _form(client, process)
    second = dict(first)
    first.update(cap_centrum="30000", ballot_max="4")
    assert client.post(_edit_url(process), first).status_code == 302
    second.update(min_age="16", cap_oost="20000")
    response = client.post(_edit_url(process), second)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Centrum: € 30.000" in html  # stored now, in the card above the form
    form = html.split('<form class="form"', 1)[1]
    again = _sent(form)
    assert (again["min_age"], again["cap_oost"]) == ("16", "20000")  # the second's
    assert (again["cap_centrum"], again["ballot_max"]) == ("30000", "4")  # the first's
    assert "kies wat blijft" not in form  # nothing both changed
    process.refresh_from_db()
    assert (process.min_age, process.ballot_max) == (0, 4)
    assert client.post(_edit_url(process), again).status_code == 302
    process.refresh_from_db()
    assert (process.min_age, process.ballot_max) == (16, 4)
    assert _caps(process) == {"centrum": 30_000, "oost": 20_000}


def _two_editors(client, staff_client, process):
    """Both editors' pages, shown before either saved."""
    staff_client("administrator", username="eerste")
    first = _form(client, process)
    return first, dict(first)


def _page_form(response) -> str:
    return response.content.decode().split('<form class="form"', 1)[1]


@pytest.mark.parametrize(
    ("keep", "title"), [("stored", "Van de eerste"), ("sent", "Van de tweede")]
)
def test_a_field_both_editors_changed_is_a_choice_and_nothing_saves_until_made(
    client, staff_client, make_process, keep, title
):
    process = make_process("budget", phase="information", title="Oud")
    first, second = _two_editors(client, staff_client, process)
    first.update(title="Van de eerste", budget="150000")
    assert client.post(_edit_url(process), first).status_code == 302
    second.update(title="Van de tweede", question="De vraag van de tweede")
    response = client.post(_edit_url(process), second)
    assert response.status_code == 409
    form = _page_form(response)
    assert "Allebei veranderd: kies wat blijft" in form
    assert "Wat nu is opgeslagen: Van de eerste" in form  # both values, to choose from
    assert "Wat u invulde: Van de tweede" in form
    again = _sent(form)
    assert (again["title"], again["budget"]) == ("Van de tweede", "150000")
    # Sent without a choice: still nothing saved, the choice is asked at its field.
    response = client.post(_edit_url(process), again)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'href="#id_keep_title_0"' in html  # in the error summary
    assert "Kies wat er moet blijven staan." in html
    process.refresh_from_db()
    assert (process.title, process.question) == (
        "Van de eerste",
        "Hoe maken we het centrum groener?",
    )
    again = {**_sent(_page_form(response)), "keep_title": keep}
    assert client.post(_edit_url(process), again).status_code == 302
    process.refresh_from_db()
    assert (process.title, process.question, process.budget) == (
        title,
        "De vraag van de tweede",
        150_000,
    )


def test_the_first_editors_phases_and_area_stay(client, staff_client, make_process):
    """The phases list and the boxes of the neighbourhoods (an empty list sends nothing)
    merge like any field."""
    process = make_process(
        phase="information", scope="neighbourhoods", neighbourhood_codes=["centrum"]
    )
    first, second = _two_editors(client, staff_client, process)
    today = timezone.localdate()
    first.update(
        scope="districts",
        neighbourhoods=["centrum", "oost"],
        voting_start=(today + dt.timedelta(days=60)).isoformat(),
        voting_end=(today + dt.timedelta(days=70)).isoformat(),
    )
    assert client.post(_edit_url(process), first).status_code == 302
    voting = Phase.objects.get(process=process, kind="voting")
    second["title"] = "Van de tweede"
    response = client.post(_edit_url(process), second)
    assert response.status_code == 409
    assert "kies wat blijft" not in _page_form(response)
    assert client.post(_edit_url(process), _sent(_page_form(response))).status_code == 302
    process.refresh_from_db()
    assert process.title == "Van de tweede"
    assert process.scope == "districts"
    assert sorted(n.code for n in process.neighbourhoods.all()) == ["centrum", "oost"]
    now = Phase.objects.get(process=process, kind="voting")
    assert (now.starts_at, now.ends_at) == (voting.starts_at, voting.ends_at)


def test_a_phase_both_editors_moved_is_a_choice(client, staff_client, make_process):
    process = make_process(phase="information")
    first, second = _two_editors(client, staff_client, process)
    start, _end = forms.phase_days(Phase.objects.get(process=process, kind="voting"))
    later = (start + dt.timedelta(days=1)).isoformat()  # from midnight: after the review
    first.update(voting_start=later, voting_end=(start + dt.timedelta(days=3)).isoformat())
    assert client.post(_edit_url(process), first).status_code == 302
    second.update(voting_start=later, voting_end=(start + dt.timedelta(days=4)).isoformat())
    response = client.post(_edit_url(process), second)
    assert response.status_code == 409
    form = _page_form(response)
    assert "Fase stemmen" in form and 'name="keep_phase_voting"' in form
    again = {**_sent(form), "keep_phase_voting": "stored"}
    assert client.post(_edit_url(process), again).status_code == 302
    voting = Phase.objects.get(process=process, kind="voting")
    assert timezone.localdate(voting.last_moment) == start + dt.timedelta(days=3)


def test_a_page_from_before_a_lock_leaves_the_first_editors_budget(
    client, staff_client, make_process
):
    """The first changed the budget, then voting began: the second's page still sends the
    budget it showed. That is no change of theirs, so it is not refused as a change of a
    locked value, and the first one's budget stays."""
    process = make_process("budget", phase="information")
    first, second = _two_editors(client, staff_client, process)
    first["budget"] = "150000"
    assert client.post(_edit_url(process), first).status_code == 302
    set_phase(process, "voting")
    second["title"] = "Van de tweede"
    response = client.post(_edit_url(process), second)
    # not refused; shown again only for the phases set_phase moved (not the budget's)
    assert response.status_code == 409
    assert "Het stemmen is begonnen." in response.content.decode()  # the locked group
    assert client.post(_edit_url(process), _sent(_page_form(response))).status_code == 302
    process.refresh_from_db()
    assert (process.title, process.budget) == ("Van de tweede", 150_000)


def test_the_edit_page_reads_each_thing_once(editor, make_process, django_assert_num_queries):
    """Session, user, two-factor device, role; the process and its phases; voting began
    (phase, ballots, roll); residents took part; the neighbourhoods, the caps and the
    process's own neighbourhoods: once each."""
    process = make_process("budget", phase="information")
    url = _edit_url(process)
    editor.get(url)
    with django_assert_num_queries(13):
        assert editor.get(url).status_code == 200


def test_the_hint_says_that_residents_taking_part_also_locks_who_may(editor, make_process):
    process = make_process(phase="information")
    html = editor.get(_edit_url(process)).content.decode()
    hint = re.search(r'<p class="form-hint" id="wie-hint">(.*?)</p>', html, re.S).group(1)
    assert "zodra een inwoner al meedoet" in hint and "een idee" in hint
    editor.cookies["django_language"] = "en"
    html = editor.get(_edit_url(process)).content.decode()
    hint = re.search(r'<p class="form-hint" id="wie-hint">(.*?)</p>', html, re.S).group(1)
    assert "as soon as a resident takes part" in hint


# --- phase_move ----------------------------------------------------------------------------


def test_phase_move_refuses_phases_that_overlap(admin, make_process):
    """The same check as making and changing a process: one phase at a time."""
    process = make_process(phase="ideas")
    review = Phase.objects.get(process=process, kind="review")
    voting = Phase.objects.get(process=process, kind="voting")
    with pytest.raises(InvalidInput, match="lopen door elkaar"):
        services.phase_move(
            actor=admin,
            process=process,
            kind="voting",
            starts_at=review.ends_at - dt.timedelta(days=1),
            ends_at=voting.ends_at,
        )
    assert Phase.objects.get(pk=voting.pk).starts_at == voting.starts_at
    assert Process.objects.get(pk=process.pk).revision == process.revision
    # Moved next to it, it is fine.
    moved = services.phase_move(
        actor=admin,
        process=process,
        kind="voting",
        starts_at=review.ends_at,
        ends_at=voting.ends_at,
    )
    assert moved.starts_at == review.ends_at


def test_phase_move_is_not_stopped_by_an_old_overlap_of_other_phases(admin, make_process):
    """Two phases that overlapped from before the rule do not block moving a third."""
    process = make_process(phase="ideas")
    information = Phase.objects.get(process=process, kind="information")
    ideas = Phase.objects.get(process=process, kind="ideas")
    Phase.objects.filter(pk=information.pk).update(ends_at=ideas.starts_at + dt.timedelta(hours=5))
    implementation = Phase.objects.get(process=process, kind="implementation")
    services.phase_move(
        actor=admin,
        process=process,
        kind="implementation",
        starts_at=implementation.starts_at,
        ends_at=implementation.ends_at + dt.timedelta(days=30),
    )
    with pytest.raises(InvalidInput, match="lopen door elkaar"):  # but touching it does
        services.phase_move(
            actor=admin,
            process=process,
            kind="ideas",
            starts_at=ideas.starts_at,
            ends_at=ideas.ends_at - dt.timedelta(hours=1),
        )
