"""What a store writes and reads back: a complaint's snapshot and events as canonical JSON
text beside their digests, and the checks a store makes when it reads them.

A store keeps, per complaint, the snapshot text with its digest and the head of the log
(the last event's digest), and per event its text with its digest. Reading a complaint
checks, in constant time, that the snapshot text matches its digest and that the last
event matches its own, chained to the one before: a row changed by hand is found at once,
and ``complaintflow verify`` checks a whole log.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from attrs import frozen

from .._core.complaint import Complaint
from .._formats.integrity import Keys, canonical, digest, mismatch
from .._formats.json_value import JsonValue
from .._formats.snapshot import body, event_body, structure
from .._values.errors import Problem, SnapshotError
from ..events import Event


@frozen
class EventRecord:
    """One event as a store keeps it."""

    seq: int
    type: str
    at: str
    text: str
    digest: str


def event_records(events: Sequence[Event], previous: str | None,
                  keys: Keys) -> list[EventRecord]:
    """The records of ``events``, each chained to the one before; the first to
    ``previous``, the head of the stored log."""
    records: list[EventRecord] = []
    for event in events:
        text = canonical(event_body(event))
        previous = digest(previous, text, keys)
        records.append(EventRecord(event.seq, event.type, event.at.isoformat(), text, previous))
    return records


def event_json(text: str, digest: str | None,
               complaint_id: str | None = None) -> dict[str, JsonValue]:
    """A stored event's JSON with its digest (and, for an export, its complaint's id)."""
    data: dict[str, JsonValue] = json.loads(text)
    head: dict[str, JsonValue] = {"type": data.pop("type"), "version": data.pop("version")}
    if digest is not None:
        head["digest"] = digest
    if complaint_id is not None and head["type"] != "complaint_opened":
        head["complaint_id"] = complaint_id
    return {**head, **data}


def snapshot_record(complaint: Complaint, head: str | None, keys: Keys) -> tuple[str, str]:
    """The snapshot text of ``complaint`` and its digest, chained to ``head``."""
    text = canonical(body(complaint, head))
    return text, digest(head, text, keys)


def read_complaint(complaint_id: str, text: str, snapshot_digest: str | None,
                   head: str | None, last: tuple[str, str | None] | None,
                   before_last: str | None, keys: Keys) -> Complaint:
    """The complaint from its stored snapshot, after checking it and the last event: the
    snapshot text against its digest and the head, the last event (its text and digest)
    against its digest chained to ``before_last``. Raises :class:`SnapshotError` naming
    what was changed. A row written before digests (``None``) is not checked."""
    found: list[Problem] = []
    if snapshot_digest is not None:
        wrong = mismatch(snapshot_digest, head, text, keys)
        if wrong is not None:
            found.append(Problem(f"{complaint_id}: $.digest", f"{wrong}: the stored snapshot "
                                                              "was changed after it was written"))
    if last is not None and last[1] is not None:
        last_text, last_digest = last
        wrong = mismatch(last_digest, before_last, last_text, keys)
        if wrong is not None:
            found.append(Problem(f"{complaint_id}: events[-1].digest",
                                 f"{wrong}: the last stored event was changed"))
        elif snapshot_digest is not None and last_digest != head:
            found.append(Problem(f"{complaint_id}: $.head",
                                 "is not the digest of the last stored event"))
    if found:
        raise SnapshotError(found)
    data: Any = json.loads(text)
    if not isinstance(data, dict):
        raise SnapshotError([Problem(f"{complaint_id}: $", "the stored snapshot is not an "
                                                          "object")])
    return structure(data)
