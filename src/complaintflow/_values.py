"""Frozen, validated values: the vocabulary every other layer is written in.

Values validate themselves when they are built, so a value that exists is a valid one.
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, TypeVar

from attrs import Attribute, field, frozen

from ._errors import InvalidValueError


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


# --- validators and converters ----------------------------------------------------------
# attrs validators with the library's own error, naming the argument at fault. The JSON
# entry point reuses them, so a typed command and a JSON one fail alike.


def non_blank(_: object, attribute: Attribute[Any], value: object) -> None:
    """A non-blank string."""
    if not isinstance(value, str):
        raise InvalidValueError(f"{attribute.name} must be a string", argument=attribute.name)
    if not value.strip():
        raise InvalidValueError(f"{attribute.name} must not be blank", argument=attribute.name)


def optional_non_blank(instance: object, attribute: Attribute[Any], value: object) -> None:
    """``None`` or a non-blank string."""
    if value is not None:
        non_blank(instance, attribute, value)


def flag(_: object, attribute: Attribute[Any], value: object) -> None:
    """A real bool: the string "false" is truthy, so strings are refused."""
    if not isinstance(value, bool):
        raise InvalidValueError(f"{attribute.name} must be true or false, got {value!r}",
                                argument=attribute.name)


def aware(_: object, attribute: Attribute[Any], value: object) -> None:
    """A timezone-aware datetime; naive datetimes are refused everywhere."""
    check_aware(value, attribute.name)


def check_aware(value: object, argument: str) -> datetime:
    """``value`` if it is a timezone-aware datetime, else :class:`InvalidValueError`."""
    if not isinstance(value, datetime):
        raise InvalidValueError(f"{argument} must be a datetime, got {value!r}",
                                argument=argument, code="invalid_time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValueError(f"{argument} must be timezone-aware, got naive "
                                f"{value.isoformat()}", argument=argument, code="naive_time")
    return value


def valid_amount(_: object, attribute: Attribute[Any], value: object) -> None:
    """``None`` or a finite, non-negative Decimal."""
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise InvalidValueError(
            f"{attribute.name} must be a finite, non-negative decimal amount",
            argument=attribute.name,
        )


def utc(value: datetime, argument: str = "at") -> datetime:
    """``value`` in UTC; raises :class:`InvalidValueError` for a naive or non-datetime.

    The library records every time in UTC: Python compares two datetimes that share one
    ``tzinfo`` by their wall clocks, which is wrong across daylight-saving changes.
    """
    if isinstance(value, datetime) and value.tzinfo is timezone.utc:
        return value  # the common case, kept cheap: it is on every command's path
    check_aware(value, argument)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:  # e.g. 0001-01-01 at +01:00 has no UTC time
        raise InvalidValueError(f"{argument}: {value.isoformat()} has no UTC equivalent",
                                argument=argument, code="invalid_time") from None


_E = TypeVar("_E", bound=enum.Enum)


def as_member(enum_type: type[_E], value: object, argument: str) -> _E:
    """The member of ``enum_type`` named by ``value`` (a member or its string value)."""
    try:
        return enum_type(value)
    except ValueError:
        choices = ", ".join(str(member.value) for member in enum_type)
        raise InvalidValueError(f"{argument} must be one of {choices}; got {value!r}",
                                argument=argument) from None


def to_decimal(value: object, argument: str | None = None) -> Decimal:
    """A finite Decimal from a Decimal, an int or a decimal string; floats are refused
    because they cannot hold cents exactly."""

    def invalid(detail: str) -> InvalidValueError:
        message = f"{argument}: {detail}" if argument else detail
        return InvalidValueError(message, argument=argument)

    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise invalid(f"expected a decimal string, an int or a Decimal, got {value!r}")
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise invalid(f"{value!r} is not a decimal amount") from None
    if not amount.is_finite():
        raise invalid(f"expected a finite amount, got {value!r}")
    return amount


_T = TypeVar("_T")


def replace(instance: _T, changes: dict[str, Any]) -> _T:
    """A copy of a dict-backed frozen attrs value with ``changes``, without re-validating.

    ``attrs.evolve`` re-runs ``__init__`` (and every validator) on every field; folding an
    event only ever combines values that are already valid, so the fold uses this copy of
    the instance dictionary instead. It is the workflow's hot path: keep it this small.
    """
    state = instance.__dict__.copy()
    state.update(changes)
    copy = object.__new__(type(instance))
    object.__setattr__(copy, "__dict__", state)
    return copy


# --- the complaint's parts --------------------------------------------------------------


@frozen
class Customer:
    """Who is speaking, how to call them back, and what service they need (IBM step 1)."""

    name: str = field(validator=non_blank)
    callback: str = field(validator=non_blank)
    customer_id: str | None = field(default=None, validator=optional_non_blank)
    service: str | None = field(default=None, validator=optional_non_blank)


@frozen
class Assignment:
    """The agent who owns the complaint now, and the skill it needs."""

    agent: str = field(validator=non_blank)
    skill: str | None = field(default=None, validator=optional_non_blank)


@frozen(slots=False)  # dict-backed for the fast `replace`
class Impact:
    """What a concern means to the customer, as they describe it (IBM step 4)."""

    description: str = field(validator=non_blank)
    severity: Severity
    restatement: str | None = field(default=None, validator=optional_non_blank)
    agreed: bool = False


@frozen(slots=False)  # dict-backed for the fast `replace`
class Concern:
    """One problem in the customer's words, the agent's restatement, and where it stands."""

    id: str
    text: str
    restatement: str | None = None
    confirmed: bool = False
    impact: Impact | None = None
    relief: tuple[str, ...] = ()
    status: ConcernStatus = ConcernStatus.OPEN
    resolution: str | None = None
    explanation: str | None = None
    accommodation: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is ConcernStatus.OPEN


@frozen(slots=False)  # dict-backed for the fast `replace`
class ActionItem:
    """One item of the action plan: what, who does it, by when, for which concerns."""

    id: str
    description: str
    owner: Owner
    due: datetime
    concern_ids: tuple[str, ...]
    completed_at: datetime | None = None
    note: str | None = None

    @property
    def is_open(self) -> bool:
        return self.completed_at is None


@frozen
class Compensation:
    """Something of value offered to the customer, and the authority it was given under."""

    kind: str
    description: str
    concern_id: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    authority_limit: Decimal = Decimal(0)


@frozen
class Escalation:
    """A hand-over to someone with more authority."""

    to: str
    reason: str
    authority_limit: Decimal | None = None


@frozen(slots=False)  # dict-backed for the fast `replace`
class Contact:
    """One follow-up call or chat; open items must be reviewed before anything else."""

    channel: str
    started_at: datetime
    reviewed: bool = False


@frozen
class RootCause:
    """Why it went wrong, and whether the company was at fault (Evenson step 2)."""

    category: str
    description: str
    company_at_fault: bool


@frozen
class PreventiveAction:
    """What will stop it happening again (Evenson step 5)."""

    description: str
    owner: str


@frozen
class Feedback:
    """The customer's score of how the complaint was handled, 1 to 5."""

    score: int
    comment: str | None = None


@frozen
class Receipt:
    """A command the complaint applied under the host's ``command_id``.

    ``seq`` is the sequence number of the event it recorded and ``revision`` the revision
    it produced; a retry of the same id gets this receipt back instead of a second apply.
    """

    command_id: str
    seq: int
    revision: int


# --- what the clocks read ---------------------------------------------------------------
# Kept in the complaint's state so that a clock can be evaluated from a complaint alone, at
# any time: each records the ``seq`` of the event it comes from.


@frozen(kw_only=True)
class Communication:
    """A regulated communication sent to the customer (``record_communication``)."""

    seq: int
    at: datetime
    kind: CommunicationKind
    channel: str
    summary: str | None = None


@frozen(kw_only=True)
class ContactRecord:
    """A follow-up contact that took place (``start_contact``)."""

    seq: int
    at: datetime
    channel: str


@frozen(kw_only=True)
class FollowUp:
    """A scheduled follow-up: when it was scheduled (``seq``, ``scheduled_at``) and for
    when (``due``)."""

    seq: int
    scheduled_at: datetime
    due: datetime


@frozen(kw_only=True, slots=False)  # dict-backed for the fast `replace`
class PauseInterval:
    """A span during which clocks with a pause rule stand still: an action owned by the
    customer was open from ``start`` until ``end`` (``None``: still open)."""

    action_id: str
    start: datetime
    start_seq: int
    end: datetime | None = None
    end_seq: int | None = None


@frozen(kw_only=True, slots=False)  # dict-backed for the fast `replace`
class Timeline:
    """What the clocks read, kept on the complaint (``complaint.timeline``) so that a clock
    can be evaluated from the complaint alone, at any time: every regulated communication,
    every follow-up contact, every scheduled follow-up, the pause intervals, and when the
    stage last changed (``None``: not since the complaint was opened)."""

    communications: tuple[Communication, ...] = ()
    contacts: tuple[ContactRecord, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    pauses: tuple[PauseInterval, ...] = ()
    stage_since: datetime | None = None
