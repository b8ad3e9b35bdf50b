"""``complaintflow mcp --db PATH``: serve the complaints of a SQLite store to an agent over
MCP (stdio), with the official ``mcp`` SDK (the extra ``complaintflow[mcp]``).

Stdout is the protocol's channel while serving: everything else goes to stderr. Exit
status: 0 when the client closed the connection, 2 for bad options, a store that cannot be
opened or a missing ``mcp`` package.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from typing import IO

_HELP = "serve a SQLite store's complaints to an LLM agent over MCP (stdio)"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``mcp`` subcommand (importing nothing heavy)."""
    mcp = sub.add_parser(
        "mcp", help=_HELP,
        description="Serve the complaints of a SQLite store to an LLM agent over MCP, on "
                    "stdin and stdout: open_complaint, get_complaint, and one tool per "
                    "command. The server stamps the time and the command ids. Needs the "
                    "extra complaintflow[mcp].")
    mcp.add_argument("--db", metavar="PATH", required=True,
                     help="the SQLite file to keep complaints in (created if missing)")
    mcp.add_argument("--deny", metavar="COMMAND", action="append", default=[],
                     help="a command the agent may not use (repeat, or separate with commas)")
    mcp.add_argument("--max-authority", metavar="CUR=AMOUNT", action="append", default=[],
                     help="the highest authority limit the agent's own escalation may set "
                          "in a currency, such as GBP=250 (repeat per currency; without it, "
                          "an agent's escalation may not raise a limit)")


def run(args: argparse.Namespace, *, stderr: IO[str] | None = None) -> int:
    """Serve until the client closes the connection; the exit status."""
    err = stderr or sys.stderr
    from .._values.errors import InvalidValueError, StoreError
    from ..agents import AgentLimits

    try:
        ceiling: dict[str, Decimal | str] = {}
        for item in args.max_authority:
            currency, sep, amount = item.partition("=")
            if not sep:
                raise InvalidValueError(f"--max-authority takes CUR=AMOUNT, got {item!r}")
            ceiling[currency.strip()] = amount.strip()
        deny = [name.strip() for item in args.deny for name in item.split(",") if name.strip()]
        limits = AgentLimits(deny=deny, authority_ceiling=ceiling)
    except InvalidValueError as error:
        err.write(f"complaintflow mcp: {error.message}\n")
        return 2
    try:
        import mcp  # noqa: F401  (the extra: say so if it is missing)
    except ImportError:
        err.write("complaintflow mcp needs the mcp package: pip install 'complaintflow[mcp]'\n")
        return 2
    from ..agents import serve_stdio
    from ..stores.sqlite import SQLiteStore

    try:
        store = SQLiteStore(args.db)
    except StoreError as error:
        err.write(f"complaintflow mcp: {error}\n")
        return 2
    with store:
        serve_stdio(store, limits=limits)
    return 0
