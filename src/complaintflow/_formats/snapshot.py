"""Snapshots and events as JSON data: what a host stores, and loading it back strictly.

Dumping gives JSON primitives only (decimals as strings, times as ISO-8601 in UTC); loading
checks everything and raises one :class:`SnapshotError` listing every problem with its
JSON path. No pickle, no class paths: types are chosen by stable tags from closed sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast

import attrs

from .._core.complaint import Complaint
from .._core.log import LogReader
from .._values.enums import Stage
from .._values.errors import InvalidValueError, Problem, SnapshotError
from ..events import EVENT_TYPES, AnyEvent, ComplaintOpened, Event, StageChanged
from .json_value import JsonValue
from .stored_json import converter, fast_converter, json_type, problems
from .upcasters import EVENT_UPCASTERS, SNAPSHOT_SCHEMA, SNAPSHOT_UPCASTERS, SNAPSHOT_VERSION

_ENVELOPE = ("schema", "schema_version")
T = TypeVar("T")


def dump(complaint: Complaint) -> dict[str, JsonValue]:
    """The complaint as a JSON-safe snapshot, headed by its schema, version, revision and
    stage."""
    if not isinstance(complaint, Complaint):
        raise InvalidValueError(f"expected a Complaint, got {complaint!r}", argument="complaint")
    data: dict[str, JsonValue] = converter.unstructure(complaint)
    return {"schema": SNAPSHOT_SCHEMA, "schema_version": SNAPSHOT_VERSION,
            "revision": data.pop("revision"), "stage": data.pop("stage"), **data}


def load(snapshot: object, *, events: Iterable[object] | None = None) -> Complaint:
    """The complaint a snapshot holds, upgraded from an older schema version if need be.

    With ``events`` (the complaint's event log, as events or as their JSON), the snapshot
    must also agree with the log: the same revision, and the same complaint when folded.
    Raises :class:`SnapshotError` listing every problem.
    """
    if not isinstance(snapshot, Mapping):
        raise SnapshotError([Problem("$", f"expected an object, got {json_type(snapshot)}")])
    envelope = _envelope_problems(snapshot)
    if envelope:
        raise SnapshotError(envelope)
    body = SNAPSHOT_UPCASTERS.upgrade(snapshot, snapshot["schema_version"])
    for key in _ENVELOPE:
        del body[key]
    complaint = _structure(body, Complaint, "$")
    if isinstance(complaint, list):
        raise SnapshotError(complaint)
    found = _inconsistencies(complaint)
    if events is not None and not found:
        found = _disagreements(complaint, events)
    if found:
        raise SnapshotError(found)
    return complaint


def _envelope_problems(snapshot: Mapping[Any, Any]) -> list[Problem]:
    found: list[Problem] = []
    schema = snapshot.get("schema")
    if schema != SNAPSHOT_SCHEMA:
        found.append(Problem("$.schema", f"expected {SNAPSHOT_SCHEMA!r}, got {schema!r}"
                             if "schema" in snapshot else "missing field"))
    if "schema_version" not in snapshot:
        found.append(Problem("$.schema_version", "missing field"))
    else:
        problem = SNAPSHOT_UPCASTERS.problem(snapshot["schema_version"], "$.schema_version")
        found += [problem] if problem else []
    return found


def _inconsistencies(c: Complaint) -> list[Problem]:
    """What no sequence of commands could have produced: dangling ids, impossible counts."""
    found: list[Problem] = []
    if c.revision < 1:
        found.append(Problem("$.revision", "must be at least 1"))
    if c.seq < c.revision:
        found.append(Problem("$.seq", f"is {c.seq}, below the revision {c.revision}: "
                                      "every command records at least one event"))
    if c.updated_at < c.received_at:
        found.append(Problem("$.updated_at", "is before received_at"))
    concern_ids = _unique(found, "concerns", [concern.id for concern in c.concerns])
    action_ids = _unique(found, "actions", [action.id for action in c.actions])
    for index, concern_id in enumerate(c.priority):
        if concern_id not in concern_ids:
            found.append(Problem(f"$.priority[{index}]", f"unknown concern {concern_id!r}"))
    for index, action in enumerate(c.actions):
        for position, concern_id in enumerate(action.concern_ids):
            if concern_id not in concern_ids:
                found.append(Problem(f"$.actions[{index}].concern_ids[{position}]",
                                     f"unknown concern {concern_id!r}"))
    for index, compensation in enumerate(c.compensations):
        if compensation.concern_id is not None and compensation.concern_id not in concern_ids:
            found.append(Problem(f"$.compensations[{index}].concern_id",
                                 f"unknown concern {compensation.concern_id!r}"))
    if (c.stage is Stage.CLOSED) != (c.outcome is not None) or (
            (c.outcome is None) != (c.closed_at is None)):
        found.append(Problem("$.outcome", "a closed complaint, and only a closed one, has an "
                                          "outcome and a closed_at time"))
    if len(c.receipts) > c.policy.remembered_command_ids:
        found.append(Problem("$.receipts", "holds more receipts than "
                                           "policy.remembered_command_ids"))
    for index, receipt in enumerate(c.receipts):
        if receipt.seq > c.seq or receipt.revision > c.revision:
            found.append(Problem(f"$.receipts[{index}]", "is later than the complaint"))
    for index, pause in enumerate(c.timeline.pauses):
        if pause.action_id not in action_ids:
            found.append(Problem(f"$.timeline.pauses[{index}].action_id",
                                 f"unknown action {pause.action_id!r}"))
    return found


def _unique(found: list[Problem], field: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            found.append(Problem(f"$.{field}[{index}].id", f"duplicate id {item_id!r}"))
        seen.add(item_id)
    return seen


def _disagreements(complaint: Complaint, events: Iterable[object]) -> list[Problem]:
    log = load_events(events)
    commands = sum(type(event) is not StageChanged for event in log)
    if commands != complaint.revision:
        return [Problem("$.revision", f"is {complaint.revision}, but the event log records "
                                      f"{commands} commands")]
    folded = Complaint.from_events(log)
    differing = [a.name for a in attrs.fields(Complaint)
                 if getattr(folded, a.name) != getattr(complaint, a.name)]
    if differing:
        return [Problem(f"$.{name}", "differs from the event log") for name in differing]
    return []


def dump_event(event: Event, *, complaint_id: str | None = None) -> dict[str, JsonValue]:
    """An event as JSON: its ``type`` tag, format ``version``, ``seq``, ``at``, then its data.

    With ``complaint_id``, the object also names its complaint (``"complaint_id"``), so that
    an export can mix the events of many complaints; :func:`load_event` accepts the key.
    """
    if type(event) not in _KNOWN:
        raise InvalidValueError(f"expected a complaintflow event, got {event!r}",
                                argument="event")
    data: dict[str, JsonValue] = converter.unstructure(event)
    if complaint_id is None or isinstance(event, ComplaintOpened):
        return {"type": event.type, "version": event.version, **data}
    return {"type": event.type, "version": event.version, "complaint_id": complaint_id, **data}


_KNOWN = frozenset(EVENT_TYPES.values())


def load_event(data: object) -> AnyEvent:
    """One event from its JSON (upgraded from an older version if need be).

    Raises :class:`SnapshotError` listing every problem.
    """
    event = _event(data, "$")
    if isinstance(event, list):
        raise SnapshotError(event)
    return event


def load_events(log: Iterable[object]) -> tuple[AnyEvent, ...]:
    """A complaint's whole event log from JSON: it starts with ``complaint_opened`` and its
    ``seq`` runs 1, 2, 3, ... without gaps. Events already loaded pass through.

    Raises :class:`SnapshotError` listing every problem, at paths ``$[index]...``.
    """
    if isinstance(log, (str, bytes, Mapping)) or not isinstance(log, Iterable):
        raise SnapshotError([Problem("$", f"expected an array of events, got "
                                          f"{json_type(log)}")])
    events: list[AnyEvent] = []
    found: list[Problem] = []
    reader = LogReader()
    for index, item in enumerate(log):
        path = f"$[{index}]"
        event = _event(item, path)
        if isinstance(event, list):
            found += event
            reader.count += 1  # the next event is still judged by its own position
            continue
        found += [Problem(f"{path}.{field}", message)
                  for field, message in reader.problems(event)]
        events.append(event)
    if not found and not events:
        found.append(Problem("$", "an event log holds at least complaint_opened"))
    if found:
        raise SnapshotError(found)
    return tuple(events)


def _event(data: object, path: str) -> AnyEvent | list[Problem]:
    if type(data) in _KNOWN:  # already an event
        return cast(AnyEvent, data)
    if not isinstance(data, Mapping):
        return [Problem(path, f"expected an object, got {json_type(data)}")]
    tag = data.get("type")
    cls = EVENT_TYPES.get(tag) if isinstance(tag, str) else None
    if cls is None:
        return [Problem(f"{path}.type", f"unknown event type {tag!r}" if "type" in data
                        else "missing field")]
    chain = EVENT_UPCASTERS[cls.type]
    if "version" not in data:
        return [Problem(f"{path}.version", "missing field")]
    problem = chain.problem(data["version"], f"{path}.version")
    if problem is not None:
        return [problem]
    body = chain.upgrade(data, data["version"])
    del body["type"], body["version"]
    if cls is not ComplaintOpened and "complaint_id" in body:  # an export's label
        label = body.pop("complaint_id")
        if not isinstance(label, str) or not label.strip():
            return [Problem(f"{path}.complaint_id", f"expected a complaint id, got {label!r}")]
    return _structure(body, cls, path)


def _structure(data: Mapping[str, Any], cls: type[T], path: str) -> T | list[Problem]:
    """``cls`` from ``data``, or every problem with its path.

    The fast converter goes first; only data it refuses goes through the detailed one,
    which is slower but says where each problem is.
    """
    try:
        return fast_converter.structure(data, cls)
    except Exception:
        pass
    try:
        return converter.structure(data, cls)
    except Exception as error:  # every failure becomes a listed problem
        return problems(error, path)
