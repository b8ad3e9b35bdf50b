"""The one checker of event logs: replay, loading and the audit all read a log through it.

A log is read back only if it could have been written: it starts with ``complaint_opened``
(and has no second one), its ``seq`` runs 1, 2, 3, ... without gaps, its times never go
backwards (equal times are fine: one command records several events at once), and its
concern and action ids are those the commands assign, ``K1``, ``K2``, ... and ``A1``,
``A2``, ... in order. Times are brought to UTC, as the library records them; naive times
are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TypeVar, cast

from attrs import evolve

from .._values.checks import utc
from .._values.errors import InvalidValueError
from ..events import ActionPlanned, AnyEvent, ComplaintOpened, ConcernHeard, Event

E = TypeVar("E", bound=Event)

NOT_OPENED = "an event log must start with a complaint_opened event"


class LogReader:
    """Follows one complaint's log from its start, one event at a time."""

    __slots__ = ("actions", "at", "concerns", "count")

    def __init__(self) -> None:
        self.count = 0
        """How many events were read."""
        self.at: datetime | None = None
        self.concerns = 0
        self.actions = 0

    def skip(self) -> None:
        """Count an event that could not be read, so that the next is judged by its own
        position."""
        self.count += 1

    def problems(self, event: Event) -> list[tuple[str, str]]:
        """What is wrong with ``event`` (its time in UTC) as the next event of the log, as
        ``(field, message)`` pairs; none when it could follow the events read so far."""
        expected = self.count + 1
        self.count = expected
        found: list[tuple[str, str]] = []
        kind = type(event)
        if expected == 1:
            if kind is not ComplaintOpened:
                found.append(("type", NOT_OPENED))
        elif kind is ComplaintOpened:
            found.append(("type", f"a second complaint_opened event at seq {event.seq}"))
        if event.seq != expected:
            found.append(("seq", f"event {event.type} has seq {event.seq}; expected {expected}"))
        if self.at is not None and event.at < self.at:
            found.append(("at", f"event {event.type} at seq {event.seq} is dated "
                                f"{event.at.isoformat()}, before the event before it "
                                f"({self.at.isoformat()}): time never goes backwards"))
        self.at = event.at
        if kind is ConcernHeard:
            self.concerns += 1
            heard = cast(ConcernHeard, event)
            if heard.concern_id != f"K{self.concerns}":
                found.append(("concern_id", f"is {heard.concern_id!r}, but concern number "
                                            f"{self.concerns} is K{self.concerns}"))
        elif kind is ActionPlanned:
            self.actions += 1
            planned = cast(ActionPlanned, event)
            if planned.action_id != f"A{self.actions}":
                found.append(("action_id", f"is {planned.action_id!r}, but action number "
                                           f"{self.actions} is A{self.actions}"))
        return found


def in_utc(event: E) -> E:
    """``event`` with its time in UTC, as the library records it; naive times refused."""
    at = utc(event.at, f"events[{event.seq}].at")
    return event if at is event.at else evolve(event, at=at)


def checked(events: Iterable[object]) -> Iterator[AnyEvent]:
    """The events of a log, in UTC, as long as it could have been written; raises
    :class:`InvalidValueError` at the first event that could not (or for an empty log)."""
    reader = LogReader()
    for event in events:
        if not isinstance(event, Event):
            raise InvalidValueError(f"{type(event).__name__} is not a complaintflow event",
                                    argument="events")
        event = in_utc(event)
        found = reader.problems(event)
        if found:
            raise InvalidValueError(found[0][1], argument="events")
        yield cast(AnyEvent, event)  # every Event subclass is in AnyEvent
    if reader.count == 0:
        raise InvalidValueError(NOT_OPENED, argument="events")
