"""Benchmark: the public idea list of a process with 10,000 ideas and 100,000 supports.

Issue 5, "Speed": a process with 10,000 ideas and 100,000 supports: the idea list with
filters has a median <= 30 ms at 16 concurrent clients.

1. Creates a fresh PostgreSQL database ``stadhuis_ideas_<pid>`` and migrates it (with
   ``--db`` an existing one, migrated again so that new migrations apply).
2. Generates the data set in this process: a staff administrator (``staff_create``),
   ``--neighbourhoods`` neighbourhoods with postcode ranges (``neighbourhood_save``) and
   one published crowdsourcing process for all of them (``process_create``, scope
   "districts") whose ideas phase runs now; then, with bulk inserts, ``--ideas`` ideas
   (Dutch titles and texts from word lists, spread unevenly over the neighbourhoods and
   over the ideas phase so far; 94% visible, 4% hidden and 2% rejected by a moderator,
   with a reason) by authors drawn from ``--residents`` pseudonyms, and ``--supports``
   supports, each (idea, resident) once, popular ideas much more often (Zipf-like).
   ``Idea.supports`` is set from the support rows in one UPDATE, so it is exact. Then
   ``VACUUM ANALYZE``. The bulk rows bypass the services, so they leave no processing
   log entries (the services log each idea and support; the list reads no log).
   One benchmark resident logs in (``resident_login``) and lives in the first
   neighbourhood, for the logged-in scenario.
3. Starts ``stadhuis serve`` (``start_server`` of bench/cases.py: granian, production
   settings, 4 workers x 4 threads) and drives it with wrk on loopback, a warm-up and a
   measured run per scenario, at ``--connections`` (16) and at 1 connection. Every
   status code is counted (bench/wrk/report.lua); anything but 200 is reported.

       page-new        GET /meedoen/<id>                       newest first (anonymous)
       page-support    GET /meedoen/<id>?sort=steun            most support first
       page-buurt      GET /meedoen/<id>?buurt=<code>          each neighbourhood in turn
       page-search     GET /meedoen/<id>?zoek=<word>           20 search terms in turn
       page-filters    GET /meedoen/<id>?sort=steun&buurt=..&zoek=..   all three at once
       page-next       the next pages (2 to 6) of the list, both sorts, from its own links
       page-resident   GET /meedoen/<id> with a resident's session (the page then also
                       checks whether the resident may take part)
       api-new         GET /api/v1/participation-processes/<id>/ideas?limit=20
       api-support     the same with sort=support
       api-next        pages 2 to 6 of both, from the ``next`` links

   ``page-next`` is skipped when the page has no link to a next page.

   With ``--churn R,...`` (part ``churn``) the anonymous scenarios page-new,
   page-support and api-new run once more at ``--connections`` for each rate R while a
   thread in this process supports ideas at R per second through the services
   (``idea_support``, or ``idea_unsupport`` when that resident already supports it),
   as 50 eligible residents, on the 200 most supported ideas: each change outdates the
   shared answers of the process (``core.shared``), as a busy support campaign would.
4. Counts SQL queries per request of each scenario and the CPU it costs (Python in this
   process through Django's test client, and the PostgreSQL backend serving it), and
   profiles (cProfile) one scenario (``--profile NAME``).

    .venv/bin/python bench/participation_ideas.py --keep
    .venv/bin/python bench/participation_ideas.py --db stadhuis_ideas_123 --scenarios page-new

The database is dropped at the end unless ``--keep`` (or ``--db NAME``, which reuses it
and keeps it).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import html
import io
import json
import os
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import types
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from log_append import _psql

import cases
from cases import (
    CpuMeter,
    check_once,
    finish,
    migrate,
    report,
    session_cookie,
    setup_django,
    start_server,
    stop_server,
)
from cases import wrk as run_wrk
from dossier import _backend_cpu_ms, _client, _valid_bsns, describe, load, load_runs

TARGET = "median <= 30 ms (16 connections)"
SCENARIOS = (
    "page-new",
    "page-support",
    "page-buurt",
    "page-search",
    "page-filters",
    "page-next",
    "page-resident",
    "api-new",
    "api-support",
    "api-next",
)
cases.TARGETS.update(dict.fromkeys(SCENARIOS, TARGET))  # report() prints the target
PROCESS_TITLE = "Benchmark: ideeën voor de hele stad"
BENCH_NAME = "Benchmark Meedoen"

NEIGHBOURHOODS = [
    ("centrum", "Centrum", "Binnenstad"),
    ("oude-haven", "Oude Haven", "Binnenstad"),
    ("oosterpark", "Oosterpark", "Oost"),
    ("watergraafsmeer", "Watergraafsmeer", "Oost"),
    ("westerkwartier", "Westerkwartier", "West"),
    ("spoorbuurt", "Spoorbuurt", "West"),
    ("noorderhof", "Noorderhof", "Noord"),
    ("bloemenwijk", "Bloemenwijk", "Noord"),
    ("zuiderpark", "Zuiderpark", "Zuid"),
    ("de-akkers", "De Akkers", "Zuid"),
    ("molenwijk", "Molenwijk", "Buitengebied"),
    ("kerkdorp", "Kerkdorp", "Buitengebied"),
]
WHAT = [
    "Meer bankjes",
    "Een speeltuin",
    "Een veilig fietspad",
    "Meer bomen",
    "Een moestuin",
    "Een zebrapad",
    "Betere verlichting",
    "Een hondenuitlaatplek",
    "Een pannakooi",
    "Meer groen",
    "Een buurtbibliotheek",
    "Een watertappunt",
    "Minder parkeerplaatsen",
    "Een bloemenweide",
    "Een jeu-de-boulesbaan",
    "Een overdekte fietsenstalling",
    "Geveltuinen",
    "Een buitenfitness",
    "Een drempel tegen hardrijders",
    "Meer afvalbakken",
]
WHERE = [
    "op het plein",
    "bij de school",
    "in het park",
    "langs de Ringweg",
    "aan de Kerkstraat",
    "bij het station",
    "achter de bibliotheek",
    "bij de sporthal",
    "aan de Dorpsstraat",
    "langs het kanaal",
    "bij het winkelcentrum",
    "op het grasveld",
]
WHY = [
    "Dan kunnen ouderen even uitrusten als ze boodschappen doen.",
    "Kinderen hebben nu geen plek om veilig te spelen.",
    "Er rijden hier elke dag veel auto's veel te hard.",
    "In de zomer is het hier heel heet en er is geen schaduw.",
    "Zo leren buren elkaar beter kennen.",
    "Het is 's avonds donker en veel mensen voelen zich niet veilig.",
    "Er ligt nu vaak zwerfafval op straat.",
    "De jongeren in de buurt hangen nu rond bij de portieken.",
    "Bijen en vlinders hebben hier bijna geen bloemen meer.",
    "Fietsers en voetgangers moeten nu de rijbaan delen met vrachtwagens.",
    "Veel bewoners hebben geen tuin en willen graag iets kweken.",
    "Het water loopt bij een bui niet weg en de kelders lopen onder.",
]
HOW = [
    "Bewoners willen helpen met het onderhoud.",
    "De school wil meedenken over het ontwerp.",
    "Misschien kan het samen met de woningcorporatie.",
    "Het hoeft niet duur te zijn: een paar duizend euro is genoeg.",
    "We hebben al 40 handtekeningen van buren verzameld.",
    "Graag met aandacht voor mensen in een rolstoel.",
    "Het kan op de plek van twee parkeervakken.",
    "Een kunstenaar uit de buurt wil het ontwerpen.",
]
SEARCHES = [  # frequent, rare and absent words, a phrase, a place, a capitalised word
    "bankjes",
    "speeltuin",
    "fietspad",
    "bomen",
    "moestuin",
    "zebrapad",
    "verlichting",
    "hondenuitlaatplek",
    "pannakooi",
    "kerkstraat",
    "station",
    "rolstoel",
    "schaduw",
    "meer groen",
    "Bibliotheek",
    "watertappunt",
    "kunstenaar",
    "vrachtwagens",
    "skatebaan",
    "geveltuinen",
]


# --- the data set -------------------------------------------------------------------------


def _phases(now: dt.datetime):
    """The six phases, two weeks each; the ideas phase began 13 days ago."""
    from stadhuis.participation.models import PHASE_ORDER
    from stadhuis.participation.services import PhaseSpec

    index = PHASE_ORDER.index("ideas")
    specs = []
    for position, kind in enumerate(PHASE_ORDER):
        start = now + dt.timedelta(days=14 * (position - index) - 13)
        specs.append(PhaseSpec(kind, start, start + dt.timedelta(days=14)))
    return specs


def _text(rng: random.Random, neighbourhood: str) -> tuple[str, str, str]:
    what, where = rng.choice(WHAT), rng.choice(WHERE)
    title = f"{what} {where}"
    if rng.random() < 0.3:
        title += f" in {neighbourhood}"
    sentences = [f"Ik stel voor: {what.lower()} {where}."]
    sentences += rng.sample(WHY, rng.randint(1, 3))
    sentences += rng.sample(HOW, rng.randint(0, 2))
    if rng.random() < 0.3:
        sentences.append(f"Groeten van een bewoner van {neighbourhood}.")
    location = f"{where.split(' ', 1)[1]}, {neighbourhood}" if rng.random() < 0.6 else ""
    return title[:150], " ".join(sentences), location


def generate(n_ideas: int, n_supports: int, n_residents: int, n_neighbourhoods: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from stadhuis.accounts.services import staff_actor, staff_create
    from stadhuis.core.roles import Role
    from stadhuis.participation import services
    from stadhuis.participation.models import Idea, Neighbourhood, Support, Visibility
    from stadhuis.privacy.crypto import pseudonym_for_bsn

    started = time.perf_counter()
    user, _device = staff_create(
        actor=None,
        username="bench-admin",
        password="een-lang-wachtwoord-123",  # noqa: S106 - a throwaway benchmark database
        roles=[Role.ADMINISTRATOR],
        org_unit="Participatie",
    )
    admin = staff_actor(user)
    chosen = NEIGHBOURHOODS[:n_neighbourhoods]
    for position, (code, name, district) in enumerate(chosen):
        low, high = 1011 + 2 * position, 1012 + 2 * position
        services.neighbourhood_save(
            actor=admin,
            code=code,
            name=name,
            district=district,
            postcode_ranges=[(f"{low}AA", f"{high}ZZ")],
        )
    now = timezone.now()
    process = services.process_create(
        actor=admin,
        kind="crowdsourcing",
        title=PROCESS_TITLE,
        question="Wat kan er beter in uw buurt? Stuur uw idee in en steun de ideeën van anderen.",
        description="De gemeente kiest na de ideeënfase welke ideeën zij verder uitwerkt.",
        scope="districts",
        neighbourhood_codes=[code for code, _n, _d in chosen],
        phases=_phases(now),
        publish=True,
    )
    print(f"process:               {process.public_id} ({time.perf_counter() - started:.1f} s)")

    rng = random.Random(5)
    started = time.perf_counter()
    residents = []
    for bsn in _valid_bsns(11):
        residents.append(pseudonym_for_bsn(bsn))
        if len(residents) >= n_residents:
            break
    residents = list(dict.fromkeys(residents))
    hoods = list(Neighbourhood.objects.filter(code__in=[c for c, _n, _d in chosen]))
    hood_weights = [1 / (i + 1) ** 0.5 for i in range(len(hoods))]  # uneven, as cities are
    phase_start = now - dt.timedelta(days=13)
    span = (now - phase_start).total_seconds()
    ideas = []
    for n in range(n_ideas):
        hood = rng.choices(hoods, hood_weights)[0] if rng.random() < 0.95 else None
        title, body, location = _text(rng, hood.name if hood else "de stad")
        pick = rng.random()
        visibility = (
            Visibility.PUBLISHED
            if pick < 0.94
            else Visibility.HIDDEN
            if pick < 0.98
            else Visibility.REJECTED
        )
        with_place = rng.random() < 0.3
        ideas.append(
            Idea(
                process=process,
                author=rng.choice(residents),
                title=title,
                body=body,
                location=location,
                latitude=round(52.35 + rng.random() * 0.05, 6) if with_place else None,
                longitude=round(4.85 + rng.random() * 0.08, 6) if with_place else None,
                neighbourhood=hood,
                visibility=visibility,
                moderation_reason=""
                if visibility == Visibility.PUBLISHED
                else "Dit idee bevat persoonlijke gegevens van een ander.",
                created_at=phase_start + dt.timedelta(seconds=span * (n + rng.random()) / n_ideas),
            )
        )
    with transaction.atomic():
        Idea.objects.bulk_create(ideas, batch_size=2000)
    print(f"ideas:                 {len(ideas):,} in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    ids = list(Idea.objects.filter(process=process).order_by("?").values_list("pk", flat=True))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(ids))]  # Zipf-like popularity
    pairs: set[tuple[int, str]] = set()
    while len(pairs) < n_supports:
        for idea_id in rng.choices(ids, weights, k=n_supports - len(pairs)):
            pairs.add((idea_id, rng.choice(residents)))
    supports = [
        Support(idea_id=idea_id, subject=subject, created_at=now - dt.timedelta(seconds=n))
        for n, (idea_id, subject) in enumerate(sorted(pairs))
    ]
    with transaction.atomic():
        Support.objects.bulk_create(supports, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE participation_idea AS i SET supports = s.n FROM "
                "(SELECT idea_id, count(*) AS n FROM participation_support GROUP BY idea_id) "
                "AS s WHERE s.idea_id = i.id"
            )
    print(
        f"supports:              {len(supports):,} by {len(residents):,} residents in "
        f"{time.perf_counter() - started:.1f} s"
    )


def bench_resident():
    from stadhuis.accounts.models import Resident
    from stadhuis.accounts.services import resident_login

    resident = Resident.objects.filter(display_name=BENCH_NAME).select_related("user").first()
    if resident is None:
        user = resident_login(bsn=next(_valid_bsns(99)), display_name=BENCH_NAME)
        Resident.objects.filter(pk=user.resident.pk).update(
            postcode="1011AB", birth_date=dt.date(1980, 4, 1)
        )
        resident = Resident.objects.select_related("user").get(pk=user.resident.pk)
    return resident


CHURN_SCENARIOS = ("page-new", "page-support", "api-new")


class Churn(threading.Thread):
    """Supports (or withdraws support) at ``rate`` per second through the services."""

    def __init__(self, process, rate: float) -> None:
        super().__init__(daemon=True)
        from stadhuis.accounts.models import Resident
        from stadhuis.accounts.services import resident_actor, resident_login
        from stadhuis.participation.models import Idea, Visibility

        self.rate, self.done, self.stop = rate, 0, threading.Event()
        self.actors = []
        for n, bsn in enumerate(_valid_bsns(500)):
            if n == 50:
                break
            resident = resident_login(bsn=bsn, display_name=f"Churn {n}").resident
            Resident.objects.filter(pk=resident.pk).update(
                postcode="1011AB", birth_date=dt.date(1980, 4, 1)
            )
            resident.refresh_from_db()
            self.actors.append(resident_actor(resident))
        self.ideas = list(
            Idea.objects.filter(process=process, visibility=Visibility.PUBLISHED)
            .select_related("process")
            .order_by("-supports", "-id")[:200]
        )

    def run(self) -> None:
        from django.db import connection

        from stadhuis.core.errors import InvalidInput
        from stadhuis.participation import services

        rng = random.Random(5)
        due = time.perf_counter()
        try:
            while not self.stop.is_set():
                actor, idea = rng.choice(self.actors), rng.choice(self.ideas)
                try:
                    services.idea_support(actor=actor, idea=idea)
                except InvalidInput:
                    services.idea_unsupport(actor=actor, idea=idea)
                self.done += 1
                due += 1 / self.rate
                self.stop.wait(max(0.0, due - time.perf_counter()))
        finally:
            connection.close()


def churn_runs(server, db_url: str, port: int, specs: dict, work: Path, args, process):
    """The anonymous scenarios at ``--connections`` while supports come in at each rate."""
    rows = []
    settings = types.SimpleNamespace(connections=args.connections, threads=args.threads)
    for rate in (float(r) for r in args.churn.split(",") if float(r) > 0):
        print(f"\nwrk -c{args.connections} -t{args.threads} while {rate:g} supports/s come in")
        for name in CHURN_SCENARIOS:
            spec = specs.get(name)
            if spec is None:
                continue
            if check_once(port, spec) != "200":
                raise SystemExit(f"{name} does not answer 200")
            churn = Churn(process, rate)
            churn.start()
            run_wrk(port, spec, work, settings, args.warmup)
            before = load()
            meter = CpuMeter(server, db_url)
            meter.start()
            made = churn.done
            started = time.perf_counter()
            result = run_wrk(port, spec, work, settings, args.duration)
            seconds = time.perf_counter() - started
            cpu = meter.stop()
            churn.stop.set()
            churn.join()
            print(f"{'':<17} {name} while {rate:g} supports/s come in:")
            row = report(name, result, cpu)
            row["scenario"] = f"{name}+{rate:g}/s"
            supports = churn.done - made
            print(f"{'':<17} supports made meanwhile: {supports} ({supports / seconds:.1f}/s)")
            row.update(
                connections=args.connections,
                churn=rate,
                supports=supports,
                load_before=before,
                load_after=load(),
            )
            rows.append(row)
    return rows


def sizes(db_url: str) -> dict[str, int]:
    sql = (
        "SELECT (SELECT count(*) FROM participation_idea), "
        "(SELECT count(*) FROM participation_idea WHERE visibility = 'published'), "
        "(SELECT count(*) FROM participation_support), "
        "(SELECT count(DISTINCT subject) FROM participation_support), "
        "(SELECT max(supports) FROM participation_idea), "
        "(SELECT count(*) FROM participation_idea i WHERE supports <> "
        "(SELECT count(*) FROM participation_support s WHERE s.idea_id = i.id)), "
        "pg_database_size(current_database())"
    )
    values = [int(v) for v in _psql(db_url, sql).split("|")]
    keys = (
        "ideas",
        "visible ideas",
        "supports",
        "supporters",
        "most supports",
        "ideas whose count is off",
        "database bytes",
    )
    return dict(zip(keys, values, strict=True))


# --- request lists ------------------------------------------------------------------------


def _get(port: int, path: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie} if cookie else {}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        return response.status, response.read().decode()


_NEXT_LINK = re.compile(r'<a\s+href="([^"]+)"\s+rel="next"|<a\s+rel="next"\s+href="([^"]+)"')


def page_chain(port: int, first: str, pages: int, *, api: bool) -> list[str]:
    """The paths of pages 2..pages, following each page's own link to the next."""
    out, path = [], first
    for _ in range(pages - 1):
        _status, body = _get(port, path)
        if api:
            link = json.loads(body)["next"]
        else:
            match = _NEXT_LINK.search(body)
            link = html.unescape(match.group(1) or match.group(2)) if match else None
        if not link:
            break
        if link.startswith("http"):
            link = "/" + link.split("/", 3)[3]
        elif link.startswith("?"):
            link = path.split("?", 1)[0] + link
        out.append(link)
        path = link
    return out


def plan(port: int, work: Path, process, cookie: str, wanted: list[str]) -> dict:
    base = f"/meedoen/{process.public_id}"
    api = f"/api/v1/participation-processes/{process.public_id}/ideas"
    codes = [code for code, _n, _d in NEIGHBOURHOODS if process.neighbourhoods.filter(code=code)]
    from urllib.parse import urlencode

    rng = random.Random(3)
    paths = {
        "page-new": [base],
        "page-support": [f"{base}?sort=steun"],
        "page-buurt": [f"{base}?{urlencode({'buurt': c})}" for c in codes],
        "page-search": [f"{base}?{urlencode({'zoek': w})}" for w in SEARCHES],
        "page-filters": [
            f"{base}?{urlencode({'sort': 'steun', 'buurt': rng.choice(codes), 'zoek': w})}"
            for w in SEARCHES
        ],
        "page-resident": [base],
        "api-new": [f"{api}?limit=20"],
        "api-support": [f"{api}?limit=20&sort=support"],
    }
    if "page-next" in wanted:
        paths["page-next"] = page_chain(port, base, 6, api=False) + page_chain(
            port, f"{base}?sort=steun", 6, api=False
        )
    if "api-next" in wanted:
        paths["api-next"] = page_chain(port, f"{api}?limit=20", 6, api=True) + page_chain(
            port, f"{api}?limit=20&sort=support", 6, api=True
        )
    specs = {}
    for name in wanted:
        if not paths.get(name):
            continue
        file = work / f"{name}.txt"
        file.write_text("".join(f"GET\t{p}\n" for p in paths[name]))
        headers = [f"Cookie: {cookie}"] if name == "page-resident" else []
        specs[name] = {"file": file, "headers": headers, "paths": paths[name]}
    return specs


# --- measuring ----------------------------------------------------------------------------


def query_counts(specs: dict, rounds: int = 5, cpu_rounds: int = 20) -> dict:
    """Per request of each scenario (its request list in turn): SQL queries, SQL time,
    and CPU: Python in this process and the PostgreSQL backend serving it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    for name, spec in specs.items():
        cookie = next((h[len("Cookie: ") :] for h in spec["headers"] if h.startswith("Cookie")), "")
        client = _client(cookie) if cookie else Client(HTTP_HOST="127.0.0.1")
        paths = spec["paths"]
        client.get(paths[0])  # warm
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        counts, sql_ms, slow = [], [], None
        for n in range(rounds):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(paths[n % len(paths)])
            assert response.status_code == 200, (name, response.status_code)
            counts.append(len(captured.captured_queries))
            sql_ms.append(sum(float(q["time"]) * 1000 for q in captured.captured_queries))
            # a shared answer whose version is remembered runs no query at all
            top = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
            if top is not None and (slow is None or float(top["time"]) > float(slow["time"])):
                slow = top
        n_cpu = max(cpu_rounds, len(paths))
        cpu, pg = time.process_time(), _backend_cpu_ms(backend)
        for n in range(n_cpu):
            client.get(paths[n % len(paths)])
        cpu = (time.process_time() - cpu) * 1000 / n_cpu
        pg_after = _backend_cpu_ms(backend)
        pg = (pg_after - pg) / n_cpu if pg is not None and pg_after is not None else None
        out[name] = {
            "queries": max(counts),
            "sql_ms": statistics.median(sql_ms),
            "python_cpu_ms": cpu,
            "pg_cpu_ms": pg,
            "slowest_ms": float(slow["time"]) * 1000 if slow else 0.0,
            "slowest_sql": slow["sql"][:400] if slow else "",
        }
        slowest = f"{float(slow['time']) * 1000:.1f} ms: {slow['sql'][:150]}" if slow else "none"
        print(
            f"{name:<14} {max(counts):>3} queries, SQL {statistics.median(sql_ms):6.1f} ms "
            f"(median of {rounds}); CPU per request (mean of {n_cpu}): Python {cpu:5.1f} ms + "
            f"PostgreSQL {pg if pg is None else round(pg, 1)} ms; slowest query {slowest}",
            flush=True,
        )
    return out


def profile(spec: dict, rounds: int, work: Path, name: str) -> str:
    from django.test import Client

    cookie = next((h[len("Cookie: ") :] for h in spec["headers"] if h.startswith("Cookie")), "")
    client = _client(cookie) if cookie else Client(HTTP_HOST="127.0.0.1")
    paths = spec["paths"]
    client.get(paths[0])
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(rounds):
        client.get(paths[n % len(paths)])
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.dump_stats(str(work / f"{name}.prof"))
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


# --- the run ------------------------------------------------------------------------------


def run(args) -> int:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    pg_url = args.pg_url.rstrip("/")
    db = args.db or f"stadhuis_ideas_{os.getpid()}"
    db_url = f"{pg_url}/{db}"
    describe(pg_url)
    work = Path(tempfile.mkdtemp(prefix="stadhuis-bench-ideas-"))
    server = None
    try:
        if not args.db:
            _psql(f"{pg_url}/postgres", f'CREATE DATABASE "{db}"')
            print(f"\ndatabase {db}")
        migrate(db_url)
        setup_django(db_url, work)
        from stadhuis.participation.models import Process

        process = Process.objects.filter(title=PROCESS_TITLE).first()
        if process is None:
            generate(args.ideas, args.supports, args.residents, args.neighbourhoods)
            process = Process.objects.get(title=PROCESS_TITLE)
        started = time.perf_counter()
        _psql(db_url, "VACUUM ANALYZE")
        print(f"VACUUM ANALYZE:        {time.perf_counter() - started:.1f} s")
        print("data set:", {k: f"{v:,}" for k, v in sizes(db_url).items()})
        cookie = session_cookie(bench_resident().user)
        server = start_server(db_url, work, args.port, args.workers, args.server_threads)
        print(f"server: granian {args.workers} workers x {args.server_threads} threads")
        wanted = args.scenarios.split(",")
        specs = plan(args.port, work, process, cookie, wanted)
        for name in wanted:
            if name not in specs:
                print(f"{name:<14} skipped: the list has no link to a next page")
        results: dict = {"pages": []}
        if "load" in args.parts:
            results["pages"] = load_runs(server, db_url, args.port, specs, work, args)
        if "churn" in args.parts and args.churn:
            results["pages"] += churn_runs(server, db_url, args.port, specs, work, args, process)
        stop_server(server)
        server = None
        if "queries" in args.parts:
            print("\nper request (Django test client, same database, server stopped):")
            results["queries"] = query_counts(specs, cpu_rounds=args.cpu_rounds)
        if args.profile and args.profile in specs:
            print(f"\nprofile of {args.profile} (100 requests, cProfile):")
            print(profile(specs[args.profile], 100, work, args.profile))
        print(f"load average at the end: {load()}")
        (work / "results.json").write_text(json.dumps(results, indent=1, default=str))
        print(f"\nresults: {work / 'results.json'}; server log: {work / 'server.log'}")
        bad = [r["scenario"] for r in results["pages"] if r["bad"] or r["socket errors"]]
        if bad:
            print("answers other than 200 or socket errors in:", ", ".join(bad))
        return 1 if bad else 0
    finally:
        finish(server, args, pg_url, db)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--supports", type=int, default=100_000)
    parser.add_argument("--residents", type=int, default=30_000, help="authors and supporters")
    parser.add_argument("--neighbourhoods", type=int, default=12, choices=range(1, 13))
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", help="use this existing database (migrated, kept)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up")
    parser.add_argument("--duration-single", type=int, default=10, help="at 1 connection")
    parser.add_argument("--warmup-single", type=int, default=3, help="at 1 connection")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="server worker processes")
    parser.add_argument("--server-threads", type=int, default=4, help="threads per server worker")
    parser.add_argument(
        "--parts",
        default="load,churn,queries",
        help="load (wrk), churn (wrk while supports come in), queries (counts and CPU)",
    )
    parser.add_argument("--churn", default="5,50", help="supports per second during the churn runs")
    parser.add_argument("--profile", default="", help="profile this scenario (cProfile)")
    parser.add_argument(
        "--cpu-rounds", type=int, default=20, help="requests per scenario for the CPU figures"
    )
    parser.add_argument("--port", type=int, default=8767)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
