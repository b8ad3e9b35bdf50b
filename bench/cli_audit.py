"""Benchmark: ``complaintflow audit`` on exports of 10 and 100 MB: MB/s and peak memory.

Run from the repository root (``python bench/run.py`` runs it too)::

    python bench/cli_audit.py [--quick] [--sizes 10 100 200] [--json out.json]

The export is the realistic complaint of ``bench/persistence.py`` (5 concerns, 8 action
items, 60 events) under as many ids as the size needs, labelled and grouped by complaint,
as ``complaintflow export`` writes it (the events are copied under each id, their digests
not chained again: the audit does not read them). Each size is audited by the console
command in a fresh process, in this process only (``--jobs 0``) and with the default
(``--jobs auto``: worker processes on a machine with several processors); the figures are
the median of the rounds: wall time (the process's start included), MB/s, and the peak
resident memory of the audit's process and of all its processes together, sampled from
``/proc`` every 10 ms (Linux).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from persistence import realistic

from complaintflow import dump_events

MAX_RSS_MB = 100.0
MIN_MB_PER_S = 15.0


def write_export(path: Path, megabytes: float) -> int:
    """An export of about ``megabytes``; how many complaints it holds."""
    lines = [json.dumps(data) for data in dump_events(realistic().log, complaint_id="CMP-bench")]
    size = count = 0
    with path.open("w", encoding="utf-8") as out:
        while size < megabytes * 1_000_000:
            count += 1
            name = f'"CMP-{count:07d}"'
            block = "".join(text.replace('"CMP-bench"', name) + "\n" for text in lines)
            out.write(block)
            size += len(block)
    return count


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for text in status:
                if text.startswith("VmRSS:"):
                    return int(text.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as kids:
                    todo += [int(child) for child in kids.read().split()]
        except OSError:
            continue
    return found


def audit_once(path: Path, jobs: str) -> dict[str, float]:
    """One ``complaintflow audit`` run: seconds, peak MB of its process and of its tree."""
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "complaintflow", "audit", str(path),
                              "--jobs", jobs], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    main_peak = tree_peak = 0
    while child.poll() is None:
        main_peak = max(main_peak, _rss_kb(child.pid))
        tree_peak = max(tree_peak, sum(_rss_kb(pid) for pid in _tree(child.pid)))
        time.sleep(0.01)
    seconds = time.perf_counter() - began
    if child.returncode not in (0, 1):
        raise SystemExit(f"complaintflow audit {path} exited with {child.returncode}")
    return {"seconds": seconds, "main_mb": main_peak / 1024, "all_mb": tree_peak / 1024}


def run(quick: bool, sizes: list[float] | None = None,
        rounds: int | None = None) -> dict[str, Any]:
    """Measure and print; return the numbers."""
    sizes = sizes or ([2.0, 10.0] if quick else [10.0, 100.0])
    rounds = rounds or (1 if quick else 3)
    results: dict[str, Any] = {"rounds": rounds, "cpus": os.cpu_count(), "runs": []}
    with tempfile.TemporaryDirectory() as directory:
        for megabytes in sizes:
            path = Path(directory) / f"export-{megabytes:g}.jsonl"
            complaints = write_export(path, megabytes)
            size_mb = path.stat().st_size / 1e6
            for jobs in ("0", "auto"):
                runs = [audit_once(path, jobs) for _ in range(rounds)]
                seconds = statistics.median(r["seconds"] for r in runs)
                results["runs"].append({
                    "megabytes": size_mb, "complaints": complaints, "jobs": jobs,
                    "seconds": seconds, "mb_per_s": size_mb / seconds,
                    "main_mb": statistics.median(r["main_mb"] for r in runs),
                    "all_mb": statistics.median(r["all_mb"] for r in runs)})
            path.unlink()
    print_report(results)
    return results


def print_report(results: dict[str, Any]) -> None:
    print(f"\ncomplaintflow audit FILE (60-event complaints; {results['cpus']} processors; "
          f"median of {results['rounds']} rounds, the process's start included)")
    print(f"  {'export':>8}{'complaints':>12}{'--jobs':>8}{'seconds':>10}{'MB/s':>8}"
          f"{'peak MB, audit':>17}{'all processes':>15}")
    for row in results["runs"]:
        print(f"  {row['megabytes']:>6.0f}MB{row['complaints']:>12,}{row['jobs']:>8}"
              f"{row['seconds']:>10.2f}{row['mb_per_s']:>8.1f}{row['main_mb']:>17.0f}"
              f"{row['all_mb']:>15.0f}")
    largest = max(row["megabytes"] for row in results["runs"])
    for row in results["runs"]:
        if row["megabytes"] == largest and row["jobs"] == "auto":
            memory_ok = row["all_mb"] <= MAX_RSS_MB
            speed_ok = row["mb_per_s"] >= MIN_MB_PER_S
            print(f"  [{'PASS' if memory_ok else 'FAIL'}] peak memory of all its processes "
                  f"<= {MAX_RSS_MB:g} MB at {largest:.0f} MB: {row['all_mb']:.0f} MB")
            print(f"  [{'PASS' if speed_ok else 'FAIL'}] >= {MIN_MB_PER_S:g} MB/s at "
                  f"{largest:.0f} MB: {row['mb_per_s']:.1f} MB/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers here")
    parser.add_argument("--quick", action="store_true", help="a short, noisier run")
    parser.add_argument("--sizes", type=float, nargs="+", metavar="MB",
                        help="export sizes in MB (default 10 100)")
    parser.add_argument("--rounds", type=int, help="runs of each configuration (median)")
    args = parser.parse_args(argv)
    report = run(args.quick, args.sizes, args.rounds)
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
