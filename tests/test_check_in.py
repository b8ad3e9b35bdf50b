"""Practice 4, the check-in after the close (Evenson step 4: "make a note to follow up
later"; the best practices: "follow up after the issue is resolved"): scheduled at closing,
its clock, the feedback it gathers, and the reopening when the problem is back."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintflow import (
    Applied,
    BusinessCalendar,
    CheckInOutcome,
    ClockState,
    Close,
    Command,
    Complaint,
    Feedback,
    InvalidValueError,
    Limit,
    Policy,
    Recap,
    RecordCheckIn,
    RecordFeedback,
    Reopen,
    ScheduleCheckIn,
    SeekClosure,
    Stage,
    ThankCustomer,
    apply_json,
    deadlines,
    dump,
    load,
    service_clocks,
)
from complaintflow import events as ev
from complaintflow.agents import next_steps
from complaintflow.audit import Verdict, audit
from complaintflow.testing import ComplaintFactory, Conversation, ManualClock

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
WEEK = timedelta(days=7)
CLOCKS = Policy(regimes=(service_clocks(
    BusinessCalendar(time_zone="UTC"), include_next_contact=False, include_check_in=True,
    check_in_grace=Limit(amount=1, unit="calendar_days")),))


def conversation(stage: Stage, policy: Policy | None = None) -> Conversation:
    return ComplaintFactory(ManualClock(start=T0))(policy=policy, stage=stage)


def closed(policy: Policy | None = None) -> Conversation:
    """A complaint resolved and closed, its customer verified (so it can be reopened)."""
    talk = conversation(Stage.RECAPPING, policy)
    assert talk.complaint.customer is not None
    return talk.do(Recap(summary="The fee is refunded."),
                   SeekClosure(customer_response="satisfied"), ThankCustomer(), Close())


def reasons(talk: Conversation, command: Command) -> list[str]:
    rejection = talk.check(command)
    return [] if rejection is None else list(rejection.codes)


def status(complaint: Complaint, at: datetime) -> ClockState:
    (found,) = [s for s in deadlines(complaint, at=at) if s.clock == "check_in"]
    return found.state


# --- the acts ------------------------------------------------------------------------------


def test_a_check_in_is_agreed_in_the_recap_and_kept_after_the_close() -> None:
    talk = conversation(Stage.RECAPPING)
    due = talk.clock.now + WEEK
    talk.do(ScheduleCheckIn(due=due, channel="phone"))
    event = talk.events[-1]
    assert isinstance(event, ev.CheckInScheduled)
    assert (event.due, event.channel) == (due, "phone")
    stages = [talk.complaint.stage]
    talk.do(Recap(summary="The fee is refunded."), SeekClosure(customer_response="satisfied"),
            ThankCustomer(), Close())
    stages.append(talk.complaint.stage)
    assert stages == [Stage.RECAPPING, Stage.CLOSED]
    check_in = talk.complaint.timeline.check_in
    assert check_in is not None
    assert (check_in.seq, check_in.due, check_in.channel, check_in.held) == (
        event.seq, due, "phone", None)


def test_a_check_in_is_refused_before_the_recap() -> None:
    talk = conversation(Stage.FOLLOWING_UP)
    rejection = talk.check(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"))
    assert rejection is not None
    assert rejection.codes == ("command_not_allowed_in_stage",)


def test_the_check_in_must_be_after_now_and_within_the_reopen_window() -> None:
    talk = closed(Policy(reopen_window=timedelta(days=14)))
    closed_at = talk.complaint.closed_at
    assert closed_at is not None
    now = talk.clock.now + talk.clock.step
    assert reasons(talk, ScheduleCheckIn(due=now, channel="email")) == [
        "check_in_not_in_future"]
    late = closed_at + timedelta(days=14, seconds=1)
    assert reasons(talk, ScheduleCheckIn(due=late, channel="email")) == [
        "check_in_after_reopen_window"]
    assert reasons(talk, ScheduleCheckIn(due=late - timedelta(seconds=1), channel="email")) == []
    rejection = talk.check(ScheduleCheckIn(due=late, channel="email"))
    assert rejection is not None
    assert rejection.reasons[0].argument == "due"
    assert rejection.reasons[0].message == (
        f"The check-in time ({late.isoformat()}) must be within the reopen window after "
        f"closing, which ends {(closed_at + timedelta(days=14)).isoformat()}.")


def test_before_the_close_the_window_is_counted_from_now() -> None:
    talk = conversation(Stage.RECAPPING, Policy(reopen_window=timedelta(days=10)))
    now = talk.clock.now + talk.clock.step
    assert reasons(talk, ScheduleCheckIn(due=now + timedelta(days=10), channel="sms")) == []
    assert reasons(talk, ScheduleCheckIn(due=now + timedelta(days=10, seconds=1),
                                         channel="sms")) == ["check_in_after_reopen_window"]


def test_a_check_in_is_recorded_once_per_schedule_and_a_new_one_replaces_it() -> None:
    talk = closed()
    assert reasons(talk, RecordCheckIn(outcome="still_resolved")) == ["no_check_in_scheduled"]
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"),
            RecordCheckIn(outcome="no_reply"))
    held = talk.complaint.timeline.check_in
    assert held is not None
    assert held.outcome is CheckInOutcome.NO_REPLY
    assert held.held is not None
    assert held.held.seq == talk.events[-1].seq
    assert reasons(talk, RecordCheckIn(outcome="still_resolved")) == [
        "check_in_already_recorded"]
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="email"))
    again = talk.complaint.timeline.check_in
    assert again is not None
    assert (again.channel, again.held, again.outcome) == ("email", None, None)
    talk.do(RecordCheckIn(outcome="still_resolved"))
    assert talk.complaint.stage is Stage.CLOSED


def test_the_check_in_gathers_the_customers_feedback() -> None:
    talk = closed()
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="survey"),
            RecordCheckIn(outcome="still_resolved", note="All good since.", score=4))
    assert talk.complaint.feedback == Feedback(score=4, comment="All good since.")
    assert reasons(talk, RecordFeedback(score=5)) == ["feedback_already_recorded"]


def test_a_check_in_without_a_score_leaves_the_feedback_alone() -> None:
    talk = closed()
    talk.do(RecordFeedback(score=5), ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"))
    rejection = talk.check(RecordCheckIn(outcome="still_resolved", score=2))
    assert rejection is not None
    assert [(r.code, r.argument) for r in rejection.reasons] == [
        ("feedback_already_recorded", "score")]
    talk.do(RecordCheckIn(outcome="still_resolved", note="Fine."))
    assert talk.complaint.feedback == Feedback(score=5)


def test_a_problem_back_reopens_the_complaint_and_starts_a_new_round() -> None:
    talk = closed()
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"))
    talk.clock.now += WEEK
    talk.do(RecordCheckIn(outcome="problem_back", note="Charged twice again.", score=2),
            Reopen(reason="The double charge is back."))
    complaint = talk.complaint
    assert complaint.stage is Stage.LISTENING
    assert complaint.timeline.check_in is None  # the next close agrees a new one
    assert complaint.feedback is None


def test_an_outcome_outside_the_three_is_refused() -> None:
    with pytest.raises(InvalidValueError) as raised:
        RecordCheckIn(outcome="maybe")
    assert raised.value.argument == "outcome"
    for score in (0, 6, True):
        with pytest.raises(InvalidValueError):
            RecordCheckIn(outcome="still_resolved", score=score)


def test_json_null_for_the_score_is_not_given() -> None:
    talk = closed()
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"))
    at = talk.clock.now + talk.clock.step
    with_null = apply_json(talk.complaint, {"command": "record_check_in",
                                            "outcome": "still_resolved", "score": None,
                                            "note": None, "command_id": "x-1"}, at=at)
    without = apply_json(talk.complaint, {"command": "record_check_in",
                                          "outcome": "still_resolved", "command_id": "x-1"},
                         at=at)
    assert isinstance(with_null, Applied)
    assert with_null == without


def test_the_check_in_survives_dump_load_and_replay() -> None:
    talk = closed()
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"),
            RecordCheckIn(outcome="still_resolved", score=5))
    complaint = talk.complaint
    assert load(dump(complaint)) == complaint
    assert Complaint.from_events(talk.events) == complaint


# --- its clock -----------------------------------------------------------------------------


def test_the_check_in_clock_runs_from_the_schedule_to_the_record() -> None:
    talk = closed(CLOCKS)
    assert status(talk.complaint, talk.clock.now) is ClockState.NOT_APPLICABLE
    due = talk.clock.now + WEEK
    talk.do(ScheduleCheckIn(due=due, channel="phone"))
    scheduled = talk.events[-1].seq
    (clock,) = [s for s in deadlines(talk.complaint, at=talk.clock.now)
                if s.clock == "check_in"]
    assert clock.state is ClockState.RUNNING
    assert clock.started_by == scheduled
    # a day's grace after the scheduled day, to its end
    assert clock.due_at == datetime(2026, 3, 11, 0, 0, tzinfo=timezone.utc)
    assert status(talk.complaint, clock.due_at) is ClockState.RUNNING
    assert status(talk.complaint, clock.due_at + timedelta(seconds=1)) is ClockState.BREACHED
    talk.clock.now = due
    talk.do(RecordCheckIn(outcome="still_resolved"))
    (met,) = [s for s in deadlines(talk.complaint, at=talk.clock.now + WEEK)
              if s.clock == "check_in"]
    assert met.state is ClockState.MET
    assert met.stopped_by == (talk.events[-1].seq,)


def test_a_check_in_recorded_after_its_grace_breaches_the_clock() -> None:
    talk = closed(CLOCKS)
    talk.do(ScheduleCheckIn(due=talk.clock.now + timedelta(days=2), channel="phone"))
    talk.clock.now += timedelta(days=5)
    talk.do(RecordCheckIn(outcome="still_resolved"))
    assert status(talk.complaint, talk.clock.now) is ClockState.BREACHED


def test_reopening_before_the_check_in_ends_its_clock() -> None:
    talk = closed(CLOCKS)
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"),
            Reopen(reason="The customer called back first."))
    assert status(talk.complaint, talk.clock.now + 4 * WEEK) is ClockState.NOT_APPLICABLE


def test_the_check_in_clock_before_its_schedule_needs_the_history() -> None:
    talk = closed(CLOCKS)
    before = talk.clock.now
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"))
    with pytest.raises(InvalidValueError) as raised:
        deadlines(talk.complaint, at=before)
    assert raised.value.code == "history_not_kept"
    then = Complaint.from_events(talk.events[:-1])
    assert status(then, before) is ClockState.NOT_APPLICABLE


def test_no_check_in_after_a_close_without_a_verified_customer() -> None:
    talk = conversation(Stage.CLOSED)  # the shortest way there: referred before verifying
    assert talk.complaint.customer is None
    assert reasons(talk, ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone")) == [
        "customer_not_verified"]


def test_the_service_clocks_leave_the_check_in_out_unless_asked() -> None:
    regime = service_clocks(BusinessCalendar(time_zone="UTC"))
    assert "check_in" not in [rule.name for rule in regime.clocks]


# --- the audit -----------------------------------------------------------------------------


def test_a_problem_back_not_reopened_fails_the_check_in_rule() -> None:
    talk = closed()
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"),
            RecordCheckIn(outcome="problem_back", note="It broke again."))
    seq = talk.events[-1].seq
    item = audit(talk.events).item("check_in_acted_on")
    assert item.result is Verdict.FAILED
    assert item.evidence == (seq,)
    assert item.explanation == (f"The check-in at seq {seq} found the problem back and the "
                                "complaint was not reopened after it.")
    talk.do(Reopen(reason="It broke again."))
    item = audit(talk.events).item("check_in_acted_on")
    assert item.result is Verdict.PASSED
    assert item.evidence == (seq, seq + 1)


def test_the_check_in_rule_judges_only_complaints_with_a_check_in() -> None:
    talk = closed()
    assert audit(talk.events).item("check_in_acted_on").result is Verdict.NOT_APPLICABLE
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"))
    assert audit(talk.events).item("check_in_acted_on").result is Verdict.NOT_APPLICABLE
    talk.do(RecordCheckIn(outcome="still_resolved"))
    item = audit(talk.events).item("check_in_acted_on")
    assert (item.result, item.evidence) == (Verdict.PASSED, (talk.events[-1].seq,))


def test_an_overdue_check_in_fails_the_service_levels() -> None:
    talk = closed(CLOCKS)
    talk.do(ScheduleCheckIn(due=talk.clock.now + timedelta(days=2), channel="phone"))
    scheduled = talk.events[-1].seq
    item = audit(talk.events, as_of=talk.clock.now + WEEK).item("service_levels_met")
    assert item.result is Verdict.FAILED
    assert scheduled in item.evidence
    assert "The check_in clock of service was due" in item.explanation
    assert audit(talk.events, as_of=talk.clock.now).item(
        "service_levels_met").result is Verdict.PASSED


# --- the guidance --------------------------------------------------------------------------


def guidance(complaint: Complaint) -> Any:
    """The guidance through JSON: plain data a test reads freely."""
    return json.loads(json.dumps(next_steps(complaint)))


def steps(complaint: Complaint) -> list[str]:
    return [step["command"] for step in guidance(complaint)["steps"]]


def test_the_guidance_asks_for_a_check_in_then_its_record_then_the_reopening() -> None:
    assert "schedule_check_in" in steps(conversation(Stage.RECAPPING).complaint)
    talk = closed()
    assert "schedule_check_in" in steps(talk.complaint)
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"))
    found = guidance(talk.complaint)
    assert "record_check_in" in found["ready"]
    assert "schedule_check_in" not in steps(talk.complaint)
    (step,) = [s for s in found["steps"] if s["command"] == "record_check_in"]
    assert step["when"] == "the check-in takes place"
    talk.do(RecordCheckIn(outcome="problem_back"))
    found = guidance(talk.complaint)
    assert found["advice"] == "The check-in found the problem back: reopen the complaint."
    assert steps(talk.complaint).count("reopen") == 1


def test_the_guidance_asks_for_another_check_in_when_the_customer_was_not_reached() -> None:
    talk = closed()
    talk.do(ScheduleCheckIn(due=talk.clock.now + WEEK, channel="phone"),
            RecordCheckIn(outcome="no_reply"))
    (step,) = [s for s in guidance(talk.complaint)["steps"]
               if s["command"] == "schedule_check_in"]
    assert step["why"].startswith("The customer could not be reached: ")
    assert "record_check_in" in [b["command"] for b in guidance(talk.complaint)["blocked"]]


# --- the clock, over random schedules ------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(due_in=st.integers(1, 20 * 24), held_after=st.one_of(st.none(), st.integers(0, 25 * 24)),
       grace=st.one_of(st.none(), st.integers(1, 72)), look=st.integers(0, 30 * 24))
def test_the_check_in_clock_is_met_exactly_when_recorded_by_its_time_and_grace(
        due_in: int, held_after: int | None, grace: int | None, look: int) -> None:
    """Hours throughout: the check-in due ``due_in`` after scheduling, recorded
    ``held_after`` after scheduling (or never), with ``grace`` hours of grace, looked at
    ``look`` hours after the last event."""
    policy = Policy(reopen_window=timedelta(days=30), regimes=(service_clocks(
        BusinessCalendar(time_zone="UTC"), include_next_contact=False, include_check_in=True,
        check_in_grace=None if grace is None else Limit(amount=grace, unit="hours")),))
    talk = closed(policy)
    scheduled = talk.clock.now + talk.clock.step
    due = scheduled + timedelta(hours=due_in)
    talk.do(ScheduleCheckIn(due=due, channel="phone"))
    if held_after is not None:
        talk.clock.now = scheduled + timedelta(hours=held_after) - talk.clock.step
        talk.do(RecordCheckIn(outcome="still_resolved"))
    at = talk.clock.now + timedelta(hours=look)
    limit = due + timedelta(hours=grace or 0)
    held = None if held_after is None else scheduled + timedelta(hours=held_after)
    if held is not None:
        expected = ClockState.MET if held <= limit else ClockState.BREACHED
    else:
        expected = ClockState.RUNNING if at <= limit else ClockState.BREACHED
    assert status(talk.complaint, at) is expected
