"""Tamper evidence for the processing log: keyed entry hashes, sealed in chained blocks.

Why blocks and not one chain through every entry: a single chain makes every writer
wait for the previous writer's commit (it must read the last hash), which caps the
log at one commit at a time. Instead:

1. Each entry carries ``entry_hash = HMAC(log key, canonical fields)``, computed by the
   writer without any lock. Changing any field, without the key, shows at once.
2. A sealer (the worker, every few seconds, or ``stadhuis seal-log``) closes the range
   of committed entries into a ``LogBlock`` whose hash covers the previous block's hash
   and every ``(id, entry_hash)`` in the block, in id order, and records the ids that
   were absent (sequence gaps). Removing, re-ordering or inserting an entry inside a
   sealed block then breaks it, and ``verify`` names the entry.

The sealer only seals ids below every transaction still in flight (on PostgreSQL it
briefly takes a SHARE lock on the log table, which waits for inserting transactions
to finish), so a late commit can never land inside a sealed block.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

GENESIS = "0" * 64
BLOCK_SIZE = 10_000
_SEP = "\x1f"

# The entry columns that the hash covers, in this order (also the verify query's order).
HASHED_COLUMNS = (
    "occurred_at",
    "trace_id",
    "span_id",
    "parent_span_id",
    "subject",
    "activity_version_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "actor_kind",
    "actor_unit",
    "actor_role",
    "audit_id",
)


def _key() -> bytes:
    return settings.PROCESSING_LOG_KEY.encode()


class _EntryMac:
    """HMAC-SHA256 with the log key, keyed once and copied per entry.

    ``hmac.new(key).copy()`` reuses the keyed inner and outer state instead of redoing
    the key schedule for every entry (stdlib, no hand-written crypto).
    """

    def __init__(self, key: bytes):
        self._base = hmac.new(key, digestmod=hashlib.sha256)

    def hexdigest(self, message: bytes) -> str:
        mac = self._base.copy()
        mac.update(message)
        return mac.hexdigest()


_macs: dict[bytes, _EntryMac] = {}


def _entry_mac() -> _EntryMac:
    key = _key()
    mac = _macs.get(key)
    if mac is None:  # keyed by the key itself, so a changed setting is picked up
        mac = _macs[key] = _EntryMac(key)
    return mac


def _timestamp(value: datetime | str) -> str:
    if isinstance(value, str):  # SQLite through a raw cursor
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parts(values: Iterable) -> list[str]:
    parts = []
    for index, value in enumerate(values):
        if index == 0:
            parts.append(_timestamp(value))
        else:
            parts.append("" if value is None else str(value))
    return parts


def _message(values: Iterable) -> str:
    return _SEP.join(_parts(values))


def entry_hash(values: Iterable) -> str:
    """HMAC over an entry's fields, given in ``HASHED_COLUMNS`` order."""
    return _entry_mac().hexdigest(_message(values).encode())


_SUBJECT = HASHED_COLUMNS.index("subject")


def entry_hashes(values: Sequence, subjects: Iterable[str]) -> list[str]:
    """``entry_hash`` for each of ``subjects``: the entries of one processing.

    ``values`` are the fields in ``HASHED_COLUMNS`` order; its subject field is
    ignored and replaced by each subject in turn. Only the subject differs between
    the entries, so the rest of the message is formatted once.
    """
    parts = _parts(values)
    prefix = _SEP.join(parts[:_SUBJECT]) + _SEP
    suffix = _SEP + _SEP.join(parts[_SUBJECT + 1 :])
    mac = _entry_mac()
    return [mac.hexdigest(f"{prefix}{subject}{suffix}".encode()) for subject in subjects]


def _block_hasher(number: int, previous_hash: str, first_id: int, last_id: int):
    mac = hmac.new(_key(), digestmod=hashlib.sha256)
    mac.update(f"block{_SEP}{number}{_SEP}{previous_hash}{_SEP}{first_id}{_SEP}{last_id}".encode())
    return mac


def _table() -> str:
    from stadhuis.privacy.models import ProcessingLogEntry

    return connection.ops.quote_name(ProcessingLogEntry._meta.db_table)


# --- Appending ---------------------------------------------------------------------
#
# The hot path of every processing. ``record_processing`` used to read the activity,
# open a savepoint, create an audit row and bulk-create the entries through the ORM:
# six or seven round trips and ~2 ms of Python per processing. ``append`` does the
# same in one statement (two for staff), and keeps the "no active activity, no
# processing" rule exact: the version id a process remembers is only a guess that
# the INSERT itself checks against the register, in the same statement, so a
# deactivated or revised activity is refused (or re-read) at once, never served
# from a stale cache.

_CHUNK = 500  # entries per INSERT statement (bind-parameter limits)
_SUBJECT_AT = HASHED_COLUMNS.index("subject")
_AUDIT_AT = HASHED_COLUMNS.index("audit_id")
_versions: dict[tuple[str, str, str], int] = {}
_statements: dict[tuple, str] = {}


def _cache_key(conn, code: str) -> tuple[str, str, str]:
    return (conn.alias, str(conn.settings_dict.get("NAME")), code)


def remembered_version(code: str) -> int | None:
    """The version id of ``code`` that this process last wrote under: a guess for
    ``append``, which re-checks it against the register; never trust it elsewhere."""
    return _versions.get(_cache_key(connections[DEFAULT_DB_ALIAS], code))


def _statement(conn, kind: str, rows: int = 0, check: bool = True) -> str:
    """The INSERT statements of ``append``, built once per database vendor and shape."""
    key = (conn.vendor, kind, rows, check)
    sql = _statements.get(key)
    if sql is not None:
        return sql
    from stadhuis.privacy.models import ProcessingActivity, ProcessingAudit, ProcessingLogEntry

    quote = conn.ops.quote_name
    where = (
        f" WHERE EXISTS (SELECT 1 FROM {quote(ProcessingActivity._meta.db_table)} "  # noqa: S608
        f"WHERE {quote('code')} = %s AND {quote('is_active')} "
        f"AND {quote('current_version_id')} = %s)"
        if check
        else ""
    )
    if kind == "audit":
        sql = (
            f"INSERT INTO {quote(ProcessingAudit._meta.db_table)} "
            "(user_id, assisted_resident, created_at, trace_id, span_id) "
            f"SELECT %s, %s, %s, %s, %s{where} RETURNING id"
        )
    else:
        columns = ", ".join(quote(name) for name in (*HASHED_COLUMNS, "entry_hash"))
        select = ", ".join("v.column1" if name == "subject" else "%s" for name in HASHED_COLUMNS)
        sql = (
            f"INSERT INTO {quote(ProcessingLogEntry._meta.db_table)} ({columns}) "  # noqa: S608
            f"SELECT {select}, v.column2 FROM (VALUES {', '.join(['(%s, %s)'] * rows)}) AS v"
            f"{where} RETURNING id, subject"
        )
    _statements[key] = sql
    return sql


def append(
    *,
    activity: str,
    version_id: int,
    values: Sequence,
    subjects: Sequence[str],
    audit: Sequence | None = None,
):
    """Write the log entries of one processing, if ``activity`` is active at ``version_id``.

    ``values`` are the entry fields in ``HASHED_COLUMNS`` order; its ``subject`` and
    ``audit_id`` are filled in here (one entry per subject; ``subjects`` distinct).
    ``audit`` is ``(user_id, assisted_resident, created_at, trace_id, span_id)`` for a
    processing by (or assisted by) a staff member. Returns the entries, or ``None``
    when the activity is not active at that version: then nothing was written.

    Runs in the caller's transaction without a savepoint: if a statement fails, the
    caller's whole transaction must roll back, so the processing can never commit
    without its log entries.
    """
    from stadhuis.privacy.models import ProcessingLogEntry

    conn = connections[DEFAULT_DB_ALIAS]
    values = list(values)
    check = True
    with transaction.atomic(savepoint=False), conn.cursor() as cursor:
        if audit is not None:
            cursor.execute(_statement(conn, "audit"), [*audit, activity, version_id])
            row = cursor.fetchone()
            if row is None:
                _versions.pop(_cache_key(conn, activity), None)
                return None
            values[_AUDIT_AT] = row[0]
            check = False  # checked by this transaction's first statement
        hashes = entry_hashes(values, subjects)
        constants = values[:_SUBJECT_AT] + values[_SUBJECT_AT + 1 :]
        ids: dict[str, int] = {}
        for start in range(0, len(subjects), _CHUNK):
            chunk = subjects[start : start + _CHUNK]
            params = list(constants)
            for subject, digest in zip(chunk, hashes[start : start + _CHUNK], strict=True):
                params += (subject, digest)
            if check:
                params += (activity, version_id)
            cursor.execute(_statement(conn, "entries", len(chunk), check), params)
            rows = cursor.fetchall()
            if check and not rows:
                _versions.pop(_cache_key(conn, activity), None)
                return None
            check = False
            ids.update((subject, entry_id) for entry_id, subject in rows)
    _versions[_cache_key(conn, activity)] = version_id

    fields = [f.attname for f in ProcessingLogEntry._meta.concrete_fields]
    template = dict(zip(HASHED_COLUMNS, values, strict=True))
    entries = []
    for subject, digest in zip(subjects, hashes, strict=True):
        template.update(id=ids[subject], subject=subject, entry_hash=digest)
        entries.append(
            ProcessingLogEntry.from_db(conn.alias, fields, [template[f] for f in fields])
        )
    return entries


def seal(max_blocks: int | None = None) -> int:
    """Seal committed, unsealed entries into blocks. Returns the number of entries sealed."""
    from stadhuis.privacy.models import LogBlock, ProcessingLogEntry

    table = _table()
    # Step 1: find a boundary below which no transaction is still inserting.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        boundary = ProcessingLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    if boundary is None:
        return 0

    sealed = 0
    blocks = 0
    while max_blocks is None or blocks < max_blocks:
        with transaction.atomic():
            last = LogBlock.objects.select_for_update().order_by("-number").first()
            start = (last.last_id + 1) if last else 1
            if start > boundary:
                break
            rows = list(
                ProcessingLogEntry.objects.filter(id__gte=start, id__lte=boundary)
                .order_by("id")
                .values_list("id", "entry_hash")[:BLOCK_SIZE]
            )
            if not rows:
                break
            first_id = start
            last_id = rows[-1][0] if len(rows) == BLOCK_SIZE else boundary
            number = (last.number + 1) if last else 1
            previous_hash = last.block_hash if last else GENESIS
            mac = _block_hasher(number, previous_hash, first_id, last_id)
            present = set()
            for entry_id, digest in rows:
                mac.update(f"{_SEP}{entry_id}:{digest}".encode())
                present.add(entry_id)
            missing = [i for i in range(first_id, last_id + 1) if i not in present]
            mac.update(f"{_SEP}missing:{','.join(map(str, missing))}".encode())
            LogBlock.objects.create(
                number=number,
                first_id=first_id,
                last_id=last_id,
                entry_count=len(rows),
                missing_ids=missing,
                previous_hash=previous_hash,
                block_hash=mac.hexdigest(),
            )
        sealed += len(rows)
        blocks += 1
    return sealed


@dataclass
class VerifyResult:
    ok: bool
    entries: int = 0
    sealed_entries: int = 0
    blocks: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def first_problem(self) -> str | None:
        return self.problems[0] if self.problems else None


def _message_sql() -> str:
    """SQL for an entry's canonical message, built by PostgreSQL (the same text as
    ``_message``): formatting a million timestamps in the database is far cheaper
    than fetching them as datetimes and formatting them in Python."""
    quote = connection.ops.quote_name
    parts = []
    for name in HASHED_COLUMNS:
        column = quote(name)
        if name == "occurred_at":
            parts.append(
                f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
            )
        else:
            parts.append(f"COALESCE({column}::text, '')")
    return "concat_ws(chr(31), " + ", ".join(parts) + ")"


def _iter_messages(batch: int = 20_000) -> Iterator[tuple[int, str, str]]:
    """Every entry as ``(id, canonical message, stored entry_hash)``, in id order,
    through a server-side cursor."""
    table = _table()
    postgres = connection.vendor == "postgresql"
    if postgres:
        sql = f"SELECT id, {_message_sql()}, entry_hash FROM {table} ORDER BY id"  # noqa: S608
    else:
        columns = ", ".join(["id", *HASHED_COLUMNS, "entry_hash"])
        sql = f"SELECT {columns} FROM {table} ORDER BY id"  # noqa: S608
    with transaction.atomic():
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql)
            while True:
                rows = cursor.fetchmany(batch)
                if not rows:
                    break
                if postgres:
                    yield from rows
                else:
                    for row in rows:
                        yield row[0], _message(row[1:-1]), row[-1]
        finally:
            cursor.close()


def verify(stop_at_first: bool = True) -> VerifyResult:
    """Check every entry's hash and every block; name the first entry that is wrong."""
    from stadhuis.privacy.models import LogBlock

    result = VerifyResult(ok=True)
    entry_mac = _entry_mac()

    def problem(text: str) -> bool:
        result.ok = False
        result.problems.append(text)
        return stop_at_first

    blocks = list(
        LogBlock.objects.order_by("number").values_list(
            "number",
            "first_id",
            "last_id",
            "entry_count",
            "missing_ids",
            "previous_hash",
            "block_hash",
        )
    )
    # Chain and contiguity of the blocks themselves.
    previous_hash, previous_last, expected_number = GENESIS, 0, 1
    for number, first_id, last_id, _count, _missing, prev, _digest in blocks:
        if number != expected_number and problem(
            f"block {expected_number} is missing (found block {number})"
        ):
            return result
        if prev != previous_hash and problem(
            f"block {number} does not follow block {number - 1}: the chain is broken"
        ):
            return result
        if first_id != previous_last + 1 and problem(
            f"block {number} starts at entry {first_id}, expected {previous_last + 1}"
        ):
            return result
        previous_hash, previous_last, expected_number = _digest, last_id, number + 1
    result.blocks = len(blocks)
    result.head = previous_hash

    block_iter = iter(blocks)
    current = next(block_iter, None)
    mac = None
    expected_ids: Iterator[int] | None = None
    missing_set: set[int] = set()
    next_expected: int | None = None

    def open_block(block):
        nonlocal mac, missing_set, expected_ids, next_expected
        number, first_id, last_id, _c, missing, prev, _d = block
        mac = _block_hasher(number, prev, first_id, last_id)
        missing_set = set(missing)
        expected_ids = (i for i in range(first_id, last_id + 1) if i not in missing_set)
        next_expected = next(expected_ids, None)

    def close_block(block) -> bool:
        number, _f, _l, _c, missing, _p, digest = block
        if next_expected is not None:
            return problem(f"entry {next_expected} was removed (block {number})")
        mac.update(f"{_SEP}missing:{','.join(map(str, missing))}".encode())
        if not hmac.compare_digest(mac.hexdigest(), digest):
            return problem(f"block {number} does not match its entries: the block was altered")
        return False

    if current is not None:
        open_block(current)

    hexdigest = entry_mac.hexdigest
    entries = sealed = 0
    try:
        for entry_id, message, stored in _iter_messages():
            entries += 1
            if hexdigest(message.encode()) != stored and problem(
                f"entry {entry_id} was altered (its hash does not match its contents)"
            ):
                return result
            if entry_id == next_expected:
                # The common case: the next entry of the open block, in order.
                sealed += 1
                mac.update(f"{_SEP}{entry_id}:{stored}".encode())
                next_expected = next(expected_ids, None)
                continue
            while current is not None and entry_id > current[2]:
                if close_block(current):
                    return result
                current = next(block_iter, None)
                if current is not None:
                    open_block(current)
            if current is None or entry_id < current[1]:
                continue  # unsealed tail (or before the first block: impossible, first_id is 1)
            # Inside a sealed block.
            sealed += 1
            if entry_id in missing_set or next_expected is None or entry_id < next_expected:
                if problem(f"entry {entry_id} was inserted out of order (block {current[0]})"):
                    return result
                continue
            if entry_id > next_expected:
                if problem(f"entry {next_expected} was removed (block {current[0]})"):
                    return result
                while next_expected is not None and next_expected < entry_id:
                    next_expected = next(expected_ids, None)
            mac.update(f"{_SEP}{entry_id}:{stored}".encode())
            next_expected = next(expected_ids, None)

        while current is not None:
            if close_block(current):
                return result
            current = next(block_iter, None)
            if current is not None:
                open_block(current)
        return result
    finally:
        result.entries, result.sealed_entries = entries, sealed
