"""IBM step 2, listen: every concern in the customer's words, restated in the agent's and
confirmed by the customer; ask for more until there are none."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import Stage
from ..._values.parts import Concern
from ..._values.reasons import Reason, ReasonKind, reason_code
from ..row import Branch, Changes, Row, moves, stays_in
from ._shared import (
    CONCERN_NOT_OPEN,
    UNKNOWN_CONCERN,
    concern_problems,
    per_id,
    unchanged,
    with_concern,
)

if TYPE_CHECKING:
    from ..complaint import Complaint

_RULE = ReasonKind.RULE
CONCERN_ALREADY_CONFIRMED = reason_code(
    "concern_already_confirmed", _RULE,
    "The customer already confirmed this concern's restatement.")
RESTATEMENT_REQUIRED = reason_code(
    "restatement_required", _RULE,
    "The concern must be restated before the customer can confirm or reject it.")
NO_OPEN_CONCERNS = reason_code("no_open_concerns", _RULE,
                               "`no_more_concerns` before any concern was heard.")
CONCERN_NOT_CONFIRMED = reason_code(
    "concern_not_confirmed", _RULE,
    "A concern is not restated and confirmed yet (one reason per concern).")

_LISTENING, _FOLLOWING_UP = Stage.LISTENING, Stage.FOLLOWING_UP


def _hear(c: Complaint, command: cmd.HearConcern, seq: int,
          at: datetime) -> ev.ConcernHeard | list[Reason]:
    return ev.ConcernHeard(seq=seq, at=at, concern_id=f"K{len(c.concerns) + 1}",
                           text=command.text)


def _heard(c: Complaint, e: ev.ConcernHeard) -> Changes:
    return dict(concerns=(*c.concerns, Concern(id=e.concern_id, text=e.text)))


HEAR_CONCERN = Row(
    command=cmd.HearConcern, event=ev.ConcernHeard, decide=_hear, evolve=_heard,
    routes=(stays_in(_LISTENING), moves(_FOLLOWING_UP, to=_LISTENING)), before_review=False)


def _restate(c: Complaint, command: cmd.RestateConcern, seq: int,
             at: datetime) -> ev.ConcernRestated | list[Reason]:
    concern = c.concern(command.concern_id)
    reasons = concern_problems(concern, command.concern_id)
    if concern is not None and concern.confirmed and not reasons:
        reasons.append(_already_confirmed(concern.id))
    return reasons or ev.ConcernRestated(seq=seq, at=at, concern_id=command.concern_id,
                                         restatement=command.restatement)


def _restated(c: Complaint, e: ev.ConcernRestated) -> Changes:
    return with_concern(c, e.concern_id, {"restatement": e.restatement, "confirmed": False})


RESTATE_CONCERN = Row(
    command=cmd.RestateConcern, event=ev.ConcernRestated, decide=_restate, evolve=_restated,
    routes=(stays_in(_LISTENING),), before_review=False,
    refusals=(UNKNOWN_CONCERN, CONCERN_NOT_OPEN, CONCERN_ALREADY_CONFIRMED), id_first=True,
    reads=("confirmed",))


def _restatement_pending(c: Complaint, concern_id: str) -> list[Reason]:
    concern = c.concern(concern_id)
    reasons = concern_problems(concern, concern_id)
    if reasons or concern is None:
        return reasons
    if concern.confirmed:
        return [_already_confirmed(concern_id)]
    if concern.restatement is None:
        return [_restatement_required(concern_id)]
    return []


@per_id
def _already_confirmed(concern_id: str) -> Reason:
    return CONCERN_ALREADY_CONFIRMED.reason(
        f"The customer already confirmed concern {concern_id}.", "concern_id")


@per_id
def _restatement_required(concern_id: str) -> Reason:
    return RESTATEMENT_REQUIRED.reason(
        f"Restate concern {concern_id} in your own words first (restate_concern).",
        "concern_id")


_PENDING_REFUSALS = (UNKNOWN_CONCERN, CONCERN_NOT_OPEN, CONCERN_ALREADY_CONFIRMED,
                     RESTATEMENT_REQUIRED)
_PENDING_READS = ("confirmed", "restatement")


def _confirm(c: Complaint, command: cmd.ConfirmConcern, seq: int,
             at: datetime) -> ev.ConcernConfirmed | list[Reason]:
    return _restatement_pending(c, command.concern_id) or ev.ConcernConfirmed(
        seq=seq, at=at, concern_id=command.concern_id)


def _confirmed(c: Complaint, e: ev.ConcernConfirmed) -> Changes:
    return with_concern(c, e.concern_id, {"confirmed": True})


CONFIRM_CONCERN = Row(
    command=cmd.ConfirmConcern, event=ev.ConcernConfirmed, decide=_confirm, evolve=_confirmed,
    routes=(stays_in(_LISTENING),), before_review=False, refusals=_PENDING_REFUSALS,
    id_first=True, reads=_PENDING_READS)


def _reject_restatement(c: Complaint, command: cmd.RejectRestatement, seq: int,
                        at: datetime) -> ev.RestatementRejected | list[Reason]:
    return _restatement_pending(c, command.concern_id) or ev.RestatementRejected(
        seq=seq, at=at, concern_id=command.concern_id, correction=command.correction)


def _restatement_rejected(c: Complaint, e: ev.RestatementRejected) -> Changes:
    return with_concern(c, e.concern_id, {"restatement": None, "confirmed": False})


REJECT_RESTATEMENT = Row(
    command=cmd.RejectRestatement, event=ev.RestatementRejected, decide=_reject_restatement,
    evolve=_restatement_rejected, routes=(stays_in(_LISTENING),), before_review=False,
    refusals=_PENDING_REFUSALS, id_first=True, refuses_as="confirm_concern",
    reads=_PENDING_READS)


def _no_more(c: Complaint, command: cmd.NoMoreConcerns, seq: int,
             at: datetime) -> ev.ConcernsComplete | list[Reason]:
    open_concerns = c.open_concerns
    if not open_concerns:
        return [_NONE_HEARD]
    reasons = [_not_confirmed(concern.id) for concern in open_concerns if not concern.confirmed]
    return reasons or ev.ConcernsComplete(seq=seq, at=at)


_NONE_HEARD = NO_OPEN_CONCERNS.reason("Hear at least one concern first (hear_concern).")


@per_id
def _not_confirmed(concern_id: str) -> Reason:
    return CONCERN_NOT_CONFIRMED.reason(
        f"Concern {concern_id} must be restated and confirmed by the customer.")


NO_MORE_CONCERNS = Row(
    command=cmd.NoMoreConcerns, event=ev.ConcernsComplete, decide=_no_more, evolve=unchanged,
    routes=(moves(_LISTENING, to=Stage.PRIORITIZING, when=Branch.SEVERAL_OPEN_CONCERNS),
            moves(_LISTENING, to=Stage.ASSESSING_IMPACT)),
    before_review=False, refusals=(NO_OPEN_CONCERNS, CONCERN_NOT_CONFIRMED))
