"""The PostgreSQL store against a real server: the conformance kit, the DDL, the roles and
grants, the append-only triggers and their guard, the feed under concurrent writers."""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from complaintflow import Assign, HearConcern, SnapshotError, verify
from complaintflow.__main__ import main
from complaintflow._formats.integrity import canonical
from complaintflow.stores import ComplaintStore, ConcurrencyConflict, StoreError
from complaintflow.stores.sqlite import SQLiteStore
from complaintflow.testing import DurableStoreContract, EventFeedContract, StoreContract

from .conftest import Postgres, missing

try:
    import psycopg
except ImportError:  # pragma: no cover  (make test installs it)
    missing("psycopg is not installed (pip install 'complaintflow[postgres]')", module=True)

from complaintflow.stores.postgres import PostgresStore


class TestPostgresStore(DurableStoreContract, EventFeedContract):
    @pytest.fixture(autouse=True)
    def _server(self, postgres: Postgres) -> None:
        self.pg = postgres

    def make_store(self) -> PostgresStore:
        self.database = self.pg.new_database()
        return PostgresStore(self.pg.app(self.database))

    def opener(self, store: ComplaintStore) -> Callable[[], ComplaintStore]:
        return functools.partial(PostgresStore, self.pg.app(self.database))

    def teardown_store(self, store: ComplaintStore) -> None:
        super().teardown_store(store)
        self.pg.drop_database(self.database)


class TestPostgresStoreWithAPool(TestPostgresStore):
    def make_store(self) -> PostgresStore:
        self.database = self.pg.new_database()
        return PostgresStore(self.pg.app(self.database), pool=4)

    def opener(self, store: ComplaintStore) -> Callable[[], ComplaintStore]:
        return functools.partial(PostgresStore, self.pg.app(self.database), pool=2)


# --- helpers ---------------------------------------------------------------------------

EV = "complaintflow.complaint_events"
ROLES = ("app", "owner", "superuser")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def connect_as(postgres: Postgres,
               pg_database: str) -> Iterator[Callable[[str], psycopg.Connection[Any]]]:
    """Connections to the test's database as ``app``, ``owner`` (a migrator login that
    SET ROLEs to the NOLOGIN owner) or ``superuser``; closed after the test."""
    opened: list[psycopg.Connection[Any]] = []

    def connect(who: str) -> psycopg.Connection[Any]:
        info = {"app": postgres.app, "owner": postgres.migrator,
                "superuser": postgres.superuser}[who](pg_database)
        db = psycopg.connect(info, autocommit=True)
        if who == "owner":
            db.execute("SET ROLE complaintflow_owner")
        opened.append(db)
        return db

    yield connect
    for db in opened:
        db.close()


@pytest.fixture
def store(postgres: Postgres, pg_database: str) -> Iterator[PostgresStore]:
    """The app's store on the test's database, with complaint C-1 in it."""
    with PostgresStore(postgres.app(pg_database)) as opened:
        StoreContract().opened(opened, "C-1")
        yield opened


def scalar(db: psycopg.Connection[Any], query: str, params: Any = None) -> Any:
    row = db.execute(query, params).fetchone()
    assert row is not None
    return row[0]


COPY_OF_3 = ("SELECT complaint_id, 4, type, at, event, digest FROM complaintflow.complaint_events "
             "WHERE complaint_id = 'C-1' AND seq = 3")
"""An event at seq 4 written by hand, without the store: a copy of event 3."""


def later(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


# --- the schema: idempotent, owned by the owner, with the rights it says ----------------


def test_create_schema_is_idempotent_even_with_the_guard_armed(
        postgres: Postgres, pg_database: str, store: PostgresStore) -> None:
    def state() -> tuple[object, ...]:
        with postgres.connect(pg_database) as db:
            return (scalar(db, "SELECT fingerprint FROM complaintflow_guard.armed"),
                    scalar(db, f"SELECT count(*) FROM pg_trigger WHERE tgrelid = '{EV}'::regclass"),
                    scalar(db, "SELECT last_position FROM complaintflow.feed_head"))

    before = state()
    for conninfo in (postgres.superuser(pg_database), postgres.migrator(pg_database)):
        with PostgresStore(conninfo) as admin:
            admin.create_schema()
            admin.create_schema()
    assert state() == before
    assert store.get("C-1").revision == 2


def test_the_app_cannot_create_the_schema(postgres: Postgres, pg_database: str) -> None:
    with PostgresStore(postgres.app(pg_database)) as app, \
            pytest.raises(StoreError, match="InsufficientPrivilege"):
        app.create_schema()


def test_one_role_for_everything_creates_the_schema_as_its_own(postgres: Postgres) -> None:
    """Without the roles (a database of one's own, as its owner), the tables and triggers
    are created, owned by that role, and append-only for it too."""
    name = postgres.new_database(template="template1")
    try:
        with postgres.connect() as db:
            db.execute("CREATE ROLE solo LOGIN PASSWORD 'solo-password'")
            db.execute(f'ALTER DATABASE "{name}" OWNER TO solo')
        info = postgres.server.conninfo("solo", "solo-password", dbname=name)
        with PostgresStore(info) as solo:
            solo.create_schema()
            solo.create_schema()
            StoreContract().opened(solo, "C-1")
            assert solo.get("C-1").revision == 2
        with psycopg.connect(info, autocommit=True) as db:
            assert scalar(db, "SELECT tableowner FROM pg_tables WHERE tablename = "
                              "'complaint_events'") == "solo"
            with pytest.raises(psycopg.errors.RestrictViolation):
                db.execute(f"DELETE FROM {EV}")
    finally:
        postgres.drop_database(name)
        with postgres.connect() as db:
            db.execute("DROP ROLE solo")


def test_the_owner_owns_every_object_and_cannot_log_in(postgres: Postgres,
                                                       pg_database: str) -> None:
    with postgres.connect(pg_database) as db:
        owners = db.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE nspname = 'complaintflow' "
            "UNION SELECT pg_get_userbyid(proowner) FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE nspname = 'complaintflow' "
            "UNION SELECT pg_get_userbyid(nspowner) FROM pg_namespace "
            "WHERE nspname = 'complaintflow'").fetchall()
        assert owners == [("complaintflow_owner",)]
        assert db.execute("SELECT rolcanlogin, rolsuper FROM pg_roles "
                          "WHERE rolname = 'complaintflow_owner'").fetchone() == (False, False)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(postgres.server.conninfo("complaintflow_owner", "anything",
                                                 dbname=pg_database))


PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def test_the_app_and_the_reader_have_exactly_the_rights_they_need(
        postgres: Postgres, pg_database: str) -> None:
    with postgres.connect(pg_database) as db:
        def rights(role: str, table: str) -> set[str]:
            return {p for p in PRIVILEGES if scalar(
                db, "SELECT has_table_privilege(%s, %s, %s)",
                (role, f"complaintflow.{table}", p))}

        def updates(role: str, column: str) -> bool:
            return bool(scalar(db, "SELECT has_column_privilege(%s, "
                                   "'complaintflow.complaints', %s, 'UPDATE')", (role, column)))

        assert rights("complaintflow_app", "complaints") == {"SELECT", "INSERT"}
        columns = ("revision", "seq", "stage", "updated_at", "snapshot", "digest", "head")
        assert all(updates("complaintflow_app", column) for column in columns)
        assert not updates("complaintflow_app", "complaint_id")
        assert rights("complaintflow_app", "complaint_events") == {"SELECT", "INSERT"}
        assert rights("complaintflow_app", "feed_head") == set()
        assert rights("complaintflow_reader", "complaints") == {"SELECT"}
        assert rights("complaintflow_reader", "complaint_events") == {"SELECT"}
        assert not any(updates("complaintflow_reader", column) for column in columns)
        assert db.execute(
            "SELECT has_schema_privilege('complaintflow_app', 'complaintflow', 'CREATE'), "
            "has_schema_privilege('complaintflow_app', 'public', 'CREATE'), "
            "pg_has_role('complaintflow_app', 'complaintflow_owner', 'MEMBER')").fetchone() == (
            False, False, False)


def test_a_reader_login_follows_the_feed_and_writes_nothing(
        postgres: Postgres, pg_database: str, store: PostgresStore) -> None:
    with postgres.connect(pg_database) as db:
        db.execute("CREATE ROLE projector LOGIN PASSWORD 'projector-password' "
                   "IN ROLE complaintflow_reader")
    try:
        info = postgres.server.conninfo("projector", "projector-password", dbname=pg_database)
        with PostgresStore(info) as reader:
            assert [item.event.seq for item in reader.feed()] == [1, 2, 3]
            with pytest.raises(StoreError, match="InsufficientPrivilege"):
                reader.handle("C-1", Assign(agent="bo"), at=later(1))
        assert store.get("C-1").revision == 2
    finally:
        with postgres.connect(pg_database) as db:
            db.execute("DROP OWNED BY projector")
            db.execute("DROP ROLE projector")


# --- append-only, for every role --------------------------------------------------------

APPEND_ONLY = {
    "update": f"UPDATE {EV} SET type = 'tampered'",
    "delete": f"DELETE FROM {EV}",
    "truncate": f"TRUNCATE {EV}",
    "truncate complaints cascade": "TRUNCATE complaintflow.complaints CASCADE",
    "merge delete": (f"MERGE INTO {EV} e USING (SELECT 'C-1'::text AS id) s "
                     "ON e.complaint_id = s.id WHEN MATCHED THEN DELETE"),
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("operation", list(APPEND_ONLY))
def test_no_role_can_change_or_remove_an_event(
        connect_as: Callable[[str], psycopg.Connection[Any]], store: PostgresStore,
        who: str, operation: str) -> None:
    db = connect_as(who)
    refused = (psycopg.errors.InsufficientPrivilege if who == "app"
               else psycopg.errors.RestrictViolation)
    with pytest.raises(refused) as caught, db.transaction():
        db.execute(APPEND_ONLY[operation])
    if who != "app":
        assert "append-only" in str(caught.value)
    assert [event.seq for event in store.events("C-1")] == [1, 2, 3]


def test_replica_mode_does_not_switch_the_triggers_off(
        connect_as: Callable[[str], psycopg.Connection[Any]], store: PostgresStore) -> None:
    db = connect_as("superuser")
    with pytest.raises(psycopg.errors.RestrictViolation), db.transaction():  # noqa: PT012
        db.execute("SET LOCAL session_replication_role = replica")
        db.execute(f"DELETE FROM {EV}")
    for who in ("app", "owner"):  # and only superusers may set it at all
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connect_as(who).execute("SET session_replication_role = replica")


BYPASSES = {
    "disable trigger": f"ALTER TABLE {EV} DISABLE TRIGGER complaint_events_no_update",
    "disable trigger user": f"ALTER TABLE {EV} DISABLE TRIGGER USER",
    "drop trigger": f"DROP TRIGGER complaint_events_no_delete ON {EV}",
    "rename trigger": f"ALTER TRIGGER complaint_events_no_delete ON {EV} RENAME TO gone",
    "replace the function": ("CREATE OR REPLACE FUNCTION complaintflow.refuse_change() "
                             "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"),
    "drop the function": "DROP FUNCTION complaintflow.refuse_change() CASCADE",
    "add a trigger": (f"CREATE TRIGGER sneaky BEFORE INSERT ON {EV} FOR EACH ROW "
                      "EXECUTE FUNCTION complaintflow.assign_feed_position()"),
    "rewrite a column": f"ALTER TABLE {EV} ALTER COLUMN type TYPE text USING 'rewritten'",
    "drop a column": f"ALTER TABLE {EV} DROP COLUMN event",
    "rename the table": f"ALTER TABLE {EV} RENAME TO old_events",
    "drop the table": f"DROP TABLE {EV}",
    "drop the schema": "DROP SCHEMA complaintflow CASCADE",
}


@pytest.mark.parametrize("who", ["owner", "superuser"])
@pytest.mark.parametrize("bypass", list(BYPASSES))
def test_the_guard_refuses_the_ddl_that_would_defeat_the_triggers(
        connect_as: Callable[[str], psycopg.Connection[Any]], who: str, bypass: str) -> None:
    db = connect_as(who)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="complaintflow guard"), \
            db.transaction():
        db.execute(BYPASSES[bypass])


def test_the_guard_holds_in_replica_mode_too(
        connect_as: Callable[[str], psycopg.Connection[Any]]) -> None:
    db = connect_as("superuser")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="complaintflow guard"), \
            db.transaction():  # noqa: PT012
        db.execute("SET LOCAL session_replication_role = replica")
        db.execute(BYPASSES["disable trigger"])


def test_the_app_cannot_even_try_the_ddl(
        connect_as: Callable[[str], psycopg.Connection[Any]]) -> None:
    db = connect_as("app")
    for statement in BYPASSES.values():
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught, db.transaction():
            db.execute(statement)
        assert "complaintflow guard" not in str(caught.value)  # refused before the guard


def test_the_app_cannot_give_itself_more(
        postgres: Postgres, pg_database: str,
        connect_as: Callable[[str], psycopg.Connection[Any]]) -> None:
    db = connect_as("app")
    refused = [
        "GRANT complaintflow_owner TO complaintflow_app",
        "SET ROLE complaintflow_owner",
        "ALTER ROLE complaintflow_app SUPERUSER",
        "CREATE TABLE complaintflow.mine (x int)",
        "CREATE TABLE public.mine (x int)",
        f"ALTER TABLE {EV} OWNER TO complaintflow_app",
        "UPDATE complaintflow.complaints SET complaint_id = 'x' WHERE false",
        "DELETE FROM complaintflow.complaints WHERE false",
        "UPDATE complaintflow.feed_head SET last_position = 0",
    ]
    for statement in refused:
        with pytest.raises(psycopg.errors.InsufficientPrivilege), db.transaction():
            db.execute(statement)
    db.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON {EV} TO complaintflow_app")  # a warning
    with postgres.connect(pg_database) as check:
        assert check.execute(
            "SELECT has_table_privilege('complaintflow_app', %s, 'UPDATE'), "
            "has_table_privilege('complaintflow_app', %s, 'DELETE')", (EV, EV)).fetchone() == (
            False, False)


def test_the_owner_may_still_do_harmless_ddl(
        connect_as: Callable[[str], psycopg.Connection[Any]]) -> None:
    db = connect_as("owner")
    with db.transaction(force_rollback=True):
        db.execute(f"CREATE INDEX ON {EV} (type)")
        db.execute(f"COMMENT ON TABLE {EV} IS 'the log'")
        db.execute("ALTER TABLE complaintflow.complaints ADD COLUMN note text")


def test_breaking_the_glass_takes_a_superuser(
        connect_as: Callable[[str], psycopg.Connection[Any]], store: PostgresStore) -> None:
    owner = connect_as("owner")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="complaintflow guard"), \
            owner.transaction():  # noqa: PT012
        owner.execute("SET LOCAL complaintflow.allow_ddl = 'on'")
        owner.execute(BYPASSES["disable trigger"])
    superuser = connect_as("superuser")
    with superuser.transaction(force_rollback=True):
        superuser.execute("SET LOCAL complaintflow.allow_ddl = 'on'")
        superuser.execute(BYPASSES["disable trigger"])
        changed = superuser.execute(f"UPDATE {EV} SET type = 'tampered'").rowcount
        assert changed == 3  # rolled back below
    assert store.events("C-1")[0].type == "complaint_opened"


def test_triggers_switched_off_are_switched_on_again_or_reported(
        postgres: Postgres, pg_database: str,
        connect_as: Callable[[str], psycopg.Connection[Any]]) -> None:
    superuser = connect_as("superuser")
    with superuser.transaction():  # a superuser breaks the glass, and forgets to re-arm
        superuser.execute("SET LOCAL complaintflow.allow_ddl = 'on'")
        superuser.execute(BYPASSES["disable trigger"])
    with PostgresStore(postgres.superuser(pg_database)) as admin, \
            pytest.raises(StoreError, match="complaintflow guard"):
        admin.create_schema()  # the armed guard refuses to switch it back on silently
    with superuser.transaction():
        superuser.execute("DROP EVENT TRIGGER complaintflow_guard_ddl")
        superuser.execute("DROP EVENT TRIGGER complaintflow_guard_drop")
    with PostgresStore(postgres.superuser(pg_database)) as admin:
        admin.create_schema()  # no guard: the trigger is on again, and the guard back
    assert scalar(superuser, "SELECT tgenabled FROM pg_trigger WHERE tgname = "
                             "'complaint_events_no_update'") == "A"
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="complaintflow guard"), \
            superuser.transaction():
        superuser.execute(BYPASSES["disable trigger"])


# --- saving: one statement, conflicts, errors ---------------------------------------------


def test_an_event_appended_behind_the_stores_back_is_a_conflict(
        connect_as: Callable[[str], psycopg.Connection[Any]], store: PostgresStore) -> None:
    """Regression: the events' key caught the race as a raw UniqueViolation, which
    handle did not retry."""
    loaded = store.get("C-1")
    applied = loaded.apply(HearConcern(text="mine"), at=later(1))
    app = connect_as("app")
    app.execute(  # an unguarded writer takes seq 4 first
        f"INSERT INTO {EV} (complaint_id, seq, type, at, event, digest) {COPY_OF_3}")
    with pytest.raises(ConcurrencyConflict):
        store.save(applied.complaint, applied.events, expected_revision=loaded.revision)
    assert app.execute("SELECT revision, seq FROM complaintflow.complaints").fetchone() == (
        2, 3)  # the UPDATE went with the INSERT
    assert len(store.feed()) == 4


def test_the_position_is_the_triggers_not_the_writers(
        connect_as: Callable[[str], psycopg.Connection[Any]], store: PostgresStore) -> None:
    db = connect_as("app")
    position = db.execute(
        f"INSERT INTO {EV} (complaint_id, seq, type, at, event, digest, position) "
        "VALUES ('C-1', 9, 'x', now(), '{}', 'x', 999999) RETURNING position").fetchone()
    assert position == (4,)


def test_a_rolled_back_append_leaves_no_gap(
        connect_as: Callable[[str], psycopg.Connection[Any]], store: PostgresStore) -> None:
    db = connect_as("app")
    with db.transaction(force_rollback=True):
        db.execute(f"INSERT INTO {EV} (complaint_id, seq, type, at, event, digest) "
                   f"{COPY_OF_3}")
    store.handle("C-1", HearConcern(text="mine"), at=later(1))
    assert [item.position for item in store.feed()] == [1, 2, 3, 4]


def test_the_store_reads_committed_whatever_the_default(
        postgres: Postgres, pg_database: str) -> None:
    info = postgres.app(pg_database) + " options='-c default_transaction_isolation=serializable'"
    with PostgresStore(info) as serializable:
        StoreContract().opened(serializable, "C-9")
        racing = [threading.Thread(target=lambda n=n: serializable.handle(
            "C-9", Assign(agent=f"agent {n}"), at=lambda: datetime.now(timezone.utc)))
            for n in range(4)]
        for thread in racing:
            thread.start()
        for thread in racing:
            thread.join()
        assert serializable.get("C-9").revision == 6
        with serializable._db() as db, db.transaction():
            assert scalar(db, "SHOW transaction_isolation") == "read committed"


def test_the_snapshot_is_kept_byte_for_byte_and_a_hand_edit_is_refused(
        connect_as: Callable[[str], psycopg.Connection[Any]], store: PostgresStore) -> None:
    superuser = connect_as("superuser")
    text = scalar(superuser, "SELECT snapshot::text FROM complaintflow.complaints")
    assert text == canonical(json.loads(text))  # json, not jsonb: not a byte reordered
    superuser.execute("UPDATE complaintflow.complaints SET snapshot = "
                      "replace(snapshot::text, 'Ann Lee', 'Someone Else')::json")
    with pytest.raises(SnapshotError, match="changed after it was written"):
        store.get("C-1")


def test_every_failure_is_a_store_error_without_the_password(postgres: Postgres,
                                                            pg_database: str) -> None:
    wrong = postgres.server.conninfo("complaintflow_app", "not-the-password",
                                     dbname=pg_database)
    with pytest.raises(StoreError, match="password authentication failed") as caught:
        PostgresStore(wrong)
    assert "not-the-password" not in str(caught.value)
    store = PostgresStore(postgres.app(pg_database))
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.get("C-1")


def test_a_lost_connection_is_replaced(postgres: Postgres, pg_database: str,
                                       store: PostgresStore) -> None:
    with postgres.connect(pg_database) as db:
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                   "WHERE usename = 'complaintflow_app'")
    with pytest.raises(StoreError):
        store.get("C-1")  # the connection the server closed
    assert store.get("C-1").revision == 2  # a new one


# --- the feed ----------------------------------------------------------------------------


def test_a_writer_waits_for_the_one_before_it_so_positions_commit_in_order(
        postgres: Postgres, pg_database: str, store: PostgresStore,
        connect_as: Callable[[str], psycopg.Connection[Any]]) -> None:
    StoreContract().opened(store, "C-2")
    head = store.feed()[-1].position
    first = connect_as("app")
    waiting = threading.Event()
    with first.transaction():  # appends at head + 1, and holds the feed's lock
        first.execute(f"INSERT INTO {EV} (complaint_id, seq, type, at, event, digest) "
                      f"{COPY_OF_3}")
        def second_writer() -> None:
            waiting.set()
            store.handle("C-2", Assign(agent="bo"), at=later(1))

        second = threading.Thread(target=second_writer)
        second.start()
        assert waiting.wait(10)
        with postgres.connect(pg_database) as observer:
            deadline = time.monotonic() + 10
            while scalar(observer, "SELECT count(*) FROM pg_stat_activity WHERE "
                                   "usename = 'complaintflow_app' AND wait_event_type = "
                                   "'Lock'") == 0:
                assert time.monotonic() < deadline, "the second writer never waited"
                time.sleep(0.01)
        assert store.feed(after=head) == ()  # nothing is visible out of order
    second.join(10)
    items = store.feed(after=head)
    assert [(i.position, i.complaint_id) for i in items] == [(head + 1, "C-1"),
                                                             (head + 2, "C-2")]


def test_the_export_is_the_sqlite_stores_and_streams(postgres: Postgres, pg_database: str,
                                                     store: PostgresStore) -> None:
    StoreContract().opened(store, "C-0")
    exported = list(store.export())
    assert [(d["complaint_id"], d["seq"]) for d in exported] == [
        ("C-0", 1), ("C-0", 2), ("C-0", 3), ("C-1", 1), ("C-1", 2), ("C-1", 3)]
    with SQLiteStore(":memory:") as sqlite:
        for complaint_id in ("C-0", "C-1"):
            sqlite.add(store.get(complaint_id), store.events(complaint_id))
        assert list(sqlite.export()) == exported
    for complaint_id in store.ids():
        snapshot, events = store.stored(complaint_id)
        assert verify(events, snapshot=snapshot) == ()


# --- the command line on a PostgreSQL store ----------------------------------------------


def test_the_command_line_reads_a_postgres_store(postgres: Postgres, pg_database: str,
                                                 store: PostgresStore,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    store.handle("C-1", HearConcern(text="The fee."), at=later(1))
    info = postgres.app(pg_database)
    assert main(["export", "--postgres", info]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(text) for text in lines] == list(store.export())
    assert main(["verify", "--postgres", info]) == 0
    assert "1 complaints checked: 1 verified, 0 changed" in capsys.readouterr().out
    assert main(["audit", "--postgres", info, "--format", "json"]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["summary"]["complaints"] == 1
    wrong = postgres.server.conninfo("complaintflow_app", "wrong", dbname=pg_database)
    assert main(["audit", "--postgres", wrong]) == 2
    err = capsys.readouterr().err
    assert "password authentication failed" in err
    assert "wrong" not in err.replace("password authentication failed", "")


def test_bad_arguments_are_refused_clearly(postgres: Postgres, pg_database: str) -> None:
    from complaintflow import InvalidValueError
    from complaintflow.stores.postgres import SQL_FILES, sql_text

    wrong: list[Any] = [0, -1, True, "4"]
    for pool in wrong:
        with pytest.raises(InvalidValueError, match="pool must be a positive number"):
            PostgresStore(postgres.app(pg_database), pool=pool)
    with pytest.raises(InvalidValueError, match=r"no SQL file 'x\.sql'"):
        sql_text("x.sql")
    assert all(sql_text(name).startswith("-- complaintflow on PostgreSQL") for name in SQL_FILES)
