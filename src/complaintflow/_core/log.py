"""The one checker of event logs: replay, loading and the audit all read a log through it.

A log is read back only if it could have been written: it starts with ``complaint_opened``
(and has no second one), and its ``seq`` runs 1, 2, 3, ... without gaps. Times are brought
to UTC, as the library records them; naive times are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar, cast

from attrs import evolve

from .._values.checks import utc
from .._values.errors import InvalidValueError
from ..events import AnyEvent, ComplaintOpened, Event

E = TypeVar("E", bound=Event)

NOT_OPENED = "an event log must start with a complaint_opened event"


class LogReader:
    """Follows one complaint's log from its start, one event at a time."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0
        """How many events were read."""

    def problems(self, event: Event) -> list[tuple[str, str]]:
        """What is wrong with ``event`` as the next event of the log, as ``(field,
        message)`` pairs; none when it could follow the events read so far."""
        expected = self.count + 1
        self.count = expected
        found: list[tuple[str, str]] = []
        if expected == 1:
            if type(event) is not ComplaintOpened:
                found.append(("type", NOT_OPENED))
        elif type(event) is ComplaintOpened:
            found.append(("type", f"a second complaint_opened event at seq {event.seq}"))
        if event.seq != expected:
            found.append(("seq", f"event {event.type} has seq {event.seq}; expected {expected}"))
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
        found = reader.problems(event)
        if found:
            raise InvalidValueError(found[0][1], argument="events")
        yield cast(AnyEvent, in_utc(event))  # every Event subclass is in AnyEvent
    if reader.count == 0:
        raise InvalidValueError(NOT_OPENED, argument="events")
