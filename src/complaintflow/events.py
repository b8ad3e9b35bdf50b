"""The closed set of domain events: the complaint's audit trail.

Every event has a stable ``type`` tag (never a class or module path), the complaint's
sequence number ``seq`` (1, 2, 3, ... with no gaps) and the timezone-aware time ``at``.
Folding a complaint's events from the first one rebuilds the complaint.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar, get_args

from attrs import frozen

from ._policy import Policy
from ._values import CustomerResponse, Outcome, Owner, Severity, Stage


@frozen(kw_only=True)
class Event:
    """Base of every event."""

    type: ClassVar[str]
    seq: int
    at: datetime


@frozen(kw_only=True)
class ComplaintOpened(Event):
    type: ClassVar[str] = "complaint_opened"
    complaint_id: str
    policy: Policy


@frozen(kw_only=True)
class StageChanged(Event):
    """The workflow moved on; recorded so that replay never depends on routing rules."""

    type: ClassVar[str] = "stage_changed"
    source: Stage
    dest: Stage


@frozen(kw_only=True)
class CustomerVerified(Event):
    type: ClassVar[str] = "customer_verified"
    name: str
    callback: str
    customer_id: str | None = None
    service: str | None = None


@frozen(kw_only=True)
class ComplaintReferred(Event):
    type: ClassVar[str] = "complaint_referred"
    reason: str


@frozen(kw_only=True)
class ComplaintAssigned(Event):
    type: ClassVar[str] = "complaint_assigned"
    agent: str
    skill: str | None = None


@frozen(kw_only=True)
class ConcernHeard(Event):
    type: ClassVar[str] = "concern_heard"
    concern_id: str
    text: str


@frozen(kw_only=True)
class ConcernRestated(Event):
    type: ClassVar[str] = "concern_restated"
    concern_id: str
    restatement: str


@frozen(kw_only=True)
class ConcernConfirmed(Event):
    type: ClassVar[str] = "concern_confirmed"
    concern_id: str


@frozen(kw_only=True)
class RestatementRejected(Event):
    type: ClassVar[str] = "restatement_rejected"
    concern_id: str
    correction: str | None = None


@frozen(kw_only=True)
class ConcernsComplete(Event):
    """The customer said there was nothing more to raise."""

    type: ClassVar[str] = "concerns_complete"


@frozen(kw_only=True)
class ConcernsPrioritized(Event):
    type: ClassVar[str] = "concerns_prioritized"
    order: tuple[str, ...]


@frozen(kw_only=True)
class ImpactAssessed(Event):
    type: ClassVar[str] = "impact_assessed"
    concern_id: str
    description: str
    severity: Severity
    restatement: str | None = None


@frozen(kw_only=True)
class ImpactConfirmed(Event):
    type: ClassVar[str] = "impact_confirmed"
    concern_id: str


@frozen(kw_only=True)
class ResponseBegun(Event):
    type: ClassVar[str] = "response_begun"


@frozen(kw_only=True)
class ReliefGiven(Event):
    type: ClassVar[str] = "relief_given"
    concern_id: str
    description: str


@frozen(kw_only=True)
class ActionPlanned(Event):
    type: ClassVar[str] = "action_planned"
    action_id: str
    description: str
    owner: Owner
    due: datetime
    concern_ids: tuple[str, ...]


@frozen(kw_only=True)
class ActionCompleted(Event):
    type: ClassVar[str] = "action_completed"
    action_id: str
    note: str | None = None


@frozen(kw_only=True)
class ConcernResolved(Event):
    type: ClassVar[str] = "concern_resolved"
    concern_id: str
    resolution: str


@frozen(kw_only=True)
class ConcernUnresolvable(Event):
    type: ClassVar[str] = "concern_unresolvable"
    concern_id: str
    explanation: str
    accommodation: str | None = None


@frozen(kw_only=True)
class CompensationOffered(Event):
    """``authority_limit`` is the limit in force when it was offered: evidence for audits."""

    type: ClassVar[str] = "compensation_offered"
    kind: str
    description: str
    concern_id: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    authority_limit: Decimal


@frozen(kw_only=True)
class FollowUpScheduled(Event):
    type: ClassVar[str] = "follow_up_scheduled"
    follow_up_at: datetime


@frozen(kw_only=True)
class NextStepsConfirmed(Event):
    type: ClassVar[str] = "next_steps_confirmed"


@frozen(kw_only=True)
class ContactStarted(Event):
    type: ClassVar[str] = "contact_started"
    channel: str


@frozen(kw_only=True)
class OpenItemsReviewed(Event):
    """``open_action_ids`` are the items that were open when they were reviewed."""

    type: ClassVar[str] = "open_items_reviewed"
    open_action_ids: tuple[str, ...]


@frozen(kw_only=True)
class ContactEnded(Event):
    type: ClassVar[str] = "contact_ended"


@frozen(kw_only=True)
class RecapBegun(Event):
    type: ClassVar[str] = "recap_begun"


@frozen(kw_only=True)
class Recapped(Event):
    type: ClassVar[str] = "recapped"
    summary: str | None = None


@frozen(kw_only=True)
class ClosureSought(Event):
    type: ClassVar[str] = "closure_sought"
    customer_response: CustomerResponse


@frozen(kw_only=True)
class CustomerThanked(Event):
    type: ClassVar[str] = "customer_thanked"


@frozen(kw_only=True)
class ComplaintClosed(Event):
    type: ClassVar[str] = "complaint_closed"
    outcome: Outcome


@frozen(kw_only=True)
class ComplaintReopened(Event):
    type: ClassVar[str] = "complaint_reopened"
    reason: str


@frozen(kw_only=True)
class Apologized(Event):
    type: ClassVar[str] = "apologized"
    note: str | None = None


@frozen(kw_only=True)
class EmpathyExpressed(Event):
    type: ClassVar[str] = "empathy_expressed"
    note: str | None = None


@frozen(kw_only=True)
class CustomerVented(Event):
    type: ClassVar[str] = "customer_vented"
    note: str | None = None


@frozen(kw_only=True)
class Escalated(Event):
    type: ClassVar[str] = "escalated"
    to: str
    reason: str
    authority_limit: Decimal | None = None


@frozen(kw_only=True)
class ComplaintWithdrawn(Event):
    type: ClassVar[str] = "complaint_withdrawn"
    reason: str


@frozen(kw_only=True)
class RootCauseRecorded(Event):
    type: ClassVar[str] = "root_cause_recorded"
    category: str
    description: str
    company_at_fault: bool


@frozen(kw_only=True)
class PreventiveActionRecorded(Event):
    type: ClassVar[str] = "preventive_action_recorded"
    description: str
    owner: str


@frozen(kw_only=True)
class FeedbackRecorded(Event):
    type: ClassVar[str] = "feedback_recorded"
    score: int
    comment: str | None = None


AnyEvent = (
    ComplaintOpened | StageChanged | CustomerVerified | ComplaintReferred | ComplaintAssigned |
    ConcernHeard | ConcernRestated | ConcernConfirmed | RestatementRejected |
    ConcernsComplete | ConcernsPrioritized | ImpactAssessed | ImpactConfirmed | ResponseBegun |
    ReliefGiven | ActionPlanned | ActionCompleted | ConcernResolved | ConcernUnresolvable |
    CompensationOffered | FollowUpScheduled | NextStepsConfirmed | ContactStarted |
    OpenItemsReviewed | ContactEnded | RecapBegun | Recapped | ClosureSought |
    CustomerThanked | ComplaintClosed | ComplaintReopened | Apologized | EmpathyExpressed |
    CustomerVented | Escalated | ComplaintWithdrawn | RootCauseRecorded |
    PreventiveActionRecorded | FeedbackRecorded
)
"""Every event class: the closed set."""

EVENT_TYPES: dict[str, type[AnyEvent]] = {cls.type: cls for cls in get_args(AnyEvent)}
"""Event classes by their stable type tag."""
