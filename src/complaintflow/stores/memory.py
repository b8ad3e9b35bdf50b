"""A complaint store in a dictionary: for tests, examples and single-process tools.

It keeps JSON snapshots and events, as a database would, so that what works against it
works against a real store; it is not shared between processes and not durable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from .._core.complaint import Applied, Complaint
from .._formats.snapshot import dump, dump_event, load, load_event
from .._values.errors import ComplaintExists, ComplaintNotFound, ConcurrencyConflict
from ..commands import Command
from ..events import AnyEvent, Event
from ._store import check_continues, handle


class MemoryStore:
    """Complaints in memory, with the same contract as the SQLite store."""

    def __init__(self) -> None:
        self._snapshots: dict[str, dict[str, Any]] = {}
        self._events: dict[str, list[dict[str, Any]]] = {}

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        """Store a new complaint and the events that opened it."""
        check_continues(complaint, events, 0)
        if complaint.complaint_id in self._snapshots:
            raise ComplaintExists(complaint.complaint_id)
        self._events[complaint.complaint_id] = [dump_event(event) for event in events]
        self._snapshots[complaint.complaint_id] = dump(complaint)

    def get(self, complaint_id: str) -> Complaint:
        """The stored complaint; raises :class:`~complaintflow.stores.ComplaintNotFound`."""
        if complaint_id not in self._snapshots:
            raise ComplaintNotFound(complaint_id)
        return load(self._snapshots[complaint_id])

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        """Store the next state and append its events, if nobody saved in between."""
        stored = self._snapshots.get(complaint.complaint_id)
        if stored is None:
            raise ComplaintNotFound(complaint.complaint_id)
        if stored["revision"] != expected_revision:
            raise ConcurrencyConflict(complaint.complaint_id, expected_revision,
                                      stored["revision"])
        check_continues(complaint, events, stored["seq"])
        appended = [dump_event(event) for event in events]  # all of it before any change
        self._snapshots[complaint.complaint_id] = dump(complaint)
        self._events[complaint.complaint_id] += appended

    def events(self, complaint_id: str, *, after: int = 0) -> tuple[AnyEvent, ...]:
        """The complaint's events with ``seq`` above ``after``, in order."""
        start = max(after, 0)  # seq n is at index n - 1
        return tuple(load_event(data) for data in self._events.get(complaint_id, ())[start:])

    def handle(self, complaint_id: str, command: Command, *,
               at: datetime | Callable[[], datetime], retries: int = 5) -> Applied:
        """Load, apply and save, retrying on conflicts; see :func:`complaintflow.stores.handle`."""
        return handle(self, complaint_id, command, at=at, retries=retries)


__all__ = ["MemoryStore"]
