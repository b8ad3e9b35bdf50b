"""Conversations for tests: complaints driven one clock tick at a time, and the factory
that opens them (at a stage, by the shortest model-based path, if asked)."""

from __future__ import annotations

from .._core.complaint import Complaint
from .._core.policy import Policy
from .._core.rejection import Rejection
from .._values.checks import utc
from .._values.enums import Stage
from ..commands import Command
from ..events import AnyEvent
from ._paths import shortest_paths
from ._recording import ManualClock, Recording


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
        path = shortest_paths(start=self.clock.now, step=self.clock.step)[Stage(stage)]
        recording = path.play(complaint_id, policy=policy)
        if path.steps:
            self.clock.now = path.steps[-1].at
        return Conversation(recording, self.clock)
