"""Public figures (service levels and the ombudsman): aggregates, small-cell suppression,
the /cijfers page and its CSV."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from stadhuis.accounts.services import staff_actor
from stadhuis.cases import queries_staff, services

SMALL = "minder dan 5"
# Mid-year of the real current year: model defaults (Escalation.escalated_at) still use
# the real clock, and they must fall in the same year as the cases.
YEAR = dt.datetime.now(dt.UTC).year
TODAY = dt.datetime(YEAR, 6, 16, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    """A settable "now" (timezone.now), so deadlines and years are fixed."""
    state = {"now": TODAY}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def set_to(value):
        state["now"] = value

    return set_to


def report(me, text="Lantaarnpaal kapot"):
    return services.case_submit(
        actor=me,
        case_type_code="melding-openbare-ruimte",
        description=text,
        answers={"categorie": "Straatverlichting"},
    )


def close(actor, case, status="afgehandeld", result="opgelost"):
    services.case_set_status(
        actor=actor,
        case=case,
        expected_version=case.version,
        status_code=status,
        result_code=result,
    )


@pytest.fixture
def dataset(catalogue, me, make_staff, clock):
    """6 reports (5 closed: 3 the same day, 2 after 30 days, too late) and 2 complaints,
    both closed and taken to the ombudsman."""
    beheer = staff_actor(make_staff("case_handler", username="b", unit="Stadsbeheer"))
    klachten = staff_actor(make_staff("case_handler", username="k", unit="Klachtencoördinatie"))
    clock(TODAY - dt.timedelta(days=30))
    late = [report(me, "Geheime omschrijving") for _ in range(2)]
    clock(TODAY)
    quick = [report(me) for _ in range(4)]
    for case in late + quick[:3]:
        close(beheer, case)
    for _ in range(2):
        complaint = services.case_submit(actor=me, case_type_code="klacht", description="Boos")
        close(klachten, complaint, result="ongegrond")
        services.case_escalate(actor=me, case=complaint, reason="Oneens")
    return {"late": late, "quick": quick}


def test_public_figures_aggregate_per_year_and_case_type(dataset):
    years = {y.year: y for y in queries_staff.public_figures()}
    assert set(years) == {YEAR}  # past years without any case are left out
    figures = {t.code: t for t in years[YEAR].types}
    report_figures = figures["melding-openbare-ruimte"]
    assert (report_figures.opened, report_figures.closed) == (6, 5)
    assert report_figures.on_time == 3 and report_figures.on_time_share == 60
    assert report_figures.median_days == 0.0  # sorted: 0, 0, 0, 30, 30
    assert (figures["klacht"].opened, figures["klacht"].closed) == (2, 2)
    assert figures["klacht"].median_days is None  # fewer than 5: not even computed
    ombudsman = years[YEAR].ombudsman
    assert (ombudsman.received, ombudsman.judged, ombudsman.unhappy) == (2, 0, 2)


def test_median_of_an_even_number_is_the_mean_of_the_middle_two(dataset, me, make_staff, clock):
    beheer = staff_actor(make_staff("case_handler", username="b2", unit="Stadsbeheer"))
    close(beheer, dataset["quick"][3])  # now 6 closed: 0, 0, 0, 0, 30, 30
    clock(TODAY + dt.timedelta(days=10))
    extra = report(me)
    clock(TODAY + dt.timedelta(days=30))
    close(beheer, extra)  # 0, 0, 0, 0, 20, 30, 30 -> 7 values, median 0
    late = report(me)
    clock(TODAY + dt.timedelta(days=44))
    close(beheer, late)  # + 14 -> 8 values: 0, 0, 0, 0, 14, 20, 30, 30 -> (0 + 14) / 2
    item = next(
        t for t in queries_staff.public_figures()[0].types if t.code == "melding-openbare-ruimte"
    )
    assert item.closed == 8 and item.median_days == 7.0


def test_small_cells_are_suppressed():
    assert [queries_staff.suppress(n) for n in (0, 1, 4, 5, 12)] == ["0", SMALL, SMALL, "5", "12"]


def test_one_small_ground_hides_the_other_too(monkeypatch):
    """received = unhappy + overdue: showing 9 and 'fewer than 5' of 12 gives 3 away."""
    figures = queries_staff.YearFigures(
        YEAR, queries_staff.OmbudsmanFigures(received=12, judged=12, unhappy=9, overdue=3), []
    )
    monkeypatch.setattr(queries_staff, "public_figures", lambda years: [figures])
    published = dict(
        (key, value) for key, _l, value in queries_staff.published_figures()[0].ombudsman
    )
    assert published["ontvangen"] == "12"
    assert published["grond-ontevreden"] == SMALL and published["grond-te-laat"] == SMALL


def test_figures_page_shows_suppressed_figures_without_personal_data(dataset, client):
    response = client.get("/cijfers")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Melding openbare ruimte" in html and "Klacht over de gemeente" in html
    assert "<td>6</td><td>5</td><td>0</td><td>60</td>" in html
    assert f"<td>{SMALL}</td><td>{SMALL}</td><td>—</td><td>—</td>" in html
    assert "Geheime omschrijving" not in html
    for case in dataset["quick"]:
        assert case.reference not in html
    cache_control = response["Cache-Control"]
    # no personal data, so it may be kept; the language switch sets a CSRF cookie, so
    # only the visitor's own browser may keep it (as for the processing register)
    assert "no-store" not in cache_control
    assert "private" in cache_control and "max-age=300" in cache_control


def test_figures_csv(dataset, client):
    response = client.get("/cijfers.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == ["jaar", "onderwerp", "cijfer", "waarde"]
    body = {tuple(row[:3]): row[3] for row in rows[1:]}
    year = str(YEAR)
    assert body[(year, "melding-openbare-ruimte", "geopend")] == "6"
    assert body[(year, "melding-openbare-ruimte", "afgesloten")] == "5"
    assert body[(year, "melding-openbare-ruimte", "mediaan-dagen-tot-afsluiten")] == "0"
    assert body[(year, "melding-openbare-ruimte", "procent-binnen-termijn")] == "60"
    assert body[(year, "klacht", "geopend")] == SMALL
    assert body[(year, "ombudsman", "ontvangen")] == SMALL
    assert body[(year, "ombudsman", "beoordeeld")] == "0"
    assert "Geheime omschrijving" not in response.content.decode()


def test_figures_cost_the_same_number_of_queries_for_more_cases(
    dataset, me, make_staff, django_assert_num_queries
):
    with django_assert_num_queries(5) as before:
        queries_staff.public_figures()
    beheer = staff_actor(make_staff("case_handler", username="b3", unit="Stadsbeheer"))
    for _ in range(10):
        close(beheer, report(me))
    with django_assert_num_queries(len(before.captured_queries)):
        queries_staff.public_figures()
