"""Benchmark: track & trace pages and API on a million cases, through the real server.

Creates a fresh PostgreSQL database ``stadhuis_cases_<pid>``, migrates it, generates the
city with ``stadhuis demo --residents N --cases M`` (timed), runs ``VACUUM ANALYZE``,
then starts ``stadhuis serve`` (granian, production settings with DEBUG off and fixed
test keys) and drives it with wrk on loopback (16 connections, 2 threads by default),
a warm-up and then a measured run per scenario:

    api-list       GET  /api/v1/cases?caseType=<type>&openOnly=true&limit=20 (bearer)
    resident-page  GET  /mijn-zaken/<reference>, a resident with many cases (session)
    staff-queue    GET  /medewerkers/zaken?overdue=1, a case handler's department (session)
    api-create     POST /api/v1/cases, JSON with e-mail and postcode (notification queued)
    lookup         POST /volgen, reference + postcode of cases made by api-create (CSRF)

    .venv/bin/python bench/cases.py --cases 1000000 --residents 100000
    .venv/bin/python bench/cases.py --db stadhuis_cases_123 --scenarios api-list,lookup

Sessions are made directly in the session store (as ``django.contrib.auth.login`` and
``django_otp.login`` would), the API token with ``stadhuis issue-token``. wrk counts
3xx as success, so the scripts (bench/wrk/) count every status code themselves; any
answer other than 200/201 is reported. The database is dropped at the end unless
``--keep`` (or ``--db NAME``, which uses an existing generated database and keeps it).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from log_append import ROOT, _env, _psql, drop_database, print_machine

WRK_DIR = Path(__file__).resolve().parent / "wrk"
SCENARIOS = ("api-list", "resident-page", "staff-queue", "api-create", "lookup")
TARGETS = {  # issue 3: median (and p99) in ms, or requests/s
    "api-list": "median <= 15 ms, p99 <= 60 ms",
    "resident-page": "median <= 10 ms",
    "lookup": "median <= 10 ms",
    "api-create": ">= 250 requests/s",
    "staff-queue": "median <= 25 ms",
}
SERVER_ENV = {  # production settings, fixed (obviously fake) keys as in tests/settings.py
    "DJANGO_SETTINGS_MODULE": "stadhuis.settings",
    "STADHUIS_DEBUG": "0",
    "STADHUIS_DEMO": "0",
    "STADHUIS_SECRET_KEY": "t" * 50,
    "STADHUIS_PSEUDONYM_KEY": "p" * 50,
    "STADHUIS_BSN_KEYS": "ZmFrZS10ZXN0LWtleS1mb3ItYnNuLWVuY3J5cHRpb24=",
    "STADHUIS_LOG_KEY": "l" * 50,
    "STADHUIS_SECURE": "0",
    "STADHUIS_ALLOWED_HOSTS": "127.0.0.1",
}
CSRF = "benchcsrfbenchcsrfbenchcsrfbench"  # any 32 alphanumerics is a valid CSRF secret


def _server_env(db_url: str, var_dir: str) -> dict[str, str]:
    env = _env(db_url)
    env.update(SERVER_ENV)
    env["STADHUIS_VAR_DIR"] = var_dir
    return env


def _run(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, **kwargs)


def setup_django(db_url: str, work: Path) -> None:
    """Set up Django in this process with the server's settings, against ``db_url``."""
    os.environ.update(_server_env(db_url, str(work / "var")))
    for path in (str(ROOT / "src"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def session_cookie(user, **extra) -> str:
    """A session as ``login()`` (and ``django_otp.login``, with ``extra``) writes it."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    now = int(time.time())
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "stadhuis.accounts.backends.AccountBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.update({"login_at": now, "last_seen": now, **extra})
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


# --- the data set -----------------------------------------------------------------------


def migrate(db_url: str) -> None:
    started = time.perf_counter()
    _run([sys.executable, "-m", "django", "migrate", "-v0"], _env(db_url))
    print(f"migrate:               {time.perf_counter() - started:.1f} s")


def generate(db_url: str, residents: int, cases: int) -> None:
    env = _env(db_url)
    migrate(db_url)
    started = time.perf_counter()
    _run(
        [
            sys.executable,
            "-m",
            "stadhuis.cli",
            "demo",
            "--residents",
            str(residents),
            "--cases",
            str(cases),
            "--quiet",
        ],
        env,
    )
    print(f"stadhuis demo:         {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    _psql(db_url, "VACUUM ANALYZE")
    print(f"VACUUM ANALYZE:        {time.perf_counter() - started:.1f} s")


def sizes(db_url: str) -> dict[str, int]:
    sql = (
        "SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM cases_casestatus), "
        "(SELECT count(*) FROM accounts_resident), "
        "(SELECT count(*) FROM cases_case WHERE closed_at IS NULL), "
        "(SELECT count(*) FROM privacy_processinglogentry), "
        "pg_database_size(current_database())"
    )
    values = [int(v) for v in _psql(db_url, sql).split("|")]
    keys = ("cases", "statuses", "residents", "open cases", "log entries", "database bytes")
    return dict(zip(keys, values, strict=True))


# --- credentials and request lists ------------------------------------------------------


def prepare(db_url: str, work: Path) -> dict:
    """Token, sessions and request lists; Django runs in this process (server settings)."""
    setup_django(db_url, work)
    from django.core.management import call_command
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from stadhuis.accounts.models import Resident, User
    from stadhuis.cases.models import Case, CaseType

    types = list(CaseType.objects.filter(is_current=True).order_by("code"))
    out = io.StringIO()
    call_command(
        "issue_token",
        "Benchmark",
        unit="Informatievoorziening",
        grant=[f"{t.code}:read,create:zeer_geheim" for t in types],
        stdout=out,
        stderr=io.StringIO(),
    )
    token = out.getvalue().strip().splitlines()[-1]

    top = (
        Case.objects.exclude(subject="")
        .values("subject")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    resident = Resident.objects.select_related("user").get(pseudonym=top["subject"])
    own = list(
        Case.objects.filter(subject=top["subject"]).values_list("reference", flat=True)[:100]
    )
    staff = User.objects.get(username="behandelaar")
    device = TOTPDevice.objects.get(user=staff)
    staff_cookie = session_cookie(staff, otp_device_id=device.persistent_id)
    department_open = Case.objects.filter(department=staff.org_unit, closed_at=None).count()

    def write(name: str, lines: list[str]) -> Path:
        path = work / f"{name}.txt"
        path.write_text("\n".join(lines) + "\n")
        return path

    # The API refuses types that another part of the platform opens (start_url, 403).
    creatable = [t for t in types if not t.start_url]
    bodies = []
    for n in range(1000):
        case_type = creatable[n % len(creatable)]
        answers = {
            q["name"]: (str(q["choices"][0]) if q.get("choices") else "Benchmark")
            for q in case_type.questions
            if q.get("required")
        }
        body = {
            "caseType": case_type.code,
            "description": f"Benchmark {n}: de lantaarnpaal doet het niet.",
            "answers": answers,
            "email": f"bench{n}@example.org",
            "postcode": f"{1000 + n % 9000} AB",
        }
        bodies.append(f"POST\t/api/v1/cases\t{json.dumps(body)}")
    bearer = f"Authorization: Bearer {token}"
    plan = {
        "api-list": {
            "file": write(
                "api-list",
                [f"GET\t/api/v1/cases?caseType={t.code}&openOnly=true&limit=20" for t in types],
            ),
            "headers": [bearer],
        },
        "resident-page": {
            "file": write("resident-page", [f"GET\t/mijn-zaken/{ref}" for ref in own]),
            "headers": [f"Cookie: {session_cookie(resident.user)}"],
        },
        "staff-queue": {
            "file": write("staff-queue", ["GET\t/medewerkers/zaken?overdue=1"]),
            "headers": [f"Cookie: {staff_cookie}"],
        },
        "api-create": {
            "file": write("api-create", bodies),
            "headers": [bearer, "Content-Type: application/json"],
        },
        "lookup": {
            "file": work / "lookup.txt",  # written after api-create: see lookup_requests
            "headers": [
                f"Cookie: csrftoken={CSRF}",
                "Content-Type: application/x-www-form-urlencoded",
            ],
        },
    }
    print(
        f"resident:              {len(own)} own cases (the most of any resident); "
        f"staff: behandelaar ({staff.org_unit}, {department_open:,} open cases)"
    )
    return plan


def lookup_requests(path: Path) -> int:
    """Reference + postcode of cases that have a postcode (those made by api-create)."""
    from urllib.parse import urlencode

    from stadhuis.cases.models import Case

    pairs = list(
        Case.objects.exclude(contact_postcode="")
        .order_by("-id")
        .values_list("reference", "contact_postcode")[:2000]
    )
    lines = [
        "POST\t/volgen\t"
        + urlencode({"csrfmiddlewaretoken": CSRF, "reference": ref, "email_or_postcode": postcode})
        for ref, postcode in pairs
    ]
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


# --- the server and the load ------------------------------------------------------------


def _port_in_use(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start_server(db_url: str, work: Path, port: int, workers: int, threads: int):
    if _port_in_use(port):  # else the load would go to whatever listens there
        raise SystemExit(f"port {port} is in use: stop that server or pass --port")
    env = _server_env(db_url, str(work / "var"))
    log = open(work / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stadhuis.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.time() + 90
    try:
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/volgen", timeout=10)
                return proc
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # not up yet
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
    except BaseException:  # never leave a server behind (it would answer the next run)
        stop_server(proc)
        raise
    stop_server(proc)
    raise SystemExit(f"server did not start; see {work / 'server.log'}")


def finish(server, args, pg_url: str, db: str) -> None:
    """After a run: stop the server, and drop the database unless it is to be kept."""
    if server is not None:
        stop_server(server)
    if args.keep or args.db:
        print(f"kept database {db}: {pg_url}/{db}")
    else:
        drop_database(pg_url, db)


def stop_server(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def check_once(port: int, spec: dict) -> str:
    """One request of the scenario with urllib: its status, and the start of an error."""
    method, path, *body = spec["file"].read_text().splitlines()[0].split("\t")
    headers = dict(h.split(": ", 1) for h in spec["headers"])
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body[0].encode() if body else None,
        headers=headers,
        method=method,
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return str(response.status)
    except urllib.error.HTTPError as exc:
        return f"{exc.code} {exc.read()[:300]!r}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cpu_seconds(pids) -> float:
    """utime + stime of these processes (0 for one that is gone)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _group_pids(pgid: int) -> list[int]:
    """The processes of a process group (the server: granian and its workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[2]) == pgid:
                        pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return pids


class CpuMeter:
    """CPU seconds used by the server, its PostgreSQL backends and wrk during a run.

    On a shared machine latency and throughput depend on what else runs; the CPU time
    each request costs does much less, and bounds the throughput: at best about
    (cores x 1000 ms) / (CPU ms per request, all three together) requests per second.
    """

    def __init__(self, server, db_url: str):
        self.server, self.db_url = server, db_url

    def _backends(self) -> list[int]:
        sql = (
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [int(p) for p in _psql(self.db_url, sql).split()]

    def start(self) -> None:
        self.app_pids = _group_pids(self.server.pid)
        self.pg_pids = set(self._backends())
        self.app0 = _cpu_seconds(self.app_pids)
        self.pg0 = {pid: _cpu_seconds([pid]) for pid in self.pg_pids}
        self.wrk0 = _children_cpu()

    def stop(self) -> dict[str, float]:
        app = _cpu_seconds(self.app_pids) - self.app0
        pg = sum(_cpu_seconds([pid]) - self.pg0.get(pid, 0) for pid in set(self._backends()))
        return {"app": app, "pg": pg, "wrk": _children_cpu() - self.wrk0}


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrk(port: int, spec: dict, work: Path, args, seconds: int) -> dict:
    script = work / "scenario.lua"
    script.write_text((WRK_DIR / "rotate.lua").read_text() + (WRK_DIR / "report.lua").read_text())
    cmd = ["wrk", f"-c{args.connections}", f"-t{args.threads}", f"-d{seconds}s", "--latency"]
    cmd += ["--timeout", "10s", "-s", str(script)]
    for header in spec["headers"]:
        cmd += ["-H", header]
    cmd += [f"http://127.0.0.1:{port}", "--", str(spec["file"])]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def report(name: str, result: dict, cpu: dict[str, float] | None = None) -> dict:
    seconds = result["duration_us"] / 1e6
    bad = {c: n for c, n in result["codes"].items() if c not in ("200", "201")}
    row = {
        "scenario": name,
        "requests": result["requests"],
        "rps": result["requests"] / seconds,
        "p50": result["p50_us"] / 1000,
        "p90": result["p90_us"] / 1000,
        "p99": result["p99_us"] / 1000,
        "max": result["max_us"] / 1000,
        "codes": result["codes"],
        "bad": bad,
        "socket errors": {k: v for k, v in result["errors"].items() if v and k != "status"},
    }
    if cpu and result["requests"]:
        row["cpu ms per request"] = {k: v * 1000 / result["requests"] for k, v in cpu.items()}
    print(
        f"{name:<14} {row['requests']:>8,} req {row['rps']:>8.1f}/s  median {row['p50']:7.2f} ms"
        f"  p90 {row['p90']:7.2f}  p99 {row['p99']:7.2f}  max {row['max']:8.1f}  "
        f"codes {result['codes']}  target: {TARGETS[name]}",
        flush=True,
    )
    if "cpu ms per request" in row:
        per = row["cpu ms per request"]
        print(
            f"{'':<14} CPU per request: server {per['app']:.2f} ms, PostgreSQL {per['pg']:.2f} ms,"
            f" wrk {per['wrk']:.2f} ms; total {sum(per.values()):.2f} ms",
            flush=True,
        )
    return row


def run(args) -> int:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    pg_url = args.pg_url.rstrip("/")
    db = args.db or f"stadhuis_cases_{os.getpid()}"
    db_url = f"{pg_url}/{db}"
    print_machine(pg_url)
    work = Path(tempfile.mkdtemp(prefix="stadhuis-bench-cases-"))
    server = None
    try:
        if not args.db:
            _psql(f"{pg_url}/postgres", f'CREATE DATABASE "{db}"')
            print(f"\ndatabase {db}: {args.residents:,} residents, {args.cases:,} cases")
            generate(db_url, args.residents, args.cases)
        print("data set:", {k: f"{v:,}" for k, v in sizes(db_url).items()})
        plan = prepare(db_url, work)
        server = start_server(db_url, work, args.port, args.workers, args.server_threads)
        print(
            f"server: granian {args.workers} workers x {args.server_threads} threads; "
            f"wrk -c{args.connections} -t{args.threads}, {args.warmup} s warm-up + "
            f"{args.duration} s per scenario\n"
        )
        rows = []
        for name in args.scenarios.split(","):
            spec = plan[name]
            if name == "lookup":
                made = lookup_requests(spec["file"])
                if not made:
                    print("lookup         skipped: no case with a postcode (run api-create first)")
                    continue
            print(f"{name:<14} check: {check_once(args.port, spec)}", flush=True)
            if args.warmup:
                wrk(args.port, spec, work, args, args.warmup)
            meter = CpuMeter(server, db_url)
            meter.start()
            result = wrk(args.port, spec, work, args, args.duration)
            rows.append(report(name, result, meter.stop()))
        if "api-create" in args.scenarios:
            from stadhuis.cases.models import Case, Notification

            made = Case.objects.exclude(contact_postcode="").count()
            queued = Notification.objects.filter(case__contact_postcode__gt="").count()
            print(f"\napi-create: {made:,} cases made (with warm-up), {queued:,} notifications")
        (work / "results.json").write_text(json.dumps(rows, indent=1))
        print(f"\nresults: {work / 'results.json'}; server log: {work / 'server.log'}")
        bad = [r["scenario"] for r in rows if r["bad"] or r["socket errors"]]
        if bad:
            print("answers other than 200/201 or socket errors in:", ", ".join(bad))
        return 1 if bad else 0
    finally:
        finish(server, args, pg_url, db)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", help="use this existing, generated database (kept)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--duration", type=int, default=30, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of warm-up per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="server worker processes")
    parser.add_argument("--server-threads", type=int, default=4, help="threads per server worker")
    parser.add_argument("--port", type=int, default=8765)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
