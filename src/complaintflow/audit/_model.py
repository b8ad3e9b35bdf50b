"""The audit's values: grades, verdicts, findings, scorecard items and the audit policy."""

from __future__ import annotations

import enum
from collections.abc import Iterator

from attrs import field, frozen

from .._values.checks import as_member, as_tuple, shown
from .._values.errors import InvalidValueError


class Grade(str, enum.Enum):
    """How much a failed rule matters: ``critical`` fails an audit outright."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"

    def __str__(self) -> str:
        return str(self.value)


class Verdict(str, enum.Enum):
    """What a rule found: ``passed``, ``failed``, or ``not_applicable`` (nothing to check)."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"

    def __str__(self) -> str:
        return str(self.value)


def _seqs(value: object) -> tuple[int, ...]:
    if not isinstance(value, (tuple, list)) or not all(
            isinstance(seq, int) and not isinstance(seq, bool) for seq in value):
        raise InvalidValueError("evidence must be a sequence of event seq numbers",
                                argument="evidence")
    return tuple(sorted(set(value)))


@frozen
class Finding:
    """What one rule found in one event log; the audit adds the rule's id, title and grade.

    ``evidence`` are the ``seq`` numbers of the events that show it (sorted, unique);
    ``explanation`` is one sentence saying what went wrong (empty when it passed).
    """

    verdict: Verdict
    evidence: tuple[int, ...] = field(default=(), converter=_seqs)
    explanation: str = ""


def passed(*evidence: int) -> Finding:
    """A passed finding, with the events that show it."""
    return Finding(Verdict.PASSED, evidence)


def failed(explanation: str, *evidence: int) -> Finding:
    """A failed finding: one sentence, and the events that show it."""
    return Finding(Verdict.FAILED, evidence, explanation)


NOT_APPLICABLE = Finding(Verdict.NOT_APPLICABLE)
"""The finding of a rule that had nothing to check."""


@frozen
class Item:
    """One line of a scorecard: a rule and what it found."""

    rule_id: str
    title: str
    source: str
    severity: Grade
    result: Verdict
    evidence: tuple[int, ...] = ()
    explanation: str = ""

    @property
    def failed(self) -> bool:
        return self.result is Verdict.FAILED


@frozen
class Scorecard:
    """The audit of one complaint: an item per rule, in the order the rules were given."""

    complaint_id: str
    items: tuple[Item, ...]

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def item(self, rule_id: str) -> Item:
        """The item of rule ``rule_id``; :class:`KeyError` when the rule was not run."""
        for item in self.items:
            if item.rule_id == rule_id:
                return item
        raise KeyError(rule_id)

    @property
    def failures(self) -> tuple[Item, ...]:
        """The failed items."""
        return tuple(item for item in self.items if item.result is Verdict.FAILED)

    @property
    def failed_ids(self) -> tuple[str, ...]:
        """The ids of the failed rules, in scorecard order."""
        return tuple(item.rule_id for item in self.failures)

    @property
    def critical_failures(self) -> tuple[Item, ...]:
        """The failed items graded ``critical``."""
        return tuple(item for item in self.failures if item.severity is Grade.CRITICAL)

    @property
    def complies(self) -> bool:
        """No rule failed."""
        return not self.failures

    @property
    def score(self) -> float:
        """Passed items as a share of the applicable ones (1.0 when none applied)."""
        applicable = [item for item in self.items if item.result is not Verdict.NOT_APPLICABLE]
        if not applicable:
            return 1.0
        return sum(item.result is Verdict.PASSED for item in applicable) / len(applicable)

    def counts(self) -> dict[Verdict, int]:
        """How many items have each verdict."""
        counts = dict.fromkeys(Verdict, 0)
        for item in self.items:
            counts[item.result] += 1
        return counts


def _rule_ids(value: object) -> tuple[str, ...]:
    ids = as_tuple(value, "disabled", "a sequence of rule ids")
    for rule_id in ids:
        if not isinstance(rule_id, str) or not rule_id.strip():
            raise InvalidValueError(f"{shown(rule_id)} is not a rule id", argument="disabled")
    return ids


def _grade(value: object) -> Grade:
    return as_member(Grade, value, "severity")


@frozen
class Regrade:
    """Grade rule ``rule_id`` as ``severity`` instead of its default."""

    rule_id: str
    severity: Grade = field(converter=_grade)


def _regrades(value: object) -> tuple[Regrade, ...]:
    if not isinstance(value, (tuple, list)) or not all(isinstance(r, Regrade) for r in value):
        raise InvalidValueError("regrade must be a sequence of Regrade values",
                                argument="regrade")
    return tuple(value)


@frozen(kw_only=True)
class AuditPolicy:
    """Which rules an audit runs, and how it grades them; plain data.

    ``disabled`` rules are left out of the scorecard; ``regrade`` changes the severity of
    a rule (a built-in or a host rule) by its id. Unknown ids are an error when auditing.
    """

    disabled: tuple[str, ...] = field(default=(), converter=_rule_ids)
    regrade: tuple[Regrade, ...] = field(default=(), converter=_regrades)

    def severity_of(self, rule_id: str, default: Grade) -> Grade:
        """The grade of ``rule_id`` under this policy."""
        for regrade in self.regrade:
            if regrade.rule_id == rule_id:
                return regrade.severity
        return default
