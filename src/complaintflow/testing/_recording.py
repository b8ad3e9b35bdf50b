"""A complaint together with its event log, a manual clock, and a driver for tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from attrs import frozen

from .._complaint import Complaint, open_complaint
from .._errors import InvalidValueError
from .._policy import Policy
from .._rejection import Rejection
from .._values import Stage, check_aware, utc
from ..commands import Command
from ..events import AnyEvent, Event

DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
"""Where a :class:`ManualClock` and the model-based paths start by default."""


class ManualClock:
    """A clock that moves only when told: ``tick()`` moves one ``step`` on and says when."""

    def __init__(self, start: datetime = DEFAULT_START,
                 step: timedelta = timedelta(minutes=1)) -> None:
        self.now: datetime = check_aware(start, "start")
        if not isinstance(step, timedelta) or step <= timedelta(0):
            raise InvalidValueError("step must be a positive timedelta", argument="step")
        self.step = step

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


class Conversation:
    """A complaint driven by commands one clock tick apart: the complaint factory's product.

    ``do(*commands)`` applies each at the next tick (raising
    :class:`~complaintflow.CommandRejected` as ``apply`` does); ``complaint`` and
    ``events`` are always the latest, so a conversation can be audited directly.
    """

    def __init__(self, recording: Recording, clock: ManualClock) -> None:
        self.recording = recording
        self.clock = clock

    @property
    def complaint(self) -> Complaint:
        return self.recording.complaint

    @property
    def events(self) -> tuple[AnyEvent, ...]:
        return self.recording.events

    def do(self, *commands: Command) -> Conversation:
        """Apply the commands in order, one tick apart; returns ``self`` for chaining."""
        for command in commands:
            self.recording = self.recording.apply(command, at=self.clock.tick())
        return self

    def check(self, command: Command) -> Rejection | None:
        """The rejection ``command`` would get at the next tick, or ``None``; changes nothing."""
        return self.complaint.check(command, at=self.clock.now + self.clock.step)


class ComplaintFactory:
    """Opens :class:`Conversation` objects on one shared :class:`ManualClock`."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.opened = 0

    def __call__(self, complaint_id: str | None = None, *, policy: Policy | None = None,
                 stage: Stage | None = None) -> Conversation:
        """A new complaint (ids ``C-1``, ``C-2``, ... unless given), opened now.

        With ``stage``, it is brought there by the shortest model-based path (see
        :func:`shortest_paths`), one clock step per command.
        """
        self.opened += 1
        complaint_id = complaint_id or f"C-{self.opened}"
        if stage is None:
            recording = Recording.open(complaint_id, at=utc(self.clock.now), policy=policy)
            return Conversation(recording, self.clock)
        from ._paths import shortest_paths

        path = shortest_paths(start=self.clock.now, step=self.clock.step)[Stage(stage)]
        recording = path.play(complaint_id, policy=policy)
        if path.steps:
            self.clock.now = path.steps[-1].at
        return Conversation(recording, self.clock)
