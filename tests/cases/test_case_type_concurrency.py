"""Publishing a case-type version and making a draft, under real concurrency: on
PostgreSQL, through the real services, each caller in its own thread with its own
database connection (``committed_db``, as the 200-ballots test in participation).

The race is made certain, not left to the scheduler:

- two administrators: a transaction holds the versions' locks while both start, and the
  test releases it only once PostgreSQL reports both waiting for it
  (``pg_blocking_pids``), so both calls are inside their transactions at once;
- a submit during a publish: the publish stops inside its own transaction after its
  last write (``PausedPublish``) while the resident submits; or the submit's transaction
  stays open (``Held``) while the publish runs; and, with no pause at all, a resident
  submits over and over while a watcher on a third connection keeps counting the
  versions in use.

Found this way: two new versions at once gave an IntegrityError on (code, version)
instead of the refusal naming the draft (``services._lock_versions`` says why).

SQLite is skipped: its writers queue behind one file lock, so these races cannot happen
there (and ``committed_db`` is PostgreSQL's).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save

from stadhuis.accounts import applications
from stadhuis.accounts.services import staff_actor
from stadhuis.cases import api_services, services
from stadhuis.cases.models import Case, CaseType
from stadhuis.core.errors import InvalidInput

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite runs one writer at a time, so there is no race to test",
    ),
    pytest.mark.django_db(transaction=True),
]

MELDING = "melding-openbare-ruimte"
ANSWERS = {"categorie": "Afval"}
TIMEOUT = 30  # seconds for any wait; each test takes well under a second


class InThread:
    """``call()`` in a thread of its own, on a database connection of its own (closed at
    the end); keeps the backend pid, the result and any exception."""

    def __init__(self, call: Callable[[], object]):
        self.call = call
        self.pid: int | None = None
        self.result: object = None
        self.error: BaseException | None = None
        self._connected = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self._connected.set()
            self.result = self.call()
        except BaseException as exc:  # the outcome is what the test checks
            self.error = exc
        finally:
            connection.close()
            self._connected.set()

    def start(self) -> InThread:
        self.thread.start()
        assert self._connected.wait(TIMEOUT) and self.pid is not None, self.error
        return self

    def join(self) -> None:
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "a call hangs (deadlock?)"

    @property
    def done(self) -> bool:
        return not self.thread.is_alive()


def _blocked_by(pid: int) -> set[int]:
    """The backends ``pid`` waits for (a lock they hold), now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_blocking_pids(%s)", [pid])
        return set(cursor.fetchone()[0])


def _waits_for(waiter: InThread) -> set[int]:
    """The backends a running call waits for; none once it is done."""
    return set() if waiter.done else _blocked_by(waiter.pid)


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"not within {TIMEOUT} s: {what}"
        time.sleep(0.01)


def _wait_until_blocked(waiter: InThread, holder: InThread) -> None:
    """Until ``waiter`` waits for a lock ``holder``'s transaction holds (directly, or
    queued behind another waiter for it)."""

    def blocked() -> bool:
        assert not waiter.done, f"finished without waiting: {waiter.result!r} {waiter.error!r}"
        return bool(_blocked_by(waiter.pid))

    _wait_until(blocked, "the call waits for the other transaction's lock")
    assert holder.pid in _blocked_by(waiter.pid) or any(
        holder.pid in _blocked_by(other) for other in _blocked_by(waiter.pid)
    )


_HELD: list[Held] = []


class Held:
    """A transaction, in its own thread, that does ``inside()`` and keeps its locks until
    ``release()`` (at the latest when the test ends); ``inside`` may return a result
    (kept, as ``InThread``)."""

    def __init__(self, inside: Callable[[], object]):
        self._inside = inside
        self._holding = threading.Event()
        self._release = threading.Event()
        self.worker = InThread(self._run)
        _HELD.append(self)

    def _run(self) -> object:
        with transaction.atomic():
            result = self._inside()
            self._holding.set()
            assert self._release.wait(TIMEOUT), "never released"
        return result

    def start(self) -> Held:
        self.worker.start()
        _wait_until(
            lambda: self._holding.is_set() or self.worker.done, "the transaction holds its locks"
        )
        assert self.worker.error is None, self.worker.error
        return self

    def release(self) -> None:
        self._release.set()
        self.worker.join()


def _lock_the_versions() -> None:
    """What a publish or a new version locks first: every version of the code."""
    list(CaseType.objects.select_for_update().filter(code=MELDING).values_list("pk"))


def _in_use() -> list[int]:
    """The versions of the code in use, as every other connection sees them now."""
    return list(
        CaseType.objects.filter(
            code=MELDING, is_current=True, published_at__isnull=False
        ).values_list("version", flat=True)
    )


@pytest.fixture(autouse=True)
def _release_what_is_held(committed_db):
    """A failed test releases its transactions, so the flush after it does not wait."""
    yield
    while _HELD:
        _HELD.pop().release()


@pytest.fixture
def admin(make_staff):
    return staff_actor(make_staff("administrator", username="beheer-c"))


@pytest.fixture
def draft(committed_db, catalogue, admin):
    """Version 2 of the report type, a draft; version 1 is in use."""
    return services.case_type_new_version(actor=admin, case_type=catalogue[MELDING])


def _fresh(case_type: CaseType) -> CaseType:
    """An instance of its own for each caller, as each request loads its own."""
    return CaseType.objects.get(pk=case_type.pk)


def test_two_administrators_publish_the_same_draft_at_once_one_publishes(draft, admin):
    """One publishes; the other is told the version is already published (a 400), and
    the draft is the one version in use."""
    holder = Held(_lock_the_versions).start()
    callers = [
        InThread(partial(services.case_type_publish, actor=admin, case_type=_fresh(draft)))
        for _ in range(2)
    ]
    for caller in callers:
        caller.start()
        _wait_until_blocked(caller, holder.worker)
    holder.release()
    for caller in callers:
        caller.join()

    published = [c for c in callers if c.error is None]
    refused = [c.error for c in callers if c.error is not None]
    assert len(published) == 1 and len(refused) == 1, [c.error for c in callers]
    assert isinstance(refused[0], InvalidInput), repr(refused[0])  # a 400, not a 500
    assert str(refused[0]) == "Deze versie is al gepubliceerd."
    assert published[0].result.pk == draft.pk and published[0].result.is_current
    assert _in_use() == [2]
    draft.refresh_from_db()
    assert draft.is_published and draft.is_current


# --- A resident or an application submits while the draft is published -----------------


@pytest.fixture
def submit(committed_db, catalogue, me):
    """submit(by): open a report as a resident (``services.case_submit``) or as an
    application through the API's service (``case_submit_by_application``)."""
    app = applications.application_create(actor=None, name="balie", org_unit="Stadsbeheer")
    applications.grant(
        actor=None,
        application=app,
        case_type_code=MELDING,
        actions=["create"],
        max_confidentiality="intern",
    )
    _row, raw = applications.token_issue(actor=None, application=app)
    app, grants = applications.application_for_token(raw)
    application = applications.application_actor(app, grants)

    def make(by: str) -> Case:
        fields = {"case_type_code": MELDING, "description": "Volle container", "answers": ANSWERS}
        if by == "resident":
            return services.case_submit(actor=me, **fields)
        return api_services.case_submit_by_application(actor=application, grants=grants, **fields)

    return make


def _opened_under(case: Case) -> CaseType:
    return CaseType.objects.get(pk=Case.objects.get(pk=case.pk).case_type_id)


class PausedPublish:
    """Stops the publish of ``draft`` inside its own transaction, right after its last
    write (the draft saved in use: ``post_save`` runs before the commit), until
    ``release()``. The service runs unchanged, in its own transaction: a publish that
    committed its switch in two steps would show here as no version in use."""

    def __init__(self, draft: CaseType):
        self.pk = draft.pk
        self.reached = threading.Event()
        self._release = threading.Event()

    def _saved(self, instance: CaseType, **_kwargs) -> None:
        if instance.pk == self.pk and instance.is_current:
            self.reached.set()
            assert self._release.wait(TIMEOUT), "never released"

    def __enter__(self) -> PausedPublish:
        post_save.connect(self._saved, sender=CaseType, dispatch_uid="paused-publish")
        return self

    def __exit__(self, *_exc) -> None:
        self.release()
        post_save.disconnect(sender=CaseType, dispatch_uid="paused-publish")

    def release(self) -> None:
        self._release.set()


@pytest.mark.parametrize("by", ["resident", "application"])
def test_a_submit_while_the_publish_is_not_yet_committed_opens_under_the_old_version(
    draft, admin, submit, by
):
    """The publish has switched the version in use but not committed: the resident
    still finds the old version (never none), and the case is opened under it."""
    with PausedPublish(draft) as paused:
        publisher = InThread(
            lambda: services.case_type_publish(actor=admin, case_type=_fresh(draft))
        ).start()
        _wait_until(lambda: paused.reached.is_set() or publisher.done, "the publish switched")
        assert publisher.error is None, repr(publisher.error)
        assert _in_use() == [1]  # to everyone else, until the commit
        submitter = InThread(lambda: submit(by)).start()
        # it found the old version and now waits for the publish's lock on it (when its
        # case commits), or it is already done: either way it read before the commit
        _wait_until(
            lambda: submitter.done or _waits_for(submitter) == {publisher.pid},
            "the submit waits for the publish",
        )
        assert _in_use() == [1]
        paused.release()
        publisher.join()
        submitter.join()

    assert publisher.error is None, repr(publisher.error)
    assert submitter.error is None, repr(submitter.error)
    under = _opened_under(submitter.result)
    assert (under.version, under.is_published) == (1, True)
    assert _in_use() == [2]


@pytest.mark.parametrize("by", ["resident", "application"])
def test_a_publish_while_a_submit_is_not_yet_committed_leaves_the_case_its_version(
    draft, admin, submit, by
):
    """The submit has opened its case under the version in use but not committed; the
    publish switches over meanwhile (a case locks its type only when it commits: Django
    makes foreign keys DEFERRABLE INITIALLY DEFERRED on PostgreSQL), and the case then
    commits under the old version, which is still published."""
    submitter = Held(lambda: submit(by)).start()
    publisher = InThread(lambda: services.case_type_publish(actor=admin, case_type=_fresh(draft)))
    publisher.start().join()
    assert publisher.error is None, repr(publisher.error)
    assert _in_use() == [2]
    assert not Case.objects.exists()  # the case is not committed yet: they overlapped
    submitter.release()

    assert submitter.worker.error is None, repr(submitter.worker.error)
    under = _opened_under(submitter.worker.result)
    assert (under.version, under.is_published) == (1, True)
    assert _in_use() == [2]


@pytest.mark.parametrize("by", ["resident", "application"])
def test_submits_all_through_a_publish_always_find_a_published_version(draft, admin, submit, by):
    """A resident (or an application) keeps submitting while the draft is published, with
    no pause anywhere: every submit succeeds, under version 1 before the switch and
    version 2 after it, and a watcher on another connection sees exactly one version in
    use at every look."""
    stop = threading.Event()
    seen: list[list[int]] = []

    def keep_submitting() -> list[Case]:
        made = []
        while not stop.is_set() or len(made) < 3:
            made.append(submit(by))
        return made

    def watch() -> None:
        while not stop.is_set():
            seen.append(_in_use())

    submitter = InThread(keep_submitting).start()
    watcher = InThread(watch).start()
    _wait_until(lambda: Case.objects.count() >= 3 or submitter.done, "a few cases before")
    publisher = InThread(
        lambda: services.case_type_publish(actor=admin, case_type=_fresh(draft))
    ).start()
    publisher.join()
    count = Case.objects.count()
    _wait_until(lambda: Case.objects.count() >= count + 3 or submitter.done, "a few after")
    stop.set()
    for worker in (submitter, watcher):
        worker.join()

    assert publisher.error is None and submitter.error is None and watcher.error is None, (
        publisher.error,
        submitter.error,
        watcher.error,
    )
    versions = [_opened_under(case).version for case in submitter.result]
    assert versions == sorted(versions) and versions[0] == 1 and versions[-1] == 2, versions
    assert seen and all(s in ([1], [2]) for s in seen), [s for s in seen if s not in ([1], [2])]
    assert [1] in seen and [2] in seen


# --- Two new versions at once ------------------------------------------------------------


def test_two_new_versions_at_once_make_one_draft_and_refuse_the_second(
    committed_db, catalogue, admin
):
    """Two administrators (or two tabs) make a new version of the version in use at once:
    one draft, and the second is refused with the message naming it."""
    holder = Held(_lock_the_versions).start()
    new_version = partial(services.case_type_new_version, actor=admin)
    callers = [InThread(partial(new_version, case_type=_fresh(catalogue[MELDING]))) for _ in "ab"]
    for caller in callers:
        caller.start()
        _wait_until_blocked(caller, holder.worker)
    holder.release()
    for caller in callers:
        caller.join()

    made = [c.result for c in callers if c.error is None]
    refused = [c.error for c in callers if c.error is not None]
    assert len(made) == 1 and len(refused) == 1, [c.error for c in callers]
    assert isinstance(refused[0], InvalidInput), repr(refused[0])  # not an IntegrityError
    assert str(refused[0]) == (
        "Er is al een conceptversie van dit zaaktype (versie 2). Wijzig of publiceer die eerst."
    )
    drafts = CaseType.objects.filter(code=MELDING, published_at__isnull=True)
    assert list(drafts.values_list("pk", "version")) == [(made[0].pk, 2)]
    assert made[0].statuses.count() == catalogue[MELDING].statuses.count()
    assert _in_use() == [1]
