"""The ``complaintflow`` command line: ``python -m complaintflow demo``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="complaintflow",
                                     description="Handle customer complaints, step by step.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="play the payroll-outage scenario and print its "
                                       "transcript, keeping the complaint in a SQLite file")
    demo.add_argument("--db", default="complaintflow-demo.db",
                      help="the SQLite file to keep complaints in (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from ._demo import run_demo

        try:
            run_demo(sys.stdout, args.db)
            sys.stdout.flush()
        except BrokenPipeError:  # e.g. `complaintflow demo | head`: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
