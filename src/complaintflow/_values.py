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


class _Named(str, enum.Enum):
    """A string enum whose ``str()`` is its stable value, on every Python version."""

    def __str__(self) -> str:
        return str(self.value)


class Stage(_Named):
    """The seven steps of the workflow, plus ``closed``. The string values are stable."""

    VERIFYING = "verifying"
    LISTENING = "listening"
    PRIORITIZING = "prioritizing"
    ASSESSING_IMPACT = "assessing_impact"
    RESPONDING = "responding"
    FOLLOWING_UP = "following_up"
    RECAPPING = "recapping"
    CLOSED = "closed"


class Severity(_Named):
    """How badly a concern hurts the customer."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Owner(_Named):
    """Who must carry out an action item."""

    AGENT = "agent"
    CUSTOMER = "customer"
    COMPANY = "company"


class CustomerResponse(_Named):
    """What the customer said when the agent sought closure."""

    SATISFIED = "satisfied"
    ACCEPTS = "accepts"
    DISSATISFIED = "dissatisfied"


class Outcome(_Named):
    """How a closed complaint ended."""

    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"


class ConcernStatus(_Named):
    """Where one concern stands."""

    OPEN = "open"
    RESOLVED = "resolved"
    UNRESOLVABLE = "unresolvable"


# --- validators -------------------------------------------------------------------------
# attrs validators with the library's own error, naming the argument at fault.


def text(_: object, attribute: Attribute[Any], value: object) -> None:
    """A non-blank string."""
    if not isinstance(value, str):
        raise InvalidValueError(f"{attribute.name} must be a string", argument=attribute.name)
    if not value.strip():
        raise InvalidValueError(f"{attribute.name} must not be blank", argument=attribute.name)


def optional_text(instance: object, attribute: Attribute[Any], value: object) -> None:
    """``None`` or a non-blank string."""
    if value is not None:
        text(instance, attribute, value)


def aware(_: object, attribute: Attribute[Any], value: object) -> None:
    """A timezone-aware datetime; naive datetimes are refused everywhere."""
    if not isinstance(value, datetime):
        raise InvalidValueError(f"{attribute.name} must be a datetime", argument=attribute.name)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValueError(
            f"{attribute.name} must be timezone-aware, got naive {value.isoformat()}",
            argument=attribute.name,
            code="naive_time",
        )


def optional_aware(instance: object, attribute: Attribute[Any], value: object) -> None:
    """``None`` or a timezone-aware datetime."""
    if value is not None:
        aware(instance, attribute, value)


def amount(_: object, attribute: Attribute[Any], value: object) -> None:
    """``None`` or a finite, non-negative Decimal."""
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise InvalidValueError(
            f"{attribute.name} must be a finite, non-negative decimal amount",
            argument=attribute.name,
        )


def utc(value: datetime, name: str = "at") -> datetime:
    """``value`` in UTC; raises :class:`InvalidValueError` for a naive or non-datetime.

    The library records every time in UTC: Python compares two datetimes that share one
    ``tzinfo`` by their wall clocks, which is wrong across daylight-saving changes.
    """
    if not isinstance(value, datetime):
        raise InvalidValueError(f"{name} must be a datetime", argument=name)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValueError(
            f"{name} must be timezone-aware, got naive {value.isoformat()}",
            argument=name,
            code="naive_time",
        )
    if value.tzinfo is timezone.utc:
        return value
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:  # e.g. 0001-01-01 at +01:00 has no UTC time
        raise InvalidValueError(f"{name} {value.isoformat()} has no UTC equivalent",
                                argument=name, code="invalid_time") from None


_E = TypeVar("_E", bound=enum.Enum)


def as_member(enum_type: type[_E], value: object, argument: str) -> _E:
    """The member of ``enum_type`` named by ``value`` (a member or its string value)."""
    try:
        return enum_type(value)
    except ValueError:
        choices = ", ".join(str(member.value) for member in enum_type)
        raise InvalidValueError(f"{argument} must be one of {choices}; got {value!r}",
                                argument=argument) from None


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Convert a host-friendly number to Decimal; floats are refused (they lose cents)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise InvalidValueError("an amount must be a Decimal, an int or a decimal string")
    try:
        return Decimal(value)
    except ArithmeticError as error:
        raise InvalidValueError(f"{value!r} is not a decimal amount") from error


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

    name: str = field(validator=text)
    callback: str = field(validator=text)
    customer_id: str | None = field(default=None, validator=optional_text)
    service: str | None = field(default=None, validator=optional_text)


@frozen
class Assignment:
    """The agent who owns the complaint now, and the skill it needs."""

    agent: str = field(validator=text)
    skill: str | None = field(default=None, validator=optional_text)


@frozen(slots=False)  # dict-backed for the fast `replace`
class Impact:
    """What a concern means to the customer, as they describe it (IBM step 4)."""

    description: str = field(validator=text)
    severity: Severity
    restatement: str | None = field(default=None, validator=optional_text)
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
