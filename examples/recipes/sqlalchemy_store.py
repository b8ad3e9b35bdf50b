"""Complaints in your own tables with SQLAlchemy 2: a ComplaintStore, on SQLite or PostgreSQL.

``version_id_col`` is the revision check, done by SQLAlchemy: its counter is turned off
(``version_id_generator=False``) and the column set to the complaint's revision, so the
``UPDATE`` says ``WHERE revision = <the revision loaded>``; when another worker saved
first it matches no row and SQLAlchemy raises ``StaleDataError``, which ``save`` reports
as a ConcurrencyConflict. Every call runs in a session of its own, begun and ended by
``sessions.begin()``: a failed attempt is rolled back with its session, and the next
attempt (``complaintflow.stores.handle`` retries) starts clean.

    store = SQLAlchemyStore(create_engine("postgresql+psycopg://app@db/complaints"))
    store.create_tables()  # or your migrations
    handle(store, "CMP-7", HearConcern(text="Payroll won't run."), at=clock)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Engine, ForeignKey, String, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from complaintflow import Complaint, InvalidValueError, dump, dump_events, load, load_event
from complaintflow.events import AnyEvent, Event
from complaintflow.stores import ComplaintExists, ComplaintNotFound, ConcurrencyConflict


class Base(DeclarativeBase):
    pass


class ComplaintRow(Base):
    """The latest snapshot of a complaint, as ``dump`` gives it (with its head and digest)."""

    __tablename__ = "complaints"
    complaint_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger)
    seq: Mapped[int] = mapped_column(BigInteger)
    stage: Mapped[str] = mapped_column(String(32), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    __mapper_args__ = {"version_id_col": revision,  # noqa: RUF012  (SQLAlchemy's own)
                       "version_id_generator": False}


class EventRow(Base):
    """One event, as ``dump_events`` gives it (with its digest). Append only."""

    __tablename__ = "complaint_events"
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaints.complaint_id"),
                                              primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    event: Mapped[dict[str, Any]] = mapped_column(JSON)


class SQLAlchemyStore:
    """A :class:`complaintflow.stores.ComplaintStore` on the two tables above."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def create_tables(self) -> None:
        Base.metadata.create_all(self.engine)

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        _check_continues(complaint, events, 0)
        log = dump_events(events)
        try:
            with self.sessions.begin() as session:
                session.add(ComplaintRow(
                    complaint_id=complaint.complaint_id, revision=complaint.revision,
                    seq=complaint.seq, stage=complaint.stage.value,
                    updated_at=complaint.updated_at,
                    snapshot=dump(complaint, head=log[-1]["digest"])))
                session.flush()  # the complaint's row before its events'
                session.add_all(_rows(complaint.complaint_id, events, log))
        except IntegrityError:
            raise ComplaintExists(complaint.complaint_id) from None

    def get(self, complaint_id: str) -> Complaint:
        with self.sessions() as session:
            row = session.get(ComplaintRow, complaint_id)
            if row is None:
                raise ComplaintNotFound(complaint_id)
            return load(row.snapshot)  # checks the snapshot against its digest

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        try:
            with self.sessions.begin() as session:
                row = session.get(ComplaintRow, complaint.complaint_id)
                if row is None:
                    raise ComplaintNotFound(complaint.complaint_id)
                if row.revision != expected_revision:
                    raise ConcurrencyConflict(complaint.complaint_id, expected_revision,
                                              row.revision)
                _check_continues(complaint, events, row.seq)
                head = row.snapshot["head"]
                log = dump_events(events, previous=head)  # chained to the stored log
                row.snapshot = dump(complaint, head=log[-1]["digest"] if log else head)
                row.revision = complaint.revision  # UPDATE ... WHERE revision = <loaded>
                row.seq, row.stage = complaint.seq, complaint.stage.value
                row.updated_at = complaint.updated_at
                session.flush()  # the guarded UPDATE first: StaleDataError if it lost
                session.add_all(_rows(complaint.complaint_id, events, log))
        except (StaleDataError, IntegrityError):  # another worker saved, or appended, first
            raise ConcurrencyConflict(complaint.complaint_id, expected_revision,
                                      self.get(complaint.complaint_id).revision) from None

    def events(self, complaint_id: str, *, after: int = 0) -> tuple[AnyEvent, ...]:
        with self.sessions() as session:
            rows = session.query(EventRow.event).filter(
                EventRow.complaint_id == complaint_id, EventRow.seq > after,
            ).order_by(EventRow.seq).all()
            if not rows and session.get(ComplaintRow, complaint_id) is None:
                raise ComplaintNotFound(complaint_id)
        return tuple(load_event(data) for (data,) in rows)


def _rows(complaint_id: str, events: Sequence[Event],
          log: list[dict[str, Any]]) -> list[EventRow]:
    return [EventRow(complaint_id=complaint_id, seq=e.seq, type=e.type, at=e.at, event=data)
            for e, data in zip(events, log, strict=True)]


def _check_continues(complaint: Complaint, events: Sequence[Event], stored_seq: int) -> None:
    """Refuse events that do not carry the stored log on to the complaint's seq."""
    if [e.seq for e in events] != list(range(stored_seq + 1, complaint.seq + 1)):
        raise InvalidValueError("the events do not continue the stored log", argument="events")


def sqlite_engine(url: str) -> Engine:
    """An engine for a SQLite file whose transactions take the write lock at BEGIN
    (``BEGIN IMMEDIATE``), so that two writers queue instead of failing when one's read
    lock cannot be upgraded; WAL mode lets readers and a writer work at once."""
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy says when transactions begin
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def open_store(url: str) -> SQLAlchemyStore:
    """The store at ``url``: ``sqlite:///path`` or ``postgresql+psycopg://...``."""
    engine = sqlite_engine(url) if url.startswith("sqlite") else create_engine(url)
    return SQLAlchemyStore(engine)
