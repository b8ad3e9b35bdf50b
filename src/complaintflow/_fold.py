"""How each event changes a complaint: the one place where state is computed.

``Complaint.apply`` and ``Complaint.from_events`` both fold events through here, which is
why replaying a log always rebuilds the same complaint. Every event but
``stage_changed`` counts as one applied command, so it raises the revision by one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from . import events as ev
from ._errors import InvalidValueError
from ._values import (
    ActionItem,
    Assignment,
    Communication,
    Compensation,
    Concern,
    ConcernStatus,
    Contact,
    ContactRecord,
    Customer,
    Escalation,
    Feedback,
    FollowUp,
    Impact,
    Outcome,
    Owner,
    PauseInterval,
    PreventiveAction,
    Receipt,
    RootCause,
    replace,
)

if TYPE_CHECKING:  # the aggregate imports this module; the type is only for annotations
    from ._complaint import Complaint

E = TypeVar("E", bound=ev.Event)
Changes = dict[str, Any]
_Folder = Callable[["Complaint", Any], Changes]
_FOLDERS: dict[type[ev.Event], _Folder] = {}


def _folds(event_type: type[E]) -> Callable[[Callable[[Complaint, E], Changes]],
                                             Callable[[Complaint, E], Changes]]:
    def register(function: Callable[[Complaint, E], Changes]) -> Callable[[Complaint, E],
                                                                          Changes]:
        _FOLDERS[event_type] = function
        return function

    return register


def fold(complaint: Complaint, event: ev.Event) -> Complaint:
    """The complaint after ``event``."""
    folder = _FOLDERS.get(type(event))
    if folder is None:
        raise InvalidValueError(f"event {event.type} cannot follow the start of a log",
                                argument="events")
    changes = folder(complaint, event)
    changes["seq"] = event.seq
    changes["updated_at"] = event.at
    if type(event) is not ev.StageChanged:
        changes["revision"] = revision = complaint.revision + 1
        if event.command_id is not None:
            receipt = Receipt(event.command_id, event.seq, revision)
            keep = complaint.policy.remembered_command_ids - 1
            changes["receipts"] = (*complaint.receipts[len(complaint.receipts) - keep:], receipt)
    return replace(complaint, changes)


def _with_concern(complaint: Complaint, concern_id: str, changes: Changes) -> Changes:
    """The complaint's concerns with ``changes`` made to one of them."""
    concerns = complaint.concerns
    for index, concern in enumerate(concerns):
        if concern.id == concern_id:
            changed = replace(concern, changes)
            return {"concerns": (*concerns[:index], changed, *concerns[index + 1:])}
    return {}


def _closed(event: ev.Event, outcome: Outcome) -> Changes:
    return {"outcome": outcome, "closed_at": event.at, "contact": None}


def _same(complaint: Complaint, _: ev.Event) -> Changes:
    return {}


for _marker in (ev.ConcernsComplete, ev.ResponseBegun, ev.NextStepsConfirmed, ev.RecapBegun):
    _FOLDERS[_marker] = _same


@_folds(ev.StageChanged)
def _stage(c: Complaint, e: ev.StageChanged) -> Changes:
    return dict(stage=e.dest, timeline=replace(c.timeline, {"stage_since": e.at}))


@_folds(ev.CustomerVerified)
def _verified(c: Complaint, e: ev.CustomerVerified) -> Changes:
    customer = Customer(name=e.name, callback=e.callback, customer_id=e.customer_id,
                        service=e.service)
    return dict(customer=customer)


@_folds(ev.ComplaintReferred)
def _referred(c: Complaint, e: ev.ComplaintReferred) -> Changes:
    return _closed(e, Outcome.REFERRED)


@_folds(ev.ComplaintWithdrawn)
def _withdrawn(c: Complaint, e: ev.ComplaintWithdrawn) -> Changes:
    return _closed(e, Outcome.WITHDRAWN)


@_folds(ev.ComplaintClosed)
def _closed_event(c: Complaint, e: ev.ComplaintClosed) -> Changes:
    return _closed(e, e.outcome)


@_folds(ev.ComplaintReopened)
def _reopened(c: Complaint, e: ev.ComplaintReopened) -> Changes:
    # a reopened complaint is a new round: its conduct and feedback start over
    return dict(outcome=None, closed_at=None, recapped=False, closure=None, thanked=False,
                follow_up_at=None, apologized=False, empathy_expressed=False, vented=False,
                feedback=None)


@_folds(ev.ComplaintAssigned)
def _assigned(c: Complaint, e: ev.ComplaintAssigned) -> Changes:
    return dict(assignment=Assignment(agent=e.agent, skill=e.skill))


@_folds(ev.ConcernHeard)
def _heard(c: Complaint, e: ev.ConcernHeard) -> Changes:
    return dict(concerns=(*c.concerns, Concern(id=e.concern_id, text=e.text)))


@_folds(ev.ConcernRestated)
def _restated(c: Complaint, e: ev.ConcernRestated) -> Changes:
    return _with_concern(c, e.concern_id, {"restatement": e.restatement, "confirmed": False})


@_folds(ev.ConcernConfirmed)
def _confirmed(c: Complaint, e: ev.ConcernConfirmed) -> Changes:
    return _with_concern(c, e.concern_id, {"confirmed": True})


@_folds(ev.RestatementRejected)
def _restatement_rejected(c: Complaint, e: ev.RestatementRejected) -> Changes:
    return _with_concern(c, e.concern_id, {"restatement": None, "confirmed": False})


@_folds(ev.ConcernsPrioritized)
def _prioritized(c: Complaint, e: ev.ConcernsPrioritized) -> Changes:
    return dict(priority=e.order)


@_folds(ev.ImpactAssessed)
def _impact(c: Complaint, e: ev.ImpactAssessed) -> Changes:
    impact = Impact(description=e.description, severity=e.severity, restatement=e.restatement)
    return _with_concern(c, e.concern_id, {"impact": impact})


@_folds(ev.ImpactConfirmed)
def _impact_confirmed(c: Complaint, e: ev.ImpactConfirmed) -> Changes:
    concern = c.concern(e.concern_id)
    impact = concern.impact if concern is not None else None
    agreed = replace(impact, {"agreed": True}) if impact is not None else None
    return _with_concern(c, e.concern_id, {"impact": agreed})


@_folds(ev.ReliefGiven)
def _relief(c: Complaint, e: ev.ReliefGiven) -> Changes:
    concern = c.concern(e.concern_id)
    relief = concern.relief if concern is not None else ()
    return _with_concern(c, e.concern_id, {"relief": (*relief, e.description)})


@_folds(ev.ActionPlanned)
def _planned(c: Complaint, e: ev.ActionPlanned) -> Changes:
    action = ActionItem(id=e.action_id, description=e.description, owner=e.owner, due=e.due,
                        concern_ids=e.concern_ids)
    if e.owner is Owner.CUSTOMER:  # waiting on the customer: clocks with a pause rule stop
        pause = PauseInterval(action_id=e.action_id, start=e.at, start_seq=e.seq)
        pauses = (*c.timeline.pauses, pause)
        return dict(actions=(*c.actions, action),
                    timeline=replace(c.timeline, {"pauses": pauses}))
    return dict(actions=(*c.actions, action))


@_folds(ev.ActionCompleted)
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


@_folds(ev.ConcernResolved)
def _resolved(c: Complaint, e: ev.ConcernResolved) -> Changes:
    return _with_concern(c, e.concern_id,
                         {"status": ConcernStatus.RESOLVED, "resolution": e.resolution})


@_folds(ev.ConcernUnresolvable)
def _unresolvable(c: Complaint, e: ev.ConcernUnresolvable) -> Changes:
    return _with_concern(c, e.concern_id, {"status": ConcernStatus.UNRESOLVABLE,
                                           "explanation": e.explanation,
                                           "accommodation": e.accommodation})


@_folds(ev.CompensationOffered)
def _compensated(c: Complaint, e: ev.CompensationOffered) -> Changes:
    compensation = Compensation(kind=e.kind, description=e.description, concern_id=e.concern_id,
                                amount=e.amount, currency=e.currency,
                                authority_limit=e.authority_limit)
    return dict(compensations=(*c.compensations, compensation))


@_folds(ev.FollowUpScheduled)
def _follow_up(c: Complaint, e: ev.FollowUpScheduled) -> Changes:
    follow_up = FollowUp(seq=e.seq, scheduled_at=e.at, due=e.follow_up_at)
    follow_ups = (*c.timeline.follow_ups, follow_up)
    return dict(follow_up_at=e.follow_up_at,
                timeline=replace(c.timeline, {"follow_ups": follow_ups}))


@_folds(ev.ContactStarted)
def _contact_started(c: Complaint, e: ev.ContactStarted) -> Changes:
    record = ContactRecord(seq=e.seq, at=e.at, channel=e.channel)
    return dict(contact=Contact(channel=e.channel, started_at=e.at),
                timeline=replace(c.timeline, {"contacts": (*c.timeline.contacts, record)}))


@_folds(ev.OpenItemsReviewed)
def _reviewed(c: Complaint, e: ev.OpenItemsReviewed) -> Changes:
    return dict(contact=replace(c.contact, {"reviewed": True}) if c.contact else None)


@_folds(ev.ContactEnded)
def _contact_ended(c: Complaint, e: ev.ContactEnded) -> Changes:
    return dict(contact=None)


@_folds(ev.Recapped)
def _recapped(c: Complaint, e: ev.Recapped) -> Changes:
    return dict(recapped=True)


@_folds(ev.ClosureSought)
def _closure(c: Complaint, e: ev.ClosureSought) -> Changes:
    return dict(closure=e.customer_response)


@_folds(ev.CustomerThanked)
def _thanked(c: Complaint, e: ev.CustomerThanked) -> Changes:
    return dict(thanked=True)


@_folds(ev.Apologized)
def _apologized(c: Complaint, e: ev.Apologized) -> Changes:
    return dict(apologized=True)


@_folds(ev.EmpathyExpressed)
def _empathy(c: Complaint, e: ev.EmpathyExpressed) -> Changes:
    return dict(empathy_expressed=True)


@_folds(ev.CustomerVented)
def _vented(c: Complaint, e: ev.CustomerVented) -> Changes:
    return dict(vented=True)


@_folds(ev.Escalated)
def _escalated(c: Complaint, e: ev.Escalated) -> Changes:
    escalation = Escalation(to=e.to, reason=e.reason, authority_limit=e.authority_limit)
    return dict(escalations=(*c.escalations, escalation))  # see Complaint.authority_limit


@_folds(ev.RootCauseRecorded)
def _root_cause(c: Complaint, e: ev.RootCauseRecorded) -> Changes:
    cause = RootCause(category=e.category, description=e.description,
                      company_at_fault=e.company_at_fault)
    return dict(root_causes=(*c.root_causes, cause))


@_folds(ev.PreventiveActionRecorded)
def _preventive(c: Complaint, e: ev.PreventiveActionRecorded) -> Changes:
    action = PreventiveAction(description=e.description, owner=e.owner)
    return dict(preventive_actions=(*c.preventive_actions, action))


@_folds(ev.FeedbackRecorded)
def _feedback(c: Complaint, e: ev.FeedbackRecorded) -> Changes:
    return dict(feedback=Feedback(score=e.score, comment=e.comment))


@_folds(ev.CommunicationRecorded)
def _communication(c: Complaint, e: ev.CommunicationRecorded) -> Changes:
    communication = Communication(seq=e.seq, at=e.at, kind=e.kind, channel=e.channel,
                                  summary=e.summary)
    communications = (*c.timeline.communications, communication)
    return dict(timeline=replace(c.timeline, {"communications": communications}))
