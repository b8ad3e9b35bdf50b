"""``complaintflow audit FILE``: audit every complaint of a JSON-lines event export.

Each line is one event as :func:`~complaintflow.dump_event` writes it. Lines are grouped
by complaint: a line's ``complaint_id`` key if it has one, else the complaint of the last
``complaint_opened`` line before it. Unreadable lines are reported with their number and
reason (as :func:`~complaintflow.load_event` found it), and the rest is still audited.

Exit status: 0 when no critical rule failed, 1 when one did, 2 when any input was
unreadable (2 wins over 1).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable
from typing import IO, Any

from attrs import frozen

from .. import ComplaintflowError, SnapshotError, load_event
from ..audit import (
    AUDIT_POLICIES,
    AuditPolicy,
    Scorecard,
    Trail,
    scorecard_table,
    scorecard_to_dict,
)
from ..audit._engine import checked_rules, run_rules
from ..events import AnyEvent

PROGRESS_BYTES = 256 * 1024
"""Files at least this large show progress on a terminal."""


@frozen
class Problem:
    """Input that could not be audited: a line, or a whole complaint's log."""

    reason: str
    line: int | None = None
    complaint_id: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else f"complaint {self.complaint_id}"
        return f"{where}: {self.reason}"


class _Progress:
    """``\\r``-updated counts on a terminal's stderr; silent elsewhere."""

    def __init__(self, stream: IO[str], enabled: bool) -> None:
        self.stream, self.enabled, self.shown = stream, enabled, False

    def show(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r{text}")
            self.stream.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def read_logs(lines: Iterable[str], progress: _Progress,
              ) -> tuple[dict[str, list[tuple[int, AnyEvent]]], list[Problem]]:
    """Group the events of a JSON-lines export by complaint; collect unreadable lines."""
    logs: dict[str, list[tuple[int, AnyEvent]]] = {}
    problems: list[Problem] = []
    current: str | None = None
    for number, line in enumerate(lines, start=1):
        if number % 10_000 == 0:
            progress.show(f"reading line {number:,}")
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            problems.append(Problem(f"not JSON: {error}", line=number))
            continue
        if not isinstance(data, dict):
            problems.append(Problem(f"expected a JSON object, got {type(data).__name__}",
                                    line=number))
            continue
        owner = data.get("complaint_id") if data.get("type") != "complaint_opened" else None
        if owner is not None:
            data = {key: value for key, value in data.items() if key != "complaint_id"}
        try:
            event = load_event(data)
        except SnapshotError as error:
            problems.append(Problem("; ".join(map(str, error.problems)), line=number))
            continue
        complaint_id = getattr(event, "complaint_id", None)
        if data.get("type") == "complaint_opened" and isinstance(complaint_id, str):
            current = complaint_id
        if owner is None:
            owner = current
        if not isinstance(owner, str):
            problems.append(Problem("no complaint_id, and no complaint_opened line before it",
                                    line=number))
            continue
        logs.setdefault(owner, []).append((number, event))
    return logs, problems


def audit_logs(logs: dict[str, list[tuple[int, AnyEvent]]], policy: AuditPolicy,
               progress: _Progress) -> tuple[list[Scorecard], list[Problem]]:
    """The scorecard of every complaint whose log holds together."""
    rules = checked_rules(None, policy)
    cards: list[Scorecard] = []
    problems: list[Problem] = []
    for index, (complaint_id, numbered) in enumerate(logs.items(), start=1):
        if index % 500 == 0:
            progress.show(f"audited {index:,} of {len(logs):,} complaints")
        numbered.sort(key=lambda pair: pair[1].seq)
        try:
            trail = Trail(event for _, event in numbered)
        except ComplaintflowError as error:
            problems.append(Problem(f"{error} (first line {min(n for n, _ in numbered)})",
                                    complaint_id=complaint_id))
            continue
        cards.append(run_rules(trail, rules, policy))
    return cards, problems


def summary(cards: list[Scorecard], problems: list[Problem]) -> dict[str, Any]:
    return {
        "complaints": len(cards),
        "complying": sum(card.complies for card in cards),
        "with_failures": sum(not card.complies for card in cards),
        "with_critical_failures": sum(bool(card.critical_failures) for card in cards),
        "unreadable": len(problems),
    }


def run(path: str, *, policy_name: str, output: str, stdout: IO[str],
        stderr: IO[str]) -> int:
    """Audit the file at ``path`` (``-`` for standard input); the exit status."""
    policy = AUDIT_POLICIES[policy_name]
    try:
        handle: IO[str] = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115  (closed below)
    except OSError as error:
        stderr.write(f"complaintflow audit: cannot read {path}: {error.strerror or error}\n")
        return 2
    progress = _Progress(stderr, _size(handle) >= PROGRESS_BYTES and _isatty(stderr))
    try:
        with contextlib.nullcontext() if path == "-" else handle:
            logs, problems = read_logs(handle, progress)
    except UnicodeDecodeError as error:
        progress.done()
        stderr.write(f"complaintflow audit: {path} is not UTF-8 text: {error}\n")
        return 2
    cards, unfit = audit_logs(logs, policy, progress)
    progress.done()
    problems += unfit
    for problem in problems:
        stderr.write(f"{path}: {problem}\n")
    totals = summary(cards, problems)
    if output == "json":
        json.dump({"policy": policy_name, "complaints": [scorecard_to_dict(c) for c in cards],
                   "unreadable": [{"line": p.line, "complaint_id": p.complaint_id,
                                   "reason": p.reason} for p in problems],
                   "summary": totals}, stdout, indent=2)
        stdout.write("\n")
    else:
        for card in cards:
            stdout.write(scorecard_table(card) + "\n\n")
        audited = totals["complaints"]
        noun = "complaint" if audited == 1 else "complaints"
        stdout.write(f"{audited} {noun} audited under the {policy_name} "
                     f"policy: {totals['complying']} comply, {totals['with_failures']} with "
                     f"failures ({totals['with_critical_failures']} critical); "
                     f"{totals['unreadable']} unreadable\n")
    if problems:
        return 2
    return 1 if totals["with_critical_failures"] else 0


def _size(handle: IO[str]) -> int:
    try:
        return os.fstat(handle.fileno()).st_size
    except (OSError, ValueError):
        return 0


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
