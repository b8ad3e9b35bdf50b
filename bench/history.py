"""Benchmark: costs that must not grow with a complaint's history, as curves over sizes.

Run from the repository root::

    python bench/history.py [--quick]

The log is the one that made them grow: a complaint in follow-up whose log is mostly
follow-up contacts (start, review, end; a communication every tenth contact), under the
FCA DISP preset and service clocks with a pause rule. It prints:

1. ``SQLiteStore.handle`` per command on that complaint (load, apply, save, append) at 100,
   1,000 and 10,000 events; the target: at 10,000 within 2x of the cost at 100;
2. ``Complaint.from_events`` (replay) at 1,000, 10,000 and 100,000 events;
3. ``audit`` (every built-in rule, the clocks under the FCA and service regimes) at the
   same sizes; the target for both: 100,000 events in under 1.5 s.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginResponse,
    BusinessCalendar,
    Complaint,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    EndContact,
    HearConcern,
    Limit,
    NoMoreConcerns,
    Owner,
    PlanAction,
    Policy,
    RecordCommunication,
    RestateConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    StartContact,
    Unit,
    VerifyCustomer,
    fca_disp,
    open_complaint,
    service_clocks,
)
from complaintflow.audit import audit
from complaintflow.commands import Command
from complaintflow.events import Event
from complaintflow.stores.sqlite import SQLiteStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
CALENDAR = BusinessCalendar(time_zone="Europe/London")
POLICY = Policy(regimes=(
    fca_disp(CALENDAR),
    service_clocks(CALENDAR, first_response=Limit(amount=4, unit=Unit.BUSINESS_HOURS),
                   keep_in_loop=Limit(amount=3, unit=Unit.BUSINESS_DAYS)),
))
STORE_SIZES = (100, 1_000, 10_000)
LOG_SIZES = (1_000, 10_000, 100_000)
MAX_STORE_RATIO = 2.0
MAX_SECONDS = 1.5


def following_up() -> tuple[Complaint, list[Event], datetime]:
    """A complaint in follow-up with a customer-owned action open, a follow-up far ahead."""
    now = T0
    opened = open_complaint("CMP-H", at=now, policy=POLICY)
    complaint, log = opened.complaint, list(opened.events)
    for command in (VerifyCustomer(name="Ada Lovelace", callback="+44 20 7946 0000"),
                    HearConcern(text="The payroll export drops staff."),
                    RestateConcern(concern_id="K1", restatement="Some staff are missing."),
                    ConfirmConcern(concern_id="K1"), NoMoreConcerns(),
                    AssessImpact(concern_id="K1", description="Staff unpaid.", severity="high"),
                    ConfirmImpact(concern_id="K1"), Apologize(), BeginResponse(),
                    PlanAction(description="Send the export file.", owner=Owner.CUSTOMER,
                               due=now + timedelta(days=3650), concern_ids=("K1",)),
                    ScheduleFollowUp(at=now + timedelta(days=3650)), ConfirmNextSteps()):
        now += timedelta(minutes=1)
        applied = complaint.apply(command, at=now)
        complaint = applied.complaint
        log += applied.events
    return complaint, log, now


def contact(number: int) -> tuple[Command, ...]:
    """One follow-up contact: start, review, end, and now and then a communication."""
    extra: tuple[Command, ...] = ()
    if number % 10 == 0:
        extra = (RecordCommunication(kind="holding_response", channel="email"),)
    return (StartContact(channel="phone"), ReviewOpenItems(), *extra, EndContact())


def grown(events: int) -> tuple[Complaint, list[Event], datetime]:
    """The complaint with a log of about ``events`` events, mostly follow-up contacts."""
    complaint, log, now = following_up()
    number = 0
    while len(log) < events:
        number += 1
        for command in contact(number):
            now += timedelta(seconds=30)
            applied = complaint.apply(command, at=now)
            complaint = applied.complaint
            log += applied.events
    return complaint, log, now


def per_command(events: int, commands: int) -> float:
    """Median µs of ``SQLiteStore.handle`` per command, on a file, at ``events`` events."""
    complaint, log, now = grown(events)
    with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder) / "b.db") as store:
        store.add(complaint, log)
        samples = []
        number = 0
        while len(samples) < commands:
            number += 1
            for command in contact(number):
                now += timedelta(seconds=30)
                began = time.perf_counter()
                store.handle("CMP-H", command, at=now)
                samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1e6


def median_of(repeats: int, run: object) -> float:
    assert callable(run)
    samples = []
    for _ in range(repeats):
        gc.collect()
        began = time.perf_counter()
        run()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer commands and repeats")
    args = parser.parse_args(argv)
    commands, repeats = (60, 1) if args.quick else (300, 3)
    print("1. SQLiteStore.handle per command (µs, median), by events in the log")
    store = {size: per_command(size, commands) for size in STORE_SIZES}
    for size, micros in store.items():
        print(f"  {size:>9,} events {micros:>10.0f} µs  ({micros / store[100]:.2f}x of 100)")
    ratio = store[10_000] / store[100]
    print(f"  [{'PASS' if ratio <= MAX_STORE_RATIO else 'FAIL'}] 10,000 events within "
          f"{MAX_STORE_RATIO:g}x of 100: {ratio:.2f}x")
    print("\n2. replay and audit (s, median of the repeats), by events in the log")
    print(f"  {'events':>9} {'replay':>10} {'audit':>10}")
    verdicts = []
    for size in LOG_SIZES:
        _, log, _ = grown(size)
        replay = median_of(repeats, lambda: Complaint.from_events(log))  # noqa: B023  (run now)
        audited = median_of(repeats, lambda: audit(log))  # noqa: B023  (run now)
        print(f"  {len(log):>9,} {replay:>10.3f} {audited:>10.3f}")
        if size == LOG_SIZES[-1]:
            verdicts = [("replay", replay), ("audit", audited)]
    for name, seconds in verdicts:
        print(f"  [{'PASS' if seconds < MAX_SECONDS else 'FAIL'}] {name} of "
              f"{LOG_SIZES[-1]:,} events in under {MAX_SECONDS:g} s: {seconds:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
