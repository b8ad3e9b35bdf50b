"""The closed set of domain events: the complaint's audit trail.

Every event has a stable ``type`` tag (never a class or module path), the complaint's
sequence number ``seq`` (1, 2, 3, ... with no gaps) and the timezone-aware time ``at``.
Folding a complaint's events from the first one rebuilds the complaint.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar, final, get_args

from attrs import field, frozen

from ._core.policy import Policy
from ._values.enums import (
    CheckInOutcome,
    CommunicationKind,
    CustomerResponse,
    Decision,
    Emotion,
    InteractionalNeed,
    Outcome,
    Owner,
    RedressKind,
    Severity,
    Stage,
    VulnerabilityDriver,
)
from ._values.parts import INTERNAL, PERSONAL, redacting


@frozen(kw_only=True)
class Event:
    """Base of every event.

    ``version`` is the version of the event's JSON shape (see the upgrade policy);
    ``command_id`` is the host's id of the command that recorded it, when it gave one, and
    ``command_fingerprint`` the digest of that command, which tells a retry of it from
    another command sent under the same id.
    """

    type: ClassVar[str]
    version: ClassVar[int] = 2
    seq: int
    at: datetime
    command_id: str | None = None
    command_fingerprint: str | None = None


@final
@frozen(kw_only=True)
class ComplaintOpened(Event):
    """A complaint was received; it carries the policy it is handled under."""

    type: ClassVar[str] = "complaint_opened"
    complaint_id: str
    policy: Policy


@final
@frozen(kw_only=True)
class StageChanged(Event):
    """The workflow moved on; recorded so that replay never depends on routing rules."""

    type: ClassVar[str] = "stage_changed"
    source: Stage
    dest: Stage


@final
@frozen(kw_only=True, field_transformer=redacting)
class CustomerVerified(Event):
    """The customer was identified, with a way to call them back (IBM step 1). ``name``
    and ``callback`` are personal data, left out of reprs."""

    type: ClassVar[str] = "customer_verified"
    name: str = field(metadata=PERSONAL)
    callback: str = field(metadata=PERSONAL)
    customer_id: str | None = None
    service: str | None = None


@final
@frozen(kw_only=True)
class ComplaintReferred(Event):
    """The complaint was sent elsewhere and closed (outcome ``referred``)."""

    type: ClassVar[str] = "complaint_referred"
    reason: str


@final
@frozen(kw_only=True)
class ComplaintAssigned(Event):
    """The complaint was handed to an agent with the right skill."""

    type: ClassVar[str] = "complaint_assigned"
    agent: str
    skill: str | None = None


@final
@frozen(kw_only=True)
class ConcernHeard(Event):
    """A concern in the customer's own words, under a new id ``K1``, ``K2``, ..."""

    type: ClassVar[str] = "concern_heard"
    concern_id: str
    text: str


@final
@frozen(kw_only=True)
class ConcernRestated(Event):
    """The agent said the concern back in their own words."""

    type: ClassVar[str] = "concern_restated"
    concern_id: str
    restatement: str


@final
@frozen(kw_only=True)
class ConcernConfirmed(Event):
    """The customer agreed with the restatement."""

    type: ClassVar[str] = "concern_confirmed"
    concern_id: str


@final
@frozen(kw_only=True)
class RestatementRejected(Event):
    """The customer disagreed with the restatement; it must be restated again."""

    type: ClassVar[str] = "restatement_rejected"
    concern_id: str
    correction: str | None = None


@final
@frozen(kw_only=True)
class ConcernsComplete(Event):
    """The customer said there was nothing more to raise."""

    type: ClassVar[str] = "concerns_complete"


@final
@frozen(kw_only=True)
class ConcernsPrioritized(Event):
    """The customer's order of the open concerns, most urgent first."""

    type: ClassVar[str] = "concerns_prioritized"
    order: tuple[str, ...]


@final
@frozen(kw_only=True)
class ImpactAssessed(Event):
    """What a concern means to the customer, and how severe it is."""

    type: ClassVar[str] = "impact_assessed"
    concern_id: str
    description: str
    severity: Severity
    restatement: str | None = None


@final
@frozen(kw_only=True)
class ImpactConfirmed(Event):
    """The customer agreed with the impact as described."""

    type: ClassVar[str] = "impact_confirmed"
    concern_id: str


@final
@frozen(kw_only=True)
class ResponseBegun(Event):
    """Every impact was agreed: the agent started responding."""

    type: ClassVar[str] = "response_begun"


@final
@frozen(kw_only=True)
class ReliefGiven(Event):
    """Immediate relief for a concern."""

    type: ClassVar[str] = "relief_given"
    concern_id: str
    description: str


@final
@frozen(kw_only=True)
class ActionPlanned(Event):
    """An action plan item, with its owner, due time and concerns."""

    type: ClassVar[str] = "action_planned"
    action_id: str
    description: str
    owner: Owner
    due: datetime
    concern_ids: tuple[str, ...]
    why_best: str | None = None
    involves_others: bool = False


@final
@frozen(kw_only=True)
class ActionCompleted(Event):
    """An action item was done."""

    type: ClassVar[str] = "action_completed"
    action_id: str
    note: str | None = None


@final
@frozen(kw_only=True)
class ConcernResolved(Event):
    """A concern was fixed."""

    type: ClassVar[str] = "concern_resolved"
    concern_id: str
    resolution: str


@final
@frozen(kw_only=True)
class ConcernUnresolvable(Event):
    """A concern cannot be fixed; why, and what was offered instead."""

    type: ClassVar[str] = "concern_unresolvable"
    concern_id: str
    explanation: str
    accommodation: str | None = None


@final
@frozen(kw_only=True)
class CompensationOffered(Event):
    """``currency`` is the amount's, as resolved (the policy's when the command named none);
    ``authority_limit`` is the limit in force in it when it was offered (``None`` without a
    currency): evidence for audits."""

    type: ClassVar[str] = "compensation_offered"
    kind: str
    description: str
    concern_id: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    authority_limit: Decimal | None


@final
@frozen(kw_only=True)
class FollowUpScheduled(Event):
    """When the next contact will happen."""

    type: ClassVar[str] = "follow_up_scheduled"
    follow_up_at: datetime


@final
@frozen(kw_only=True)
class NextStepsConfirmed(Event):
    """The customer confirmed they understand the next steps."""

    type: ClassVar[str] = "next_steps_confirmed"


@final
@frozen(kw_only=True)
class ContactStarted(Event):
    """A follow-up call or chat began."""

    type: ClassVar[str] = "contact_started"
    channel: str


@final
@frozen(kw_only=True)
class OpenItemsReviewed(Event):
    """``open_action_ids`` are the items that were open when they were reviewed."""

    type: ClassVar[str] = "open_items_reviewed"
    open_action_ids: tuple[str, ...]


@final
@frozen(kw_only=True)
class ContactEnded(Event):
    """A follow-up contact ended."""

    type: ClassVar[str] = "contact_ended"


@final
@frozen(kw_only=True)
class RecapBegun(Event):
    """Everything was resolved or explained: the recap began."""

    type: ClassVar[str] = "recap_begun"


@final
@frozen(kw_only=True)
class Recapped(Event):
    """The agent recapped every concern and its outcome."""

    type: ClassVar[str] = "recapped"
    summary: str | None = None


@final
@frozen(kw_only=True)
class ClosureSought(Event):
    """The agent asked whether the customer is satisfied, and what they said."""

    type: ClassVar[str] = "closure_sought"
    customer_response: CustomerResponse


@final
@frozen(kw_only=True)
class CustomerThanked(Event):
    """The agent thanked the customer."""

    type: ClassVar[str] = "customer_thanked"


@final
@frozen(kw_only=True)
class ComplaintClosed(Event):
    """The complaint was closed, with its outcome."""

    type: ClassVar[str] = "complaint_closed"
    outcome: Outcome


@final
@frozen(kw_only=True)
class ComplaintReopened(Event):
    """A closed complaint was reopened within the policy's window."""

    type: ClassVar[str] = "complaint_reopened"
    reason: str


@final
@frozen(kw_only=True)
class CheckInScheduled(Event):
    """A check-in with the customer after the close was agreed: when, and how."""

    type: ClassVar[str] = "check_in_scheduled"
    due: datetime
    channel: str


@final
@frozen(kw_only=True)
class CheckInRecorded(Event):
    """The scheduled check-in after the close was held: what it found, what the customer
    said, and their score (their feedback) if they gave one."""

    type: ClassVar[str] = "check_in_recorded"
    outcome: CheckInOutcome
    note: str | None = None
    score: int | None = None


@final
@frozen(kw_only=True)
class Apologized(Event):
    """The agent apologized."""

    type: ClassVar[str] = "apologized"
    note: str | None = None


@final
@frozen(kw_only=True)
class EmpathyExpressed(Event):
    """The agent showed they understand how the customer feels."""

    type: ClassVar[str] = "empathy_expressed"
    note: str | None = None


@final
@frozen(kw_only=True)
class CustomerVented(Event):
    """The customer was let vent without interruption."""

    type: ClassVar[str] = "customer_vented"
    note: str | None = None


@final
@frozen(kw_only=True)
class EmotionRecorded(Event):
    """How the customer seemed at this point, as the agent observed it."""

    type: ClassVar[str] = "emotion_recorded"
    emotion: Emotion
    note: str | None = None


@final
@frozen(kw_only=True)
class FindingExplained(Event):
    """The customer was told what was found (about ``concern_id``, when it names one)."""

    type: ClassVar[str] = "finding_explained"
    explanation: str
    concern_id: str | None = None


@final
@frozen(kw_only=True)
class ResponsibilityTaken(Event):
    """The agent took responsibility, explicitly, for the company's fault."""

    type: ClassVar[str] = "responsibility_taken"
    note: str | None = None


@final
@frozen(kw_only=True)
class InternalNoteRecorded(Event):
    """A note for the team only; customer-facing views leave it out."""

    type: ClassVar[str] = "internal_note_recorded"
    text: str = field(metadata=INTERNAL)
    concern_id: str | None = None


@final
@frozen(kw_only=True)
class TeamBriefed(Event):
    """The internal team was briefed before a follow-up contact."""

    type: ClassVar[str] = "team_briefed"
    participants: str
    summary: str = field(metadata=INTERNAL)


@final
@frozen(kw_only=True)
class NeedsRecorded(Event):
    """A concern's interactional and transactional needs, as recorded (they replace any
    recorded before)."""

    type: ClassVar[str] = "needs_recorded"
    concern_id: str
    interactional: tuple[InteractionalNeed, ...]
    transactional: str | None = None


@final
@frozen(kw_only=True)
class Escalated(Event):
    """The complaint was handed to someone with more authority; ``authority_limit``, if set,
    is the limit granted in ``currency`` (as resolved)."""

    type: ClassVar[str] = "escalated"
    to: str
    reason: str
    authority_limit: Decimal | None = None
    currency: str | None = None


@final
@frozen(kw_only=True)
class ComplaintWithdrawn(Event):
    """The customer withdrew the complaint; it is closed."""

    type: ClassVar[str] = "complaint_withdrawn"
    reason: str


@final
@frozen(kw_only=True)
class RootCauseRecorded(Event):
    """Why it went wrong, whether the company was at fault, and whether a failure to
    consider or respond to the customer's vulnerability caused it."""

    type: ClassVar[str] = "root_cause_recorded"
    category: str
    description: str = field(metadata=INTERNAL)
    company_at_fault: bool
    vulnerability_failure: bool = False


@final
@frozen(kw_only=True)
class PreventiveActionRecorded(Event):
    """What will stop it happening again, and who owns it."""

    type: ClassVar[str] = "preventive_action_recorded"
    description: str
    owner: str


@final
@frozen(kw_only=True)
class FeedbackRecorded(Event):
    """The customer's score (1 to 5) of how the complaint was handled."""

    type: ClassVar[str] = "feedback_recorded"
    score: int
    comment: str | None = None


@final
@frozen(kw_only=True)
class CommunicationRecorded(Event):
    """A regulated communication was sent to the customer."""

    type: ClassVar[str] = "communication_recorded"
    kind: CommunicationKind
    channel: str
    summary: str | None = None


@final
@frozen(kw_only=True)
class ComplaintClassified(Event):
    """The complaint was filed under a product (or service) and a cause."""

    type: ClassVar[str] = "complaint_classified"
    product: str
    cause: str
    channel: str | None = None


@final
@frozen(kw_only=True)
class DecisionRecorded(Event):
    """The firm's decision on the complaint."""

    type: ClassVar[str] = "decision_recorded"
    decision: Decision


@final
@frozen(kw_only=True)
class RedressPaid(Event):
    """Redress was paid to the customer; ``currency`` as resolved."""

    type: ClassVar[str] = "redress_paid"
    kind: RedressKind
    amount: Decimal
    currency: str


@final
@frozen(kw_only=True)
class VulnerabilityRecorded(Event):
    """The customer was found to be in vulnerable circumstances, by these drivers."""

    type: ClassVar[str] = "vulnerability_recorded"
    drivers: tuple[VulnerabilityDriver, ...]


AnyEvent = (
    ComplaintOpened | StageChanged | CustomerVerified | ComplaintReferred | ComplaintAssigned |
    ConcernHeard | ConcernRestated | ConcernConfirmed | RestatementRejected |
    ConcernsComplete | ConcernsPrioritized | ImpactAssessed | ImpactConfirmed | ResponseBegun |
    ReliefGiven | ActionPlanned | ActionCompleted | ConcernResolved | ConcernUnresolvable |
    CompensationOffered | FollowUpScheduled | NextStepsConfirmed | ContactStarted |
    OpenItemsReviewed | ContactEnded | RecapBegun | Recapped | ClosureSought |
    CustomerThanked | ComplaintClosed | ComplaintReopened | Apologized | EmpathyExpressed |
    CustomerVented | EmotionRecorded | NeedsRecorded | FindingExplained | ResponsibilityTaken |
    InternalNoteRecorded | TeamBriefed | Escalated | ComplaintWithdrawn |
    RootCauseRecorded | PreventiveActionRecorded | FeedbackRecorded | CheckInScheduled |
    CheckInRecorded | CommunicationRecorded |
    ComplaintClassified | DecisionRecorded | RedressPaid | VulnerabilityRecorded
)
"""Every event class: the closed set."""

EVENT_TYPES: dict[str, type[AnyEvent]] = {cls.type: cls for cls in get_args(AnyEvent)}
"""Event classes by their stable type tag."""

__all__ = [
    "EVENT_TYPES",
    "ActionCompleted",
    "ActionPlanned",
    "AnyEvent",
    "Apologized",
    "CheckInRecorded",
    "CheckInScheduled",
    "ClosureSought",
    "CommunicationRecorded",
    "CompensationOffered",
    "ComplaintAssigned",
    "ComplaintClassified",
    "ComplaintClosed",
    "ComplaintOpened",
    "ComplaintReferred",
    "ComplaintReopened",
    "ComplaintWithdrawn",
    "ConcernConfirmed",
    "ConcernHeard",
    "ConcernResolved",
    "ConcernRestated",
    "ConcernUnresolvable",
    "ConcernsComplete",
    "ConcernsPrioritized",
    "ContactEnded",
    "ContactStarted",
    "CustomerThanked",
    "CustomerVented",
    "CustomerVerified",
    "DecisionRecorded",
    "EmotionRecorded",
    "EmpathyExpressed",
    "Escalated",
    "Event",
    "FeedbackRecorded",
    "FindingExplained",
    "FollowUpScheduled",
    "ImpactAssessed",
    "ImpactConfirmed",
    "InternalNoteRecorded",
    "NeedsRecorded",
    "NextStepsConfirmed",
    "OpenItemsReviewed",
    "PreventiveActionRecorded",
    "RecapBegun",
    "Recapped",
    "RedressPaid",
    "ReliefGiven",
    "ResponseBegun",
    "ResponsibilityTaken",
    "RestatementRejected",
    "RootCauseRecorded",
    "StageChanged",
    "TeamBriefed",
    "VulnerabilityRecorded",
]
