"""The processing log: one way in, append-only, tamper-evident."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from stadhuis.accounts.models import Resident
from stadhuis.core.context import Actor, ActorKind, TraceContext, reset_trace, set_trace
from stadhuis.privacy import chain
from stadhuis.privacy.models import Action, ProcessingAudit, ProcessingLogEntry
from stadhuis.privacy.services import (
    ProcessingRefused,
    activity_revise,
    activity_set_active,
    record_processing,
)
from tests.privacy.helpers import LOG, triggers_disabled

SYSTEM = Actor.system("test")


def log(subjects, activity="inloggen-inwoner", actor=SYSTEM, action=Action.READ):
    return record_processing(
        actor=actor,
        activity=activity,
        action=action,
        subjects=subjects,
        object_type="inwoner",
        object_id="x",
    )


def test_one_entry_per_subject_with_trace_and_actor(db):
    token = set_trace(
        TraceContext.from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    )
    try:
        entries = log(["a" * 64, "b" * 64, "a" * 64])
    finally:
        reset_trace(token)
    assert [e.subject for e in entries] == ["a" * 64, "b" * 64]
    stored = ProcessingLogEntry.objects.get(subject="a" * 64)
    assert stored.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert stored.parent_span_id  # child span of the request's span
    assert stored.actor_kind == "system" and stored.actor_role == "job"
    assert stored.activity_version.activity.code == "inloggen-inwoner"


def test_unregistered_activity_is_refused_and_nothing_is_written(resident):
    before = ProcessingLogEntry.objects.count()
    with pytest.raises(ProcessingRefused, match="not in the processing register"):
        with transaction.atomic():
            Resident.objects.filter(pk=resident.pk).update(email="nieuw@example.org")
            log([resident.pseudonym], activity="bestaat-niet")
    resident.refresh_from_db()
    assert resident.email == ""  # the personal-data write was rolled back too
    assert ProcessingLogEntry.objects.count() == before


def test_inactive_activity_is_refused(db, privacy_officer):
    activity_set_active(actor=privacy_officer, code="inloggen-inwoner", active=False)
    with pytest.raises(ProcessingRefused, match="not active"):
        log(["c" * 64])


def test_a_changed_activity_gets_a_new_version_and_old_entries_keep_theirs(db, privacy_officer):
    (old,) = log(["d" * 64])
    new_version = activity_revise(
        actor=privacy_officer, code="inloggen-inwoner", purpose="Een nieuw, ruimer doel."
    )
    (new,) = log(["d" * 64])
    old.refresh_from_db()
    assert old.activity_version.version == 1
    assert new.activity_version_id == new_version.pk and new_version.version == 2
    assert old.activity_version.purpose != new.activity_version.purpose


def test_staff_identity_goes_to_a_separate_audit_record(db, make_staff):
    from stadhuis.accounts.services import staff_actor

    user = make_staff("case_handler")
    (entry,) = log(["e" * 64], actor=staff_actor(user))
    assert entry.actor_kind == ActorKind.STAFF and entry.actor_role == "case_handler"
    assert entry.actor_unit == "Dienstverlening"
    field_names = {f.name for f in ProcessingLogEntry._meta.fields}
    assert not {"user", "user_id", "username"} & field_names
    assert ProcessingAudit.objects.get(pk=entry.audit_id).user == user


def test_orm_refuses_update_and_delete(db):
    (entry,) = log(["f" * 64])
    entry.outcome = "failed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        ProcessingLogEntry.objects.filter(pk=entry.pk).update(outcome="failed")
    with pytest.raises(PermissionError):
        ProcessingLogEntry.objects.filter(pk=entry.pk).delete()
    # The collector's fast path (a cascade from something the entries point at) too.
    with pytest.raises(PermissionError):
        ProcessingLogEntry.objects.filter(pk=entry.pk)._raw_delete(using="default")
    assert ProcessingLogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {LOG} SET outcome = 'failed'",
        f"DELETE FROM {LOG}",
    ],
)
def test_database_refuses_update_and_delete(db, statement):
    log(["g" * 64])
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


def test_a_register_version_the_log_points_at_cannot_be_deleted(db):
    """The log has no foreign-key constraints in the database (concurrent writers
    queued on the locks they take): the ORM still protects a version the log names,
    and the database refuses to delete any version, even by raw SQL."""
    from django.db.models import ProtectedError

    from stadhuis.privacy.models import ProcessingActivityVersion

    (entry,) = log(["v" * 64])
    version = ProcessingActivityVersion.objects.get(pk=entry.activity_version_id)
    with pytest.raises(ProtectedError):
        version.delete()
    with pytest.raises(DatabaseError, match="DELETE"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {ProcessingActivityVersion._meta.db_table} WHERE id = %s",
                [version.pk],
            )
    assert ProcessingActivityVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_the_register_versions_cannot_be_truncated_from_under_the_log(db):
    """With the foreign-key constraints, TRUNCATE ... CASCADE of the versions reached
    the log and its BEFORE TRUNCATE trigger refused; without them it would empty the
    register and leave every entry pointing at nothing (hidden from the resident's
    dossier, which joins the version). A trigger on the versions refuses it instead."""
    from stadhuis.privacy.models import ProcessingActivityVersion

    (entry,) = log(["t" * 64])
    table = ProcessingActivityVersion._meta.db_table
    with pytest.raises(DatabaseError, match="TRUNCATE"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
    shown = ProcessingLogEntry.objects.select_related("activity_version").get(pk=entry.pk)
    assert shown.activity_version.pk == entry.activity_version_id


def test_intact_log_verifies_and_command_says_so(db, capsys):
    for i in range(30):
        log([f"{i:064d}"])
    chain.seal()
    log(["h" * 64])  # one unsealed entry
    call_command("verify_log")
    out = capsys.readouterr().out
    assert "intact" in out and "1 not yet sealed" in out


def _sealed_log(n=25):
    entries = [log([f"{i:064d}"])[0] for i in range(n)]
    chain.seal()
    return entries


def test_verify_names_an_altered_entry(db):
    entries = _sealed_log()
    target = entries[7]
    with triggers_disabled() as cursor:
        cursor.execute(f"UPDATE {LOG} SET action = 'export' WHERE id = %s", [target.pk])
    result = chain.verify()
    assert not result.ok
    assert (
        result.first_problem
        == f"entry {target.pk} was altered (its hash does not match its contents)"
    )
    with pytest.raises(CommandError, match=f"entry {target.pk} was altered"):
        call_command("verify_log")


def test_verify_names_an_altered_unsealed_entry(db):
    _sealed_log(3)
    (tail,) = log(["i" * 64])
    with triggers_disabled() as cursor:
        cursor.execute(f"UPDATE {LOG} SET subject = %s WHERE id = %s", ["j" * 64, tail.pk])
    assert chain.verify().first_problem.startswith(f"entry {tail.pk} was altered")


def test_verify_names_a_removed_entry(db):
    entries = _sealed_log()
    target = entries[11]
    with triggers_disabled() as cursor:
        cursor.execute(f"DELETE FROM {LOG} WHERE id = %s", [target.pk])
    result = chain.verify()
    assert result.first_problem.startswith(f"entry {target.pk} was removed")


def test_verify_names_the_last_entry_of_a_block_when_removed(db):
    entries = _sealed_log(5)
    target = entries[-1]
    with triggers_disabled() as cursor:
        cursor.execute(f"DELETE FROM {LOG} WHERE id = %s", [target.pk])
    assert chain.verify().first_problem.startswith(f"entry {target.pk} was removed")


def test_verify_names_an_entry_inserted_out_of_order(db):
    entries = _sealed_log()
    victim = entries[4]
    # Copy a valid entry (its hash is genuine) into an id gap inside the sealed block.
    with triggers_disabled() as cursor:
        cursor.execute(f"DELETE FROM {LOG} WHERE id = %s", [victim.pk])
        columns = ", ".join(["id", *chain.HASHED_COLUMNS, "entry_hash"])
        src = ", ".join([*chain.HASHED_COLUMNS, "entry_hash"])
        cursor.execute(
            f"INSERT INTO {LOG} ({columns}) SELECT %s, {src} FROM {LOG} WHERE id = %s",
            [victim.pk, entries[9].pk],
        )
    result = chain.verify(stop_at_first=False)
    assert not result.ok
    # Same id, different content: the block no longer matches; the verifier says which block.
    assert any("block" in p for p in result.problems)


def test_verify_names_an_entry_slipped_into_a_sequence_gap(db):
    entries = [log([f"{i:064d}"])[0] for i in range(6)]
    gap = entries[2]
    with triggers_disabled() as cursor:  # a gap, as a rolled-back transaction leaves
        cursor.execute(f"DELETE FROM {LOG} WHERE id = %s", [gap.pk])
    chain.seal()
    assert chain.verify().ok
    with triggers_disabled() as cursor:  # later, someone fills the gap with a genuine copy
        columns = ", ".join(["id", *chain.HASHED_COLUMNS, "entry_hash"])
        src = ", ".join([*chain.HASHED_COLUMNS, "entry_hash"])
        cursor.execute(
            f"INSERT INTO {LOG} ({columns}) SELECT %s, {src} FROM {LOG} WHERE id = %s",
            [gap.pk, entries[0].pk],
        )
    assert chain.verify().first_problem == f"entry {gap.pk} was inserted out of order (block 1)"


def test_block_tampering_breaks_the_chain(db):
    _sealed_log(3)
    log(["l" * 64])
    chain.seal()
    with triggers_disabled("privacy_logblock") as cursor:
        cursor.execute("UPDATE privacy_logblock SET block_hash = %s WHERE number = 1", ["0" * 64])
    result = chain.verify()
    assert not result.ok
    assert "block 2 does not follow block 1" in result.first_problem


def test_seal_is_idempotent(db):
    _sealed_log(3)
    assert chain.seal() == 0
    assert chain.verify().blocks == 1
