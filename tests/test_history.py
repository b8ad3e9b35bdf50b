"""A complaint holds state, not history: what the clocks need stays bounded, the history
stays in the log, and the clocks say precisely when they need the log.

``bench/history.py`` measures the costs (per store command, replay, audit) as curves; the
tests here check the shapes that make them flat.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginResponse,
    BusinessCalendar,
    ClockState,
    Command,
    Complaint,
    CompleteAction,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    EndContact,
    HearConcern,
    InvalidValueError,
    Limit,
    NoMoreConcerns,
    Owner,
    PlanAction,
    Policy,
    RecordCommunication,
    RestateConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    StartContact,
    Unit,
    VerifyCustomer,
    deadlines,
    dump,
    fca_disp,
    load,
    open_complaint,
    service_clocks,
)
from complaintflow.audit import audit
from complaintflow.events import Event

from .support import Clock, play, responding

CALENDAR = BusinessCalendar(time_zone="Europe/London")
POLICY = Policy(regimes=(fca_disp(CALENDAR), service_clocks(
    CALENDAR, first_response=Limit(amount=4, unit=Unit.BUSINESS_HOURS),
    keep_in_loop=Limit(amount=3, unit=Unit.BUSINESS_DAYS))))


DEADLINES_ONLY = Policy(regimes=(fca_disp(CALENDAR), service_clocks(
    CALENDAR, first_response=Limit(amount=4, unit=Unit.BUSINESS_HOURS),
    include_next_contact=False)))


def in_follow_up(clock: Clock, log: list[Event], policy: Policy = POLICY) -> Complaint:
    """In follow-up, waiting on the customer (A1), a follow-up far ahead; ``log`` gets
    every event from the opening."""
    opened = open_complaint("C-1", at=clock.now, policy=policy)
    log.extend(opened.events)
    return play(opened.complaint, [
        VerifyCustomer(name="Dana Reyes", callback="+44 20 7946 0000"),
        HearConcern(text="charged twice"),
        RestateConcern(concern_id="K1", restatement="a double charge"),
        ConfirmConcern(concern_id="K1"), NoMoreConcerns(),
        AssessImpact(concern_id="K1", description="overdrawn", severity="high"),
        ConfirmImpact(concern_id="K1"), Apologize(), BeginResponse(),
        PlanAction(description="send the statement", owner=Owner.CUSTOMER,
                   due=clock.now + timedelta(days=400), concern_ids=("K1",)),
        ScheduleFollowUp(at=clock.now + timedelta(days=400)), ConfirmNextSteps()], clock, log)


def contacts(complaint: Complaint, clock: Clock, count: int, log: list[Event]) -> Complaint:
    for number in range(count):
        commands: list[Command] = [StartContact(channel="phone"), ReviewOpenItems()]
        if number % 10 == 0:
            commands.append(RecordCommunication(kind="holding_response", channel="email"))
        commands.append(EndContact())
        complaint = play(complaint, commands, clock, log)
    return complaint


def test_the_snapshot_stays_the_same_size_however_many_contacts() -> None:
    """Regression: the snapshot kept every contact and follow-up in ``timeline``, and was
    loaded and dumped whole on every store command (435 µs at 100 events, 45 ms at
    10,000)."""
    clock = Clock()
    log: list[Event] = []
    complaint = contacts(in_follow_up(clock, log), clock, 10, log)
    small = len(json.dumps(dump(complaint)))
    complaint = contacts(complaint, clock, 500, log)
    assert complaint.seq > 1_500
    assert len(json.dumps(dump(complaint))) <= small + 12  # longer numbers: seq, revision
    assert load(dump(complaint)) == complaint


def test_the_timeline_keeps_the_first_of_each_kind_and_the_latest_touches() -> None:
    clock = Clock()
    log: list[Event] = []
    complaint = contacts(in_follow_up(clock, log), clock, 25, log)
    timeline = complaint.timeline
    assert [c.kind.value for c in timeline.first_communications] == ["holding_response"]
    assert timeline.follow_up is not None
    assert timeline.follow_up_touch is not None
    # the first contact: after next_steps_confirmed and its stage change
    assert timeline.follow_up_touch.seq == timeline.follow_up.seq + 3
    assert timeline.last_touch is not None
    assert timeline.last_touch.seq == complaint.seq - 2  # the last contact, then review, end
    assert len(timeline.pauses) == 1


def test_replay_up_to_a_time_is_the_complaint_as_it_stood_then() -> None:
    clock = Clock()
    log: list[Event] = []
    complaint = in_follow_up(clock, log)
    stood: list[tuple[datetime, Complaint]] = [(complaint.updated_at, complaint)]
    for _ in range(3):
        complaint = contacts(complaint, clock, 1, log)
        stood.append((complaint.updated_at, complaint))
    assert Complaint.from_events(log) == complaint
    for when, then in stood:
        assert Complaint.from_events(log, as_of=when) == then
        # a second later, nothing had happened yet either
        assert Complaint.from_events(log, as_of=when + timedelta(seconds=1)) == then
    with pytest.raises(InvalidValueError, match="before the complaint was opened") as raised:
        Complaint.from_events(log, as_of=datetime(2020, 1, 1, tzinfo=clock.now.tzinfo))
    assert raised.value.argument == "as_of"


def test_clocks_that_need_history_the_complaint_does_not_keep_say_so() -> None:
    clock = Clock()
    log: list[Event] = []
    complaint = in_follow_up(clock, log)
    scheduled = complaint.updated_at
    complaint = contacts(complaint, clock, 3, log)
    complaint = play(complaint, [ScheduleFollowUp(at=clock.now + timedelta(days=2))], clock, log)
    before = scheduled + timedelta(seconds=30)  # after the first follow-up, before the second
    with pytest.raises(InvalidValueError, match="needs history") as raised:
        deadlines(complaint, at=before)
    assert raised.value.code == "history_not_kept"
    assert "Complaint.from_events(log, as_of=at)" in raised.value.message
    then = Complaint.from_events(log, as_of=before)
    statuses = {s.clock: s for s in deadlines(then, at=before)}
    assert statuses["next_contact"].started_by == then.timeline.follow_up.seq  # type: ignore[union-attr]  # scheduled by then
    # at or after the last change, the complaint alone is exact
    now = {s.clock: s for s in deadlines(complaint, at=complaint.updated_at)}
    assert now["next_contact"].state is ClockState.RUNNING
    assert now == {s.clock: s for s in deadlines(Complaint.from_events(log),
                                                 at=complaint.updated_at)}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["contact", "ack", "holding", "final", "schedule", "owe",
                                 "done", "wait"]), min_size=1, max_size=25),
       st.integers(0, 60 * 24 * 30))
def test_deadline_clocks_of_a_complaint_are_exact_at_earlier_times(
        steps: list[str], offset: int) -> None:
    """The deadline clocks (every regulator's, first_response) read the first
    communication of each kind and the pauses, which the complaint keeps whole: evaluated
    at an earlier time, they agree with the complaint as it stood then."""
    clock = Clock()
    log: list[Event] = []
    complaint = in_follow_up(clock, log, DEADLINES_ONLY)
    for step in steps:
        complaint = play(complaint, _commands(step, complaint, clock), clock, log)
    at = log[1].at + timedelta(minutes=offset)
    if at > complaint.updated_at:
        at = complaint.updated_at
    then = Complaint.from_events(log, as_of=at)

    def view(c: Complaint) -> list[tuple[Any, ...]]:
        return [(s.clock, s.state, s.due_at, s.stopped_at, s.stopped_by)
                for s in deadlines(c, at=at)]

    assert view(complaint) == view(then)


def _commands(step: str, complaint: Complaint, clock: Clock) -> list[Command]:
    if step == "wait":
        clock.now += timedelta(hours=7)
        return []
    if step == "contact":
        if complaint.stage.value != "following_up" or complaint.contact is not None:
            return []
        return [StartContact(channel="phone"), ReviewOpenItems(), EndContact()]
    if step in ("ack", "holding", "final"):
        kind = {"ack": "acknowledgement", "holding": "holding_response",
                "final": "final_response"}[step]
        return [RecordCommunication(kind=kind, channel="email")]
    if complaint.contact is not None:
        return []
    if step == "schedule":
        return [ScheduleFollowUp(at=clock.now + timedelta(days=400))]
    if step == "owe":
        return [PlanAction(description="send it", owner=Owner.CUSTOMER,
                           due=clock.now + timedelta(days=300), concern_ids=("K1",))]
    open_ids = [a.id for a in complaint.open_actions if a.id != "A1"]
    return [CompleteAction(action_id=open_ids[0])] if open_ids else []


def test_the_audit_looks_at_the_complaint_as_it_stood_at_its_time() -> None:
    clock = Clock()
    log: list[Event] = []
    complaint = contacts(in_follow_up(clock, log), clock, 2, log)
    complaint = play(complaint, [ScheduleFollowUp(at=clock.now + timedelta(days=2))], clock, log)
    early = log[-8].at  # before the second follow-up: the complaint alone could not say
    card = audit(log, as_of=early)
    assert {item.rule_id for item in card.items} >= {"service_levels_met"}


def test_confirming_the_next_steps_builds_the_open_concerns_at_most_once() -> None:
    """Regression: the guard, the follow-up check and the route's branch each rebuilt the
    tuple of open concerns."""
    clock = Clock()
    complaint = play(responding(clock), [
        PlanAction(description="refund", owner=Owner.AGENT, due=clock.now + timedelta(days=2),
                   concern_ids=("K1",)),
        ScheduleFollowUp(at=clock.now + timedelta(days=1))], clock)
    getter = Complaint.open_concerns.fget  # type: ignore[attr-defined]  # a property's getter
    calls: list[str] = []

    def profile(frame: FrameType, event: str, _: object) -> None:
        if event == "call" and frame.f_code is getter.__code__:
            calls.append(event)

    sys.setprofile(profile)
    try:
        complaint.apply(ConfirmNextSteps(), at=clock.tick())
    finally:
        sys.setprofile(None)
    assert len(calls) <= 1
