"""Accessibility of the public figures page and the staff case pages, as the HTML shows it."""

import pytest
from django.urls import reverse

from tests.cases.test_queries_staff import clock, dataset  # noqa: F401  (shared fixtures)
from tests.cases.test_views_staff import (  # noqa: F401  (shared fixtures and helpers)
    QUEUE,
    beheer,
    beheer_client,
    case_url,
    escalated,
    login,
    report,
)
from tests.web.a11y import assert_tables_scroll_in_labelled_regions


@pytest.mark.django_db
def test_figures_tables_scroll_in_their_own_labelled_box(client, dataset):  # noqa: F811
    html = client.get("/cijfers").content.decode()
    # per year: the ombudsman table and the one per case type
    assert assert_tables_scroll_in_labelled_regions(html) == 2


# --- Staff pages ------------------------------------------------------------------------------


def _title(html: str) -> str:
    return html.split("<title>", 1)[1].split("</title>", 1)[0].strip()


def test_staff_queue_and_case_tables_scroll_in_their_own_labelled_box(
    catalogue,
    me,
    beheer_client,  # noqa: F811
):
    case = report(me)
    html = beheer_client.get(QUEUE).content.decode()
    assert assert_tables_scroll_in_labelled_regions(html) == 1
    assert 'id="zaken-caption"' in html
    html = beheer_client.get(case_url(case)).content.decode()
    assert assert_tables_scroll_in_labelled_regions(html) == 1  # the full history
    assert 'id="geschiedenis-caption"' in html


def test_a_refused_case_action_starts_the_title_with_fout(catalogue, me, beheer_client):  # noqa: F811
    case = report(me)
    assert _title(beheer_client.get(case_url(case)).content.decode()).startswith("Zaak ")
    for action, data in (
        ("note", {"note-body": ""}),
        ("message", {"message-body": ""}),
        ("status", {"status-expected_version": case.version, "status-status": "afgehandeld"}),
    ):
        response = beheer_client.post(case_url(case, action), data)
        assert response.status_code == 400, action
        html = response.content.decode()
        assert _title(html).startswith(f"Fout: Zaak {case.reference}"), action
        assert 'class="error-summary"' in html and "autofocus" in html


def test_a_refused_queue_filter_starts_the_title_with_fout(catalogue, beheer_client):  # noqa: F811
    html = beheer_client.get(QUEUE, {"status": "bestaat-niet"}).content.decode()
    assert 'class="error-summary"' in html
    assert _title(html).startswith("Fout: Werkvoorraad")
    assert _title(beheer_client.get(QUEUE).content.decode()).startswith("Werkvoorraad")


def test_ombudsman_tables_and_a_refused_judgement(escalated, client, make_staff):  # noqa: F811
    login(client, make_staff("ombudsman", username="omb"))
    html = client.get(reverse("cases:ombudsman_queue")).content.decode()
    assert assert_tables_scroll_in_labelled_regions(html) == 1
    url = reverse("cases:ombudsman_case", args=[escalated.reference])
    html = client.get(url).content.decode()
    assert assert_tables_scroll_in_labelled_regions(html) == 1
    assert _title(html).startswith("Ombudsman: zaak")
    response = client.post(url, {"findings": "", "recommendation": ""})
    assert response.status_code == 400
    assert _title(response.content.decode()).startswith("Fout: Ombudsman: zaak")
