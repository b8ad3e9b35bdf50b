"""The ``complaintflow`` command line. Each subcommand lives in a module of this package
that has ``register(commands)``, which adds its parser and sets ``run``; list it here."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from . import audit, demo, export, mcp_server, report, train, verify

COMMANDS = (demo, audit, verify, export, report, mcp_server, train)

SIGPIPE = 13
"""The signal number of SIGPIPE on POSIX systems (``signal.SIGPIPE`` is not on Windows)."""


class _Version(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from .. import __version__

        print(f"complaintflow {__version__}")
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="complaintflow",
                                     description="Handle customer complaints, step by step.")
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(commands)
    args = parser.parse_args(argv)
    _escape_unencodable()
    try:
        status: int = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `complaintflow audit FILE | head`: stop quietly
        _drop_stdout()
        return 128 + SIGPIPE  # as if killed by SIGPIPE, the POSIX convention
    return status


def _drop_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's final flush of what is
    still buffered for a closed pipe fails silently instead of printing a traceback."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no file (a test's)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _escape_unencodable() -> None:
    """Write what the terminal's encoding cannot show as escapes rather than fail on it."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
