"""The three-step method's needs: what each concern needs done (transactional) and how the
customer needs to be treated while it is (interactional)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import Stage
from ..._values.parts import Needs
from ..._values.reasons import Reason
from ..row import Changes, Row, stays_in
from ._shared import CONCERN_NOT_OPEN, UNKNOWN_CONCERN, open_concern, with_concern

if TYPE_CHECKING:
    from ..complaint import Complaint

_WITH_CONCERNS = stays_in(Stage.LISTENING, Stage.PRIORITIZING, Stage.ASSESSING_IMPACT,
                          Stage.RESPONDING, Stage.FOLLOWING_UP)
"""Where open concerns may be: from the first one heard until the recap."""


def _needs(c: Complaint, command: cmd.RecordNeeds, seq: int,
           at: datetime) -> ev.NeedsRecorded | list[Reason]:
    return open_concern(c, command.concern_id) or ev.NeedsRecorded(
        seq=seq, at=at, concern_id=command.concern_id, interactional=command.interactional,
        transactional=command.transactional)


def _needs_recorded(c: Complaint, e: ev.NeedsRecorded) -> Changes:
    needs = Needs(interactional=e.interactional, transactional=e.transactional)
    return with_concern(c, e.concern_id, {"needs": needs})


RECORD_NEEDS = Row(command=cmd.RecordNeeds, event=ev.NeedsRecorded, decide=_needs,
                   evolve=_needs_recorded, routes=(_WITH_CONCERNS,), before_review=False,
                   refusals=(UNKNOWN_CONCERN, CONCERN_NOT_OPEN))
