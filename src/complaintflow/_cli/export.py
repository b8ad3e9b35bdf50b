"""``complaintflow export --db PATH | --postgres CONNINFO``: a store's events as JSON lines.

Every event with its digest, complaint by complaint in ``seq`` order, each labelled with
its ``complaint_id``, one per line: what ``complaintflow audit`` and ``complaintflow
verify`` read. It streams, a page of events at a time, to standard output or ``--output``.

The export holds the store's data as it is, personal data included (the customers' names
and call-back numbers): keep it as you keep the store, or write it ``--redact``-ed: every
field the library marks as personal then reads ``"<redacted>"``. A redacted export still
audits; ``verify`` reports its redacted events as changed, which they were. For the
customer, write it ``--customer-view``: what the library marks internal (internal notes,
team briefings, the root-cause record) is left out, as :func:`~complaintflow.customer_view`
does; such an export is for reading, not for ``audit`` or ``verify`` (its logs have gaps).

Exit status: 0 when the export is complete, 2 when the store cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any

from .stores import add_store_arguments, opened_store


def register(commands: Any) -> None:
    """Add ``export`` to the command line's subcommands."""
    export = commands.add_parser(
        "export", help="write a store's events as JSON lines, for audit and verify",
        description="Write every event of a store as JSON lines (with its digest, labelled "
                    "with its complaint_id, complaint by complaint), streaming. The export "
                    "holds personal data as stored, unless --redact. Exit status: 0 done, "
                    "2 the store cannot be read.")
    add_store_arguments(export.add_mutually_exclusive_group(required=True))
    export.add_argument("--output", "-o", metavar="FILE",
                        help="write to FILE instead of standard output")
    export.add_argument("--redact", action="store_true",
                        help='write every personal field (names, call-back numbers) as '
                             '"<redacted>"')
    export.add_argument("--customer-view", action="store_true",
                        help="leave out what is internal (internal notes, team briefings, "
                             "root causes): an export to share with the customer")
    export.set_defaults(run=_main)


def _main(args: argparse.Namespace) -> int:
    return run(db=args.db, postgres=args.postgres, output=args.output, redacted=args.redact,
               for_customer=args.customer_view, stdout=sys.stdout, stderr=sys.stderr)


def run(*, db: str | None, postgres: str | None, output: str | None, stdout: IO[str],
        stderr: IO[str], redacted: bool = False, for_customer: bool = False) -> int:
    """Export the store (its personal data ``redacted``, its internal records left out
    ``for_customer``, if asked); the exit status."""
    from .._formats.redact import customer_view, redact
    from .._values.errors import StoreError

    try:
        target: IO[str] = stdout if output is None else open(output, "w", encoding="utf-8")  # noqa: SIM115  (closed below)
    except OSError as error:
        stderr.write(f"complaintflow export: cannot write {output}: {error.strerror}\n")
        return 2
    try:
        with opened_store(db, postgres) as store:
            for data in store.export():
                shown = customer_view(data) if for_customer else data
                if shown is not None:
                    target.write(json.dumps(redact(shown) if redacted else shown) + "\n")
    except StoreError as error:
        stderr.write(f"complaintflow export: cannot read {db or 'the PostgreSQL store'}: "
                     f"{error}\n")
        return 2
    finally:
        if target is not stdout:
            target.close()
    return 0
