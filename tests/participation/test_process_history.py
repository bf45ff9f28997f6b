"""The history of a process: every change by staff (process_edit, phase_move, a Pabulib
import) appends one record, in the change's transaction, that nobody can alter; staff
read it on the process's page, and the public page says when a published process was
last changed."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from stadhuis.core.errors import Conflict
from stadhuis.participation import queries, services
from stadhuis.participation.models import Phase, Process, ProcessChange

from .conftest import edit_process


def _staff_page(client, process) -> str:
    url = reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _public(process) -> str:
    url = reverse("participation:process", kwargs={"process_id": process.public_id})
    return Client().get(url).content.decode()


def test_an_edit_records_when_who_and_what_changed(make_process, admin, make_staff):
    process = make_process("budget", phase="review", title="Oud", budget=100_000)
    before = timezone.now()
    edit_process(admin, process, title="Nieuw", budget=120_000, caps={"centrum": 50_000})
    (change,) = ProcessChange.objects.filter(process=process)
    assert change.at >= before and change.published
    assert change.changed_by_id == admin.user_id
    assert change.changes == [
        {"field": "title", "old": "Oud", "new": "Nieuw"},
        {"field": "budget", "old": 100_000, "new": 120_000},
        {"field": "caps", "old": {}, "new": {"centrum": 50_000}},
    ]


def test_nothing_changed_is_no_record(make_process, admin):
    process = make_process()
    edit_process(admin, process)
    assert not ProcessChange.objects.filter(process=process).exists()


def test_texts_are_kept_short_and_phases_as_moments(make_process, admin):
    process = make_process(phase="ideas")
    long = "Waar wilt u meer groen? " * 100
    stored = {p.kind: p for p in Phase.objects.filter(process=process)}
    last = stored["implementation"]
    later = services.PhaseSpec(
        "implementation", last.starts_at + dt.timedelta(days=1), last.ends_at + dt.timedelta(days=1)
    )
    kept = [
        services.PhaseSpec(k, stored[k].starts_at, stored[k].ends_at) for k in ("review", "voting")
    ]
    # results is left out: removed
    edit_process(admin, process, question=long, phases=[*kept, later])
    changes = {c["field"]: c for c in ProcessChange.objects.get(process=process).changes}
    assert len(changes["question"]["new"]) == services.SHORT_TEXT
    assert changes["question"]["new"].endswith("…")
    assert changes["phase:implementation"]["new"] == [
        later.starts_at.astimezone(dt.UTC).isoformat(),
        later.ends_at.astimezone(dt.UTC).isoformat(),
    ]
    assert changes["phase:results"]["new"] is None
    assert set(changes) == {"question", "phase:implementation", "phase:results"}


def test_the_record_is_written_in_the_changes_transaction(make_process, admin, monkeypatch):
    """The record fails: the change is not saved either (and the other way round)."""
    process = make_process(title="Blijft")

    def broken(**kwargs):
        raise RuntimeError("history unavailable")

    monkeypatch.setattr(ProcessChange.objects, "create", broken)
    with pytest.raises(RuntimeError):
        edit_process(admin, process, title="Weg")
    assert Process.objects.get(pk=process.pk).title == "Blijft"
    monkeypatch.undo()
    with pytest.raises(Conflict):  # a refused change leaves no record
        edit_process(admin, process, title="Weg", expected_revision=process.revision + 1)
    assert not ProcessChange.objects.filter(process=process).exists()


def test_a_record_cannot_be_changed_or_removed(make_process, admin):
    process = make_process(title="Oud")
    edit_process(admin, process, title="Nieuw")
    change = ProcessChange.objects.get(process=process)
    change.changes = []
    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        change.delete()
    with pytest.raises(PermissionError):
        ProcessChange.objects.filter(pk=change.pk).update(changes=[])
    with pytest.raises(PermissionError):
        ProcessChange.objects.filter(pk=change.pk).delete()
    # nor past the ORM: the database refuses too
    table = ProcessChange._meta.db_table
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET changes = '[]' WHERE id = %s", [change.pk])
    assert ProcessChange.objects.get(pk=change.pk).changes[0]["new"] == "Nieuw"


def test_moving_a_phase_and_an_import_are_recorded(make_process, admin):
    process = make_process("budget", phase="review", budget=100_000)
    last = Phase.objects.get(process=process, kind="implementation")
    services.phase_move(
        actor=admin,
        process=process,
        kind="implementation",
        starts_at=last.starts_at,
        ends_at=last.ends_at + dt.timedelta(days=2),
    )
    (moved,) = ProcessChange.objects.filter(process=process)
    assert [c["field"] for c in moved.changes] == ["phase:implementation"]
    text = (
        "META\nkey;value\nbudget;5000\nvote_type;approval\n"
        "PROJECTS\nproject_id;cost\np1;1000\nVOTES\nvoter_id;vote\n1;p1\n"
    )
    process.refresh_from_db()
    services.budget_import_pabulib(actor=admin, process=process, text=text)
    imported = ProcessChange.objects.filter(process=process).first()  # newest first
    assert imported.changes == [{"field": "budget", "old": 100_000, "new": 5000}]


def test_an_import_keeps_the_caps_within_the_files_budget(make_process, admin):
    process = make_process("budget", phase="review", budget=100_000, caps={"centrum": 50_000})
    text = (
        "META\nkey;value\nbudget;5000\nvote_type;approval\n"
        "PROJECTS\nproject_id;cost\np1;1000\nVOTES\nvoter_id;vote\n1;p1\n"
    )
    with pytest.raises(Exception, match="hoger dan het hele budget"):
        services.budget_import_pabulib(actor=admin, process=process, text=text)
    assert not process.ballots.exists()


def test_staff_read_the_history_on_the_process_page(
    client, staff_client, make_process, admin, make_staff
):
    process = make_process("budget", phase="information", title="Oud", budget=100_000)
    staff_client("administrator", username="lezer")
    assert "Dit proces is nog niet gewijzigd." in _staff_page(client, process)
    edit_process(admin, process, title="Nieuw", min_age=16, caps={"oost": 20_000})
    process.refresh_from_db()
    edit_process(admin, process, budget=150_000, leftover_partial=True, ballot_max=3)
    html = _staff_page(client, process)
    history = html.split('id="wijzigingen-title"', 1)[1].split("</section>", 1)[0]
    assert history.count('<li class="card">') == 2
    assert "door p-admin" in history  # the staff member who changed it
    newest, oldest = history.split('<li class="card">')[1:]
    assert "Budget (euro): van “€ 100.000” naar “€ 150.000”" in newest
    assert "Geld dat overblijft betaalt een deel van het volgende project: van “nee” naar “ja”" in (
        newest
    )
    assert "Titel: van “Oud” naar “Nieuw”" in oldest
    assert "Minimumleeftijd: van “geen” naar “16”" in oldest  # 0: no minimum, as the page
    assert "Maximaal aantal projecten: van “geen maximum” naar “3”" in newest
    assert "Maximum per buurt: van “-” naar “Oost € 20.000”" in oldest


def test_a_phase_in_the_history_reads_as_days_and_a_closing_time(make_process, admin):
    """A phase from the form (local midnights) reads as its first and last day; a vote
    closed at 14:32 shows the time."""
    process = make_process("budget", phase="voting")
    last = Phase.objects.get(process=process, kind="implementation")
    tz = timezone.get_current_timezone()
    first_day = timezone.localdate(last.starts_at) + dt.timedelta(days=1)
    edit_process(
        admin,
        process,
        phases=[
            *(
                services.PhaseSpec(p.kind, p.starts_at, p.ends_at)
                for p in Phase.objects.filter(process=process, kind="results")
            ),
            services.PhaseSpec(
                "implementation",
                dt.datetime.combine(first_day, dt.time(), tzinfo=tz),
                dt.datetime.combine(first_day + dt.timedelta(days=10), dt.time(), tzinfo=tz),
            ),
        ],
    )
    voting = Phase.objects.get(process=process, kind="voting")
    closed = timezone.localtime().replace(hour=14, minute=32, second=0, microsecond=0)
    services.phase_move(
        actor=admin, process=process, kind="voting", starts_at=voting.starts_at, ends_at=closed
    )
    closing, edit = queries.process_history(process)
    (moved,) = closing.fields
    assert moved.label == "Fase stemmen"
    assert moved.new.endswith(" 14:32")
    (days,) = edit.fields
    assert days.label == "Fase uitvoering"
    first, last_day = first_day, first_day + dt.timedelta(days=9)
    assert (
        days.new
        == f"{formats.date_format(first, 'j F Y')} – {formats.date_format(last_day, 'j F Y')}"
    )


def test_the_history_in_english(client, staff_client, make_process, admin):
    process = make_process("budget", phase="information", budget=100_000)
    edit_process(
        admin, process, ballot_type="knapsack", scope="neighbourhoods", neighbourhood_codes=["oost"]
    )
    staff_client("administrator", username="reader")
    url = reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    history = html.split('id="wijzigingen-title"', 1)[1].split("</section>", 1)[0]
    assert "Changes" in history
    assert "by p-admin" in history
    assert "Area: from “whole city” to “neighbourhoods”" in history


def test_the_public_page_says_when_a_published_process_was_changed(make_process, admin):
    process = make_process(title="Oud")
    assert "Gewijzigd op" not in _public(process)
    edit_process(admin, process, title="Nieuw")
    day = timezone.localdate()
    html = _public(process)
    assert f'Gewijzigd op <time datetime="{day.isoformat()}">' in html


def test_changes_before_publication_are_not_announced(make_process, admin):
    process = make_process(title="Oud", publish=False)
    edit_process(admin, process, title="Nieuw")
    assert not ProcessChange.objects.get(process=process).published
    # published later (there is no page for it yet; the field is what a publish sets)
    Process.objects.filter(pk=process.pk).update(is_published=True)
    assert queries.public_process(process.public_id).changed_at is None
    process.refresh_from_db()
    edit_process(admin, process, title="Nieuwer")
    assert queries.public_process(process.public_id).changed_at is not None
