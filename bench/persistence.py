"""Benchmark: the stateless worker's round trip, and replaying a long event log.

Run from the repository root (``python bench/run.py`` runs it too)::

    python bench/persistence.py [--quick] [--json out.json]

1. Round trip: what a worker does per request when the host keeps snapshots. The stored
   JSON text of a realistic complaint (5 concerns, 8 action items, 60 events) is parsed,
   loaded (validated), one command applied, and the result dumped back to JSON text.
   Side by side: the same round trip with ``transitions`` given the whole workflow, in
   its two shapes: one shared Machine (``model=None``) that each request's model object
   joins with ``add_model`` and leaves with ``remove_model``, and a Machine per object;
   and a Machine per object on the bare dict, with no validation at all.
2. Replay, as a curve: logs of 1,000, 10,000 and 100,000 events, as JSON objects, loaded
   (``load_events``) and folded (``Complaint.from_events``); and the fold alone from typed
   events. The cost per event must stay flat.
3. For scale: ``SQLiteStore.handle`` (load, apply, save in one transaction) on a file.

Every figure is a median (of the repeats, or of the rounds), and says so.
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
    dump_events,
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
REPLAY_SIZES = (1_000, 10_000, 100_000)
MAX_REPLAY_GROWTH = 1.5


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


SHARED_MACHINE = Machine(model=None, states=list(STAGES), transitions=TRANSITIONS,
                         initial="verifying", auto_transitions=False)
"""One Machine for the process, as DESIGN §2 builds complaintflow's own: models join it."""


def transitions_shared_round_trip(data: dict[str, Any]) -> Callable[[], object]:
    """The same round trip with the shared Machine: the model object joins it for the
    request (``add_model`` at its stage), the command is triggered, it leaves
    (``remove_model``)."""

    def op() -> object:
        model = MachineComplaint(load(data))
        SHARED_MACHINE.add_model(model, initial=model.complaint.stage.value)
        try:
            if not model.complete_action(action_id="A3"):
                raise SystemExit("the Machine refused the command; the setup is wrong")
        finally:
            SHARED_MACHINE.remove_model(model)
        return dump(model.complaint)

    return op


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


def median_seconds(op: Callable[[], object], repeats: int) -> float:
    """The median of ``repeats`` timings of ``op``, in seconds."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        op()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def replay_curve(quick: bool) -> dict[int, dict[str, float]]:
    """Replay at each size: seconds from JSON, seconds from typed events, µs per event."""
    sizes = REPLAY_SIZES[:2] if quick else REPLAY_SIZES
    log = long_log(max(sizes))
    as_json = [json.loads(json.dumps(data)) for data in dump_events(log)]
    curve: dict[int, dict[str, float]] = {}
    for size in sizes:
        repeats = 3 if quick or size >= 100_000 else 7
        prefix, typed = as_json[:size], log[:size]
        from_json = median_seconds(
            lambda prefix=prefix: Complaint.from_events(load_events(prefix)), repeats)
        fold = median_seconds(lambda typed=typed: Complaint.from_events(typed), repeats)
        curve[size] = {"from_json_s": from_json, "typed_s": fold,
                       "us_per_event": from_json / size * 1e6, "repeats": repeats}
    return curve


def print_replay(curve: dict[int, dict[str, float]]) -> None:
    print("\nReplay: load_events (JSON) + Complaint.from_events, and the fold alone (median)")
    print(f"  {'events':>9}{'from JSON':>12}{'typed':>11}{'µs/event':>11}")
    for size, row in curve.items():
        print(f"  {size:>9,}{row['from_json_s'] * 1e3:>10.1f}ms{row['typed_s'] * 1e3:>9.1f}ms"
              f"{row['us_per_event']:>11.2f}")


# --- 3. SQLite --------------------------------------------------------------------------


def sqlite_handle_us(directory: Path, commands: int) -> float:
    """The median µs of ``commands`` calls of ``SQLiteStore.handle`` on a file."""
    p = realistic()
    with SQLiteStore(directory / "bench.db") as store:
        store.add(p.complaint, p.log)
        timings = []
        for number in range(commands):
            start = time.perf_counter()
            store.handle("CMP-bench", Assign(agent=f"agent {number}"),
                         at=p.now + timedelta(seconds=number))
            timings.append(time.perf_counter() - start)
        return statistics.median(timings) * 1e6


def run(quick: bool) -> dict[str, Any]:
    """Measure and print; return the numbers."""
    repeats, number = (5, 50) if quick else (31, 200)
    p = realistic()
    snapshot = json.loads(json.dumps(dump(p.complaint)))
    text = json.dumps(snapshot)
    at = p.now + timedelta(minutes=5)
    ops = {"complaintflow": complaintflow_round_trip(snapshot, at),
           "complaintflow_text": complaintflow_text_round_trip(text, at),
           "transitions_shared": transitions_shared_round_trip(snapshot),
           "transitions": transitions_round_trip(snapshot),
           "naive": naive_round_trip(text, at)}
    for op in ops.values():
        op()
    us = median_us(ops, repeats, number)

    replay = replay_curve(quick)
    with tempfile.TemporaryDirectory() as directory:
        handle_us = sqlite_handle_us(Path(directory), 100 if quick else 500)

    cf = us["complaintflow"]
    print(f"\nStateless worker round trip: load a snapshot of {len(p.complaint.concerns)} "
          f"concerns, {len(p.complaint.actions)} actions and {p.complaint.seq} events "
          f"({len(text):,} bytes of JSON), apply complete_action, dump; median µs")
    for name, label in (
            ("complaintflow", "complaintflow: load, apply, dump"),
            ("transitions_shared", "same, with a shared transitions Machine (add/remove_model)"),
            ("transitions", "same, with a transitions Machine per object"),
            ("complaintflow_text", "complaintflow, from and to JSON text"),
            ("naive", "transitions Machine per object on a bare dict, no validation")):
        print(f"  {label:<64}{us[name]:>8.1f}   {us[name] / cf:>5.2f}x")
    print_replay(replay)
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
         "value": replay[LOG_EVENTS]["from_json_s"], "limit": MAX_REPLAY_S,
         "passed": replay[LOG_EVENTS]["from_json_s"] < MAX_REPLAY_S},
        {"name": f"replay cost per event at {max(replay):,} events <= "
                 f"{MAX_REPLAY_GROWTH:g}x that at {min(replay):,}",
         "value": replay[max(replay)]["us_per_event"] / replay[min(replay)]["us_per_event"],
         "limit": MAX_REPLAY_GROWTH,
         "passed": replay[max(replay)]["us_per_event"]
         <= MAX_REPLAY_GROWTH * replay[min(replay)]["us_per_event"]},
    ]
    print("\nTargets")
    for check in checks:
        verdict = "PASS" if check["passed"] else "FAIL"
        print(f"  [{verdict}] {check['name']}: {check['value']:,.3f} (limit {check['limit']:g})")
    return {"round_trip_us": us, "snapshot_bytes": len(text),
            "replay": {str(events): row for events, row in replay.items()},
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
