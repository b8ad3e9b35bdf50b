"""Benchmark: calendar lookups and clocks on complaints loaded from snapshots.

Run from the repository root::

    python bench/clocks.py [--quick]

A complaint loaded from a snapshot builds its own calendar: equal to the one the process
cached its tables under, but another object. Before the fix, every lookup then compared
the two calendars' holiday tuples day by day (6.7 µs became 227 µs per call at 10,000
holidays). It prints, as curves over the number of holidays:

1. one ``is_working_day`` call on a shared calendar, and alternating between two equal but
   distinct calendars;
2. ``deadlines()`` of every one of 10,000 complaints (FCA DISP and service clocks), with
   one shared calendar and loaded from their snapshots (each with its own calendar); the
   target is loaded within 1.2x of shared at 1,000 holidays. The median of the
   interleaved repeats is shown (the one statistic of every bench here), and the first
   pass over freshly loaded complaints, which fills each object's caches.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import timeit
from datetime import date, datetime, timedelta, timezone

from run import clock_complaints  # bench/run.py's mix of complaint states

from complaintflow import (
    BusinessCalendar,
    Complaint,
    Limit,
    Policy,
    Unit,
    deadlines,
    dump,
    fca_disp,
    load,
    service_clocks,
)

HOLIDAYS = (100, 1_000, 10_000)
COMPLAINTS = 10_000
TARGET_RATIO = 1.2
AT = datetime(2027, 1, 4, 12, 0, tzinfo=timezone.utc)


def calendar_with(holidays: int) -> BusinessCalendar:
    """A London calendar whose ``holidays`` weekdays are spread around 2026-2027 (one in
    every 11 days, so the complaints' own weeks have some), known from 1900 to 2200."""
    first = date(2026, 11, 1) - timedelta(days=11 * (holidays // 2))
    days = [first + timedelta(days=11 * n) for n in range(holidays)]
    return BusinessCalendar(time_zone="Europe/London", holidays=days,
                            holidays_from=date(1900, 1, 1), holidays_through=date(2200, 12, 31))


def clock_policy(calendar: BusinessCalendar) -> Policy:
    """FCA DISP and service clocks (as bench/run.py times them)."""
    return Policy(regimes=(
        fca_disp(calendar),
        service_clocks(calendar, first_response=Limit(amount=4, unit=Unit.BUSINESS_HOURS),
                       keep_in_loop=Limit(amount=3, unit=Unit.BUSINESS_DAYS)),
    ))


def per_call(holidays: int, number: int) -> tuple[float, float]:
    """µs per ``is_working_day``: on one calendar, and alternating between two equal ones."""
    one, other = calendar_with(holidays), calendar_with(holidays)
    assert one == other
    assert one is not other
    day = date(2026, 12, 2)
    shared = statistics.median(timeit.repeat(lambda: one.is_working_day(day), number=number,
                                             repeat=5))
    alternating = statistics.median(timeit.repeat(
        lambda: (one.is_working_day(day), other.is_working_day(day)), number=number, repeat=5))
    return shared / number * 1e6, alternating / number / 2 * 1e6


def time_clocks(groups: list[list[Complaint]], repeats: int) -> list[float]:
    """Seconds for every clock of each group of complaints: the median of ``repeats``,
    the groups' repeats interleaved so that a busy neighbour slows them alike. The first
    pass (each object's first lookup fills its caches) is counted in its own right."""
    samples: list[list[float]] = [[] for _ in groups]
    for _ in range(repeats):
        for index, complaints in enumerate(groups):
            began = time.perf_counter()
            for complaint in complaints:
                deadlines(complaint, at=AT)
            samples[index].append(time.perf_counter() - began)
    return [statistics.median(group) for group in samples]


def clocks(holidays: int, count: int, repeats: int) -> tuple[float, float, float]:
    """Seconds for every clock of ``count`` complaints: shared calendar, loaded from their
    snapshots (each its own calendar), and the first pass over freshly loaded ones."""
    shared = clock_complaints(count, clock_policy(calendar_with(holidays)))
    loaded = [load(dump(complaint)) for complaint in shared]
    assert loaded[1].policy.regimes[0].calendar is not shared[1].policy.regimes[0].calendar
    assert [deadlines(c, at=AT) for c in loaded[:50]] == [deadlines(c, at=AT)
                                                         for c in shared[:50]]
    fresh = [load(dump(complaint)) for complaint in shared]
    (first,) = time_clocks([fresh], 1)
    shared_s, loaded_s = time_clocks([shared, loaded], repeats)
    return shared_s, loaded_s, first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer complaints and repeats")
    args = parser.parse_args(argv)
    count, repeats, number = (2_000, 5, 2_000) if args.quick else (COMPLAINTS, 9, 20_000)
    print("1. one is_working_day() call (µs), by holidays in the calendar")
    print(f"  {'holidays':>9} {'shared':>10} {'equal, distinct':>16}")
    for holidays in HOLIDAYS:
        shared, distinct = per_call(holidays, number)
        print(f"  {holidays:>9,} {shared:>10.2f} {distinct:>16.2f}")
    print("\n2. deadlines() of every complaint (s), by holidays in the calendar (at 10,000 "
          "holidays, a tenth of the complaints: each snapshot carries them all)")
    print(f"  {'holidays':>9} {'complaints':>11} {'shared':>10} {'loaded':>10} {'ratio':>7} "
          f"{'first pass, loaded':>19}")
    verdict = True
    for holidays in HOLIDAYS:
        some = count if holidays < 10_000 else count // 10
        shared_s, loaded_s, first = clocks(holidays, some, repeats)
        ratio = loaded_s / shared_s
        print(f"  {holidays:>9,} {some:>11,} {shared_s:>10.3f} {loaded_s:>10.3f} "
              f"{ratio:>6.2f}x {first:>18.3f}")
        if holidays == 1_000:
            verdict = ratio <= TARGET_RATIO
    print(f"\n  [{'PASS' if verdict else 'FAIL'}] loaded within {TARGET_RATIO}x of shared "
          "at 1,000 holidays")
    return 0


if __name__ == "__main__":
    sys.exit(main())
