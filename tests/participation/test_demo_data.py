"""The demo city has one participation process of each kind, made by the real services."""

from django.core.management import call_command

from stadhuis.participation.models import (
    Ballot,
    CountStatus,
    FundApplication,
    Idea,
    Process,
    Project,
    Response,
    VoterRollEntry,
)


def test_demo_participation(db):
    call_command("demo", "--quiet")
    kinds = set(Process.objects.values_list("kind", flat=True))
    assert kinds == {"crowdsourcing", "consultation", "budget", "fund", "challenge"}
    assert Idea.objects.filter(visibility="published").count() == 3
    # staff have a project to review: a resident's idea in the neighbourhood budget
    waiting = Project.objects.get(feasibility="pending")
    assert waiting.idea and waiting.process.title == "Buurtbudget Westerkwartier"
    assert Response.objects.count() == 4
    assert Ballot.objects.count() == VoterRollEntry.objects.count() == 6
    counted = Process.objects.get(title="Burgerbegroting 2026").counts.get()
    assert counted.status == CountStatus.DONE and counted.is_published and counted.funded
    assert FundApplication.objects.get().case_reference
    ballots = Ballot.objects.count()
    call_command("demo", "--quiet")
    assert Ballot.objects.count() == ballots and Process.objects.count() == 7
