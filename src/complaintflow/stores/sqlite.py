"""An embedded complaint store on the standard library's ``sqlite3``, in WAL mode.

One file holds two tables: ``complaints`` (the latest snapshot of each complaint, with its
revision, its digest and the head of its log) and ``complaint_events`` (every event with
its digest and its position in the store's feed, append-only: triggers refuse updates and
deletes). ``save`` updates the
snapshot ``WHERE revision = :expected`` and appends the events in the same transaction, so
a complaint and its log never disagree. ``get`` checks the snapshot and the last event
against their digests, so a row changed by hand is refused rather than believed.

One :class:`SQLiteStore` may be shared by threads: each thread gets its own connection to
the file (an in-memory store has one connection, which its threads take turns on). Open
one per process; processes may share the file. Every failure of the database is raised as
a :class:`~complaintflow.stores.StoreError`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from os import PathLike, fspath
from types import TracebackType
from typing import NamedTuple

from .._core.complaint import Applied, Complaint
from .._formats.integrity import IntegrityKey, Keys
from .._formats.json_value import JsonValue
from .._formats.snapshot import load_event, read_log
from .._values.errors import ComplaintExists, ComplaintNotFound, ConcurrencyConflict, StoreError
from ..commands import Command
from ..events import AnyEvent, Event
from ._records import (
    EventRecord,
    event_json,
    event_records,
    read_complaint,
    snapshot_record,
)
from ._store import DEFAULT_BACKOFF, Backoff, FeedItem, check_continues, check_page, handle

SCHEMA = """
CREATE TABLE IF NOT EXISTS complaints (
    complaint_id TEXT PRIMARY KEY,
    revision     INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    stage        TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    snapshot     TEXT NOT NULL,
    digest       TEXT,
    head         TEXT
);
CREATE TABLE IF NOT EXISTS complaint_events (
    complaint_id TEXT NOT NULL REFERENCES complaints (complaint_id),
    seq          INTEGER NOT NULL,
    type         TEXT NOT NULL,
    at           TEXT NOT NULL,
    event        TEXT NOT NULL,
    digest       TEXT,
    position     INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (complaint_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS complaint_events_no_update BEFORE UPDATE ON complaint_events
BEGIN SELECT RAISE(ABORT, 'complaint_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS complaint_events_no_delete BEFORE DELETE ON complaint_events
BEGIN SELECT RAISE(ABORT, 'complaint_events is append-only'); END;
"""
"""The tables, created when a store opens a file without them. ``digest`` and ``head``
are null in rows written before digests; the next save of the complaint fills them in.
``position`` is the event's place in the feed: the write lock, held from the position's
choice to the commit, makes positions commit in order and without gaps. A file written
before the feed gets positions when a store first opens it (in the order of the events'
times)."""

_ADDED_COLUMNS = (("complaints", "digest"), ("complaints", "head"),
                  ("complaint_events", "digest"))


class SQLiteStore:
    """Complaints in one SQLite file (``":memory:"`` for a private, throwaway store).

    ``busy_timeout`` is how long a writer waits for another writer's transaction, in
    seconds. ``keys`` make the digest chain keyed (HMAC): the first signs, all verify.
    Use it as a context manager, or call
    :meth:`~complaintflow.stores.sqlite.SQLiteStore.close`.

    A save does its work before it takes the file's write lock: the snapshot and the events
    are serialised and their digests chained first, and the lock is held only for the
    statements that check the revision and write the rows.
    """

    def __init__(self, path: str | PathLike[str], *, busy_timeout: float = 10.0,
                 keys: Sequence[IntegrityKey] = ()):
        self._keys: Keys = tuple(keys)
        self._path = fspath(path)
        self._busy_timeout = busy_timeout
        self._known: dict[str, _Known] = {}
        shared = self._path in ("", ":memory:") or self._path.startswith("file::memory:")
        self._connections = _Connections(self._connect, shared=shared)
        try:
            with self._connections() as db:
                db.executescript(SCHEMA)
                _add_columns(db)
                _add_positions(db)
        except sqlite3.Error as error:
            self._connections.close()
            raise StoreError(f"cannot open the SQLite store {self._path!r}: {error}") from None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, timeout=self._busy_timeout, isolation_level=None,
                             check_same_thread=False)  # closed by close(), from any thread
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # durable at each WAL checkpoint
            db.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        """Close every connection; the store cannot be used afterwards (it raises
        :class:`~complaintflow.stores.StoreError`)."""
        self._connections.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    # --- the store contract -----------------------------------------------------------

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        """Store a new complaint and the events that opened it."""
        check_continues(complaint, events, 0)
        records = event_records(events, None, self._keys)
        head = records[-1].digest
        text, digest = snapshot_record(complaint, head, self._keys)
        with self._db() as db, _Transaction(db):
            try:
                db.execute(
                    "INSERT INTO complaints VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (complaint.complaint_id, complaint.revision, complaint.seq,
                     complaint.stage.value, complaint.updated_at.isoformat(), text, digest,
                     head))
            except sqlite3.IntegrityError:
                raise ComplaintExists(complaint.complaint_id) from None
            _append(db, complaint.complaint_id, records)
        self._remember(complaint.complaint_id, complaint.revision, complaint.seq, head)

    def get(self, complaint_id: str) -> Complaint:
        """The stored complaint, after checking it and its last event against their
        digests; raises :class:`~complaintflow.stores.ComplaintNotFound`, and
        :class:`~complaintflow.SnapshotError` for a row changed by hand."""
        with self._db() as db:
            rows = db.execute(  # one statement: one consistent read of both tables
                "SELECT c.snapshot, c.digest, c.head, e.event, e.digest FROM complaints c "
                "LEFT JOIN complaint_events e ON e.complaint_id = c.complaint_id "
                "AND e.seq >= c.seq - 1 WHERE c.complaint_id = ? ORDER BY e.seq DESC",
                (complaint_id,)).fetchall()
            if not rows:
                raise ComplaintNotFound(complaint_id)
            text, digest, head, last_text, last_digest = rows[0]
            last = (last_text, last_digest) if last_text is not None else None
            before_last = rows[1][4] if len(rows) > 1 else None
            if last_digest is not None and len(rows) > 1 and before_last is None:
                # the first event after an upgrade chains to the computed head of a log
                # written before digests: compute it (once: the next event has a stored one)
                before_last = read_log(_stored(db, complaint_id)[:-1], self._keys)[1][-1]
        complaint = read_complaint(complaint_id, text, digest, head, last, before_last,
                                   self._keys)
        if head is not None:
            self._remember(complaint_id, complaint.revision, complaint.seq, head)
        return complaint

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        """Store the next state and append its events, if nobody saved in between.

        The records are made before the write lock is taken, chained to the head this
        store last read; under the lock one ``UPDATE`` checks that the revision, the seq
        and the head are still those, and a stale guess is redone under the lock."""
        complaint_id = complaint.complaint_id
        known = self._known.get(complaint_id)
        if known is None or known[0] != expected_revision:
            known = self._current(complaint_id, expected_revision)
        check_continues(complaint, events, known.seq)
        prepared = self._prepare(complaint, events, known.chain)
        with self._db() as db, _Transaction(db):
            if not self._update(db, complaint, expected_revision, known, prepared):
                known = _row(db, complaint_id, expected_revision, self._keys)  # locked
                check_continues(complaint, events, known.seq)
                prepared = self._prepare(complaint, events, known.chain)
                if not self._update(db, complaint, expected_revision, known, prepared):
                    raise StoreError(f"cannot save complaint {complaint_id!r}: its row "
                                     "changed under the write lock")  # pragma: no cover
            _append(db, complaint_id, prepared[0])
        self._remember(complaint_id, complaint.revision, complaint.seq, prepared[1])

    def events(self, complaint_id: str, *, after: int = 0,
               limit: int | None = None) -> tuple[AnyEvent, ...]:
        """The complaint's events with ``seq`` above ``after``, in order: the first
        ``limit`` of them (all when ``None``); raises
        :class:`~complaintflow.stores.ComplaintNotFound` for a complaint not stored."""
        check_page(after, limit)
        with self._db() as db:
            rows = db.execute(
                "SELECT event, digest FROM complaint_events WHERE complaint_id = ? "
                "AND seq > ? ORDER BY seq LIMIT ?",
                (complaint_id, after, -1 if limit is None else limit)).fetchall()
            if not rows and db.execute("SELECT 1 FROM complaints WHERE complaint_id = ?",
                                       (complaint_id,)).fetchone() is None:
                raise ComplaintNotFound(complaint_id)
        return tuple(load_event(event_json(event, digest)) for event, digest in rows)

    def feed(self, *, after: int = 0, limit: int = 1000) -> tuple[FeedItem, ...]:
        """Every complaint's events after position ``after``, in the order they were
        committed: the first ``limit``; see :class:`~complaintflow.stores.EventFeed`."""
        check_page(after, limit)
        with self._db() as db:
            rows = db.execute(
                "SELECT position, complaint_id, event, digest FROM complaint_events "
                "WHERE position > ? ORDER BY position LIMIT ?", (after, limit)).fetchall()
        return tuple(FeedItem(position, complaint_id, load_event(event_json(event, digest)))
                     for position, complaint_id, event, digest in rows)

    # --- conveniences -----------------------------------------------------------------

    def handle(self, complaint_id: str, command: Command, *,
               at: datetime | Callable[[], datetime], retries: int = 32,
               backoff: Backoff | None = DEFAULT_BACKOFF) -> Applied:
        """Load, apply and save, retrying on conflicts; see :func:`complaintflow.stores.handle`."""
        return handle(self, complaint_id, command, at=at, retries=retries, backoff=backoff)

    def export(self) -> Iterator[dict[str, JsonValue]]:
        """Every stored event as its JSON, with its digest, complaint by complaint in
        ``seq`` order, each labelled with its ``complaint_id``: write one per line for
        ``complaintflow audit`` or ``complaintflow verify``.

        It streams: the events are read a page at a time, so memory stays flat whatever
        the store's size, and no read transaction stays open between pages. Each
        complaint's events are a prefix of its log as it was when its page was read."""
        last: tuple[str, int] = ("", 0)
        while True:
            with self._db() as db:
                rows = db.execute(
                    "SELECT complaint_id, seq, event, digest FROM complaint_events "
                    "WHERE (complaint_id, seq) > (?, ?) ORDER BY complaint_id, seq LIMIT ?",
                    (*last, _EXPORT_PAGE)).fetchall()
            for complaint_id, _, event, digest in rows:
                yield event_json(event, digest, complaint_id)
            if len(rows) < _EXPORT_PAGE:
                return
            last = (rows[-1][0], rows[-1][1])

    def ids(self) -> list[str]:
        """The ids of every stored complaint, sorted."""
        with self._db() as db:
            rows = db.execute("SELECT complaint_id FROM complaints ORDER BY complaint_id")
            return [complaint_id for (complaint_id,) in rows]

    def stored(self, complaint_id: str) -> tuple[dict[str, JsonValue],
                                                 list[dict[str, JsonValue]]]:
        """A complaint's snapshot and events as stored, with their digests, unchecked:
        what :func:`complaintflow.verify` checks."""
        with self._db() as db:
            row = db.execute("SELECT snapshot, digest FROM complaints "
                             "WHERE complaint_id = ?", (complaint_id,)).fetchone()
            if row is None:
                raise ComplaintNotFound(complaint_id)
            events = _stored(db, complaint_id)
        snapshot: dict[str, JsonValue] = json.loads(row[0])
        if row[1] is not None:
            snapshot["digest"] = row[1]
        return snapshot, events

    # --- internals --------------------------------------------------------------------

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection; a failure of the database becomes a StoreError."""
        try:
            with self._connections() as db:
                yield db
        except sqlite3.Error as error:
            raise StoreError(f"the SQLite store {self._path!r} failed: "
                             f"{type(error).__name__}: {error}") from error

    def _remember(self, complaint_id: str, revision: int, seq: int, head: str) -> None:
        if len(self._known) >= _KNOWN_LIMIT:
            self._known.clear()
        self._known[complaint_id] = _Known(revision, seq, head, head)

    def _current(self, complaint_id: str, expected_revision: int) -> _Known:
        """The stored revision, seq and head (computed for a log written before digests),
        read without the lock; a conflict is raised at once."""
        with self._db() as db:
            return _row(db, complaint_id, expected_revision, self._keys)

    def _prepare(self, complaint: Complaint, events: Sequence[Event],
                 head: str) -> tuple[list[EventRecord], str, str, str]:
        """The event records chained to ``head``, the new head, the snapshot text and its
        digest: the slow part of a save, done before the lock."""
        records = event_records(events, head, self._keys)
        new_head = records[-1].digest if records else head
        text, digest = snapshot_record(complaint, new_head, self._keys)
        return records, new_head, text, digest

    def _update(self, db: sqlite3.Connection, complaint: Complaint, expected_revision: int,
                known: _Known,
                prepared: tuple[list[EventRecord], str, str, str]) -> bool:
        """The snapshot's UPDATE, if the row is still at ``known``; whether it was."""
        _, new_head, text, digest = prepared
        cursor = db.execute(
            "UPDATE complaints SET revision = ?, seq = ?, stage = ?, updated_at = ?, "
            "snapshot = ?, digest = ?, head = ? WHERE complaint_id = ? AND revision = ? "
            "AND seq = ? AND head IS ?",
            (complaint.revision, complaint.seq, complaint.stage.value,
             complaint.updated_at.isoformat(), text, digest, new_head,
             complaint.complaint_id, expected_revision, known.seq, known.head))
        return cursor.rowcount == 1


_KNOWN_LIMIT = 10_000
"""How many complaints' revision, seq and head a store remembers between a get and a save."""

_EXPORT_PAGE = 1_000
"""How many events ``export`` reads at a time."""


class _Known(NamedTuple):
    """What a save chains to: the stored revision, seq and head (``None`` for a log
    written before digests), and the digest the next event chains to."""

    revision: int
    seq: int
    head: str | None
    chain: str


def _row(db: sqlite3.Connection, complaint_id: str, expected_revision: int,
         keys: Keys) -> _Known:
    """The stored revision, seq and head; raises ComplaintNotFound or ConcurrencyConflict.
    The head of a log written before digests is computed from its events."""
    row = db.execute("SELECT revision, seq, head FROM complaints WHERE complaint_id = ?",
                     (complaint_id,)).fetchone()
    if row is None:
        raise ComplaintNotFound(complaint_id)
    revision, seq, head = row
    if revision != expected_revision:
        raise ConcurrencyConflict(complaint_id, expected_revision, revision)
    if head is None:  # written before digests: the chain of its log, once
        return _Known(revision, seq, None, read_log(_stored(db, complaint_id), keys)[1][-1])
    return _Known(revision, seq, head, head)


def _stored(db: sqlite3.Connection, complaint_id: str) -> list[dict[str, JsonValue]]:
    rows = db.execute("SELECT event, digest FROM complaint_events "
                      "WHERE complaint_id = ? ORDER BY seq", (complaint_id,))
    return [event_json(event, digest) for event, digest in rows]


def _append(db: sqlite3.Connection, complaint_id: str, records: Sequence[EventRecord]) -> None:
    """Append the events at the next feed positions (under the write lock, held until the
    commit, so that positions commit in order)."""
    (last,) = db.execute("SELECT coalesce(max(position), 0) FROM complaint_events").fetchone()
    db.executemany(
        "INSERT INTO complaint_events (complaint_id, seq, type, at, event, digest, position) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(complaint_id, r.seq, r.type, r.at, r.text, r.digest, last + n)
         for n, r in enumerate(records, start=1)])


def _add_columns(db: sqlite3.Connection) -> None:
    """Bring a file written before digests up to date (its old rows stay as they are)."""
    for table, column in _ADDED_COLUMNS:
        names = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in names:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")


def _add_positions(db: sqlite3.Connection) -> None:
    """Give the events of a file written before the feed their positions, in the order of
    their times (a table rebuild: SQLite adds no constrained column to a table)."""
    if _has_positions(db):
        return
    with _Transaction(db):
        if _has_positions(db):  # another process did it while this one waited
            return
        table = SCHEMA[SCHEMA.index("CREATE TABLE IF NOT EXISTS complaint_events"):
                       SCHEMA.index("CREATE TRIGGER")]
        db.execute(table.replace("IF NOT EXISTS complaint_events", "complaint_events_new"))
        db.execute(
            "INSERT INTO complaint_events_new (complaint_id, seq, type, at, event, digest, "
            "position) SELECT complaint_id, seq, type, at, event, digest, "
            "row_number() OVER (ORDER BY at, complaint_id, seq) FROM complaint_events")
        db.execute("DROP TABLE complaint_events")  # and its triggers
        db.execute("ALTER TABLE complaint_events_new RENAME TO complaint_events")
        for trigger in SCHEMA[SCHEMA.index("CREATE TRIGGER"):].split("END;")[:-1]:
            db.execute(trigger + "END;")


def _has_positions(db: sqlite3.Connection) -> bool:
    return "position" in {row[1] for row in db.execute("PRAGMA table_info(complaint_events)")}


class _Connections:
    """A store's connections: one per thread for a file, opened on first use; for an
    in-memory database, one, which threads take turns on (each would otherwise get a
    database of its own)."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], *, shared: bool) -> None:
        self._connect = connect
        self._shared = shared
        self._lock = threading.RLock()
        self._open: dict[int, sqlite3.Connection] = {}  # thread id (0 when shared)
        self._closed = False

    @contextmanager
    def __call__(self) -> Iterator[sqlite3.Connection]:
        if self._shared:
            with self._lock:
                yield self._mine(0)
        else:
            yield self._mine(threading.get_ident())

    def _mine(self, key: int) -> sqlite3.Connection:
        db = self._open.get(key)
        if db is None:
            with self._lock:
                if self._closed:
                    raise StoreError("the SQLite store is closed")
                self._close_dead_threads()
                db = self._open[key] = self._connect()
        return db

    def _close_dead_threads(self) -> None:
        if self._shared:
            return
        alive = {thread.ident for thread in threading.enumerate()}
        for key in [key for key in self._open if key not in alive]:
            self._open.pop(key).close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            while self._open:
                self._open.popitem()[1].close()


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any error.

    IMMEDIATE takes the write lock first, so two writers queue instead of deadlocking on
    a read lock that each would have to upgrade.
    """

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            try:
                self._db.execute("COMMIT")
                return
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        if self._db.in_transaction:  # some errors end the transaction themselves
            self._db.execute("ROLLBACK")


__all__ = ["SCHEMA", "SQLiteStore"]
