"""A complaint store on PostgreSQL, through psycopg 3 (``pip install 'complaintflow[postgres]'``).

The schema ``complaintflow`` holds two tables, as in the SQLite store: ``complaints`` (the
latest snapshot of each complaint, its revision, its digest and the head of its log) and
``complaint_events`` (every event with its digest and its position in the feed).
Triggers make the events table append-only for every role, its owner and superusers
included; an event trigger refuses the DDL that would switch them off. The DDL ships in
the package (:data:`SQL_FILES`); :meth:`PostgresStore.create_schema` runs it.

A save is one statement: the ``UPDATE`` of the snapshot, guarded by the revision, and the
``INSERT`` of the events, which happens only if the update did; the snapshot and the
events are serialised, and their digests chained, before it is sent. Two writers of one
complaint queue on its row, and the second finds the revision moved on: a
:class:`~complaintflow.stores.ConcurrencyConflict`, as is any unique violation of the
events' key. Connections run at ``READ COMMITTED`` whatever the server's default.

One :class:`PostgresStore` may be shared by threads: each thread gets its own connection,
or, with ``pool=N``, borrows one of a ``psycopg_pool.ConnectionPool`` of at most ``N``.
Every failure of the database is raised as a :class:`~complaintflow.stores.StoreError`
(its message is the server's, without the data it may quote).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from importlib.resources import files
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from .._core.complaint import Applied, Complaint
from .._formats.integrity import IntegrityKey, Keys
from .._formats.json_value import JsonValue
from .._formats.snapshot import load_event
from .._values.checks import shown
from .._values.errors import (
    ComplaintExists,
    ComplaintNotFound,
    ConcurrencyConflict,
    InvalidValueError,
    StoreError,
)
from ..commands import Command
from ..events import AnyEvent, Event
from ._records import EventRecord, event_json, event_records, read_complaint, snapshot_record
from ._store import (
    DEFAULT_BACKOFF,
    Backoff,
    FeedItem,
    check_continues,
    check_page,
    handle,
)

try:
    import psycopg
    from psycopg import errors as pg_errors
except ImportError as missing:  # pragma: no cover  (the tests install the extra)
    raise ImportError("complaintflow.stores.postgres needs psycopg 3: pip install "
                      "'complaintflow[postgres]'") from missing

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

SQL_FILES = ("postgres-roles.sql", "postgres-schema.sql", "postgres-guard.sql")
"""The DDL, in the order it runs, shipped in ``complaintflow/stores/sql/``: the roles and
the schema (as a superuser), the tables, triggers and grants (as ``complaintflow_owner``),
and the guard against DDL (as a superuser)."""


def sql_text(name: str) -> str:
    """The text of one of :data:`SQL_FILES`."""
    if name not in SQL_FILES:
        raise InvalidValueError(f"no SQL file {shown(name)}; the files are "
                                f"{', '.join(SQL_FILES)}", argument="name")
    return (files("complaintflow.stores") / "sql" / name).read_text(encoding="utf-8")


_EVENTS = ("unnest(%s::bigint[], %s::text[], %s::timestamptz[], %s::json[], %s::text[]) "
           "AS e (seq, type, at, event, digest)")

_ADD = (
    "WITH added AS (INSERT INTO complaintflow.complaints (complaint_id, revision, seq, "
    "stage, updated_at, snapshot, digest, head) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "RETURNING complaint_id) "
    "INSERT INTO complaintflow.complaint_events (complaint_id, seq, type, at, event, digest) "
    f"SELECT added.complaint_id, e.seq, e.type, e.at, e.event, e.digest FROM added, {_EVENTS} "
    "ORDER BY e.seq")

_SAVE = (
    "WITH saved AS (UPDATE complaintflow.complaints SET revision = %s, seq = %s, stage = %s, "
    "updated_at = %s, snapshot = %s, digest = %s, head = %s WHERE complaint_id = %s AND "
    "revision = %s AND seq = %s AND head = %s RETURNING complaint_id) "
    "INSERT INTO complaintflow.complaint_events (complaint_id, seq, type, at, event, digest) "
    f"SELECT saved.complaint_id, e.seq, e.type, e.at, e.event, e.digest FROM saved, {_EVENTS} "
    "ORDER BY e.seq")
"""One statement, so one round trip and one transaction: the events are inserted only if
the guarded UPDATE matched (its row lock held, and the feed's lock taken, until the end)."""

_GET = (
    "SELECT c.snapshot::text, c.digest, c.head, e.event::text, e.digest "
    "FROM complaintflow.complaints c LEFT JOIN complaintflow.complaint_events e "
    "ON e.complaint_id = c.complaint_id AND e.seq >= c.seq - 1 "
    "WHERE c.complaint_id = %s ORDER BY e.seq DESC")

_PAGE = 1_000
"""How many events ``export`` reads at a time."""

_KNOWN_LIMIT = 10_000


class _Known(NamedTuple):
    """The stored revision, seq and head a save expects to find."""

    revision: int
    seq: int
    head: str


class PostgresStore:
    """Complaints in PostgreSQL, at ``conninfo`` (a libpq connection string or URL).

    Connect as ``complaintflow_app`` (see ``docs/howto/persist.md``), never as a
    superuser. ``pool``: share a ``psycopg_pool.ConnectionPool`` of at most that many
    connections between the threads that use the store (``None``: a connection per
    thread). ``keys`` make the digest chain keyed (HMAC): the first signs, all verify.
    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, conninfo: str, *, pool: int | None = None,
                 keys: Sequence[IntegrityKey] = ()) -> None:
        self._conninfo = conninfo
        self._keys: Keys = tuple(keys)
        self._known: dict[str, _Known] = {}
        self._lock = threading.Lock()
        self._mine: dict[int, psycopg.Connection[Any]] = {}
        self._closed = False
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None
        if pool is not None:
            if isinstance(pool, bool) or not isinstance(pool, int) or pool < 1:
                raise InvalidValueError("pool must be a positive number of connections, or "
                                        "None", argument="pool")
            from psycopg_pool import ConnectionPool

            self._pool = ConnectionPool(conninfo, min_size=1, max_size=pool,
                                        kwargs={"autocommit": True}, configure=_configure,
                                        open=False)
        with self._db():  # connect now: a wrong conninfo fails here, not at first use
            pass

    def close(self) -> None:
        """Close every connection (or the pool); the store cannot be used afterwards."""
        with self._lock:
            self._closed = True
            while self._mine:
                self._mine.popitem()[1].close()
            if self._pool is not None:
                self._pool.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    # --- the schema -------------------------------------------------------------------

    def create_schema(self) -> None:
        """Create what is missing of the schema, in one transaction; idempotent (run it
        at each deployment), and safe against a second process running it at once.

        Connected as a superuser, it runs the three :data:`SQL_FILES`: the roles
        ``complaintflow_owner``, ``complaintflow_app`` and ``complaintflow_reader``, the
        schema ``complaintflow`` owned by the owner; then, as the owner, the tables,
        triggers and grants; then the guard. Connected as another role, it runs only the
        second file: as ``complaintflow_owner`` if it is a member, else as itself (one
        role for everything, on a database of your own)."""
        with self._db() as db, db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(hashtext('complaintflow.create_schema'))")
            superuser = _scalar(db, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if superuser:
                db.execute(sql_text("postgres-roles.sql"))
            owner = _scalar(db, "SELECT oid FROM pg_roles WHERE rolname = 'complaintflow_owner'")
            member = owner is not None and _scalar(
                db, "SELECT pg_has_role(current_user, 'complaintflow_owner', 'MEMBER')")
            if member:
                db.execute("SET LOCAL ROLE complaintflow_owner")
            db.execute(sql_text("postgres-schema.sql"))
            if member:
                db.execute("RESET ROLE")
            if superuser:
                db.execute(sql_text("postgres-guard.sql"))

    # --- the store contract -----------------------------------------------------------

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        """Store a new complaint and the events that opened it."""
        check_continues(complaint, events, 0)
        records = event_records(events, None, self._keys)
        head = records[-1].digest
        text, digest = snapshot_record(complaint, head, self._keys)
        try:
            with self._db() as db:
                db.execute(_ADD, (complaint.complaint_id, complaint.revision, complaint.seq,
                                  complaint.stage.value, complaint.updated_at, text, digest,
                                  head, *_columns(records)))
        except StoreError as error:
            if _constraint(error) == "complaints_pkey":
                raise ComplaintExists(complaint.complaint_id) from None
            raise
        self._remember(complaint.complaint_id, _Known(complaint.revision, complaint.seq, head))

    def get(self, complaint_id: str) -> Complaint:
        """The stored complaint, after checking it and its last event against their
        digests; raises :class:`~complaintflow.stores.ComplaintNotFound`, and
        :class:`~complaintflow.SnapshotError` for a row changed by hand."""
        with self._db() as db:  # one statement: one consistent read of both tables
            rows = db.execute(_GET, (complaint_id,)).fetchall()
        if not rows:
            raise ComplaintNotFound(complaint_id)
        text, digest, head, last_text, last_digest = rows[0]
        last = (last_text, last_digest) if last_text is not None else None
        before_last = rows[1][4] if len(rows) > 1 else None
        complaint = read_complaint(complaint_id, text, digest, head, last, before_last,
                                   self._keys)
        self._remember(complaint_id, _Known(complaint.revision, complaint.seq, head))
        return complaint

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        """Store the next state and append its events, if nobody saved in between.

        The records are made first, chained to the head this store last read; one
        statement updates the snapshot if the revision, the seq and the head are still
        those, and appends the events only if it did."""
        complaint_id = complaint.complaint_id
        known = self._known.get(complaint_id)
        if known is None or known.revision != expected_revision:
            known = self._current(complaint_id, expected_revision)
        for _attempt in range(2):  # a stale guess of the head is made again once
            check_continues(complaint, events, known.seq)
            records = event_records(events, known.head, self._keys)
            new_head = records[-1].digest if records else known.head
            text, digest = snapshot_record(complaint, new_head, self._keys)
            if self._write(complaint, expected_revision, known, records, text, digest):
                self._remember(complaint_id, _Known(complaint.revision, complaint.seq,
                                                    new_head))
                return
            known = self._current(complaint_id, expected_revision)
        raise ConcurrencyConflict(complaint_id, expected_revision, known.revision)

    def events(self, complaint_id: str, *, after: int = 0,
               limit: int | None = None) -> tuple[AnyEvent, ...]:
        """The complaint's events with ``seq`` above ``after``, in order: the first
        ``limit`` of them (all when ``None``); raises
        :class:`~complaintflow.stores.ComplaintNotFound` for a complaint not stored."""
        check_page(after, limit)
        with self._db() as db:
            rows = db.execute(
                "SELECT event::text, digest FROM complaintflow.complaint_events "
                "WHERE complaint_id = %s AND seq > %s ORDER BY seq LIMIT %s",
                (complaint_id, after, limit)).fetchall()
            if not rows and db.execute("SELECT FROM complaintflow.complaints "
                                       "WHERE complaint_id = %s",
                                       (complaint_id,)).fetchone() is None:
                raise ComplaintNotFound(complaint_id)
        return tuple(load_event(event_json(event, digest)) for event, digest in rows)

    def feed(self, *, after: int = 0, limit: int = 1000) -> tuple[FeedItem, ...]:
        """Every complaint's events after position ``after``, in the order they were
        committed: the first ``limit``; see :class:`~complaintflow.stores.EventFeed`."""
        check_page(after, limit)
        with self._db() as db:
            rows = db.execute(
                "SELECT position, complaint_id, event::text, digest "
                "FROM complaintflow.complaint_events WHERE position > %s "
                "ORDER BY position LIMIT %s", (after, limit)).fetchall()
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
        ``seq`` order, each labelled with its ``complaint_id``, as ``SQLiteStore.export``
        writes them; it streams, a page of events at a time."""
        last: tuple[str, int] = ("", 0)
        while True:
            with self._db() as db:
                rows = db.execute(
                    "SELECT complaint_id, seq, event::text, digest "
                    "FROM complaintflow.complaint_events WHERE (complaint_id, seq) > (%s, %s) "
                    "ORDER BY complaint_id, seq LIMIT %s", (*last, _PAGE)).fetchall()
            for complaint_id, _, event, digest in rows:
                yield event_json(event, digest, complaint_id)
            if len(rows) < _PAGE:
                return
            last = (rows[-1][0], rows[-1][1])

    def ids(self) -> list[str]:
        """The ids of every stored complaint, sorted."""
        with self._db() as db:
            rows = db.execute("SELECT complaint_id FROM complaintflow.complaints "
                              "ORDER BY complaint_id").fetchall()
        return [complaint_id for (complaint_id,) in rows]

    def stored(self, complaint_id: str) -> tuple[dict[str, JsonValue],
                                                 list[dict[str, JsonValue]]]:
        """A complaint's snapshot and events as stored, with their digests, unchecked:
        what :func:`complaintflow.verify` checks."""
        with self._db() as db:
            row = db.execute("SELECT snapshot::text, digest FROM complaintflow.complaints "
                             "WHERE complaint_id = %s", (complaint_id,)).fetchone()
            if row is None:
                raise ComplaintNotFound(complaint_id)
            rows = db.execute("SELECT event::text, digest FROM complaintflow.complaint_events "
                              "WHERE complaint_id = %s ORDER BY seq",
                              (complaint_id,)).fetchall()
        snapshot: dict[str, JsonValue] = json.loads(row[0])
        snapshot["digest"] = row[1]
        return snapshot, [event_json(event, digest) for event, digest in rows]

    # --- internals --------------------------------------------------------------------

    @contextmanager
    def _db(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection for this thread (or from the pool); a failure of the database
        becomes a StoreError, and a broken connection is replaced at the next call."""
        try:
            if self._pool is not None:
                if self._closed:
                    raise StoreError("the PostgreSQL store is closed")
                if self._pool.closed:
                    self._pool.open(wait=True)
                with self._pool.connection() as db:
                    yield db
                return
            db = self._connection()
            try:
                yield db
            finally:
                if db.broken or db.closed:
                    with self._lock:
                        self._mine.pop(threading.get_ident(), None)
        except psycopg.Error as error:
            raise _store_error(error) from error

    def _connection(self) -> psycopg.Connection[Any]:
        key = threading.get_ident()
        db = self._mine.get(key)
        if db is None:
            with self._lock:
                if self._closed:
                    raise StoreError("the PostgreSQL store is closed")
                alive = {thread.ident for thread in threading.enumerate()}
                for gone in [k for k in self._mine if k not in alive]:
                    self._mine.pop(gone).close()
            db = psycopg.connect(self._conninfo, autocommit=True)
            _configure(db)
            with self._lock:
                if self._closed:
                    db.close()
                    raise StoreError("the PostgreSQL store is closed")
                self._mine[key] = db
        return db

    def _remember(self, complaint_id: str, known: _Known) -> None:
        if len(self._known) >= _KNOWN_LIMIT:
            self._known.clear()
        self._known[complaint_id] = known

    def _current(self, complaint_id: str, expected_revision: int) -> _Known:
        """The stored revision, seq and head; a conflict or a missing complaint is
        raised at once."""
        with self._db() as db:
            row = db.execute("SELECT revision, seq, head FROM complaintflow.complaints "
                             "WHERE complaint_id = %s", (complaint_id,)).fetchone()
        if row is None:
            raise ComplaintNotFound(complaint_id)
        if row[0] != expected_revision:
            raise ConcurrencyConflict(complaint_id, expected_revision, row[0])
        return _Known(*row)

    def _write(self, complaint: Complaint, expected_revision: int, known: _Known,
               records: list[EventRecord], text: str, digest: str) -> bool:
        """The guarded UPDATE and the INSERT of the events, in one statement; whether the
        row was still at ``known``."""
        snapshot = (complaint.revision, complaint.seq, complaint.stage.value,
                    complaint.updated_at, text, digest,
                    records[-1].digest if records else known.head)
        guard = (complaint.complaint_id, expected_revision, known.seq, known.head)
        try:
            with self._db() as db:
                if not records:
                    return db.execute(
                        "UPDATE complaintflow.complaints SET revision = %s, seq = %s, "
                        "stage = %s, updated_at = %s, snapshot = %s, digest = %s, head = %s "
                        "WHERE complaint_id = %s AND revision = %s AND seq = %s AND head = %s",
                        (*snapshot, *guard)).rowcount == 1
                return db.execute(_SAVE, (*snapshot, *guard, *_columns(records))).rowcount > 0
        except StoreError as error:
            cause = error.__cause__
            if (_constraint(error) == "complaint_events_pkey"
                    or isinstance(cause, pg_errors.SerializationFailure
                                  | pg_errors.DeadlockDetected)):
                # another writer appended these seqs, unguarded, or the server chose us
                actual = self._current_revision(complaint.complaint_id)
                raise ConcurrencyConflict(complaint.complaint_id, expected_revision,
                                          actual) from None
            raise

    def _current_revision(self, complaint_id: str) -> int:
        with self._db() as db:
            row = db.execute("SELECT revision FROM complaintflow.complaints "
                             "WHERE complaint_id = %s", (complaint_id,)).fetchone()
        return -1 if row is None else int(row[0])


def _configure(db: psycopg.Connection[Any]) -> None:
    """READ COMMITTED whatever the server's or the role's default: at REPEATABLE READ a
    queued writer would fail with a serialization error instead of seeing the revision
    move on."""
    db.isolation_level = psycopg.IsolationLevel.READ_COMMITTED


def _columns(records: Sequence[EventRecord]) -> tuple[list[Any], ...]:
    return ([r.seq for r in records], [r.type for r in records], [r.at for r in records],
            [r.text for r in records], [r.digest for r in records])


def _scalar(db: psycopg.Connection[Any], query: str) -> Any:
    row = db.execute(query).fetchone()
    return None if row is None else row[0]


def _constraint(error: StoreError) -> str | None:
    cause = error.__cause__
    if isinstance(cause, pg_errors.UniqueViolation):
        return cause.diag.constraint_name
    return None


def _store_error(error: psycopg.Error) -> StoreError:
    """The error as a StoreError: the server's message and code, not its detail or
    context, which may quote the data (a complaint's personal data among them)."""
    lines = str(error).splitlines()
    message = error.diag.message_primary or (lines[0] if lines else "")
    code = f" [{error.sqlstate}]" if error.sqlstate else ""
    return StoreError(f"PostgreSQL: {type(error).__name__}{code}: {message}")


__all__ = ["SQL_FILES", "PostgresStore", "sql_text"]
