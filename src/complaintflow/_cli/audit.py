"""``complaintflow audit FILE``: audit every complaint of a JSON-lines event export.

Each line is one event as :func:`~complaintflow.dump_event` writes it, read and grouped
by complaint as ``exports`` says. Unreadable lines are reported with their number and
reason, and the rest is still audited.

Exit status: 0 when no critical rule failed, 1 when one did, 2 when any input was
unreadable (2 wins over 1).
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import IO, Any

from ..audit import (
    AUDIT_POLICIES,
    AuditPolicy,
    Scorecard,
    Trail,
    scorecard_table,
    scorecard_to_dict,
)
from ..audit._engine import checked_rules, run_rules
from .exports import Numbered, Problem, Progress, in_order, read_logs


def audit_logs(logs: dict[str, Numbered], policy: AuditPolicy,
               progress: Progress) -> tuple[list[Scorecard], list[Problem]]:
    """The scorecard of every complaint whose log holds together."""
    rules = checked_rules(None, policy)
    cards: list[Scorecard] = []
    problems: list[Problem] = []
    for index, (complaint_id, numbered) in enumerate(logs.items(), start=1):
        if index % 500 == 0:
            progress.show(f"audited {index:,} of {len(logs):,} complaints")
        log = in_order(complaint_id, numbered)
        if isinstance(log, Problem):
            problems.append(log)
            continue
        cards.append(run_rules(Trail(log), rules, policy))
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
    progress = Progress.for_file(handle, stderr)
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

