"""IBM step 3, prioritize: with several concerns, the customer's order, most urgent first."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import Stage
from ..._values.reasons import Reason, ReasonKind, reason_code
from ..row import Changes, Row, moves
from ._shared import UNKNOWN_CONCERN, unknown_concern

if TYPE_CHECKING:
    from ..complaint import Complaint

PRIORITY_INCOMPLETE = reason_code(
    "priority_incomplete", ReasonKind.RULE,
    "The order does not list every open concern exactly once.")


def _prioritize(c: Complaint, command: cmd.Prioritize, seq: int,
                at: datetime) -> ev.ConcernsPrioritized | list[Reason]:
    reasons = [unknown_concern(i, "order") for i in command.order if c.concern(i) is None]
    expected = {concern.id for concern in c.open_concerns}
    if not reasons and set(command.order) != expected:
        reasons.append(PRIORITY_INCOMPLETE.reason(
            "The order must list every open concern exactly once: "
            + ", ".join(concern.id for concern in c.open_concerns) + ".", "order"))
    return reasons or ev.ConcernsPrioritized(seq=seq, at=at, order=command.order)


def _prioritized(c: Complaint, e: ev.ConcernsPrioritized) -> Changes:
    return dict(priority=e.order)


PRIORITIZE = Row(
    command=cmd.Prioritize, event=ev.ConcernsPrioritized, decide=_prioritize,
    evolve=_prioritized, routes=(moves(Stage.PRIORITIZING, to=Stage.ASSESSING_IMPACT),),
    before_review=False, refusals=(UNKNOWN_CONCERN, PRIORITY_INCOMPLETE))
