"""Sessions end after inactivity and after an absolute maximum."""

import time

import pytest


@pytest.fixture
def logged_in(client, resident):
    client.force_login(resident.user)
    client.get("/")
    return client


def _age(client, **fields):
    session = client.session
    for key, seconds in fields.items():
        session[key] = int(time.time()) - seconds
    session.save()


def test_active_session_stays(logged_in, settings):
    _age(logged_in, last_seen=settings.SESSION_IDLE_TIMEOUT - 60)
    logged_in.get("/")
    assert "_auth_user_id" in logged_in.session


def test_idle_session_ends(logged_in, settings):
    _age(logged_in, last_seen=settings.SESSION_IDLE_TIMEOUT + 1)
    logged_in.get("/")
    assert "_auth_user_id" not in logged_in.session


def test_session_ends_after_absolute_timeout_even_when_active(logged_in, settings):
    _age(logged_in, login_at=settings.SESSION_ABSOLUTE_TIMEOUT + 1, last_seen=5)
    logged_in.get("/")
    assert "_auth_user_id" not in logged_in.session
