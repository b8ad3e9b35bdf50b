"""``verify``: check a complaint's stored log and snapshot for changes made by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from .._core.complaint import Complaint
from .._values.errors import Problem, SnapshotError
from ..events import StageChanged
from .integrity import Keys
from .snapshot import digest_problems, read_log, structure


def verify(events: Iterable[object], *, snapshot: object | None = None,
           keys: Keys = ()) -> tuple[Problem, ...]:
    """What does not match in a complaint's stored event log (as JSON, with digests) and,
    if given, its snapshot: an empty tuple when nothing was changed.

    The chain names the first event that was changed, removed or reordered
    (``$.events[3].digest``); a snapshot changed by hand is named by the fields that no
    longer agree with its log (``$.snapshot.policy``), or by its digest when they all
    agree. ``keys`` check a keyed chain.
    """
    items = list(events)
    try:
        log, digests = read_log(items, keys)
    except SnapshotError as error:
        return tuple(_under("$.events", problem) for problem in error.problems)
    if snapshot is None:
        return ()
    if not isinstance(snapshot, Mapping):
        return (Problem("$.snapshot", "expected an object"),)
    found = [_under("$.snapshot", problem) for problem in digest_problems(snapshot, keys)]
    try:
        complaint = structure(snapshot)
    except SnapshotError as error:
        return (*found, *(_under("$.snapshot", problem) for problem in error.problems))
    head = snapshot.get("head")
    if head is not None and head != digests[-1]:
        found.append(Problem("$.snapshot.head", "is not the digest of the log's last event"))
    folded = Complaint.from_events(log)
    commands = sum(type(event) is not StageChanged for event in log)
    differing = [a.name for a in attrs.fields(Complaint)
                 if getattr(folded, a.name) != getattr(complaint, a.name)]
    if commands != complaint.revision and "revision" not in differing:
        differing.insert(0, "revision")
    fields = [Problem(f"$.snapshot.{name}", "differs from the event log") for name in differing]
    if fields:  # the fields say more than the digest that they broke
        found = [p for p in found if p.path != "$.snapshot.digest"] + fields
    return tuple(found)


def _under(prefix: str, problem: Problem) -> Problem:
    return Problem(prefix + problem.path[1:], problem.message)
