"""Accessibility of the staff login page, as far as the HTML shows it."""

import pytest

from stadhuis.core.roles import Role
from tests.web.a11y import assert_tables_scroll_in_labelled_regions


@pytest.mark.django_db
def test_demo_accounts_table_scrolls_in_its_own_labelled_box(client, make_staff, demo_mode):
    # At 320 px the table of demo accounts (username, name, code) made the page scroll sideways.
    make_staff(Role.CASE_HANDLER, username="behandelaar")
    html = client.get("/medewerkers/inloggen").content.decode()
    assert assert_tables_scroll_in_labelled_regions(html) == 1
    assert 'id="demo-accounts-caption"' in html
