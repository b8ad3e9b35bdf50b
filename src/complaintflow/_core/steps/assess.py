"""IBM step 4, assess the impact: what each problem means to the customer ("cannot pay my
staff"), restated and agreed before the response begins."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import Stage
from ..._values.parts import Impact, replace
from ..._values.reasons import Reason, ReasonKind, reason_code
from ..row import Changes, Row, moves, stays_in
from ._shared import (
    CONCERN_NOT_OPEN,
    UNKNOWN_CONCERN,
    concern_problems,
    open_concern,
    unchanged,
    with_concern,
)

if TYPE_CHECKING:
    from ..complaint import Complaint

_RULE = ReasonKind.RULE
IMPACT_REQUIRED = reason_code(
    "impact_required", _RULE,
    "The impact must be assessed before the customer can confirm it.")
IMPACT_NOT_AGREED = reason_code(
    "impact_not_agreed", _RULE,
    "A concern has no agreed impact yet (one reason per concern).")
APOLOGY_REQUIRED = reason_code("apology_required", _RULE,
                               "The policy requires an apology before responding.")

_ASSESSING = Stage.ASSESSING_IMPACT


def _assess(c: Complaint, command: cmd.AssessImpact, seq: int,
            at: datetime) -> ev.ImpactAssessed | list[Reason]:
    return open_concern(c, command.concern_id) or ev.ImpactAssessed(
        seq=seq, at=at, concern_id=command.concern_id, description=command.description,
        severity=command.severity, restatement=command.restatement)


def _assessed(c: Complaint, e: ev.ImpactAssessed) -> Changes:
    impact = Impact(description=e.description, severity=e.severity, restatement=e.restatement)
    return with_concern(c, e.concern_id, {"impact": impact})


ASSESS_IMPACT = Row(
    command=cmd.AssessImpact, event=ev.ImpactAssessed, decide=_assess, evolve=_assessed,
    routes=(stays_in(_ASSESSING),), before_review=False,
    refusals=(UNKNOWN_CONCERN, CONCERN_NOT_OPEN), id_first=True)


def _confirm_impact(c: Complaint, command: cmd.ConfirmImpact, seq: int,
                    at: datetime) -> ev.ImpactConfirmed | list[Reason]:
    concern = c.concern(command.concern_id)
    reasons = concern_problems(concern, command.concern_id)
    if not reasons and concern is not None and concern.impact is None:
        reasons.append(IMPACT_REQUIRED.reason(
            f"Assess the impact of concern {concern.id} first (assess_impact).", "concern_id"))
    return reasons or ev.ImpactConfirmed(seq=seq, at=at, concern_id=command.concern_id)


def _impact_confirmed(c: Complaint, e: ev.ImpactConfirmed) -> Changes:
    concern = c.concern(e.concern_id)
    impact = concern.impact if concern is not None else None
    agreed = replace(impact, {"agreed": True}) if impact is not None else None
    return with_concern(c, e.concern_id, {"impact": agreed})


CONFIRM_IMPACT = Row(
    command=cmd.ConfirmImpact, event=ev.ImpactConfirmed, decide=_confirm_impact,
    evolve=_impact_confirmed, routes=(stays_in(_ASSESSING),), before_review=False,
    refusals=(UNKNOWN_CONCERN, CONCERN_NOT_OPEN, IMPACT_REQUIRED), id_first=True,
    reads=("impact",))


def _begin_response(c: Complaint, command: cmd.BeginResponse, seq: int,
                    at: datetime) -> ev.ResponseBegun | list[Reason]:
    reasons = [
        IMPACT_NOT_AGREED.reason(
            f"The customer has not agreed the impact of concern {concern.id}.")
        for concern in c.open_concerns if concern.impact is None or not concern.impact.agreed
    ]
    if c.policy.apology_before_response and not c.apologized:
        reasons.append(APOLOGY_REQUIRED.reason(
            "The policy requires an apology before responding (apologize)."))
    return reasons or ev.ResponseBegun(seq=seq, at=at)


BEGIN_RESPONSE = Row(
    command=cmd.BeginResponse, event=ev.ResponseBegun, decide=_begin_response,
    evolve=unchanged, routes=(moves(_ASSESSING, to=Stage.RESPONDING),), before_review=False,
    refusals=(IMPACT_NOT_AGREED, APOLOGY_REQUIRED))
