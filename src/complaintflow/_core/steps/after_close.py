"""Learning, in any stage and after the close (Evenson steps 2 and 5; best practice 5):
the root cause, what will prevent it, the customer's feedback once closed, and the
check-in after the close (Evenson step 4: "make a note to follow up later")."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.checks import utc
from ..._values.enums import Stage
from ..._values.parts import CheckIn, Feedback, PreventiveAction, RootCause, Touch, replace
from ..._values.reasons import Reason, ReasonKind, reason_code
from ..row import EVERY_STAGE, Changes, Row, stays_in
from ._shared import in_future
from .close import CUSTOMER_NOT_VERIFIED

if TYPE_CHECKING:
    from ..complaint import Complaint

_RULE = ReasonKind.RULE
FEEDBACK_ALREADY_RECORDED = reason_code("feedback_already_recorded", _RULE,
                                        "The customer's feedback is already recorded.")
CHECK_IN_NOT_IN_FUTURE = reason_code("check_in_not_in_future", _RULE,
                                     "A check-in must be scheduled after now.")
CHECK_IN_AFTER_REOPEN_WINDOW = reason_code(
    "check_in_after_reopen_window", _RULE,
    "A check-in must fall within the policy's reopen window after closing, so that a "
    "problem that is back can be reopened.")
NO_CHECK_IN_SCHEDULED = reason_code("no_check_in_scheduled", _RULE,
                                    "No check-in is scheduled: schedule one first.")
CHECK_IN_ALREADY_RECORDED = reason_code(
    "check_in_already_recorded", _RULE,
    "The scheduled check-in is already recorded: schedule another one first.")


def _root_cause(c: Complaint, command: cmd.RecordRootCause, seq: int,
                at: datetime) -> ev.RootCauseRecorded | list[Reason]:
    return ev.RootCauseRecorded(seq=seq, at=at, category=command.category,
                                description=command.description,
                                company_at_fault=command.company_at_fault,
                                vulnerability_failure=command.vulnerability_failure)


def _root_cause_recorded(c: Complaint, e: ev.RootCauseRecorded) -> Changes:
    cause = RootCause(category=e.category, description=e.description,
                      company_at_fault=e.company_at_fault,
                      vulnerability_failure=e.vulnerability_failure)
    learnt = c.classification
    return dict(classification=replace(learnt, {"root_causes": (*learnt.root_causes, cause)}))


RECORD_ROOT_CAUSE = Row(
    command=cmd.RecordRootCause, event=ev.RootCauseRecorded, decide=_root_cause,
    evolve=_root_cause_recorded, routes=(stays_in(*EVERY_STAGE),), before_review=True)


def _preventive(c: Complaint, command: cmd.RecordPreventiveAction, seq: int,
                at: datetime) -> ev.PreventiveActionRecorded | list[Reason]:
    return ev.PreventiveActionRecorded(seq=seq, at=at, description=command.description,
                                       owner=command.owner)


def _preventive_recorded(c: Complaint, e: ev.PreventiveActionRecorded) -> Changes:
    action = PreventiveAction(description=e.description, owner=e.owner)
    learnt = c.classification
    return dict(classification=replace(
        learnt, {"preventive_actions": (*learnt.preventive_actions, action)}))


RECORD_PREVENTIVE_ACTION = Row(
    command=cmd.RecordPreventiveAction, event=ev.PreventiveActionRecorded,
    decide=_preventive, evolve=_preventive_recorded, routes=(stays_in(*EVERY_STAGE),),
    before_review=True)


def _feedback(c: Complaint, command: cmd.RecordFeedback, seq: int,
              at: datetime) -> ev.FeedbackRecorded | list[Reason]:
    if c.feedback is not None:
        return [FEEDBACK_ALREADY_RECORDED.reason(
            "The customer's feedback is already recorded.")]
    return ev.FeedbackRecorded(seq=seq, at=at, score=command.score, comment=command.comment)


def _feedback_recorded(c: Complaint, e: ev.FeedbackRecorded) -> Changes:
    return dict(feedback=Feedback(score=e.score, comment=e.comment))


RECORD_FEEDBACK = Row(
    command=cmd.RecordFeedback, event=ev.FeedbackRecorded, decide=_feedback,
    evolve=_feedback_recorded, routes=(stays_in(Stage.CLOSED),), before_review=False,
    refusals=(FEEDBACK_ALREADY_RECORDED,))


def _schedule_check_in(c: Complaint, command: cmd.ScheduleCheckIn, seq: int,
                       at: datetime) -> ev.CheckInScheduled | list[Reason]:
    due = utc(command.due, "due")
    reasons = in_future(due, at, CHECK_IN_NOT_IN_FUTURE, "The check-in time", "due")
    if c.customer is None:
        reasons.append(CUSTOMER_NOT_VERIFIED.reason(
            "A complaint closed before the customer was verified cannot be reopened, so a "
            "check-in could not act on what it finds."))
    # before the close, now is the earliest the window can start
    window_ends = (c.closed_at or at) + c.policy.reopen_window
    if due > window_ends:
        reasons.append(CHECK_IN_AFTER_REOPEN_WINDOW.reason(
            f"The check-in time ({due.isoformat()}) must be within the reopen window after "
            f"closing, which ends {window_ends.isoformat()}.", "due"))
    return reasons or ev.CheckInScheduled(seq=seq, at=at, due=due, channel=command.channel)


def _check_in_scheduled(c: Complaint, e: ev.CheckInScheduled) -> Changes:
    check_in = CheckIn(seq=e.seq, scheduled_at=e.at, due=e.due, channel=e.channel)
    return dict(timeline=replace(c.timeline, {"check_in": check_in}))


SCHEDULE_CHECK_IN = Row(
    command=cmd.ScheduleCheckIn, event=ev.CheckInScheduled, decide=_schedule_check_in,
    evolve=_check_in_scheduled, routes=(stays_in(Stage.RECAPPING, Stage.CLOSED),),
    before_review=False,
    refusals=(CHECK_IN_NOT_IN_FUTURE, CUSTOMER_NOT_VERIFIED, CHECK_IN_AFTER_REOPEN_WINDOW))


def _record_check_in(c: Complaint, command: cmd.RecordCheckIn, seq: int,
                     at: datetime) -> ev.CheckInRecorded | list[Reason]:
    reasons = []
    check_in = c.timeline.check_in
    if check_in is None:
        reasons.append(NO_CHECK_IN_SCHEDULED.reason(
            "No check-in is scheduled: schedule one first (schedule_check_in)."))
    elif check_in.held is not None:
        reasons.append(CHECK_IN_ALREADY_RECORDED.reason(
            f"The check-in scheduled for {check_in.due.isoformat()} is already recorded: "
            "schedule another one first."))
    if command.score is not None and c.feedback is not None:
        reasons.append(FEEDBACK_ALREADY_RECORDED.reason(
            "The customer's feedback is already recorded: leave the score out.", "score"))
    return reasons or ev.CheckInRecorded(seq=seq, at=at, outcome=command.outcome,
                                         note=command.note, score=command.score)


def _check_in_recorded(c: Complaint, e: ev.CheckInRecorded) -> Changes:
    check_in = c.timeline.check_in
    changes: Changes = {}
    if check_in is not None:  # as the guard makes sure; a log from elsewhere may differ
        held = replace(check_in, {"held": Touch(seq=e.seq, at=e.at), "outcome": e.outcome})
        changes["timeline"] = replace(c.timeline, {"check_in": held})
    if e.score is not None:
        changes["feedback"] = Feedback(score=e.score, comment=e.note)
    return changes


RECORD_CHECK_IN = Row(
    command=cmd.RecordCheckIn, event=ev.CheckInRecorded, decide=_record_check_in,
    evolve=_check_in_recorded, routes=(stays_in(Stage.CLOSED),), before_review=False,
    refusals=(NO_CHECK_IN_SCHEDULED, CHECK_IN_ALREADY_RECORDED, FEEDBACK_ALREADY_RECORDED))
