"""IBM step 5, respond: immediate relief for what hurts most, an action plan with an owner
and a due time for each item, resolutions, compensation within authority, a time for the
next contact, and the customer's confirmation of the next steps."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.checks import shown, utc
from ..._values.enums import ConcernStatus, Owner, Stage
from ..._values.parts import ActionItem, Compensation, FollowUp, PauseInterval, replace
from ..._values.reasons import Reason, ReasonKind, reason_code
from ..row import WORK_STAGES, Branch, Changes, Row, moves, stays_in
from ._shared import (
    CONCERN_NOT_OPEN,
    CURRENCY_REQUIRED,
    FOLLOW_UP_REQUIRED,
    UNKNOWN_CONCERN,
    currency_of,
    follow_up_needed,
    in_future,
    open_concern,
    unchanged,
    unknown_concern,
    with_concern,
)

if TYPE_CHECKING:
    from ..complaint import Complaint

_RULE = ReasonKind.RULE
DUE_NOT_IN_FUTURE = reason_code("due_not_in_future", _RULE,
                                "An action item's `due` is not after the command's time.")
UNKNOWN_ACTION = reason_code("unknown_action", _RULE, "No action item has this id.")
ACTION_ALREADY_COMPLETED = reason_code("action_already_completed", _RULE,
                                       "The action item is already completed.")
COMPENSATION_ABOVE_AUTHORITY = reason_code(
    "compensation_above_authority", _RULE,
    "With this amount, the compensation offered in its currency would add up to more than "
    "the authority limit in force for it: escalate first.")
NO_AUTHORITY_IN_CURRENCY = reason_code(
    "no_authority_in_currency", _RULE,
    "No authority limit is in force in the amount's currency (neither the policy nor an "
    "escalation sets one): escalate to someone with authority in it first.")
FOLLOW_UP_NOT_IN_FUTURE = reason_code("follow_up_not_in_future", _RULE,
                                      "The follow-up time is not after the command's time.")
RESPONSE_INCOMPLETE = reason_code(
    "response_incomplete", _RULE,
    "A concern has neither relief nor a plan item (one reason per concern).")

_WORK = stays_in(*WORK_STAGES)
_OPEN_CONCERN = (UNKNOWN_CONCERN, CONCERN_NOT_OPEN)


def _relief(c: Complaint, command: cmd.GiveRelief, seq: int,
            at: datetime) -> ev.ReliefGiven | list[Reason]:
    return open_concern(c, command.concern_id) or ev.ReliefGiven(
        seq=seq, at=at, concern_id=command.concern_id, description=command.description)


def _relieved(c: Complaint, e: ev.ReliefGiven) -> Changes:
    concern = c.concern(e.concern_id)
    relief = concern.relief if concern is not None else ()
    return with_concern(c, e.concern_id, {"relief": (*relief, e.description)})


GIVE_RELIEF = Row(
    command=cmd.GiveRelief, event=ev.ReliefGiven, decide=_relief, evolve=_relieved,
    routes=(_WORK,), before_review=False, refusals=_OPEN_CONCERN, id_first=True)


def _plan(c: Complaint, command: cmd.PlanAction, seq: int,
          at: datetime) -> ev.ActionPlanned | list[Reason]:
    reasons = [r for i in command.concern_ids for r in open_concern(c, i, "concern_ids")]
    reasons += in_future(command.due, at, DUE_NOT_IN_FUTURE, "The due time", "due")
    return reasons or ev.ActionPlanned(
        seq=seq, at=at, action_id=f"A{len(c.actions) + 1}", description=command.description,
        owner=command.owner, due=utc(command.due, "due"), concern_ids=command.concern_ids,
        why_best=command.why_best, involves_others=command.involves_others)


def _planned(c: Complaint, e: ev.ActionPlanned) -> Changes:
    action = ActionItem(id=e.action_id, description=e.description, owner=e.owner, due=e.due,
                        concern_ids=e.concern_ids, why_best=e.why_best,
                        involves_others=e.involves_others)
    if e.owner is Owner.CUSTOMER:  # waiting on the customer: clocks with a pause rule stop
        pause = PauseInterval(action_id=e.action_id, start=e.at, start_seq=e.seq)
        pauses = (*c.timeline.pauses, pause)
        return dict(actions=(*c.actions, action),
                    timeline=replace(c.timeline, {"pauses": pauses}))
    return dict(actions=(*c.actions, action))


PLAN_ACTION = Row(
    command=cmd.PlanAction, event=ev.ActionPlanned, decide=_plan, evolve=_planned,
    routes=(_WORK,), before_review=False, refusals=(*_OPEN_CONCERN, DUE_NOT_IN_FUTURE),
    id_first=True)


def _complete(c: Complaint, command: cmd.CompleteAction, seq: int,
              at: datetime) -> ev.ActionCompleted | list[Reason]:
    action = c.action(command.action_id)
    if action is None:
        return [UNKNOWN_ACTION.reason(f"There is no action item {shown(command.action_id)}.",
                                      "action_id")]
    if not action.is_open:
        return [ACTION_ALREADY_COMPLETED.reason(f"Action {action.id} is already completed.",
                                                "action_id")]
    return ev.ActionCompleted(seq=seq, at=at, action_id=action.id, note=command.note)


def _completed(c: Complaint, e: ev.ActionCompleted) -> Changes:
    done = {"completed_at": e.at, "note": e.note}
    actions = tuple([replace(a, done) if a.id == e.action_id else a for a in c.actions])
    pauses = c.timeline.pauses
    for index, pause in enumerate(pauses):
        if pause.action_id == e.action_id and pause.end is None:
            ended = replace(pause, {"end": e.at, "end_seq": e.seq})
            changed = (*pauses[:index], ended, *pauses[index + 1:])
            return dict(actions=actions, timeline=replace(c.timeline, {"pauses": changed}))
    return dict(actions=actions)


COMPLETE_ACTION = Row(
    command=cmd.CompleteAction, event=ev.ActionCompleted, decide=_complete, evolve=_completed,
    routes=(_WORK,), before_review=False, refusals=(UNKNOWN_ACTION, ACTION_ALREADY_COMPLETED),
    id_first=True)


def _resolve(c: Complaint, command: cmd.ResolveConcern, seq: int,
             at: datetime) -> ev.ConcernResolved | list[Reason]:
    return open_concern(c, command.concern_id) or ev.ConcernResolved(
        seq=seq, at=at, concern_id=command.concern_id, resolution=command.resolution)


def _resolved(c: Complaint, e: ev.ConcernResolved) -> Changes:
    return with_concern(c, e.concern_id,
                        {"status": ConcernStatus.RESOLVED, "resolution": e.resolution})


RESOLVE_CONCERN = Row(
    command=cmd.ResolveConcern, event=ev.ConcernResolved, decide=_resolve, evolve=_resolved,
    routes=(_WORK,), before_review=False, refusals=_OPEN_CONCERN, id_first=True)


def _unresolvable(c: Complaint, command: cmd.MarkUnresolvable, seq: int,
                  at: datetime) -> ev.ConcernUnresolvable | list[Reason]:
    return open_concern(c, command.concern_id) or ev.ConcernUnresolvable(
        seq=seq, at=at, concern_id=command.concern_id, explanation=command.explanation,
        accommodation=command.accommodation)


def _marked_unresolvable(c: Complaint, e: ev.ConcernUnresolvable) -> Changes:
    return with_concern(c, e.concern_id, {"status": ConcernStatus.UNRESOLVABLE,
                                          "explanation": e.explanation,
                                          "accommodation": e.accommodation})


MARK_UNRESOLVABLE = Row(
    command=cmd.MarkUnresolvable, event=ev.ConcernUnresolvable, decide=_unresolvable,
    evolve=_marked_unresolvable, routes=(_WORK,), before_review=False,
    refusals=_OPEN_CONCERN, id_first=True)


def _compensate(c: Complaint, command: cmd.OfferCompensation, seq: int,
                at: datetime) -> ev.CompensationOffered | list[Reason]:
    reasons = []
    if command.concern_id is not None and c.concern(command.concern_id) is None:
        reasons.append(unknown_concern(command.concern_id))
    amount, currency = command.amount, command.currency
    if amount is not None:  # without an amount, nothing to bound, nor a currency to need
        resolved = currency_of(c, currency, "An amount")
        if isinstance(resolved, Reason):
            return [*reasons, resolved]
        currency = resolved
    limit = c.authority_limit(currency) if currency is not None else None
    if amount is not None and currency is not None:
        before = c.compensation_total(currency)
        total = before + amount
        if limit is None:
            reasons.append(NO_AUTHORITY_IN_CURRENCY.reason(
                f"No authority limit is in force in {currency}: escalate to someone with "
                f"authority in {currency} (escalate with an authority_limit in "
                f"{currency}).", "currency"))
        elif total > limit:
            above = (f"would bring the compensation offered in {currency} to {total:f}, above"
                     if before else "is above")
            reasons.append(COMPENSATION_ABOVE_AUTHORITY.reason(
                f"Offering {amount:f} {currency} {above} the authority limit of {limit:f} "
                f"{currency} in force; escalate to someone whose limit covers it (escalate).",
                "amount"))
    return reasons or ev.CompensationOffered(
        seq=seq, at=at, kind=command.kind, description=command.description,
        concern_id=command.concern_id, amount=amount, currency=currency,
        authority_limit=limit)


def _compensated(c: Complaint, e: ev.CompensationOffered) -> Changes:
    compensation = Compensation(kind=e.kind, description=e.description, concern_id=e.concern_id,
                                amount=e.amount, currency=e.currency,
                                authority_limit=e.authority_limit)
    return dict(compensations=(*c.compensations, compensation))


OFFER_COMPENSATION = Row(
    command=cmd.OfferCompensation, event=ev.CompensationOffered, decide=_compensate,
    evolve=_compensated, routes=(_WORK,), before_review=False,
    refusals=(UNKNOWN_CONCERN, CURRENCY_REQUIRED, NO_AUTHORITY_IN_CURRENCY,
              COMPENSATION_ABOVE_AUTHORITY),
    given_only=((UNKNOWN_CONCERN, "concern_id"), (CURRENCY_REQUIRED, "amount"),
                (NO_AUTHORITY_IN_CURRENCY, "amount"), (COMPENSATION_ABOVE_AUTHORITY, "amount")))


def _schedule(c: Complaint, command: cmd.ScheduleFollowUp, seq: int,
              at: datetime) -> ev.FollowUpScheduled | list[Reason]:
    return in_future(command.at, at, FOLLOW_UP_NOT_IN_FUTURE, "The follow-up time",
                      "at") or ev.FollowUpScheduled(seq=seq, at=at, follow_up_at=utc(command.at))


def _scheduled(c: Complaint, e: ev.FollowUpScheduled) -> Changes:
    follow_up = FollowUp(seq=e.seq, scheduled_at=e.at, due=e.follow_up_at)
    return dict(follow_up_at=e.follow_up_at, timeline=replace(
        c.timeline, {"follow_up": follow_up, "follow_up_touch": None}))


SCHEDULE_FOLLOW_UP = Row(
    command=cmd.ScheduleFollowUp, event=ev.FollowUpScheduled, decide=_schedule,
    evolve=_scheduled, routes=(_WORK,), before_review=False,
    refusals=(FOLLOW_UP_NOT_IN_FUTURE,))


def _confirm_next_steps(c: Complaint, command: cmd.ConfirmNextSteps, seq: int,
                        at: datetime) -> ev.NextStepsConfirmed | list[Reason]:
    planned = {i for action in c.actions for i in action.concern_ids}
    reasons = []
    open_now = False
    for concern in c.concerns:  # one pass: the open concerns are not rebuilt
        if concern.status is not ConcernStatus.OPEN:
            continue
        open_now = True
        if not concern.relief and concern.id not in planned:
            reasons.append(RESPONSE_INCOMPLETE.reason(
                f"Concern {concern.id} needs relief, a plan item, a resolution or an "
                "explanation before the next steps can be confirmed."))
    open_now = open_now or any(action.completed_at is None for action in c.actions)
    reasons += follow_up_needed(c, at, open_now)
    return reasons or ev.NextStepsConfirmed(seq=seq, at=at)


CONFIRM_NEXT_STEPS = Row(
    command=cmd.ConfirmNextSteps, event=ev.NextStepsConfirmed, decide=_confirm_next_steps,
    evolve=unchanged,
    routes=(moves(Stage.RESPONDING, to=Stage.FOLLOWING_UP, when=Branch.ANYTHING_OPEN),
            moves(Stage.RESPONDING, to=Stage.RECAPPING)),
    before_review=False, refusals=(RESPONSE_INCOMPLETE, FOLLOW_UP_REQUIRED))
