"""IBM step 7, recap and close: every concern and its outcome, closure sought, thanks;
then close, and reopen within the policy's window."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import CustomerResponse, Outcome, Stage
from ..._values.parts import replace
from ..._values.reasons import Reason, ReasonKind, reason_code
from ..row import Changes, Row, moves, stays_in
from ._shared import closed

if TYPE_CHECKING:
    from ..complaint import Complaint

_RULE = ReasonKind.RULE
RECAP_REQUIRED = reason_code("recap_required", _RULE,
                             "Recap before seeking closure or closing.")
CLOSURE_NOT_SOUGHT = reason_code("closure_not_sought", _RULE,
                                 "Ask whether the customer is satisfied before closing.")
THANKS_REQUIRED = reason_code("thanks_required", _RULE,
                              "The policy requires thanking the customer before closing.")
CUSTOMER_NOT_VERIFIED = reason_code(
    "customer_not_verified", _RULE,
    "A complaint closed before the customer was verified cannot be reopened.")
REOPEN_WINDOW_EXPIRED = reason_code("reopen_window_expired", _RULE,
                                    "The policy's reopen window after closing has passed.")

_RECAPPING = Stage.RECAPPING


def _recap(c: Complaint, command: cmd.Recap, seq: int,
           at: datetime) -> ev.Recapped | list[Reason]:
    return ev.Recapped(seq=seq, at=at, summary=command.summary)


def _recapped(c: Complaint, e: ev.Recapped) -> Changes:
    return dict(recapped=True)


RECAP = Row(command=cmd.Recap, event=ev.Recapped, decide=_recap, evolve=_recapped,
            routes=(stays_in(_RECAPPING),), before_review=False)


def _recap_required(c: Complaint) -> list[Reason]:
    if c.recapped:
        return []
    return [RECAP_REQUIRED.reason("Recap every concern and its outcome first (recap).")]


def _seek_closure(c: Complaint, command: cmd.SeekClosure, seq: int,
                  at: datetime) -> ev.ClosureSought | list[Reason]:
    return _recap_required(c) or ev.ClosureSought(seq=seq, at=at,
                                                  customer_response=command.customer_response)


def _closure_sought(c: Complaint, e: ev.ClosureSought) -> Changes:
    return dict(closure=e.customer_response)


SEEK_CLOSURE = Row(
    command=cmd.SeekClosure, event=ev.ClosureSought, decide=_seek_closure,
    evolve=_closure_sought, routes=(stays_in(_RECAPPING),), before_review=False,
    refusals=(RECAP_REQUIRED,))


def _thank(c: Complaint, command: cmd.ThankCustomer, seq: int,
           at: datetime) -> ev.CustomerThanked | list[Reason]:
    return ev.CustomerThanked(seq=seq, at=at)


def _thanked(c: Complaint, e: ev.CustomerThanked) -> Changes:
    return dict(thanked=True)


THANK_CUSTOMER = Row(
    command=cmd.ThankCustomer, event=ev.CustomerThanked, decide=_thank, evolve=_thanked,
    routes=(stays_in(_RECAPPING),), before_review=False)


def _close(c: Complaint, command: cmd.Close, seq: int,
           at: datetime) -> ev.ComplaintClosed | list[Reason]:
    reasons = _recap_required(c)
    if c.closure is None:
        reasons.append(CLOSURE_NOT_SOUGHT.reason(
            "Ask whether the customer is satisfied first (seek_closure)."))
    if c.policy.thanks_before_close and not c.thanked:
        reasons.append(THANKS_REQUIRED.reason(
            "The policy requires thanking the customer before closing (thank_customer)."))
    outcome = (Outcome.UNRESOLVED if c.closure is CustomerResponse.DISSATISFIED
               else Outcome.RESOLVED)
    return reasons or ev.ComplaintClosed(seq=seq, at=at, outcome=outcome)


def _closed(c: Complaint, e: ev.ComplaintClosed) -> Changes:
    return closed(e, e.outcome)


CLOSE = Row(command=cmd.Close, event=ev.ComplaintClosed, decide=_close, evolve=_closed,
            routes=(moves(_RECAPPING, to=Stage.CLOSED),), before_review=False,
            refusals=(RECAP_REQUIRED, CLOSURE_NOT_SOUGHT, THANKS_REQUIRED))


def _reopen(c: Complaint, command: cmd.Reopen, seq: int,
            at: datetime) -> ev.ComplaintReopened | list[Reason]:
    reasons = []
    if c.customer is None:
        reasons.append(CUSTOMER_NOT_VERIFIED.reason(
            "A complaint closed before the customer was verified cannot be reopened; open "
            "a new one."))
    if c.closed_at is not None and at - c.closed_at > c.policy.reopen_window:
        reasons.append(REOPEN_WINDOW_EXPIRED.reason(
            f"The reopen window of {c.policy.reopen_window} after closing at "
            f"{c.closed_at.isoformat()} has passed."))
    return reasons or ev.ComplaintReopened(seq=seq, at=at, reason=command.reason)


def _reopened(c: Complaint, e: ev.ComplaintReopened) -> Changes:
    # a reopened complaint is a new round: its conduct, feedback and check-in start over
    return dict(outcome=None, closed_at=None, recapped=False, closure=None, thanked=False,
                follow_up_at=None, apologized=False, empathy_expressed=False, vented=False,
                feedback=None, timeline=replace(c.timeline, {"check_in": None}))


REOPEN = Row(command=cmd.Reopen, event=ev.ComplaintReopened, decide=_reopen, evolve=_reopened,
             routes=(moves(Stage.CLOSED, to=Stage.LISTENING),), before_review=False,
             refusals=(CUSTOMER_NOT_VERIFIED, REOPEN_WINDOW_EXPIRED))
