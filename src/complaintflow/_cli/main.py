"""The ``complaintflow`` command line: ``demo``, ``audit``, ``verify`` and ``report``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import report

# the names of complaintflow.audit.AUDIT_POLICIES, kept here so that --help imports nothing
_AUDIT_POLICY_NAMES = ("default", "strict", "lenient")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="complaintflow",
                                     description="Handle customer complaints, step by step.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="play the payroll-outage scenario and print its "
                                       "transcript, keeping the complaint in a SQLite file")
    demo.add_argument("--db", default="complaintflow-demo.db",
                      help="the SQLite file to keep complaints in (default: %(default)s)")
    audit = sub.add_parser(
        "audit", help="audit every complaint of a JSON-lines event export (events as "
                      "dump_event writes them, labelled with complaint_id when interleaved)",
        description="Audit every complaint of a JSON-lines event export (one event per "
                    "line, grouped by complaint) against the compliance rules. Exit status: "
                    "0 all fine, 1 a critical rule failed, 2 unreadable input.")
    audit.add_argument("file", metavar="FILE", help="the JSON-lines file, or - for stdin")
    audit.add_argument("--policy", default="default", choices=_AUDIT_POLICY_NAMES,
                       metavar="NAME", help="the named audit policy: "
                       + ", ".join(_AUDIT_POLICY_NAMES) + " (default: %(default)s)")
    audit.add_argument("--format", default="table", choices=("table", "json"),
                       help="a table per complaint and a summary, or JSON "
                            "(default: %(default)s)")
    verify = sub.add_parser(
        "verify", help="check a JSON-lines export, or a SQLite store, against its digests",
        description="Check stored events (and, with --db, every snapshot) against their "
                    "digests, and name the first event or the snapshot fields changed by "
                    "hand. Exit status: 0 all verified, 1 something was changed, 2 "
                    "unreadable input.")
    source = verify.add_mutually_exclusive_group(required=True)
    source.add_argument("file", metavar="FILE", nargs="?",
                        help="a JSON-lines export (SQLiteStore.export), or - for stdin")
    source.add_argument("--db", metavar="PATH", help="a SQLite store, snapshots included")
    verify.add_argument("--keys", metavar="FILE",
                        help="a JSON object of key ids to hex secrets, for a keyed chain")
    report.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "report":
        return report.run(args, stdout=sys.stdout, stderr=sys.stderr)
    if args.command == "verify":
        from .verify import run as run_verify

        return run_verify(args.file, db=args.db, keys_file=args.keys, stdout=sys.stdout,
                          stderr=sys.stderr)
    if args.command == "audit":
        from .audit import run

        return run(args.file, policy_name=args.policy, output=args.format,
                   stdout=sys.stdout, stderr=sys.stderr)
    if args.command == "demo":
        from .._values.errors import StoreError
        from .demo import run_demo

        try:
            run_demo(sys.stdout, args.db)
            sys.stdout.flush()
        except BrokenPipeError:  # e.g. `complaintflow demo | head`: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
        except StoreError as error:  # e.g. --db in a folder that does not exist
            print(f"complaintflow demo: {error}", file=sys.stderr)
            return 2
    return 0

