"""Conduct around every step: let the customer vent, apologize, show empathy, note how the
customer seems, escalate to someone with more authority; and the customer's right to
withdraw."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import Outcome, Stage
from ..._values.parts import Escalation, replace
from ..._values.reasons import Reason
from ..row import OPEN_STAGES, Changes, Row, moves, stays_in
from ._shared import CURRENCY_REQUIRED, closed, currency_of

if TYPE_CHECKING:
    from ..complaint import Complaint

_ANY_OPEN = (stays_in(*OPEN_STAGES),)


def _apologize(c: Complaint, command: cmd.Apologize, seq: int,
               at: datetime) -> ev.Apologized | list[Reason]:
    return ev.Apologized(seq=seq, at=at, note=command.note)


def _apologized(c: Complaint, e: ev.Apologized) -> Changes:
    return dict(apologized=True)


APOLOGIZE = Row(command=cmd.Apologize, event=ev.Apologized, decide=_apologize,
                evolve=_apologized, routes=_ANY_OPEN, before_review=True)


def _empathy(c: Complaint, command: cmd.ExpressEmpathy, seq: int,
             at: datetime) -> ev.EmpathyExpressed | list[Reason]:
    return ev.EmpathyExpressed(seq=seq, at=at, note=command.note)


def _empathy_expressed(c: Complaint, e: ev.EmpathyExpressed) -> Changes:
    return dict(empathy_expressed=True)


EXPRESS_EMPATHY = Row(command=cmd.ExpressEmpathy, event=ev.EmpathyExpressed, decide=_empathy,
                      evolve=_empathy_expressed, routes=_ANY_OPEN, before_review=True)


def _vent(c: Complaint, command: cmd.LetVent, seq: int,
          at: datetime) -> ev.CustomerVented | list[Reason]:
    return ev.CustomerVented(seq=seq, at=at, note=command.note)


def _vented(c: Complaint, e: ev.CustomerVented) -> Changes:
    return dict(vented=True)


LET_VENT = Row(command=cmd.LetVent, event=ev.CustomerVented, decide=_vent, evolve=_vented,
               routes=_ANY_OPEN, before_review=True)


def _emotion(c: Complaint, command: cmd.RecordEmotion, seq: int,
             at: datetime) -> ev.EmotionRecorded | list[Reason]:
    return ev.EmotionRecorded(seq=seq, at=at, emotion=command.emotion, note=command.note)


def _emotion_recorded(c: Complaint, e: ev.EmotionRecorded) -> Changes:
    return dict(practices=replace(c.practices, {"emotion": e.emotion}))


RECORD_EMOTION = Row(command=cmd.RecordEmotion, event=ev.EmotionRecorded, decide=_emotion,
                     evolve=_emotion_recorded, routes=_ANY_OPEN, before_review=True)


def _escalate(c: Complaint, command: cmd.Escalate, seq: int,
              at: datetime) -> ev.Escalated | list[Reason]:
    currency = command.currency
    if command.authority_limit is not None:
        resolved = currency_of(c, currency, "An authority limit")
        if isinstance(resolved, Reason):
            return [resolved]
        currency = resolved
    return ev.Escalated(seq=seq, at=at, to=command.to, reason=command.reason,
                        authority_limit=command.authority_limit, currency=currency)


def _escalated(c: Complaint, e: ev.Escalated) -> Changes:
    escalation = Escalation(to=e.to, reason=e.reason, authority_limit=e.authority_limit,
                            currency=e.currency)
    return dict(escalations=(*c.escalations, escalation))  # see Complaint.authority_limit


ESCALATE = Row(command=cmd.Escalate, event=ev.Escalated, decide=_escalate, evolve=_escalated,
               routes=_ANY_OPEN, before_review=True, refusals=(CURRENCY_REQUIRED,),
               given_only=((CURRENCY_REQUIRED, "authority_limit"),))


def _withdraw(c: Complaint, command: cmd.Withdraw, seq: int,
              at: datetime) -> ev.ComplaintWithdrawn | list[Reason]:
    return ev.ComplaintWithdrawn(seq=seq, at=at, reason=command.reason)


def _withdrawn(c: Complaint, e: ev.ComplaintWithdrawn) -> Changes:
    return closed(e, Outcome.WITHDRAWN)


WITHDRAW = Row(command=cmd.Withdraw, event=ev.ComplaintWithdrawn, decide=_withdraw,
               evolve=_withdrawn, routes=(moves(*OPEN_STAGES, to=Stage.CLOSED),),
               before_review=True)
