"""``complaintflow audit FILE``: audit every complaint of a JSON-lines event export.

Each line is one event as :func:`~complaintflow.dump_event` writes it. Lines are grouped
by complaint: a line's ``complaint_id`` key if it has one, else the complaint of the last
``complaint_opened`` line before it. Unreadable lines are reported with their number and
reason (as :func:`~complaintflow.load_event` found it), and the rest is still audited.

Exit status: 0 when no critical rule failed, 1 when one did, 2 when any input was
unreadable, of whatever kind (2 wins over 1). Every id and reason it prints has its control
characters escaped, so that no line of input can forge a line of the report.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable
from typing import IO, Any

import attrs
from attrs import frozen

from .. import ComplaintflowError, SnapshotError, load_event
from .._values.checks import printable, shown, unicode_problem
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
        where = (f"line {self.line}" if self.line is not None
                 else f"complaint {_clipped(str(self.complaint_id))}")
        return f"{where}: {_clipped(self.reason, REASON_LENGTH)}"


REASON_LENGTH = 300
"""The most characters of a reason the report shows (a line may hold megabytes)."""


def _clipped(text: str, limit: int = 120) -> str:
    text = printable(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


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
        except json.JSONDecodeError as error:
            problems.append(Problem(f"not JSON: {error}", line=number))
            continue
        except ValueError:  # Python reads no integer of over 4,300 digits
            problems.append(Problem("a number too long to read", line=number))
            continue
        except RecursionError:
            problems.append(Problem("not JSON: nested too deeply", line=number))
            continue
        if not isinstance(data, dict):
            problems.append(Problem(f"expected a JSON object, got {type(data).__name__}",
                                    line=number))
            continue
        owner = data.get("complaint_id") if data.get("type") != "complaint_opened" else None
        if owner is not None:
            data = {key: value for key, value in data.items() if key != "complaint_id"}
            if not isinstance(owner, str) or unicode_problem(owner) is not None:
                problems.append(Problem(f"complaint_id must be text, got {shown(owner)}",
                                        line=number))
                continue
        try:
            event = load_event(data)
        except SnapshotError as error:
            problems.append(Problem("; ".join(map(str, error.problems)), line=number))
            continue
        except Exception as error:  # the loader failed on this line: unreadable all the same
            problems.append(Problem(f"cannot read this event ({type(error).__name__})",
                                    line=number))
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
        first = min(n for n, _ in numbered)
        try:
            trail = Trail(event for _, event in numbered)
            cards.append(run_rules(trail, rules, policy))
        except ComplaintflowError as error:
            problems.append(Problem(f"{error} (first line {first})", complaint_id=complaint_id))
        except Exception as error:  # a log no rule could read: unreadable, not a crash
            problems.append(Problem(f"cannot audit this log ({type(error).__name__}; first "
                                    f"line {first})", complaint_id=complaint_id))
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
    shown_path = printable(path)
    try:
        handle: IO[str] = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115  (closed below)
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        stderr.write(f"complaintflow audit: cannot read {shown_path}: "
                     f"{printable(str(reason))}\n")
        return 2
    progress = _Progress(stderr, _size(handle) >= PROGRESS_BYTES and _isatty(stderr))
    try:
        with contextlib.nullcontext() if path == "-" else handle:
            logs, problems = read_logs(handle, progress)
    except (UnicodeDecodeError, OSError) as error:  # not text, a directory, a read error
        progress.done()
        what = "is not UTF-8 text" if isinstance(error, UnicodeDecodeError) else "cannot be read"
        stderr.write(f"complaintflow audit: {shown_path} {what}: {printable(str(error))}\n")
        return 2
    cards, unfit = audit_logs(logs, policy, progress)
    progress.done()
    problems += unfit
    for problem in problems:
        stderr.write(f"{shown_path}: {problem}\n")
    totals = summary(cards, problems)
    if output == "json":
        json.dump({"policy": policy_name, "complaints": [scorecard_to_dict(c) for c in cards],
                   "unreadable": [{"line": p.line, "complaint_id": p.complaint_id,
                                   "reason": p.reason} for p in problems],
                   "summary": totals}, stdout, indent=2)
        stdout.write("\n")
    else:
        for card in cards:
            shown_card = attrs.evolve(card, complaint_id=_clipped(card.complaint_id))
            stdout.write(scorecard_table(shown_card) + "\n\n")
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
