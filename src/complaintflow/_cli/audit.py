"""``complaintflow audit FILE | --db PATH | --postgres CONNINFO``: audit every complaint of
an export, or of a store, as a stream.

Each line of a FILE is one event as :func:`~complaintflow.dump_event` writes it. A line
belongs to the complaint its ``complaint_id`` key names, else to the complaint of the last
``complaint_opened`` line before it. A complaint is audited as soon as its events are
complete, and forgotten: memory holds the complaints being read, not the file. In a
regular file the complaints may be interleaved in any way (a first, quick pass finds
where each one ends); from standard input and from a store, each complaint's events must
be together, as the stores' exports write them. Unreadable lines are reported with their
number and reason (as :func:`~complaintflow.load_event` found it), and the rest is still
audited. With ``--jobs`` (by default, on a large input and a machine with several
processors), the complaints are audited by worker processes, in order.

Exit status: 0 when no critical rule failed, 1 when one did, 2 when any input was
unreadable, of whatever kind (2 wins over 1). Every id and reason it prints has its control
characters escaped, so that no line of input can forge a line of the report.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from attrs import frozen

from .._values.checks import printable as _printable
from .exports import (
    Group,
    Problem,
    Progress,
    clipped,
    file_groups,
    open_source,
    read_group,
    store_groups,
)
from .stores import add_source_arguments

POLICY_NAMES = ("default", "strict", "lenient")
"""The names of complaintflow.audit.AUDIT_POLICIES, kept here so that --help imports nothing."""

PARALLEL_BYTES = 8 * 1024 * 1024
"""With ``--jobs auto``, inputs at least this large are audited by worker processes."""

GROUP_BYTES = 64 * 1024
"""Complaints are sent to the workers in batches of about this much text."""


def register(commands: Any) -> None:
    """Add ``audit`` to the command line's subcommands."""
    audit = commands.add_parser(
        "audit", help="audit every complaint of a JSON-lines event export, or of a store",
        description="Audit every complaint of a JSON-lines event export (one event per "
                    "line, as dump_event writes it, labelled with complaint_id or grouped "
                    "by complaint), or of a store, against the compliance rules. Each "
                    "complaint is audited as soon as its events are read. Exit status: 0 "
                    "all fine, 1 a critical rule failed, 2 unreadable input.")
    add_source_arguments(audit)
    audit.add_argument("--policy", default="default", choices=POLICY_NAMES, metavar="NAME",
                       help="the named audit policy: " + ", ".join(POLICY_NAMES)
                            + " (default: %(default)s)")
    audit.add_argument("--format", default="table", choices=("table", "json"),
                       help="a table per complaint and a summary, or JSON "
                            "(default: %(default)s)")
    audit.add_argument("--jobs", default="auto", metavar="N",
                       help="worker processes (0: audit in this process; default: auto, "
                            "one per processor for inputs of 8 MB or more)")
    audit.set_defaults(run=_main)


def _main(args: argparse.Namespace) -> int:
    import gc

    gc.freeze()  # the modules: never garbage; a batch tool collects less often
    gc.set_threshold(20_000, 20, 100)
    jobs = _jobs(args.jobs)
    if jobs is None:
        sys.stderr.write(f"complaintflow audit: --jobs takes a whole number or 'auto', not "
                         f"{_printable(args.jobs)!r}\n")
        return 2
    return run(args.file, db=args.db, postgres=args.postgres, policy_name=args.policy,
               output=args.format, jobs=jobs, stdout=sys.stdout, stderr=sys.stderr)


def _jobs(text: str) -> int | str | None:
    if text == "auto":
        return text
    return int(text) if text.isdigit() else None


@frozen
class Audited:
    """What a group gave: its scorecard, written out (a table, or its JSON data), its
    counts, and its problems."""

    shown: str | dict[str, Any] | None
    complies: bool
    critical: bool
    problems: tuple[Problem, ...]


# --- one complaint ------------------------------------------------------------------------


def audit_group(group: Group, policy_name: str, output: str) -> Audited:
    """Read a complaint's events and audit them: what a worker process does."""
    import attrs

    from .. import ComplaintflowError
    from ..audit import AUDIT_POLICIES, Trail, scorecard_table, scorecard_to_dict
    from ..audit._engine import checked_rules, run_rules

    policy = AUDIT_POLICIES[policy_name]
    events, problems = read_group(group)
    if not events:
        return Audited(None, True, False, tuple(problems))
    try:
        card = run_rules(Trail(event for _, event in events),
                         checked_rules(None, policy), policy)
    except ComplaintflowError as error:
        problems.append(Problem(f"{error} (first line {events[0][0]})",
                                complaint_id=group.complaint_id))
        return Audited(None, True, False, tuple(problems))
    except Exception as error:  # a log no rule could read: unreadable, not a crash
        problems.append(Problem(f"cannot audit this log ({type(error).__name__}; first "
                                f"line {events[0][0]})", complaint_id=group.complaint_id))
        return Audited(None, True, False, tuple(problems))
    written: str | dict[str, Any] = (
        scorecard_to_dict(card) if output == "json"
        else scorecard_table(attrs.evolve(card, complaint_id=clipped(card.complaint_id))))
    return Audited(written, card.complies, bool(card.critical_failures), tuple(problems))


def audit_groups(batch: list[Group], policy_name: str, output: str) -> list[Audited]:
    return [audit_group(group, policy_name, output) for group in batch]


# --- the run --------------------------------------------------------------------------------


def run(path: str | None, *, policy_name: str, output: str, stdout: IO[str],
        stderr: IO[str], db: str | None = None, postgres: str | None = None,
        jobs: int | str = 0) -> int:
    """Audit the file at ``path`` (``-`` for standard input), or the store at ``db`` or
    ``postgres``; the exit status. ``jobs``: worker processes (0: none; ``"auto"``)."""
    where = _printable(path or db or "PostgreSQL")
    report = _Report(policy_name, output, stdout, stderr, where)
    try:
        if path is not None:
            with open_source(path) as source:
                if source.handle is None:
                    stderr.write(f"complaintflow audit: cannot read {where}: "
                                 f"{_printable(source.error)}\n")
                    return 2
                progress = source.progress(stderr)
                found, count = file_groups(source, progress, report.problem)
                if count is not None:
                    report.expect(count)
                _audit(found, report, progress, _workers(jobs, source.size))
        else:
            from .._values.errors import StoreError
            from .stores import opened_store

            try:
                with opened_store(db, postgres) as store:
                    _audit(store_groups(store, report.problem), report,
                           Progress(stderr, False), _workers(jobs, 0))
            except StoreError as error:
                stderr.write(f"complaintflow audit: cannot read {where}: "
                             f"{_printable(str(error))}\n")
                return 2
    except BrokenPipeError:  # the reader of the report went away: main() stops quietly
        raise
    except (UnicodeDecodeError, OSError) as error:  # not text, a directory, a read error
        what = "is not UTF-8 text" if isinstance(error, UnicodeDecodeError) else "cannot be read"
        stderr.write(f"complaintflow audit: {where} {what}: {_printable(str(error))}\n")
        return 2
    return report.finish()


def _workers(jobs: int | str, size: int) -> int:
    if jobs == "auto":
        processors = os.cpu_count() or 1
        return processors if processors > 1 and size >= PARALLEL_BYTES else 0
    assert isinstance(jobs, int)
    return jobs


def _audit(found: Iterator[Group], report: _Report, progress: Progress, workers: int) -> None:
    try:
        if workers == 0:
            for group in found:
                report.add(audit_group(group, report.policy_name, report.output))
                if report.seen % 500 == 0 and report.seen:
                    progress.show(f"audited {report.shown_count()}")
        else:
            _in_parallel(found, report, progress, workers)
    finally:
        progress.done()


def _in_parallel(found: Iterator[Group], report: _Report, progress: Progress,
                 workers: int) -> None:
    """Batches of complaints to a pool of worker processes, a bounded number in flight,
    and their results back in order."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    in_flight: collections.deque[Any] = collections.deque()
    with context.Pool(workers) as pool:
        def take(block: bool) -> None:
            while in_flight and (block or in_flight[0].ready()):
                for audited in in_flight.popleft().get():
                    report.add(audited)
                progress.show(f"audited {report.shown_count()}")
                block = False

        batch: list[Group] = []
        size = 0
        for group in found:
            batch.append(group)
            size += sum(len(item) if isinstance(item, str) else 256 for _, item in group.items)
            if size >= GROUP_BYTES:
                in_flight.append(pool.apply_async(
                    audit_groups, (batch, report.policy_name, report.output)))
                batch, size = [], 0
                take(block=len(in_flight) > 3 * workers)
        if batch:
            in_flight.append(pool.apply_async(
                audit_groups, (batch, report.policy_name, report.output)))
        while in_flight:
            take(block=True)


class _Report:
    """Writes each scorecard as it comes (a table, or an item of the JSON array), each
    problem to standard error, and the summary at the end."""

    def __init__(self, policy_name: str, output: str, stdout: IO[str], stderr: IO[str],
                 where: str) -> None:
        self.policy_name, self.output = policy_name, output
        self.stdout, self.stderr, self.where = stdout, stderr, where
        self.cards = self.complying = self.critical = self.unreadable = 0
        self.expected: int | None = None
        self.seen = 0
        self._problems: IO[str] | None = None  # JSON lines, for the JSON report's end
        if output == "json":
            self._problems = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
            stdout.write(f'{{"policy": {json.dumps(policy_name)}, "complaints": [')

    def expect(self, complaints: int) -> None:
        self.expected = complaints

    def shown_count(self) -> str:
        total = f" of {self.expected:,}" if self.expected is not None else ""
        return f"{self.seen:,}{total} complaints"

    def add(self, audited: Audited) -> None:
        for problem in audited.problems:
            self.problem(problem)
        if audited.shown is None:
            return
        self.seen += 1
        self.cards += 1
        self.complying += audited.complies
        self.critical += audited.critical
        if isinstance(audited.shown, dict):
            separator = "\n  " if self.cards == 1 else ",\n  "
            self.stdout.write(separator + json.dumps(audited.shown))
        else:
            self.stdout.write(audited.shown + "\n\n")

    def problem(self, problem: Problem) -> None:
        self.unreadable += 1
        self.stderr.write(f"{self.where}: {problem}\n")
        if self._problems is not None:
            self._problems.write(json.dumps({"line": problem.line,
                                             "complaint_id": problem.complaint_id,
                                             "reason": problem.reason}) + "\n")

    def summary(self) -> dict[str, int]:
        return {"complaints": self.cards, "complying": self.complying,
                "with_failures": self.cards - self.complying,
                "with_critical_failures": self.critical, "unreadable": self.unreadable}

    def finish(self) -> int:
        totals = self.summary()
        if self._problems is not None:
            self.stdout.write("\n  ],\n  \"unreadable\": [" if self.cards else "],\n  "
                              "\"unreadable\": [")
            self._problems.seek(0)
            for index, text in enumerate(self._problems):
                self.stdout.write(("\n    " if index == 0 else ",\n    ") + text.rstrip("\n"))
            self._problems.close()
            self.stdout.write(("\n  " if self.unreadable else "") + "],\n  \"summary\": "
                              + json.dumps(totals) + "\n}\n")
        else:
            noun = "complaint" if self.cards == 1 else "complaints"
            self.stdout.write(
                f"{self.cards} {noun} audited under the {self.policy_name} policy: "
                f"{self.complying} comply, {totals['with_failures']} with failures "
                f"({self.critical} critical); {self.unreadable} unreadable\n")
        if self.unreadable:
            return 2
        return 1 if self.critical else 0
