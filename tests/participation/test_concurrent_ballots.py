"""200 residents submit their ballots at the same moment, on PostgreSQL, through the real
service with real threads and real connections: exactly one counted ballot per resident,
none lost, and the refused double submissions are refused with the designed message.

How simultaneous it is, honestly. PostgreSQL allows 100 connections by default
(``max_connections``), shared with everything else on the server, so 200 connections
at once cannot be opened. The test keeps 200 residents (240 submissions, one thread
each, every thread with its own Django connection, closed at the end) and lets them
all go at one ``threading.Barrier``; from there they get a database connection the
way requests get one from a pool in production: at most ``POOL_MAX`` (64) at a time,
fewer when the server has less than 64 + ``POOL_MARGIN`` (20) connections free (the
test machine is shared; the margin leaves room for others). The first full pool of
submissions waits with open connections until all of them are connected, so that
many transactions really start at the same moment (asserted: the peak of open
connections equals the pool; the figures are printed with ``-s``); the rest follow
as connections come free. The two submissions of one resident always meet in the
database: they take their two connections together and wait for each other at a
barrier of their own, so a double submission really races, not one after the other.

Who does what:

- 160 residents vote once;
- 20 vote for the first time twice at once (a double click, two tabs): one ballot
  counts, the other is refused ("your vote was just saved" when the two met at the
  roll's unique constraint, "you have already voted" when one came second);
- 20 voted before and change their vote twice at once with their receipt: one change
  counts, the other is refused because the receipt no longer belongs to their vote.

SQLite is skipped: its writers queue behind one file lock, so this race cannot happen
there, and the demo it serves has one user at a time.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import connection

from stadhuis.accounts.bsn import is_valid_bsn
from stadhuis.core.errors import Conflict, InvalidInput
from stadhuis.participation import activities, counting, queries, services, tally
from stadhuis.participation.models import Ballot, CountStatus, Process, VoterRollEntry
from stadhuis.privacy import chain
from stadhuis.privacy.models import ProcessingLogEntry

from .conftest import set_phase

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite runs one writer at a time, so there is no race to test",
    ),
    pytest.mark.django_db(transaction=True),
]

RESIDENTS = 200
DOUBLE_FIRST = 20  # residents 0-19: first vote, submitted twice at the same moment
DOUBLE_CHANGE = 20  # residents 20-39: voted before, change twice at the same moment
POOL_MAX = 64
POOL_MARGIN = 20
TIMEOUT = 60  # seconds for any wait; the whole test takes ~10 s on 2 vCPUs

# Non-empty subsets of the three projects of the ``budget`` fixture.
SUBSETS = [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]


def valid_bsns(count: int) -> list[str]:
    found, number = [], 100_000_000
    while len(found) < count:
        if is_valid_bsn(str(number)):
            found.append(str(number))
        number += 1
    return found


class Pool:
    """At most ``size`` threads hold a database connection at once, like a connection
    pool; the two submissions of one resident take their two connections together."""

    def __init__(self, size: int):
        self.size = size
        self._free = size
        self._cond = threading.Condition()
        self._lock = threading.Lock()
        self.open = 0
        self.peak = 0
        self._opened = 0
        self._first_wave = threading.Barrier(size, timeout=TIMEOUT)

    def take(self, slots: int) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._free >= slots, timeout=TIMEOUT):
                raise TimeoutError("no database connection free within the timeout")
            self._free -= slots

    def give_back(self) -> None:
        with self._cond:
            self._free += 1
            self._cond.notify_all()

    def opened(self) -> None:
        """Count an open connection; the first ``size`` wait for each other, so that a
        full pool of transactions starts at the same moment (``closed`` in any case)."""
        with self._lock:
            self.open += 1
            self.peak = max(self.peak, self.open)
            ordinal = self._opened
            self._opened += 1
        if ordinal < self.size:
            self._first_wave.wait()

    def closed(self) -> None:
        with self._lock:
            self.open -= 1


@dataclass
class Pair:
    """The two simultaneous submissions of one resident."""

    meet: threading.Barrier = field(default_factory=lambda: threading.Barrier(2, timeout=TIMEOUT))
    lock: threading.Lock = field(default_factory=threading.Lock)
    has_slots: bool = False


@dataclass
class Submission:
    resident: int
    actor: object
    choices: dict[str, int]
    previous_receipt: str = ""
    pair: Pair | None = None
    receipt: str = ""
    refused: Exception | None = None
    error: BaseException | None = None


def _submit(sub: Submission, process_pk: int, start: threading.Barrier, pool: Pool) -> None:
    """One resident's request, in its own thread with its own database connection."""
    try:
        start.wait()
        if sub.pair is None:
            pool.take(1)
        else:
            with sub.pair.lock:  # the first of the pair takes both connections
                if not sub.pair.has_slots:
                    pool.take(2)
                    sub.pair.has_slots = True
        counted = False
        try:
            connection.ensure_connection()
            counted = True
            pool.opened()
            process = Process.objects.get(pk=process_pk)
            if sub.pair is not None:
                sub.pair.meet.wait()
            try:
                sub.receipt = services.ballot_cast(
                    actor=sub.actor,
                    process=process,
                    choices=sub.choices,
                    previous_receipt=sub.previous_receipt,
                )
            except (Conflict, InvalidInput) as exc:
                sub.refused = exc
        finally:
            if counted:
                pool.closed()
            connection.close()
            pool.give_back()
    except BaseException as exc:  # reported by the test, thread by thread
        sub.error = exc


def _free_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - count(*) "
            "FROM pg_stat_activity WHERE backend_type = 'client backend'"
        )
        return cursor.fetchone()[0]


def _other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            # client backends only: an autovacuum worker on the test database (autovacuum
            # is on by default; the many inserts here can start one) is no leaked connection
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0]


def test_200_residents_vote_at_the_same_moment(committed_db, budget, make_resident, admin):
    process, projects = budget
    codes = [p.code for p in projects]

    def choices(subset: int) -> dict[str, int]:
        return {codes[i]: 1 for i in SUBSETS[subset % len(SUBSETS)]}

    actors = [make_resident(bsn) for bsn in valid_bsns(RESIDENTS)]
    changers = range(DOUBLE_FIRST, DOUBLE_FIRST + DOUBLE_CHANGE)
    before = {
        i: services.ballot_cast(actor=actors[i], process=process, choices=choices(i + 5))
        for i in changers
    }

    submissions = []
    for i, actor in enumerate(actors):
        previous = before.get(i, "")
        if i < DOUBLE_FIRST + DOUBLE_CHANGE:
            pair = Pair()
            submissions += [
                Submission(i, actor, choices(i), previous, pair),
                Submission(i, actor, choices(i + 3), previous, pair),
            ]
        else:
            submissions.append(Submission(i, actor, choices(i)))

    size = min(POOL_MAX, _free_connections() - POOL_MARGIN)
    assert size >= 8, f"only {size + POOL_MARGIN} PostgreSQL connections free: too few to test"
    pool = Pool(size)
    start = threading.Barrier(len(submissions), timeout=TIMEOUT)
    threads = [
        threading.Thread(target=_submit, args=(sub, process.pk, start, pool), daemon=True)
        for sub in submissions
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    took = time.monotonic() - began
    assert not any(t.is_alive() for t in threads), "a submission hangs (deadlock?)"

    # Every thread succeeded or was refused with the designed message; nothing else leaked.
    errors = [(s.resident, repr(s.error)) for s in submissions if s.error is not None]
    assert errors == []
    by_resident: dict[int, list[Submission]] = {}
    for sub in submissions:
        by_resident.setdefault(sub.resident, []).append(sub)
    counted: dict[int, Submission] = {}
    refusals = Counter()
    for i, subs in by_resident.items():
        won = [s for s in subs if s.receipt]
        assert len(won) == 1, f"resident {i}: {len(won)} of {len(subs)} submissions counted"
        counted[i] = won[0]
        for lost in (s for s in subs if not s.receipt):
            if i in before:
                # the other change went first: this receipt is no longer theirs
                assert isinstance(lost.refused, InvalidInput), repr(lost.refused)
                assert lost.refused.details == {"field": "receipt"}
                refusals["change: receipt no longer theirs"] += 1
            elif isinstance(lost.refused, Conflict):
                refusals["first vote: met at the roll's unique constraint"] += 1
            else:
                assert isinstance(lost.refused, InvalidInput), repr(lost.refused)
                assert lost.refused.details == {"field": "receipt"}  # "already voted"
                refusals["first vote: came second"] += 1
    assert sum(refusals.values()) == DOUBLE_FIRST + DOUBLE_CHANGE
    print(  # the figures of the run, shown with -s
        f"\n{len(submissions)} submissions by {RESIDENTS} residents in {took:.1f} s; "
        f"pool {size}, at most {pool.peak} connections open at once; refused: {dict(refusals)}"
    )
    assert pool.peak == size

    # Every thread closed its connection.
    deadline = time.monotonic() + 10
    while _other_connections() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _other_connections() == 0

    # Exactly one voter-roll row and one counted ballot per resident, none lost.
    roll = list(VoterRollEntry.objects.filter(process=process).values("subject", "receipt_hint"))
    assert len(roll) == RESIDENTS
    assert {r["subject"] for r in roll} == {a.subject for a in actors}
    hints = {r["subject"]: r["receipt_hint"] for r in roll}
    assert all(hints[actors[i].subject] == s.receipt[:4] for i, s in counted.items())
    receipts = [s.receipt for s in counted.values()]
    assert len(set(receipts)) == RESIDENTS
    assert all(queries.receipt_counted(process, r) for r in receipts)
    assert not any(queries.receipt_counted(process, r) for r in before.values())
    ballots = list(Ballot.objects.filter(process=process).values_list("receipt_hash", "choices"))
    assert len(ballots) == RESIDENTS
    assert {h for h, _c in ballots} == {services.receipt_hash(r) for r in receipts}
    assert sorted(sorted(c) for _h, c in ballots) == sorted(
        sorted(s.choices) for s in counted.values()
    )

    # The count job's tally is the sum of exactly these ballots.
    expected = Counter(code for s in counted.values() for code in s.choices)
    set_phase(process, "results")
    count = services.count_request(actor=admin, process=process, rule="greedy")
    assert services.counts_run_due() == 1
    count.refresh_from_db()
    assert count.status == CountStatus.DONE and count.ballots == RESIDENTS
    assert {code: e["votes"] for code, e in count.explanations.items()} == {
        code: expected[code] for code in codes
    }
    assert count.checksum == counting.checksum(tally.election_for(process))

    # One log entry per counted submission (none for a refused one), and the log verifies.
    logged = Counter(
        ProcessingLogEntry.objects.filter(
            activity_version__activity__code=activities.VOTING,
            object_type="stemregister",
            object_id=str(process.public_id),
        ).values_list("subject", flat=True)
    )
    assert logged == Counter({a.subject: 2 if i in before else 1 for i, a in enumerate(actors)})
    chain.seal()
    result = chain.verify()
    assert result.ok, result.problems
    assert result.entries == result.sealed_entries == ProcessingLogEntry.objects.count()


def test_the_log_is_append_only_again_after_the_flush(committed_db):
    """Runs after the test above (same module, in order): its flush emptied the log
    with the triggers off for that one statement, and they are on again."""
    from importlib import import_module

    tables = import_module("stadhuis.privacy.migrations.0002_append_only_log_triggers").TABLES
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgname = ANY(%s)",
            [[f"{t}_no_truncate" for t in tables] + [f"{t}_append_only" for t in tables]],
        )
        states = dict(cursor.fetchall())
    assert states == {name: "O" for name in states} and len(states) == 2 * len(tables)
    assert not ProcessingLogEntry.objects.filter(object_type="stemregister").exists()
