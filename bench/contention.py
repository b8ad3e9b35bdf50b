"""Benchmark: commands per second through ``handle`` with 1, 2 and 4 writer processes, on
distinct complaints and on one hot complaint, for SQLite and PostgreSQL, side by side.

Run from the repository root (``python bench/run.py`` runs it too)::

    python bench/contention.py [--quick] [--json out.json]

Each writer process opens its own store and sends ``assign`` commands (each with its own
``command_id``) through ``store.handle`` with the default retries and backoff, to a
realistic complaint (5 concerns, 8 action items, 60 events, 4.6 KB of JSON): its own
(distinct) or one that every writer shares (hot). The writers start together; the rate is
all their commands over the wall time until the last one finishes. Each configuration is
run ``--rounds`` times and the median reported (the one statistic of every figure here).
Conflicts (a save beaten by another writer, retried) and give-ups (a command that lost
more than the retries allow) are counted.

For SQLite it also measures how long a command holds the file's write lock (from
``BEGIN IMMEDIATE`` returning to ``COMMIT`` returning) beside the whole command, one
writer alone. PostgreSQL runs on a throwaway server started from the distribution's
``initdb`` (``tests/pg_server.py``: fsync off, as in the tests; the comparison is of the
code, not of the disks); without one, those rows say so.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from persistence import realistic

from complaintflow import Assign, Complaint
from complaintflow.events import AnyEvent, Event
from complaintflow.stores import ConcurrencyConflict

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = (1, 2, 4)
MODES = ("distinct", "hot")
MAX_LOCK_SHARE = 0.15


class Counting:
    """A store whose saves count the conflicts they meet."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.conflicts = 0

    def add(self, complaint: Complaint, events: Sequence[Event]) -> None:
        self.store.add(complaint, events)

    def get(self, complaint_id: str) -> Complaint:
        return self.store.get(complaint_id)  # type: ignore[no-any-return]

    def save(self, complaint: Complaint, events: Sequence[Event], *,
             expected_revision: int) -> None:
        try:
            self.store.save(complaint, events, expected_revision=expected_revision)
        except ConcurrencyConflict:
            self.conflicts += 1
            raise

    def events(self, complaint_id: str, *, after: int = 0) -> tuple[AnyEvent, ...]:
        return self.store.events(complaint_id, after=after)  # type: ignore[no-any-return]


def open_store(kind: str, where: str) -> Any:
    if kind == "sqlite":
        from complaintflow.stores.sqlite import SQLiteStore

        return SQLiteStore(where, busy_timeout=60)
    from complaintflow.stores.postgres import PostgresStore

    return PostgresStore(where)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def writer(kind: str, where: str, complaint_id: str, worker: int, commands: int,
           start: Any, ready: Any, results: Any) -> None:
    """One writer process: warm up, wait for the start, send ``commands`` commands."""
    from complaintflow.stores import handle

    store = open_store(kind, where)
    counting = Counting(store)
    for n in range(3):  # connections open, statements prepared, code warm
        handle(counting, complaint_id, Assign(agent=f"warm {worker}.{n}"), at=_now)
    counting.conflicts = 0
    ready.release()
    start.wait()
    began = time.perf_counter()
    gave_up = 0
    for n in range(commands):
        try:
            handle(counting, complaint_id, Assign(agent=f"agent {worker}.{n}",
                                                  command_id=f"w{worker}-{n}"), at=_now)
        except ConcurrencyConflict:
            gave_up += 1
    elapsed = time.perf_counter() - began
    store.close()
    results.put({"elapsed": elapsed, "conflicts": counting.conflicts, "gave_up": gave_up})


def seed(kind: str, where: str, ids: Sequence[str]) -> None:
    p = realistic()
    store = open_store(kind, where)
    try:
        for complaint_id in ids:
            opened = _renamed(p.log, complaint_id)
            store.add(Complaint.from_events(opened), opened)
    finally:
        store.close()


def _renamed(log: list[Event], complaint_id: str) -> list[Event]:
    import attrs

    return [attrs.evolve(log[0], complaint_id=complaint_id), *log[1:]]  # type: ignore[call-arg]


def one_run(kind: str, where: str, processes: int, mode: str, commands: int,
            run_id: str) -> dict[str, Any]:
    """``processes`` writers at once; commands per second, conflicts, give-ups."""
    ids = [f"{run_id}-{mode}-{n}" for n in range(processes if mode == "distinct" else 1)]
    seed(kind, where, ids)
    context = multiprocessing.get_context("spawn")
    start, ready, queue = context.Event(), context.Semaphore(0), context.Queue()
    writers = [context.Process(target=writer, args=(kind, where, ids[n % len(ids)], n,
                                                    commands, start, ready, queue))
               for n in range(processes)]
    for process in writers:
        process.start()
    for _ in range(processes):
        ready.acquire()
    began = time.perf_counter()
    start.set()
    results = [queue.get() for _ in range(processes)]
    wall = time.perf_counter() - began
    for process in writers:
        process.join()
    total = processes * commands
    return {"commands": total, "wall_s": wall, "per_second": total / wall,
            "conflicts": sum(r["conflicts"] for r in results),
            "gave_up": sum(r["gave_up"] for r in results)}


def sqlite_lock_share(directory: Path, commands: int) -> dict[str, float]:
    """One writer alone: µs a command holds the write lock, beside the whole command."""
    from complaintflow.stores import sqlite

    held: list[float] = []
    original_enter, original_exit = sqlite._Transaction.__enter__, sqlite._Transaction.__exit__

    def enter(self: Any) -> None:
        original_enter(self)
        self._began = time.perf_counter()

    def exit_(self: Any, *exc: Any) -> None:
        original_exit(self, *exc)
        held.append(time.perf_counter() - self._began)

    store = sqlite.SQLiteStore(directory / "lock.db")
    p = realistic()
    store.add(p.complaint, p.log)
    sqlite._Transaction.__enter__ = enter  # type: ignore[method-assign]
    sqlite._Transaction.__exit__ = exit_  # type: ignore[method-assign]
    try:
        per_command = []
        for n in range(commands):
            began = time.perf_counter()
            store.handle("CMP-bench", Assign(agent=f"agent {n}"),
                         at=p.now + timedelta(seconds=n))
            per_command.append(time.perf_counter() - began)
    finally:
        sqlite._Transaction.__enter__ = original_enter  # type: ignore[method-assign]
        sqlite._Transaction.__exit__ = original_exit  # type: ignore[method-assign]
        store.close()
    command_us = statistics.median(per_command) * 1e6
    held_us = statistics.median(held[1:]) * 1e6  # the first is the add's
    return {"command_us": command_us, "lock_held_us": held_us,
            "share": held_us / command_us}


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """The app's conninfo on a throwaway server with the schema, or None without one."""
    sys.path.insert(0, str(ROOT))
    try:
        import psycopg

        from tests.pg_server import PostgresNotFound, PostgresServer
    except ImportError:
        yield None
        return
    from complaintflow.stores.postgres import PostgresStore

    server = PostgresServer()
    try:
        server.start()
    except PostgresNotFound:
        yield None
        return
    try:
        with PostgresStore(server.conninfo()) as admin:
            admin.create_schema()
        with psycopg.connect(server.conninfo(), autocommit=True) as db:
            db.execute("ALTER ROLE complaintflow_app PASSWORD 'bench-password'")
        yield server.conninfo("complaintflow_app", "bench-password")
    finally:
        server.stop()


def run(quick: bool, rounds: int | None = None) -> dict[str, Any]:
    """Measure and print; return the numbers."""
    commands = 60 if quick else 250
    rounds = rounds or (1 if quick else 3)
    results: dict[str, Any] = {"commands_per_writer": commands, "rounds": rounds}
    with tempfile.TemporaryDirectory() as directory, postgres_server() as pg:
        stores: dict[str, str | None] = {"sqlite": str(Path(directory) / "bench.db"),
                                         "postgres": pg}
        for kind, where in stores.items():
            if where is None:
                continue
            for mode in MODES:
                for processes in PROCESSES:
                    runs = [one_run(kind, where, processes, mode, commands,
                                    f"r{r}p{processes}")
                            for r in range(rounds)]
                    results[f"{kind}/{mode}/{processes}"] = {
                        "per_second": statistics.median(r["per_second"] for r in runs),
                        "conflicts": statistics.median(r["conflicts"] for r in runs),
                        "gave_up": sum(r["gave_up"] for r in runs),
                        "commands": sum(r["commands"] for r in runs)}
        lock = sqlite_lock_share(Path(directory), 100 if quick else 400)
    results["sqlite_lock"] = lock
    print_report(results, stores)
    return results


def print_report(results: dict[str, Any], stores: dict[str, str | None]) -> None:
    print(f"\nCommands per second through handle (assign on a 60-event complaint; "
          f"{results['commands_per_writer']} per writer, median of {results['rounds']} "
          "rounds)")
    header = "".join(f"{f'{n} writer' + ('s' if n > 1 else ''):>12}" for n in PROCESSES)
    print(f"  {'store / complaints':<26}{header}{'conflicts':>12}{'gave up':>10}")
    for kind, where in stores.items():
        for mode in MODES:
            label = f"{kind}, {'one hot' if mode == 'hot' else 'distinct'}"
            if where is None:
                print(f"  {label:<26}  (no PostgreSQL server here: apt-get install postgresql)")
                continue
            rows = [results[f"{kind}/{mode}/{n}"] for n in PROCESSES]
            rates = "".join(f"{row['per_second']:>12,.0f}" for row in rows)
            conflicts = "/".join(f"{row['conflicts']:g}" for row in rows)
            gave_up = sum(row["gave_up"] for row in rows)
            print(f"  {label:<26}{rates}{conflicts:>12}{gave_up:>10}")
    lock = results["sqlite_lock"]
    verdict = "PASS" if lock["share"] <= MAX_LOCK_SHARE else "FAIL"
    print(f"\nSQLite write lock, one writer: held {lock['lock_held_us']:.0f} µs of a "
          f"{lock['command_us']:.0f} µs command (median)")
    print(f"  [{verdict}] lock held <= {MAX_LOCK_SHARE:.0%} of a command: "
          f"{lock['share']:.1%}")
    gave_up = sum(v["gave_up"] for k, v in results.items() if k.count("/") == 2)
    print(f"  [{'PASS' if gave_up == 0 else 'FAIL'}] no command gave up with the default "
          f"retries and backoff: {gave_up} of "
          f"{sum(v['commands'] for k, v in results.items() if k.count('/') == 2):,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers here")
    parser.add_argument("--quick", action="store_true", help="a short, noisier run")
    parser.add_argument("--rounds", type=int, help="runs of each configuration (median)")
    args = parser.parse_args(argv)
    report = run(args.quick, args.rounds)
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

