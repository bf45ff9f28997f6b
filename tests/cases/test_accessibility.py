"""Accessibility of the public figures page, as far as the HTML shows it."""

import pytest

from tests.cases.test_queries_staff import clock, dataset  # noqa: F401  (shared fixtures)
from tests.web.a11y import assert_tables_scroll_in_labelled_regions


@pytest.mark.django_db
def test_figures_tables_scroll_in_their_own_labelled_box(client, dataset):  # noqa: F811
    html = client.get("/cijfers").content.decode()
    # per year: the ombudsman table and the one per case type
    assert assert_tables_scroll_in_labelled_regions(html) == 2
