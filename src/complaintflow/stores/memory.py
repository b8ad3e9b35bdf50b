"""A complaint store in a dictionary: for tests, examples and single-process tools.

It keeps what a database would, the snapshot and events as JSON text beside their
digests, and checks them as the SQLite store does, so that what works against it works
against a real store; it is not shared between processes and not durable. Threads may
share it: a lock makes each call one step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from .._core.complaint import Applied, Complaint
from .._formats.integrity import IntegrityKey, Keys
from .._formats.snapshot import load_event
from .._values.errors import ComplaintExists, ComplaintNotFound, ConcurrencyConflict
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


class MemoryStore:
    """Complaints in memory, with the same contract (and feed) as the SQLite store."""

    def __init__(self, *, keys: Sequence[IntegrityKey] = ()) -> None:
        self._keys: Keys = tuple(keys)
        self._snapshots: dict[str, tuple[int, int, str, str]] = {}  # revision, seq, text, digest
        self._events: dict[str, list[EventRecord]] = {}
        self._feed: list[tuple[str, EventRecord]] = []  # position n is at index n - 1
        self._lock = threading.Lock()

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        """Store a new complaint and the events that opened it."""
        check_continues(complaint, events, 0)
        records = event_records(events, None, self._keys)
        with self._lock:
            if complaint.complaint_id in self._snapshots:
                raise ComplaintExists(complaint.complaint_id)
            self._write(complaint, records, [])

    def get(self, complaint_id: str) -> Complaint:
        """The stored complaint, checked against its digests; raises
        :class:`~complaintflow.stores.ComplaintNotFound`."""
        with self._lock:
            stored = self._snapshots.get(complaint_id)
            if stored is None:
                raise ComplaintNotFound(complaint_id)
            log = self._events[complaint_id]
            last = log[-1]
            before_last = log[-2].digest if len(log) > 1 else None
        return read_complaint(complaint_id, stored[2], stored[3], last.digest,
                              (last.text, last.digest), before_last, self._keys)

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        """Store the next state and append its events, if nobody saved in between."""
        with self._lock:  # the check and the write are one step
            stored = self._snapshots.get(complaint.complaint_id)
            if stored is None:
                raise ComplaintNotFound(complaint.complaint_id)
            if stored[0] != expected_revision:
                raise ConcurrencyConflict(complaint.complaint_id, expected_revision, stored[0])
            check_continues(complaint, events, stored[1])
            log = self._events[complaint.complaint_id]
            self._write(complaint, event_records(events, log[-1].digest, self._keys), log)

    def _write(self, complaint: Complaint, records: list[EventRecord],
               log: list[EventRecord]) -> None:
        head = records[-1].digest if records else log[-1].digest
        text, digest = snapshot_record(complaint, head, self._keys)
        self._snapshots[complaint.complaint_id] = (complaint.revision, complaint.seq, text,
                                                   digest)
        self._events[complaint.complaint_id] = [*log, *records]
        self._feed += [(complaint.complaint_id, record) for record in records]

    def events(self, complaint_id: str, *, after: int = 0,
               limit: int | None = None) -> tuple[AnyEvent, ...]:
        """The complaint's events with ``seq`` above ``after``, in order: the first
        ``limit`` of them (all when ``None``)."""
        check_page(after, limit)
        with self._lock:
            if complaint_id not in self._events:
                raise ComplaintNotFound(complaint_id)
            start = max(after, 0)  # seq n is at index n - 1
            end = None if limit is None else start + limit
            page = self._events[complaint_id][start:end]
        return tuple(load_event(event_json(record.text, record.digest)) for record in page)

    def feed(self, *, after: int = 0, limit: int = 1000) -> tuple[FeedItem, ...]:
        """Every complaint's events after position ``after``, in the order they were
        stored: the first ``limit``; see :class:`~complaintflow.stores.EventFeed`."""
        check_page(after, limit)
        start = max(after, 0)
        with self._lock:
            page = self._feed[start:start + limit]
        return tuple(FeedItem(start + offset, complaint_id,
                              load_event(event_json(record.text, record.digest)))
                     for offset, (complaint_id, record) in enumerate(page, start=1))

    def handle(self, complaint_id: str, command: Command, *,
               at: datetime | Callable[[], datetime], retries: int = 32,
               backoff: Backoff | None = DEFAULT_BACKOFF) -> Applied:
        """Load, apply and save, retrying on conflicts; see :func:`complaintflow.stores.handle`."""
        return handle(self, complaint_id, command, at=at, retries=retries, backoff=backoff)


__all__ = ["MemoryStore"]
