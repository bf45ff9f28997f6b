"""Accessibility of the dossier pages, as far as the HTML shows it."""

from tests.dossier.conftest import report
from tests.web.a11y import assert_tables_scroll_in_labelled_regions


def test_log_table_scrolls_in_its_own_labelled_box(catalogue, me, resident_client):
    report(me)
    html = resident_client.get("/mijn-gegevens/verwerkingen").content.decode()
    assert assert_tables_scroll_in_labelled_regions(html) == 1
    assert 'id="dossier-log-caption"' in html


def test_readable_export_tables_scroll_in_boxes_with_their_own_names(
    catalogue, me, resident_client
):
    report(me)
    resident_client.get("/mijn-gegevens")
    html = resident_client.get("/mijn-gegevens/downloaden/overzicht").content.decode()
    # the summary per kind of use and the latest entries; the summary's box is not named
    # like the section it is in (two landmarks with one name)
    assert assert_tables_scroll_in_labelled_regions(html) == 2
    assert 'aria-labelledby="export-log export-log-count"' in html


def test_avg_requests_table_scrolls_in_a_box_named_by_the_page_heading(catalogue, me, make_staff):
    from stadhuis.cases import services as cases
    from tests.dossier.test_views import _staff_client

    cases.case_submit(actor=me, case_type_code="avg-inzage", description="Inzage")
    officer = _staff_client(make_staff("privacy_officer", username="po-a11y"))
    html = officer.get("/medewerkers/avg-verzoeken").content.decode()
    assert assert_tables_scroll_in_labelled_regions(html) == 1
    assert '<h1 id="verzoeken-title">' in html


def test_access_answer_check_shows_the_answer_tables_in_named_boxes(catalogue, me, make_staff):
    from stadhuis.cases import services as cases
    from tests.dossier.test_views import _staff_client

    request = cases.case_submit(actor=me, case_type_code="avg-inzage", description="Inzage")
    officer = _staff_client(make_staff("privacy_officer", username="po-a11y2"))
    html = officer.get(f"/medewerkers/avg-verzoeken/{request.reference}/antwoord").content.decode()
    assert assert_tables_scroll_in_labelled_regions(html) == 2  # the answer's two tables
    assert '<legend class="form-label">Resultaat</legend>' in html  # radios in a fieldset
