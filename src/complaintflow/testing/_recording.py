"""A complaint together with its event log, and a clock that moves only when told."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from attrs import frozen

from .._core.complaint import Complaint, open_complaint
from .._core.policy import Policy
from .._values.checks import check_aware
from .._values.errors import InvalidValueError
from ..commands import Command
from ..events import AnyEvent, Event

DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
"""Where a :class:`ManualClock` and the model-based paths start by default."""


class ManualClock:
    """A clock that moves only when told: ``tick()`` moves one ``step`` on and says when.

    .. attribute:: now
       :type: datetime

       The clock's time: ``start`` until :meth:`tick` or :meth:`advance` moves it. Read it
       for the time of a step that should not move the clock (two commands at one time,
       say); setting it is allowed, but a clock set backwards makes the complaint refuse
       the next command (``time_went_backwards``).

    .. attribute:: step
       :type: timedelta

       How far :meth:`tick` moves the clock.
    """

    def __init__(self, start: datetime = DEFAULT_START,
                 step: timedelta = timedelta(minutes=1)) -> None:
        self.now: datetime = check_aware(start, "start")
        if not isinstance(step, timedelta) or step <= timedelta(0):
            raise InvalidValueError("step must be a positive timedelta", argument="step")
        self.step: timedelta = step

    def tick(self) -> datetime:
        """Move one step on; the new time."""
        self.now += self.step
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        """Move ``delta`` on (days until a follow-up, say); the new time."""
        self.now += delta
        return self.now


@frozen
class Recording:
    """A complaint and its whole event log, kept in step: what the audit reads.

    ``apply`` returns the next recording (the complaint's ``apply`` plus the new events).
    """

    complaint: Complaint
    events: tuple[AnyEvent, ...]

    @classmethod
    def open(cls, complaint_id: str, *, at: datetime,
             policy: Policy | None = None) -> Recording:
        """A new complaint's recording: its ``complaint_opened`` event."""
        opened = open_complaint(complaint_id, at=at, policy=policy)
        return cls(opened.complaint, opened.events)

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> Recording:
        """The recording of a log (folded with :meth:`Complaint.from_events
        <complaintflow.Complaint.from_events>`)."""
        log = tuple(events)
        complaint = Complaint.from_events(log)
        return cls(complaint, log)  # type: ignore[arg-type]  # from_events checked every event

    def apply(self, command: Command, *, at: datetime) -> Recording:
        """Apply ``command`` at ``at``; raises :class:`~complaintflow.CommandRejected`."""
        applied = self.complaint.apply(command, at=at)
        return Recording(applied.complaint, self.events + applied.events)
