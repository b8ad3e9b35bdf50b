"""An embedded complaint store on the standard library's ``sqlite3``, in WAL mode.

One file holds two tables: ``complaints`` (the latest snapshot of each complaint, with its
revision, its digest and the head of its log) and ``complaint_events`` (every event with
its digest, append-only: triggers refuse updates and deletes). ``save`` updates the
snapshot ``WHERE revision = :expected`` and appends the events in the same transaction, so
a complaint and its log never disagree. ``get`` checks the snapshot and the last event
against their digests, so a row changed by hand is refused rather than believed.

Open one :class:`SQLiteStore` per thread or process; they may share the file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from os import PathLike
from types import TracebackType

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
from ._store import DEFAULT_BACKOFF, Backoff, check_continues, handle

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
    PRIMARY KEY (complaint_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS complaint_events_no_update BEFORE UPDATE ON complaint_events
BEGIN SELECT RAISE(ABORT, 'complaint_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS complaint_events_no_delete BEFORE DELETE ON complaint_events
BEGIN SELECT RAISE(ABORT, 'complaint_events is append-only'); END;
"""
"""The tables, created when a store opens a file without them. ``digest`` and ``head``
are null in rows written before digests; the next save of the complaint fills them in."""

_ADDED_COLUMNS = (("complaints", "digest"), ("complaints", "head"),
                  ("complaint_events", "digest"))


class SQLiteStore:
    """Complaints in one SQLite file (``":memory:"`` for a private, throwaway store).

    ``busy_timeout`` is how long a writer waits for another writer's transaction, in
    seconds. ``keys`` make the digest chain keyed (HMAC): the first signs, all verify.
    Use it as a context manager, or call
    :meth:`~complaintflow.stores.sqlite.SQLiteStore.close`.
    """

    def __init__(self, path: str | PathLike[str], *, busy_timeout: float = 10.0,
                 keys: Sequence[IntegrityKey] = ()):
        self._keys: Keys = tuple(keys)
        try:
            self._db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")  # durable at each WAL checkpoint
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.executescript(SCHEMA)
            self._add_columns()
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the SQLite store {str(path)!r}: {error}") from None

    def _add_columns(self) -> None:
        """Bring a file written before digests up to date (its old rows stay as they are)."""
        for table, column in _ADDED_COLUMNS:
            names = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in names:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        self._db.close()

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
        with self._write():
            try:
                self._db.execute(
                    "INSERT INTO complaints VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (complaint.complaint_id, complaint.revision, complaint.seq,
                     complaint.stage.value, complaint.updated_at.isoformat(), text, digest,
                     head))
            except sqlite3.IntegrityError:
                raise ComplaintExists(complaint.complaint_id) from None
            self._append(complaint.complaint_id, records)

    def get(self, complaint_id: str) -> Complaint:
        """The stored complaint, after checking it and its last event against their
        digests; raises :class:`~complaintflow.stores.ComplaintNotFound`, and
        :class:`~complaintflow.SnapshotError` for a row changed by hand."""
        rows = self._db.execute(  # one statement: one consistent read of both tables
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
            before_last = read_log(self._stored(complaint_id)[:-1], self._keys)[1][-1]
        return read_complaint(complaint_id, text, digest, head, last, before_last,
                              self._keys)

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        """Store the next state and append its events, if nobody saved in between."""
        with self._write():
            row = self._db.execute(
                "SELECT revision, seq, head FROM complaints WHERE complaint_id = ?",
                (complaint.complaint_id,)).fetchone()
            if row is None:
                raise ComplaintNotFound(complaint.complaint_id)
            revision, seq, head = row
            if revision != expected_revision:
                raise ConcurrencyConflict(complaint.complaint_id, expected_revision, revision)
            check_continues(complaint, events, seq)
            if head is None:  # written before digests: the chain of its log, once
                head = read_log(self._stored(complaint.complaint_id), self._keys)[1][-1]
            records = event_records(events, head, self._keys)
            new_head = records[-1].digest if records else head
            text, digest = snapshot_record(complaint, new_head, self._keys)
            self._db.execute(
                "UPDATE complaints SET revision = ?, seq = ?, stage = ?, updated_at = ?, "
                "snapshot = ?, digest = ?, head = ? WHERE complaint_id = ? AND revision = ?",
                (complaint.revision, complaint.seq, complaint.stage.value,
                 complaint.updated_at.isoformat(), text, digest, new_head,
                 complaint.complaint_id, expected_revision))
            self._append(complaint.complaint_id, records)

    def events(self, complaint_id: str, *, after: int = 0) -> tuple[AnyEvent, ...]:
        """The complaint's events with ``seq`` above ``after``, in order; raises
        :class:`~complaintflow.stores.ComplaintNotFound` for a complaint not stored."""
        rows = self._db.execute(
            "SELECT event, digest FROM complaint_events WHERE complaint_id = ? AND seq > ? "
            "ORDER BY seq", (complaint_id, after))
        found = tuple(load_event(event_json(event, digest)) for event, digest in rows)
        if not found and self._db.execute("SELECT 1 FROM complaints WHERE complaint_id = ?",
                                          (complaint_id,)).fetchone() is None:
            raise ComplaintNotFound(complaint_id)
        return found

    # --- conveniences -----------------------------------------------------------------

    def handle(self, complaint_id: str, command: Command, *,
               at: datetime | Callable[[], datetime], retries: int = 12,
               backoff: Backoff | None = DEFAULT_BACKOFF) -> Applied:
        """Load, apply and save, retrying on conflicts; see :func:`complaintflow.stores.handle`."""
        return handle(self, complaint_id, command, at=at, retries=retries, backoff=backoff)

    def export(self) -> Iterator[dict[str, JsonValue]]:
        """Every stored event as its JSON, with its digest, complaint by complaint in
        ``seq`` order, each labelled with its ``complaint_id``: write one per line for
        ``complaintflow audit`` or ``complaintflow verify``."""
        rows = self._db.execute("SELECT complaint_id, event, digest FROM complaint_events "
                                "ORDER BY complaint_id, seq")
        for complaint_id, event, digest in rows:
            yield event_json(event, digest, complaint_id)

    def ids(self) -> list[str]:
        """The ids of every stored complaint, sorted."""
        rows = self._db.execute("SELECT complaint_id FROM complaints ORDER BY complaint_id")
        return [complaint_id for (complaint_id,) in rows]

    def stored(self, complaint_id: str) -> tuple[dict[str, JsonValue],
                                                 list[dict[str, JsonValue]]]:
        """A complaint's snapshot and events as stored, with their digests, unchecked:
        what :func:`complaintflow.verify` checks."""
        row = self._db.execute("SELECT snapshot, digest FROM complaints WHERE complaint_id = ?",
                               (complaint_id,)).fetchone()
        if row is None:
            raise ComplaintNotFound(complaint_id)
        snapshot: dict[str, JsonValue] = json.loads(row[0])
        if row[1] is not None:
            snapshot["digest"] = row[1]
        return snapshot, self._stored(complaint_id)

    # --- internals --------------------------------------------------------------------

    def _stored(self, complaint_id: str) -> list[dict[str, JsonValue]]:
        rows = self._db.execute("SELECT event, digest FROM complaint_events "
                                "WHERE complaint_id = ? ORDER BY seq", (complaint_id,))
        return [event_json(event, digest) for event, digest in rows]

    def _write(self) -> _Transaction:
        return _Transaction(self._db)

    def _append(self, complaint_id: str, records: Sequence[EventRecord]) -> None:
        self._db.executemany(
            "INSERT INTO complaint_events VALUES (?, ?, ?, ?, ?, ?)",
            [(complaint_id, r.seq, r.type, r.at, r.text, r.digest) for r in records])


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
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")


__all__ = ["SCHEMA", "SQLiteStore"]
