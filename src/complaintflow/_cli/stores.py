"""The stores the command line reads: ``--db PATH`` (SQLite) or ``--postgres CONNINFO``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..stores.sqlite import SQLiteStore


def add_source_arguments(parser: Any) -> None:
    """One input, required: ``FILE`` (a JSON-lines export, or ``-`` for standard input),
    ``--db`` or ``--postgres``."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("file", metavar="FILE", nargs="?",
                        help="a JSON-lines export (complaintflow export), or - for standard "
                             "input")
    add_store_arguments(source)


def add_store_arguments(group: Any) -> None:
    """``--db`` and ``--postgres`` in a mutually exclusive group."""
    group.add_argument("--db", metavar="PATH", help="a SQLite store")
    group.add_argument("--postgres", metavar="CONNINFO",
                       help="a PostgreSQL store: a libpq connection string or URL")


@contextmanager
def opened_store(db: str | None, postgres: str | None) -> Iterator[SQLiteStore | Any]:
    """The store, opened to be read (a SQLite file must exist: none is created), closed
    after; raises :class:`~complaintflow.stores.StoreError` when it cannot be opened."""
    from .._values.errors import StoreError

    if db is not None:
        from ..stores.sqlite import SQLiteStore

        if not Path(db).is_file():
            raise StoreError(f"there is no SQLite store at {db!r}")
        store: Any = SQLiteStore(db)
    else:
        assert postgres is not None
        try:
            from ..stores.postgres import PostgresStore
        except ImportError as missing:
            raise StoreError(str(missing)) from None
        store = PostgresStore(postgres)
    try:
        yield store
    finally:
        store.close()
