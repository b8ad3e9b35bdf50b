"""Compliance audit: score a complaint's event log against the sources' rules.

:func:`audit` runs rules over one complaint's events and returns a :class:`Scorecard`: an
:class:`Item` per rule with its source, severity, verdict, evidence (event ``seq``
numbers) and, for a failure, a sentence saying what went wrong. The built-in rules are
:data:`~complaintflow.audit.BUILTIN_RULES`; a host adds its own by implementing
:class:`Rule`, and disables or re-grades any rule by id with an :class:`AuditPolicy`.
"""

from .._publish import publish as _publish
from ._builtin import BUILTIN_RULES, BuiltinRule
from ._engine import Auditable, Recorded, Rule, audit
from ._model import (
    NOT_APPLICABLE,
    AuditPolicy,
    Finding,
    Grade,
    Item,
    Regrade,
    Scorecard,
    Verdict,
    failed,
    passed,
)
from ._presets import AUDIT_POLICIES
from ._report import scorecard_from_dict, scorecard_table, scorecard_to_dict, timeline
from ._trail import Trail

__all__ = [
    "AUDIT_POLICIES",
    "BUILTIN_RULES",
    "NOT_APPLICABLE",
    "AuditPolicy",
    "Auditable",
    "BuiltinRule",
    "Finding",
    "Grade",
    "Item",
    "Recorded",
    "Regrade",
    "Rule",
    "Scorecard",
    "Trail",
    "Verdict",
    "audit",
    "failed",
    "passed",
    "scorecard_from_dict",
    "scorecard_table",
    "scorecard_to_dict",
    "timeline",
]

_publish(__name__, globals(), __all__)
