"""``complaintflow verify FILE | --db PATH | --postgres CONNINFO``: check stored events
(and a store's snapshots) against their digests, and name what was changed by hand.

A FILE is a JSON-lines export (as ``complaintflow export`` writes it): its events are
grouped by complaint as ``complaintflow audit`` groups them, and each complaint's chain is
checked. ``--db`` and ``--postgres`` check every complaint of a store, its snapshot
included.

Exit status: 0 when everything matches, 1 when something was changed, 2 when the input
cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .. import IntegrityKey, Problem, verify
from ..stores import StoreError
from .stores import add_source_arguments, opened_store


def register(commands: Any) -> None:
    """Add ``verify`` to the command line's subcommands."""
    parser = commands.add_parser(
        "verify", help="check a JSON-lines export, or a store, against its digests",
        description="Check stored events (and, for a store, every snapshot) against their "
                    "digests, and name the first event or the snapshot fields changed by "
                    "hand. Exit status: 0 all verified, 1 something was changed, 2 "
                    "unreadable input.")
    add_source_arguments(parser)
    parser.add_argument("--keys", metavar="FILE",
                        help="a JSON object of key ids to hex secrets, for a keyed chain")
    parser.set_defaults(run=_main)


def _main(args: argparse.Namespace) -> int:
    return run(args.file, db=args.db, postgres=args.postgres, keys_file=args.keys,
               stdout=sys.stdout, stderr=sys.stderr)


def read_keys(path: str) -> list[IntegrityKey]:
    """Keys from a JSON file: an object of key ids to secrets (hex), the signing key
    first (the file is read only to verify: order does not matter here)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("the keys file holds a JSON object of key ids to hex secrets")
    return [IntegrityKey(key_id, bytes.fromhex(secret)) for key_id, secret in data.items()]


def grouped(lines: Iterable[str]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """The events of an export, complaint by complaint: an event's ``complaint_id`` label
    names it, or else the ``complaint_opened`` line before it. Raises ``ValueError`` for a
    line that is not a labelled event."""
    logs: dict[str, list[dict[str, Any]]] = {}
    current: str | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        data = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError(f"line {number}: expected a JSON object")
        label = data.get("complaint_id")
        if data.get("type") == "complaint_opened" and isinstance(label, str):
            current = label
        owner = label if isinstance(label, str) else current
        if owner is None:
            raise ValueError(f"line {number}: no complaint_id, and no complaint_opened before it")
        logs.setdefault(owner, []).append(data)
    yield from logs.items()


def _safe(text: str) -> str:
    """An id as the terminal should show it: control characters escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def _report(complaint_id: str, found: tuple[Problem, ...], count: int,
            out: IO[str]) -> bool:
    if not found:
        out.write(f"{_safe(complaint_id)}: verified ({count} events)\n")
        return True
    for problem in found:
        out.write(f"{_safe(complaint_id)}: {problem}\n")
    return False


def run(path: str | None, *, db: str | None, keys_file: str | None, stdout: IO[str],
        stderr: IO[str], postgres: str | None = None) -> int:
    """Verify an export or a store; the exit status."""
    try:
        keys = read_keys(keys_file) if keys_file else []
    except (OSError, ValueError) as error:
        stderr.write(f"complaintflow verify: cannot read the keys: {error}\n")
        return 2
    checked = changed = 0
    try:
        if db is not None or postgres is not None:
            with opened_store(db, postgres) as store:
                for complaint_id in store.ids():
                    snapshot, events = store.stored(complaint_id)
                    ok = _report(complaint_id, verify(events, snapshot=snapshot, keys=keys),
                                 len(events), stdout)
                    checked, changed = checked + 1, changed + (not ok)
        else:
            assert path is not None
            handle: IO[str] = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115  (closed below)
            with handle:
                for complaint_id, events in grouped(handle):
                    ok = _report(complaint_id, verify(events, keys=keys), len(events), stdout)
                    checked, changed = checked + 1, changed + (not ok)
    except (OSError, ValueError, UnicodeDecodeError, StoreError) as error:
        where = db or path or "the PostgreSQL store"
        stderr.write(f"complaintflow verify: cannot read {where}: {error}\n")
        return 2
    stdout.write(f"{checked} complaints checked: {checked - changed} verified, "
                 f"{changed} changed\n")
    return 1 if changed else 0
