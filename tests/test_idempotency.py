"""command_id: a retried request is answered from its receipt and changes nothing."""

from __future__ import annotations

from datetime import timedelta, timezone
from decimal import Decimal

import pytest

from complaintflow import (
    Apologize,
    Applied,
    CommandRejected,
    HearConcern,
    InvalidValueError,
    OfferCompensation,
    Owner,
    PlanAction,
    Policy,
    Receipt,
    Rejection,
    RestateConcern,
    apply_json,
    dump,
    load,
)
from complaintflow._core.fingerprint import fingerprint

from .support import Clock, listening, responding


def test_a_retry_returns_the_first_receipt_and_changes_nothing() -> None:
    clock = Clock()
    c = listening(clock)
    first = c.apply(HearConcern(text="The fee.", command_id="tool-call-1"), at=clock.tick())
    assert first.duplicate is None
    assert [e.command_id for e in first.events] == ["tool-call-1"]
    receipt = Receipt("tool-call-1", first.events[0].seq, first.complaint.revision,
                      fingerprint(HearConcern(text="The fee.")))
    assert first.complaint.receipts == (receipt,)

    again = first.complaint.apply(HearConcern(text="The fee.", command_id="tool-call-1"),
                                  at=clock.tick())
    assert again.duplicate == receipt
    assert again.events == ()
    assert again.complaint is first.complaint
    assert first.complaint.check(HearConcern(text="The fee.", command_id="tool-call-1"),
                                 at=clock.tick()) is None


def test_a_different_command_under_a_remembered_id_is_refused() -> None:
    """MCP and JSON-RPC request ids restart per session: a host that uses them as command
    ids must not have a new command swallowed as a retry of an old one."""
    clock = Clock()
    c = listening(clock).apply(HearConcern(text="first", command_id="req-1"),
                               at=clock.tick()).complaint
    for other in (Apologize(command_id="req-1"), HearConcern(text="second", command_id="req-1"),
                  RestateConcern(concern_id="K1", restatement="b", command_id="req-1")):
        with pytest.raises(CommandRejected) as raised:
            c.apply(other, at=clock.tick())
        assert raised.value.rejection.codes == ("command_id_reused",)
        assert raised.value.rejection.reasons[0].argument == "command_id"
        assert c.check(other, at=clock.tick()) == raised.value.rejection
    same = c.apply(HearConcern(text="first", command_id="req-1"), at=clock.tick())
    assert same.duplicate is not None
    assert same.complaint is c


def test_the_same_command_in_another_form_is_still_a_retry() -> None:
    """The fingerprint is taken after parsing: the JSON and the typed command, an enum by
    value or by member, a time at another offset, an amount written 10 or 10.00, and an
    optional argument left out or given as None all make the same command."""
    clock = Clock()
    c = responding(clock)
    due = clock.now + timedelta(days=2)
    typed = PlanAction(description="refund", owner=Owner.AGENT, due=due, concern_ids=("K1",),
                       command_id="p-1")
    c = c.apply(typed, at=clock.tick()).complaint
    payload = {"command": "plan_action", "description": "refund", "owner": "agent",
               "due": due.astimezone(timezone(timedelta(hours=-5))).isoformat(),
               "concern_ids": ["K1"], "command_id": "p-1"}
    again = apply_json(c, payload, at=clock.tick())
    assert isinstance(again, Applied)
    assert again.duplicate is not None
    offered = c.apply(OfferCompensation(kind="credit", description="goodwill",
                                        amount=Decimal(10), command_id="o-1"),
                      at=clock.tick()).complaint
    retry = offered.apply(OfferCompensation(kind="credit", description="goodwill",
                                            amount=Decimal("10.00"), concern_id=None,
                                            command_id="o-1"), at=clock.tick())
    assert retry.duplicate is not None
    changed = apply_json(c, {**payload, "description": "refund twice"}, at=clock.tick())
    assert isinstance(changed, Rejection)
    assert changed.codes == ("command_id_reused",)


def test_the_whole_window_of_ids_is_remembered() -> None:
    """Regression: the window settled at half its size (a negative slice start while fewer
    than the cap were stored), so the 6th of 60 ids was applied a second time."""
    clock = Clock()
    c = listening(clock)
    for number in range(60):
        c = c.apply(Apologize(command_id=f"id-{number}"), at=clock.tick()).complaint
    assert len(c.receipts) == 60
    retry = c.apply(Apologize(command_id="id-5"), at=clock.tick())
    assert retry.duplicate is not None
    assert retry.complaint is c
    for number in range(60, 150):
        c = c.apply(Apologize(command_id=f"id-{number}"), at=clock.tick()).complaint
    assert [r.command_id for r in c.receipts] == [f"id-{n}" for n in range(50, 150)]


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
