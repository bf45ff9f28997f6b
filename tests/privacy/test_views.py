"""The public processing register pages."""

import datetime

import pytest
from django.utils import timezone

from stadhuis.privacy import services
from stadhuis.privacy.models import ProcessingActivity


@pytest.fixture
def dpia_for(privacy_officer):
    def make(code, *, decide=None):
        dpia = services.dpia_create(
            actor=privacy_officer,
            activity=code,
            title=f"DPIA {code}",
            description="A",
            lawfulness="B",
            risks="C",
            measures="D",
        )
        if decide is not None:
            services.dpia_decide(actor=privacy_officer, dpia=dpia, approve=decide, note="Reden.")
        return dpia

    return make


def _active_count():
    return ProcessingActivity.objects.filter(is_active=True).count()


@pytest.mark.django_db
def test_list_shows_every_active_activity_in_its_current_version(
    client, register_activity, privacy_officer
):
    register_activity("parkeren", name="Parkeervergunningen")
    services.activity_revise(actor=privacy_officer, code="parkeren", name="Parkeren (nieuw)")
    register_activity("oud", name="Oude verwerking")
    services.activity_set_active(actor=privacy_officer, code="oud", active=False)

    response = client.get("/verwerkingsregister")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Parkeren (nieuw)" in html
    assert "Parkeervergunningen" not in html
    assert "Oude verwerking" not in html
    assert 'href="/verwerkingsregister/parkeren"' in html
    today = timezone.localtime().date()
    assert f"versie 2, sinds {today.day} " in html
    assert f"{_active_count()} verwerkingen" in html


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_activities(
    client, register_activity, django_assert_num_queries
):
    register_activity("een")
    with django_assert_num_queries(2):  # activities + versions + DPIA status; processors
        client.get("/verwerkingsregister")
    for n in range(10):
        register_activity(f"extra-{n}")
    with django_assert_num_queries(2):
        response = client.get("/verwerkingsregister")
    assert "Activiteit extra-9" in response.content.decode()


@pytest.mark.django_db
def test_detail_shows_the_whole_entry(client, register_activity, make_processor):
    today = timezone.localdate()
    cloud = make_processor(
        "Wolk BV",
        service="Opslag",
        country="Ierland",
        agreement_status="signed",
        agreement_signed_on=today - datetime.timedelta(days=800),
        agreement_expires_on=today - datetime.timedelta(days=1),
    )
    mail = make_processor(
        "Post BV",
        service="E-mail",
        agreement_status="signed",
        agreement_expires_on=today + datetime.timedelta(days=100),
    )
    draft = make_processor("Concept BV", agreement_status="draft")
    register_activity(
        "meldingen",
        name="Meldingen openbare ruimte",
        purpose="Kapotte lantaarnpalen snel maken.",
        legal_basis="public_task",
        legal_basis_detail="Gemeentewet, art. 160",
        controller_unit="Stadsbeheer",
        data_subject_categories=["melders"],
        personal_data_categories=["naam", "e-mailadres"],
        recipients=["Aannemer"],
        retention_description="Twee jaar na afhandeling",
        security_measures="Versleuteld.\nAlleen behandelaars.",
        processors=[cloud, mail, draft],
    )
    response = client.get("/verwerkingsregister/meldingen")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Meldingen openbare ruimte",
        "Kapotte lantaarnpalen snel maken.",
        "Taak van algemeen belang of openbaar gezag (AVG art. 6 lid 1 e)",
        "Gemeentewet, art. 160",
        "Stadsbeheer",
        "<li>melders</li>",
        "<li>e-mailadres</li>",
        "<li>Aannemer</li>",
        "Twee jaar na afhandeling",
        "Versleuteld.<br>Alleen behandelaars.",
        "Wolk BV",
        "Ierland",
        "Opslag",
        "versie 1, sinds",
    ):
        assert text in html, text
    # The expired agreement is flagged, the valid one is not, the draft is warned about.
    assert html.count("Let op: de overeenkomst is verlopen") == 1
    assert html.count("Let op: er is geen geldige overeenkomst") == 1
    assert "verlopen op" in html
    assert "geldig tot" in html


@pytest.mark.django_db
def test_detail_query_count(client, register_activity, make_processor, django_assert_num_queries):
    register_activity("a", processors=[make_processor("P1"), make_processor("P2")])
    with django_assert_num_queries(2):
        client.get("/verwerkingsregister/a")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("required", "decision", "status"),
    [
        (False, "none", "Niet nodig"),
        (True, "none", "Nog niet gestart"),
        (True, None, "Concept"),
        (True, True, "Goedgekeurd"),
        (True, False, "Afgewezen"),
    ],
)
def test_dpia_status_is_derived_from_the_latest_dpia(
    client, register_activity, dpia_for, required, decision, status
):
    register_activity("koppeling", dpia_required=required)
    if decision != "none":
        dpia_for("koppeling", decide=decision)
    html = client.get("/verwerkingsregister/koppeling").content.decode()
    assert f'">{status}</span>' in html
    listing = client.get("/verwerkingsregister").content.decode()
    assert f'">{status}</span>' in listing


@pytest.mark.django_db
def test_latest_dpia_wins(client, register_activity, dpia_for):
    register_activity("koppeling", dpia_required=True)
    dpia_for("koppeling", decide=False)
    dpia_for("koppeling", decide=True)
    html = client.get("/verwerkingsregister/koppeling").content.decode()
    assert 'status--approved">Goedgekeurd</span>' in html


@pytest.mark.django_db
def test_unknown_and_inactive_activities_are_not_found(client, register_activity, privacy_officer):
    register_activity("weg")
    services.activity_set_active(actor=privacy_officer, code="weg", active=False)
    assert client.get("/verwerkingsregister/weg").status_code == 404
    assert client.get("/verwerkingsregister/bestaat-niet").status_code == 404


@pytest.mark.django_db
def test_register_is_public_and_cacheable(client):
    response = client.get("/verwerkingsregister")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" not in cache_control
    # browsers may keep it; shared caches may not, as the page sets a CSRF cookie
    assert "private" in cache_control
    assert "max-age=300" in cache_control


@pytest.mark.django_db
def test_register_is_not_stored_for_logged_in_visitors(resident_client):
    assert resident_client.get("/verwerkingsregister")["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_builtin_activities_are_shown_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/verwerkingsregister/inloggen-inwoner").content.decode()
    assert "Public task or official authority (GDPR art. 6(1)(e))" in html
    assert "Logging in with DigiD and your account with the municipality" in html
