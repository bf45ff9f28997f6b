"""The demo login: only in demo mode, logs in a made-up resident through resident_login."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import NoReverseMatch, reverse

from stadhuis.accounts.bsn import is_valid_bsn
from stadhuis.accounts.models import Resident
from stadhuis.demo.residents import DEMO_RESIDENTS
from stadhuis.privacy.crypto import pseudonym_for_bsn


def test_demo_residents_have_valid_unique_bsns():
    bsns = [person["bsn"] for person in DEMO_RESIDENTS]
    assert len(bsns) >= 5
    assert len(set(bsns)) == len(bsns)
    assert all(is_valid_bsn(bsn) for bsn in bsns)
    assert all(person["name"] and person["story"] for person in DEMO_RESIDENTS)


@pytest.mark.django_db
def test_demo_login_route_does_not_exist_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    with pytest.raises(NoReverseMatch):
        reverse("web:demo_login")
    assert client.get("/inloggen/demo").status_code == 404


@pytest.mark.django_db
def test_demo_login_view_refuses_outside_demo_mode_even_when_routed(client, demo_mode, settings):
    settings.DEMO_MODE = False  # the route is still there (loaded in demo mode)
    assert client.get("/inloggen/demo").status_code == 404
    response = client.post("/inloggen/demo", {"resident": DEMO_RESIDENTS[0]["bsn"]})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_demo_login_lists_the_demo_residents(client, demo_mode):
    html = client.get("/inloggen/demo").content.decode()
    assert "Alleen in de demo." in html
    for person in DEMO_RESIDENTS:
        assert f'value="{person["bsn"]}"' in html
        assert person["name"] in html
    assert "<fieldset" in html and "<legend" in html


@pytest.mark.django_db
def test_demo_login_logs_in_the_chosen_resident(client, demo_mode):
    person = DEMO_RESIDENTS[1]
    response = client.post("/inloggen/demo", {"resident": person["bsn"]})
    assert response.status_code == 302
    resident = Resident.objects.get(pseudonym=pseudonym_for_bsn(person["bsn"]))
    assert client.session[SESSION_KEY] == str(resident.user_id)
    assert resident.display_name == person["name"]
    html = client.get("/").content.decode()
    assert f"Welkom, {person['name']}." in html


@pytest.mark.django_db
def test_demo_login_with_a_typed_valid_bsn(client, demo_mode):
    response = client.post("/inloggen/demo", {"resident": "anders", "bsn": "9999 10036"})
    assert response.status_code == 302
    assert Resident.objects.filter(pseudonym=pseudonym_for_bsn("999910036")).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("123456789", "Dit burgerservicenummer (BSN) bestaat niet."),
        ("12345", "Een burgerservicenummer (BSN) bestaat uit 9 cijfers."),
        ("", "Vul een BSN in, of kies een inwoner uit de lijst."),
    ],
)
def test_demo_login_explains_an_invalid_bsn(client, demo_mode, typed, message):
    response = client.post("/inloggen/demo", {"resident": "anders", "bsn": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert '<a href="#id_bsn">' in html
    assert SESSION_KEY not in client.session
    assert not Resident.objects.exists()


@pytest.mark.django_db
def test_demo_login_requires_a_choice(client, demo_mode):
    html = client.post("/inloggen/demo", {}).content.decode()
    assert '<a href="#id_resident_0">' in html


@pytest.mark.django_db
def test_demo_login_rejects_a_value_outside_the_list(client, demo_mode):
    response = client.post("/inloggen/demo", {"resident": "999910036"})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_resident_login_page_links_to_demo_login_in_demo_mode(client, demo_mode):
    html = client.get("/inloggen").content.decode()
    assert 'href="/inloggen/demo"' in html


@pytest.mark.django_db
def test_demo_login_with_a_typed_bsn_plays_the_brp(client, demo_mode):
    """In the demo the visitor says what the BRP would: postcode and birth date, so
    they can try who may take part in a neighbourhood's process or one with an age."""
    import datetime as dt

    response = client.post(
        "/inloggen/demo",
        {
            "resident": "anders",
            "bsn": "999910036",
            "postcode": "1013 ab",
            "birth_date": "17-05-2012",
        },
    )
    assert response.status_code == 302
    resident = Resident.objects.get(pseudonym=pseudonym_for_bsn("999910036"))
    assert (resident.postcode, resident.birth_date) == ("1013AB", dt.date(2012, 5, 17))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "Dorpsstraat 1", "Schrijf een postcode zoals 1011 AB."),
        ("birth_date", "gisteren", "Schrijf de datum als dag-maand-jaar"),
        ("birth_date", "01-01-2999", "Deze geboortedatum kan niet kloppen."),
    ],
)
def test_demo_login_explains_bad_brp_facts(client, demo_mode, field, value, message):
    data = {"resident": "anders", "bsn": "999910036", field: value}
    response = client.post("/inloggen/demo", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert SESSION_KEY not in client.session
    # a listed resident ignores what was typed there
    person = DEMO_RESIDENTS[1]
    assert client.post("/inloggen/demo", {**data, "resident": person["bsn"]}).status_code == 302


@pytest.mark.django_db
def test_a_typed_bsn_of_a_listed_resident_keeps_the_demo_citys_brp_facts(client, demo_mode):
    """Typing Sanne's BSN under 'Een ander BSN' with another birth date would make her 18
    for every later visitor of the demo (and move her house): the listed residents' facts
    are the demo city's own, whichever way they log in."""
    import datetime as dt

    from stadhuis.accounts.services import resident_login

    sanne = DEMO_RESIDENTS[-1]
    resident_login(
        bsn=sanne["bsn"],
        display_name=sanne["name"],
        postcode="1015IJ",
        birth_date=dt.date(2009, 9, 15),
    )
    data = {
        "resident": "anders",
        "bsn": sanne["bsn"],
        "postcode": "1011 AB",
        "birth_date": "01-01-1990",
    }
    assert client.post("/inloggen/demo", data).status_code == 302
    resident = Resident.objects.get(pseudonym=pseudonym_for_bsn(sanne["bsn"]))
    assert (resident.postcode, resident.birth_date) == ("1015IJ", dt.date(2009, 9, 15))
    # and a wrong fact typed for her is not held against the login either
    client.logout()
    data["birth_date"] = "gisteren"
    assert client.post("/inloggen/demo", data).status_code == 302


@pytest.mark.django_db
def test_the_typed_brp_facts_stay_out_of_error_reports(client, demo_mode):
    data = {"resident": "anders", "bsn": "999910036", "postcode": "1013AB", "birth_date": "x"}
    request = client.post("/inloggen/demo", data).wsgi_request
    assert set(request.sensitive_post_parameters) >= {"bsn", "postcode", "birth_date"}
