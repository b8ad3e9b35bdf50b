"""An embedded complaint store on the standard library's ``sqlite3``, in WAL mode.

One file holds two tables: ``complaints`` (the latest snapshot of each complaint, with its
revision) and ``complaint_events`` (every event, append-only: triggers refuse updates and
deletes). ``save`` updates the snapshot ``WHERE revision = :expected`` and appends the
events in the same transaction, so a complaint and its log never disagree.

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
from .._formats.json_value import JsonValue
from .._formats.snapshot import dump, dump_event, load, load_event
from .._values.errors import ComplaintExists, ComplaintNotFound, ConcurrencyConflict, StoreError
from ..commands import Command
from ..events import AnyEvent, Event
from ._store import check_continues, handle

SCHEMA = """
CREATE TABLE IF NOT EXISTS complaints (
    complaint_id TEXT PRIMARY KEY,
    revision     INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    stage        TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    snapshot     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS complaint_events (
    complaint_id TEXT NOT NULL REFERENCES complaints (complaint_id),
    seq          INTEGER NOT NULL,
    type         TEXT NOT NULL,
    at           TEXT NOT NULL,
    event        TEXT NOT NULL,
    PRIMARY KEY (complaint_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS complaint_events_no_update BEFORE UPDATE ON complaint_events
BEGIN SELECT RAISE(ABORT, 'complaint_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS complaint_events_no_delete BEFORE DELETE ON complaint_events
BEGIN SELECT RAISE(ABORT, 'complaint_events is append-only'); END;
"""
"""The tables, created when a store opens a file without them."""


class SQLiteStore:
    """Complaints in one SQLite file (``":memory:"`` for a private, throwaway store).

    ``busy_timeout`` is how long a writer waits for another writer's transaction, in
    seconds. Use it as a context manager, or call
    :meth:`~complaintflow.stores.sqlite.SQLiteStore.close`.
    """

    def __init__(self, path: str | PathLike[str], *, busy_timeout: float = 10.0):
        try:
            self._db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")  # durable at each WAL checkpoint
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.executescript(SCHEMA)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the SQLite store {str(path)!r}: {error}") from None

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
        with self._write():
            try:
                self._db.execute(
                    "INSERT INTO complaints VALUES (?, ?, ?, ?, ?, ?)",
                    (complaint.complaint_id, *self._row(complaint)))
            except sqlite3.IntegrityError:
                raise ComplaintExists(complaint.complaint_id) from None
            self._append(complaint.complaint_id, events)

    def get(self, complaint_id: str) -> Complaint:
        """The stored complaint; raises :class:`~complaintflow.stores.ComplaintNotFound`."""
        row = self._db.execute("SELECT snapshot FROM complaints WHERE complaint_id = ?",
                               (complaint_id,)).fetchone()
        if row is None:
            raise ComplaintNotFound(complaint_id)
        return load(json.loads(row[0]))

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        """Store the next state and append its events, if nobody saved in between."""
        with self._write():
            row = self._db.execute(
                "SELECT revision, seq FROM complaints WHERE complaint_id = ?",
                (complaint.complaint_id,)).fetchone()
            if row is None:
                raise ComplaintNotFound(complaint.complaint_id)
            revision, seq = row
            if revision != expected_revision:
                raise ConcurrencyConflict(complaint.complaint_id, expected_revision, revision)
            check_continues(complaint, events, seq)
            self._db.execute(
                "UPDATE complaints SET revision = ?, seq = ?, stage = ?, updated_at = ?, "
                "snapshot = ? WHERE complaint_id = ? AND revision = ?",
                (*self._row(complaint), complaint.complaint_id, expected_revision))
            self._append(complaint.complaint_id, events)

    def events(self, complaint_id: str, *, after: int = 0) -> tuple[AnyEvent, ...]:
        """The complaint's events with ``seq`` above ``after``, in order."""
        rows = self._db.execute(
            "SELECT event FROM complaint_events WHERE complaint_id = ? AND seq > ? "
            "ORDER BY seq", (complaint_id, after)).fetchall()
        return tuple(load_event(json.loads(event)) for (event,) in rows)

    # --- conveniences -----------------------------------------------------------------

    def handle(self, complaint_id: str, command: Command, *,
               at: datetime | Callable[[], datetime], retries: int = 5) -> Applied:
        """Load, apply and save, retrying on conflicts; see :func:`complaintflow.stores.handle`."""
        return handle(self, complaint_id, command, at=at, retries=retries)

    def export(self) -> Iterator[dict[str, JsonValue]]:
        """Every stored event, complaint by complaint in ``seq`` order, each labelled with
        its ``complaint_id``: write one per line for ``complaintflow audit``."""
        rows = self._db.execute("SELECT complaint_id, event FROM complaint_events "
                                "ORDER BY complaint_id, seq")
        for complaint_id, event in rows.fetchall():
            yield dump_event(load_event(json.loads(event)), complaint_id=complaint_id)

    def ids(self) -> list[str]:
        """The ids of every stored complaint, sorted."""
        rows = self._db.execute("SELECT complaint_id FROM complaints ORDER BY complaint_id")
        return [complaint_id for (complaint_id,) in rows]

    # --- internals --------------------------------------------------------------------

    def _write(self) -> _Transaction:
        return _Transaction(self._db)

    @staticmethod
    def _row(complaint: Complaint) -> tuple[int, int, str, str, str]:
        return (complaint.revision, complaint.seq, complaint.stage.value,
                complaint.updated_at.isoformat(),
                json.dumps(dump(complaint), separators=(",", ":")))

    def _append(self, complaint_id: str, events: Sequence[Event]) -> None:
        self._db.executemany(
            "INSERT INTO complaint_events VALUES (?, ?, ?, ?, ?)",
            [(complaint_id, event.seq, event.type, event.at.isoformat(),
              json.dumps(dump_event(event), separators=(",", ":"))) for event in events])


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
