"""Benchmark: the returns over many complaints' logs: time, and peak memory flat in their
number.

Run from the repository root::

    python bench/reports.py [--quick]

The logs are generated as they are read (a generator over a few dozen template logs, each
relabelled with its own complaint id), so that what is measured is the return's own memory:
``tracemalloc``'s peak while the FCA return, the trends, the ASIC records and the CFPB
records are computed over 10,000, 30,000 and 100,000 complaints. Times come from runs
without tracemalloc (it slows Python down): the median of three (one with ``--quick``).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone

import attrs

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginResponse,
    BusinessCalendar,
    Classify,
    Close,
    Command,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    HearConcern,
    NoMoreConcerns,
    Policy,
    Recap,
    RecordCommunication,
    RecordDecision,
    RecordRedress,
    RecordRootCause,
    RecordVulnerability,
    ResolveConcern,
    RestateConcern,
    SeekClosure,
    ThankCustomer,
    VerifyCustomer,
    Withdraw,
    fca_disp,
    open_complaint,
)
from complaintflow.events import Event
from complaintflow.reports import (
    ReportingPeriod,
    asic_idr_records,
    cfpb_timeliness,
    complaint_trends,
    fca_return,
)

SIZES = (10_000, 30_000, 100_000)
CALENDAR = BusinessCalendar(time_zone="Europe/London", holidays_from=date(2026, 1, 1),
                            holidays_through=date(2028, 12, 31))
POLICY = Policy(regimes=(fca_disp(CALENDAR),), authority_limits={"GBP": 1000})
PERIOD = ReportingPeriod.parse("2027H1", time_zone="Europe/London")
PRODUCTS = ("current_account", "credit_card", "mortgage", "investments")
CAUSES = ("general_admin_customer_service", "terms_and_disputed_sums", "arrears")


def template(number: int) -> list[Event]:
    """One of a few dozen shapes: closed fast or late, upheld or not, with redress,
    vulnerability and a root cause now and then, withdrawn, or still open."""
    received = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc) + timedelta(days=4 * number)
    opened = open_complaint(f"T-{number}", at=received, policy=POLICY)
    complaint, log, now = opened.complaint, list(opened.events), received

    def run(*commands: Command, at: datetime | None = None) -> None:
        nonlocal complaint, now
        now = at or now
        for command in commands:
            now += timedelta(minutes=1)
            applied = complaint.apply(command, at=now)
            complaint = applied.complaint
            log.extend(applied.events)

    run(VerifyCustomer(name="Ada", callback="+44 20 7946 0000",
                       customer_id=f"CUST-{number}"),
        Classify(product=PRODUCTS[number % 4], cause=CAUSES[number % 3]))
    if number % 5 == 0:
        run(RecordVulnerability(drivers=["health"]))
    if number % 7 == 6:
        run(Withdraw(reason="gone"), at=now + timedelta(days=2))
        return log
    run(HearConcern(text="It broke."), RestateConcern(concern_id="K1", restatement="Broke."),
        ConfirmConcern(concern_id="K1"), NoMoreConcerns(),
        AssessImpact(concern_id="K1", description="Bad.", severity="low"),
        ConfirmImpact(concern_id="K1"), Apologize(), BeginResponse())
    if number % 4 == 3:
        return log  # still open
    run(RecordDecision(decision=("upheld", "not_upheld", "partly_upheld")[number % 3]),
        at=now + timedelta(days=(1, 20, 70)[number % 3]))
    if number % 2 == 0:
        run(RecordRedress(kind="goodwill", amount="25.00", currency="GBP"))
    run(ResolveConcern(concern_id="K1", resolution="Fixed."), ConfirmNextSteps(),
        RecordCommunication(kind="final_response", channel="letter"), Recap(),
        SeekClosure(customer_response="satisfied"), ThankCustomer(), Close())
    if number % 3 == 0:
        run(RecordRootCause(category="process", description="A step skipped.",
                            company_at_fault=True))
    return log


TEMPLATES = [template(n) for n in range(48)]


def logs(count: int) -> Iterator[list[Event]]:
    """``count`` logs, each a template relabelled with its own complaint id."""
    for number in range(count):
        base = TEMPLATES[number % len(TEMPLATES)]
        yield [attrs.evolve(base[0], complaint_id=f"C-{number}"),  # type: ignore[call-arg]  # complaint_opened
               attrs.evolve(base[1], customer_id=f"CUST-{number // 2}"),  # type: ignore[call-arg]  # customer_verified
               *base[2:]]


RETURNS: dict[str, Callable[[Iterator[list[Event]]], object]] = {
    "fca_return": lambda source: fca_return(source, period=PERIOD),
    "complaint_trends": lambda source: complaint_trends(source, period=PERIOD),
    "asic_idr_records": lambda source: sum(1 for _ in asic_idr_records(source, period=PERIOD)),
    "cfpb_timeliness": lambda source: sum(1 for _ in cfpb_timeliness(source, period=PERIOD)),
}


def seconds(run: Callable[[Iterator[list[Event]]], object], count: int, repeats: int) -> float:
    """The median of ``repeats`` timings (the one statistic of every bench here)."""
    samples = []
    for _ in range(repeats):
        gc.collect()
        began = time.perf_counter()
        run(logs(count))
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def peak(run: Callable[[Iterator[list[Event]]], object], count: int) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        run(logs(count))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="up to 30,000 complaints")
    args = parser.parse_args(argv)
    sizes = SIZES[:2] if args.quick else SIZES
    repeats = 1 if args.quick else 3
    print(f"Returns over N complaints' logs (about {sum(map(len, TEMPLATES)) // 48} events "
          f"each), period 2027H1; seconds: the median of {repeats} runs")
    print(f"  {'return':<18} {'complaints':>11} {'seconds':>9} {'µs each':>8} "
          f"{'peak KiB':>9}")
    for name, run in RETURNS.items():
        peaks = []
        for count in sizes:
            took = seconds(run, count, repeats)
            peaks.append(peak(run, count))
            print(f"  {name:<18} {count:>11,} {took:>9.2f} {took / count * 1e6:>8.0f} "
                  f"{peaks[-1] / 1024:>9.0f}")
        growth = peaks[-1] / peaks[0]
        if name == "complaint_trends":  # repeat complainants: one entry per customer id
            print(f"  [info] {name}: peak memory at {sizes[-1]:,} is {growth:.2f}x the peak "
                  f"at {sizes[0]:,} (one counter per customer id, two complaints each here)")
            continue
        print(f"  [{'PASS' if growth < 1.5 else 'FAIL'}] {name}: peak memory at "
              f"{sizes[-1]:,} is {growth:.2f}x the peak at {sizes[0]:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
