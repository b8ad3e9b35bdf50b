"""Scorecards as text and as JSON-safe data; an event log as a readable timeline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from .._formats.command_json import make_converter
from .._values.checks import printable
from .._values.errors import InvalidValueError
from .._values.parts import REDACTED, is_personal
from ..events import Event
from ._builtin import BUILTIN_RULES
from ._model import Scorecard, Verdict
from ._presets import AUDIT_POLICIES

_converter = make_converter()

_MARK = {Verdict.PASSED: "pass", Verdict.FAILED: "FAIL", Verdict.NOT_APPLICABLE: "n/a"}


def scorecard_to_dict(scorecard: Scorecard) -> dict[str, Any]:
    """The scorecard as JSON-safe data (lists, strings, numbers)."""
    data: dict[str, Any] = _converter.unstructure(scorecard)
    data["items"] = [dict(item, evidence=list(item["evidence"])) for item in data["items"]]
    return data


def scorecard_from_dict(data: object) -> Scorecard:
    """A scorecard from :func:`scorecard_to_dict`'s data; :class:`~complaintflow.InvalidValueError`
    if bad."""
    try:
        return _converter.structure(data, Scorecard)
    except Exception as error:  # cattrs raises exception groups; one error for callers
        raise InvalidValueError(f"not a scorecard: {error}", argument="data") from error


def summary_line(scorecard: Scorecard) -> str:
    """``CMP-1: 2 failed (1 critical), 11 passed, 3 not applicable``."""
    counts = scorecard.counts()
    critical = len(scorecard.critical_failures)
    failed = f"{counts[Verdict.FAILED]} failed" + (f" ({critical} critical)" if critical else "")
    return (f"{scorecard.complaint_id}: {failed}, {counts[Verdict.PASSED]} passed, "
            f"{counts[Verdict.NOT_APPLICABLE]} not applicable")


def scorecard_table(scorecard: Scorecard, *, failures_only: bool = False) -> str:
    """The scorecard as a plain-text table, one row per item, explanations under failures."""
    items = scorecard.failures if failures_only else scorecard.items
    width = max((len(item.rule_id) for item in items), default=4)
    lines = [summary_line(scorecard),
             f"  {'result':<6}  {'severity':<8}  {'rule':<{width}}  evidence"]
    for item in items:
        evidence = ", ".join(str(seq) for seq in item.evidence) or "-"
        lines.append(f"  {_MARK[item.result]:<6}  {item.severity.value:<8}  "
                     f"{item.rule_id:<{width}}  {evidence}")
        if item.explanation:
            lines.append(f"  {'':<6}  {'':<8}  {'':<{width}}  {item.explanation}")
    return "\n".join(lines)


def _value(value: object) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, tuple):
        text = ",".join(str(part) for part in value)
    text = printable(text)  # one line per event, whatever the texts hold
    return text if len(text) <= 40 else text[:37] + "..."


def timeline(events: Iterable[Event], *, personal_data: bool = False) -> str:
    """One line per event: seq, time (UTC), type and its fields.

    Personal data (the customer's name and call-back number) shows as ``<redacted>``
    unless ``personal_data=True``: a timeline ends up in test failures and logs.
    """
    lines = []
    for event in events:
        fields = [f"{a.name}="
                  + (REDACTED if is_personal(a) and not personal_data
                     else _value(getattr(event, a.name)))
                  for a in attrs.fields(type(event))
                  if a.name not in ("seq", "at", "policy") and getattr(event, a.name) is not None]
        when = event.at.strftime("%Y-%m-%d %H:%M")
        lines.append(f"  {event.seq:>4}  {when}  {event.type}"
                     + (f"  {' '.join(fields)}" if fields else ""))
    return "\n".join(lines)


def rules_reference() -> str:
    """The rule registry as Markdown (a table, then each named policy): what the docs'
    rules reference includes."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| rule id | severity | source | what it checks |", "|---|---|---|---|"]
    lines += [f"| `{rule.id}` | {rule.severity.value} | {cell(rule.source)} | "
              f"{cell(rule.checks)} |" for rule in BUILTIN_RULES]
    lines += ["", "Named audit policies ({data}`~complaintflow.audit.AUDIT_POLICIES`):", ""]
    for name, policy in AUDIT_POLICIES.items():
        changes = [f"disables {', '.join(f'`{r}`' for r in policy.disabled)}"] if (
            policy.disabled) else []
        if len(policy.regrade) == len(BUILTIN_RULES) and len(
                {r.severity for r in policy.regrade}) == 1:
            changes.append(f"grades every rule {policy.regrade[0].severity.value}")
        else:
            changes += [f"grades `{r.rule_id}` {r.severity.value}" for r in policy.regrade]
        lines.append(f"- `{name}`: " + ("; ".join(changes) if changes else
                                       "every rule at its own severity") + ".")
    return "\n".join(lines) + "\n"
