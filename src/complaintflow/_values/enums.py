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

