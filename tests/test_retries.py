"""A command applies exactly once: retries, reused ids and many writers.

Hosts give commands ids (webhook deliveries, agents' tool calls) and retry them; agent
hosts that use MCP or JSON-RPC request ids reuse them across sessions. Whatever the mix,
no command is applied twice, no command is swallowed as a retry of another, and a refused
command changes nothing.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintflow import (
    Apologize,
    Applied,
    Assign,
    CommandRejected,
    Complaint,
    ExpressEmpathy,
    HearConcern,
    LetVent,
    Rejection,
    load,
    verify,
)
from complaintflow._core.fingerprint import fingerprint
from complaintflow.commands import AnyCommand, Command
from complaintflow.stores.sqlite import SQLiteStore
from complaintflow.testing import StoreContract

from .test_properties import Walk, weight

SEQUENCES = settings(max_examples=10_000, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
"""At least ten thousand random command sequences (the issue's bar)."""

class Host:
    """What a host knows of the ids it sent, and the window the complaint remembers."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.remembered: list[tuple[str, str]] = []  # (id, fingerprint), oldest first
        self.sent: list[AnyCommand] = []
        self.counter = 0

    def fingerprint_of(self, command_id: str) -> str | None:
        return next((p for i, p in self.remembered if i == command_id), None)

    def applied(self, command: AnyCommand) -> None:
        assert command.command_id is not None
        self.remembered = [*self.remembered, (command.command_id, fingerprint(command))]
        self.remembered = self.remembered[-self.window:]

    def fresh_id(self) -> str:
        self.counter += 1
        return f"req-{self.counter}"


def draw(walk: Walk, host: Host, now: datetime) -> AnyCommand:
    """A command the complaint allows (mostly), then sent without an id, with a fresh
    one, again exactly (a retry), or under an earlier id (an id reused for another)."""
    allowed = walk.complaint.allowed_commands()
    options = [(weight(name, walk.complaint), st.just(name)) for name in allowed]
    name = walk.pick(sorted(options, key=lambda o: -o[0]) or [(1, st.just("apologize"))])
    command = walk.build(name, now)
    how = walk.draw(st.sampled_from(["none", "fresh", "fresh", "retry", "retry", "reuse"]))
    if how == "retry" and host.sent:
        return walk.draw(st.sampled_from(host.sent))
    if how == "reuse" and host.sent:
        earlier = walk.draw(st.sampled_from(host.sent))
        return attrs.evolve(command, command_id=earlier.command_id)
    if how in ("fresh", "reuse", "retry"):
        command = attrs.evolve(command, command_id=host.fresh_id())
        host.sent.append(command)
    return command


@SEQUENCES
@given(st.data())
def test_random_retries_and_reused_ids_never_apply_twice_or_swallow(
        data: st.DataObject) -> None:
    walk = Walk(data)  # its policy remembers 100 ids, or 3, or 1
    host = Host(walk.complaint.policy.remembered_command_ids)
    for _ in range(walk.draw(st.integers(1, 16))):
        at = walk.next_time()
        command = draw(walk, host, at)
        before = walk.complaint
        try:
            result: Applied | Rejection = before.apply(command, at=at)
        except CommandRejected as rejected:
            result = rejected.rejection
        remembered = (host.fingerprint_of(command.command_id)
                      if command.command_id is not None else None)
        if remembered is not None and remembered == fingerprint(command):
            assert isinstance(result, Applied), result
            assert result.duplicate is not None
            assert result.complaint is before
            assert result.events == ()
        elif remembered is not None:  # another command under a remembered id
            assert isinstance(result, Rejection), result
            assert result.codes == ("command_id_reused",)
        elif isinstance(result, Applied):
            assert result.duplicate is None  # never swallowed as a retry of another
            assert result.complaint.revision == before.revision + 1
            if command.command_id is not None:
                host.applied(command)
        if isinstance(result, Rejection):
            assert walk.complaint is before  # a refused command changes nothing
        walk.accept(result)
    applied = Counter(e.command_id for e in walk.log if e.command_id is not None)
    if host.window >= host.counter:  # no id fell out of the window: none applied twice
        assert all(count == 1 for count in applied.values()), applied


# --- many writers on one SQLite file -----------------------------------------------------

WORKERS = 8
COMMANDS_EACH = 500
COMPLAINTS = [f"C-{n}" for n in range(10)]
POOL = 30
"""Ids per complaint that every worker draws from, each always naming the same command:
whichever worker delivers it first applies it, the others' deliveries are retries."""


def pooled(complaint_id: str, number: int) -> Command:
    """The command behind id ``number`` of ``complaint_id``'s pool (the same everywhere)."""
    command_id = f"{complaint_id}/{number}"
    kinds: list[type[Command]] = [Apologize, ExpressEmpathy, LetVent]
    if number % 4 == 0:
        return Assign(agent=f"agent-{number}", command_id=command_id)
    if number % 4 == 1:
        return HearConcern(text=f"concern {number}", command_id=command_id)
    return kinds[number % 3](command_id=command_id)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _worker(path: str, worker: int) -> dict[str, int]:
    """Deliver COMMANDS_EACH commands, most from the shared pools of ids; count the new
    applications (not the duplicates) per id, and the commands without an id."""
    rng = random.Random(worker)
    applied: Counter[str] = Counter()
    with SQLiteStore(path, busy_timeout=60) as store:
        for _ in range(COMMANDS_EACH):
            complaint_id = rng.choice(COMPLAINTS)
            if rng.random() < 0.8:
                command = pooled(complaint_id, rng.randrange(POOL))
            else:
                command = Assign(agent=f"agent-{worker}")
            result = store.handle(complaint_id, command, at=_now, retries=50)
            if result.duplicate is None:
                applied[command.command_id or f"{complaint_id}/-"] += 1
    return dict(applied)


def test_eight_processes_with_retries_apply_each_command_once(tmp_path: Path) -> None:
    """The default policy, 8 processes x 500 commands on 10 complaints, shared ids: no
    command applied twice, no update lost, every snapshot the fold of its log."""
    path = str(tmp_path / "shared.db")
    with SQLiteStore(path) as store:
        for complaint_id in COMPLAINTS:
            StoreContract().opened(store, complaint_id)
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        counts = pool.starmap(_worker, [(path, worker) for worker in range(WORKERS)])
    applied: Counter[str] = Counter()
    for count in counts:
        applied.update(count)
    assert all(n == 1 for key, n in applied.items() if not key.endswith("/-")), applied
    with SQLiteStore(path) as store:
        for complaint_id in COMPLAINTS:
            complaint = store.get(complaint_id)
            log = store.events(complaint_id)
            ids = Counter(e.command_id for e in log if e.command_id is not None)
            assert all(n == 1 for n in ids.values())  # in the log too: once each
            mine = sum(n for key, n in applied.items() if key.startswith(f"{complaint_id}/"))
            assert complaint.revision == 2 + mine  # opened and verified, then no loss
            snapshot, stored = store.stored(complaint_id)
            assert verify(stored, snapshot=snapshot) == ()
            assert load(snapshot, events=stored) == Complaint.from_events(log) == complaint
