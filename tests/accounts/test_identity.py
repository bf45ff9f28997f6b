"""Residents are known by a keyed pseudonym; the BSN is validated, encrypted, read only logged."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from stadhuis.accounts.bsn import is_valid_bsn, validate_bsn
from stadhuis.accounts.models import Resident
from stadhuis.accounts.services import resident_actor, resident_login, resident_reveal_bsn
from stadhuis.core.errors import InvalidInput, NotAllowed
from stadhuis.privacy.crypto import pseudonym_for_bsn
from stadhuis.privacy.models import ProcessingLogEntry


def elfproef(digits: str) -> bool:
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999999990"])
def test_valid_bsns_pass(bsn):
    assert validate_bsn(bsn) == bsn


def test_typing_noise_is_removed():
    assert validate_bsn(" 1112.22-333 ") == "111222333"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("111222334", "Dit burgerservicenummer (BSN) bestaat niet"),
        ("12345678", "bestaat uit 9 cijfers"),
        ("1234567890", "bestaat uit 9 cijfers"),
        ("12345678a", "bestaat uit 9 cijfers"),
        ("١٢٣٤٥٦٧٨٢", "bestaat uit 9 cijfers"),  # Arabic-Indic digits are not a BSN
        ("000000000", "bestaat niet"),
    ],
)
def test_invalid_bsns_are_refused_with_a_clear_dutch_message(value, message):
    with pytest.raises(ValidationError) as info:
        validate_bsn(value)
    assert message in info.value.messages[0]


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_elfproef_matches_the_definition(digits):
    assert is_valid_bsn(digits) == (elfproef(digits) and digits != "000000000")


@given(st.text(max_size=20))
def test_validator_never_crashes(value):
    with contextlib.suppress(ValidationError):
        assert len(validate_bsn(value)) == 9


def test_login_with_invalid_bsn_is_refused(db):
    with pytest.raises(InvalidInput, match="bestaat niet"):
        resident_login(bsn="111222334")
    assert not Resident.objects.exists()


def test_resident_is_stored_by_pseudonym_and_encrypted_bsn(resident):
    assert resident.pseudonym == pseudonym_for_bsn("111222333")
    assert len(resident.pseudonym) == 64 and "111222333" not in resident.pseudonym
    with connection.cursor() as cursor:
        cursor.execute("SELECT bsn_encrypted FROM accounts_resident")
        (stored,) = cursor.fetchone()
    assert b"111222333" not in bytes(stored)
    assert "111222333" not in resident.user.username


def test_second_login_finds_the_same_resident(resident):
    again = resident_login(bsn="111222333").resident
    assert again.pk == resident.pk
    actions = list(
        ProcessingLogEntry.objects.filter(subject=resident.pseudonym)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "read"]


def test_reading_the_bsn_needs_an_activity_and_is_logged(resident, make_staff):
    from stadhuis.accounts.services import staff_actor

    actor = staff_actor(make_staff("case_handler"))
    before = ProcessingLogEntry.objects.count()
    assert resident_reveal_bsn(actor=actor, resident=resident, activity="bsn-inzien") == "111222333"
    entry = ProcessingLogEntry.objects.order_by("-id").first()
    assert ProcessingLogEntry.objects.count() == before + 1
    assert (entry.object_type, entry.action, entry.subject) == ("bsn", "read", resident.pseudonym)


def test_a_resident_cannot_read_another_residents_bsn(resident):
    other = resident_login(bsn="123456782").resident
    with pytest.raises(NotAllowed):
        resident_reveal_bsn(actor=resident_actor(other), resident=resident, activity="bsn-inzien")


def test_oidc_backend_maps_the_bsn_claim(db, settings):
    from stadhuis.accounts.oidc import ResidentOIDCBackend

    backend = ResidentOIDCBackend.__new__(ResidentOIDCBackend)
    user = backend.create_user({"bsn": "111222333", "given_name": "Anna", "family_name": "Vries"})
    assert user.resident.pseudonym == pseudonym_for_bsn("111222333")
    assert backend.update_user(user, {"bsn": "111222333"}).pk == user.pk
    assert backend.create_user({"bsn": "111222334"}) is None
    assert not backend.verify_claims({"sub": "x"})


def test_oidc_backend_stores_postcode_and_birth_date_from_the_brp_claims(db, settings):
    import datetime as dt

    from stadhuis.accounts.oidc import ResidentOIDCBackend

    backend = ResidentOIDCBackend.__new__(ResidentOIDCBackend)
    claims = {"bsn": "111222333", "birthdate": "1990-05-17", "address": {"postal_code": "1011 ab"}}
    resident = backend.create_user(claims).resident
    resident.refresh_from_db()
    assert (resident.postcode, resident.birth_date) == ("1011AB", dt.date(1990, 5, 17))

    # Moved house: the next login brings the new postcode, logged as an update of the
    # account; a login that changes nothing is a read.
    backend.update_user(resident.user, {**claims, "address": {"postal_code": "9711AA"}})
    backend.update_user(resident.user, {**claims, "address": {"postal_code": "9711AA"}})
    resident.refresh_from_db()
    assert (resident.postcode, resident.birth_date) == ("9711AA", dt.date(1990, 5, 17))
    logins = ProcessingLogEntry.objects.filter(
        subject=resident.pseudonym, object_type="inwoner"
    ).order_by("id")
    assert [e.action for e in logins] == ["create", "update", "read"]

    settings.OIDC_POSTCODE_CLAIM = "postcode"
    settings.OIDC_BIRTHDATE_CLAIM = "geboortedatum"
    backend.update_user(
        resident.user, {"bsn": "111222333", "postcode": "3011 AB", "geboortedatum": "1991-01-02"}
    )
    resident.refresh_from_db()
    assert (resident.postcode, resident.birth_date) == ("3011AB", dt.date(1991, 1, 2))


@pytest.mark.parametrize(
    "address",
    [{"postal_code": "B-1000", "country": "BE"}, {"country": "DE"}, None, "Dorpsstraat 1"],
)
def test_a_login_without_a_dutch_postcode_leaves_none_not_the_old_one(db, address):
    """Moved abroad (or the broker passed no postcode): the old postcode must not keep a
    say in the old neighbourhood; the birth date, which does not change, stays."""
    import datetime as dt

    from stadhuis.accounts.oidc import ResidentOIDCBackend

    backend = ResidentOIDCBackend.__new__(ResidentOIDCBackend)
    claims = {"bsn": "111222333", "birthdate": "1990-05-17", "address": {"postal_code": "1011AB"}}
    resident = backend.create_user(claims).resident
    later = {"bsn": "111222333"} if address is None else {"bsn": "111222333", "address": address}
    backend.update_user(resident.user, later)
    resident.refresh_from_db()
    assert (resident.postcode, resident.birth_date) == ("", dt.date(1990, 5, 17))


def test_a_login_at_the_desk_leaves_the_brp_facts_as_they_were(db, make_staff):
    from stadhuis.accounts.services import resident_login, staff_actor
    from stadhuis.core.roles import Role

    resident_login(bsn="111222333", postcode="1011AB")
    helper = staff_actor(make_staff(Role.CASE_HANDLER))
    assert resident_login(bsn="111222333", helper=helper).resident.postcode == "1011AB"


@pytest.mark.parametrize(
    "value",
    [
        "1990",
        "0000-05-17",
        "1990-W20-4",
        "17-05-1990",
        "2990-01-01",
        "1700-01-01",
        19900517,
        None,
        {"y": 1},
    ],
)
def test_a_birth_date_claim_that_proves_no_age_is_not_stored(db, value):
    from stadhuis.accounts.brp import birth_date_from_claim
    from stadhuis.accounts.oidc import ResidentOIDCBackend

    assert birth_date_from_claim(value) is None
    backend = ResidentOIDCBackend.__new__(ResidentOIDCBackend)
    user = backend.create_user({"bsn": "111222333", "birthdate": value, "address": "Dorpsstraat"})
    assert user is not None and user.resident.birth_date is None and user.resident.postcode == ""
