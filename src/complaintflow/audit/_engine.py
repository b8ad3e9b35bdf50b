"""``audit``: run rules over one complaint's event log and grade what they find."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from .._core.complaint import Complaint
from .._values.checks import shown
from .._values.errors import InvalidValueError
from ..events import Event
from ._builtin import BUILTIN_RULES
from ._model import AuditPolicy, Finding, Grade, Item, Scorecard, Verdict
from ._trail import Trail


class Rule(Protocol):
    """What the audit needs of a rule; the built-ins and a host's own rules alike.

    A rule receives the :class:`Trail` (the complaint's events, indexed, with the
    complaint's policy and the time the audit looks from) and returns a :class:`Finding`;
    the audit adds the id, title, source and (possibly re-graded) severity.
    """

    @property
    def id(self) -> str:
        """Stable snake_case id, unique within one audit."""

    @property
    def title(self) -> str:
        """A short title for tables."""

    @property
    def source(self) -> str:
        """Where the rule comes from: "IBM step 1", "house rule 12", ..."""

    @property
    def severity(self) -> Grade:
        """The default grade of a failure."""

    def check(self, trail: Trail) -> Finding:
        """Check one complaint's log."""


@runtime_checkable
class Recorded(Protocol):
    """Anything that carries a complaint's whole event log as ``events``."""

    @property
    def events(self) -> Sequence[Event]: ...


Auditable = Recorded | Iterable[Event]
"""What :func:`audit` accepts: an event log, or an object with the whole log as ``events``."""


def events_of(subject: object) -> Iterable[Event]:
    if isinstance(subject, Complaint):
        raise InvalidValueError(
            "a Complaint holds its state, not its history: audit its event log (or a "
            "Recording, which keeps both)", argument="subject")
    if isinstance(subject, Recorded):
        return subject.events
    if isinstance(subject, Iterable):
        return subject
    raise InvalidValueError(f"cannot audit {shown(subject)}: expected an event log",
                            argument="subject")


def checked_rules(rules: Iterable[Rule] | None, policy: AuditPolicy) -> tuple[Rule, ...]:
    """The rules an audit runs: unique ids, the policy's ids known, disabled ones left out."""
    every: tuple[Rule, ...] = tuple(BUILTIN_RULES if rules is None else rules)
    ids = [rule.id for rule in every]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        raise InvalidValueError(f"rule ids must be unique: {', '.join(duplicates)}",
                                argument="rules")
    named = (*policy.disabled, *(regrade.rule_id for regrade in policy.regrade))
    unknown = sorted(set(named) - set(ids))
    if unknown:
        raise InvalidValueError(f"the audit policy names unknown rules: {', '.join(unknown)}",
                                argument="policy")
    return tuple(rule for rule in every if rule.id not in policy.disabled)


_DEFAULT = AuditPolicy()


def audit(subject: Auditable, *, policy: AuditPolicy | None = None,
          rules: Iterable[Rule] | None = None, as_of: datetime | None = None) -> Scorecard:
    """Audit one complaint's event log: a :class:`Scorecard` with an item per rule.

    ``subject`` is the log (starting with ``complaint_opened``), typed events in order, or
    anything with the log as ``events`` (a :class:`~complaintflow.testing.Recording`).
    ``rules`` default to :data:`~complaintflow.audit.BUILTIN_RULES`; pass
    ``[*BUILTIN_RULES, MyRule()]`` to add your own. ``policy`` disables or re-grades rules
    by id. ``as_of`` is the time the audit looks from (default: the last event's), which
    decides whether open items are overdue.
    """
    if policy is None:
        policy = _DEFAULT
    elif not isinstance(policy, AuditPolicy):
        raise InvalidValueError(f"policy must be an AuditPolicy, got {shown(policy)}",
                                argument="policy")
    trail = Trail(events_of(subject), as_of=as_of)
    return run_rules(trail, checked_rules(rules, policy), policy)


def run_rules(trail: Trail, rules: Sequence[Rule], policy: AuditPolicy) -> Scorecard:
    """The scorecard of ``rules`` (already checked) on ``trail``."""
    items = []
    regraded = bool(policy.regrade)
    for rule in rules:
        finding = rule.check(trail)
        if not isinstance(finding, Finding):
            raise InvalidValueError(f"rule {rule.id} returned {shown(finding)}, not a Finding",
                                    argument="rules")
        severity = policy.severity_of(rule.id, rule.severity) if regraded else rule.severity
        items.append(Item(
            rule_id=rule.id, title=rule.title, source=rule.source, severity=severity,
            result=finding.verdict, evidence=finding.evidence,
            explanation=finding.explanation if finding.verdict is Verdict.FAILED else ""))
    return Scorecard(complaint_id=trail.complaint_id, items=tuple(items))
