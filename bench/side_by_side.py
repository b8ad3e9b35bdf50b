"""Compare this working tree with an earlier commit, side by side in one run.

    python bench/side_by_side.py                  # against HEAD, every operation
    python bench/side_by_side.py --ref v0.1.0 --op apply --rounds 15

The earlier commit is checked out into a temporary git worktree. Each round runs the
operation once in a fresh process for each tree, alternating which goes first, so that
both see the same machine state; each process reports the median of its repeats (in
microseconds per operation, garbage collector on), and the report gives the median over
the rounds and the ratio. Only the public API is used, so any two versions compare.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
from datetime import datetime, timedelta, timezone
from complaintflow import (HearConcern, RestateConcern, VerifyCustomer, dump, load,
                           open_complaint)
T0 = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
complaint = open_complaint("C-bench", at=T0).complaint
complaint = complaint.apply(VerifyCustomer(name="Ada Lovelace", callback="+44 20 7946 0000"),
                            at=T0).complaint
complaint = complaint.apply(HearConcern(text="You charged me twice!"), at=T0).complaint
restate = RestateConcern(concern_id="K1", restatement="Your card was charged twice.")
snapshot = dump(complaint)
from complaintflow import Apologize
from complaintflow.stores.sqlite import SQLiteStore
store = SQLiteStore(":memory:")
opened = open_complaint("C-store", at=T0)
store.add(opened.complaint, opened.events)
store.handle("C-store", VerifyCustomer(name="Ada Lovelace", callback="+44 20 7946 0000"), at=T0)
store.handle("C-store", HearConcern(text="You charged me twice!"), at=T0)
apologize = Apologize()
"""

OPERATIONS = {
    "apply": "complaint.apply(restate, at=T0)",
    "open": 'open_complaint("C-1", at=T0)',
    "dump": "dump(complaint)",
    "load": "load(snapshot)",
    "store_get": 'store.get("C-store")',
    "store_handle": 'store.handle("C-store", apologize, at=T0)',
}
"""Each operation: a statement timed after SETUP."""

RUNNER = """
import gc, json, statistics, sys, timeit
sys.path.insert(0, {src!r})
{setup}
gc.enable()
timer = timeit.Timer({statement!r}, globals=globals())
number = 1
while timer.timeit(number) < 0.05:
    number *= 2
samples = [timer.timeit(number) / number * 1e6 for _ in range({repeats})]
print(json.dumps(statistics.median(samples)))
"""


def measure(src: Path, statement: str, repeats: int) -> float:
    code = RUNNER.format(src=str(src), setup=SETUP, statement=statement, repeats=repeats)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=src.parent)
    value: float = json.loads(result.stdout)
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="the commit to compare against")
    parser.add_argument("--op", action="append", choices=sorted(OPERATIONS),
                        help="an operation to time (repeatable; default: all)")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    operations = args.op or sorted(OPERATIONS)
    with tempfile.TemporaryDirectory() as folder:
        other = Path(folder) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(other), args.ref],
                       cwd=ROOT, check=True, capture_output=True)
        try:
            trees = {"this tree": ROOT / "src", args.ref: other / "src"}
            print(f"median of {args.rounds} rounds, each the median of {args.repeats} "
                  "repeats, µs per operation")
            print(f"{'operation':<10} {'this tree':>10} {args.ref:>12} {'ratio':>7}")
            for name in operations:
                times: dict[str, list[float]] = {label: [] for label in trees}
                for round_ in range(args.rounds):
                    order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
                    for label in order:
                        times[label].append(measure(trees[label], OPERATIONS[name],
                                                    args.repeats))
                mine = statistics.median(times["this tree"])
                theirs = statistics.median(times[args.ref])
                print(f"{name:<10} {mine:>10.2f} {theirs:>12.2f} {mine / theirs:>6.2f}x")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT,
                           check=False, capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
