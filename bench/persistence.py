"""Benchmark: the stateless worker's round trip, and replaying a long event log.

Run from the repository root (``python bench/run.py`` runs it too)::

    python bench/persistence.py [--quick] [--json out.json]

1. Round trip: what a worker does per request when the host keeps snapshots. The stored
   JSON text of a realistic complaint (5 concerns, 8 action items, 60 events) is parsed,
   loaded (validated), one command applied, and the result dumped back to JSON text.
   Side by side: the same round trip done the naive way with ``transitions``, a model
   object rebuilt from the same JSON and given its own Machine with the whole workflow,
   triggered, and its state dumped back.
2. Replay: a 10,000-event log, as JSON objects, loaded (``load_events``) and folded
   (``Complaint.from_events``); and the fold alone from typed events.
3. For scale: ``SQLiteStore.handle`` (load, apply, save in one transaction) on a file.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from transitions import Machine

from complaintflow import (
    Apologize,
    AssessImpact,
    Assign,
    BeginResponse,
    Complaint,
    CompleteAction,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    EndContact,
    ExpressEmpathy,
    GiveRelief,
    HearConcern,
    NoMoreConcerns,
    Owner,
    PlanAction,
    Prioritize,
    RestateConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    Severity,
    StartContact,
    VerifyCustomer,
    dump,
    dump_event,
    load,
    load_events,
    open_complaint,
)
from complaintflow._core.workflow import definition  # the same definition, for a fair Machine
from complaintflow.commands import Command
from complaintflow.events import Event
from complaintflow.stores.sqlite import SQLiteStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
STAGES = ("verifying", "listening", "prioritizing", "assessing_impact", "responding",
          "following_up", "recapping", "closed")
MAX_ROUND_TRIP_US = 250.0
MIN_ROUND_TRIP_SPEEDUP = 5.0
MAX_REPLAY_S = 1.0
LOG_EVENTS = 10_000


class _Player:
    """Applies commands a minute apart and keeps the log."""

    def __init__(self) -> None:
        self.now = T0
        opened = open_complaint("CMP-bench", at=T0)
        self.complaint = opened.complaint
        self.log: list[Event] = list(opened.events)

    def play(self, *commands: Command) -> None:
        for command in commands:
            self.now += timedelta(minutes=1)
            applied = self.complaint.apply(command, at=self.now)
            self.complaint = applied.complaint
            self.log += applied.events


def realistic() -> _Player:
    """A complaint in follow-up with 5 concerns, 8 action items and 60 events, in a contact
    whose open items have been reviewed."""
    p = _Player()
    ids = [f"K{n}" for n in range(1, 6)]
    p.play(VerifyCustomer(name="Priya Shah", callback="+44 20 7946 0321",
                          customer_id="ACME-4471", service="Payroll Plus"))
    for number, concern in enumerate(ids, 1):
        p.play(HearConcern(text=f"Concern number {number}, in the customer's words."),
               RestateConcern(concern_id=concern, restatement=f"You mean problem {number}."),
               ConfirmConcern(concern_id=concern))
    p.play(NoMoreConcerns(), Prioritize(order=tuple(ids)))
    for concern in ids:
        p.play(AssessImpact(concern_id=concern, description="It stops the business.",
                            severity=Severity.HIGH), ConfirmImpact(concern_id=concern))
    p.play(Apologize(), ExpressEmpathy(), BeginResponse(),
           GiveRelief(concern_id="K1", description="A manual run today."))
    for number in range(8):
        p.play(PlanAction(description=f"Action item {number + 1}.",
                          owner=(Owner.AGENT, Owner.COMPANY, Owner.CUSTOMER)[number % 3],
                          due=T0 + timedelta(days=2 + number),
                          concern_ids=(ids[number % 5],)))
    p.play(ScheduleFollowUp(at=T0 + timedelta(days=3)), ConfirmNextSteps())
    p.now = T0 + timedelta(days=3)
    p.play(StartContact(channel="phone"), ReviewOpenItems(),
           CompleteAction(action_id="A1"), CompleteAction(action_id="A2"))
    while p.complaint.seq < 60:
        p.play(Assign(agent=f"agent {p.complaint.seq}"))
    return p


# --- 1. the round trip ------------------------------------------------------------------

COMMAND = CompleteAction(action_id="A3", note="done")


def complaintflow_round_trip(data: dict[str, Any], at: datetime) -> Callable[[], object]:
    """Snapshot in, snapshot out: load (validating everything), apply, dump."""

    def op() -> object:
        return dump(load(data).apply(COMMAND, at=at).complaint)

    return op


def complaintflow_text_round_trip(text: str, at: datetime) -> Callable[[], object]:
    """The same, from and to JSON text (for a database that hands back text)."""

    def op() -> object:
        return json.dumps(dump(load(json.loads(text)).apply(COMMAND, at=at).complaint))

    return op


class MachineComplaint:
    """A complaint given its own Machine, as an integrator using ``transitions`` would."""

    state: str
    complete_action: Callable[..., bool]  # added by the Machine

    def __init__(self, complaint: Complaint) -> None:
        self.complaint = complaint

    def can_complete(self, action_id: str) -> bool:
        action = self.complaint.action(action_id)
        return action is not None and action.completed_at is None


TRANSITIONS = [
    {"trigger": command, "source": [s.value for s in sources],
     "dest": dest.value if dest is not None else None,
     **({"conditions": "can_complete"} if command == "complete_action" else {})}
    for command, sources, dest, _branch in definition()
]


def _machine(model: object, initial: str) -> None:
    Machine(model=model, states=list(STAGES), transitions=TRANSITIONS, initial=initial,
            auto_transitions=False)


def transitions_round_trip(data: dict[str, Any]) -> Callable[[], object]:
    """The same round trip with a Machine per object: the same load and dump, and the
    whole workflow given to a new Machine to route and guard the command."""

    def op() -> object:
        model = MachineComplaint(load(data))
        _machine(model, model.complaint.stage.value)
        if not model.complete_action(action_id="A3"):
            raise SystemExit("the Machine refused the command; the setup is wrong")
        return dump(model.complaint)

    return op


class NaiveComplaint:
    """The naive integrator's model: the stored dict, unvalidated, plus a Machine."""

    state: str
    complete_action: Callable[..., bool]  # added by the Machine

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def can_complete(self, action_id: str) -> bool:
        return any(a["id"] == action_id and a["completed_at"] is None
                   for a in self.data["actions"])


def naive_round_trip(text: str, at: datetime) -> Callable[[], object]:
    """No validation at all: JSON text to a dict, a Machine, a change to the dict, text."""
    stamp = at.isoformat()

    def op() -> object:
        data = json.loads(text)
        model = NaiveComplaint(data)
        _machine(model, data["stage"])
        if not model.complete_action(action_id="A3"):
            raise SystemExit("the Machine refused the command; the setup is wrong")
        for action in data["actions"]:
            if action["id"] == "A3":
                action["completed_at"] = stamp
        data["revision"] += 1
        return json.dumps(data)

    return op


def median_us(ops: dict[str, Callable[[], object]], repeats: int,
              number: int) -> dict[str, float]:
    """Median µs per call of each op. The repeats are interleaved (one loop of each op,
    then the next round), so that the machine's slow and fast spells hit every op alike
    and the ratios stay meaningful; the garbage collector stays on, as in a worker."""
    timers = {name: timeit.Timer(op, setup=gc.enable) for name, op in ops.items()}
    samples: dict[str, list[float]] = {name: [] for name in ops}
    for _ in range(repeats):
        for name, timer in timers.items():
            samples[name].append(timer.timeit(number) / number * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


# --- 2. replay --------------------------------------------------------------------------


def long_log(events: int) -> list[Event]:
    """The realistic complaint's log, continued with follow-up contacts to ``events``."""
    p = realistic()
    p.play(ScheduleFollowUp(at=p.now + timedelta(days=1)), EndContact())
    while len(p.log) + 4 <= events:
        p.now += timedelta(days=1)
        p.play(StartContact(channel="phone"), ReviewOpenItems(),
               ScheduleFollowUp(at=p.now + timedelta(days=1)), EndContact())
    while len(p.log) < events:
        p.play(Assign(agent="last"))
    return p.log


def best_seconds(op: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        op()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


# --- 3. SQLite --------------------------------------------------------------------------


def sqlite_handle_us(directory: Path, commands: int) -> float:
    p = realistic()
    with SQLiteStore(directory / "bench.db") as store:
        store.add(p.complaint, p.log)
        start = time.perf_counter()
        for number in range(commands):
            store.handle("CMP-bench", Assign(agent=f"agent {number}"),
                         at=p.now + timedelta(seconds=number))
        return (time.perf_counter() - start) / commands * 1e6


def run(quick: bool) -> dict[str, Any]:
    """Measure and print; return the numbers."""
    repeats, number = (5, 50) if quick else (31, 200)
    p = realistic()
    snapshot = json.loads(json.dumps(dump(p.complaint)))
    text = json.dumps(snapshot)
    at = p.now + timedelta(minutes=5)
    ops = {"complaintflow": complaintflow_round_trip(snapshot, at),
           "complaintflow_text": complaintflow_text_round_trip(text, at),
           "transitions": transitions_round_trip(snapshot),
           "naive": naive_round_trip(text, at)}
    for op in ops.values():
        op()
    us = median_us(ops, repeats, number)

    log = long_log(LOG_EVENTS)
    as_json = [json.loads(json.dumps(dump_event(event))) for event in log]
    replay_json_s = best_seconds(lambda: Complaint.from_events(load_events(as_json)),
                                 3 if quick else 7)
    replay_fold_s = best_seconds(lambda: Complaint.from_events(log), 3 if quick else 7)
    with tempfile.TemporaryDirectory() as directory:
        handle_us = sqlite_handle_us(Path(directory), 100 if quick else 500)

    cf = us["complaintflow"]
    print(f"\nStateless worker round trip: load a snapshot of {len(p.complaint.concerns)} "
          f"concerns, {len(p.complaint.actions)} actions and {p.complaint.seq} events "
          f"({len(text):,} bytes of JSON), apply complete_action, dump; median µs")
    for name, label in (
            ("complaintflow", "complaintflow: load, apply, dump"),
            ("transitions", "same, with a transitions Machine per object"),
            ("complaintflow_text", "complaintflow, from and to JSON text"),
            ("naive", "transitions Machine per object on a bare dict, no validation")):
        print(f"  {label:<64}{us[name]:>8.1f}   {us[name] / cf:>5.2f}x")
    print(f"\nReplay of a {len(log):,}-event log")
    print(f"  load_events (JSON) + Complaint.from_events{'':22}{replay_json_s * 1e3:>8.1f} ms")
    print(f"  Complaint.from_events (typed events){'':28}{replay_fold_s * 1e3:>8.1f} ms")
    print("\nSQLiteStore.handle: load, apply, save and append events in one transaction (WAL)")
    print(f"  per command{'':53}{handle_us:>8.1f} µs")
    speedup = us["transitions"] / cf
    checks = [
        {"name": f"round trip <= {MAX_ROUND_TRIP_US:g} µs median", "value": cf,
         "limit": MAX_ROUND_TRIP_US, "passed": cf <= MAX_ROUND_TRIP_US},
        {"name": f"round trip >= {MIN_ROUND_TRIP_SPEEDUP:g}x faster than with a Machine per "
                 "object", "value": speedup, "limit": MIN_ROUND_TRIP_SPEEDUP,
         "passed": speedup >= MIN_ROUND_TRIP_SPEEDUP},
        {"name": f"replay of {LOG_EVENTS:,} events from JSON < {MAX_REPLAY_S:g} s",
         "value": replay_json_s, "limit": MAX_REPLAY_S, "passed": replay_json_s < MAX_REPLAY_S},
    ]
    print("\nTargets")
    for check in checks:
        verdict = "PASS" if check["passed"] else "FAIL"
        print(f"  [{verdict}] {check['name']}: {check['value']:,.3f} (limit {check['limit']:g})")
    return {"round_trip_us": us, "snapshot_bytes": len(text),
            "replay_s": {"from_json": replay_json_s, "typed": replay_fold_s,
                         "events": len(log)},
            "sqlite_handle_us": handle_us, "targets": checks}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers here")
    parser.add_argument("--quick", action="store_true", help="a short, noisier run")
    args = parser.parse_args(argv)
    report = run(args.quick)
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
