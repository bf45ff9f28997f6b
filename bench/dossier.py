"""Benchmark: the burgerdossier of a resident with 500 cases and 50,000 log entries.

Issue 4, "Speed": for a resident with 500 cases and 50,000 processing-log entries, on
PostgreSQL with a city of 100,000 residents, at 16 concurrent clients on loopback, the
dossier overview and the first page of "who processed my data" each have a median
<= 30 ms and p99 <= 120 ms; the full JSON export for that resident takes under 2 s.

1. Creates a fresh database ``stadhuis_dossier_<pid>``, migrates it, generates the city
   with ``stadhuis demo --residents N --cases M --quiet`` and runs ``VACUUM ANALYZE``
   (``generate`` of bench/cases.py).
2. Makes the benchmark resident through the real services: ``resident_login`` with a
   valid BSN, ``--own-cases`` cases with ``case_submit`` (every demo case type that a
   resident may submit, in turn, with answers for the required questions), a third of
   them closed with ``case_set_status`` by a demo case handler of the type's
   department (an access request with a result that closes it without the answer,
   such as "geweigerd": only the privacy officer's answer closes it as answered), then
   ``record_processing`` calls (one subject: the resident; actions read/update/export;
   actors resident/staff/system; object type "zaak" with the resident's case
   references) in transactions of 1,000 calls until the resident has
   ``--log-entries`` entries; then ``stadhuis seal-log``. With ``--db`` an existing
   resident is reused.
3. Starts ``stadhuis serve`` (``start_server`` of bench/cases.py: production settings,
   4 workers x 4 threads) and drives it with wrk on loopback, a warm-up and a measured
   run per scenario, at ``--connections`` (16) and once at 1 connection:

       dossier-overview   GET /mijn-gegevens
       dossier-log        GET /mijn-gegevens/verwerkingen  (first page, 25 entries)
       dossier-log-cases  GET /mijn-gegevens/verwerkingen?action=update  (names 25 cases)

   with the resident's session cookie (written into the session store as ``login()``
   would). Every status code is counted; anything but 200 is reported.
4. Times the JSON export ``GET /mijn-gegevens/downloaden/mijn-gegevens.json``
   sequentially ``--exports`` times (median, max, bytes, log entries in it) and
   ``GET /api/v1/me/export`` once.
5. Counts SQL queries per request of both pages (Django's test client in this process,
   against the same database) and profiles (cProfile) the slower page and the export.

    .venv/bin/python bench/dossier.py
    .venv/bin/python bench/dossier.py --db stadhuis_dossier_123 --duration 20

Every page view is logged as the resident's own read, so the log grows by one entry
per request during the run ("at least 50,000"). The database is dropped at the end
unless ``--keep`` (or ``--db NAME``, which reuses it and keeps it).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from log_append import ROOT, _psql, print_machine

import cases
from cases import (
    CpuMeter,
    _server_env,
    check_once,
    finish,
    generate,
    report,
    session_cookie,
    setup_django,
    sizes,
    start_server,
    stop_server,
)
from cases import wrk as run_wrk

TARGETS = {  # issue 4
    "dossier-overview": "median <= 30 ms, p99 <= 120 ms",
    "dossier-log": "median <= 30 ms, p99 <= 120 ms",
    "dossier-log-cases": "(no target of its own: a filtered page that names 25 cases)",
}
cases.TARGETS.update(TARGETS)  # report() prints the target of the scenario
PAGES = {
    "dossier-overview": "/mijn-gegevens",
    "dossier-log": "/mijn-gegevens/verwerkingen",
    # Every page view is logged, so after the first few requests the unfiltered first
    # page holds only the resident's own views; this one shows case updates by others,
    # each naming its case (the sections' describe()).
    "dossier-log-cases": "/mijn-gegevens/verwerkingen?action=update",
}
EXPORT = "/mijn-gegevens/downloaden/mijn-gegevens.json"
API_EXPORT = "/api/v1/me/export"
BENCH_NAME = "Benchmark Burgerdossier"


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def _valid_bsns(seed: int):
    """Valid BSNs (11-proof) in a fixed pseudo-random order."""
    rng = random.Random(seed)
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10 and digits[0] != 0:
            yield "".join(map(str, digits)) + str(last)


# --- the benchmark resident -------------------------------------------------------------


def make_resident(own_cases: int, log_entries: int):
    """The benchmark resident, with ``own_cases`` cases and >= ``log_entries`` entries."""
    from django.db import transaction

    from stadhuis.accounts.models import Resident, User
    from stadhuis.accounts.services import resident_actor, resident_login, staff_actor
    from stadhuis.cases.models import Case, CaseType
    from stadhuis.cases.services import case_set_status, case_submit
    from stadhuis.core.context import Actor
    from stadhuis.core.errors import StadhuisError
    from stadhuis.core.roles import Role
    from stadhuis.privacy.models import Action, ProcessingLogEntry
    from stadhuis.privacy.services import record_processing

    resident = Resident.objects.filter(display_name=BENCH_NAME).select_related("user").first()
    if resident is None:
        for bsn in _valid_bsns(4):
            user = resident_login(bsn=bsn, display_name=BENCH_NAME)
            resident = user.resident
            if (
                resident.display_name == BENCH_NAME
                and not Case.objects.filter(subject=resident.pseudonym).exists()
            ):
                break
    subject = resident.pseudonym
    me = resident_actor(resident)
    handlers = {}
    for user in User.objects.filter(
        kind=User.Kind.STAFF, role_assignments__role=Role.CASE_HANDLER
    ).order_by("username"):
        handlers.setdefault(user.org_unit, staff_actor(user, Role.CASE_HANDLER))

    have = Case.objects.filter(subject=subject).count()
    started = time.perf_counter()
    made = closed = 0
    skipped: dict[str, str] = {}
    if have < own_cases:
        kinds = list(
            CaseType.objects.filter(is_current=True, published_at__isnull=False).order_by("code")
        )
        usable = []
        for case_type in kinds:
            answers = {
                q["name"]: (str(q["choices"][0]) if q.get("choices") else "Benchmark")
                for q in case_type.questions
                if q.get("required")
            }
            usable.append((case_type, answers))
        n = have
        while n < own_cases:
            if not usable:
                raise SystemExit(f"no case type a resident can submit: {skipped}")
            case_type, answers = usable[n % len(usable)]
            try:
                case = case_submit(
                    actor=me,
                    case_type_code=case_type.code,
                    description=f"Benchmark {n}: de lantaarnpaal bij nummer {n} doet het niet.",
                    answers=answers,
                    email=f"bench{n}@example.org",
                    postcode=f"{1000 + n % 9000} AB",
                )
            except StadhuisError as exc:  # a type residents cannot submit
                skipped[case_type.code] = f"{type(exc).__name__}: {exc}"
                usable.remove((case_type, answers))
                continue
            n, made = n + 1, made + 1
            handler = handlers.get(case.department)
            if n % 3 == 0 and handler is not None:
                closed += _close(case, handler, case_set_status)
        print(
            f"cases:                 {made} made with case_submit, {closed} closed with "
            f"case_set_status, in {time.perf_counter() - started:.1f} s"
            + (f"; types skipped: {skipped}" if skipped else "")
        )
    refs = list(
        Case.objects.filter(subject=subject).values_list(
            "reference", "case_type__processing_activity"
        )
    )
    staff = list(handlers.values())
    system = Actor.system("bench-dossier")
    rng = random.Random(7)
    actions = [Action.READ] * 7 + [Action.UPDATE] * 2 + [Action.EXPORT]
    entries = ProcessingLogEntry.objects.filter(subject=subject).count()
    started, calls = time.perf_counter(), 0
    while entries < log_entries:
        batch = min(1000, log_entries - entries)
        with transaction.atomic():
            for _ in range(batch):
                reference, activity = rng.choice(refs)
                pick = rng.random()
                actor = me if pick < 0.4 else rng.choice(staff) if pick < 0.85 else system
                record_processing(
                    actor=actor,
                    activity=activity,
                    action=rng.choice(actions),
                    subjects=[subject],
                    object_type="zaak",
                    object_id=reference,
                )
        entries += batch
        calls += batch
    if calls:
        print(
            f"log entries:           {calls:,} record_processing calls in "
            f"{time.perf_counter() - started:.1f} s"
        )
    return resident


def _close(case, handler, case_set_status) -> int:
    """Walk the case to a final status (the type's transitions), with its first result
    that a handler may set: an access request is answered only with its answer (the
    privacy officer's, from the dossier), so it is closed with the first result that
    closes it without one (refused or withdrawn), and stays open when its type has none."""
    from stadhuis.core.errors import StadhuisError

    result = next((r for r in case.case_type.results.order_by("pk") if not r.needs_answer), None)
    if result is None:
        return 0
    for _step in range(6):
        nexts = list(case.status.next_statuses.all())
        if not nexts:
            return 0
        final = [s for s in nexts if s.is_final]
        target = final[0] if final else sorted(nexts, key=lambda s: s.pk)[-1]
        try:
            case = case_set_status(
                actor=handler,
                case=case,
                expected_version=case.version,
                status_code=target.code,
                explanation="Benchmark",
                result_code=result.code if target.is_final else None,
            )
        except StadhuisError:
            return 0
        if target.is_final:
            return 1
    return 0


def resident_sizes(subject: str) -> dict[str, int]:
    from stadhuis.cases.models import Case
    from stadhuis.privacy.models import ProcessingLogEntry

    own = Case.objects.filter(subject=subject)
    return {
        "cases": own.count(),
        "closed cases": own.filter(closed_at__isnull=False).count(),
        "case types": own.values("case_type").distinct().count(),
        "log entries": ProcessingLogEntry.objects.filter(subject=subject).count(),
    }


# --- measuring --------------------------------------------------------------------------


def get(port: int, path: str, cookie: str) -> tuple[int, bytes, float]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return status, body, time.perf_counter() - started


def exports(server, db_url: str, port: int, cookie: str, times: int) -> dict:
    took, size, entries, statuses, cpu = [], 0, 0, [], []
    for _ in range(times):
        meter = CpuMeter(server, db_url)
        meter.start()
        status, body, seconds = get(port, EXPORT, cookie)
        used = meter.stop()
        cpu.append(used["app"] + used["pg"])
        statuses.append(status)
        took.append(seconds)
        size = len(body)
        entries = len(json.loads(body)["processingLog"]) if status == 200 else 0
    print(
        f"export JSON x{times}:      median {statistics.median(took) * 1000:,.0f} ms, "
        f"max {max(took) * 1000:,.0f} ms, all {[round(t * 1000) for t in took]} ms; "
        f"{size:,} bytes, {entries:,} log entries; status {statuses}; load {load()}\n"
        f"{'':<22} CPU per export (server + PostgreSQL): median "
        f"{statistics.median(cpu) * 1000:,.0f} ms, all {[round(c * 1000) for c in cpu]} ms",
        flush=True,
    )
    status, body, seconds = get(port, API_EXPORT, cookie)
    api_entries = len(json.loads(body)["processingLog"]) if status == 200 else 0
    print(
        f"API /api/v1/me/export: {seconds * 1000:,.0f} ms, {len(body):,} bytes, "
        f"{api_entries:,} log entries; status {status}; load {load()}",
        flush=True,
    )
    return {
        "export_ms": [t * 1000 for t in took],
        "export_bytes": size,
        "export_entries": entries,
        "export_status": statuses,
        "api_ms": seconds * 1000,
        "api_bytes": len(body),
        "api_entries": api_entries,
        "api_status": status,
    }


def _client(cookie: str):
    from django.test import Client

    name, _sep, key = cookie.partition("=")
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[name] = key
    return client


def _backend_cpu_ms(pid: int) -> float | None:
    """User + system CPU of a PostgreSQL backend on this machine, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def query_counts(cookie: str, rounds: int = 5, cpu_rounds: int = 20) -> dict:
    """Per request of each page: SQL queries (count, total and slowest time), and the
    CPU it costs: Python in this process and the PostgreSQL backend serving it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(cookie)
    client.get("/volgen")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    out = {}
    for name, path in {**PAGES, "export": EXPORT, "empty form /volgen": "/volgen"}.items():
        client.get(path)  # warm
        counts, sql_ms, wall = [], [], []
        slow = None
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                wall.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            counts.append(len(captured.captured_queries))
            times = [float(q["time"]) * 1000 for q in captured.captured_queries]
            sql_ms.append(sum(times))
            top = max(captured.captured_queries, key=lambda q: float(q["time"]))
            if slow is None or float(top["time"]) > float(slow["time"]):
                slow = top
        n = cpu_rounds if name != "export" else 3
        cpu, pg = time.process_time(), _backend_cpu_ms(backend)
        for _ in range(n):
            client.get(path)
        cpu = (time.process_time() - cpu) * 1000 / n
        pg_after = _backend_cpu_ms(backend)
        pg = (pg_after - pg) / n if pg is not None and pg_after is not None else None
        out[name] = {
            "queries": counts[-1],
            "sql_ms": statistics.median(sql_ms),
            "wall_ms": statistics.median(wall),
            "python_cpu_ms": cpu,
            "pg_cpu_ms": pg,
            "slowest_ms": float(slow["time"]) * 1000,
            "slowest_sql": slow["sql"][:300],
        }
        print(
            f"{name:<18} {counts[-1]:>3} queries, SQL {statistics.median(sql_ms):6.1f} ms of "
            f"{statistics.median(wall):7.1f} ms wall (median of {rounds}); CPU per request "
            f"(mean of {n}): Python {cpu:6.1f} ms + PostgreSQL backend "
            f"{pg if pg is None else round(pg, 1)} ms; slowest query "
            f"{float(slow['time']) * 1000:.1f} ms: {slow['sql'][:120]}",
            flush=True,
        )
    return out


def profile(cookie: str, path: str, rounds: int, work: Path, name: str) -> str:
    """cProfile of ``rounds`` requests through the test client; the top by own time."""
    client = _client(cookie)
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.dump_stats(str(work / f"{name}.prof"))
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    text = out.getvalue()
    (work / f"{name}.profile.txt").write_text(text)
    return text


# --- the run ----------------------------------------------------------------------------


def load_runs(server, db_url: str, port: int, plan: dict, work: Path, args) -> list[dict]:
    """Every scenario of ``plan`` with wrk, at ``--connections`` and at 1 connection."""
    rows = []
    for connections, threads, duration, warmup in (
        (args.connections, args.threads, args.duration, args.warmup),
        (1, 1, args.duration_single, args.warmup_single),
    ):
        settings = types.SimpleNamespace(connections=connections, threads=threads)
        print(f"\nwrk -c{connections} -t{threads}: {warmup} s warm-up + {duration} s")
        for name, spec in plan.items():
            check = check_once(port, spec)
            print(f"{name:<17} check: {check}", flush=True)
            if check != "200":
                tail = (work / "server.log").read_text()[-3000:]
                raise SystemExit(f"{name} answers {check}; server log:\n{tail}")
            if warmup:
                run_wrk(port, spec, work, settings, warmup)
            before = load()
            meter = CpuMeter(server, db_url)
            meter.start()
            result = run_wrk(port, spec, work, settings, duration)
            row = report(name, result, meter.stop())
            row.update(connections=connections, load_before=before, load_after=load())
            print(f"{'':<17} load average before {before}, after {row['load_after']}")
            rows.append(row)
    return rows


def describe(pg_url: str) -> None:
    """The machine, PostgreSQL's planner settings, the load and the code under test."""
    print_machine(pg_url)
    for name in ("work_mem", "effective_cache_size", "random_page_cost", "max_connections"):
        print(f"  pg {name}: {_psql(f'{pg_url}/postgres', f'SHOW {name}')}")
    print(f"  nproc: {os.cpu_count()}; load average at start: {load()}")
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--short"], capture_output=True, text=True)
    print(
        f"  code: {ROOT} at {head.stdout.strip() or '(not a git checkout)'}, "
        f"{len(dirty.stdout.splitlines())} paths changed in tree"
    )


def run(args) -> int:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    pg_url = args.pg_url.rstrip("/")
    db = args.db or f"stadhuis_dossier_{os.getpid()}"
    db_url = f"{pg_url}/{db}"
    describe(pg_url)
    work = Path(tempfile.mkdtemp(prefix="stadhuis-bench-dossier-"))
    server = None
    try:
        if not args.db:
            _psql(f"{pg_url}/postgres", f'CREATE DATABASE "{db}"')
            print(f"\ndatabase {db}: {args.residents:,} residents, {args.cases:,} cases")
            generate(db_url, args.residents, args.cases)
        setup_django(db_url, work)
        resident = make_resident(args.own_cases, args.log_entries)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "stadhuis.cli", "seal-log"],
            env=_server_env(db_url, str(work / "var")),
            cwd=ROOT,
            check=True,
        )
        print(f"seal-log:              {time.perf_counter() - started:.1f} s")
        _psql(db_url, "VACUUM ANALYZE")
        print("data set:", {k: f"{v:,}" for k, v in sizes(db_url).items()})
        print("resident:", resident_sizes(resident.pseudonym))
        cookie = session_cookie(resident.user)
        plan = {}
        for name, path in PAGES.items():
            file = work / f"{name}.txt"
            file.write_text(f"GET\t{path}\n")
            plan[name] = {"file": file, "headers": [f"Cookie: {cookie}"]}
        server = start_server(db_url, work, args.port, args.workers, args.server_threads)
        print(f"server: granian {args.workers} workers x {args.server_threads} threads")
        results: dict = {"pages": []}
        if "load" in args.parts:
            results["pages"] = load_runs(server, db_url, args.port, plan, work, args)
        print()
        results["export"] = exports(server, db_url, args.port, cookie, args.exports)
        stop_server(server)
        server = None
        print("\nper request (Django test client, same database, server stopped):")
        results["queries"] = query_counts(cookie) if "queries" in args.parts else {}
        if args.profile and results["pages"]:
            slowest = max(
                (r for r in results["pages"] if r["connections"] == 1), key=lambda r: r["p50"]
            )["scenario"]
            for name, path, rounds in ((slowest, PAGES[slowest], 50), ("export", EXPORT, 3)):
                print(f"\nprofile of {name} ({rounds} requests, cProfile):")
                print(profile(cookie, path, rounds, work, name))
        print("resident after the runs:", resident_sizes(resident.pseudonym))
        (work / "results.json").write_text(json.dumps(results, indent=1, default=str))
        print(f"\nresults: {work / 'results.json'}; server log: {work / 'server.log'}")
        bad = [r["scenario"] for r in results["pages"] if r["bad"] or r["socket errors"]]
        bad += ["export"] if set(results["export"]["export_status"]) != {200} else []
        bad += ["api-export"] if results["export"]["api_status"] != 200 else []
        if bad:
            print("answers other than 200 or socket errors in:", ", ".join(bad))
        return 1 if bad else 0
    finally:
        finish(server, args, pg_url, db)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=200_000, help="cases of the city")
    parser.add_argument("--own-cases", type=int, default=500, help="the resident's cases")
    parser.add_argument("--log-entries", type=int, default=50_000, help="the resident's log")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", help="use this existing database (kept)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--duration", type=int, default=30, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of warm-up")
    parser.add_argument("--duration-single", type=int, default=15, help="at 1 connection")
    parser.add_argument("--warmup-single", type=int, default=5, help="at 1 connection")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="server worker processes")
    parser.add_argument("--server-threads", type=int, default=4, help="threads per server worker")
    parser.add_argument("--exports", type=int, default=5, help="sequential JSON exports")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument(
        "--parts",
        default="load,queries",
        help="what to run besides the exports: load (wrk), queries (counts and CPU)",
    )
    parser.add_argument("--port", type=int, default=8766)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
