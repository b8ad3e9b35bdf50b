"""A readable difference between two scorecards, for pytest's assertion messages."""

from __future__ import annotations

import enum

from ..audit import Scorecard


def compare_scorecards(left: Scorecard, right: Scorecard) -> list[str]:
    """``left == right`` explained: one line per field of an item that differs."""
    lines = [f"scorecards of {left.complaint_id!r} and {right.complaint_id!r} differ:"]
    if left.complaint_id != right.complaint_id:
        lines.append(f"  complaint_id: {left.complaint_id!r} != {right.complaint_id!r}")
    rights = {item.rule_id: item for item in right.items}
    lefts = {item.rule_id: item for item in left.items}
    for item in left.items:
        other = rights.get(item.rule_id)
        if other is None:
            lines.append(f"  {item.rule_id}: only on the left ({item.result.value})")
            continue
        for name in ("result", "severity", "evidence", "explanation", "title", "source"):
            mine, theirs = getattr(item, name), getattr(other, name)
            if mine != theirs:
                lines.append(f"  {item.rule_id}: {name} {_show(mine)} != {_show(theirs)}")
    lines += [f"  {item.rule_id}: only on the right ({item.result.value})"
              for item in right.items if item.rule_id not in lefts]
    if [i.rule_id for i in left.items] != [i.rule_id for i in right.items] and len(lines) == 1:
        lines.append("  the same items in another order")
    return lines


def _show(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    return repr(value) if isinstance(value, str) else str(value)
