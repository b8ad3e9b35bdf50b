"""The store contract, and the load-apply-save loop with optimistic concurrency."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from .._core.complaint import Applied, Complaint
from .._values.errors import ConcurrencyConflict, InvalidValueError
from ..commands import Command
from ..events import AnyEvent, Event, StageChanged


class ComplaintStore(Protocol):
    """What complaintflow needs from a host's storage.

    A store keeps each complaint's latest snapshot with its revision, and an append-only
    log of its events; ``save`` writes both in one transaction, and only if the stored
    revision is still ``expected_revision`` (optimistic concurrency).
    """

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        """Store a new complaint and the events that opened it (seq 1 onwards).

        Raises :class:`~complaintflow.stores.ComplaintExists` when the id is taken.
        """

    def get(self, complaint_id: str) -> Complaint:
        """The stored complaint; raises :class:`~complaintflow.stores.ComplaintNotFound`."""

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        """Store the complaint's next state and append its new events, atomically.

        Raises :class:`~complaintflow.stores.ConcurrencyConflict` when the stored revision
        is no longer ``expected_revision``, and
        :class:`~complaintflow.stores.ComplaintNotFound` when nothing is stored.
        """

    def events(self, complaint_id: str, *, after: int = 0) -> tuple[AnyEvent, ...]:
        """The complaint's events with ``seq`` above ``after``, in order."""


def check_continues(complaint: Complaint, events: Sequence[Event], stored_seq: int) -> None:
    """Refuse events that do not carry the log from ``stored_seq`` to the complaint's seq."""
    seqs = [event.seq for event in events]
    if seqs != list(range(stored_seq + 1, complaint.seq + 1)):
        raise InvalidValueError(
            f"the events must continue the log from seq {stored_seq + 1} to the complaint's "
            f"seq {complaint.seq}; got seqs {seqs}", argument="events")


def handle(store: ComplaintStore, complaint_id: str, command: Command, *,
           at: datetime | Callable[[], datetime], retries: int = 5) -> Applied:
    """Load the complaint, apply ``command`` and save it, retrying on a conflict.

    The stateless worker's whole job in one call. ``at`` is the time of the command, or a
    clock (such as ``lambda: datetime.now(timezone.utc)``) read at each attempt, so that a
    retry after another writer's later change does not go back in time.

    A command whose ``command_id`` the complaint already applied returns the earlier
    outcome: its receipt, and the events it recorded, read back from the store. Raises
    :class:`~complaintflow.CommandRejected` when a rule is broken (nothing is saved), and
    :class:`~complaintflow.stores.ConcurrencyConflict` when other writers won ``retries + 1`` times
    in a row.
    """
    conflicts = 0
    while True:
        complaint = store.get(complaint_id)
        applied = complaint.apply(command, at=at if isinstance(at, datetime) else at())
        if applied.duplicate is not None:
            return Applied(complaint, _recorded(store, complaint_id, applied.duplicate.seq),
                           applied.duplicate)
        try:
            store.save(applied.complaint, applied.events, expected_revision=complaint.revision)
        except ConcurrencyConflict:
            conflicts += 1
            if conflicts > retries:
                raise
            continue
        return applied


def _recorded(store: ComplaintStore, complaint_id: str, seq: int) -> tuple[AnyEvent, ...]:
    """The events one command recorded: its event at ``seq`` and the stage changes after."""
    recorded: list[AnyEvent] = []
    for event in store.events(complaint_id, after=seq - 1):
        if recorded and type(event) is not StageChanged:
            break
        recorded.append(event)
    return tuple(recorded)
