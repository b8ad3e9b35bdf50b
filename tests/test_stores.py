"""The stores: the conformance kit on the bundled stores (and on a broken one), and the
SQLite file under concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
import random
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from complaintflow import Complaint, HearConcern, load, verify
from complaintflow.__main__ import main
from complaintflow.commands import Assign
from complaintflow.events import Event
from complaintflow.stores import ComplaintStore, ConcurrencyConflict, StoreError
from complaintflow.stores._records import event_records
from complaintflow.stores.memory import MemoryStore
from complaintflow.stores.sqlite import SQLiteStore
from complaintflow.testing import StoreContract


class TestMemoryStore(StoreContract):
    def make_store(self) -> ComplaintStore:
        return MemoryStore()


class TestSQLiteStoreInMemory(StoreContract):
    def make_store(self) -> ComplaintStore:
        return SQLiteStore(":memory:")


class _CarelessStore(MemoryStore):
    """Overwrites whatever is stored: no revision check, no check of the log."""

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        log = self._events[complaint.complaint_id]
        self._write(complaint, event_records(events, log[-1].digest, ()), log)


@pytest.mark.parametrize("check", ["test_save_refuses_a_stale_revision_and_changes_nothing",
                                   "test_handle_gives_up_after_its_retries"])
def test_the_kit_catches_a_store_without_optimistic_concurrency(check: str) -> None:
    class Careless(StoreContract):
        def make_store(self) -> ComplaintStore:
            return _CarelessStore()

    with pytest.raises(AssertionError):
        getattr(Careless(), check)()


def test_the_kit_asks_for_a_store() -> None:
    with pytest.raises(NotImplementedError, match="make_store"):
        StoreContract().test_an_unknown_id_is_not_found()


# --- the SQLite file --------------------------------------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # before any real time: _now() follows


def test_the_file_is_in_wal_mode_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "complaints.db"
    with SQLiteStore(path) as store:
        StoreContract().opened(store, "C-1")
        applied = store.handle("C-1", HearConcern(text="The fee."), at=T0 + timedelta(1))
    with SQLiteStore(path) as again:
        assert again.get("C-1") == applied.complaint
        assert again.ids() == ["C-1"]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    row = db.execute("SELECT revision, seq, stage FROM complaints").fetchone()
    assert row == (applied.complaint.revision, applied.complaint.seq, "listening")
    snapshot = json.loads(db.execute("SELECT snapshot FROM complaints").fetchone()[0])
    assert snapshot["schema"] == "complaintflow/complaint"
    db.close()


def test_the_events_table_is_append_only(tmp_path: Path) -> None:
    path = tmp_path / "complaints.db"
    with SQLiteStore(path) as store:
        StoreContract().opened(store, "C-1")
    db = sqlite3.connect(path)
    for statement in ("UPDATE complaint_events SET type = 'x'", "DELETE FROM complaint_events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(statement)
    assert db.execute("SELECT count(*) FROM complaint_events").fetchone() == (3,)
    db.close()


COMPLAINTS = [f"C-{n}" for n in range(1, 6)]
WORKERS = 4
COMMANDS_EACH = 250


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _worker(path: str, worker: int) -> dict[str, int]:
    """Apply COMMANDS_EACH commands to random complaints; count what applied, by id."""
    rng = random.Random(worker)
    applied = dict.fromkeys(COMPLAINTS, 0)
    with SQLiteStore(path, busy_timeout=60) as store:
        for number in range(COMMANDS_EACH):
            complaint_id = rng.choice(COMPLAINTS)
            command = (HearConcern(text=f"w{worker} n{number}") if number % 2
                       else Assign(agent=f"agent {worker}-{number}"))
            try:
                store.handle(complaint_id, command, at=_now, retries=50)
            except ConcurrencyConflict:
                continue
            applied[complaint_id] += 1
    return applied


def test_four_processes_lose_no_update(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    with SQLiteStore(path) as store:
        for complaint_id in COMPLAINTS:
            StoreContract().opened(store, complaint_id)
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        counts: list[dict[str, int]] = pool.starmap(
            _worker, [(path, worker) for worker in range(WORKERS)])
    applied = {cid: sum(count[cid] for count in counts) for cid in COMPLAINTS}
    assert sum(applied.values()) >= WORKERS * COMMANDS_EACH * 0.95  # conflicts are retried
    with SQLiteStore(path) as store:
        for complaint_id in COMPLAINTS:
            complaint = store.get(complaint_id)
            log = store.events(complaint_id)
            assert complaint.revision == 2 + applied[complaint_id]  # opened, verified
            assert len(log) == complaint.seq
            snapshot, stored = store.stored(complaint_id)
            assert verify(stored, snapshot=snapshot) == ()
            assert load(snapshot, events=stored) == complaint


def test_a_store_that_cannot_be_opened_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the SQLite store"):
        SQLiteStore(tmp_path / "no such folder" / "c.db")


def test_the_demo_reports_a_store_it_cannot_open(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--db", str(tmp_path / "missing" / "demo.db")]) == 2
    assert "cannot open the SQLite store" in capsys.readouterr().err
