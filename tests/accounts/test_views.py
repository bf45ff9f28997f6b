"""Logging in and out: the resident login page, the staff login with TOTP, lockout, logout."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY

from stadhuis.accounts.models import User
from stadhuis.core.roles import Role
from tests.conftest import STAFF_PASSWORD, totp_now

GENERIC = "De gebruikersnaam, het wachtwoord of de code klopt niet."


def _staff_post(client, username, password=STAFF_PASSWORD, code=None, **extra):
    data = {"username": username, "password": password, "otp_token": code or "", **extra}
    return client.post("/medewerkers/inloggen", data)


# --- Resident login ----------------------------------------------------------------------


@pytest.mark.django_db
def test_resident_login_page_without_oidc_explains_digid_is_unavailable(client, settings):
    settings.OIDC_ENABLED = False
    settings.DEMO_MODE = False
    html = client.get("/inloggen").content.decode()
    assert "Inloggen met DigiD kan nu niet" in html
    assert "/oidc/" not in html
    assert "demo" not in html.lower()


@pytest.mark.django_db
def test_resident_login_page_offers_digid_when_oidc_is_configured(client, settings):
    from tests.conftest import _reload_urlconf

    settings.OIDC_ENABLED = True
    _reload_urlconf()
    try:
        html = client.get("/inloggen?next=/verwerkingsregister").content.decode()
    finally:
        settings.OIDC_ENABLED = False
        _reload_urlconf()
    assert re.search(
        r'<a class="button" href="/oidc/authenticate/\?next=/verwerkingsregister"', html
    )
    assert "Inloggen met DigiD" in html


@pytest.mark.django_db
def test_resident_login_page_ignores_a_next_to_another_site(client, demo_mode):
    html = client.get("/inloggen?next=https://evil.example/").content.decode()
    assert 'href="/inloggen/demo"' in html  # no next passed on


# --- Staff login -------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_login_with_password_and_code_verifies_the_session(client, make_staff):
    user = make_staff(Role.PRIVACY_OFFICER, username="priya")
    response = _staff_post(client, "priya", code=totp_now(user))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert DEVICE_ID_SESSION_KEY in client.session
    html = client.get("/").content.decode()
    assert "Privacy officer" in html


@pytest.mark.django_db
def test_staff_login_follows_a_local_next_only(client, make_staff):
    user = make_staff(Role.CASE_HANDLER, username="bram")
    response = _staff_post(client, "bram", code=totp_now(user), next="https://evil.example/")
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("wrong", ["password", "username", "code"])
def test_staff_login_gives_one_generic_message_and_does_not_log_in(client, make_staff, wrong):
    user = make_staff(Role.CASE_HANDLER, username="bram")
    code = totp_now(user)
    bad_code = f"{(int(code) + 1) % 1_000_000:06d}"
    data = {
        "username": "nobody" if wrong == "username" else "bram",
        "password": "verkeerd-wachtwoord-1" if wrong == "password" else STAFF_PASSWORD,
        "code": bad_code if wrong == "code" else code,
    }
    response = _staff_post(client, **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert GENERIC in html
    assert '<div class="error-summary"' in html
    assert "<title>Fout:" in html
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_wrong_code_counts_as_a_failed_login_for_axes(client, make_staff):
    user = make_staff(Role.CASE_HANDLER, username="bram")
    code = totp_now(user)
    _staff_post(client, "bram", code=f"{(int(code) + 1) % 1_000_000:06d}")
    attempt = AccessAttempt.objects.get(username="bram")
    assert attempt.failures_since_start == 1


@pytest.mark.django_db
def test_staff_login_field_errors_link_from_the_summary(client):
    html = _staff_post(client, "", password="", code="12ab").content.decode()
    assert '<a href="#id_username">Vul uw gebruikersnaam in.</a>' in html
    assert '<a href="#id_password">Vul uw wachtwoord in.</a>' in html
    assert '<a href="#id_otp_token">De code bestaat uit 6 cijfers.</a>' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_otp_token_helptext id_otp_token_error"' in html


@pytest.mark.django_db
def test_resident_accounts_cannot_log_in_as_staff(client, resident):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = resident.user
    # Even with a password and a device (which a resident never gets), no way in.
    user.set_password(STAFF_PASSWORD)
    user.save()
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    response = _staff_post(client, user.username, code=totp_now(user))
    assert GENERIC in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1


@pytest.mark.django_db
def test_lockout_after_failure_limit_shows_the_locked_out_page(client, make_staff, settings):
    user = make_staff(Role.CASE_HANDLER, username="bram")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _staff_post(client, "bram", password="verkeerd-wachtwoord-1", code="123456")
        assert response.status_code == 200
    response = _staff_post(client, "bram", password="verkeerd-wachtwoord-1", code="123456")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "U kunt even niet inloggen" in html
    assert "Wacht 30 minuten." in html

    # Locked out: even the right password and code do not get in.
    response = _staff_post(client, "bram", code=totp_now(user))
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_demo_box_shows_current_codes_only_in_demo_mode(client, make_staff, demo_mode):
    user = make_staff(Role.CASE_HANDLER, username="behandelaar")
    html = client.get("/medewerkers/inloggen").content.decode()
    assert "Alleen in de demo" in html
    assert "<code>behandelaar</code>" in html
    assert f'<code class="demo-code">{totp_now(user)}</code>' in html
    from stadhuis.demo.register import DEMO_STAFF_PASSWORD

    assert f"<code>{DEMO_STAFF_PASSWORD}</code>" in html


@pytest.mark.django_db
def test_no_demo_box_when_demo_mode_is_off(client, make_staff, settings):
    settings.DEMO_MODE = False
    user = make_staff(Role.CASE_HANDLER, username="behandelaar")
    html = client.get("/medewerkers/inloggen").content.decode()
    assert "Alleen in de demo" not in html
    assert totp_now(user) not in html
    assert "behandelaar" not in html


def test_demo_helpers_refuse_outside_demo_mode(settings):
    from stadhuis.web import demo

    settings.DEMO_MODE = False
    assert demo.staff_logins() == []
    assert demo.staff_password() == ""


# --- Logout ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_logout_by_get_only_asks_to_confirm(resident_client):
    response = resident_client.get("/uitloggen")
    assert response.status_code == 200
    assert "Wilt u uitloggen?" in response.content.decode()
    assert SESSION_KEY in resident_client.session


@pytest.mark.django_db
def test_logout_by_post_ends_the_session_and_rotates_its_key(resident_client):
    old_key = resident_client.session.session_key
    response = resident_client.post("/uitloggen")
    assert response.status_code == 302
    assert SESSION_KEY not in resident_client.session
    assert resident_client.session.session_key != old_key
    html = resident_client.get(response["Location"]).content.decode()
    assert "U bent uitgelogd." in html


@pytest.mark.django_db
def test_logged_in_pages_are_not_stored(resident_client):
    assert resident_client.get("/")["Cache-Control"] == "no-store"


# --- staff_required ----------------------------------------------------------------------


@pytest.mark.urls("tests.accounts.urls_staff_required")
@pytest.mark.django_db
class TestStaffRequired:
    def test_anonymous_goes_to_staff_login(self, client):
        response = client.get("/alleen-privacy")
        assert response.status_code == 302
        assert response["Location"] == "/medewerkers/inloggen?next=/alleen-privacy"

    def test_staff_without_verified_second_factor_goes_to_login(self, client, make_staff):
        client.force_login(make_staff(Role.PRIVACY_OFFICER))
        response = client.get("/alleen-privacy")
        assert response.status_code == 302
        assert response["Location"].startswith("/medewerkers/inloggen")

    def test_resident_is_refused(self, resident_client):
        assert resident_client.get("/alleen-privacy").status_code == 403

    def test_staff_without_the_role_is_refused(self, staff_client, client):
        staff_client(Role.CASE_HANDLER)
        assert client.get("/alleen-privacy").status_code == 403
        assert client.get("/alle-medewerkers").status_code == 200

    def test_staff_with_the_role_gets_in(self, staff_client, client):
        staff_client(Role.PRIVACY_OFFICER)
        response = client.get("/alleen-privacy")
        assert response.status_code == 200
        assert response.content == b"ok"


@pytest.mark.django_db
def test_staff_login_redirects_verified_staff_away(staff_client, client):
    staff_client(Role.CASE_HANDLER)
    assert client.get("/medewerkers/inloggen").status_code == 302


@pytest.mark.django_db
def test_user_model_kind_default_is_staff():
    # Guard for the resident check above: a login without kind must not become a resident.
    assert User().kind == User.Kind.STAFF
