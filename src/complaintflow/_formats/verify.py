"""``verify``: check a complaint's stored log and snapshot for changes made by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .._core.complaint import Complaint
from .._values.errors import Problem, SnapshotError
from .integrity import Keys
from .snapshot import body, digest_problems, read_log, structure


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
    if folded != complaint:  # name the values the log does not bear out
        expected = body(folded, head)
        given = {key: value for key, value in snapshot.items() if key != "digest"}
        fields = [Problem(path, "differs from the event log")
                  for path in _differences(expected, given, "$.snapshot")]
        found = [p for p in found if p.path != "$.snapshot.digest"] + fields
    return tuple(found)


def _differences(expected: object, given: object, path: str) -> list[str]:
    """The paths of the leaves where ``given`` differs from ``expected``."""
    if isinstance(expected, dict) and isinstance(given, Mapping):
        keys = [*expected, *(key for key in given if key not in expected)]
        return [found for key in keys for found in _differences(
            expected.get(key), given.get(key), f"{path}.{key}")]
    if isinstance(expected, list) and isinstance(given, list) and len(expected) == len(given):
        return [found for index, (a, b) in enumerate(zip(expected, given, strict=True))
                for found in _differences(a, b, f"{path}[{index}]")]
    return [] if expected == given else [path]


def _under(prefix: str, problem: Problem) -> Problem:
    return Problem(prefix + problem.path[1:], problem.message)
