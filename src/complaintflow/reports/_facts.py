"""What the returns read of one complaint's log, reduced as it streams by: a few dates,
codes and counts, no personal data (a customer id only, for repeat complainants).

One reducer per complaint, fed its events in order up to the end of a period; the returns
aggregate the facts and let them go, so that memory does not grow with the number of
complaints.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from attrs import define, field

from .. import events as ev
from .._clocks.calendar import BusinessCalendar
from .._core.log import checked
from .._core.policy import Policy
from .._values.enums import CommunicationKind, Decision, Outcome, Owner, VulnerabilityDriver
from .._values.errors import InvalidValueError
from ..events import Event

_CLOSING: dict[type[Event], Outcome | None] = {
    ev.ComplaintClosed: None, ev.ComplaintWithdrawn: Outcome.WITHDRAWN,
    ev.ComplaintReferred: Outcome.REFERRED}
_RESPONSES = (CommunicationKind.HOLDING_RESPONSE, CommunicationKind.FINAL_RESPONSE)


@define(slots=True)
class Closure:
    """One closing of a complaint: when, when its round began (receipt or reopening), the
    decision then in force and the outcome."""

    at: datetime
    round_start: datetime
    decision: Decision | None
    outcome: Outcome


@define(slots=True)
class Promise:
    """An action item an agent or the company owned: when due, when completed."""

    due: datetime
    completed_at: datetime | None = None


@define(slots=True)
class Facts:
    """One complaint, as its log stood before the period's end."""

    complaint_id: str
    received_at: datetime
    policy: Policy
    customer_id: str | None = None
    product: str | None = None
    cause: str | None = None
    channel: str | None = None
    decision: Decision | None = None
    round_start: datetime | None = None
    closures: list[Closure] = field(factory=list)
    reopens: list[datetime] = field(factory=list)
    redress: list[tuple[datetime, str, Decimal]] = field(factory=list)
    drivers: set[VulnerabilityDriver] = field(factory=set)
    vulnerability_failure: bool = False
    root_causes: list[tuple[datetime, str, bool]] = field(factory=list)
    preventive_actions: list[datetime] = field(factory=list)
    promises: dict[str, Promise] = field(factory=dict)
    first_response_at: datetime | None = None
    final_response_at: datetime | None = None
    relief: bool = False

    def open_at(self, at: datetime) -> bool:
        """Whether the complaint was open at the instant ``at`` (received before it, and
        not closed by then, or reopened since)."""
        if self.received_at >= at:
            return False
        # Closings and reopenings alternate in the log, whose times never go back, so those
        # before ``at`` are a prefix of it (even when several share one instant).
        closed = sum(1 for closure in self.closures if closure.at < at)
        return closed == sum(1 for reopened in self.reopens if reopened < at)

    @property
    def is_open(self) -> bool:
        """Whether it was open at the end of what was read."""
        return len(self.closures) == len(self.reopens)

    def redress_between(self, start: datetime, end: datetime) -> dict[str, Decimal]:
        """The redress paid in ``[start, end)``, by currency."""
        totals: dict[str, Decimal] = {}
        for at, currency, amount in self.redress:
            if start <= at < end:
                totals[currency] = totals.get(currency, Decimal(0)) + amount
        return totals


def facts_of(log: Iterable[Event], *, before: datetime) -> Facts | None:
    """The facts of one complaint's log (checked as it is read: it must be a log that
    could have been written), from its events before ``before``; ``None`` for a complaint
    received at or after it."""
    events = checked(log)
    opened = next(events)
    assert isinstance(opened, ev.ComplaintOpened)  # checked() starts with one
    if opened.at >= before:
        return None
    facts = Facts(complaint_id=opened.complaint_id, received_at=opened.at,
                  policy=opened.policy, round_start=opened.at)
    for event in events:
        if event.at >= before:
            break
        _see(facts, event)
    return facts


def _see(facts: Facts, event: Event) -> None:
    kind = type(event)
    if kind in _CLOSING:
        outcome = _CLOSING[kind]
        if outcome is None:
            assert isinstance(event, ev.ComplaintClosed)
            outcome = event.outcome
        start = facts.round_start or facts.received_at
        facts.closures.append(Closure(event.at, start, facts.decision, outcome))
    elif isinstance(event, ev.ComplaintReopened):
        facts.reopens.append(event.at)
        facts.round_start = event.at
    elif isinstance(event, ev.ComplaintClassified):
        facts.product, facts.cause, facts.channel = event.product, event.cause, event.channel
    elif isinstance(event, ev.DecisionRecorded):
        facts.decision = event.decision
    elif isinstance(event, ev.RedressPaid):
        facts.redress.append((event.at, event.currency, event.amount))
    elif isinstance(event, ev.VulnerabilityRecorded):
        facts.drivers.update(event.drivers)
    elif isinstance(event, ev.RootCauseRecorded):
        facts.root_causes.append((event.at, event.category, event.company_at_fault))
        facts.vulnerability_failure = facts.vulnerability_failure or event.vulnerability_failure
    elif isinstance(event, ev.PreventiveActionRecorded):
        facts.preventive_actions.append(event.at)
    elif isinstance(event, ev.CustomerVerified):
        facts.customer_id = event.customer_id
    elif isinstance(event, ev.ActionPlanned):
        if event.owner is not Owner.CUSTOMER:
            facts.promises[event.action_id] = Promise(event.due)
    elif isinstance(event, ev.ActionCompleted):
        promise = facts.promises.get(event.action_id)
        if promise is not None:
            promise.completed_at = event.at
    elif isinstance(event, ev.CommunicationRecorded):
        if event.kind in _RESPONSES and facts.first_response_at is None:
            facts.first_response_at = event.at
        if event.kind is CommunicationKind.FINAL_RESPONSE and facts.final_response_at is None:
            facts.final_response_at = event.at
    elif isinstance(event, ev.ReliefGiven) or (
            isinstance(event, ev.CompensationOffered) and event.amount is None):
        facts.relief = True


def regime_calendar(facts: Facts, name: str) -> BusinessCalendar | None:
    """The calendar of the complaint's own regime ``name``, if its policy has one."""
    for regime in facts.policy.regimes:
        if regime.name == name:
            return regime.calendar
    return None


def no_calendar(facts: Facts, what: str) -> InvalidValueError:
    return InvalidValueError(
        f"complaint {facts.complaint_id}: its policy has no {what} regime to take the "
        "calendar from; pass calendar=...", argument="calendar")
