"""command_id: a retried request is answered from its receipt and changes nothing."""

from __future__ import annotations

import pytest

from complaintflow import (
    Applied,
    HearConcern,
    InvalidValueError,
    Policy,
    Receipt,
    Rejection,
    RestateConcern,
    apply_json,
    dump,
    load,
)

from .support import Clock, listening


def test_a_retry_returns_the_first_receipt_and_changes_nothing() -> None:
    clock = Clock()
    c = listening(clock)
    first = c.apply(HearConcern(text="The fee.", command_id="tool-call-1"), at=clock.tick())
    assert first.duplicate is None
    assert [e.command_id for e in first.events] == ["tool-call-1"]
    receipt = Receipt("tool-call-1", first.events[0].seq, first.complaint.revision)
    assert first.complaint.receipts == (receipt,)

    again = first.complaint.apply(HearConcern(text="The fee.", command_id="tool-call-1"),
                                  at=clock.tick())
    assert again.duplicate == receipt
    assert again.events == ()
    assert again.complaint is first.complaint
    assert first.complaint.check(HearConcern(text="x", command_id="tool-call-1"),
                                 at=clock.tick()) is None


def test_the_first_outcome_wins_even_for_a_different_command_under_the_same_id() -> None:
    clock = Clock()
    c = listening(clock).apply(HearConcern(text="a", command_id="r1"), at=clock.tick()).complaint
    retry = c.apply(RestateConcern(concern_id="K1", restatement="b", command_id="r1"),
                    at=clock.tick())
    assert retry.duplicate is not None
    assert retry.complaint is c


def test_a_rejected_request_is_not_remembered_and_may_be_retried() -> None:
    clock = Clock()
    c = listening(clock)
    restate = RestateConcern(concern_id="K1", restatement="you mean the fee", command_id="r2")
    assert c.check(restate, at=clock.tick()) is not None  # no K1 yet
    c = c.apply(HearConcern(text="The fee."), at=clock.tick()).complaint
    applied = c.apply(restate, at=clock.tick())
    assert applied.duplicate is None
    assert applied.complaint.revision == c.revision + 1


def test_the_json_entry_point_takes_a_command_id() -> None:
    clock = Clock()
    c = listening(clock)
    payload = {"command": "hear_concern", "text": "The fee.", "command_id": "wh-77"}
    first = apply_json(c, payload, at=clock.tick())
    assert isinstance(first, Applied)
    second = apply_json(first.complaint, payload, at=clock.tick())
    assert isinstance(second, Applied)
    assert second.duplicate == first.complaint.receipt("wh-77")
    blank = apply_json(c, {**payload, "command_id": " "}, at=clock.tick())
    assert isinstance(blank, Rejection)
    assert [(r.code, r.argument) for r in blank.reasons] == [("invalid_argument", "command_id")]
    with pytest.raises(InvalidValueError, match="command_id"):
        HearConcern(text="x", command_id="")


def test_only_the_most_recent_ids_are_remembered() -> None:
    clock = Clock()
    c = listening(clock, Policy(remembered_command_ids=2))
    for number in range(1, 4):
        c = c.apply(HearConcern(text=f"concern {number}", command_id=f"r{number}"),
                    at=clock.tick()).complaint
    assert [r.command_id for r in c.receipts] == ["r2", "r3"]
    forgotten = c.apply(HearConcern(text="concern 1", command_id="r1"), at=clock.tick())
    assert forgotten.duplicate is None  # too old to be recognised: applied again
    assert [r.command_id for r in forgotten.complaint.receipts] == ["r3", "r1"]


def test_receipts_survive_snapshots() -> None:  # replay: the property walks
    clock = Clock()
    opened = listening(clock)
    applied = opened.apply(HearConcern(text="a", command_id="r1"), at=clock.tick())
    assert load(dump(applied.complaint)).receipts == applied.complaint.receipts
    with pytest.raises(InvalidValueError):
        Policy(remembered_command_ids=0)
