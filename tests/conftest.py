"""A real PostgreSQL server for the tests that need one: started once per session from the
distribution's initdb and pg_ctl (see ``tests/pg_server.py``), stopped at the end.

Without the server programs (or psycopg) those tests are skipped, with one line that says
how to run them, unless ``COMPLAINTFLOW_REQUIRE_POSTGRES`` is set (``.ci/run`` sets it):
then they fail.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

from .pg_server import PostgresNotFound, PostgresServer, conninfo

if TYPE_CHECKING:
    import psycopg

REQUIRE = "COMPLAINTFLOW_REQUIRE_POSTGRES"
APP_PASSWORD = "app-password-for-the-tests"
MIGRATOR_PASSWORD = "migrator-password-for-the-tests"
TEMPLATE = "complaintflow_template"
HOW = ("no PostgreSQL server here: install it (apt-get install -y postgresql, or set "
       "PG_BINDIR) and pip install 'complaintflow[postgres]', or run .ci/run")


class Postgres:
    """The session's server, with a template database that holds the schema (made by
    ``PostgresStore.create_schema()`` as the superuser): each test gets a fresh copy."""

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self._numbers = itertools.count(1)

    def superuser(self, dbname: str = "postgres") -> str:
        return self.server.conninfo(dbname=dbname)

    def app(self, dbname: str) -> str:
        """The conninfo of ``complaintflow_app``, the role the application connects as."""
        return self.server.conninfo("complaintflow_app", APP_PASSWORD, dbname=dbname)

    def migrator(self, dbname: str) -> str:
        """The conninfo of ``migrator``, a login that is a member of the owner role."""
        return self.server.conninfo("migrator", MIGRATOR_PASSWORD, dbname=dbname)

    def new_database(self, template: str = TEMPLATE) -> str:
        """A new database, a copy of ``template`` (the schema installed); its name."""
        name = f"test_{next(self._numbers)}"
        with self.connect() as db:
            db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop_database(self, name: str) -> None:
        with self.connect() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def connect(self, dbname: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        import psycopg

        return psycopg.connect(self.superuser(dbname), autocommit=True)


def missing(reason: str, *, module: bool = False) -> NoReturn:
    """Fail when the PostgreSQL tests are required, else skip them with one line."""
    if os.environ.get(REQUIRE):
        pytest.fail(f"{REQUIRE} is set, and the PostgreSQL tests cannot run: {reason}",
                    pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {HOW}", allow_module_level=module)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    try:
        import psycopg
    except ImportError:
        missing("psycopg is not installed (pip install 'complaintflow[postgres]')")
    from complaintflow.stores.postgres import PostgresStore

    server = PostgresServer()
    try:
        server.start()
    except PostgresNotFound as error:
        missing(str(error))
    try:
        pg = Postgres(server)
        with pg.connect() as db:
            db.execute(f'CREATE DATABASE "{TEMPLATE}"')
        with PostgresStore(pg.superuser(TEMPLATE)) as store:
            store.create_schema()
        with pg.connect() as db:
            for role, password in (("complaintflow_app", APP_PASSWORD),
                                   ("migrator", MIGRATOR_PASSWORD)):
                if role == "migrator":
                    db.execute("CREATE ROLE migrator LOGIN NOINHERIT "
                               "IN ROLE complaintflow_owner")
                verifier = db.pgconn.encrypt_password(password.encode(), role.encode(),
                                                      b"scram-sha-256")
                db.execute(psycopg.sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    psycopg.sql.Identifier(role), psycopg.sql.Literal(verifier.decode())))
        yield pg
    finally:
        server.stop()


@pytest.fixture
def pg_database(postgres: Postgres) -> Iterator[str]:
    """A fresh database with the schema; dropped after the test."""
    name = postgres.new_database()
    yield name
    postgres.drop_database(name)


__all__ = ["Postgres", "conninfo"]
