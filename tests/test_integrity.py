"""A log that could not have been written, or that was changed by hand, is not believed.

The chain of digests over the stored events and the snapshot's digest on its head are
checked by ``load``, ``load_events``, the stores' ``get`` and ``verify``; a keyed chain
resists someone who recomputes the plain one.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from complaintflow import (
    BusinessCalendar,
    Complaint,
    HearConcern,
    IntegrityKey,
    InvalidValueError,
    Policy,
    RecordCommunication,
    RecordRootCause,
    SnapshotError,
    VerifyCustomer,
    dump,
    dump_events,
    fca_disp,
    load,
    load_events,
    open_complaint,
    verify,
)
from complaintflow._cli.main import main
from complaintflow._formats.integrity import canonical, digest
from complaintflow.audit import audit
from complaintflow.events import Event
from complaintflow.stores.sqlite import SQLiteStore
from complaintflow.testing import covering_paths

from .support import Clock, play

KEY = IntegrityKey("2026-12", b"sixteen bytes or more of secret")
OLD_KEY = IntegrityKey("2025-01", b"an older secret, kept to verify")


def a_log() -> tuple[Complaint, list[Event]]:
    """The longest model-based path: a complaint with most kinds of event."""
    recording = max(covering_paths(), key=lambda path: len(path.steps)).play("C-LONG")
    return recording.complaint, list(recording.events)


def stored(complaint: Complaint, log: list[Event],
           keys: tuple[IntegrityKey, ...] = ()) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A complaint as a host stores it: its log chained, its snapshot on the head."""
    events = json.loads(json.dumps(dump_events(log, keys=keys)))
    snapshot = json.loads(json.dumps(dump(complaint, head=events[-1]["digest"], keys=keys)))
    return snapshot, events


def rechained(events: list[dict[str, Any]],
              keys: tuple[IntegrityKey, ...] = ()) -> list[dict[str, Any]]:
    """The events with their chain taken again, as someone who edits a log and knows how
    the plain chain is made would do."""
    previous = None
    for event in events:
        event["digest"] = previous = digest(previous, canonical(event, label=True), keys)
    return events


# --- a log that could not have been written ---------------------------------------------


def late_final_response() -> list[Event]:
    """An FCA complaint whose final response came ten weeks after it was received."""
    clock = Clock()
    policy = Policy(regimes=(fca_disp(BusinessCalendar(time_zone="Europe/London")),))
    opened = open_complaint("CMP-LATE", at=clock.now, policy=policy)
    log: list[Event] = list(opened.events)
    complaint = play(opened.complaint, [VerifyCustomer(name="Ann Lee", callback="555 0100")],
                     clock, log)
    clock.advance(timedelta(days=1))
    complaint = play(complaint, [RecordCommunication(kind="acknowledgement", channel="email"),
                                 HearConcern(text="The fee.")], clock, log)
    clock.advance(timedelta(weeks=10))
    play(complaint, [RecordCommunication(kind="final_response", channel="letter")], clock,
         log)
    return log


def test_a_backdated_response_is_refused_everywhere(tmp_path: Path) -> None:
    """Regression: backdating a late final response to just after the opening flipped the
    critical regulatory_deadlines_met from failed to passed (the CLI from exit 1 to 0)."""
    log = late_final_response()
    assert audit(log).item("regulatory_deadlines_met").failed
    moved = [*log[:-1], attrs.evolve(log[-1], at=log[0].at + timedelta(minutes=2))]
    for read in (Complaint.from_events, audit):
        with pytest.raises(InvalidValueError, match="time never goes backwards"):
            read(moved)
    backdated = rechained(json.loads(json.dumps(dump_events(moved))))  # the chain agrees
    with pytest.raises(SnapshotError) as raised:
        load_events(backdated)
    assert [p.path for p in raised.value.problems] == [f"$[{len(log) - 1}].at"]
    complaint = Complaint.from_events(log)
    with pytest.raises(SnapshotError, match="time never goes backwards"):
        load(dump(complaint, head=backdated[-1]["digest"]), events=backdated)
    export = tmp_path / "backdated.jsonl"
    export.write_text("".join(json.dumps(e) + "\n" for e in backdated), encoding="utf-8")
    assert main(["audit", str(export)]) == 2


def test_ids_the_commands_would_not_have_assigned_are_refused() -> None:
    _complaint, log = a_log()
    events = json.loads(json.dumps(dump_events(log)))
    heard = next(e for e in events if e["type"] == "concern_heard")
    heard["concern_id"] = "K7"
    with pytest.raises(SnapshotError) as raised:
        load_events(rechained(events))
    assert raised.value.problems[0].message == "is 'K7', but concern number 1 is K1"


# --- changed by hand ---------------------------------------------------------------------


def test_verify_names_the_first_event_changed_removed_or_reordered() -> None:
    complaint, log = a_log()
    snapshot, events = stored(complaint, log)
    assert verify(events, snapshot=snapshot) == ()
    changed = json.loads(json.dumps(events))
    changed[7]["at"] = changed[7]["at"].replace("09:", "08:")
    assert verify(changed)[0].path == "$.events[7].digest"
    removed = events[:5] + events[6:]
    assert verify(removed)[0].path in ("$.events[5].seq", "$.events[5].digest")
    swapped = [*events[:5], events[6], events[5], *events[7:]]
    assert verify(swapped)[0].path.startswith("$.events[5]")
    assert verify(events[:-1], snapshot=snapshot)[0].path == "$.snapshot.head"


def test_a_snapshot_edited_by_hand_is_named_by_its_field() -> None:
    complaint, log = a_log()
    snapshot, events = stored(complaint, log)
    snapshot["policy"]["authority_limits"][0]["amount"] = "100000"
    found = verify(events, snapshot=snapshot)
    assert [p.path for p in found] == ["$.snapshot.policy.authority_limits[0].amount"]
    with pytest.raises(SnapshotError, match="the snapshot was changed after it was written"):
        load(snapshot)


def test_a_sqlite_row_edited_by_hand_is_refused_on_get(tmp_path: Path) -> None:
    """Regression: a raised authority limit or an edited concern in the stored row came
    back from get as if true."""
    path = tmp_path / "store.db"
    clock = Clock()
    with SQLiteStore(path) as store:
        opened = open_complaint("C-9", at=clock.now)
        store.add(opened.complaint, opened.events)
        store.handle("C-9", VerifyCustomer(name="Ann Lee", callback="555 0100"),
                     at=clock.tick())
        store.handle("C-9", HearConcern(text="The fee."), at=clock.tick())
        assert store.get("C-9").concerns[0].text == "The fee."
    db = sqlite3.connect(path)
    (text,) = db.execute("SELECT snapshot FROM complaints").fetchone()
    edited = json.loads(text)
    edited["concerns"][0]["text"] = "Nothing."
    db.execute("UPDATE complaints SET snapshot = ?", (json.dumps(edited),))
    db.commit()
    db.close()
    with SQLiteStore(path) as store, pytest.raises(SnapshotError,
                                                   match="stored snapshot was changed"):
        store.get("C-9")
    assert main(["verify", "--db", str(path)]) == 1


# --- a thousand random edits ----------------------------------------------------------


def _leaves(data: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(data, dict):
        return [leaf for key, value in data.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(data, list):
        return [leaf for index, value in enumerate(data)
                for leaf in _leaves(value, (*path, index))]
    return [path]


def _edit(data: Any, path: tuple[object, ...], rng: random.Random) -> None:
    """Change the value at ``path`` to another one (a string, number, flag or null)."""
    *inner, last = path
    for step in inner:
        data = data[step]
    value = data[last]
    if isinstance(value, bool):
        data[last] = not value
    elif isinstance(value, int):
        data[last] = value + rng.choice([1, -1, 1000])
    elif isinstance(value, str):
        data[last] = rng.choice([value + "x", value[:-1] if len(value) > 1 else "y", "0"])
    else:
        data[last] = rng.choice(["x", 0, True])


def test_a_thousand_random_single_field_edits_are_all_detected() -> None:
    """Every edit of one stored value is found by verify; get finds those that touch the
    snapshot or the last event, in constant time."""
    rng = random.Random(1010)
    complaint, log = a_log()
    snapshot, events = stored(complaint, log)
    documents = [("snapshot", path) for path in _leaves(snapshot)]
    documents += [("event", (index, *path)) for index, event in enumerate(events)
                  for path in _leaves(event)]
    edits = [rng.choice(documents) for _ in range(1200)]
    detected_by_verify = detected_by_get = touched_by_get = 0
    store = SQLiteStore(":memory:")
    store.add(open_complaint("C-LONG", at=log[0].at).complaint, log[:1])
    for where, path in edits:
        edited_snapshot = json.loads(json.dumps(snapshot))
        edited_events = json.loads(json.dumps(events))
        _edit(edited_snapshot if where == "snapshot" else edited_events, path, rng)
        if verify(edited_events, snapshot=edited_snapshot):
            detected_by_verify += 1
        if where == "snapshot" or path[0] == len(events) - 1:
            touched_by_get += 1
            if _get_refuses(edited_snapshot, edited_events):
                detected_by_get += 1
    assert detected_by_verify == len(edits) >= 1000
    assert detected_by_get == touched_by_get > 100


def _get_refuses(snapshot: dict[str, Any], events: list[dict[str, Any]]) -> bool:
    """Whether a SQLite store holding this (edited) data refuses to get it."""
    from complaintflow.stores._records import read_complaint

    text = canonical(snapshot)
    last, before = events[-1], events[-2]
    try:
        read_complaint("C-LONG", text, snapshot.get("digest"), snapshot.get("head"),
                       (canonical(last, label=True), last.get("digest")),
                       before.get("digest"), ())
    except SnapshotError:  # and nothing else: only the library's own errors
        return True
    return False


# --- keyed chains ------------------------------------------------------------------------


def test_a_keyed_chain_resists_someone_who_recomputes_the_plain_one() -> None:
    complaint, log = a_log()
    snapshot, events = stored(complaint, log, keys=(KEY,))
    assert verify(events, snapshot=snapshot, keys=[KEY]) == ()
    assert events[0]["digest"].startswith("hmac-sha256:2026-12:")
    forged = json.loads(json.dumps(events))
    forged[3]["at"] = forged[3]["at"].replace("09:", "08:")
    rechained(forged)  # without the key: plain digests
    assert "written without a key" in verify(forged, keys=[KEY])[0].message
    assert "was signed with key '2026-12', which was not given" in verify(events)[0].message
    other = IntegrityKey("2026-12", b"a different secret of 16 bytes")
    assert verify(events, keys=[other])[0].message.startswith("does not match")


def test_a_rotated_key_still_verifies_what_it_signed() -> None:
    _complaint, log = a_log()
    head = dump_events(log[:10], keys=[OLD_KEY])
    rest = dump_events(log[10:], previous=head[-1]["digest"], keys=[KEY, OLD_KEY])
    events = json.loads(json.dumps([*head, *rest]))
    assert verify(events, keys=[KEY, OLD_KEY]) == ()
    assert "'2025-01', which was not given" in verify(events, keys=[KEY])[0].message


def test_keys_are_checked_when_they_are_made() -> None:
    with pytest.raises(InvalidValueError, match="16 bytes"):
        IntegrityKey("k", b"short")
    with pytest.raises(InvalidValueError, match="key_id"):
        IntegrityKey("a key", b"sixteen bytes or more")
    assert "secret" not in repr(KEY)


# --- the command line --------------------------------------------------------------------


def test_verify_checks_an_export_and_a_store(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _complaint, log = a_log()
    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.add(Complaint.from_events(log), log)
        export = tmp_path / "export.jsonl"
        export.write_text("".join(json.dumps(e) + "\n" for e in store.export()), "utf-8")
    assert main(["verify", str(export)]) == 0
    assert main(["verify", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"C-LONG: verified ({len(log)} events)" in out
    lines = export.read_text("utf-8").splitlines()
    edited = json.loads(lines[4])
    edited["at"] = edited["at"].replace("0", "1", 1)
    lines[4] = json.dumps(edited)
    export.write_text("\n".join(lines) + "\n", "utf-8")
    assert main(["verify", str(export)]) == 1
    assert "C-LONG: $.events[4]" in capsys.readouterr().out
    (tmp_path / "bad.jsonl").write_text("not json\n", "utf-8")
    assert main(["verify", str(tmp_path / "bad.jsonl")]) == 2


def test_a_keyed_store_verifies_with_its_keys_file(tmp_path: Path) -> None:
    _, log = a_log()
    path = tmp_path / "keyed.db"
    with SQLiteStore(path, keys=[KEY]) as store:
        store.add(Complaint.from_events(log), log)
        assert store.get("C-LONG").seq == len(log)
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({KEY.key_id: KEY.secret.hex()}), "utf-8")
    assert main(["verify", "--db", str(path), "--keys", str(keys)]) == 0
    assert main(["verify", "--db", str(path)]) == 1
    with SQLiteStore(path) as unkeyed, pytest.raises(SnapshotError, match="not given"):
        unkeyed.get("C-LONG")


# --- a store written before digests ------------------------------------------------------

OLD_SCHEMA = """
CREATE TABLE complaints (complaint_id TEXT PRIMARY KEY, revision INTEGER NOT NULL,
    seq INTEGER NOT NULL, stage TEXT NOT NULL, updated_at TEXT NOT NULL,
    snapshot TEXT NOT NULL);
CREATE TABLE complaint_events (complaint_id TEXT NOT NULL REFERENCES complaints (complaint_id),
    seq INTEGER NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL,
    PRIMARY KEY (complaint_id, seq)) WITHOUT ROWID;
"""


def test_a_version_1_store_gets_its_chain_on_the_next_save(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    snapshot = json.loads((fixtures / "snapshot-v1.json").read_text("utf-8"))
    events = [json.loads(line)
              for line in (fixtures / "events-v1.jsonl").read_text("utf-8").splitlines()]
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    db.execute("INSERT INTO complaints VALUES (?, ?, ?, ?, ?, ?)",
               ("CMP-GOLDEN", snapshot["revision"], snapshot["seq"], snapshot["stage"],
                snapshot["updated_at"], json.dumps(snapshot)))
    db.executemany("INSERT INTO complaint_events VALUES (?, ?, ?, ?, ?)",
                   [("CMP-GOLDEN", e["seq"], e["type"], e["at"], json.dumps(e))
                    for e in events])
    db.commit()
    db.close()
    with SQLiteStore(path) as store:
        before = store.get("CMP-GOLDEN")
        assert before == load(snapshot, events=events)
        clock = Clock(before.updated_at)
        store.handle("CMP-GOLDEN", RecordRootCause(category="release", description="again",
                                                   company_at_fault=False), at=clock.tick())
        after = store.get("CMP-GOLDEN")
        assert after.revision == before.revision + 1
        stored_snapshot, stored_events = store.stored("CMP-GOLDEN")
    assert verify(stored_events, snapshot=stored_snapshot) == ()
    assert main(["verify", "--db", str(path)]) == 0


# --- hostile stored data -----------------------------------------------------------------

DEEP: list[object] = [[]]
for _ in range(5000):
    DEEP = [DEEP]
HOSTILE: list[object] = [10**5000, -(10**5000), 2**63, DEEP, {"a": DEEP}, "\ud800",
                         "x" * 1_000_000, "\x00\n\x1b[2J", 1e308, float("nan")]


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__)
def test_hostile_stored_values_raise_only_snapshot_error(value: object) -> None:
    """Regression: a 5,000-digit schema_version or seq, a nested schema or a lone
    surrogate id raised ValueError, RecursionError or OverflowError from the loader."""
    complaint, log = a_log()
    snapshot, events = stored(complaint, log)
    for key in ("schema", "schema_version", "seq", "revision", "complaint_id", "head",
                "digest", "received_at"):
        damaged = {**snapshot, key: value}
        with pytest.raises(SnapshotError) as raised:
            load(damaged)
        assert len(str(raised.value)) < 2_000
    for key in ("type", "version", "seq", "at", "digest", "command_id", "text"):
        line = {**events[4], key: value}
        with pytest.raises(SnapshotError):
            load_events([*events[:4], line])
        assert verify([*events[:4], line])
