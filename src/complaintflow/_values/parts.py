"""The frozen values a complaint is made of, and the fast copy the fold makes of them.

Values validate themselves when they are built, so a value that exists is a valid one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, TypeVar

from attrs import Attribute, field, frozen

from .checks import currency, non_blank, optional_non_blank, to_decimal, valid_amount
from .enums import (
    CheckInOutcome,
    CommunicationKind,
    ConcernStatus,
    Decision,
    Emotion,
    InteractionalNeed,
    Owner,
    RedressKind,
    Severity,
    VulnerabilityDriver,
)

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


# --- personal data ----------------------------------------------------------------------

PERSONAL: Mapping[str, object] = MappingProxyType({"personal": True})
"""The attrs field metadata that marks personal data (a name, a call-back number).

Declared once, on the field (``field(metadata=PERSONAL)``), it is all that the rest
derives from: such a field shows :data:`REDACTED` in reprs (with :func:`redacting` as the
class's ``field_transformer``), :func:`~complaintflow.audit.timeline` leaves it out unless
asked, and ``redact`` replaces it in dumped snapshots and events.
"""

REDACTED = "<redacted>"
"""What a personal field shows instead of its value."""

INTERNAL: Mapping[str, object] = MappingProxyType({"internal": True})
"""The attrs field metadata that marks what is never part of what the customer is told
(an internal note, a team briefing, the internal root-cause record): declared once, on
the field, it is all that :func:`~complaintflow.customer_view` derives what to leave out
from."""

WITHHELD = "<internal>"
"""What an internal field shows in a customer-facing view of a snapshot."""


def is_internal(attribute: Attribute[Any]) -> bool:
    """Whether the field is internal (see :data:`INTERNAL`)."""
    return bool(attribute.metadata.get("internal"))


def about(description: str, *, refers: str | None = None, personal: bool = False,
          internal: bool = False) -> Mapping[str, object]:
    """The attrs field metadata of a command argument: what it is, said once.

    ``description`` is the sentence the argument's JSON Schema, its tool definitions and
    the docs show; ``refers`` names what an id argument points at (``"concern"`` or
    ``"action"``), so that the schemas can say what such an id looks like and the agents'
    guidance can say which ids each command is ready for; ``personal`` marks personal
    data, as :data:`PERSONAL` does; ``internal`` marks what the customer is never told,
    as :data:`INTERNAL` does.
    """
    metadata: dict[str, object] = {"about": description}
    if refers is not None:
        metadata["refers"] = refers
    if personal:
        metadata.update(PERSONAL)
    if internal:
        metadata["internal"] = True  # as INTERNAL does
    return MappingProxyType(metadata)


def description_of(attribute: Attribute[Any]) -> str | None:
    """The description declared with :func:`about` on the field, if any."""
    text = attribute.metadata.get("about")
    return text if isinstance(text, str) else None


def is_personal(attribute: Attribute[Any]) -> bool:
    """Whether the field holds personal data (see :data:`PERSONAL`)."""
    return bool(attribute.metadata.get("personal"))


def _redacted(_: object) -> str:
    return REDACTED


def redacting(cls: type, fields: list[Attribute[Any]]) -> list[Attribute[Any]]:
    """An attrs ``field_transformer``: the personal fields' reprs show :data:`REDACTED`, so
    that a repr in a log line, a traceback or a test failure never shows them."""
    return [a.evolve(repr=_redacted) if is_personal(a) else a for a in fields]


# --- money -------------------------------------------------------------------------------


def _amount(value: Decimal | int | str) -> Decimal:
    return to_decimal(value, "amount")


@frozen
class Money:
    """An amount in a currency (an active ISO 4217 code such as ``"GBP"``).

    Amounts in different currencies never add up, so a limit is always a sum of money in
    one currency, never a bare number: 49 JPY is not 49 GBP.
    """

    currency: str = field(validator=currency)
    amount: Decimal = field(converter=_amount, validator=valid_amount)


# --- the complaint's parts --------------------------------------------------------------


@frozen(field_transformer=redacting)
class Customer:
    """Who is speaking, how to call them back, and what service they need (IBM step 1).

    ``name`` and ``callback`` are personal data: reprs show them as ``<redacted>``."""

    name: str = field(validator=non_blank, metadata=PERSONAL)
    callback: str = field(validator=non_blank, metadata=PERSONAL)
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


@frozen
class Needs:
    """What a concern needs (the three-step method): ``transactional``, what must be done
    about it, in a few words (met by relief, a plan item or a resolution), and the
    ``interactional`` needs, how the customer needs to be treated (met by conduct: see
    :class:`~complaintflow.InteractionalNeed`)."""

    interactional: tuple[InteractionalNeed, ...]
    transactional: str | None = None


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
    finding: str | None = None
    """What was found, as explained to the customer (``explain_finding``), the latest."""
    needs: Needs | None = None
    """Its transactional and interactional needs, when recorded (``record_needs``)."""

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
    why_best: str | None = None
    """Why this is the best solution, as told to the customer, when said."""
    involves_others: bool = False
    """It needs people beyond the agent (another team, a supplier): for a company item,
    the team is briefed before each follow-up contact (``brief_team``)."""

    @property
    def is_open(self) -> bool:
        return self.completed_at is None


@frozen
class Compensation:
    """Something of value offered to the customer, and the authority it was given under.

    ``authority_limit`` is the limit in force in its ``currency`` when it was offered
    (``None`` for an offer without a currency).
    """

    kind: str
    description: str
    concern_id: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    authority_limit: Decimal | None = None


@frozen
class Escalation:
    """A hand-over to someone with more authority: ``authority_limit``, if set, is the
    limit it grants in ``currency``."""

    to: str
    reason: str
    authority_limit: Decimal | None = None
    currency: str | None = None


@frozen(slots=False)  # dict-backed for the fast `replace`
class Contact:
    """One follow-up call or chat; open items must be reviewed before anything else."""

    channel: str
    started_at: datetime
    reviewed: bool = False


@frozen
class RootCause:
    """Why it went wrong, and whether the company was at fault (Evenson step 2);
    ``vulnerability_failure``: the complaint was caused by a failure to consider or to
    respond to the customer's vulnerability (the FCA's second vulnerability count)."""

    category: str
    description: str = field(metadata=INTERNAL)
    company_at_fault: bool
    vulnerability_failure: bool = False


@frozen
class PreventiveAction:
    """What will stop it happening again (Evenson step 5)."""

    description: str
    owner: str


@frozen(kw_only=True)
class ConcernRecap:
    """One concern in the recap (:meth:`Complaint.recap <complaintflow.Complaint.recap>`):
    where it stands and its outcome, and both kinds of need with whether each was met.

    ``transactional_met``: it had relief, a plan item or a resolution. The interactional
    needs recorded are split into those met (heard: restated and confirmed; empathy and
    apology: expressed in this round; explanation: given) and those still ``unmet``.
    Without recorded needs, ``transactional`` is ``None`` and both tuples are empty.
    """

    concern_id: str
    text: str
    status: ConcernStatus
    outcome: str | None
    transactional: str | None
    transactional_met: bool
    interactional_met: tuple[InteractionalNeed, ...]
    interactional_unmet: tuple[InteractionalNeed, ...]


@frozen(kw_only=True)
class Redress:
    """Redress paid to the customer (``record_redress``): what for, how much, when."""

    seq: int
    at: datetime
    kind: RedressKind
    amount: Decimal
    currency: str


@frozen(kw_only=True, slots=False)  # dict-backed for the fast `replace`
class Classification:
    """What the complaint returns need of a complaint, without personal data: the
    ``product`` and ``cause`` codes it is filed under and the ``channel`` it came in by
    (``classify``), the firm's ``decision``, the ``redress`` paid, the ``vulnerability``
    drivers identified (the drivers only, never the details), and what was learnt: the
    root causes and the preventive actions."""

    product: str | None = None
    cause: str | None = None
    channel: str | None = None
    decision: Decision | None = None
    redress: tuple[Redress, ...] = ()
    vulnerability: tuple[VulnerabilityDriver, ...] = ()
    root_causes: tuple[RootCause, ...] = ()
    preventive_actions: tuple[PreventiveAction, ...] = ()

    @property
    def vulnerability_failure(self) -> bool:
        """Whether a root cause says the complaint came from a failure to consider or to
        respond to the customer's vulnerability."""
        return any(cause.vulnerability_failure for cause in self.root_causes)


@frozen(kw_only=True, slots=False)  # dict-backed for the fast `replace`
class Practices:
    """What the sources' practices beyond the seven steps recorded on the complaint:
    ``emotion``, how the customer seemed when last observed (``record_emotion``);
    ``finding``, what was found about the complaint as a whole, as explained to the
    customer (``explain_finding`` without a concern); ``responsibility_taken``: the agent
    took responsibility for the company's fault (``take_responsibility``); ``briefed``."""

    emotion: Emotion | None = None
    finding: str | None = None
    responsibility_taken: bool = False
    briefed: bool = False
    """The team was briefed (``brief_team``) since the latest follow-up contact started."""


@frozen
class Feedback:
    """The customer's score of how the complaint was handled, 1 to 5."""

    score: int
    comment: str | None = None


@frozen
class Receipt:
    """A command the complaint applied under the host's ``command_id``.

    ``seq`` is the sequence number of the event it recorded and ``revision`` the revision
    it produced; a retry of the same command under the same id gets this receipt back
    instead of a second apply. ``fingerprint`` is the digest of the command (``None`` for a
    receipt kept from a version-1 snapshot, which answers any retry of its id).
    """

    command_id: str
    seq: int
    revision: int
    fingerprint: str | None = field(default=None, repr=False)


# --- what the clocks read ---------------------------------------------------------------
# State, not history: what the clocks need to be evaluated from the complaint alone, kept
# bounded (the first communication of each kind, the latest follow-up, the latest touch);
# the history stays in the event log. Each records the ``seq`` of the event it comes from.


@frozen(kw_only=True)
class Communication:
    """A regulated communication sent to the customer (``record_communication``)."""

    seq: int
    at: datetime
    kind: CommunicationKind
    channel: str
    summary: str | None = None


@frozen(kw_only=True)
class Touch:
    """A follow-up contact that took place, or a communication sent: what the next-contact
    clock stops on and the keep-in-the-loop clock restarts at."""

    seq: int
    at: datetime


@frozen(kw_only=True)
class FollowUp:
    """A scheduled follow-up: when it was scheduled (``seq``, ``scheduled_at``) and for
    when (``due``)."""

    seq: int
    scheduled_at: datetime
    due: datetime


@frozen(kw_only=True, slots=False)  # dict-backed for the fast `replace`
class CheckIn:
    """A check-in with the customer after the close (``schedule_check_in``): when it was
    scheduled (``seq``, ``scheduled_at``), for when (``due``) and how (``channel``); once
    held (``record_check_in``), when (``held``) and what it found (``outcome``)."""

    seq: int
    scheduled_at: datetime
    due: datetime
    channel: str
    held: Touch | None = None
    outcome: CheckInOutcome | None = None


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
    """What the clocks read, kept on the complaint (``complaint.timeline``): state, not
    history, so that it stays the same size however long the log grows.

    ``first_communications``: the first regulated communication of each kind, in the order
    they were sent (the deadline clocks stop on the first of a kind); ``follow_up``: the
    latest scheduled follow-up; ``follow_up_touch``: the first contact or communication
    after it was scheduled (``None``: none yet); ``last_touch``: the latest contact or
    communication; ``pauses``: one interval per action item owned by the customer;
    ``stage_since``: when the stage last changed (``None``: not since the complaint was
    opened); ``check_in``: the latest check-in after the close, scheduled or held (until
    the complaint is reopened). Every communication and contact stays in the event log.
    """

    first_communications: tuple[Communication, ...] = ()
    follow_up: FollowUp | None = None
    follow_up_touch: Touch | None = None
    last_touch: Touch | None = None
    pauses: tuple[PauseInterval, ...] = ()
    stage_since: datetime | None = None
    check_in: CheckIn | None = None


def touched(timeline: Timeline, seq: int, at: datetime) -> dict[str, Touch]:
    """The changes a contact or a communication (event ``seq`` at ``at``) makes to the
    timeline's touches."""
    touch = Touch(seq=seq, at=at)
    if timeline.follow_up is not None and timeline.follow_up_touch is None:
        return {"last_touch": touch, "follow_up_touch": touch}
    return {"last_touch": touch}
