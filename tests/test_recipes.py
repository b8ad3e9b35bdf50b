"""The SQLAlchemy and Django recipes of docs/howto/persist.md, which the page includes from
``examples/recipes/``: the conformance kit runs each against SQLite and PostgreSQL, with
writers in several processes and a writer killed mid-command."""

from __future__ import annotations

import functools
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from complaintflow import Assign, HearConcern
from complaintflow.stores import ComplaintStore, handle
from complaintflow.testing import DurableStoreContract, StoreContract

from .conftest import Postgres

RECIPES = Path(__file__).resolve().parent.parent / "examples" / "recipes"
sys.path.insert(0, str(RECIPES))  # as a host's own modules; other processes inherit it

import sqlalchemy_store  # noqa: E402  (from the path above)

RECIPE_ROLE = ("recipes", "recipes-password-for-the-tests")
"""A role of the host's own, owning the databases the recipes make their tables in."""


@pytest.fixture(scope="module")
def recipe_role(postgres: Postgres) -> Iterator[Postgres]:
    with postgres.connect() as db:
        db.execute(f"CREATE ROLE {RECIPE_ROLE[0]} LOGIN PASSWORD '{RECIPE_ROLE[1]}'")
    yield postgres
    with postgres.connect() as db:
        db.execute(f"DROP ROLE {RECIPE_ROLE[0]}")


def own_database(postgres: Postgres) -> str:
    """A new, empty database owned by the recipes' role; its name."""
    name = postgres.new_database(template="template1")
    with postgres.connect() as db:
        db.execute(f'ALTER DATABASE "{name}" OWNER TO {RECIPE_ROLE[0]}')
    with postgres.connect(name) as db:
        db.execute(f"ALTER SCHEMA public OWNER TO {RECIPE_ROLE[0]}")
    return name


def pg_url(postgres: Postgres, dbname: str) -> str:
    user, password = RECIPE_ROLE
    return (f"postgresql+psycopg://{user}:{password}@{postgres.server.host}:"
            f"{postgres.server.port}/{dbname}")


# --- SQLAlchemy -----------------------------------------------------------------------


class TestSQLAlchemyRecipeOnSQLite(DurableStoreContract):
    def make_store(self) -> ComplaintStore:
        self.folder = Path(tempfile.mkdtemp(prefix="complaintflow-recipe-"))
        self.url = f"sqlite:///{self.folder / 'complaints.db'}"
        store = sqlalchemy_store.open_store(self.url)
        store.create_tables()
        return store

    def opener(self, store: ComplaintStore) -> Callable[[], ComplaintStore]:
        return functools.partial(sqlalchemy_store.open_store, self.url)

    def teardown_store(self, store: ComplaintStore) -> None:
        assert isinstance(store, sqlalchemy_store.SQLAlchemyStore)
        store.engine.dispose()
        shutil.rmtree(self.folder)


class TestSQLAlchemyRecipeOnPostgres(TestSQLAlchemyRecipeOnSQLite):
    @pytest.fixture(autouse=True)
    def _server(self, recipe_role: Postgres) -> None:
        self.pg = recipe_role

    def make_store(self) -> ComplaintStore:
        self.database = own_database(self.pg)
        self.url = pg_url(self.pg, self.database)
        store = sqlalchemy_store.open_store(self.url)
        store.create_tables()
        return store

    def teardown_store(self, store: ComplaintStore) -> None:
        assert isinstance(store, sqlalchemy_store.SQLAlchemyStore)
        store.engine.dispose()
        self.pg.drop_database(self.database)


def test_the_sqlalchemy_recipe_retries_in_a_fresh_session(tmp_path: Path) -> None:
    """Regression: the sketch retried in the session whose flush had failed, and got
    PendingRollbackError."""
    store = sqlalchemy_store.open_store(f"sqlite:///{tmp_path / 'c.db'}")
    store.create_tables()
    StoreContract().opened(store)
    loaded = store.get("C-1")
    rival = loaded.apply(Assign(agent="rival"), at=StoreContract.later(1))
    store.save(rival.complaint, rival.events, expected_revision=loaded.revision)

    class Stale:  # hands out the complaint as it was before the rival's save, once
        def __init__(self) -> None:
            self.stale = True

        def get(self, complaint_id: str) -> Any:
            if self.stale:
                self.stale = False
                return loaded
            return store.get(complaint_id)

        def __getattr__(self, name: str) -> Any:
            return getattr(store, name)

    applied = handle(Stale(), "C-1", HearConcern(text="mine"), at=StoreContract.later(2))
    assert store.get("C-1") == applied.complaint
    assert applied.complaint.revision == 4
    store.engine.dispose()


# --- Django ------------------------------------------------------------------------------


def open_django_store(databases: dict[str, dict[str, Any]], using: str) -> ComplaintStore:
    """Django configured with ``databases`` (once per process), and the recipe's store on
    the database ``using``: what another process opens, too."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(DATABASES=databases, USE_TZ=True, INSTALLED_APPS=[],
                           DEFAULT_AUTO_FIELD="django.db.models.BigAutoField")
        django.setup()
    import django_store

    return django_store.DjangoStore(using)


@pytest.fixture(scope="module")
def django_databases(request: pytest.FixtureRequest,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Django's databases for the module: a SQLite file, and a PostgreSQL database when
    the tests have a server (Django is configured once per process)."""
    databases: dict[str, dict[str, Any]] = {
        "default": {"ENGINE": "django.db.backends.sqlite3",
                    "NAME": str(tmp_path_factory.mktemp("django") / "db.sqlite3"),
                    "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30}}}
    try:
        pg: Postgres | None = request.getfixturevalue("recipe_role")
    except pytest.skip.Exception:  # no server: the SQLite half still runs
        pg = None
    if pg is not None:
        name = own_database(pg)
        user, password = RECIPE_ROLE
        databases["postgres"] = {
            "ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": user,
            "PASSWORD": password, "HOST": pg.server.host, "PORT": str(pg.server.port)}
    open_django_store(databases, "default")
    yield databases
    from django.db import connections

    connections.close_all()
    if pg is not None:
        pg.drop_database(databases["postgres"]["NAME"])


class TestDjangoRecipeOnSQLite(DurableStoreContract):
    using = "default"

    @pytest.fixture(autouse=True)
    def _django(self, django_databases: dict[str, Any]) -> None:
        self.databases = django_databases

    def make_store(self) -> ComplaintStore:
        from django.db import connections
        from django_store import ComplaintEvent, ComplaintRecord

        with connections[self.using].schema_editor() as editor:  # empty tables
            tables = connections[self.using].introspection.table_names()
            for model in (ComplaintEvent, ComplaintRecord):
                if model._meta.db_table in tables:
                    editor.delete_model(model)
            for model in (ComplaintRecord, ComplaintEvent):
                editor.create_model(model)
        return open_django_store(self.databases, self.using)

    def opener(self, store: ComplaintStore) -> Callable[[], ComplaintStore]:
        return functools.partial(open_django_store, self.databases, self.using)

    def teardown_store(self, store: ComplaintStore) -> None:
        from django.db import connections

        connections[self.using].close()


class TestDjangoRecipeOnPostgres(TestDjangoRecipeOnSQLite):
    using = "postgres"

    @pytest.fixture(autouse=True)
    def _server(self, recipe_role: Postgres) -> None:
        """Skips (or fails, when required) without a server, as the other tests do."""
