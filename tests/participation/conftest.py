import datetime as dt

import pytest
from django.utils import timezone

from stadhuis.accounts.models import Resident
from stadhuis.accounts.services import resident_actor, resident_login, staff_actor
from stadhuis.cases.services import case_type_create, case_type_publish
from stadhuis.demo.catalogue import CASE_TYPES
from stadhuis.participation import services
from stadhuis.participation.models import PHASE_ORDER


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def brp(resident: Resident, *, postcode: str = "1011AB", born=dt.date(1990, 5, 17)) -> Resident:
    """What the BRP says about the resident (in production it comes with the login)."""
    Resident.objects.filter(pk=resident.pk).update(postcode=postcode, birth_date=born)
    resident.refresh_from_db()
    return resident


@pytest.fixture
def admin(make_staff):
    return staff_actor(make_staff("administrator", username="p-admin"))


@pytest.fixture
def handler(make_staff):
    return staff_actor(make_staff("case_handler", username="p-handler", unit="Participatie"))


@pytest.fixture
def city(admin):
    """Two neighbourhoods: Centrum (1011-1012) and Oost (1013-1014)."""
    services.neighbourhood_save(
        actor=admin,
        code="centrum",
        name="Centrum",
        district="Binnenstad",
        postcode_ranges=[("1011AA", "1012ZZ")],
    )
    services.neighbourhood_save(
        actor=admin,
        code="oost",
        name="Oost",
        district="Oost",
        postcode_ranges=[("1013AA", "1014ZZ")],
    )


@pytest.fixture
def me(resident, city):
    brp(resident)
    return resident_actor(resident)


@pytest.fixture
def make_resident(db, city):
    def make(bsn: str, *, postcode: str = "1011AB", born=dt.date(1980, 1, 1), name: str = ""):
        resident = resident_login(bsn=bsn, display_name=name).resident
        return resident_actor(brp(resident, postcode=postcode, born=born))

    return make


def phases_now(current: str) -> list[services.PhaseSpec]:
    """All six phases, one week each, with ``current`` running now."""
    now = timezone.now()
    index = PHASE_ORDER.index(current)
    specs = []
    for position, kind in enumerate(PHASE_ORDER):
        start = now + dt.timedelta(days=7 * (position - index)) - dt.timedelta(days=1)
        specs.append(services.PhaseSpec(kind, start, start + dt.timedelta(days=7)))
    return specs


@pytest.fixture
def make_process(admin, city):
    def make(kind: str = "crowdsourcing", *, phase: str = "ideas", **extra):
        extra.setdefault("title", "Een groener centrum")
        extra.setdefault("question", "Hoe maken we het centrum groener?")
        extra.setdefault("publish", True)
        if kind == "budget":
            extra.setdefault("budget", 100_000)
            extra.setdefault("ballot_type", "approval")
            extra.setdefault("counting_rule", "greedy")
        return services.process_create(actor=admin, kind=kind, phases=phases_now(phase), **extra)

    return make


def set_phase(process, current: str) -> None:
    """Move all phases so that ``current`` runs now (as staff would)."""
    from stadhuis.participation.models import Phase

    for spec in phases_now(current):
        Phase.objects.filter(process=process, kind=spec.kind).update(
            starts_at=spec.starts_at, ends_at=spec.ends_at
        )
    process.__dict__.pop("phase_list", None)


def edit_process(admin, process, **changes):
    """``services.process_edit`` of what ``changes`` names, the rest as stored: the
    revision the editor saw, the texts, and the phases that have not begun."""
    from stadhuis.participation.models import Phase

    now = timezone.now()
    sent = {
        "expected_revision": process.revision,
        "title": process.title,
        "question": process.question,
        "description": process.description,
        "criteria": process.criteria,
        "phases": [
            services.PhaseSpec(p.kind, p.starts_at, p.ends_at)
            for p in Phase.objects.filter(process=process, starts_at__gt=now)
        ],
        "now": now,
    }
    return services.process_edit(actor=admin, process=process, **{**sent, **changes})


def published_count(process, admin, rule: str = "greedy"):
    """Voting over: staff count the vote, the worker runs it, staff publish it."""
    set_phase(process, "results")
    count = services.count_request(actor=admin, process=process, rule=rule)
    services.counts_run_due()
    count.refresh_from_db()
    return services.count_publish(actor=admin, count=count)


@pytest.fixture
def fund_case_types(admin):
    for spec in CASE_TYPES:
        if spec["code"] in services.FUND_CASE_TYPES.values():
            case_type_publish(actor=admin, case_type=case_type_create(actor=admin, spec=spec))


@pytest.fixture
def budget(make_process, handler):
    """A budget vote (approval, € 100,000) with three feasible projects, voting now."""
    process = make_process("budget", phase="review")
    projects = []
    for title, cost in [("Speeltuin", 40_000), ("Bomen", 50_000), ("Bankjes", 20_000)]:
        project = services.project_create(
            actor=handler, process=process, title=title, description=f"{title} erbij", cost=cost
        )
        services.project_review(
            actor=handler, project=project, feasible=True, reason="Kan", cost=cost
        )
        projects.append(project)
    set_phase(process, "voting")
    process.refresh_from_db()
    return process, projects
