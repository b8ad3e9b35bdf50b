"""Reading exports, as ``complaintflow audit`` and ``complaintflow report`` do: JSON lines,
one event each, labelled with ``complaint_id`` or grouped by complaint, streamed complaint
by complaint (from a file, standard input or a store's export), each bad line a
:class:`Problem` with its number and reason, the rest still read."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from attrs import frozen

from .._values.checks import printable

if TYPE_CHECKING:
    from ..events import AnyEvent

PROGRESS_BYTES = 256 * 1024
"""Files at least this large show progress on a terminal."""

Item = tuple[int, str | dict[str, Any]]
"""A numbered line of a file (its text), or of a store's export (its data)."""


@frozen
class Problem:
    """Input that could not be audited: a line, or a whole complaint's log."""

    reason: str
    line: int | None = None
    complaint_id: str | None = None

    def __str__(self) -> str:
        where = (f"line {self.line}" if self.line is not None
                 else f"complaint {clipped(str(self.complaint_id))}")
        return f"{where}: {clipped(self.reason, REASON_LENGTH)}"


REASON_LENGTH = 300
"""The most characters of a reason the report shows (a line may hold megabytes)."""


def clipped(text: str, limit: int = 120) -> str:
    """``text`` printable, and at most ``limit`` characters."""
    text = printable(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


@frozen
class Group:
    """A complaint's numbered lines (text, or data from a store), complete; or lines that
    belong to no complaint (``complaint_id`` ``None``)."""

    complaint_id: str | None
    items: list[Item]


# --- who a line belongs to -----------------------------------------------------------------

_LABEL = re.compile(r'"complaint_id"\s*:\s*"((?:[^"\\]|\\.)*)"')
_OPENED = re.compile(r'^\s*\{\s*"type"\s*:\s*"complaint_opened"')


def owner(item: str | dict[str, Any], current: str | None) -> tuple[str | None, bool]:
    """The complaint a line belongs to, and whether it opens one, told cheaply: from the
    first ``"complaint_id"`` key of its text (the label, or a ``complaint_opened``'s own
    id), without parsing it; the worker checks it against the parsed line."""
    if isinstance(item, dict):
        opened = item.get("type") == "complaint_opened"
        label = item.get("complaint_id")
        return (label if isinstance(label, str) else current), opened
    match = _LABEL.search(item)
    opened = _OPENED.match(item) is not None
    if match is None:
        return (None if opened else current), opened
    text = match.group(1)
    if "\\" in text:
        try:
            text = json.loads(f'"{text}"')
        except ValueError:
            return current, opened
    return text, opened


def last_lines(lines: Iterable[str], progress: Progress) -> tuple[dict[str, int], int]:
    """The first pass over a file: the number of each complaint's last line, and of the
    last line."""
    last: dict[str, int] = {}
    current: str | None = None
    number = 0
    for number, text in enumerate(lines, start=1):
        if number % 10_000 == 0:
            progress.show(f"reading line {number:,}")
        if not text.strip():
            continue
        key, opened = owner(text, current)
        if opened:
            current = key
        if key is not None:
            last[key] = number
    return last, number


def groups(items: Iterable[Item], last: dict[str, int] | None,
           problems: Callable[[Problem], None]) -> Iterator[Group]:
    """The complaints of ``items``, each as soon as it is complete: at its last line when
    ``last`` says where that is, else when another complaint's line comes (a complaint
    whose lines come again after that is reported, those lines left out)."""
    current: str | None = None
    pending: dict[str, list[Item]] = {}
    done: set[str] = set()
    previous: str | None = None
    for number, item in items:
        if isinstance(item, str) and not item.strip():
            continue
        key, opened = owner(item, current)
        if opened:
            current = key
        if key is None:
            yield Group(None, [(number, item)])
            continue
        if last is None and key != previous:
            if previous is not None and previous in pending:
                done.add(previous)
                yield Group(previous, pending.pop(previous))
            if key in done:
                problems(Problem(f"complaint {key}'s events are not together: audit a file, "
                                 "or export grouped by complaint", line=number))
                continue
        previous = key
        pending.setdefault(key, []).append((number, item))
        if last is not None and last.get(key) == number:
            yield Group(key, pending.pop(key))
    for key, items_left in pending.items():
        yield Group(key, items_left)


# --- a complaint's events ---------------------------------------------------------------


def read_group(group: Group) -> tuple[list[tuple[int, AnyEvent]], list[Problem]]:
    """The events of a complaint's lines, each with its line number, in ``seq`` order;
    and the lines that could not be read."""
    from .. import SnapshotError, load_event
    from .._values.checks import shown, unicode_problem

    problems: list[Problem] = []
    events: list[tuple[int, Any]] = []
    for number, data in _parsed(group.items, problems):
        label = data.get("complaint_id")
        opened = data.get("type") == "complaint_opened"
        if not opened and "complaint_id" in data and (
                not isinstance(label, str) or unicode_problem(label) is not None):
            problems.append(Problem(f"complaint_id must be text, got {shown(label)}",
                                    line=number))
            continue
        try:
            event = load_event(data)
        except SnapshotError as error:
            problems.append(Problem("; ".join(map(str, error.problems)), line=number))
            continue
        except Exception as error:  # the loader failed on this line: unreadable all the same
            problems.append(Problem(f"cannot read this event ({type(error).__name__})",
                                    line=number))
            continue
        said = getattr(event, "complaint_id", None) if opened else label
        if group.complaint_id is None:
            problems.append(Problem("no complaint_id, and no complaint_opened line before it",
                                    line=number))
        elif said is not None and said != group.complaint_id:
            problems.append(Problem("its complaint_id could not be told from its text "
                                    "before reading it: write it as dump_event does",
                                    line=number))
        else:
            events.append((number, event))
    events.sort(key=lambda pair: int(pair[1].seq))
    return events, problems


def _parsed(items: list[Item],
            problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The items as JSON objects; one ``json.loads`` for a whole complaint's lines when
    they are all good, else a line at a time, each bad one reported."""
    texts = [item for _, item in items if isinstance(item, str)]
    if len(texts) == len(items):
        try:
            datas = json.loads("[" + ",".join(texts) + "]")
        except (ValueError, RecursionError):
            pass
        else:
            if len(datas) == len(items) and all(type(d) is dict for d in datas):
                yield from zip((number for number, _ in items), datas, strict=True)
                return
    for number, item in items:
        if isinstance(item, dict):
            yield number, item
            continue
        try:
            data = json.loads(item)
        except json.JSONDecodeError as error:
            problems.append(Problem(f"not JSON: {error}", line=number))
            continue
        except ValueError:  # Python reads no integer of over 4,300 digits
            problems.append(Problem("a number too long to read", line=number))
            continue
        except RecursionError:
            problems.append(Problem("not JSON: nested too deeply", line=number))
            continue
        if not isinstance(data, dict):
            problems.append(Problem(f"expected a JSON object, got {type(data).__name__}",
                                    line=number))
            continue
        yield number, data


# --- the inputs -----------------------------------------------------------------------------


def file_groups(source: Source, progress: Progress,
                problems: Callable[[Problem], None]) -> tuple[Iterator[Group], int | None]:
    """A file's complaints, each as soon as it is complete, and how many there are when
    the file could be read twice to find where each one ends (else ``None``)."""
    assert source.handle is not None
    last = None
    if source.seekable:
        last, _ = last_lines(source.handle, progress)
        source.handle.seek(0)
    items: Iterable[Item] = enumerate(source.handle, start=1)
    return groups(items, last, problems), None if last is None else len(last)


def store_groups(store: Any, problems: Callable[[Problem], None]) -> Iterator[Group]:
    """A store's complaints, from its export (grouped by complaint)."""
    return groups(enumerate(store.export(), start=1), None, problems)


class Source:
    """An input file (or standard input), its size, and whether it can be read twice."""

    def __init__(self, handle: IO[str] | None, error: str = "", *, owned: bool = True):
        self.handle, self.error, self.owned = handle, error, owned
        self.size = _size(handle) if handle is not None else 0
        self.seekable = handle is not None and owned and _regular(handle)

    def progress(self, stderr: IO[str]) -> Progress:
        """Progress on ``stderr`` if it is a terminal and the input large."""
        return Progress(stderr, self.size >= PROGRESS_BYTES and isatty(stderr))

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.handle is not None and self.owned:
            self.handle.close()


def open_source(path: str) -> Source:
    """The file at ``path`` (``-``: standard input), or why it cannot be opened."""
    if path == "-":
        return Source(sys.stdin, owned=False)
    try:
        return Source(open(path, encoding="utf-8"))
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        return Source(None, str(reason))


class Progress:
    """``\\r``-updated counts on a terminal's stderr; silent elsewhere."""

    def __init__(self, stream: IO[str], enabled: bool) -> None:
        self.stream, self.enabled, self.shown = stream, enabled, False

    def show(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r{text}")
            self.stream.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def _size(handle: IO[str]) -> int:
    try:
        return os.fstat(handle.fileno()).st_size
    except (OSError, ValueError, AttributeError):
        return 0


def _regular(handle: IO[str]) -> bool:
    import stat

    try:
        return stat.S_ISREG(os.fstat(handle.fileno()).st_mode) and handle.seekable()
    except (OSError, ValueError, AttributeError):
        return False


def isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
