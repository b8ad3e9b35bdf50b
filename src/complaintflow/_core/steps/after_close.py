"""Learning, in any stage and after the close (Evenson steps 2 and 5; best practice 5):
the root cause, what will prevent it, and the customer's feedback once closed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import Stage
from ..._values.parts import Feedback, PreventiveAction, RootCause, replace
from ..._values.reasons import Reason, ReasonKind, reason_code
from ..row import EVERY_STAGE, Changes, Row, stays_in

if TYPE_CHECKING:
    from ..complaint import Complaint

FEEDBACK_ALREADY_RECORDED = reason_code("feedback_already_recorded", ReasonKind.RULE,
                                        "The customer's feedback is already recorded.")


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
