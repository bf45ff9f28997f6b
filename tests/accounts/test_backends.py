"""The session's user is fetched with their resident record (``AccountBackend`` and
the OIDC backend alike): one query, none more for ``user.resident``; staff have no
resident record; a user who is no longer active is logged out."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from stadhuis.accounts.models import User

BACKENDS = [
    "stadhuis.accounts.backends.AccountBackend",
    "stadhuis.accounts.oidc.ResidentOIDCBackend",
]


def _request_of(client):
    request = RequestFactory().get("/")
    request.session = client.session
    request.session.keys()  # read here: what is counted below is the user alone
    return request


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_residents_user_comes_with_their_resident_record(
    client, resident, backend, django_assert_num_queries
):
    client.force_login(resident.user, backend=backend)
    request = _request_of(client)
    with django_assert_num_queries(1):
        user = get_user(request)
        assert user.resident.pseudonym == resident.pseudonym


def test_staff_have_no_resident_record_and_asking_costs_no_query(
    client, make_staff, django_assert_num_queries
):
    client.force_login(make_staff("privacy_officer"), backend=BACKENDS[0])
    request = _request_of(client)
    with django_assert_num_queries(1):
        user = get_user(request)
        assert user.is_authenticated and not hasattr(user, "resident")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_user_no_longer_active_is_logged_out(client, resident, backend):
    client.force_login(resident.user, backend=backend)
    assert get_user(_request_of(client)).is_authenticated
    User.objects.filter(pk=resident.user.pk).update(is_active=False)
    assert not get_user(_request_of(client)).is_authenticated
