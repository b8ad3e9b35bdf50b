"""``complaintflow mcp --db PATH | --postgres CONNINFO``: serve the complaints of a store to
an agent over MCP (stdio), with the official ``mcp`` SDK (the extra ``complaintflow[mcp]``).

Stdout is the protocol's channel while serving: everything else goes to stderr. Exit
status: 0 when the client closed the connection, 2 for bad options, a store that cannot be
opened or a missing ``mcp`` package.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from typing import IO, Any

_HELP = "serve a SQLite store's complaints to an LLM agent over MCP (stdio)"


def register(commands: Any) -> None:
    """Add ``mcp`` to the command line's subcommands (importing nothing heavy)."""
    mcp = commands.add_parser(
        "mcp", help=_HELP,
        description="Serve the complaints of a store to an LLM agent over MCP, on stdin "
                    "and stdout: open_complaint, get_complaint, and one tool per command. "
                    "The server stamps the time and the command ids. Needs the extra "
                    "complaintflow[mcp].")
    source = mcp.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", metavar="PATH",
                        help="the SQLite file to keep complaints in (created if missing)")
    source.add_argument("--postgres", metavar="CONNINFO",
                        help="a PostgreSQL store (its schema made by create_schema): a libpq "
                             "connection string or URL")
    mcp.add_argument("--deny", metavar="COMMAND", action="append", default=[],
                     help="a command the agent may not use (repeat, or separate with commas)")
    mcp.add_argument("--max-authority", metavar="CUR=AMOUNT", action="append", default=[],
                     help="the highest authority limit the agent's own escalation may set "
                          "in a currency, such as GBP=250 (repeat per currency; without it, "
                          "an agent's escalation may not raise a limit)")
    mcp.set_defaults(run=run)


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

    try:
        store = _open(args.db, args.postgres)
    except StoreError as error:
        err.write(f"complaintflow mcp: {error}\n")
        return 2
    with store:
        serve_stdio(store, limits=limits)
    return 0


def _open(db: str | None, postgres: str | None) -> Any:
    """The store to serve: a SQLite file (created if missing) or a PostgreSQL database."""
    if db is not None:
        from ..stores.sqlite import SQLiteStore

        return SQLiteStore(db)
    from .._values.errors import StoreError

    try:
        from ..stores.postgres import PostgresStore
    except ImportError as missing:
        raise StoreError(str(missing)) from None
    assert postgres is not None  # argparse requires one of the two
    return PostgresStore(postgres)
