"""Boundary cases found by mutation testing: exact instants, resets on reopen, odd input."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import pytest

from complaintflow import (
    BeginRecap,
    Close,
    CompleteAction,
    ConfirmNextSteps,
    EndContact,
    ExpressEmpathy,
    GiveRelief,
    HearConcern,
    InvalidValueError,
    LetVent,
    OfferCompensation,
    Owner,
    PlanAction,
    Policy,
    Prioritize,
    Recap,
    RecordFeedback,
    Reopen,
    ResolveConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    SeekClosure,
    Stage,
    StartContact,
    ThankCustomer,
)

from .support import Clock, closed, following_up, listening, play, responding
from .test_commands import FAR, _utc_clock, accept, in_contact, refuse
from .test_json import rejected


# R7 -----------------------------------------------------------------------------------
def test_a_follow_up_due_exactly_now_is_no_longer_in_the_future() -> None:
    clock = Clock()
    complaint = play(responding(clock), [GiveRelief(concern_id="K1", description="waived")], clock)
    when = clock.now + timedelta(days=1)
    complaint = play(complaint, [ScheduleFollowUp(at=when)], clock)
    refuse(complaint, ConfirmNextSteps(), clock, "follow_up_required", at=when)


def test_end_contact_at_the_follow_up_time_needs_a_new_follow_up() -> None:
    clock = Clock()
    complaint = in_contact(clock)           # follow-up scheduled for following_up's now + 1 day
    assert complaint.follow_up_at is not None
    refuse(complaint, EndContact(), clock, "follow_up_required", at=complaint.follow_up_at)


# F3 / F4 ------------------------------------------------------------------------------
def test_reopen_starts_a_new_round_of_conduct_feedback_and_follow_up() -> None:
    clock = _utc_clock()
    complaint = play(following_up(clock), [
        StartContact(channel="phone"), ReviewOpenItems(), CompleteAction(action_id="A1"),
        ResolveConcern(concern_id="K1", resolution="refunded"), EndContact(), BeginRecap(),
        ExpressEmpathy(), LetVent(),
        Recap(), SeekClosure(customer_response="satisfied"), ThankCustomer(), Close(),
        RecordFeedback(score=2),
    ], clock)
    assert complaint.follow_up_at is not None
    assert complaint.feedback is not None
    after = accept(complaint, Reopen(reason="again"), clock, Stage.LISTENING,
                   "complaint_reopened", "stage_changed")
    assert after.feedback is None
    assert after.follow_up_at is None
    assert (after.apologized, after.empathy_expressed, after.vented) == (False, False, False)


def test_feedback_can_be_recorded_again_after_a_reopen_and_close() -> None:
    clock = _utc_clock()
    complaint = play(closed(clock), [RecordFeedback(score=2), Reopen(reason="again"),
                                     HearConcern(text="new")], clock)
    assert complaint.feedback is None


# V4 -----------------------------------------------------------------------------------
class NoOffset(tzinfo):
    def utcoffset(self, dt: datetime | None) -> None:
        return None

    def dst(self, dt: datetime | None) -> None:
        return None

    def tzname(self, dt: datetime | None) -> str:
        return "nowhere"


def test_a_tzinfo_without_an_offset_is_naive() -> None:
    complaint = listening(Clock())
    with pytest.raises(InvalidValueError) as raised:
        complaint.apply(HearConcern(text="x"), at=datetime(2026, 3, 2, 10, tzinfo=NoOffset()))
    assert raised.value.code == "naive_time"
    with pytest.raises(InvalidValueError) as raised:
        ScheduleFollowUp(at=datetime(2026, 3, 2, 10, tzinfo=NoOffset()))
    assert raised.value.code == "naive_time"


# V5 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [True, False])
def test_a_bool_is_not_an_amount(value: bool) -> None:
    with pytest.raises(InvalidValueError) as raised:
        OfferCompensation(kind="x", description="x", amount=value)
    assert raised.value.argument == "amount"
    with pytest.raises(InvalidValueError) as raised:
        Policy(authority_limits={"GBP": value})
    assert raised.value.argument == "authority_limits"
    clock = Clock()
    r = rejected(responding(clock), {"command": "offer_compensation", "kind": "x",
                                     "description": "x", "amount": value},
                 clock.tick(), "invalid_argument")
    assert r.reasons[0].argument == "amount"


# C6 -----------------------------------------------------------------------------------
def test_an_empty_id_in_a_list_is_refused() -> None:
    with pytest.raises(InvalidValueError) as raised:
        Prioritize(order=("K1", ""))
    assert raised.value.argument == "order"
    with pytest.raises(InvalidValueError) as raised:
        PlanAction(description="x", owner=Owner.AGENT, due=FAR, concern_ids=("",))
    assert raised.value.argument == "concern_ids"


# J3 / J4 / J6 -------------------------------------------------------------------------
def test_a_non_string_argument_name_is_an_invalid_payload() -> None:
    clock = Clock()
    r = rejected(listening(clock), {"command": "hear_concern", "text": "x", 1: "y"},
                 clock.tick(), "invalid_payload")
    assert r.reasons[0].argument is None


def test_every_unexpected_argument_is_reported_in_name_order() -> None:
    clock = Clock()
    r = rejected(listening(clock), {"command": "recap", "zeta": 1, "alpha": 2}, clock.tick(),
                 "unexpected_argument", "unexpected_argument")
    assert [x.argument for x in r.reasons] == ["alpha", "zeta"]


def test_an_empty_command_name_is_named_as_sent() -> None:
    clock = Clock()
    r = rejected(listening(clock), {"command": ""}, clock.tick(), "unknown_command")
    assert r.command == ""


# R5 -----------------------------------------------------------------------------------
def test_a_command_at_the_instant_of_the_last_change_is_accepted() -> None:
    clock = Clock()
    complaint = listening(clock)
    accept(complaint, HearConcern(text="x"), clock, Stage.LISTENING, "concern_heard",
           at=complaint.updated_at)
