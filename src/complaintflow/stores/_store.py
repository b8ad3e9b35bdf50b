"""The store contract, and the load-apply-save loop with optimistic concurrency."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from attrs import field, frozen

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
        """The complaint's events with ``seq`` above ``after``, in order; raises
        :class:`~complaintflow.stores.ComplaintNotFound` for a complaint not stored.
        (The shipped stores also take a ``limit``.)"""


@frozen
class FeedItem:
    """One event of a store's feed: its ``position`` in the feed, its complaint, the event
    (with its digest, as :func:`~complaintflow.dump_event` would write it)."""

    position: int
    complaint_id: str
    event: AnyEvent


@runtime_checkable
class EventFeed(Protocol):
    """A store whose events can be followed across complaints, in one order.

    Every event gets a ``position`` when it is stored: 1, 2, 3, ... without gaps, in the
    order the events were committed. A reader that has seen position ``p`` will never later
    see an event at ``p`` or before it appear (no event commits out of order), so a
    projection, a search index or a warehouse follows the store by asking, again and again,
    for the events after the last position it processed, and misses none.
    """

    def feed(self, *, after: int = 0, limit: int = 1000) -> tuple[FeedItem, ...]:
        """The events at positions above ``after``, in position order: the first
        ``limit`` of them."""


def check_page(after: int, limit: int | None) -> None:
    """Refuse a page that is not one: ``after`` must be a whole number, ``limit`` a
    positive one (or ``None``, where allowed)."""
    if isinstance(after, bool) or not isinstance(after, int):
        raise InvalidValueError("after must be a whole number", argument="after")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                              or limit < 1):
        raise InvalidValueError("limit must be a positive whole number", argument="limit")


def check_continues(complaint: Complaint, events: Sequence[Event], stored_seq: int) -> None:
    """Refuse events that do not carry the log from ``stored_seq`` to the complaint's seq."""
    seqs = [event.seq for event in events]
    if seqs != list(range(stored_seq + 1, complaint.seq + 1)):
        raise InvalidValueError(
            f"the events must continue the log from seq {stored_seq + 1} to the complaint's "
            f"seq {complaint.seq}; got seqs {seqs}", argument="events")


def _positive(_: object, attribute: object, value: float) -> None:
    if not value > 0:
        raise InvalidValueError("the backoff's times and factor must be positive",
                                argument="backoff")


@frozen
class Backoff:
    """How long :func:`handle` waits after a conflict before it loads the complaint again:
    exponential, with full jitter.

    After the ``n``-th conflict in a row it sleeps a random time between 0 and
    ``min(cap, first * factor ** (n - 1))`` seconds, so that writers that collided spread
    out instead of colliding again in step. Times are in seconds.
    """

    first: float = field(default=0.002, validator=_positive)
    factor: float = field(default=2.0, validator=_positive)
    cap: float = field(default=0.25, validator=_positive)

    def delay(self, conflicts: int, draw: Callable[[], float] = random.random) -> float:
        """The wait after the ``conflicts``-th conflict in a row; ``draw`` gives a
        uniform number in [0, 1)."""
        return draw() * min(self.cap, self.first * self.factor ** min(conflicts - 1, 64))


DEFAULT_BACKOFF = Backoff()


def handle(store: ComplaintStore, complaint_id: str, command: Command, *,
           at: datetime | Callable[[], datetime], retries: int = 32,
           backoff: Backoff | None = DEFAULT_BACKOFF) -> Applied:
    """Load the complaint, apply ``command`` and save it, retrying on a conflict.

    The stateless worker's whole job in one call. ``at`` is the time of the command, or a
    clock (such as ``lambda: datetime.now(timezone.utc)``) read at each attempt, so that a
    retry after another writer's later change does not go back in time.

    After a conflict it waits as ``backoff`` says (exponential, with jitter; ``None``
    retries at once) and tries again, up to ``retries`` times. With the defaults the waits
    add up to at most 6.5 s (half that on average) before it gives up; in the project's
    contention benchmark (four processes writing to one complaint, on SQLite and on
    PostgreSQL) no command gave up.

    A command whose ``command_id`` the complaint already applied returns the earlier
    outcome: its receipt, and the events it recorded, read back from the store. Raises
    :class:`~complaintflow.CommandRejected` when a rule is broken (nothing is saved), and
    :class:`~complaintflow.stores.ConcurrencyConflict` when other writers won
    ``retries + 1`` times in a row.
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
            if backoff is not None:
                time.sleep(backoff.delay(conflicts))
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
