"""The workflow's rules: each command's guards, and the event it records when they pass.

Guards return :class:`Reason` values rather than booleans, and every guard that fails is
reported, so that a rejection says everything that is wrong at once. The stage rules come
from the workflow definition; the rules here are those about the complaint's content.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import evolve

from . import commands as cmd
from . import events as ev
from ._errors import InvalidValueError
from ._fold import fold
from ._rejection import Reason, Rejection
from ._values import Concern, ConcernStatus, CustomerResponse, Outcome, Stage, utc
from ._workflow import WORKFLOW, Branch

if TYPE_CHECKING:  # the aggregate imports this module; the type is only for annotations
    from ._complaint import Complaint


Decision = ev.AnyEvent | list[Reason]
C = TypeVar("C", bound=cmd.Command)
_Handler = Callable[["Complaint", Any, int, datetime], Decision]
_HANDLERS: dict[type[cmd.Command], _Handler] = {}

# While a follow-up contact's open items are unreviewed, only these may happen in it.
# end_contact is among them: a customer may hang up before anything is reviewed.
BEFORE_REVIEW = frozenset({
    "review_open_items", "end_contact", "apologize", "express_empathy", "let_vent", "assign",
    "escalate", "withdraw", "record_root_cause", "record_preventive_action",
    "record_communication",
})


# The command that records each event type (complaint_opened and stage_changed have none):
# for readers of event logs, which see events, not commands.
RECORDED_BY: dict[str, str] = {
    "customer_verified": "verify_customer", "complaint_referred": "refer",
    "complaint_assigned": "assign", "concern_heard": "hear_concern",
    "concern_restated": "restate_concern", "concern_confirmed": "confirm_concern",
    "restatement_rejected": "reject_restatement", "concerns_complete": "no_more_concerns",
    "concerns_prioritized": "prioritize", "impact_assessed": "assess_impact",
    "impact_confirmed": "confirm_impact", "response_begun": "begin_response",
    "relief_given": "give_relief", "action_planned": "plan_action",
    "action_completed": "complete_action", "concern_resolved": "resolve_concern",
    "concern_unresolvable": "mark_unresolvable", "compensation_offered": "offer_compensation",
    "follow_up_scheduled": "schedule_follow_up", "next_steps_confirmed": "confirm_next_steps",
    "contact_started": "start_contact", "open_items_reviewed": "review_open_items",
    "contact_ended": "end_contact", "recap_begun": "begin_recap", "recapped": "recap",
    "closure_sought": "seek_closure", "customer_thanked": "thank_customer",
    "complaint_closed": "close", "complaint_reopened": "reopen", "apologized": "apologize",
    "empathy_expressed": "express_empathy", "customer_vented": "let_vent",
    "escalated": "escalate", "complaint_withdrawn": "withdraw",
    "root_cause_recorded": "record_root_cause",
    "preventive_action_recorded": "record_preventive_action",
    "feedback_recorded": "record_feedback",
    "communication_recorded": "record_communication",
}


_HandlerOf = Callable[["Complaint", C, int, datetime], Decision]


def _handles(command_type: type[C]) -> Callable[[_HandlerOf[C]], _HandlerOf[C]]:
    """Register the function that decides ``command_type``: its event, or the reasons."""

    def register(function: _HandlerOf[C]) -> _HandlerOf[C]:
        _HANDLERS[command_type] = function
        return function

    return register


# --- the engine -------------------------------------------------------------------------

_ROUTES = WORKFLOW.table  # (stage, command) -> routes; read directly on the hot path


def _review_pending(complaint: Complaint) -> bool:
    contact = complaint.contact
    return (complaint.stage is Stage.FOLLOWING_UP and contact is not None
            and not contact.reviewed)


def allowed_commands(complaint: Complaint) -> tuple[str, ...]:
    """The commands the complaint's stage accepts now, by the definition."""
    commands = WORKFLOW.commands_for(complaint.stage)
    if _review_pending(complaint):
        return tuple(command for command in commands if command in BEFORE_REVIEW)
    return commands


def reject(complaint: Complaint, command: str, reasons: list[Reason]) -> Rejection:
    """A rejection of ``command`` by ``complaint`` as it stands."""
    return Rejection(command=command, stage=complaint.stage, reasons=tuple(reasons),
                     allowed=allowed_commands(complaint))


def _holds(branch: Branch, complaint: Complaint) -> bool:
    if branch is Branch.SEVERAL_OPEN_CONCERNS:
        return len(complaint.open_concerns) > 1
    return _anything_open(complaint)


def _anything_open(complaint: Complaint) -> bool:
    return bool(complaint.open_concerns or complaint.open_actions)


def run(complaint: Complaint, command: cmd.Command,
        at: datetime) -> tuple[Complaint, tuple[ev.AnyEvent, ...]] | Rejection:
    """Decide on ``command``: the next complaint and its events, or the rejection.

    This is the hot path of the library; it stays free of needless calls and scans.
    """
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise InvalidValueError(f"{command!r} is not a complaintflow command",
                                argument="command", code="unknown_command")
    name = command.command
    stage = complaint.stage
    routes = _ROUTES.get((stage, name), ())
    if not routes:
        return reject(complaint, name, [Reason(
            "command_not_allowed_in_stage",
            f"{name} is not allowed while the complaint is {stage.value}.")])
    if at < complaint.updated_at:
        return reject(complaint, name, [Reason(
            "time_went_backwards",
            f"{at.isoformat()} is before the complaint's last change at "
            f"{complaint.updated_at.isoformat()}.", "at")])
    if complaint.contact is not None and name not in BEFORE_REVIEW and _review_pending(
            complaint):
        return reject(complaint, name, [Reason(
            "open_items_not_reviewed",
            "Every follow-up contact starts by reviewing the open items (review_open_items).")])
    decision = handler(complaint, command, complaint.seq + 1, at)
    if isinstance(decision, list):
        return reject(complaint, name, decision)
    if command.command_id is not None:
        decision = evolve(decision, command_id=command.command_id)
    after = fold(complaint, decision)
    if len(routes) == 1:
        dest = routes[0].dest
    else:
        dest = next(r.dest for r in routes if r.branch is None or _holds(r.branch, after))
    if dest is None or dest is stage:
        return after, (decision,)
    moved = ev.StageChanged(seq=decision.seq + 1, at=at, source=stage, dest=dest)
    return fold(after, moved), (decision, moved)


# --- shared guards ----------------------------------------------------------------------


def _unknown_concern(concern_id: str, argument: str = "concern_id") -> Reason:
    return Reason("unknown_concern", f"There is no concern {concern_id!r}.", argument)


def _open_concern(complaint: Complaint, concern_id: str,
                  argument: str = "concern_id") -> list[Reason]:
    return _concern_problems(complaint.concern(concern_id), concern_id, argument)


def _concern_problems(concern: Concern | None, concern_id: str,
                      argument: str = "concern_id") -> list[Reason]:
    """Why ``concern`` (looked up by ``concern_id``) cannot be worked on, if it cannot."""
    if concern is None:
        return [_unknown_concern(concern_id, argument)]
    if concern.status is not ConcernStatus.OPEN:
        return [Reason("concern_not_open",
                       f"Concern {concern_id} is already {concern.status.value}.", argument)]
    return []


def _in_future(when: datetime, now: datetime, code: str, what: str,
               argument: str) -> list[Reason]:
    if when <= now:
        return [Reason(code, f"{what} ({when.isoformat()}) must be after {now.isoformat()}.",
                       argument)]
    return []


def _follow_up_needed(complaint: Complaint, at: datetime) -> list[Reason]:
    follow_up = complaint.follow_up_at
    if _anything_open(complaint) and (follow_up is None or follow_up <= at):
        return [Reason("follow_up_required",
                       "Items are still open: schedule a follow-up in the future first "
                       "(schedule_follow_up).")]
    return []


# --- verifying --------------------------------------------------------------------------


@_handles(cmd.VerifyCustomer)
def _verify(c: Complaint, command: cmd.VerifyCustomer, seq: int, at: datetime) -> Decision:
    if not command.entitled:
        return [Reason("customer_not_entitled",
                       "The customer is not entitled to this service; refer them instead "
                       "(refer).", "entitled")]
    return ev.CustomerVerified(seq=seq, at=at, name=command.name, callback=command.callback,
                               customer_id=command.customer_id, service=command.service)


@_handles(cmd.Refer)
def _refer(c: Complaint, command: cmd.Refer, seq: int, at: datetime) -> Decision:
    return ev.ComplaintReferred(seq=seq, at=at, reason=command.reason)


@_handles(cmd.Assign)
def _assign(c: Complaint, command: cmd.Assign, seq: int, at: datetime) -> Decision:
    return ev.ComplaintAssigned(seq=seq, at=at, agent=command.agent, skill=command.skill)


# --- listening --------------------------------------------------------------------------


@_handles(cmd.HearConcern)
def _hear(c: Complaint, command: cmd.HearConcern, seq: int, at: datetime) -> Decision:
    return ev.ConcernHeard(seq=seq, at=at, concern_id=f"K{len(c.concerns) + 1}",
                           text=command.text)


@_handles(cmd.RestateConcern)
def _restate(c: Complaint, command: cmd.RestateConcern, seq: int, at: datetime) -> Decision:
    concern = c.concern(command.concern_id)
    reasons = _concern_problems(concern, command.concern_id)
    if concern is not None and concern.confirmed and not reasons:
        reasons.append(Reason("concern_already_confirmed",
                              f"The customer already confirmed concern {concern.id}.",
                              "concern_id"))
    return reasons or ev.ConcernRestated(seq=seq, at=at, concern_id=command.concern_id,
                                         restatement=command.restatement)


def _restatement_pending(c: Complaint, concern_id: str) -> list[Reason]:
    concern = c.concern(concern_id)
    reasons = _concern_problems(concern, concern_id)
    if reasons or concern is None:
        return reasons
    if concern.confirmed:
        return [Reason("concern_already_confirmed",
                       f"The customer already confirmed concern {concern_id}.", "concern_id")]
    if concern.restatement is None:
        return [Reason("restatement_required",
                       f"Restate concern {concern_id} in your own words first "
                       "(restate_concern).", "concern_id")]
    return []


@_handles(cmd.ConfirmConcern)
def _confirm(c: Complaint, command: cmd.ConfirmConcern, seq: int, at: datetime) -> Decision:
    return _restatement_pending(c, command.concern_id) or ev.ConcernConfirmed(
        seq=seq, at=at, concern_id=command.concern_id)


@_handles(cmd.RejectRestatement)
def _reject_restatement(c: Complaint, command: cmd.RejectRestatement,
                        seq: int, at: datetime) -> Decision:
    return _restatement_pending(c, command.concern_id) or ev.RestatementRejected(
        seq=seq, at=at, concern_id=command.concern_id, correction=command.correction)


@_handles(cmd.NoMoreConcerns)
def _no_more(c: Complaint, command: cmd.NoMoreConcerns, seq: int, at: datetime) -> Decision:
    open_concerns = c.open_concerns
    if not open_concerns:
        return [Reason("no_open_concerns", "Hear at least one concern first (hear_concern).")]
    reasons = [
        Reason("concern_not_confirmed",
               f"Concern {concern.id} must be restated and confirmed by the customer.")
        for concern in open_concerns if not concern.confirmed
    ]
    return reasons or ev.ConcernsComplete(seq=seq, at=at)


# --- prioritizing and impact ------------------------------------------------------------


@_handles(cmd.Prioritize)
def _prioritize(c: Complaint, command: cmd.Prioritize, seq: int, at: datetime) -> Decision:
    reasons = [_unknown_concern(i, "order") for i in command.order if c.concern(i) is None]
    expected = {concern.id for concern in c.open_concerns}
    if not reasons and set(command.order) != expected:
        reasons.append(Reason(
            "priority_incomplete",
            "The order must list every open concern exactly once: "
            + ", ".join(concern.id for concern in c.open_concerns) + ".", "order"))
    return reasons or ev.ConcernsPrioritized(seq=seq, at=at, order=command.order)


@_handles(cmd.AssessImpact)
def _assess(c: Complaint, command: cmd.AssessImpact, seq: int, at: datetime) -> Decision:
    return _open_concern(c, command.concern_id) or ev.ImpactAssessed(
        seq=seq, at=at, concern_id=command.concern_id, description=command.description,
        severity=command.severity, restatement=command.restatement)


@_handles(cmd.ConfirmImpact)
def _confirm_impact(c: Complaint, command: cmd.ConfirmImpact, seq: int, at: datetime) -> Decision:
    concern = c.concern(command.concern_id)
    reasons = _concern_problems(concern, command.concern_id)
    if not reasons and concern is not None and concern.impact is None:
        reasons.append(Reason("impact_required",
                              f"Assess the impact of concern {concern.id} first (assess_impact).",
                              "concern_id"))
    return reasons or ev.ImpactConfirmed(seq=seq, at=at, concern_id=command.concern_id)


@_handles(cmd.BeginResponse)
def _begin_response(c: Complaint, command: cmd.BeginResponse, seq: int, at: datetime) -> Decision:
    reasons = [
        Reason("impact_not_agreed",
               f"The customer has not agreed the impact of concern {concern.id}.")
        for concern in c.open_concerns if concern.impact is None or not concern.impact.agreed
    ]
    if c.policy.apology_before_response and not c.apologized:
        reasons.append(Reason("apology_required",
                              "The policy requires an apology before responding (apologize)."))
    return reasons or ev.ResponseBegun(seq=seq, at=at)


# --- responding and following up --------------------------------------------------------


@_handles(cmd.GiveRelief)
def _relief(c: Complaint, command: cmd.GiveRelief, seq: int, at: datetime) -> Decision:
    return _open_concern(c, command.concern_id) or ev.ReliefGiven(
        seq=seq, at=at, concern_id=command.concern_id, description=command.description)


@_handles(cmd.PlanAction)
def _plan(c: Complaint, command: cmd.PlanAction, seq: int, at: datetime) -> Decision:
    reasons = [r for i in command.concern_ids for r in _open_concern(c, i, "concern_ids")]
    reasons += _in_future(command.due, at, "due_not_in_future", "The due time", "due")
    return reasons or ev.ActionPlanned(
        seq=seq, at=at, action_id=f"A{len(c.actions) + 1}", description=command.description,
        owner=command.owner, due=utc(command.due, "due"), concern_ids=command.concern_ids)


@_handles(cmd.CompleteAction)
def _complete(c: Complaint, command: cmd.CompleteAction, seq: int, at: datetime) -> Decision:
    action = c.action(command.action_id)
    if action is None:
        return [Reason("unknown_action", f"There is no action item {command.action_id!r}.",
                       "action_id")]
    if not action.is_open:
        return [Reason("action_already_completed", f"Action {action.id} is already completed.",
                       "action_id")]
    return ev.ActionCompleted(seq=seq, at=at, action_id=action.id, note=command.note)


@_handles(cmd.ResolveConcern)
def _resolve(c: Complaint, command: cmd.ResolveConcern, seq: int, at: datetime) -> Decision:
    return _open_concern(c, command.concern_id) or ev.ConcernResolved(
        seq=seq, at=at, concern_id=command.concern_id, resolution=command.resolution)


@_handles(cmd.MarkUnresolvable)
def _unresolvable(c: Complaint, command: cmd.MarkUnresolvable, seq: int, at: datetime) -> Decision:
    return _open_concern(c, command.concern_id) or ev.ConcernUnresolvable(
        seq=seq, at=at, concern_id=command.concern_id, explanation=command.explanation,
        accommodation=command.accommodation)


@_handles(cmd.OfferCompensation)
def _compensate(c: Complaint, command: cmd.OfferCompensation, seq: int, at: datetime) -> Decision:
    reasons = []
    if command.concern_id is not None and c.concern(command.concern_id) is None:
        reasons.append(_unknown_concern(command.concern_id))
    if command.amount is not None and command.amount > c.authority_limit:
        reasons.append(Reason(
            "compensation_above_authority",
            f"{command.amount} is above the current authority limit of {c.authority_limit}; "
            "escalate to someone whose limit covers it (escalate).", "amount"))
    return reasons or ev.CompensationOffered(
        seq=seq, at=at, kind=command.kind, description=command.description,
        concern_id=command.concern_id, amount=command.amount, currency=command.currency,
        authority_limit=c.authority_limit)


@_handles(cmd.ScheduleFollowUp)
def _schedule(c: Complaint, command: cmd.ScheduleFollowUp, seq: int, at: datetime) -> Decision:
    return _in_future(command.at, at, "follow_up_not_in_future", "The follow-up time",
                      "at") or ev.FollowUpScheduled(seq=seq, at=at, follow_up_at=utc(command.at))


@_handles(cmd.ConfirmNextSteps)
def _confirm_next_steps(c: Complaint, command: cmd.ConfirmNextSteps,
                        seq: int, at: datetime) -> Decision:
    planned = {i for action in c.actions for i in action.concern_ids}
    reasons = [
        Reason("response_incomplete",
               f"Concern {concern.id} needs relief, a plan item, a resolution or an "
               "explanation before the next steps can be confirmed.")
        for concern in c.open_concerns if not concern.relief and concern.id not in planned
    ]
    reasons += _follow_up_needed(c, at)
    return reasons or ev.NextStepsConfirmed(seq=seq, at=at)


@_handles(cmd.StartContact)
def _start_contact(c: Complaint, command: cmd.StartContact, seq: int, at: datetime) -> Decision:
    if c.contact is not None:
        return [Reason("contact_already_open",
                       f"A {c.contact.channel} contact is still open; end it first "
                       "(end_contact).")]
    return ev.ContactStarted(seq=seq, at=at, channel=command.channel)


def _no_contact() -> list[Reason]:
    return [Reason("no_open_contact", "There is no open contact; start one (start_contact).")]


@_handles(cmd.ReviewOpenItems)
def _review(c: Complaint, command: cmd.ReviewOpenItems, seq: int, at: datetime) -> Decision:
    if c.contact is None:
        return _no_contact()
    return ev.OpenItemsReviewed(seq=seq, at=at,
                                open_action_ids=tuple(a.id for a in c.open_actions))


@_handles(cmd.EndContact)
def _end_contact(c: Complaint, command: cmd.EndContact, seq: int, at: datetime) -> Decision:
    if c.contact is None:
        return _no_contact()
    return _follow_up_needed(c, at) or ev.ContactEnded(seq=seq, at=at)


@_handles(cmd.BeginRecap)
def _begin_recap(c: Complaint, command: cmd.BeginRecap, seq: int, at: datetime) -> Decision:
    reasons = [Reason("concern_still_open",
                      f"Concern {concern.id} is neither resolved nor marked unresolvable.")
               for concern in c.open_concerns]
    reasons += [Reason("action_still_open", f"Action {action.id} is not completed.")
                for action in c.open_actions]
    return reasons or ev.RecapBegun(seq=seq, at=at)


# --- recapping and closing --------------------------------------------------------------


@_handles(cmd.Recap)
def _recap(c: Complaint, command: cmd.Recap, seq: int, at: datetime) -> Decision:
    return ev.Recapped(seq=seq, at=at, summary=command.summary)


def _recap_required(c: Complaint) -> list[Reason]:
    if c.recapped:
        return []
    return [Reason("recap_required", "Recap every concern and its outcome first (recap).")]


@_handles(cmd.SeekClosure)
def _seek_closure(c: Complaint, command: cmd.SeekClosure, seq: int, at: datetime) -> Decision:
    return _recap_required(c) or ev.ClosureSought(seq=seq, at=at,
                                                  customer_response=command.customer_response)


@_handles(cmd.ThankCustomer)
def _thank(c: Complaint, command: cmd.ThankCustomer, seq: int, at: datetime) -> Decision:
    return ev.CustomerThanked(seq=seq, at=at)


@_handles(cmd.Close)
def _close(c: Complaint, command: cmd.Close, seq: int, at: datetime) -> Decision:
    reasons = _recap_required(c)
    if c.closure is None:
        reasons.append(Reason("closure_not_sought",
                              "Ask whether the customer is satisfied first (seek_closure)."))
    if c.policy.thanks_before_close and not c.thanked:
        reasons.append(Reason("thanks_required",
                              "The policy requires thanking the customer before closing "
                              "(thank_customer)."))
    outcome = (Outcome.UNRESOLVED if c.closure is CustomerResponse.DISSATISFIED
               else Outcome.RESOLVED)
    return reasons or ev.ComplaintClosed(seq=seq, at=at, outcome=outcome)


@_handles(cmd.Reopen)
def _reopen(c: Complaint, command: cmd.Reopen, seq: int, at: datetime) -> Decision:
    reasons = []
    if c.customer is None:
        reasons.append(Reason("customer_not_verified",
                              "A complaint closed before the customer was verified cannot be "
                              "reopened; open a new one."))
    if c.closed_at is not None and at - c.closed_at > c.policy.reopen_window:
        reasons.append(Reason("reopen_window_expired",
                              f"The reopen window of {c.policy.reopen_window} after closing "
                              f"at {c.closed_at.isoformat()} has passed."))
    return reasons or ev.ComplaintReopened(seq=seq, at=at, reason=command.reason)


# --- conduct, escalation and learning ---------------------------------------------------


@_handles(cmd.Apologize)
def _apologize(c: Complaint, command: cmd.Apologize, seq: int, at: datetime) -> Decision:
    return ev.Apologized(seq=seq, at=at, note=command.note)


@_handles(cmd.ExpressEmpathy)
def _empathy(c: Complaint, command: cmd.ExpressEmpathy, seq: int, at: datetime) -> Decision:
    return ev.EmpathyExpressed(seq=seq, at=at, note=command.note)


@_handles(cmd.LetVent)
def _vent(c: Complaint, command: cmd.LetVent, seq: int, at: datetime) -> Decision:
    return ev.CustomerVented(seq=seq, at=at, note=command.note)


@_handles(cmd.Escalate)
def _escalate(c: Complaint, command: cmd.Escalate, seq: int, at: datetime) -> Decision:
    return ev.Escalated(seq=seq, at=at, to=command.to, reason=command.reason,
                        authority_limit=command.authority_limit)


@_handles(cmd.Withdraw)
def _withdraw(c: Complaint, command: cmd.Withdraw, seq: int, at: datetime) -> Decision:
    return ev.ComplaintWithdrawn(seq=seq, at=at, reason=command.reason)


@_handles(cmd.RecordRootCause)
def _root_cause(c: Complaint, command: cmd.RecordRootCause, seq: int, at: datetime) -> Decision:
    return ev.RootCauseRecorded(seq=seq, at=at, category=command.category,
                                description=command.description,
                                company_at_fault=command.company_at_fault)


@_handles(cmd.RecordPreventiveAction)
def _preventive(c: Complaint, command: cmd.RecordPreventiveAction,
                seq: int, at: datetime) -> Decision:
    return ev.PreventiveActionRecorded(seq=seq, at=at, description=command.description,
                                       owner=command.owner)


@_handles(cmd.RecordFeedback)
def _feedback(c: Complaint, command: cmd.RecordFeedback, seq: int, at: datetime) -> Decision:
    if c.feedback is not None:
        return [Reason("feedback_already_recorded", "The customer's feedback is already recorded.")]
    return ev.FeedbackRecorded(seq=seq, at=at, score=command.score, comment=command.comment)


@_handles(cmd.RecordCommunication)
def _communication(c: Complaint, command: cmd.RecordCommunication,
                   seq: int, at: datetime) -> Decision:
    return ev.CommunicationRecorded(seq=seq, at=at, kind=command.kind, channel=command.channel,
                                    summary=command.summary)
