"""Shared test support: a manual clock and builders that bring a complaint to each stage."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginResponse,
    Close,
    Command,
    Complaint,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    GiveRelief,
    HearConcern,
    NoMoreConcerns,
    Owner,
    PlanAction,
    Policy,
    Prioritize,
    Recap,
    ResolveConcern,
    RestateConcern,
    ScheduleFollowUp,
    SeekClosure,
    Severity,
    ThankCustomer,
    VerifyCustomer,
    open_complaint,
)
from complaintflow.events import Event
from complaintflow.testing import ManualClock

LONDON = ZoneInfo("Europe/London")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


class Clock(ManualClock):
    """The library's manual clock, starting at ``T0`` (Monday 2 March 2026, 09:00 London)."""

    def __init__(self, start: datetime = T0, step: timedelta = timedelta(minutes=1)):
        super().__init__(start, step)


def play(complaint: Complaint, commands: Iterable[Command], clock: Clock,
         log: list[Event] | None = None) -> Complaint:
    """Apply every command, one clock tick apart; collect the events into ``log``."""
    for command in commands:
        applied = complaint.apply(command, at=clock.tick())
        complaint = applied.complaint
        if log is not None:
            log.extend(applied.events)
    return complaint


def opened(clock: Clock | None = None, policy: Policy | None = None) -> Complaint:
    clock = clock or Clock()
    return open_complaint("C-1", at=clock.now, policy=policy).complaint


def listening(clock: Clock, policy: Policy | None = None) -> Complaint:
    verify = VerifyCustomer(name="Dana Reyes", callback="+44 20 7946 0000")
    return play(opened(clock, policy), [verify], clock)


def confirmed(clock: Clock, concerns: int = 1, policy: Policy | None = None) -> Complaint:
    """In listening, with ``concerns`` concerns heard, restated and confirmed."""
    complaint = listening(clock, policy)
    for n in range(1, concerns + 1):
        complaint = play(complaint, [
            HearConcern(text=f"problem number {n}"),
            RestateConcern(concern_id=f"K{n}", restatement=f"you mean problem {n}"),
            ConfirmConcern(concern_id=f"K{n}"),
        ], clock)
    return complaint


def prioritizing(clock: Clock, concerns: int = 2) -> Complaint:
    return play(confirmed(clock, concerns), [NoMoreConcerns()], clock)


def assessing(clock: Clock, concerns: int = 1, policy: Policy | None = None) -> Complaint:
    complaint = play(confirmed(clock, concerns, policy), [NoMoreConcerns()], clock)
    if concerns > 1:
        order = tuple(f"K{n}" for n in range(concerns, 0, -1))
        complaint = play(complaint, [Prioritize(order=order)], clock)
    return complaint


def responding(clock: Clock, concerns: int = 1, policy: Policy | None = None) -> Complaint:
    complaint = assessing(clock, concerns, policy)
    for n in range(1, concerns + 1):
        complaint = play(complaint, [
            AssessImpact(concern_id=f"K{n}", description=f"impact {n}", severity=Severity.HIGH),
            ConfirmImpact(concern_id=f"K{n}"),
        ], clock)
    return play(complaint, [Apologize(), BeginResponse()], clock)


def following_up(clock: Clock) -> Complaint:
    """In following_up with one concern K1 and one open agent action A1."""
    complaint = responding(clock)
    due = clock.now + timedelta(days=2)
    return play(complaint, [
        PlanAction(description="refund the fee", owner=Owner.AGENT, due=due,
                   concern_ids=("K1",)),
        ScheduleFollowUp(at=clock.now + timedelta(days=1)),
        ConfirmNextSteps(),
    ], clock)


def recapping(clock: Clock) -> Complaint:
    complaint = responding(clock)
    return play(complaint, [
        GiveRelief(concern_id="K1", description="waived the fee"),
        ResolveConcern(concern_id="K1", resolution="fee refunded"),
        ConfirmNextSteps(),
    ], clock)


def closed(clock: Clock) -> Complaint:
    complaint = recapping(clock)
    return play(complaint, [Recap(), SeekClosure(customer_response="satisfied"),
                            ThankCustomer(), Close()], clock)


def resigned(snapshot: dict[str, Any]) -> dict[str, Any]:
    """``snapshot`` with its digest taken again after an edit: what someone who knows the
    plain chain would write, so that a test reaches the checks behind the digest (a keyed
    chain is what stops them)."""
    from complaintflow._formats.integrity import canonical, digest

    snapshot["digest"] = digest(snapshot.get("head"), canonical(snapshot))
    return snapshot


__all__ = ["T0", "Clock", "assessing", "closed", "confirmed", "following_up",
           "listening", "opened", "play", "prioritizing", "recapping", "resigned", "responding"]
