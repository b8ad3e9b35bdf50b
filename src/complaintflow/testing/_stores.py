"""A conformance kit for complaint stores: run complaintflow's checks against yours.

Subclass :class:`StoreContract` in your test suite and say how to make an empty store;
pytest (or unittest-style runners that collect ``test_*`` methods) runs every check::

    import functools

    from complaintflow.testing import DurableStoreContract, EventFeedContract

    class TestMyStore(DurableStoreContract, EventFeedContract):
        def make_store(self) -> MyStore:
            self.database = create_test_database()
            return MyStore(self.database.url)

        def opener(self, store: MyStore) -> Callable[[], MyStore]:
            return functools.partial(MyStore, self.database.url)  # picklable

        def teardown_store(self, store: MyStore) -> None:
            store.close()
            self.database.drop()

Besides the single-writer checks, the kit runs writers in several processes against one
complaint (through :func:`~complaintflow.stores.handle`, as workers would) and counts what
they applied: a store whose check of the revision and whose write are not one atomic step
loses updates, or fails with its database's own error, and fails the kit.

What a store promises beyond that is said by which contract a test class subclasses, so
that every check collected applies and none is skipped: :class:`DurableStoreContract` for
a store that keeps what it acknowledged through a crash (a writer is killed with
``SIGKILL`` in the middle of its work, and every command it saw return must be stored,
nothing half-written), :class:`EventFeedContract` for a store with a feed
(:class:`~complaintflow.stores.EventFeed`; a reader follows it while the writers run and
must miss no event). A store with a feed checked only by :class:`StoreContract` fails,
so that the feed cannot go unchecked. The checks use plain ``assert`` statements, so the
kit needs no test framework itself.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from multiprocessing.connection import Connection
from typing import ClassVar

from .._core.complaint import Applied, Complaint, open_complaint
from .._formats.snapshot import dump, load
from .._values.errors import (
    ComplaintExists,
    ComplaintflowError,
    ComplaintNotFound,
    ConcurrencyConflict,
    InvalidValueError,
    StoreError,
)
from ..commands import Assign, Command, HearConcern, OfferCompensation, VerifyCustomer
from ..events import AnyEvent, Event, StageChanged
from ..stores import ComplaintStore, EventFeed, FeedItem, handle

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

Opener = Callable[[], ComplaintStore]
"""A picklable callable that opens another connection to a store (in another process)."""


@contextmanager
def _raises(kind: type[BaseException]) -> Iterator[None]:
    try:
        yield
    except kind:
        return
    raise AssertionError(f"expected {kind.__name__} to be raised")


class _Interfering:
    """A store whose first save is beaten by another writer: the race, made certain."""

    def __init__(self, store: ComplaintStore, rival: Command, at: datetime):
        self.store = store
        self.rival: Command | None = rival
        self.at = at

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        self.store.add(complaint, events)

    def get(self, complaint_id: str) -> Complaint:
        return self.store.get(complaint_id)

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        if self.rival is not None:
            rival, self.rival = self.rival, None
            handle(self.store, complaint.complaint_id, rival, at=self.at)
        self.store.save(complaint, events, expected_revision=expected_revision)

    def events(self, complaint_id: str, *, after: int = 0) -> tuple[AnyEvent, ...]:
        return self.store.events(complaint_id, after=after)


class StoreContract:
    """The checks every :class:`~complaintflow.stores.ComplaintStore` must pass.

    Override :meth:`make_store`; for the checks that run several processes, also
    :meth:`opener`; to clean up, :meth:`teardown_store`. For what a store promises
    beyond these checks, subclass :class:`DurableStoreContract` or
    :class:`EventFeedContract` (or both) instead.
    """

    writers: ClassVar[int] = 4
    """How many processes (or threads) the contention check runs."""

    commands_each: ClassVar[int] = 40
    """How many commands each of them sends."""

    def make_store(self) -> ComplaintStore:
        """An empty store, new for each check. Override this."""
        raise NotImplementedError("override make_store() to return an empty store")

    def opener(self, store: ComplaintStore) -> Callable[[], ComplaintStore] | None:
        """A picklable callable that opens another connection to ``store`` (the same
        data), for the checks that run in other processes; the default, ``None``, is for
        a store that lives in one process: the contention check then runs threads that
        share ``store`` (:class:`DurableStoreContract` needs an opener)."""
        return None

    def teardown_store(self, store: ComplaintStore) -> None:
        """Called after every check with the store :meth:`make_store` made for it,
        whether the check passed or not: close it, drop its database. The default calls
        the store's ``close()``, if it has one."""
        close = getattr(store, "close", None)
        if callable(close):
            close()

    @contextmanager
    def fresh_store(self) -> Iterator[ComplaintStore]:
        """:meth:`make_store`'s store for one check, then :meth:`teardown_store`."""
        store = self.make_store()
        try:
            yield store
        finally:
            self.teardown_store(store)

    # --- helpers ----------------------------------------------------------------------

    def opened(self, store: ComplaintStore, complaint_id: str = "C-1") -> Applied:
        """A new complaint, verified (so it is listening), added to ``store``."""
        opened = open_complaint(complaint_id, at=T0)
        verified = opened.complaint.apply(
            VerifyCustomer(name="Ann Lee", callback="+44 20 7946 0000"), at=T0)
        store.add(verified.complaint, [*opened.events, *verified.events])
        return verified

    @staticmethod
    def later(minutes: int) -> datetime:
        return T0 + timedelta(minutes=minutes)

    # --- the checks -------------------------------------------------------------------

    def test_a_feed_is_checked(self) -> None:
        with self.fresh_store() as store:
            assert not isinstance(store, EventFeed) or isinstance(self, EventFeedContract), (
                f"{type(store).__name__} has a feed: check it with EventFeedContract")

    def test_add_then_get_returns_the_same_complaint_and_its_log(self) -> None:
        with self.fresh_store() as store:
            added = self.opened(store)
            assert store.get("C-1") == added.complaint
            log = store.events("C-1")
            assert [event.seq for event in log] == [1, 2, 3]
            assert Complaint.from_events(log) == added.complaint

    def test_events_after_a_seq_leave_out_the_earlier_ones(self) -> None:
        with self.fresh_store() as store:
            self.opened(store)
            assert [event.seq for event in store.events("C-1", after=2)] == [3]
            assert [event.seq for event in store.events("C-1", after=-5)] == [1, 2, 3]
            assert store.events("C-1", after=3) == ()

    def test_an_unknown_id_is_not_found(self) -> None:
        with self.fresh_store() as store:
            with _raises(ComplaintNotFound):
                store.get("C-404")
            with _raises(ComplaintNotFound):
                store.events("C-404")

    def test_add_refuses_an_id_that_is_taken(self) -> None:
        with self.fresh_store() as store:
            first = self.opened(store)
            with _raises(ComplaintExists):
                self.opened(store)
            assert store.get("C-1") == first.complaint
            assert len(store.events("C-1")) == 3

    def test_save_stores_the_next_state_and_appends_its_events(self) -> None:
        with self.fresh_store() as store:
            current = self.opened(store).complaint
            for minute, command in enumerate([HearConcern(text="a"), Assign(agent="bo"),
                                              HearConcern(text="b")], start=1):
                applied = current.apply(command, at=self.later(minute))
                store.save(applied.complaint, applied.events, expected_revision=current.revision)
                current = applied.complaint
            assert store.get("C-1") == current
            assert [event.seq for event in store.events("C-1")] == [1, 2, 3, 4, 5, 6]
            assert [event.seq for event in store.events("C-1", after=4)] == [5, 6]
            assert load(dump(store.get("C-1")), events=store.events("C-1")) == current

    def test_save_refuses_a_stale_revision_and_changes_nothing(self) -> None:
        with self.fresh_store() as store:
            loaded = self.opened(store).complaint
            mine = loaded.apply(HearConcern(text="mine"), at=self.later(1))
            theirs = loaded.apply(Assign(agent="theirs"), at=self.later(1))
            store.save(theirs.complaint, theirs.events, expected_revision=loaded.revision)
            with _raises(ConcurrencyConflict):
                store.save(mine.complaint, mine.events, expected_revision=loaded.revision)
            assert store.get("C-1") == theirs.complaint
            assert store.events("C-1")[-1] == theirs.events[-1]
            assert len(store.events("C-1")) == theirs.complaint.seq

    def test_save_of_an_unknown_complaint_is_not_found(self) -> None:
        with self.fresh_store() as store:
            opened = open_complaint("C-9", at=T0)
            applied = opened.complaint.apply(Assign(agent="bo"), at=T0)
            with _raises(ComplaintNotFound):
                store.save(applied.complaint, applied.events, expected_revision=1)

    def test_events_that_do_not_continue_the_log_are_refused_whole(self) -> None:
        with self.fresh_store() as store:
            loaded = self.opened(store).complaint
            applied = loaded.apply(HearConcern(text="a"), at=self.later(1))
            with _raises(InvalidValueError):
                store.save(applied.complaint, [], expected_revision=loaded.revision)
            assert store.get("C-1") == loaded
            assert len(store.events("C-1")) == loaded.seq

    def test_complaints_keep_their_own_logs(self) -> None:
        with self.fresh_store() as store:
            self.opened(store, "C-1")
            other = self.opened(store, "C-2").complaint
            applied = other.apply(HearConcern(text="only C-2"), at=self.later(1))
            store.save(applied.complaint, applied.events, expected_revision=other.revision)
            assert len(store.events("C-1")) == 3
            assert len(store.events("C-2")) == 4
            assert store.get("C-1").concerns == ()

    def test_handle_applies_and_saves(self) -> None:
        with self.fresh_store() as store:
            self.opened(store)
            applied = handle(store, "C-1", HearConcern(text="The fee."), at=self.later(1))
            assert store.get("C-1") == applied.complaint
            assert store.events("C-1", after=3) == applied.events

    def test_handle_saves_nothing_for_a_rejected_command(self) -> None:
        with self.fresh_store() as store:
            loaded = self.opened(store).complaint
            with _raises(ComplaintflowError):  # CommandRejected: no concern K7
                handle(store, "C-1", OfferCompensation(kind="credit", description="x",
                                                       concern_id="K7", amount=Decimal(1)),
                       at=self.later(1))
            assert store.get("C-1") == loaded

    def test_handle_answers_a_retried_command_id_with_the_first_outcome(self) -> None:
        with self.fresh_store() as store:
            self.opened(store)
            command = HearConcern(text="The fee.", command_id="webhook-81")
            first = handle(store, "C-1", command, at=self.later(1))
            again = handle(store, "C-1", command, at=self.later(2))
            assert again.duplicate is not None
            assert again.events == first.events
            assert again.complaint == first.complaint == store.get("C-1")
            assert len(store.events("C-1")) == first.complaint.seq

    def test_handle_retries_when_another_writer_saves_first(self) -> None:
        with self.fresh_store() as store:
            self.opened(store)
            racing = _Interfering(store, Assign(agent="rival"), self.later(1))
            applied = handle(racing, "C-1", HearConcern(text="mine"), at=self.later(2))
            stored = store.get("C-1")
            assert stored == applied.complaint
            assert stored.assignment is not None
            assert stored.assignment.agent == "rival"
            assert [k.text for k in stored.concerns] == ["mine"]
            kinds = [e.type for e in store.events("C-1") if not isinstance(e, StageChanged)]
            assert kinds[-2:] == ["complaint_assigned", "concern_heard"]

    def test_handle_gives_up_after_its_retries(self) -> None:
        with self.fresh_store() as store:
            self.opened(store)
            racing = _Interfering(store, Assign(agent="rival"), self.later(1))
            with _raises(ConcurrencyConflict):
                handle(racing, "C-1", HearConcern(text="mine"), at=self.later(2), retries=0)
            assert [k.text for k in store.get("C-1").concerns] == []

    def test_many_writers_on_one_complaint_lose_no_update(self) -> None:
        """Writers in several processes (threads, without an :meth:`opener`) send commands
        through :func:`~complaintflow.stores.handle`, most of them to one hot complaint:
        every command that returned is stored once, none that gave up is, each snapshot
        is the fold of its log; a reader following the feed, if the store has one,
        misses no event."""
        with self.fresh_store() as store:
            ids = ["C-hot", *(f"C-{n}" for n in range(self.writers))]
            for complaint_id in ids:
                self.opened(store, complaint_id)
            follower = _Follower(store) if isinstance(store, EventFeed) else None
            opener = self.opener(store)
            try:
                results = _run_writers(store, opener, self.writers, self.commands_each)
            finally:
                if follower is not None:
                    follower.stop()
            applied: dict[str, list[str]] = {complaint_id: [] for complaint_id in ids}
            for result in results:
                for complaint_id, command_id in result:
                    applied[complaint_id].append(command_id)
            assert sum(map(len, applied.values())) > 0
            for complaint_id, command_ids in applied.items():
                complaint = store.get(complaint_id)
                log = store.events(complaint_id)
                assert [e.seq for e in log] == list(range(1, complaint.seq + 1)), (
                    f"{complaint_id}: the log has gaps or repeats")
                recorded = [e.command_id for e in log if e.command_id is not None]
                assert sorted(recorded) == sorted(command_ids), (
                    f"{complaint_id}: {len(command_ids)} commands returned, "
                    f"{len(recorded)} are in the log: updates were lost or doubled")
                assert complaint.revision == 2 + len(command_ids), (
                    f"{complaint_id}: revision {complaint.revision} after "
                    f"{len(command_ids)} commands")
                assert Complaint.from_events(log) == complaint, (
                    f"{complaint_id}: the snapshot is not the fold of its log")
            if follower is not None:
                assert isinstance(store, EventFeed)
                follower.check(store)



class DurableStoreContract(StoreContract):
    """:class:`StoreContract` for a store that keeps every command it acknowledged when
    the writing process is killed; needs :meth:`~StoreContract.opener`."""

    def test_a_killed_writer_loses_nothing_it_acknowledged(self) -> None:
        """A writer in another process is killed (``SIGKILL``) while it sends commands:
        every command it saw return is stored, the last one may or may not be, and the
        complaint reads back whole."""
        with self.fresh_store() as store:
            opener = self.opener(store)
            assert opener is not None, (
                "a DurableStoreContract store needs opener(): the writer that is killed "
                "runs in another process")
            self.opened(store, "C-kill")
            acknowledged = _kill_a_writer(opener, "C-kill")
            complaint = store.get("C-kill")
            log = store.events("C-kill")
            recorded = [e.command_id for e in log if e.command_id is not None]
            assert recorded[:len(acknowledged)] == acknowledged, (
                "a command the killed writer saw return is not stored")
            assert len(recorded) <= len(acknowledged) + 1  # the one in flight, perhaps
            assert [e.seq for e in log] == list(range(1, complaint.seq + 1))
            assert Complaint.from_events(log) == complaint
            handle(store, "C-kill", HearConcern(text="after the crash"), at=_now)



class EventFeedContract(StoreContract):
    """:class:`StoreContract` for a store with a feed
    (:class:`~complaintflow.stores.EventFeed`): every event once, in commit order, pages
    that continue, and no event missed by a reader while writers race."""

    def test_the_feed_lists_every_event_once_in_commit_order(self) -> None:
        with self.fresh_store() as store:
            assert isinstance(store, EventFeed), (
                "an EventFeedContract store must have feed() (complaintflow.stores.EventFeed)")
            one = self.opened(store, "C-1").complaint
            self.opened(store, "C-2")
            applied = one.apply(HearConcern(text="a"), at=self.later(1))
            store.save(applied.complaint, applied.events, expected_revision=one.revision)
            items = store.feed()
            assert [(i.complaint_id, i.event.seq) for i in items] == [
                ("C-1", 1), ("C-1", 2), ("C-1", 3), ("C-2", 1), ("C-2", 2), ("C-2", 3),
                ("C-1", 4)]
            first = items[0].position
            assert first >= 1
            assert [i.position for i in items] == list(range(first, first + 7))
            assert [i.event for i in items if i.complaint_id == "C-1"] == list(
                store.events("C-1"))
            page = store.feed(after=first, limit=2)
            assert [i.position for i in page] == [first + 1, first + 2]
            assert store.feed(after=items[-1].position) == ()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _write(store: ComplaintStore, worker: int, commands: int) -> list[tuple[str, str]]:
    """Send ``commands`` commands, three in four to the hot complaint; the (complaint id,
    command id) of each that returned. A command that gave up is left out; any other
    failure is raised."""
    applied: list[tuple[str, str]] = []
    for number in range(commands):
        complaint_id = f"C-{worker}" if number % 4 == 3 else "C-hot"
        command_id = f"writer-{worker}-{number}"
        try:
            handle(store, complaint_id, Assign(agent=f"agent {worker}.{number}",
                                               command_id=command_id), at=_now)
        except ConcurrencyConflict:
            continue
        applied.append((complaint_id, command_id))
    return applied


def _write_opened(opener: Opener, worker: int, commands: int) -> list[tuple[str, str]]:
    store = opener()
    try:
        return _write(store, worker, commands)
    finally:
        close = getattr(store, "close", None)
        if callable(close):
            close()


def _run_writers(store: ComplaintStore, opener: Opener | None, writers: int,
                 commands: int) -> list[list[tuple[str, str]]]:
    """Each writer's applied commands; a writer's failure fails the check, named."""
    try:
        if opener is not None:
            context = multiprocessing.get_context("spawn")
            with context.Pool(writers) as pool:
                return pool.starmap(_write_opened,
                                    [(opener, worker, commands) for worker in range(writers)])
        results: list[list[tuple[str, str]]] = [[] for _ in range(writers)]
        errors: list[BaseException] = []

        def run(worker: int) -> None:
            try:
                results[worker] = _write(store, worker, commands)
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return results
    except StoreError as error:
        raise AssertionError(
            f"a writer failed with {type(error).__name__}: {error}. When another writer "
            "saved first, save must raise ConcurrencyConflict (which handle retries), "
            "whatever guard of the database noticed it") from error
    except Exception as error:
        raise AssertionError(
            f"a writer failed with {type(error).__name__}: {error}. A store raises "
            "ConcurrencyConflict when another writer saved first, and StoreError for any "
            "other failure of its database, never the database's own errors") from error


class _Follower:
    """A reader that follows a store's feed in a thread, a few events at a time."""

    def __init__(self, store: EventFeed) -> None:
        self.store = store
        self.seen: list[FeedItem] = []
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        after = 0
        try:
            while True:
                stopping = self._stop.is_set()
                page = self.store.feed(after=after, limit=7)
                self.seen += page
                if page:
                    after = page[-1].position
                elif stopping:
                    return
                else:
                    time.sleep(0.001)
        except BaseException as error:
            self.error = error

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(60)

    def check(self, store: EventFeed) -> None:
        if self.error is not None:
            raise AssertionError(f"the feed failed: {self.error!r}") from self.error
        everything: list[FeedItem] = []
        while page := store.feed(after=everything[-1].position if everything else 0):
            everything += page
        seen = [(i.position, i.complaint_id, i.event.seq) for i in self.seen]
        assert seen == [(i.position, i.complaint_id, i.event.seq) for i in everything], (
            "a reader following the feed missed events, or saw them out of order: an "
            "event committed at a position the reader had already passed")
        positions = [i.position for i in everything]
        assert positions == list(range(positions[0], positions[0] + len(positions))), (
            "the feed's positions have gaps")


def _write_until_killed(opener: Opener, complaint_id: str, acknowledged: Connection) -> None:
    store = opener()
    number = 0
    while True:
        command_id = f"kill-{number}"
        handle(store, complaint_id, Assign(agent=f"agent {number}", command_id=command_id),
               at=_now)
        acknowledged.send(command_id)
        number += 1


def _kill_a_writer(opener: Opener, complaint_id: str, commands: int = 30) -> list[str]:
    """Start a writer, kill it with SIGKILL after ``commands`` acknowledged commands (and
    a random moment more); the command ids it saw return, in order."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    writer = context.Process(target=_write_until_killed, args=(opener, complaint_id, sender))
    writer.start()
    sender.close()
    acknowledged: list[str] = []
    try:
        while len(acknowledged) < commands:
            if not receiver.poll(120):
                raise AssertionError("the writer acknowledged nothing for two minutes")
            try:
                acknowledged.append(receiver.recv())
            except EOFError:
                writer.join()
                raise AssertionError(f"the writer died by itself (exit code "
                                     f"{writer.exitcode})") from None
        time.sleep(random.uniform(0, 0.005))  # land in the middle of a command
    finally:
        if writer.pid is not None:
            os.kill(writer.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        writer.join()
    while receiver.poll():
        try:
            acknowledged.append(receiver.recv())
        except EOFError:
            break
    receiver.close()
    return acknowledged


__all__ = ["StoreContract"]
