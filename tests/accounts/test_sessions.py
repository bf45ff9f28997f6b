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


# --- last_seen is written at most once a minute (moving clock, no sleeping) -------------


class Clock:
    def __init__(self, start: int):
        self.now = start

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    from stadhuis.accounts import middleware

    fake = Clock(int(time.time()))
    monkeypatch.setattr(middleware, "_clock", fake)
    return fake


@pytest.fixture
def clocked_in(clock, client, resident):
    """Logged in on the fake clock: login_at and last_seen are ``clock.now``."""
    client.force_login(resident.user)
    client.get("/")
    return client


def _session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]


def test_last_seen_is_written_at_most_once_a_minute(clocked_in, clock, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stadhuis.accounts.middleware import LAST_SEEN_RESOLUTION

    start = clock.now
    clocked_in.get("/")
    assert clocked_in.session["last_seen"] == start
    for step in (1, 30, LAST_SEEN_RESOLUTION - 1):
        clock.now = start + step
        with CaptureQueriesContext(connection) as queries:
            clocked_in.get("/")
        assert _session_writes(queries.captured_queries) == []
        assert clocked_in.session["last_seen"] == start
    clock.now = start + LAST_SEEN_RESOLUTION
    with CaptureQueriesContext(connection) as queries:
        clocked_in.get("/")
    assert len(_session_writes(queries.captured_queries)) == 1
    assert clocked_in.session["last_seen"] == start + LAST_SEEN_RESOLUTION


def test_steady_use_keeps_the_session_for_hours(clocked_in, clock, settings):
    from stadhuis.accounts.middleware import LAST_SEEN_RESOLUTION

    start = clock.now
    clocked_in.get("/")
    # a request every 59 s (just under the write interval) for two hours
    while clock.now < start + 2 * 3600:
        clock.now += LAST_SEEN_RESOLUTION - 1
        clocked_in.get("/")
        assert "_auth_user_id" in clocked_in.session


def test_idle_timeout_is_exact_to_within_the_write_interval(clocked_in, clock, settings):
    from stadhuis.accounts.middleware import LAST_SEEN_RESOLUTION

    start = clock.now
    clocked_in.get("/")  # writes last_seen = start
    clock.now = start + LAST_SEEN_RESOLUTION - 1
    clocked_in.get("/")  # not written: last_seen stays at start
    assert clocked_in.session["last_seen"] == start
    clock.now = start + settings.SESSION_IDLE_TIMEOUT
    clocked_in.get("/")  # exactly the limit after the stored value: still in
    assert "_auth_user_id" in clocked_in.session

    # Same again, now idle one second longer than the stored value allows.
    stored = clocked_in.session["last_seen"]
    clock.now = stored + LAST_SEEN_RESOLUTION - 1
    last_request = clock.now
    clocked_in.get("/")
    clock.now = stored + settings.SESSION_IDLE_TIMEOUT + 1
    clocked_in.get("/")
    assert "_auth_user_id" not in clocked_in.session
    # ended early by less than the write interval, never late
    idle = clock.now - last_request
    limit = settings.SESSION_IDLE_TIMEOUT
    assert limit - LAST_SEEN_RESOLUTION < idle <= limit


def test_idle_timeout_never_late(clocked_in, clock, settings):
    start = clock.now
    clocked_in.get("/")
    clock.now = start + settings.SESSION_IDLE_TIMEOUT + 1
    clocked_in.get("/")
    assert "_auth_user_id" not in clocked_in.session
