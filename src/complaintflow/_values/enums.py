"""The closed sets of names the workflow speaks in; their string values are stable."""

from __future__ import annotations

import enum


class StrEnum(str, enum.Enum):
    """A string enum whose ``str()`` is its stable value, on every Python version."""

    def __str__(self) -> str:
        return str(self.value)


class Stage(StrEnum):
    """The seven steps of the workflow, plus ``closed``. The string values are stable."""

    VERIFYING = "verifying"
    LISTENING = "listening"
    PRIORITIZING = "prioritizing"
    ASSESSING_IMPACT = "assessing_impact"
    RESPONDING = "responding"
    FOLLOWING_UP = "following_up"
    RECAPPING = "recapping"
    CLOSED = "closed"


class Severity(StrEnum):
    """How badly a concern hurts the customer."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Owner(StrEnum):
    """Who must carry out an action item."""

    AGENT = "agent"
    CUSTOMER = "customer"
    COMPANY = "company"


class CustomerResponse(StrEnum):
    """What the customer said when the agent sought closure."""

    SATISFIED = "satisfied"
    ACCEPTS = "accepts"
    DISSATISFIED = "dissatisfied"


class Outcome(StrEnum):
    """How a closed complaint ended."""

    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"


class ConcernStatus(StrEnum):
    """Where one concern stands."""

    OPEN = "open"
    RESOLVED = "resolved"
    UNRESOLVABLE = "unresolvable"


class CommunicationKind(StrEnum):
    """A regulated written communication to the customer; the clocks stop on them."""

    ACKNOWLEDGEMENT = "acknowledgement"
    """Receipt of the complaint acknowledged."""
    HOLDING_RESPONSE = "holding_response"
    """Not yet a final answer: why, and when it will come ("in progress")."""
    FINAL_RESPONSE = "final_response"
    """The firm's final answer to the complaint."""
    SUMMARY_RESOLUTION = "summary_resolution"
    """The complaint was resolved quickly (FCA DISP 1.5: a summary resolution
    communication; ASIC RG 271: resolved within 5 business days)."""
    REFERRAL_RIGHTS = "referral_rights"
    """The customer was told of their right to refer the complaint to the ombudsman."""



class Decision(StrEnum):
    """The firm's decision on a complaint, as the complaint returns count it."""

    UPHELD = "upheld"
    """The firm found for the customer (even if the redress offered is disputed)."""
    PARTLY_UPHELD = "partly_upheld"
    """The firm found for the customer in part; the FCA's return counts it as upheld."""
    NOT_UPHELD = "not_upheld"
    """The firm rejected the complaint (a goodwill payment does not make it upheld)."""


class VulnerabilityDriver(StrEnum):
    """The FCA's four drivers of vulnerability (FG21/1), recorded without the details."""

    HEALTH = "health"
    """Health conditions or illnesses that affect the ability to carry out day-to-day
    tasks."""
    LIFE_EVENTS = "life_events"
    """Life events such as bereavement, job loss or relationship breakdown."""
    RESILIENCE = "resilience"
    """Low ability to withstand financial or emotional shocks."""
    CAPABILITY = "capability"
    """Low knowledge of financial matters or low confidence in managing money, or low
    capability in reading, numbers or digital skills."""


class RedressKind(StrEnum):
    """What a redress payment was for (the redress the FCA return counts: an amount paid,
    or a cost borne, whose cash value is known)."""

    FINANCIAL_LOSS = "financial_loss"
    """Putting the customer back where they would have been."""
    DISTRESS_AND_INCONVENIENCE = "distress_and_inconvenience"
    """For the distress and inconvenience caused."""
    INTEREST = "interest"
    """Interest on a delayed settlement."""
    GOODWILL = "goodwill"
    """A goodwill payment or gesture."""
    WAIVED_CHARGE = "waived_charge"
    """A fee, charge or excess waived that would otherwise have been paid."""
    OTHER = "other"
    """Any other redress with a cash value."""


class Emotion(StrEnum):
    """How the customer seems, as the agent observes it at a point of the conversation
    (``record_emotion``)."""

    CALM = "calm"
    UPSET = "upset"
    ANGRY = "angry"
    """Let them vent, apologize and show empathy before solving anything."""



class CheckInOutcome(StrEnum):
    """What a check-in after the close found (``record_check_in``)."""

    STILL_RESOLVED = "still_resolved"
    """The problem stays fixed."""
    PROBLEM_BACK = "problem_back"
    """The problem is back: reopen the complaint, within the policy's reopen window."""
    NO_REPLY = "no_reply"
    """The customer could not be reached; another check-in may be scheduled."""


class InteractionalNeed(StrEnum):
    """How a customer needs to be treated while a concern is handled (the three-step
    method's interactional needs), and what meets each."""

    HEARD = "heard"
    """To feel heard: met when the concern was restated and the customer confirmed it."""
    EMPATHY = "empathy"
    """To be understood: met by an expression of empathy."""
    APOLOGY = "apology"
    """To be apologized to: met by an apology."""
    EXPLANATION = "explanation"
    """To be told what happened: met by an explanation of what was found
    (``explain_finding``) or of why it cannot be fixed (``mark_unresolvable``)."""
