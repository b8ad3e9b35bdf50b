"""Assertions for test suites: compliance with the rules, and the order of events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from .._values.checks import shown
from .._values.errors import InvalidValueError
from ..audit import Auditable, AuditPolicy, Rule, Scorecard, audit
from ..audit._engine import checked_rules, events_of
from ..audit._report import summary_line, timeline
from ..events import EVENT_TYPES, AnyEvent, Event


class ComplianceError(AssertionError):
    """A complaint failed rules it was expected to pass; ``scorecard`` says which."""

    def __init__(self, message: str, scorecard: Scorecard) -> None:
        super().__init__(message)
        self.scorecard = scorecard


def assert_complies(subject: Auditable, *, policy: AuditPolicy | None = None,
                    allow: Iterable[str] = (), rules: Iterable[Rule] | None = None,
                    as_of: datetime | None = None) -> Scorecard:
    """Audit ``subject`` and fail unless every rule not in ``allow`` passed (or did not
    apply). Returns the scorecard. The failure message lists each failed rule with its
    severity, source, explanation and evidence, then the complaint's timeline.
    """
    allowed = tuple(allow)
    if isinstance(allow, str):
        raise InvalidValueError("allow must be a sequence of rule ids", argument="allow")
    log = tuple(events_of(subject))
    card = audit(log, policy=policy, rules=rules, as_of=as_of)
    known = {rule.id for rule in checked_rules(rules, AuditPolicy())}
    unknown = sorted(set(allowed) - known)
    if unknown:
        raise InvalidValueError(f"allow names unknown rules: {', '.join(unknown)}",
                                argument="allow")
    failures = [item for item in card.failures if item.rule_id not in allowed]
    if failures:
        lines = [f"complaint {summary_line(card)}"]
        for item in failures:
            evidence = ", ".join(str(seq) for seq in item.evidence) or "none"
            lines.append(f"  - [{item.severity.value}] {item.rule_id} ({item.source}): "
                         f"{item.explanation} Evidence: seq {evidence}.")
        lines += ["timeline:", timeline(log)]
        raise ComplianceError("\n".join(lines), card)
    return card


class TraceError(AssertionError):
    """An event-order assertion failed."""


def _fail(trace: Trace, message: str) -> TraceError:
    return TraceError(f"{message}\ntimeline:\n{timeline(trace.events)}")


def _matcher(event_type: str, fields: dict[str, object]) -> tuple[type[AnyEvent], str]:
    cls = EVENT_TYPES.get(event_type)
    if cls is None:
        raise InvalidValueError(f"unknown event type {shown(event_type)}", argument="event_type")
    names = {a.name for a in attrs.fields(cls)}
    unknown = sorted(set(fields) - names)
    if unknown:
        raise InvalidValueError(f"{event_type} has no field {', '.join(unknown)}",
                                argument="fields")
    described = event_type + "".join(f" {k}={v!r}" for k, v in fields.items())
    return cls, described


class Trace:
    """Fluent assertions over one complaint's events; start with :func:`assert_trace`."""

    def __init__(self, events: Iterable[Event]) -> None:
        self.events: tuple[Event, ...] = tuple(events)

    def matching(self, event_type: str, **fields: object) -> tuple[Event, ...]:
        """The events of ``event_type`` whose fields equal ``fields``."""
        cls, _ = _matcher(event_type, fields)
        return tuple(e for e in self.events if type(e) is cls
                     and all(getattr(e, k) == v for k, v in fields.items()))

    def has(self, event_type: str, **fields: object) -> TraceMatch:
        """Assert such an event exists; the match is the first one."""
        found = self.matching(event_type, **fields)
        if not found:
            raise _fail(self, f"no {_matcher(event_type, fields)[1]} event")
        return TraceMatch(self, found[0], event_type, fields)

    def has_no(self, event_type: str, **fields: object) -> Trace:
        """Assert there is no such event."""
        found = self.matching(event_type, **fields)
        if found:
            raise _fail(self, f"unexpected {_matcher(event_type, fields)[1]} at seq "
                              + ", ".join(str(e.seq) for e in found))
        return self

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(event.type for event in self.events)


class TraceMatch:
    """An event found by :meth:`Trace.has`; chain order assertions from it."""

    def __init__(self, trace: Trace, event: Event, event_type: str,
                 fields: dict[str, object]) -> None:
        self.trace = trace
        self.event = event
        self._type = event_type
        self._fields = fields

    @property
    def seq(self) -> int:
        return self.event.seq

    def _name(self) -> str:
        return f"{_matcher(self._type, self._fields)[1]} (seq {self.seq})"

    def before(self, event_type: str, **fields: object) -> TraceMatch:
        """Assert this event comes before the first such event; the match moves to it."""
        other = self.trace.has(event_type, **fields)
        if not self.seq < other.seq:
            raise _fail(self.trace, f"expected {self._name()} before {other._name()}")
        return other

    def after(self, event_type: str, **fields: object) -> TraceMatch:
        """Assert the first such event comes before this one; the match moves to it."""
        other = self.trace.has(event_type, **fields)
        if not other.seq < self.seq:
            raise _fail(self.trace, f"expected {self._name()} after {other._name()}")
        return other

    def then(self, event_type: str, **fields: object) -> TraceMatch:
        """Assert such an event follows this one; the match moves to the next one."""
        later = [e for e in self.trace.matching(event_type, **fields) if e.seq > self.seq]
        if not later:
            described = _matcher(event_type, fields)[1]
            raise _fail(self.trace, f"expected {described} after {self._name()}")
        return TraceMatch(self.trace, later[0], event_type, fields)

    def times(self, count: int) -> TraceMatch:
        """Assert exactly ``count`` events match what this match was found by."""
        found = self.trace.matching(self._type, **self._fields)
        if len(found) != count:
            raise _fail(self.trace, f"expected {count} {_matcher(self._type, self._fields)[1]}"
                                    f" events, found {len(found)}")
        return self


def assert_trace(subject: Auditable) -> Trace:
    """Fluent assertions on a log: ``assert_trace(log).has("concern_confirmed")
    .before("relief_given")``. Accepts what :func:`~complaintflow.audit.audit` accepts."""
    return Trace(events_of(subject))
