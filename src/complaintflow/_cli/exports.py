"""Reading JSON-lines event exports, as ``complaintflow audit`` and ``complaintflow report``
both read them: one event per line, as :func:`~complaintflow.dump_event` writes it.

Lines are grouped by complaint: a line's ``complaint_id`` key if it has one, else the
complaint of the last ``complaint_opened`` line before it. Unreadable lines are reported
with their number and reason (as :func:`~complaintflow.load_event` found it), and the rest
is still read. Each complaint's events are put in ``seq`` order.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import IO

from attrs import frozen

from .. import ComplaintflowError, SnapshotError, load_event
from .._core.log import checked
from ..events import AnyEvent

PROGRESS_BYTES = 256 * 1024
"""Files at least this large show progress on a terminal."""


@frozen
class Problem:
    """Input that could not be read: a line, or a whole complaint's log."""

    reason: str
    line: int | None = None
    complaint_id: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else f"complaint {self.complaint_id}"
        return f"{where}: {self.reason}"


class Progress:
    """``\\r``-updated counts on a terminal's stderr; silent elsewhere."""

    def __init__(self, stream: IO[str], enabled: bool) -> None:
        self.stream, self.enabled, self.shown = stream, enabled, False

    @classmethod
    def for_file(cls, handle: IO[str], stream: IO[str]) -> Progress:
        """Shown for a file of :data:`PROGRESS_BYTES` or more, on a terminal only."""
        return cls(stream, size(handle) >= PROGRESS_BYTES and isatty(stream))

    def show(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r{text}")
            self.stream.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


Numbered = list[tuple[int, AnyEvent]]


def read_logs(lines: Iterable[str], progress: Progress,
              ) -> tuple[dict[str, Numbered], list[Problem]]:
    """Group the events of a JSON-lines export by complaint; collect unreadable lines."""
    logs: dict[str, Numbered] = {}
    problems: list[Problem] = []
    current: str | None = None
    for number, line in enumerate(lines, start=1):
        if number % 10_000 == 0:
            progress.show(f"reading line {number:,}")
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            problems.append(Problem(f"not JSON: {error}", line=number))
            continue
        read = _event(data, number, current)
        if isinstance(read, Problem):
            problems.append(read)
            continue
        current, owner, event = read
        logs.setdefault(owner, []).append((number, event))
    return logs, problems


def _event(data: object, number: int,
           current: str | None) -> tuple[str | None, str, AnyEvent] | Problem:
    """The complaint the object belongs to and its event (and the complaint later lines
    without a label belong to), or why it cannot be read."""
    if not isinstance(data, dict):
        return Problem(f"expected a JSON object, got {type(data).__name__}", line=number)
    owner = data.get("complaint_id") if data.get("type") != "complaint_opened" else None
    if owner is not None:
        data = {key: value for key, value in data.items() if key != "complaint_id"}
    try:
        event = load_event(data)
    except SnapshotError as error:
        return Problem("; ".join(map(str, error.problems)), line=number)
    complaint_id = getattr(event, "complaint_id", None)
    if data.get("type") == "complaint_opened" and isinstance(complaint_id, str):
        current = complaint_id
    if owner is None:
        owner = current
    if not isinstance(owner, str):
        return Problem("no complaint_id, and no complaint_opened line before it",
                       line=number)
    return current, owner, event


def in_order(complaint_id: str, numbered: Numbered) -> list[AnyEvent] | Problem:
    """A complaint's events in ``seq`` order, if they hold together as a log."""
    numbered.sort(key=lambda pair: pair[1].seq)
    events = [event for _, event in numbered]
    try:
        for _ in checked(events):
            pass
    except ComplaintflowError as error:
        return Problem(f"{error} (first line {min(n for n, _ in numbered)})",
                       complaint_id=complaint_id)
    return events


def stored_logs(records: Iterable[Mapping[str, object]],
                problems: list[Problem]) -> Iterator[list[AnyEvent]]:
    """The logs of an export ordered by complaint (as ``SQLiteStore.export()`` writes it),
    one complaint at a time, read by the same rules; the unreadable go to ``problems``."""
    current: str | None = None
    owner: str | None = None
    numbered: Numbered = []
    for number, data in enumerate(records, start=1):
        read = _event(dict(data), number, current)
        if isinstance(read, Problem):
            problems.append(read)
            continue
        current, this, event = read
        if owner is not None and this != owner and numbered:
            yield from _checked(owner, numbered, problems)
            numbered = []
        owner = this
        numbered.append((number, event))
    if owner is not None and numbered:
        yield from _checked(owner, numbered, problems)


def _checked(owner: str, numbered: Numbered,
             problems: list[Problem]) -> Iterator[list[AnyEvent]]:
    log = in_order(owner, numbered)
    if isinstance(log, Problem):
        problems.append(log)
    else:
        yield log


def size(handle: IO[str]) -> int:
    try:
        return os.fstat(handle.fileno()).st_size
    except (OSError, ValueError):
        return 0


def isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
