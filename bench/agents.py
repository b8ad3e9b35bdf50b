"""Benchmark: complaintflow.agents per turn, one MCP tool call over stdio, and the agents.

Run from the repository root::

    python bench/agents.py            # full run
    python bench/agents.py --quick    # short run, noisier numbers

It prints:

1. ``tools(flavor, complaint=c)`` per turn, for each flavour (the definitions are built
   once; the first build is timed apart), in microseconds; target 20 µs;
2. ``reply(result)`` for an applied command and for a refused one, guidance included
   (``next_steps``, timed apart too), in microseconds; target 30 µs; as a curve over the
   number of concerns (1, 2, 4, 8) in listening and responding; and ``reply`` over
   every turn of real conversations (the guided agent over the sources' scenarios, and the
   random baseline's), each turn's result replied to again: median and p90 per turn;
3. one MCP tool call end to end over stdio (``complaintflow mcp`` in a subprocess, the
   SDK's ``ClientSession``): a command applied and saved in SQLite, and ``get_complaint``,
   in milliseconds;
4. the guided agent against the random baseline over the sources' three scenarios:
   calls, rejection rate, the furthest stage reached, how it closed.

Each timing is the median of repeats (garbage collector on), with ``complaint.apply`` of
one command timed in the same rounds as a yardstick: the machine's load moves absolute
times, the ratio to it much less. The script reports; it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import timeit
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.guided_agent and tests.support

import anyio  # noqa: E402
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

from complaintflow import (  # noqa: E402
    GiveRelief,
    HearConcern,
    RestateConcern,
    VerifyCustomer,
    apply_json,
    open_complaint,
)
from complaintflow.agents import (  # noqa: E402  # noqa: E402
    FLAVORS,
    AgentLimits,
    McpTools,
    _mcp,
    _schema,
    _tools,
    next_steps,
    reply,
    tools,
)
from complaintflow.stores.memory import MemoryStore  # noqa: E402
from complaintflow.testing import ManualClock  # noqa: E402
from tests.guided_agent import SCENARIOS, GuidedAgent, RandomAgent, Run  # noqa: E402
from tests.support import (  # noqa: E402
    Clock,
    confirmed,
    following_up,
    listening,
    responding,
)

T0 = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)


def yardstick() -> Callable[[], object]:
    """One guarded command, as bench/run.py times it (4.92 µs on the idle CI machine)."""
    c = open_complaint("C-bench", at=T0).complaint
    c = c.apply(VerifyCustomer(name="Ada Lovelace", callback="+44 20 7946 0000"),
                at=T0).complaint
    c = c.apply(HearConcern(text="You charged me twice!"), at=T0).complaint
    restate = RestateConcern(concern_id="K1", restatement="Your card was charged twice.")
    return lambda: c.apply(restate, at=T0)


def timed(work: dict[str, Callable[[], object]], number: int, rounds: int,
          ) -> dict[str, tuple[float, float]]:
    """Median µs per call of each, and its median ratio to the yardstick in the same
    rounds."""
    base = yardstick()
    samples: dict[str, list[float]] = {name: [] for name in work}
    ratios: dict[str, list[float]] = {name: [] for name in work}
    for _ in range(rounds):
        for name, job in work.items():
            unit = timeit.Timer(base, setup=gc.enable).timeit(number) / number
            took = timeit.Timer(job, setup=gc.enable).timeit(number) / number
            samples[name].append(took * 1e6)
            ratios[name].append(took / unit)
    return {name: (statistics.median(samples[name]), statistics.median(ratios[name]))
            for name in work}


def per_turn(quick: bool) -> None:
    number, rounds = (300, 5) if quick else (2000, 15)
    clock = Clock()
    states = {"listening": listening(clock), "responding, 2 concerns": responding(clock, 2),
              "following up": following_up(clock)}
    _schema._SCHEMAS.clear()
    _tools._TOOLS.clear()
    start = time.perf_counter()
    for flavor in FLAVORS:
        tools(flavor)
    print(f"first build of every flavour's tools (all schemas): "
          f"{(time.perf_counter() - start) * 1e3:.1f} ms, once per process")
    work: dict[str, Callable[[], object]] = {"apply (the yardstick)": yardstick()}
    for flavor in FLAVORS:
        for label, complaint in states.items():
            work[f'tools("{flavor}", complaint=...) {label}'] = partial(
                tools, flavor, complaint=complaint)
    for label, complaint in states.items():
        work[f"next_steps(...) {label}"] = partial(next_steps, complaint)
    for label, complaint in states.items():
        concern = complaint.open_concerns[0].id if complaint.open_concerns else "K1"
        applied = complaint.apply(GiveRelief(concern_id=concern, description="A refund."),
                                  at=clock.tick()) if label != "listening" else (
            complaint.apply(HearConcern(text="It broke."), at=clock.tick()))
        refused = apply_json(complaint, {"command": "begin_recap"}, at=clock.tick())
        work[f"reply(applied) {label}"] = partial(reply, applied)
        work[f"reply(refused) {label}"] = partial(reply, refused)
    print(f"\nper turn, median of {rounds} rounds of {number} calls:")
    print(f"{'':<58} {'µs':>8} {'x apply':>8} {'µs if apply = 4.92':>19}")
    for name, (micros, ratio) in timed(work, number, rounds).items():
        print(f"{name:<58} {micros:8.2f} {ratio:8.2f} {ratio * 4.92:19.1f}")


def scaling(quick: bool) -> None:
    """``reply`` as the complaint grows: with n concerns in listening (the last one just
    heard, none restated) and in responding (relief given for K1), at the CI machine's
    scale; a curve over sizes."""
    number, rounds = (200, 3) if quick else (1000, 9)
    clock = Clock()
    work: dict[str, Callable[[], object]] = {}
    sizes = (1, 2, 4, 8)
    for n in sizes:
        heard = confirmed(clock, n - 1).apply(HearConcern(text="It broke."), at=clock.tick())
        relieved = responding(clock, n).apply(GiveRelief(concern_id="K1", description="A refund."),
                                              at=clock.tick())
        work[f"listening {n}"] = partial(reply, heard)
        work[f"responding {n}"] = partial(reply, relieved)
    found = timed(work, number, rounds)
    print(f"\nreply(applied) as concerns grow, µs if apply = 4.92 (median of {rounds} rounds "
          f"of {number} calls):")
    print(f"{'concerns':>8} {'listening':>10} {'responding':>11}")
    for n in sizes:
        print(f"{n:>8} {found[f'listening {n}'][1] * 4.92:10.1f} "
              f"{found[f'responding {n}'][1] * 4.92:11.1f}")


def server(limits: AgentLimits) -> McpTools:
    """The MCP tools on a fresh in-memory store, their clock a minute a reading."""
    return McpTools(MemoryStore(), clock=ManualClock(T0).tick, limits=limits)


Turn = tuple[object, "datetime | None", "AgentLimits | None"]


def played(seeds: int) -> dict[str, list[Turn]]:
    """Every result the MCP tools replied to, with the reply's time and limits: the guided
    agent over the three scenarios, and the random agent (allowed tools only) over them
    with ``seeds`` seeds; recorded by wrapping the tools' ``reply`` while they play."""
    turns: dict[str, list[Turn]] = {"guided agent, 3 scenarios": [],
                                    f"random agent (allowed only), {seeds} seeds x 3": []}
    limits = AgentLimits(authority_ceiling={"GBP": 250})
    seen: list[Turn] = []

    def recorded(result: Any, *, at: datetime | None = None,
                 limits: AgentLimits | None = None) -> dict[str, Any]:
        seen.append((result, at, limits))
        return reply(result, at=at, limits=limits)

    def guided(customer: Any) -> None:
        GuidedAgent(server(limits), customer).play()

    def randomly(customer: Any) -> None:
        for seed in range(seeds):
            RandomAgent(server(limits), customer,
                        seed=seed, allowed_only=True).play(100)

    setattr(_mcp, "reply", recorded)  # noqa: B010  # the tools' module reads it by name
    try:
        for label, play in zip(turns, (guided, randomly), strict=True):
            for customer in SCENARIOS.values():
                play(customer)
            turns[label], seen = seen, []
    finally:
        setattr(_mcp, "reply", reply)  # noqa: B010
    return turns


def conversations(quick: bool) -> None:
    """``reply`` over distinct states: each turn of the conversations replied to again,
    timed in rounds with the yardstick; the median and p90 over the turns."""
    number, rounds = (5, 3) if quick else (20, 7)
    base = yardstick()
    print(f"\nreply(result) over every turn of conversations, per turn (median of {rounds} "
          f"rounds of {number} calls each):")
    print(f"{'':<44} {'turns':>6} {'µs: median':>10} {'p90':>8} "
          f"{'x apply':>7} {'p90':>6} {'if apply = 4.92':>16} {'p90':>6}")
    recorded = played(3 if quick else 10)
    # the recorded turns keep thousands of complaints alive, which no server does: out of
    # the collector's sight, they do not make each collection (the collector stays on)
    # cost more than it would
    gc.collect()
    gc.freeze()
    for label, turns in recorded.items():
        samples: list[list[float]] = [[] for _ in turns]
        ratios: list[list[float]] = [[] for _ in turns]
        for _ in range(rounds):
            unit = timeit.Timer(base, setup=gc.enable).timeit(300) / 300
            for index, (result, at, limits) in enumerate(turns):
                job = partial(reply, result, at=at, limits=limits)  # type: ignore[arg-type]
                took = timeit.Timer(job, setup=gc.enable).timeit(number) / number
                samples[index].append(took * 1e6)
                ratios[index].append(took / unit)
        micros = sorted(statistics.median(s) for s in samples)
        ratio = sorted(statistics.median(r) for r in ratios)
        p90 = int(len(turns) * 0.9)
        print(f"{label:<44} {len(turns):6} {statistics.median(micros):10.2f} {micros[p90]:8.2f} "
              f"{statistics.median(ratio):7.2f} {ratio[p90]:6.2f} "
              f"{statistics.median(ratio) * 4.92:16.1f} {ratio[p90] * 4.92:6.1f}")
    gc.unfreeze()


def mcp_calls(quick: bool) -> None:
    calls = 20 if quick else 100
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}

    async def main() -> None:
        with tempfile.TemporaryDirectory() as folder, \
                (Path(folder) / "server.log").open("w") as log:
            params = StdioServerParameters(
                command=sys.executable, env=environment,
                args=["-m", "complaintflow", "mcp", "--db", str(Path(folder) / "c.db")])
            start = time.perf_counter()
            async with stdio_client(params, errlog=log) as streams, \
                    ClientSession(*streams) as session:
                await session.initialize()
                await session.list_tools()
                cold = time.perf_counter() - start
                await session.call_tool("open_complaint", {"complaint_id": "B-1"})
                await session.call_tool("verify_customer", {"complaint_id": "B-1",
                                                            "name": "Ada", "callback": "+44"})
                timings: dict[str, list[float]] = {"a command (express_empathy), saved": [],
                                                   "get_complaint": [], "list_tools": []}
                for _ in range(calls):
                    began = time.perf_counter()
                    result = await session.call_tool("express_empathy", {"complaint_id": "B-1"})
                    timings["a command (express_empathy), saved"].append(
                        time.perf_counter() - began)
                    assert not result.is_error
                    began = time.perf_counter()
                    await session.call_tool("get_complaint", {"complaint_id": "B-1"})
                    timings["get_complaint"].append(time.perf_counter() - began)
                    began = time.perf_counter()
                    await session.list_tools()
                    timings["list_tools"].append(time.perf_counter() - began)
        print(f"\none MCP call end to end over stdio (SQLite store), {calls} calls each:")
        print(f"spawn + initialize + first list_tools: {cold * 1e3:.0f} ms")
        for name, samples in timings.items():
            samples.sort()
            print(f"{name:<40} median {statistics.median(samples) * 1e3:6.2f} ms, "
                  f"p90 {samples[int(len(samples) * 0.9)] * 1e3:6.2f} ms")

    anyio.run(main)



def agents(quick: bool) -> None:
    seeds, turns = (10, 200) if quick else (50, 300)
    limits = AgentLimits(authority_ceiling={"GBP": 250})
    print(f"\nthe agents over the three scenarios (random: {seeds} seeds x {turns} calls each):")
    print(f"{'agent':<44} {'calls':>6} {'refused':>8} {'furthest stage (runs)':<34} closed as")
    for name, customer in SCENARIOS.items():
        guided = GuidedAgent(server(limits),
                             customer).play()
        _row(f"guided, {name}", [guided])
        for label, allowed_only, deny in (("random, any tool", False, ()),
                                          ("random, allowed only", True, ()),
                                          ("random, allowed, no refer/withdraw", True,
                                           ("refer", "withdraw"))):
            host = AgentLimits(deny=deny, authority_ceiling={"GBP": 250})
            runs = [RandomAgent(server(host),
                                customer, seed=seed, allowed_only=allowed_only).play(turns)
                    for seed in range(seeds)]
            _row(f"{label}, {name}", runs)


def _row(label: str, runs: list[Run]) -> None:
    calls = sum(run.calls for run in runs)
    refused = sum(run.rejected for run in runs) / calls
    furthest = Counter(run.furthest for run in runs).most_common(2)
    outcomes = Counter(run.outcome or "open" for run in runs).most_common(3)
    print(f"{label:<44} {calls / len(runs):6.0f} {refused:8.0%} "
          f"{', '.join(f'{s} ({n})' for s, n in furthest):<34} "
          f"{', '.join(f'{o} ({n})' for o, n in outcomes)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run, noisier numbers")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    per_turn(args.quick)
    scaling(args.quick)
    conversations(args.quick)
    mcp_calls(args.quick)
    agents(args.quick)


if __name__ == "__main__":
    main()


