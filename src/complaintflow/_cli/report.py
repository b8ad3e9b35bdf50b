"""``complaintflow report FILE|--db PATH|--postgres CONNINFO --kind fca|asic|cfpb|trends
--period 2027H1``.

Computes a return from a JSON-lines event export or from a store, read as ``complaintflow
audit`` reads them (streamed complaint by complaint), and prints it as a table,
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
from typing import IO, TYPE_CHECKING, Any

from .._values.checks import printable
from .exports import Group, Problem, file_groups, open_source, read_group, store_groups
from .stores import add_source_arguments, opened_store

if TYPE_CHECKING:  # the types only: the modules are imported when a report is run
    from ..events import AnyEvent
    from ..reports import ReportingPeriod
    from ..reports._output import Report

KINDS = ("fca", "asic", "cfpb", "trends")
ZONES = {"fca": "Europe/London", "asic": "Australia/Sydney", "cfpb": "America/New_York",
         "trends": "UTC"}
"""The time zone of each kind's reporting period, unless ``--zone`` says otherwise."""


def register(commands: Any) -> None:
    """Add ``report`` to the command line's subcommands."""
    report = commands.add_parser(
        "report", help="a complaints return (FCA, ASIC, CFPB) or the root-cause trends of "
                       "an event export or a store",
        description="Compute a complaints return or the trends from a JSON-lines event "
                    "export (labelled or grouped by complaint, as for audit) or a store. Exit "
                    "status: 0 all read, 2 unreadable input or a usage error.")
    add_source_arguments(report)
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
    report.set_defaults(run=run)


def run(args: argparse.Namespace, *, stdout: IO[str] | None = None,
        stderr: IO[str] | None = None) -> int:
    """Compute and print the report ``args`` ask for; the exit status."""
    from .. import ComplaintflowError
    from ..reports import ReportingPeriod

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr

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
        where = printable(args.file or args.db or "PostgreSQL")
        try:
            report = _compute(args, logs, period)
        except ComplaintflowError as error:
            stderr.write(f"{_NAME}: {printable(str(error))}\n")
            return 2
        except (UnicodeDecodeError, OSError) as error:  # not text, a directory, a read error
            what = ("is not UTF-8 text" if isinstance(error, UnicodeDecodeError)
                    else "cannot be read")
            stderr.write(f"{_NAME}: {where} {what}: {printable(str(error))}\n")
            return 2
        _print(report, args, period, stdout)
    for problem in problems:
        stderr.write(f"{where}: {problem}\n")
    return 2 if problems else 0


_NAME = "complaintflow report"


def _logs(args: argparse.Namespace, stack: contextlib.ExitStack, problems: list[Problem],
          stderr: IO[str]) -> Iterable[list[AnyEvent]] | None:
    """The complaints' logs, streamed; ``None`` (and why, on ``stderr``) when the input
    cannot be opened at all."""
    from ..stores import StoreError

    if args.file is None:
        try:
            store = stack.enter_context(opened_store(args.db, args.postgres))
        except StoreError as error:
            stderr.write(f"{_NAME}: {printable(str(error))}\n")
            return None
        return _readable(store_groups(store, problems.append), problems)
    source = stack.enter_context(open_source(args.file))
    if source.handle is None:
        stderr.write(f"{_NAME}: cannot read {printable(args.file)}: "
                     f"{printable(source.error)}\n")
        return None
    progress = source.progress(stderr)
    found, _ = file_groups(source, progress, problems.append)  # its first pass is done
    progress.done()
    return _readable(found, problems)


def _readable(found: Iterable[Group], problems: list[Problem]) -> Iterator[list[AnyEvent]]:
    """Each complaint's events, in ``seq`` order; what could not be read, in ``problems``."""
    for group in found:
        events, unreadable = read_group(group)
        problems += unreadable
        if events:
            yield [event for _, event in events]


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
