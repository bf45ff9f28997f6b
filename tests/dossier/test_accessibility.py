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
