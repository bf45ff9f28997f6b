"""Benchmark: processing-log append with concurrent writers, sealing, and verify-log.

Creates a fresh PostgreSQL database, migrates it, and starts N writer processes (each
its own Django setup and database connection) that call ``record_processing`` inside
``transaction.atomic()`` until the requested number of entries is written. A sealer
process calls ``chain.seal()`` every 2 s meanwhile, as the background worker does.
Then it seals the rest, times ``chain.verify()`` (and the ``verify_log`` command when
it exists), optionally tampers with one entry to show that verify names it, and drops
the database (unless ``--keep``).

    .venv/bin/python bench/log_append.py --entries 1000000 --writers 8 --mode single
    .venv/bin/python bench/log_append.py --entries 1000000 --writers 8 --mode mix --tamper

Modes: ``single`` writes one subject per call (one entry per transaction); ``mix`` is
a realistic mix of residents looking at their own data (1 subject), staff opening one
record or a list view (1-20 subjects) and system jobs (1-20 subjects).

Needs PostgreSQL reachable as postgres@127.0.0.1:5432 (override with --pg-url); the
database user must be allowed to create databases (and, for --tamper, to disable
triggers: a superuser).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
BENCH_ACTIVITIES = ("bench-dossier-view", "bench-case-handling", "bench-retention-job")
STAFF_USERS = 40
SEAL_INTERVAL = 2.0
WINDOW = 100_000


# --- environment ---------------------------------------------------------------------


def _env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = db_url
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(SRC), env.get("PYTHONPATH", "")])
    env["STADHUIS_DB_CONN_MAX_AGE"] = "600"
    return env


def _django(db_url: str) -> None:
    """Set up Django in this process against the benchmark database."""
    os.environ.update(_env(db_url))
    for path in (str(SRC), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def _psql(pg_url: str, sql: str) -> str:
    out = subprocess.run(
        ["psql", pg_url, "-XAtqc", sql], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def machine(pg_url: str) -> dict[str, str]:
    info = {"python": platform.python_version(), "date": time.strftime("%Y-%m-%d %H:%M %Z")}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in lscpu.splitlines():
            key, _sep, value = line.partition(":")
            if key.strip() in ("Model name", "CPU(s)", "Hypervisor vendor"):
                info[key.strip()] = value.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
        info["RAM"] = f"{kb / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    info["postgresql"] = _psql(pg_url, "SHOW server_version")
    for name in ("shared_buffers", "synchronous_commit", "fsync", "max_wal_size"):
        info[f"pg {name}"] = _psql(pg_url, f"SHOW {name}")
    return info


def print_machine(pg_url: str) -> None:
    print("machine:")
    for key, value in machine(f"{pg_url}/postgres").items():
        print(f"  {key}: {value}")


def drop_database(pg_url: str, db: str) -> None:
    """Close this process's connections (if Django is set up) and drop the database."""
    from django.apps import apps

    if apps.ready:  # Django is set up only once migrate has worked
        from django.db import connections

        connections.close_all()
    _psql(f"{pg_url}/postgres", f'DROP DATABASE IF EXISTS "{db}"')
    print(f"dropped database {db}")


# --- fixtures ------------------------------------------------------------------------


def setup_fixtures() -> list[tuple[int, str, str]]:
    """Register the benchmark's processing activities and create staff users."""
    from stadhuis.accounts.models import User
    from stadhuis.core.roles import Role
    from stadhuis.privacy.models import (
        LegalBasis,
        ProcessingActivity,
        ProcessingActivityVersion,
    )

    for code in BENCH_ACTIVITIES:
        activity = ProcessingActivity.objects.create(code=code)
        version = ProcessingActivityVersion.objects.create(
            activity=activity,
            version=1,
            name=code,
            purpose="Benchmark",
            legal_basis=LegalBasis.PUBLIC_TASK,
            controller_unit="Benchmark",
            retention_description="n.v.t.",
            security_measures="n.v.t.",
        )
        activity.current_version = version
        activity.save(update_fields=["current_version"])
    units = ["Dienstverlening", "Burgerzaken", "Belastingen", "Sociaal Domein", "Openbare Ruimte"]
    roles = [Role.CASE_HANDLER, Role.CASE_HANDLER, Role.CASE_HANDLER, Role.PRIVACY_OFFICER]
    staff = []
    for n in range(STAFF_USERS):
        user = User.objects.create(
            username=f"bench-staff-{n}", kind=User.Kind.STAFF, org_unit=units[n % len(units)]
        )
        staff.append((user.pk, user.org_unit, str(roles[n % len(roles)])))
    return staff


# --- processes ----------------------------------------------------------------------


def _pseudonyms(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.getrandbits(256):064x}" for _ in range(count)]


def writer(index, db_url, mode, target, subjects_n, staff, claimed, done, txns, start_evt):
    _django(db_url)
    from django.db import connection, transaction

    from stadhuis.core.context import Actor, ActorKind, TraceContext
    from stadhuis.privacy.models import Action
    from stadhuis.privacy.services import record_processing

    rng = random.Random(1000 + index)
    subjects = _pseudonyms(subjects_n, seed=42)
    staff_actors = [
        Actor(kind=ActorKind.STAFF, unit=unit, role=role, user_id=pk, roles=frozenset([role]))
        for pk, unit, role in staff
    ]
    system = Actor.system("retention")
    reads = [Action.READ] * 8 + [Action.UPDATE, Action.CREATE]
    connection.ensure_connection()
    start_evt.wait()
    my_txns = 0
    while True:
        kind = rng.random()
        if kind < 0.5:  # a resident looks at their own dossier or case
            subject = rng.choice(subjects)
            actor = Actor(kind=ActorKind.RESIDENT, unit="inwoner", role="zelf", subject=subject)
            picked, activity, object_type = [subject], BENCH_ACTIVITIES[0], "dossier"
        elif kind < 0.9:  # staff: one record, or in mix mode sometimes a list view
            actor = rng.choice(staff_actors)
            size = 1 if mode == "single" or rng.random() < 0.5 else rng.randint(2, 20)
            picked, activity, object_type = rng.sample(subjects, size), BENCH_ACTIVITIES[1], "case"
        else:  # a system job, in mix mode over a batch
            actor = system
            size = 1 if mode == "single" else rng.randint(1, 20)
            picked, activity, object_type = rng.sample(subjects, size), BENCH_ACTIVITIES[2], "case"
        with claimed.get_lock():
            left = target - claimed.value
            if left <= 0:
                break
            picked = picked[:left]
            claimed.value += len(picked)
        with transaction.atomic():
            record_processing(
                actor=actor,
                activity=activity,
                action=rng.choice(reads),
                subjects=picked,
                object_type=object_type,
                object_id=f"{rng.getrandbits(64):016x}",
                trace=TraceContext.new(),
            )
        with done.get_lock():
            done.value += len(picked)
        my_txns += 1
    with txns.get_lock():
        txns.value += my_txns
    connection.close()


CEILING_TABLE = "bench_commit_ceiling"


def ceiling_writer(index, db_url, mode, target, subjects_n, staff, claimed, done, txns, start_evt):
    """The machine's ceiling: the same row shape, one INSERT + COMMIT per transaction,
    through plain psycopg (no Django, no activity check, no hashing, no audit row)."""
    import psycopg

    rng = random.Random(2000 + index)
    subjects = _pseudonyms(subjects_n, seed=42)
    digest = "0" * 64
    sql = (
        f"INSERT INTO {CEILING_TABLE} (occurred_at, trace_id, span_id, parent_span_id, "  # noqa: S608
        "subject, activity_version_id, action, object_type, object_id, outcome, actor_kind, "
        "actor_unit, actor_role, audit_id, entry_hash) VALUES "
        "(now(), %s, %s, '', %s, 1, 'read', 'case', %s, 'success', 'system', 'systeem', "
        "'job', NULL, %s) RETURNING id"
    )
    with psycopg.connect(db_url.replace("postgres://", "postgresql://", 1)) as conn:
        start_evt.wait()
        mine = 0
        while True:
            with claimed.get_lock():
                if claimed.value >= target:
                    break
                claimed.value += 1
            with conn.cursor() as cursor:
                cursor.execute(
                    sql,
                    (
                        f"{rng.getrandbits(128):032x}",
                        f"{rng.getrandbits(64):016x}",
                        rng.choice(subjects),
                        f"{rng.getrandbits(64):016x}",
                        digest,
                    ),
                )
                cursor.fetchone()
            conn.commit()
            with done.get_lock():
                done.value += 1
            mine += 1
    with txns.get_lock():
        txns.value += mine


def sealer(db_url, stop_evt, report):
    _django(db_url)
    from django.db import connection

    from stadhuis.privacy import chain

    calls, sealed, worst, total = 0, 0, 0.0, 0.0
    while not stop_evt.wait(SEAL_INTERVAL):
        started = time.perf_counter()
        sealed += chain.seal()
        took = time.perf_counter() - started
        calls, total, worst = calls + 1, total + took, max(worst, took)
    report.update(calls=calls, sealed=sealed, worst=worst, total=total)
    connection.close()


# --- the run ----------------------------------------------------------------------------


def run(args) -> int:
    pg_url = args.pg_url.rstrip("/")
    db = args.db or f"stadhuis_bench_{os.getpid()}"
    db_url = f"{pg_url}/{db}"
    print_machine(pg_url)
    print(f"\ndatabase {db}; mode={args.mode} writers={args.writers} entries={args.entries:,}")
    if not args.db:
        _psql(f"{pg_url}/postgres", f'CREATE DATABASE "{db}"')
    result = False
    try:
        env = _env(db_url)
        if not args.db:
            subprocess.run(
                [sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True, cwd=ROOT
            )
        _django(db_url)
        from django.db import connection

        staff = _existing_staff() or setup_fixtures()
        connection.close()
        result = measure(args, db_url, staff)
        if args.tamper:
            tamper(args, pg_url, db)
    finally:
        if args.keep or args.db:
            print(f"\nkept database {db}: {db_url}")
        else:
            drop_database(pg_url, db)
    return 0 if result else 1


def _existing_staff() -> list[tuple[int, str, str]]:
    from stadhuis.accounts.models import User

    return [
        (pk, unit, "case_handler")
        for pk, unit in User.objects.filter(username__startswith="bench-staff-").values_list(
            "pk", "org_unit"
        )
    ]


def measure(args, db_url: str, staff) -> bool:
    ctx = mp.get_context("spawn")
    claimed, done, txns = ctx.Value("q", 0), ctx.Value("q", 0), ctx.Value("q", 0)
    start_evt, stop_evt = ctx.Event(), ctx.Event()
    manager = ctx.Manager()
    seal_report = manager.dict()
    ceiling = args.mode == "ceiling"
    if ceiling:
        _psql(
            db_url,
            f"DROP TABLE IF EXISTS {CEILING_TABLE}; CREATE TABLE {CEILING_TABLE} "
            "(LIKE privacy_processinglogentry INCLUDING ALL)",
        )
    writers = [
        ctx.Process(
            target=ceiling_writer if ceiling else writer,
            args=(
                i,
                db_url,
                args.mode,
                args.entries,
                args.subjects,
                staff,
                claimed,
                done,
                txns,
                start_evt,
            ),
        )
        for i in range(args.writers)
    ]
    seal_proc = ctx.Process(target=sealer, args=(db_url, stop_evt, seal_report))
    for proc in writers:
        proc.start()
    time.sleep(3)  # let every writer import Django and connect
    if not ceiling:
        seal_proc.start()
    time.sleep(1)

    windows = []
    started = time.perf_counter()
    start_evt.set()
    mark, mark_time = 0, started
    print(f"\n{'window':>20} {'seconds':>8} {'entries/s':>10}")
    while any(proc.is_alive() for proc in writers):
        time.sleep(0.05)
        now, value = time.perf_counter(), done.value
        while value >= mark + WINDOW:
            mark += WINDOW
            rate = WINDOW / (now - mark_time)
            windows.append(rate)
            print(
                f"{mark - WINDOW:>9,}-{mark:>9,} {now - mark_time:8.2f} {rate:10,.0f}", flush=True
            )
            mark_time = now
    wall = time.perf_counter() - started
    for proc in writers:
        proc.join()
    if any(proc.exitcode for proc in writers):
        print("a writer failed")
        return False

    from django.db import connection

    from stadhuis.privacy import chain
    from stadhuis.privacy.models import LogBlock, ProcessingLogEntry

    if not ceiling:
        last_block = LogBlock.objects.order_by("-number").first()
        sealed_up_to = last_block.last_id if last_block else 0
        backlog = ProcessingLogEntry.objects.filter(id__gt=sealed_up_to).count()
        stop_evt.set()
        seal_proc.join()
        seal_report = dict(seal_report)
    total = done.value
    print(f"\nentries written:       {total:,}")
    print(f"transactions:          {txns.value:,} ({total / max(txns.value, 1):.2f} entries each)")
    print(f"wall time:             {wall:.1f} s")
    print(f"entries/s overall:     {total / wall:,.0f}")
    print(f"transactions/s:        {txns.value / wall:,.0f}")
    if windows:
        print(
            f"entries/s per {WINDOW:,}: min {min(windows):,.0f}, median "
            f"{sorted(windows)[len(windows) // 2]:,.0f}, max {max(windows):,.0f}"
        )
    if ceiling:
        _psql(db_url, f"DROP TABLE {CEILING_TABLE}")
        return True
    calls = seal_report.get("calls", 0)
    print(
        f"sealer:                {calls} runs, {seal_report.get('sealed', 0):,} entries sealed, "
        f"mean {seal_report.get('total', 0) / max(calls, 1):.2f} s, worst "
        f"{seal_report.get('worst', 0):.2f} s per run"
    )
    print(f"unsealed backlog when writers stopped: {backlog:,} entries")

    started = time.perf_counter()
    sealed = chain.seal()
    print(f"final seal:            {sealed:,} entries in {time.perf_counter() - started:.1f} s")
    connection.close()
    return timed_verify(db_url, expect_ok=True)


def timed_verify(db_url: str, *, expect_ok: bool, expect_text: str = "") -> bool:
    from stadhuis.privacy import chain

    started = time.perf_counter()
    result = chain.verify()
    took = time.perf_counter() - started
    print(
        f"chain.verify():        {took:.1f} s; ok={result.ok}, entries={result.entries:,}, "
        f"sealed={result.sealed_entries:,}, blocks={result.blocks}"
    )
    for problem in result.problems[:3]:
        print(f"  problem: {problem}")
    good = result.ok == expect_ok and expect_text in (result.first_problem or "")
    command = SRC / "stadhuis" / "privacy" / "management" / "commands" / "verify_log.py"
    if command.exists():
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "django", "verify_log"],
            env=_env(db_url),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        took = time.perf_counter() - started
        print(
            f"verify_log command:    {took:.1f} s (exit {out.returncode}, process start included)"
        )
        for line in (out.stdout + out.stderr).strip().splitlines()[:5]:
            print(f"  | {line}")
    else:
        print("verify_log command:    not present yet; timed chain.verify() only")
    return good


def tamper(args, pg_url: str, db: str) -> None:
    """Alter one sealed entry with raw SQL, behind the triggers' back, and run verify."""
    from django.db import connection

    from stadhuis.privacy.models import ProcessingLogEntry

    target = ProcessingLogEntry.objects.count() * 2 // 3
    row = ProcessingLogEntry.objects.filter(id__gte=target).order_by("id").values("id").first()
    entry_id = row["id"]
    print(f"\ntamper test: changing object_type of entry {entry_id} with raw SQL")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE privacy_processinglogentry DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE privacy_processinglogentry SET object_type = 'tampered' WHERE id = %s",
            [entry_id],
        )
        cursor.execute("ALTER TABLE privacy_processinglogentry ENABLE TRIGGER USER")
    connection.close()
    db_url = f"{pg_url}/{db}"
    found = timed_verify(db_url, expect_ok=False, expect_text=f"entry {entry_id} was altered")
    print(f"verify named the altered entry: {found}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument(
        "--mode",
        choices=["single", "mix", "ceiling"],
        default="single",
        help="single: one entry per transaction; mix: 1-20 subjects per processing; "
        "ceiling: plain psycopg INSERT+COMMIT of the same row shape (the machine's limit)",
    )
    parser.add_argument("--subjects", type=int, default=100_000, help="distinct pseudonyms")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--tamper", action="store_true", help="alter one entry, then verify")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--db", help="use this existing, migrated database (kept) instead of creating one"
    )
    args = parser.parse_args()
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
