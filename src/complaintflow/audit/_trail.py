"""What a rule reads: one complaint's event log, indexed once, with its policy."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import cached_property
from typing import TypeVar

from .._core.complaint import Complaint, fold_log
from .._core.log import checked
from .._core.policy import Policy
from .._values.checks import utc
from ..events import AnyEvent, ComplaintOpened, Event

T = TypeVar("T")


class Trail:
    """One complaint's events in order, checked and indexed for the rules.

    ``policy`` is the complaint's own :class:`~complaintflow.Policy` (from its
    ``complaint_opened`` event); ``as_of`` is the time the audit looks from (by default the
    last event's), which decides whether an open item is already overdue.
    """

    def __init__(self, events: Iterable[Event], *, as_of: datetime | None = None):
        log = tuple(checked(events))
        by_type: dict[str, list[AnyEvent]] = {}
        for event in log:
            by_type.setdefault(event.type, []).append(event)
        opened = log[0]
        assert isinstance(opened, ComplaintOpened)  # checked() starts with one
        self.events: tuple[AnyEvent, ...] = log
        self.by_type: dict[str, list[AnyEvent]] = by_type
        """The events of each type, in order."""
        self.complaint_id: str = opened.complaint_id
        self.policy: Policy = opened.policy
        self._derived: dict[Callable[[Trail], object], object] = {}
        self.as_of: datetime = utc(as_of, "as_of") if as_of is not None else log[-1].at

    def derived(self, compute: Callable[[Trail], T]) -> T:
        """``compute(self)``, computed once per trail: for what several rules derive."""
        try:
            return self._derived[compute]  # type: ignore[return-value]  # keyed by compute
        except KeyError:
            value = self._derived[compute] = compute(self)
            return value

    def of(self, *types: str) -> Sequence[AnyEvent]:
        """The events of these types, in log order."""
        if len(types) == 1:
            return self.by_type.get(types[0], ())
        return sorted((e for t in types for e in self.by_type.get(t, ())), key=_seq)

    def first(self, *types: str) -> AnyEvent | None:
        """The first event of one of these types, or ``None``."""
        found = self.of(*types)
        return found[0] if found else None

    def has(self, event_type: str) -> bool:
        return event_type in self.by_type

    @cached_property
    def complaint(self) -> Complaint:
        """The complaint as it stood at ``as_of``: the log folded up to then (computed on
        first use), so that its clocks are exact at the audit's time."""
        if self.as_of >= self.events[-1].at:  # checked already: folded without a second check
            return fold_log(self.events)
        return fold_log(self.events, as_of=max(self.as_of, self.events[0].at))


def _seq(event: Event) -> int:
    return event.seq
