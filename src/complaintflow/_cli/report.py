"""``complaintflow report FILE|--db PATH --kind fca|asic|cfpb|trends --period 2027H1``.

Computes a return from a JSON-lines event export (read as ``complaintflow audit`` reads
it) or from a SQLite store (streamed complaint by complaint), and prints it as a table,
CSV or JSON; ``--chart`` draws the trends. Nothing personal is printed: codes, counts,
dates and amounts. Exit status: 0 when everything was read, 2 when some input was
unreadable (the rest is still reported) or for a usage error.

Importing this module imports nothing heavy: ``--help`` stays quick.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # the types only: the modules are imported when a report is run
    from ..events import AnyEvent
    from ..reports import ReportingPeriod
    from ..reports._output import Report
    from .exports import Numbered, Problem

KINDS = ("fca", "asic", "cfpb", "trends")
ZONES = {"fca": "Europe/London", "asic": "Australia/Sydney", "cfpb": "America/New_York",
         "trends": "UTC"}
"""The time zone of each kind's reporting period, unless ``--zone`` says otherwise."""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``report`` subcommand, on the command line's subparsers."""
    report = sub.add_parser(
        "report", help="a complaints return (FCA, ASIC, CFPB) or the root-cause trends of "
                       "an event export or a SQLite store",
        description="Compute a complaints return or the trends from a JSON-lines event "
                    "export (grouped by complaint as for audit) or a SQLite store. Exit "
                    "status: 0 all read, 2 unreadable input or a usage error.")
    source = report.add_mutually_exclusive_group(required=True)
    source.add_argument("file", metavar="FILE", nargs="?",
                        help="a JSON-lines export (SQLiteStore.export), or - for stdin")
    source.add_argument("--db", metavar="PATH", help="a SQLite store")
    report.add_argument("--kind", required=True, choices=KINDS,
                        help="fca: the FCA consolidated return; asic: ASIC IDR records; "
                             "cfpb: CFPB timeliness records; trends: root-cause trends")
    report.add_argument("--period", required=True, metavar="PERIOD",
                        help="2027H1, 2027H2, 2027Q3, 2027-05 or 2027")
    report.add_argument("--zone", metavar="ZONE",
                        help="the period's IANA time zone (default: Europe/London for fca, "
                             "Australia/Sydney for asic, America/New_York for cfpb, UTC "
                             "for trends)")
    report.add_argument("--entity", default="", metavar="NAME",
                        help="the legal entity the FCA return is for")
    report.add_argument("--format", default="table", choices=("table", "csv", "json"),
                        help="default: %(default)s")
    report.add_argument("--chart", metavar="OUT",
                        help="with --kind trends: draw them to OUT.svg or OUT.png (needs "
                             "complaintflow[charts])")


def run(args: argparse.Namespace, *, stdout: IO[str], stderr: IO[str]) -> int:
    """Compute and print the report ``args`` ask for; the exit status."""
    from .. import ComplaintflowError
    from ..reports import ReportingPeriod

    if args.chart and args.kind != "trends":
        stderr.write(f"{_NAME}: --chart draws the trends: use it with --kind trends\n")
        return 2
    try:
        period = ReportingPeriod.parse(args.period, time_zone=args.zone or ZONES[args.kind])
    except ComplaintflowError as error:
        stderr.write(f"{_NAME}: {error}\n")
        return 2
    problems: list[Problem] = []
    with contextlib.ExitStack() as stack:
        logs = _logs(args, stack, problems, stderr)
        if logs is None:
            return 2
        try:
            report = _compute(args, logs, period)
        except ComplaintflowError as error:
            stderr.write(f"{_NAME}: {error}\n")
            return 2
        _print(report, args, period, stdout)
    for problem in problems:
        stderr.write(f"{args.db or args.file}: {problem}\n")
    return 2 if problems else 0


_NAME = "complaintflow report"


def _logs(args: argparse.Namespace, stack: contextlib.ExitStack, problems: list[Problem],
          stderr: IO[str]) -> Iterable[list[AnyEvent]] | None:
    """The complaints' logs: a store's streamed, a file's grouped; ``None`` (and why, on
    ``stderr``) when the input cannot be opened at all."""
    from .exports import Progress, read_logs, stored_logs

    if args.db is not None:
        from ..stores import StoreError
        from ..stores.sqlite import SQLiteStore

        try:
            store = stack.enter_context(SQLiteStore(args.db))
        except StoreError as error:
            stderr.write(f"{_NAME}: {error}\n")
            return None
        return stored_logs(store.export(), problems)
    try:
        handle: IO[str] = sys.stdin if args.file == "-" else stack.enter_context(
            open(args.file, encoding="utf-8"))  # noqa: SIM115  (closed by the stack)
        progress = Progress.for_file(handle, stderr)
        grouped, unreadable = read_logs(handle, progress)
        progress.done()
    except OSError as error:
        stderr.write(f"{_NAME}: cannot read {args.file}: {error.strerror or error}\n")
        return None
    except UnicodeDecodeError as error:
        stderr.write(f"{_NAME}: {args.file} is not UTF-8 text: {error}\n")
        return None
    problems += unreadable
    return _readable(grouped, problems)


def _readable(grouped: dict[str, Numbered], problems: list[Problem],
              ) -> Iterator[list[AnyEvent]]:
    from .exports import Problem, in_order

    for complaint_id, numbered in grouped.items():
        log = in_order(complaint_id, numbered)
        if isinstance(log, Problem):
            problems.append(log)
        else:
            yield log


def _compute(args: argparse.Namespace, logs: Iterable[list[AnyEvent]],
             period: ReportingPeriod) -> Report:
    from ..reports import (
        asic_idr_records,
        cfpb_timeliness,
        complaint_trends,
        fca_return,
        trend_chart,
    )

    if args.kind == "fca":
        return fca_return(logs, period=period, entity=args.entity)
    if args.kind == "trends":
        trends = complaint_trends(logs, period=period)
        if args.chart:
            trend_chart(trends, args.chart)
        return trends
    if args.kind == "asic":
        return list(asic_idr_records(logs, period=period))
    return list(cfpb_timeliness(logs, period=period))


def _print(report: Report, args: argparse.Namespace, period: ReportingPeriod,
           stdout: IO[str]) -> None:
    from ..reports import (
        FcaReturn,
        report_json,
        report_rows,
        report_table,
        transposed,
        write_report_csv,
    )

    if args.format == "json":
        json.dump(report_json(report), stdout, indent=2)
        stdout.write("\n")
    elif args.format == "csv":
        write_report_csv(*report_rows(report), stdout)
    else:
        title = f"{args.kind} report, {period}" + (f", {args.entity}" if args.entity else "")
        rows = report_rows(report)
        if isinstance(report, FcaReturn):  # twenty-odd counts: down the page, not across
            rows = transposed(*rows)
            title += " (nil return)" if report.nil_return else ""
        stdout.write(f"{title}\n\n{report_table(*rows)}\n")
