"""The layout every page shares, the home page and the error pages."""

import re

import pytest
from django.test import Client, override_settings

from stadhuis.core.roles import Role


@pytest.mark.django_db
def test_home_for_visitors_links_to_login_and_register(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/inloggen"' in html
    assert 'href="/verwerkingsregister"' in html
    assert "Welkom bij Gemeente Voorbeeldstad" in html


@pytest.mark.django_db
def test_layout_has_landmarks_skip_link_and_language(client):
    html = client.get("/").content.decode()
    assert '<html lang="nl">' in html
    assert re.search(r'<a class="skip-link" href="#inhoud">', html)
    assert '<main id="inhoud"' in html
    for landmark in ("<header", "<nav", "<footer"):
        assert landmark in html
    assert html.count("<h1") == 1
    # Strict CSP: nothing inline.
    assert "style=" not in html
    assert "<script" not in html


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_stylesheet_is_served_and_defines_tokens_and_focus(client):
    html = client.get("/").content.decode()
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert href.startswith("/static/web/")
    from django.contrib.staticfiles import finders

    css = open(finders.find("web/stadhuis.css"), encoding="utf-8").read()  # noqa: SIM115
    assert "--stadhuis-color-primary:" in css
    assert ":focus-visible" in css


@pytest.mark.django_db
def test_demo_banner_only_in_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert "Dit is een demo" not in client.get("/").content.decode()
    settings.DEMO_MODE = True
    assert "Dit is een demo. Gegevens zijn verzonnen." in client.get("/").content.decode()


@pytest.mark.django_db
def test_language_switch_posts_to_set_language_and_switches_to_english(client):
    html = client.get("/verwerkingsregister").content.decode()
    form = re.search(r'<form class="language-switch" action="([^"]+)" method="post">', html)
    assert form and form.group(1) == "/i18n/setlang/"
    assert 'name="language" value="en" lang="en"' in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/verwerkingsregister"})
    assert response.status_code == 302
    assert response["Location"] == "/verwerkingsregister"
    english = client.get("/verwerkingsregister").content.decode()
    assert '<html lang="en">' in english
    assert "Processing register" in english
    assert "Lees in het Nederlands" in english


@pytest.mark.django_db
def test_language_switch_is_csrf_protected():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_resident_home_is_mijn_omgeving(resident_client):
    response = resident_client.get("/")
    html = response.content.decode()
    assert "Mijn omgeving" in html
    assert "Welkom, Anna de Vries." in html
    assert 'action="/uitloggen"' in html
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_staff_home_lists_roles(staff_client, client):
    staff_client(Role.PRIVACY_OFFICER, Role.DATA_STEWARD)
    html = client.get("/").content.decode()
    assert "Uw rollen" in html
    assert "Privacy officer" in html
    assert "Data steward" in html
    assert "Mijn omgeving" not in html


@pytest.mark.django_db
def test_unverified_staff_session_sees_the_public_home(client, make_staff):
    client.force_login(make_staff(Role.PRIVACY_OFFICER))  # no second factor in the session
    html = client.get("/").content.decode()
    assert "Uw rollen" not in html


@pytest.mark.django_db
def test_friendly_404_in_dutch(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Deze pagina bestaat niet" in html
    assert 'href="/"' in html


@pytest.mark.django_db
def test_friendly_404_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/bestaat-niet").content.decode()
    assert "This page does not exist" in html


@pytest.mark.django_db
def test_friendly_403_and_400(rf):
    from django.contrib.auth.models import AnonymousUser

    from stadhuis.web import views

    request = rf.get("/")
    request.user = AnonymousUser()
    forbidden = views.forbidden(request)
    assert forbidden.status_code == 403
    assert "U mag deze pagina niet zien" in forbidden.content.decode()
    bad = views.bad_request(request)
    assert bad.status_code == 400
    assert "Er ging iets mis met uw verzoek" in bad.content.decode()


def test_500_page_renders_without_request_context(rf):
    from stadhuis.web import views

    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Er ging iets mis" in html
    assert "Gemeente Voorbeeldstad" in html


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_unhandled_error_shows_the_500_page(client, monkeypatch):
    from stadhuis.web import views

    def boom(request):
        raise RuntimeError("kapot")

    monkeypatch.setattr(views, "home", boom)
    from tests.conftest import _reload_urlconf

    _reload_urlconf()
    try:
        client.raise_request_exception = False
        response = client.get("/")
    finally:
        monkeypatch.undo()
        _reload_urlconf()
    assert response.status_code == 500
    assert "Dit is onze fout, niet de uwe" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_page_explains_what_to_do(rf):
    from django.contrib.auth.models import AnonymousUser

    from stadhuis.web import views

    request = rf.post("/")
    request.user = AnonymousUser()
    response = views.csrf_failure(request, reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert "Dit formulier is verlopen" in response.content.decode()


@pytest.mark.django_db
def test_every_form_control_and_table_box_is_styled_for_reflow_and_focus():
    """Date fields had the browser's small default look and lost their focus ring on the
    calendar button; wide tables made the whole page scroll sideways at 320 px."""
    from django.contrib.staticfiles import finders

    css = open(finders.find("web/stadhuis.css"), encoding="utf-8").read()  # noqa: SIM115
    controls = re.search(r'((?:input\[type="[a-z]+"\],\s*)+select,\s*textarea)\s*\{', css)
    for kind in ("text", "email", "number", "tel", "date"):
        assert f'input[type="{kind}"]' in controls.group(1)
    date_focus = re.search(r'input\[type="date"\]:focus-within\s*\{([^}]*)\}', css).group(1)
    assert "outline:" in date_focus and "box-shadow:" in date_focus
    scroll = re.search(r"\.table-scroll\s*\{([^}]*)\}", css).group(1)
    assert "overflow-x: auto" in scroll and "max-width: 100%" in scroll


@pytest.mark.django_db
def test_a_single_column_of_cards_does_not_grow_past_a_narrow_screen():
    """At 320 px a processor's card in the register (the word "Verwerkersovereenkomst")
    made the page scroll sideways: the column may shrink below its longest word, a word
    that does not fit wraps, and cards have less padding on narrow screens."""
    from django.contrib.staticfiles import finders

    css = open(finders.find("web/stadhuis.css"), encoding="utf-8").read()  # noqa: SIM115
    single = re.search(r"\.card-list--single\s*\{([^}]*)\}", css).group(1)
    assert "grid-template-columns: minmax(0, 1fr)" in single
    assert re.search(r"\.card\s*\{\s*overflow-wrap: break-word;\s*\}", css)
    narrow = re.search(r"@media \(max-width: 30rem\)\s*\{\s*\.card\s*\{([^}]*)\}", css).group(1)
    assert "padding-inline: var(--stadhuis-space-m)" in narrow


@pytest.mark.django_db
def test_a_table_box_holds_visually_hidden_text_in_its_cells():
    """The AVG requests' button text "(ABCD-…)" is visually hidden (position: absolute): its
    containing block was outside the table's box, so at 320 px the page was as wide as
    the table again. The box is positioned, so it contains it."""
    from django.contrib.staticfiles import finders

    css = open(finders.find("web/stadhuis.css"), encoding="utf-8").read()  # noqa: SIM115
    scroll = re.search(r"\.table-scroll\s*\{([^}]*)\}", css).group(1)
    assert "position: relative" in scroll and "overflow-x: auto" in scroll
