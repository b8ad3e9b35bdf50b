"""The complaint aggregate: an immutable value that commands turn into the next one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from attrs import frozen

from .._values.checks import check_text, currency_code, utc
from .._values.enums import ConcernStatus, CustomerResponse, InteractionalNeed, Outcome, Stage
from .._values.errors import InvalidValueError
from .._values.parts import (
    ActionItem,
    Assignment,
    Classification,
    Compensation,
    Concern,
    ConcernRecap,
    Contact,
    Customer,
    Escalation,
    Feedback,
    Practices,
    PreventiveAction,
    Receipt,
    RootCause,
    Timeline,
)
from ..commands import Command
from ..events import AnyEvent, ComplaintOpened, Event
from .engine import allowed_commands, fold, run
from .log import checked
from .policy import Policy
from .rejection import CommandRejected, Rejection

_NO_TIMELINE = Timeline()
_NO_CLASSIFICATION = Classification()
_NO_PRACTICES = Practices()
_OPEN = ConcernStatus.OPEN  # read once: an enum member is slow to look up on its class


@frozen(kw_only=True, slots=False)  # dict-backed: folding copies it with `replace`
class Complaint:
    """One customer complaint, as it stands after ``revision`` applied commands.

    Never mutated: :meth:`apply` returns the next complaint. Build one with
    :func:`open_complaint`, or rebuild one from its events with :meth:`from_events`.
    """

    complaint_id: str
    policy: Policy
    received_at: datetime
    stage: Stage = Stage.VERIFYING
    revision: int = 1
    seq: int = 1
    updated_at: datetime
    customer: Customer | None = None
    assignment: Assignment | None = None
    concerns: tuple[Concern, ...] = ()
    priority: tuple[str, ...] = ()
    actions: tuple[ActionItem, ...] = ()
    compensations: tuple[Compensation, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    follow_up_at: datetime | None = None
    contact: Contact | None = None
    apologized: bool = False
    empathy_expressed: bool = False
    vented: bool = False
    recapped: bool = False
    closure: CustomerResponse | None = None
    thanked: bool = False
    outcome: Outcome | None = None
    closed_at: datetime | None = None
    # what the returns count, and what was learnt (root causes, preventive actions)
    classification: Classification = _NO_CLASSIFICATION
    feedback: Feedback | None = None
    # what the practices beyond the seven steps recorded (how the customer seems, ...)
    practices: Practices = _NO_PRACTICES
    receipts: tuple[Receipt, ...] = ()
    # what the clocks read (see deadlines()); sub-records, so that a fresh complaint keeps
    # CPython's compact shared-key instance dict (at most 29 fields: see test_workflow)
    timeline: Timeline = _NO_TIMELINE

    # --- queries --------------------------------------------------------------------------

    @property
    def root_causes(self) -> tuple[RootCause, ...]:
        """Why it went wrong, as recorded (``classification.root_causes``)."""
        return self.classification.root_causes

    @property
    def preventive_actions(self) -> tuple[PreventiveAction, ...]:
        """What will stop it happening again (``classification.preventive_actions``)."""
        return self.classification.preventive_actions

    def concern(self, concern_id: str) -> Concern | None:
        """The concern with this id, or ``None``."""
        for concern in self.concerns:
            if concern.id == concern_id:
                return concern
        return None

    def action(self, action_id: str) -> ActionItem | None:
        """The action item with this id, or ``None``."""
        for action in self.actions:
            if action.id == action_id:
                return action
        return None

    @property
    def open_concerns(self) -> tuple[Concern, ...]:
        """Concerns neither resolved nor marked unresolvable, in the order they were heard."""
        return tuple([concern for concern in self.concerns if concern.status is _OPEN])

    def recap(self) -> tuple[ConcernRecap, ...]:
        """Every concern and its outcome, with its transactional and interactional needs and
        whether each is met (the three-step method): what the agent recaps (IBM step 7)."""
        recaps = []
        for concern in self.concerns:
            needs = concern.needs
            wanted = needs.interactional if needs is not None else ()
            met = tuple(need for need in wanted if self._meets(concern, need))
            acted = (bool(concern.relief) or concern.status is ConcernStatus.RESOLVED
                     or any(concern.id in action.concern_ids for action in self.actions))
            recaps.append(ConcernRecap(
                concern_id=concern.id, text=concern.text, status=concern.status,
                outcome=concern.resolution or concern.explanation,
                transactional=needs.transactional if needs is not None else None,
                transactional_met=acted, interactional_met=met,
                interactional_unmet=tuple(need for need in wanted if need not in met)))
        return tuple(recaps)

    def _meets(self, concern: Concern, need: InteractionalNeed) -> bool:
        if need is InteractionalNeed.HEARD:
            return concern.confirmed
        if need is InteractionalNeed.EMPATHY:
            return self.empathy_expressed
        if need is InteractionalNeed.APOLOGY:
            return self.apologized
        return (concern.explanation is not None or concern.finding is not None
                or self.practices.finding is not None)

    @property
    def open_actions(self) -> tuple[ActionItem, ...]:
        """Action items not yet completed."""
        return tuple([action for action in self.actions if action.completed_at is None])

    def authority_limit(self, currency: str) -> Decimal | None:
        """The limit in force in ``currency`` (an ISO 4217 code): what the compensations
        offered in it may add up to. The policy's limit for it, raised (never lowered) by
        escalations in that currency; ``None`` when neither sets one, and then an amount
        in it is refused."""
        limit = self.policy.authority_limit(currency)
        for escalation in self.escalations:
            granted = escalation.authority_limit
            if (granted is not None and escalation.currency == currency
                    and (limit is None or granted > limit)):
                limit = granted
        return limit

    def compensation_total(self, currency: str) -> Decimal:
        """What the compensations offered so far in ``currency`` add up to."""
        currency_code(currency)
        return sum((compensation.amount for compensation in self.compensations
                    if compensation.currency == currency and compensation.amount is not None),
                   Decimal(0))

    @property
    def is_closed(self) -> bool:
        return self.stage is Stage.CLOSED

    def allowed_commands(self) -> tuple[str, ...]:
        """The command names the complaint accepts now (their arguments are still checked)."""
        return allowed_commands(self)

    # --- change ---------------------------------------------------------------------------

    def apply(self, command: Command, *, at: datetime) -> Applied:
        """Apply ``command`` at time ``at``: the next complaint and the events recorded.

        Raises :class:`CommandRejected` (nothing changes) when a rule is broken, and
        :class:`InvalidValueError` for a naive ``at``.
        """
        outcome = run(self, command, utc(at))
        if isinstance(outcome, tuple):
            return Applied(outcome[0], outcome[1])
        if isinstance(outcome, Rejection):
            raise CommandRejected(outcome)
        return Applied(self, (), outcome)

    def check(self, command: Command, *, at: datetime) -> Rejection | None:
        """The rejection ``apply`` would raise, or ``None`` when the command would apply."""
        outcome = run(self, command, utc(at))
        return outcome if isinstance(outcome, Rejection) else None

    def receipt(self, command_id: str | None) -> Receipt | None:
        """The receipt of the remembered command applied under ``command_id``, or ``None``."""
        for receipt in self.receipts:
            if receipt.command_id == command_id:
                return receipt
        return None

    @classmethod
    def from_events(cls, events: Iterable[Event], *,
                    as_of: datetime | None = None) -> Complaint:
        """Rebuild a complaint by folding its events, starting with ``complaint_opened``.

        With ``as_of``, the complaint as it stood then: the events at or before ``as_of``
        only (the rest of the log is not read). The log must have begun by then. Cost:
        O(events), whatever they are.
        """
        return fold_log(checked(events), as_of=as_of)


def fold_log(log: Iterable[AnyEvent], *, as_of: datetime | None = None) -> Complaint:
    """:meth:`Complaint.from_events` of a log already checked (``checked()``, in UTC)."""
    events = iter(log)
    first = next(events, None)
    if not isinstance(first, ComplaintOpened):
        raise InvalidValueError("an event log must start with a complaint_opened event",
                                argument="events")
    complaint = _opened(first)
    if as_of is None:
        for event in events:
            complaint = fold(complaint, event)
        return complaint
    until = utc(as_of, "as_of")
    if until < first.at:
        raise InvalidValueError(f"as_of ({until.isoformat()}) is before the complaint was "
                                f"opened ({first.at.isoformat()})", argument="as_of")
    for event in events:
        if event.at > until:
            break
        complaint = fold(complaint, event)
    return complaint


@frozen
class Applied:
    """An applied command: the next complaint and the events it recorded, in order.

    ``duplicate`` is set when the command's ``command_id`` had already been applied: then
    nothing changed, ``events`` is empty, and the receipt says which event (``seq``) and
    revision the first application recorded.
    """

    complaint: Complaint
    events: tuple[AnyEvent, ...]
    duplicate: Receipt | None = None


def _opened(event: ComplaintOpened) -> Complaint:
    return Complaint(
        complaint_id=event.complaint_id,
        policy=event.policy,
        received_at=event.at,
        seq=event.seq,
        updated_at=event.at,
    )


_DEFAULT_POLICY = Policy()


def open_complaint(complaint_id: str, *, at: datetime, policy: Policy | None = None) -> Applied:
    """Open a complaint received at ``at``: revision 1, stage ``verifying``.

    The returned events hold the ``complaint_opened`` event that starts its log.
    """
    check_text(complaint_id, "complaint_id")
    if policy is not None and not isinstance(policy, Policy):
        raise InvalidValueError(f"policy must be a Policy, got {type(policy).__name__}",
                                argument="policy")
    event = ComplaintOpened(seq=1, at=utc(at), complaint_id=complaint_id,
                            policy=policy if policy is not None else _DEFAULT_POLICY)
    return Applied(complaint=_opened(event), events=(event,))
