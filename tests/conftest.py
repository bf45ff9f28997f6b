import pytest

from stadhuis.accounts.services import resident_login, staff_actor, staff_create
from stadhuis.core.roles import Role


@pytest.fixture
def resident(db):
    return resident_login(bsn="111222333", display_name="Anna de Vries").resident


@pytest.fixture
def make_staff(db):
    def make(*roles, username=None, unit="Dienstverlening"):
        name = username or "staff-" + "-".join(roles)
        user, _device = staff_create(
            actor=None,
            username=name,
            password="een-lang-wachtwoord-123",
            roles=list(roles),
            org_unit=unit,
        )
        return user

    return make


@pytest.fixture
def privacy_officer(make_staff):
    return staff_actor(make_staff(Role.PRIVACY_OFFICER))


# --- Web layer: logging in, demo mode, register entries --------------------------------


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in English activates English for the rest of the thread; undo that, so
    every test starts in the source language (Dutch)."""
    from django.utils import translation

    yield
    translation.deactivate()


STAFF_PASSWORD = "een-lang-wachtwoord-123"


def totp_now(user) -> str:
    """The 6-digit code the staff member's authenticator app shows right now."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return str(token).zfill(device.digits)


@pytest.fixture
def staff_client(client, make_staff):
    """A client logged in as staff with a verified second factor: staff_client(*roles)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(*roles, username=None):
        user = make_staff(*(roles or (Role.CASE_HANDLER,)), username=username)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
        return user

    return login


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident.user)
    return client


@pytest.fixture(autouse=True)
def _no_shared_answers_across_tests():
    """Shared answers (core.shared) hold a version that starts again in every test's
    database: a copy from an earlier test must not answer in this one."""
    from stadhuis.core import shared

    shared.forget()


def _reload_urlconf():
    import importlib

    from django.urls import clear_url_caches

    import stadhuis.urls
    import stadhuis.web.urls

    importlib.reload(stadhuis.web.urls)
    importlib.reload(stadhuis.urls)
    clear_url_caches()


@pytest.fixture
def demo_mode(settings):
    """Run with settings.DEMO_MODE on, including the routes that only exist then."""
    settings.DEMO_MODE = True
    _reload_urlconf()
    yield
    settings.DEMO_MODE = False
    _reload_urlconf()


@pytest.fixture
def register_activity(privacy_officer):
    """Register a processing activity through the real service: register_activity(code, **kw)."""
    from stadhuis.privacy import services

    def make(code, *, processors=(), **changes):
        content = {
            "name": f"Activiteit {code}",
            "purpose": "Een doel dat inwoners kunnen lezen.",
            "legal_basis": "public_task",
            "legal_basis_detail": "Gemeentewet, art. 160",
            "controller_unit": "Dienstverlening",
            "data_subject_categories": ["inwoners"],
            "personal_data_categories": ["naam", "adres"],
            "recipients": ["Belastingdienst"],
            "retention_days": 365,
            "retention_description": "Een jaar",
            "security_measures": "Versleuteld opgeslagen.",
            **changes,
        }
        return services.activity_register(
            actor=privacy_officer, code=code, processors=list(processors), **content
        )

    return make


@pytest.fixture
def make_processor(privacy_officer):
    from stadhuis.privacy import services

    def make(name, **fields):
        fields.setdefault("service", "Hosting")
        return services.processor_save(actor=privacy_officer, name=name, **fields)

    return make


# --- Tests that commit: the append-only processing log and the flush afterwards ---------


@pytest.fixture
def committed_db(transactional_db):
    """A database whose writes commit, so other threads and connections see them
    (``transactional_db``), emptied after the test although the processing log is
    append-only. PostgreSQL only: mark the test (or its module) ``skipif`` SQLite, for
    on SQLite ``transactional_db`` empties tables with DELETE, which the register's
    versions refuse (privacy migration 0004), so a skip here would come too late.

    pytest-django empties the database after such a test with one TRUNCATE of every
    table, which the log's BEFORE TRUNCATE triggers refuse (privacy migration 0002),
    as does the register's versions' (0004).
    This fixture's teardown runs before that flush and makes the flush itself, once,
    disable those triggers, truncate and enable them again, all in the flush's one
    transaction: DDL is transactional on PostgreSQL, so no other connection ever sees
    the log without its triggers, and if the flush fails they were never off. Only the
    test harness does this; the migration and production code are untouched.
    """
    from importlib import import_module

    from django.db import DEFAULT_DB_ALIAS, connections

    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql":
        pytest.skip("committed_db empties the append-only log on PostgreSQL only")
    tables = [  # each refuses TRUNCATE with its trigger {table}_no_truncate
        *import_module("stadhuis.privacy.migrations.0002_append_only_log_triggers").TABLES,
        import_module(
            "stadhuis.privacy.migrations.0004_log_without_foreign_key_constraints"
        ).VERSIONS,
    ]
    yield
    ops = conn.ops
    original = ops.execute_sql_flush

    def flush_with_the_log(sql_list):
        del ops.execute_sql_flush  # once: the next flush is an ordinary one again
        original(
            [f"ALTER TABLE {t} DISABLE TRIGGER {t}_no_truncate" for t in tables]
            + list(sql_list)
            + [f"ALTER TABLE {t} ENABLE TRIGGER {t}_no_truncate" for t in tables]
        )

    ops.execute_sql_flush = flush_with_the_log
