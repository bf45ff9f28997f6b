"""The demo city's participation: one process of each kind, with residents taking part.

Everything goes through the participation services, so the demo follows the same
rules (eligibility, phases, the processing log). Dates are relative to now, so the
ideas phase, the open consultation and the running vote are always running when the
demo starts. Running it again adds nothing: it stops when the neighbourhoods exist.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from stadhuis.accounts.models import User
from stadhuis.accounts.services import resident_actor, resident_login, staff_actor
from stadhuis.participation import services
from stadhuis.participation.models import PHASE_ORDER, Neighbourhood

NEIGHBOURHOODS = [
    ("centrum", "Centrum", "Binnenstad", ("1011AA", "1012ZZ")),
    ("oost", "Oosterpark", "Oost", ("1013AA", "1014ZZ")),
    ("west", "Westerkwartier", "West", ("1015AA", "1016ZZ")),
]

# What the BRP would say: the demo residents' birth dates (Sanne is 17).
BIRTH_DATES = {
    "111222333": dt.date(1985, 3, 12),
    "123456782": dt.date(1972, 11, 2),
    "111111110": dt.date(1958, 7, 23),
    "555555550": dt.date(1990, 1, 30),
    "999910024": dt.date(2009, 9, 15),
}


def _phases(current: str, now: dt.datetime) -> list[services.PhaseSpec]:
    """The six phases, two weeks each, with ``current`` running now."""
    index = PHASE_ORDER.index(current)
    specs = []
    for position, kind in enumerate(PHASE_ORDER):
        start = now + dt.timedelta(days=14 * (position - index) - 3)
        specs.append(services.PhaseSpec(kind, start, start + dt.timedelta(days=14)))
    return specs


def _set_birth_dates() -> dict[str, object]:
    """Birth dates from the (demo) BRP, stored and logged as the login broker's delivery
    is: through ``resident_login`` (an update of the account in the resident's log)."""
    return {
        bsn: resident_actor(resident_login(bsn=bsn, birth_date=born).resident)
        for bsn, born in BIRTH_DATES.items()
    }


def generate_participation(staff: dict[str, User]) -> None:
    """Add the demo processes, unless they are there already."""
    if Neighbourhood.objects.exists():
        return
    admin = staff_actor(staff["administrator"])
    handler = staff_actor(staff["participatie"])
    for code, name, district, postcodes in NEIGHBOURHOODS:
        services.neighbourhood_save(
            actor=admin, code=code, name=name, district=district, postcode_ranges=[postcodes]
        )
    people = _set_birth_dates()
    anna, mohamed, kees, fatma, sanne = (
        people[b] for b in ("111222333", "123456782", "111111110", "555555550", "999910024")
    )
    now = timezone.now()
    _crowdsourcing(admin, handler, now, anna, mohamed, kees, fatma)
    _consultation(admin, handler, now, anna, mohamed, kees, sanne)
    _budgets(admin, handler, now, anna, mohamed, kees, fatma, sanne)
    _neighbourhood_budget(admin, handler, now, sanne)
    _fund(admin, handler, now, anna, mohamed)
    services.process_create(
        actor=admin,
        kind="challenge",
        title="Right to challenge: groen in de wijk",
        question="Kunt u met uw buurt of vereniging een taak van de gemeente beter doen? "
        "Bijvoorbeeld het onderhoud van een park of het beheer van een buurthuis.",
        criteria="We vergelijken uw plan met hoe de gemeente het nu doet, op vier punten: "
        "1. de kosten; 2. de kwaliteit; 3. wie er in de buurt aan meedoet; 4. of het ook "
        "over drie jaar nog werkt.",
        phases=_phases("ideas", now),
        budget=50_000,
        publish=True,
    )


def _crowdsourcing(admin, handler, now, anna, mohamed, kees, fatma) -> None:
    process = services.process_create(
        actor=admin,
        kind="crowdsourcing",
        title="Een groener centrum",
        question="Hoe maken we het centrum groener en koeler in de zomer? Stuur uw idee in.",
        description="De gemeente kiest in het voorjaar de beste ideeën uit om uit te voeren.",
        phases=_phases("ideas", now),
        publish=True,
    )
    trees = services.idea_submit(
        actor=anna,
        process=process,
        title="Bomen in de Dorpsstraat",
        body="Plant bomen langs de Dorpsstraat. Dan is er schaduw en is het koeler.",
        location="Dorpsstraat",
    )
    roofs = services.idea_submit(
        actor=mohamed,
        process=process,
        title="Groene daken op de bushokjes",
        body="Leg planten op de daken van de bushokjes. Goed voor bijen en het regenwater.",
    )
    spam = services.idea_submit(
        actor=kees,
        process=process,
        title="Koop nu goedkope zonnebrillen",
        body="Kijk op mijn website voor aanbiedingen.",
    )
    for supporter in (mohamed, kees, fatma):
        services.idea_support(actor=supporter, idea=trees)
    services.idea_support(actor=anna, idea=roofs)
    first = services.comment_add(
        actor=fatma, idea=trees, body="Goed idee! Graag ook bankjes onder de bomen."
    )
    services.comment_add(actor=anna, idea=trees, body="Ja, dat lijkt me mooi.", parent=first)
    services.abuse_report(actor=anna, idea=spam, reason="Dit is reclame.")
    services.idea_moderate(
        actor=handler,
        idea=spam,
        action="reject",
        reason="Reclame hoort hier niet. Stuur gerust een idee voor het centrum in.",
    )


def _consultation(admin, handler, now, anna, mohamed, kees, sanne) -> None:
    process = services.process_create(
        actor=admin,
        kind="consultation",
        title="Het nieuwe Oosterpark",
        question="Het Oosterpark wordt opnieuw ingericht. Wat vindt u belangrijk?",
        min_age=12,
        phases=_phases("ideas", now),
        publish=True,
    )
    add = services.question_add
    often = add(
        actor=admin,
        process=process,
        kind="single",
        text="Hoe vaak komt u in het park?",
        choices=["Elke week", "Elke maand", "Bijna nooit"],
    )
    wishes = add(
        actor=admin,
        process=process,
        kind="multiple",
        text="Wat wilt u in het park?",
        choices=["Speeltuin", "Bankjes", "Sportveld", "Water"],
    )
    order = add(
        actor=admin,
        process=process,
        kind="ranking",
        text="Zet in volgorde wat het belangrijkst is.",
        choices=["Rust", "Spelen", "Sporten"],
    )
    happy = add(
        actor=admin,
        process=process,
        kind="scale",
        text="Hoe tevreden bent u nu over het park?",
        scale_min=1,
        scale_max=5,
    )
    other = add(
        actor=admin,
        process=process,
        kind="open",
        text="Wilt u nog iets zeggen?",
        required=False,
    )
    answers = [
        (
            anna,
            "Elke week",
            ["Speeltuin", "Water"],
            ["Spelen", "Rust", "Sporten"],
            3,
            "Meer schaduw",
        ),
        (mohamed, "Elke maand", ["Bankjes"], ["Rust", "Sporten", "Spelen"], 4, ""),
        (
            kees,
            "Elke week",
            ["Bankjes", "Water"],
            ["Rust", "Spelen", "Sporten"],
            2,
            "Minder fietsers",
        ),
        (sanne, "Bijna nooit", ["Sportveld"], ["Sporten", "Spelen", "Rust"], 2, ""),
    ]
    responses = []
    for actor, freq, wish, rank, score, text in answers:
        responses.append(
            services.response_submit(
                actor=actor,
                process=process,
                answers={
                    often.pk: freq,
                    wishes.pk: wish,
                    order.pk: rank,
                    happy.pk: score,
                    other.pk: text,
                },
            )
        )
    open_answer = responses[0].answers.get(question=other)
    services.answer_moderate(actor=handler, answer=open_answer, approve=True)


PROJECTS_2026 = [
    ("Speeltuin Oosterpark", "Nieuwe toestellen voor kinderen tot 12 jaar.", 60_000, "oost"),
    ("Bomen in de Dorpsstraat", "Twintig bomen met bankjes eronder.", 45_000, "centrum"),
    ("Fietsenstalling station", "Een overdekte stalling voor 200 fietsen.", 80_000, "centrum"),
    ("Buurtmoestuin West", "Een moestuin voor en door de buurt.", 15_000, "west"),
    ("Watertappunten", "Vijf punten met gratis drinkwater.", 20_000, ""),
]
BALLOTS_2026 = [
    ["Speeltuin Oosterpark", "Buurtmoestuin West"],
    ["Bomen in de Dorpsstraat", "Watertappunten"],
    ["Fietsenstalling station", "Bomen in de Dorpsstraat"],
    ["Speeltuin Oosterpark", "Watertappunten", "Buurtmoestuin West"],
    ["Bomen in de Dorpsstraat", "Speeltuin Oosterpark"],
]


def _budget_projects(handler, process, projects) -> dict[str, str]:
    codes = {}
    for title, text, cost, neighbourhood in projects:
        project = services.project_create(
            actor=handler,
            process=process,
            title=title,
            description=text,
            cost=cost,
            neighbourhood_code=neighbourhood,
        )
        services.project_review(
            actor=handler,
            project=project,
            feasible=True,
            reason="De gemeente kan dit uitvoeren; de kosten zijn geraamd door Stadsbeheer.",
            cost=cost,
        )
        codes[title] = project.code
    return codes


def _budgets(admin, handler, now, anna, mohamed, kees, fatma, sanne) -> None:
    # Last year's budget: voted, counted with Equal Shares and published.
    done = services.process_create(
        actor=admin,
        kind="budget",
        title="Burgerbegroting 2026",
        question="Waar geven we € 150.000 aan uit? U koos uit vijf projecten.",
        phases=_phases("voting", now),
        min_age=16,
        budget=150_000,
        ballot_type="approval",
        ballot_max=3,
        counting_rule="mes-add1",
        publish=True,
    )
    codes = _budget_projects(handler, done, PROJECTS_2026)
    for actor, titles in zip((anna, mohamed, kees, fatma, sanne), BALLOTS_2026, strict=True):
        services.ballot_cast(
            actor=actor, process=done, choices=dict.fromkeys((codes[t] for t in titles), 1)
        )
    for spec in _phases("results", now):  # voting closed: the city moves the phases on
        services.phase_move(
            actor=admin,
            process=done,
            kind=spec.kind,
            starts_at=spec.starts_at,
            ends_at=spec.ends_at,
        )
    count = services.count_request(actor=admin, process=done, rule="mes-add1")
    services.counts_run_due()
    count.refresh_from_db()
    services.count_publish(actor=admin, count=count)
    funded = count.funded[0] if count.funded else None
    if funded:
        project = done.projects.get(code=funded)
        services.milestone_add(actor=handler, project=project, title="Ontwerp klaar", progress=30)

    # This year's budget: voting runs now, with points to share out.
    running = services.process_create(
        actor=admin,
        kind="budget",
        title="Burgerbegroting 2027",
        question="Verdeel 10 punten over de projecten die u het belangrijkst vindt.",
        phases=_phases("voting", now),
        min_age=16,
        budget=100_000,
        ballot_type="cumulative",
        ballot_points=10,
        counting_rule="greedy",
        caps={"centrum": 60_000},
        publish=True,
    )
    codes = _budget_projects(
        handler,
        running,
        [
            (
                "Zonnepanelen op het buurthuis",
                "Minder energiekosten voor het buurthuis.",
                40_000,
                "oost",
            ),
            ("Verlichting in het park", "Veilig door het park in het donker.", 35_000, "centrum"),
            ("Pannakooi", "Een kooi om te voetballen.", 30_000, "west"),
        ],
    )
    services.ballot_cast(
        actor=kees,
        process=running,
        choices={codes["Verlichting in het park"]: 6, codes["Pannakooi"]: 4},
    )


def _neighbourhood_budget(admin, handler, now, sanne) -> None:
    """A neighbourhood budget whose ideas phase is over: a resident's idea is now a
    project that waits for the city's feasibility review (staff do that in the demo)."""
    process = services.process_create(
        actor=admin,
        kind="budget",
        title="Buurtbudget Westerkwartier",
        question="Er is € 25.000 voor ideeën uit het Westerkwartier. Wat wilt u in uw buurt?",
        scope="neighbourhoods",
        neighbourhood_codes=["west"],
        phases=_phases("ideas", now),
        budget=25_000,
        ballot_type="approval",
        counting_rule="greedy",
        publish=True,
    )
    idea = services.idea_submit(
        actor=sanne,
        process=process,
        title="Picknicktafels op het Westerplein",
        body="Zet een paar picknicktafels op het plein. Dan kunnen buren samen buiten eten "
        "en praten.",
        location="Westerplein",
    )
    for spec in _phases("review", now):  # the ideas phase is over: the city reviews
        services.phase_move(
            actor=admin,
            process=process,
            kind=spec.kind,
            starts_at=spec.starts_at,
            ends_at=spec.ends_at,
        )
    services.project_create(
        actor=handler,
        process=process,
        idea=idea,
        title=idea.title,
        description=idea.body,
        cost=8_000,
    )


def _fund(admin, handler, now, anna, mohamed) -> None:
    process = services.process_create(
        actor=admin,
        kind="fund",
        title="Wijkfonds Centrum",
        question="Hebt u een plan voor uw buurt? Vraag tot € 5.000 aan.",
        criteria="Het plan is voor en door de buurt, staat open voor iedereen en heeft steun "
        "van buren.",
        scope="neighbourhoods",
        neighbourhood_codes=["centrum"],
        phases=_phases("ideas", now),
        budget=5_000,
        publish=True,
    )
    feast = services.application_submit(
        actor=anna,
        process=process,
        title="Buurtfeest op het plein",
        plan="Een middag met muziek, eten uit alle landen van de buurt en spelletjes voor "
        "kinderen.",
        amount=1_500,
        organisation="Bewonerscommissie Plein",
    )
    services.application_sign(actor=mohamed, application=feast)
    services.application_decide(
        actor=handler,
        application=feast,
        score=8,
        grant=True,
        reason="Een plan voor de hele buurt, met steun van buren. We kennen € 1.200 toe: de huur "
        "van het podium kan goedkoper.",
        amount=1_200,
    )
    services.milestone_add(
        actor=handler, application=feast, title="Datum en vergunning geregeld", progress=50
    )
