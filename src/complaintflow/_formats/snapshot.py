"""Snapshots and events as JSON data: what a host stores, and loading it back strictly.

Dumping gives JSON primitives only (decimals as strings, times as ISO-8601 in UTC); loading
checks everything and raises one :class:`SnapshotError` listing every problem with its
JSON path. No pickle, no class paths: types are chosen by stable tags from closed sets.
Every stored event carries a digest chained to the one before it, and the snapshot the
head of that chain and a digest of its own (see ``integrity``): a value changed by hand is
found when it is read back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast

import attrs

from .._core.complaint import Complaint
from .._core.log import LogReader
from .._values.checks import shown
from .._values.enums import CustomerResponse, Outcome, Stage
from .._values.errors import InvalidValueError, Problem, SnapshotError
from ..events import EVENT_TYPES, AnyEvent, ComplaintOpened, Event, StageChanged
from .integrity import DIGEST, Keys, canonical, digest, mismatch
from .json_value import JsonValue
from .stored_json import converter, fast_converter, json_type, problems
from .upcasters import EVENT_UPCASTERS, SNAPSHOT_SCHEMA, SNAPSHOT_UPCASTERS, SNAPSHOT_VERSION

_ENVELOPE = ("schema", "schema_version", "head", "digest")
T = TypeVar("T")


def dump(complaint: Complaint, *, head: JsonValue = None,
         keys: Keys = ()) -> dict[str, JsonValue]:
    """The complaint as a JSON-safe snapshot, headed by its schema, version, revision and
    stage.

    ``head`` is the digest of the complaint's last stored event (the ``"digest"`` of the
    last object :func:`dump_events` gave), which ties the snapshot to its log; ``digest``
    is the snapshot's own, chained to it and signed with the first of ``keys``, if any.
    """
    data = body(complaint, head)
    signed = digest(cast(str | None, head), canonical(data), keys)
    return {"schema": data.pop("schema"), "schema_version": data.pop("schema_version"),
            "head": data.pop("head"), "digest": signed, **data}


def body(complaint: Complaint, head: JsonValue) -> dict[str, JsonValue]:
    """The snapshot without its digest: what the digest is taken over."""
    if not isinstance(complaint, Complaint):
        raise InvalidValueError(f"expected a Complaint, got {type(complaint).__name__}",
                                argument="complaint")
    if head is not None and (not isinstance(head, str) or not DIGEST.fullmatch(head)):
        raise InvalidValueError("head must be the digest of the complaint's last event",
                                argument="head")
    data: dict[str, JsonValue] = converter.unstructure(complaint)
    return {"schema": SNAPSHOT_SCHEMA, "schema_version": SNAPSHOT_VERSION, "head": head,
            "revision": data.pop("revision"), "stage": data.pop("stage"), **data}


def load(snapshot: object, *, events: Iterable[object] | None = None,
         keys: Keys = ()) -> Complaint:
    """The complaint a snapshot holds, upgraded from an older schema version if need be.

    The snapshot's digest must match it (a value changed by hand does not), checked with
    ``keys`` when the chain is keyed. With ``events`` (the complaint's event log, as
    events or as their JSON), the snapshot must also agree with the log: its head is the
    last event's digest, the same revision, and the same complaint when folded. Raises
    :class:`SnapshotError` listing every problem.
    """
    if not isinstance(snapshot, Mapping):
        raise SnapshotError([Problem("$", f"expected an object, got {json_type(snapshot)}")])
    envelope = _envelope_problems(snapshot)
    if envelope:
        raise SnapshotError(envelope)
    found = digest_problems(snapshot, keys)
    try:
        complaint = structure(snapshot)
    except SnapshotError as error:  # every problem at once, the digest's first
        raise SnapshotError([*found, *error.problems]) from None
    if found:
        raise SnapshotError(found)
    if events is not None:
        found = _disagreements(complaint, snapshot.get("head"), events, keys)
        if found:
            raise SnapshotError(found)
    return complaint


def structure(snapshot: Mapping[str, Any]) -> Complaint:
    """The complaint of a snapshot whose digest was checked already: the stores check it
    on the stored text, without writing the JSON out again to check it."""
    envelope = _envelope_problems(snapshot)
    if envelope:
        raise SnapshotError(envelope)
    data = SNAPSHOT_UPCASTERS.upgrade(snapshot, snapshot["schema_version"])
    for key in _ENVELOPE:
        data.pop(key, None)
    complaint = _structure(data, Complaint, "$")
    if isinstance(complaint, list):
        raise SnapshotError(complaint)
    found = _inconsistencies(complaint)
    if found:
        raise SnapshotError(found)
    return complaint


def digest_problems(snapshot: Mapping[str, Any], keys: Keys) -> list[Problem]:
    """Why the snapshot's digest does not vouch for it, if it does not."""
    if snapshot.get("schema_version") == 1:  # version 1 had no digests
        return []
    head = snapshot.get("head")
    found: list[Problem] = []
    if "head" not in snapshot:
        found.append(Problem("$.head", "missing field"))
    elif head is not None and (not isinstance(head, str) or not DIGEST.fullmatch(head)):
        found.append(Problem("$.head", "is not a digest"))
    if "digest" not in snapshot:
        found.append(Problem("$.digest", "missing field"))
    if found:
        return found
    try:
        text = canonical(snapshot)
    except (TypeError, ValueError, RecursionError):  # not JSON data at all
        return [Problem("$", "is not JSON data")]
    wrong = mismatch(snapshot["digest"], head, text, keys)
    if wrong is not None:
        return [Problem("$.digest", f"{wrong}: the snapshot was changed after it was written")]
    return []


def _envelope_problems(snapshot: Mapping[Any, Any]) -> list[Problem]:
    found: list[Problem] = []
    schema = snapshot.get("schema")
    if schema != SNAPSHOT_SCHEMA:
        found.append(Problem("$.schema", f"expected {SNAPSHOT_SCHEMA!r}, got {shown(schema)}"
                             if "schema" in snapshot else "missing field"))
    if "schema_version" not in snapshot:
        found.append(Problem("$.schema_version", "missing field"))
    else:
        problem = SNAPSHOT_UPCASTERS.problem(snapshot["schema_version"], "$.schema_version")
        found += [problem] if problem else []
    return found


def _inconsistencies(c: Complaint) -> list[Problem]:
    """What no sequence of commands could have produced: dangling or reassigned ids,
    impossible counts and times, a stage its data contradicts."""
    found: list[Problem] = []
    if c.revision < 1:
        found.append(Problem("$.revision", "must be at least 1"))
    if c.seq < c.revision:
        found.append(Problem("$.seq", f"is {c.seq}, below the revision {c.revision}: "
                                      "every command records at least one event"))
    if not c.complaint_id.strip():
        found.append(Problem("$.complaint_id", "must not be blank"))
    if c.updated_at < c.received_at:
        found.append(Problem("$.updated_at", "is before received_at"))
    if c.closed_at is not None and not c.received_at <= c.closed_at <= c.updated_at:
        found.append(Problem("$.closed_at", "is not between received_at and updated_at"))
    concern_ids = _ids(found, "concerns", "K", [concern.id for concern in c.concerns])
    action_ids = _ids(found, "actions", "A", [action.id for action in c.actions])
    for index, concern in enumerate(c.concerns):
        for name in ("text", "restatement", "resolution", "explanation"):
            value = getattr(concern, name)
            if value is not None and not value.strip():
                found.append(Problem(f"$.concerns[{index}].{name}", "must not be blank"))
    if len(set(c.priority)) != len(c.priority):
        found.append(Problem("$.priority", "lists a concern twice"))
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
    found += _stage_problems(c)
    found += _receipt_problems(c)
    for index, pause in enumerate(c.timeline.pauses):
        if pause.action_id not in action_ids:
            found.append(Problem(f"$.timeline.pauses[{index}].action_id",
                                 f"unknown action {pause.action_id!r}"))
    if c.seq >= c.revision:  # else the seq itself is what is wrong
        found += _timeline_problems(c)
    return found


def _timeline_problems(c: Complaint) -> list[Problem]:
    """What the clocks' state says that no log could have written."""
    timeline, found = c.timeline, []
    kinds = [sent.kind for sent in timeline.first_communications]
    if len(set(kinds)) != len(kinds):
        found.append(Problem("$.timeline.first_communications", "holds a kind twice: it "
                                                               "keeps the first of each"))
    seqs = [sent.seq for sent in timeline.first_communications]
    if seqs != sorted(seqs):
        found.append(Problem("$.timeline.first_communications", "is not in the order sent"))
    marks = [("first_communications", seq) for seq in seqs]
    for name in ("follow_up", "follow_up_touch", "last_touch"):
        value = getattr(timeline, name)
        if value is not None:
            marks.append((name, value.seq))
    marks += [("pauses", pause.start_seq) for pause in timeline.pauses]
    for name, seq in marks:
        if not 1 < seq <= c.seq:
            found.append(Problem(f"$.timeline.{name}", f"names event seq {seq}, which is not "
                                                      "an event of the complaint's log"))
    follow_up, touch = timeline.follow_up, timeline.follow_up_touch
    if touch is not None and (follow_up is None or touch.seq <= follow_up.seq):
        found.append(Problem("$.timeline.follow_up_touch", "is not after the follow-up it "
                                                          "answers"))
    last = timeline.last_touch
    if touch is not None and (last is None or last.seq < touch.seq):
        found.append(Problem("$.timeline.last_touch", "is before the follow-up's first touch"))
    return found


_AFTER_LISTENING = frozenset({Stage.PRIORITIZING, Stage.ASSESSING_IMPACT, Stage.RESPONDING,
                              Stage.FOLLOWING_UP, Stage.RECAPPING})
_AFTER_IMPACT = frozenset({Stage.RESPONDING, Stage.FOLLOWING_UP, Stage.RECAPPING})
_CLOSING = frozenset({Stage.RECAPPING, Stage.CLOSED})


def _stage_problems(c: Complaint) -> list[Problem]:
    """What the stage says of the data, and the data does not bear out."""
    stage, found = c.stage, []
    open_concerns = c.open_concerns
    left = c.outcome in (Outcome.REFERRED, Outcome.WITHDRAWN)
    if c.customer is None and stage is not Stage.VERIFYING and not left:
        found.append(Problem("$.customer", f"is missing, but the complaint is {stage.value}"))
    if stage is Stage.VERIFYING and c.concerns:
        found.append(Problem("$.concerns", "a complaint being verified has heard none"))
    if stage in _AFTER_LISTENING and not all(k.confirmed for k in open_concerns):
        found.append(Problem("$.concerns", f"a {stage.value} complaint has an open concern "
                                           "that is not confirmed"))
    if stage in _AFTER_IMPACT and not all(k.impact and k.impact.agreed for k in open_concerns):
        found.append(Problem("$.concerns", f"a {stage.value} complaint has an open concern "
                                           "without an agreed impact"))
    finished = stage is Stage.RECAPPING or (stage is Stage.CLOSED and not left)
    if finished and (open_concerns or c.open_actions):
        found.append(Problem("$.concerns", f"a {stage.value} complaint has open concerns or "
                                           "action items"))
    if stage not in _CLOSING and (c.recapped or c.closure is not None or c.thanked):
        found.append(Problem("$.recapped", f"a {stage.value} complaint has not been recapped, "
                                           "asked for closure or thanked yet"))
    if c.feedback is not None and stage is not Stage.CLOSED:
        found.append(Problem("$.feedback", "only a closed complaint has feedback"))
    if stage is Stage.CLOSED and c.outcome in (Outcome.RESOLVED, Outcome.UNRESOLVED) and (
            not c.recapped or c.closure is None
            or (c.outcome is Outcome.UNRESOLVED) != (c.closure is CustomerResponse.DISSATISFIED)):
        found.append(Problem("$.outcome", "a closed complaint was recapped and asked for "
                                          "closure, and is unresolved only if the customer "
                                          "was dissatisfied"))
    return found


def _receipt_problems(c: Complaint) -> list[Problem]:
    found: list[Problem] = []
    if len(c.receipts) > c.policy.remembered_command_ids:
        found.append(Problem("$.receipts", "holds more receipts than "
                                           "policy.remembered_command_ids"))
    if len({receipt.command_id for receipt in c.receipts}) != len(c.receipts):
        found.append(Problem("$.receipts", "holds a command_id twice"))
    previous = 0
    for index, receipt in enumerate(c.receipts):
        if receipt.seq > c.seq or receipt.revision > c.revision:
            found.append(Problem(f"$.receipts[{index}]", "is later than the complaint"))
        elif receipt.seq <= previous or receipt.revision < 1:
            found.append(Problem(f"$.receipts[{index}]", "is not after the receipt before it"))
        previous = receipt.seq
    return found


def _ids(found: list[Problem], field: str, prefix: str, ids: list[str]) -> set[str]:
    """The ids, which must be those the commands assign: K1, K2, ... (or A1, A2, ...)."""
    for index, item_id in enumerate(ids):
        if item_id != f"{prefix}{index + 1}":
            found.append(Problem(f"$.{field}[{index}].id", f"is {item_id!r}, but the "
                                 f"{field[:-1]} in position {index + 1} is {prefix}{index + 1}"))
    return set(ids)


def _disagreements(complaint: Complaint, head: object, events: Iterable[object],
                   keys: Keys) -> list[Problem]:
    log, digests = read_log(events, keys)
    if head is not None and head != digests[-1]:
        return [Problem("$.head", "is not the digest of the log's last event: the snapshot "
                                  "or the log was changed")]
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


def dump_event(event: Event, *, previous: JsonValue = None, keys: Keys = (),
               complaint_id: str | None = None) -> dict[str, JsonValue]:
    """An event as JSON: its ``type`` tag, format ``version``, ``digest``, ``seq``, ``at``,
    then its data.

    ``digest`` chains the event to ``previous``, the digest of the event before it in the
    complaint's log (``None`` for the log's first event); :func:`dump_events` chains a
    whole log. With ``complaint_id``, the object also names its complaint
    (``"complaint_id"``), so that an export can mix the events of many complaints; the
    label is not part of the digest.
    """
    if previous is not None and (not isinstance(previous, str)
                                 or not DIGEST.fullmatch(previous)):
        raise InvalidValueError("previous must be the digest of the event before",
                                argument="previous")
    data = event_body(event)
    signed = digest(previous, canonical(data), keys)
    stored = {"type": data.pop("type"), "version": data.pop("version"), "digest": signed}
    if complaint_id is not None and not isinstance(event, ComplaintOpened):
        stored["complaint_id"] = complaint_id
    return {**stored, **data}


def event_body(event: Event) -> dict[str, JsonValue]:
    """An event's JSON without its digest: what the digest is taken over."""
    if type(event) not in _KNOWN:
        raise InvalidValueError(f"expected a complaintflow event, got {type(event).__name__}",
                                argument="event")
    data: dict[str, JsonValue] = converter.unstructure(event)
    return {"type": event.type, "version": event.version, **data}


def dump_events(events: Iterable[Event], *, previous: JsonValue = None, keys: Keys = (),
                complaint_id: str | None = None) -> list[dict[str, JsonValue]]:
    """Events as JSON, each chained to the one before it; the first to ``previous`` (the
    digest of the last event already stored, or ``None`` for a new log). The last one's
    ``digest`` is the new head: pass it to :func:`dump`."""
    dumped: list[dict[str, JsonValue]] = []
    for event in events:
        dumped.append(dump_event(event, previous=previous, keys=keys,
                                 complaint_id=complaint_id))
        previous = dumped[-1]["digest"]
    return dumped


_KNOWN = frozenset(EVENT_TYPES.values())


def load_event(data: object) -> AnyEvent:
    """One event from its JSON (upgraded from an older version if need be).

    Raises :class:`SnapshotError` listing every problem.
    """
    event = _event(data, "$")
    if isinstance(event, list):
        raise SnapshotError(event)
    return event


def load_events(log: Iterable[object], *, keys: Keys = ()) -> tuple[AnyEvent, ...]:
    """A complaint's whole event log from JSON, as it could have been written: it starts
    with ``complaint_opened``, its ``seq`` runs 1, 2, 3, ... without gaps, its times never
    go backwards, its ids are those the commands assign, and each event's digest chains it
    to the one before (``keys`` check a keyed chain). Events already loaded pass through.

    Raises :class:`SnapshotError` listing every problem, at paths ``$[index]...``.
    """
    return read_log(log, keys)[0]


def read_log(log: Iterable[object],
             keys: Keys = ()) -> tuple[tuple[AnyEvent, ...], tuple[str, ...]]:
    """:func:`load_events`, with the digest of every event (computed for a version-1 event,
    which had none, and for an event already loaded)."""
    if isinstance(log, (str, bytes, Mapping)) or not isinstance(log, Iterable):
        raise SnapshotError([Problem("$", f"expected an array of events, got "
                                          f"{json_type(log)}")])
    events: list[AnyEvent] = []
    digests: list[str] = []
    found: list[Problem] = []
    reader = LogReader()
    previous: str | None = None
    for index, item in enumerate(log):
        path = f"$[{index}]"
        event = _event(item, path)
        if isinstance(event, list):
            found += event
            reader.skip()  # the next event is still judged by its own position
            previous = None
            continue
        stored = item.get("digest") if isinstance(item, Mapping) else None
        if isinstance(item, Mapping) and stored is not None:
            if not found:  # the first event the chain does not vouch for is named first
                wrong = mismatch(stored, previous, canonical(item, label=True), keys)
                if wrong is not None:
                    found.append(Problem(f"{path}.digest", f"{wrong}: event seq {event.seq} "
                                         f"({event.type}) was changed, or an event before it "
                                         "was removed or reordered"))
            previous = stored
        else:  # version 1, or an event already loaded: its chain is computed
            previous = digest(previous, canonical(event_body(event)), keys)
        found += [Problem(f"{path}.{field}", message)
                  for field, message in reader.problems(event)]
        digests.append(cast(str, previous))
        events.append(event)
    if not found and not events:
        found.append(Problem("$", "an event log holds at least complaint_opened"))
    if found:
        raise SnapshotError(found)
    return tuple(events), tuple(digests)


def _event(data: object, path: str) -> AnyEvent | list[Problem]:
    if type(data) in _KNOWN:  # already an event
        return cast(AnyEvent, data)
    if not isinstance(data, Mapping):
        return [Problem(path, f"expected an object, got {json_type(data)}")]
    tag = data.get("type")
    cls = EVENT_TYPES.get(tag) if isinstance(tag, str) else None
    if cls is None:
        return [Problem(f"{path}.type", f"unknown event type {shown(tag)}" if "type" in data
                        else "missing field")]
    chain = EVENT_UPCASTERS[cls.type]
    if "version" not in data:
        return [Problem(f"{path}.version", "missing field")]
    problem = chain.problem(data["version"], f"{path}.version")
    if problem is not None:
        return [problem]
    version = data["version"]
    body = chain.upgrade(data, version)
    del body["type"], body["version"]
    found: list[Problem] = []
    if version >= 2:
        if "digest" not in body:
            found.append(Problem(f"{path}.digest", "missing field"))
        elif not isinstance(body["digest"], str) or not DIGEST.fullmatch(body["digest"]):
            found.append(Problem(f"{path}.digest", "is not a digest"))
    body.pop("digest", None)
    if cls is not ComplaintOpened and "complaint_id" in body:  # an export's label
        label = body.pop("complaint_id")
        if not isinstance(label, str) or not label.strip():
            found.append(Problem(f"{path}.complaint_id", "expected a complaint id"))
    structured = _structure(body, cls, path)
    if found:  # every problem at once
        return [*found, *(structured if isinstance(structured, list) else [])]
    return structured


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
