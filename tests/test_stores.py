"""The stores: the conformance kit on the bundled stores (and on a broken one), and the
SQLite file under concurrent writers."""

from __future__ import annotations

import functools
import json
import random
import shutil
import sqlite3
import tempfile
import threading
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

from complaintflow import (
    Complaint,
    HearConcern,
    InvalidValueError,
    open_complaint,
)
from complaintflow.__main__ import main
from complaintflow.commands import Assign
from complaintflow.events import AnyEvent, Event
from complaintflow.stores import (
    Backoff,
    ComplaintStore,
    ConcurrencyConflict,
    EventFeed,
    StoreError,
    handle,
)
from complaintflow.stores._records import event_records, snapshot_record
from complaintflow.stores.memory import MemoryStore
from complaintflow.stores.sqlite import SQLiteStore
from complaintflow.testing import DurableStoreContract, EventFeedContract, StoreContract


class TestMemoryStore(EventFeedContract):
    def make_store(self) -> ComplaintStore:
        return MemoryStore()


class TestSQLiteStoreInMemory(EventFeedContract):
    def make_store(self) -> ComplaintStore:
        return SQLiteStore(":memory:")


class TestSQLiteStoreFile(DurableStoreContract, EventFeedContract):
    """A file, shared by processes: the contention and durability checks run."""

    def make_store(self) -> SQLiteStore:
        self.folder = Path(tempfile.mkdtemp(prefix="complaintflow-"))
        return SQLiteStore(self.folder / "complaints.db")

    def opener(self, store: ComplaintStore) -> Callable[[], ComplaintStore]:
        return functools.partial(SQLiteStore, self.folder / "complaints.db")

    def teardown_store(self, store: ComplaintStore) -> None:
        super().teardown_store(store)
        shutil.rmtree(self.folder)


class CheckThenActStore(SQLiteStore):
    """Reads the revision, then writes without the check: the classic race. Every check
    with one writer passes; under contention two writers both pass the check, and the
    second one's events collide with the first's on the primary key."""

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        with sqlite3.connect(self._path) as db:
            revision, head = db.execute(
                "SELECT revision, head FROM complaints WHERE complaint_id = ?",
                (complaint.complaint_id,)).fetchone()
        db.close()
        if revision != expected_revision:
            raise ConcurrencyConflict(complaint.complaint_id, expected_revision, revision)
        records = event_records(events, head, ())
        text, digest = snapshot_record(complaint, records[-1].digest, ())
        db = sqlite3.connect(self._path, timeout=30, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE complaints SET revision = ?, seq = ?, snapshot = ?, "
                       "digest = ?, head = ? WHERE complaint_id = ?",  # no revision check
                       (complaint.revision, complaint.seq, text, digest, records[-1].digest,
                        complaint.complaint_id))
            (last,) = db.execute("SELECT max(position) FROM complaint_events").fetchone()
            db.executemany("INSERT INTO complaint_events VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(complaint.complaint_id, r.seq, r.type, r.at, r.text, r.digest,
                             last + n) for n, r in enumerate(records, start=1)])
            db.execute("COMMIT")
        finally:
            if db.in_transaction:
                db.execute("ROLLBACK")
            db.close()


class _CheckThenActContract(TestSQLiteStoreFile):
    __test__ = False  # run below, where it must fail

    def make_store(self) -> SQLiteStore:
        super().make_store().close()
        return CheckThenActStore(self.folder / "complaints.db")

    def opener(self, store: ComplaintStore) -> Callable[[], ComplaintStore]:
        return functools.partial(CheckThenActStore, self.folder / "complaints.db")


def test_a_check_then_act_store_passes_the_single_writer_checks() -> None:
    kit = _CheckThenActContract()
    kit.test_save_refuses_a_stale_revision_and_changes_nothing()
    kit.test_handle_retries_when_another_writer_saves_first()
    kit.test_handle_gives_up_after_its_retries()


def test_the_kit_fails_a_check_then_act_store_under_contention() -> None:
    with pytest.raises(AssertionError, match="a writer failed with IntegrityError"):
        _CheckThenActContract().test_many_writers_on_one_complaint_lose_no_update()


class _CarelessStore(MemoryStore):
    """Overwrites whatever is stored: no revision check, no check of the log."""

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        log = self._events[complaint.complaint_id]
        self._write(complaint, event_records(events, log[-1].digest, ()), log)


@pytest.mark.parametrize("check", ["test_save_refuses_a_stale_revision_and_changes_nothing",
                                   "test_handle_gives_up_after_its_retries"])
def test_the_kit_catches_a_store_without_optimistic_concurrency(check: str) -> None:
    class Careless(StoreContract):
        def make_store(self) -> ComplaintStore:
            return _CarelessStore()

    with pytest.raises(AssertionError):
        getattr(Careless(), check)()


def test_the_kit_fails_a_store_whose_feed_it_was_not_asked_to_check() -> None:
    class Unchecked(StoreContract):
        def make_store(self) -> ComplaintStore:
            return MemoryStore()

    with pytest.raises(AssertionError, match="EventFeedContract"):
        Unchecked().test_a_feed_is_checked()
    TestMemoryStore().test_a_feed_is_checked()


def test_the_kit_asks_for_a_store() -> None:
    with pytest.raises(NotImplementedError, match="make_store"):
        StoreContract().test_an_unknown_id_is_not_found()


# --- the SQLite file --------------------------------------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # before any real time: _now() follows


def test_the_file_is_in_wal_mode_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "complaints.db"
    with SQLiteStore(path) as store:
        StoreContract().opened(store, "C-1")
        applied = store.handle("C-1", HearConcern(text="The fee."), at=T0 + timedelta(1))
    with SQLiteStore(path) as again:
        assert again.get("C-1") == applied.complaint
        assert again.ids() == ["C-1"]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    row = db.execute("SELECT revision, seq, stage FROM complaints").fetchone()
    assert row == (applied.complaint.revision, applied.complaint.seq, "listening")
    snapshot = json.loads(db.execute("SELECT snapshot FROM complaints").fetchone()[0])
    assert snapshot["schema"] == "complaintflow/complaint"
    db.close()


def test_the_events_table_is_append_only(tmp_path: Path) -> None:
    path = tmp_path / "complaints.db"
    with SQLiteStore(path) as store:
        StoreContract().opened(store, "C-1")
    db = sqlite3.connect(path)
    for statement in ("UPDATE complaint_events SET type = 'x'", "DELETE FROM complaint_events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(statement)
    assert db.execute("SELECT count(*) FROM complaint_events").fetchone() == (3,)
    db.close()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def test_a_store_that_cannot_be_opened_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the SQLite store"):
        SQLiteStore(tmp_path / "no such folder" / "c.db")


def test_the_demo_reports_a_store_it_cannot_open(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--db", str(tmp_path / "missing" / "demo.db")]) == 2
    assert "cannot open the SQLite store" in capsys.readouterr().err


# --- retries: exponential backoff with jitter --------------------------------------------


class _Rivals:
    """A store whose first ``times`` saves are each beaten by another writer's command."""

    def __init__(self, store: ComplaintStore, times: int) -> None:
        self.store, self.times = store, times

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        self.store.add(complaint, events)

    def get(self, complaint_id: str) -> Complaint:
        return self.store.get(complaint_id)

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        if self.times > 0:
            self.times -= 1
            handle(self.store, complaint.complaint_id, Assign(agent=f"rival {self.times}"),
                   at=complaint.updated_at)
        self.store.save(complaint, events, expected_revision=expected_revision)

    def events(self, complaint_id: str, *, after: int = 0) -> tuple[AnyEvent, ...]:
        return self.store.events(complaint_id, after=after)


@attrs.frozen
class _Counted(Backoff):
    """A backoff that records each wait it is asked for, and waits for none."""

    asked: list[int] = attrs.field(factory=list)

    def delay(self, conflicts: int, draw: Callable[[], float] = random.random) -> float:
        self.asked.append(conflicts)
        return 0.0


def test_handle_outlasts_six_rivals_in_a_row_by_default() -> None:
    """Regression: with 5 retries and no wait, a hot complaint made commands give up."""
    store = MemoryStore()
    StoreContract().opened(store)
    racing = _Rivals(store, times=6)
    applied = handle(racing, "C-1", HearConcern(text="mine"), at=T0 + timedelta(minutes=1))
    assert [k.text for k in store.get("C-1").concerns] == ["mine"]
    assert applied.complaint.revision == 2 + 6 + 1


def test_handle_waits_as_its_backoff_says_after_each_conflict() -> None:
    store = MemoryStore()
    StoreContract().opened(store)
    counted = _Counted()
    handle(_Rivals(store, times=3), "C-1", HearConcern(text="mine"),
           at=T0 + timedelta(minutes=1), backoff=counted)
    assert counted.asked == [1, 2, 3]
    with pytest.raises(ConcurrencyConflict):
        handle(_Rivals(store, times=3), "C-1", HearConcern(text="again"),
               at=T0 + timedelta(minutes=2), retries=2, backoff=_Counted())


def test_the_backoff_grows_exponentially_to_its_cap_with_full_jitter() -> None:
    backoff = Backoff(first=0.002, factor=2.0, cap=0.2)
    ceilings = [backoff.delay(n, lambda: 1.0) for n in range(1, 10)]
    assert ceilings == pytest.approx([0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128,
                                      0.2, 0.2])
    assert backoff.delay(3, lambda: 0.0) == 0.0
    assert backoff.delay(3, lambda: 0.5) == pytest.approx(0.004)
    assert backoff.delay(10_000, lambda: 1.0) == pytest.approx(0.2)  # no overflow
    assert Backoff().cap == 0.25
    draws = [Backoff().delay(4) for _ in range(200)]
    assert all(0 <= d < 0.016 for d in draws)
    assert len(set(draws)) > 100  # jittered


@pytest.mark.parametrize("bad", [{"first": 0}, {"factor": -1.0}, {"cap": 0.0}])
def test_a_backoff_refuses_times_that_are_not_positive(bad: dict[str, float]) -> None:
    with pytest.raises(InvalidValueError, match="positive"):
        Backoff(**bad)


# --- SQLite: threads, errors, streaming ------------------------------------------------


@pytest.mark.parametrize("where", ["file", "memory"])
def test_one_sqlite_store_serves_many_threads(tmp_path: Path, where: str) -> None:
    """Regression: a store shared by two threads raised sqlite3.ProgrammingError."""
    path = tmp_path / "threads.db" if where == "file" else ":memory:"
    with SQLiteStore(path) as store:
        StoreContract().opened(store, "C-1")
        errors: list[BaseException] = []

        def work(worker: int) -> None:
            try:
                for number in range(25):
                    store.handle("C-1", Assign(agent=f"{worker}-{number}",
                                               command_id=f"{worker}-{number}"), at=_now)
            except BaseException as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        complaint = store.get("C-1")
        assert complaint.revision == 2 + 4 * 25
        assert Complaint.from_events(store.events("C-1")) == complaint


def test_every_sqlite_failure_is_a_store_error(tmp_path: Path) -> None:
    """Regression: a busy file raised sqlite3.OperationalError, not a StoreError."""
    path = tmp_path / "busy.db"
    with SQLiteStore(path, busy_timeout=0.05) as store:
        current = StoreContract().opened(store).complaint
        applied = current.apply(HearConcern(text="The fee."), at=T0 + timedelta(minutes=1))
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock, and keeps it
        try:
            with pytest.raises(StoreError, match="database is locked"):
                store.save(applied.complaint, applied.events,
                           expected_revision=current.revision)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.get("C-1") == current  # nothing half-written
        store.save(applied.complaint, applied.events, expected_revision=current.revision)
    with pytest.raises(StoreError, match="closed"):
        store.get("C-1")


def test_a_closed_store_closes_every_threads_connection(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    StoreContract().opened(store)
    seen: list[Complaint] = []
    thread = threading.Thread(target=lambda: seen.append(store.get("C-1")))
    thread.start()
    thread.join()
    assert seen == [store.get("C-1")]
    store.close()
    for use in (lambda: store.get("C-1"), lambda: store.events("C-1"), store.ids,
                lambda: list(store.export())):
        with pytest.raises(StoreError, match="closed"):
            use()


def test_export_streams_a_page_at_a_time(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "big.db") as store:
        for number in range(300):
            opened = open_complaint(f"C-{number:03}", at=T0)
            current, log = opened.complaint, list(opened.events)
            for minute in range(1, 40):
                applied = current.apply(Assign(agent=f"agent {minute}"),
                                        at=T0 + timedelta(minutes=minute))
                current, log = applied.complaint, [*log, *applied.events]
            store.add(current, log)
        tracemalloc.start()
        try:
            count = sum(1 for _ in store.export())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert count == 300 * 40
        total = sum(len(json.dumps(data)) for data in store.export())
        assert peak < total / 3  # a page in memory, not the whole store


# --- the feed ------------------------------------------------------------------------------

FEED_SCHEMA_BEFORE = """
CREATE TABLE complaints (complaint_id TEXT PRIMARY KEY, revision INTEGER NOT NULL,
    seq INTEGER NOT NULL, stage TEXT NOT NULL, updated_at TEXT NOT NULL,
    snapshot TEXT NOT NULL, digest TEXT, head TEXT);
CREATE TABLE complaint_events (complaint_id TEXT NOT NULL REFERENCES complaints (complaint_id),
    seq INTEGER NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL,
    digest TEXT, PRIMARY KEY (complaint_id, seq)) WITHOUT ROWID;
CREATE TRIGGER complaint_events_no_update BEFORE UPDATE ON complaint_events
BEGIN SELECT RAISE(ABORT, 'complaint_events is append-only'); END;
CREATE TRIGGER complaint_events_no_delete BEFORE DELETE ON complaint_events
BEGIN SELECT RAISE(ABORT, 'complaint_events is append-only'); END;
"""
"""The file as the release before the feed wrote it."""


def test_a_file_written_before_the_feed_gets_positions_in_time_order(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    db = sqlite3.connect(path)
    db.executescript(FEED_SCHEMA_BEFORE)
    source = MemoryStore()  # the rows as the earlier release wrote them
    first = StoreContract().opened(source, "C-2").complaint  # C-2 first, at T0
    later = first.apply(Assign(agent="bo"), at=T0 + timedelta(minutes=5))
    source.save(later.complaint, later.events, expected_revision=first.revision)
    opened = open_complaint("C-1", at=T0 + timedelta(minutes=1))
    source.add(opened.complaint, opened.events)
    for complaint_id in ("C-1", "C-2"):
        complaint = source.get(complaint_id)
        records = event_records(source.events(complaint_id), None, ())
        text, digest = snapshot_record(complaint, records[-1].digest, ())
        db.execute("INSERT INTO complaints VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (complaint_id, complaint.revision, complaint.seq, complaint.stage.value,
                    complaint.updated_at.isoformat(), text, digest, records[-1].digest))
        db.executemany("INSERT INTO complaint_events VALUES (?, ?, ?, ?, ?, ?)",
                       [(complaint_id, r.seq, r.type, r.at, r.text, r.digest)
                        for r in records])
    db.commit()
    db.close()
    with SQLiteStore(path) as store:
        assert [(i.position, i.complaint_id, i.event.seq) for i in store.feed()] == [
            (1, "C-2", 1), (2, "C-2", 2), (3, "C-2", 3), (4, "C-1", 1), (5, "C-2", 4)]
        store.handle("C-1", Assign(agent="cy"), at=T0 + timedelta(minutes=6))
        assert [(i.position, i.complaint_id) for i in store.feed(after=5)] == [(6, "C-1")]
        assert store.get("C-2") == later.complaint
    db = sqlite3.connect(path)
    for statement in ("UPDATE complaint_events SET position = 0",
                      "DELETE FROM complaint_events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(statement)
    db.close()
    with SQLiteStore(path) as again:  # opening it again changes nothing
        assert len(again.feed()) == 6


@pytest.mark.parametrize("make", [MemoryStore, lambda: SQLiteStore(":memory:")],
                         ids=["memory", "sqlite"])
def test_the_feed_refuses_a_page_that_is_not_one(
        make: Callable[[], MemoryStore | SQLiteStore]) -> None:
    store = make()
    StoreContract().opened(store)
    assert isinstance(store, EventFeed)
    for bad in ({"limit": 0}, {"limit": -3}, {"after": "2"}, {"limit": True}):
        with pytest.raises(InvalidValueError):
            store.feed(**bad)
    with pytest.raises(InvalidValueError, match="limit"):
        store.events("C-1", limit=0)
