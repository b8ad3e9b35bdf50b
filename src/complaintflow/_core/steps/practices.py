"""The sources' practices beyond the seven steps: the three-step method's needs (what each
concern needs done, and how the customer needs to be treated while it is), and Evenson's
honest explanations (what was found, and responsibility taken for the company's fault);
IBM step 6's internal preparation (notes for the team only, a briefing before a contact)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import Stage
from ..._values.parts import Needs, replace
from ..._values.reasons import Reason
from ..row import EVERY_STAGE, OPEN_STAGES, Changes, Row, stays_in
from ._shared import (
    CONCERN_NOT_OPEN,
    UNKNOWN_CONCERN,
    open_concern,
    unchanged,
    unknown_concern,
    with_concern,
)

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
                   refusals=(UNKNOWN_CONCERN, CONCERN_NOT_OPEN), id_first=True)


def _explain(c: Complaint, command: cmd.ExplainFinding, seq: int,
             at: datetime) -> ev.FindingExplained | list[Reason]:
    if command.concern_id is not None and c.concern(command.concern_id) is None:
        return [unknown_concern(command.concern_id)]
    return ev.FindingExplained(seq=seq, at=at, explanation=command.explanation,
                               concern_id=command.concern_id)


def _explained(c: Complaint, e: ev.FindingExplained) -> Changes:
    if e.concern_id is None:
        return dict(practices=replace(c.practices, {"finding": e.explanation}))
    return with_concern(c, e.concern_id, {"finding": e.explanation})


EXPLAIN_FINDING = Row(command=cmd.ExplainFinding, event=ev.FindingExplained, decide=_explain,
                      evolve=_explained, routes=(stays_in(*OPEN_STAGES),), before_review=False,
                      refusals=(UNKNOWN_CONCERN,))


def _responsibility(c: Complaint, command: cmd.TakeResponsibility, seq: int,
                    at: datetime) -> ev.ResponsibilityTaken | list[Reason]:
    return ev.ResponsibilityTaken(seq=seq, at=at, note=command.note)


def _responsibility_taken(c: Complaint, e: ev.ResponsibilityTaken) -> Changes:
    return dict(practices=replace(c.practices, {"responsibility_taken": True}))


TAKE_RESPONSIBILITY = Row(
    command=cmd.TakeResponsibility, event=ev.ResponsibilityTaken,
    decide=_responsibility, evolve=_responsibility_taken, routes=(stays_in(*OPEN_STAGES),),
    before_review=True)


def _note(c: Complaint, command: cmd.RecordInternalNote, seq: int,
          at: datetime) -> ev.InternalNoteRecorded | list[Reason]:
    if command.concern_id is not None and c.concern(command.concern_id) is None:
        return [unknown_concern(command.concern_id)]
    return ev.InternalNoteRecorded(seq=seq, at=at, text=command.text,
                                   concern_id=command.concern_id)


RECORD_INTERNAL_NOTE = Row(
    command=cmd.RecordInternalNote, event=ev.InternalNoteRecorded, decide=_note,
    evolve=unchanged, routes=(stays_in(*EVERY_STAGE),), before_review=True,
    refusals=(UNKNOWN_CONCERN,))


def _brief(c: Complaint, command: cmd.BriefTeam, seq: int,
           at: datetime) -> ev.TeamBriefed | list[Reason]:
    return ev.TeamBriefed(seq=seq, at=at, participants=command.participants,
                          summary=command.summary)


def _briefed(c: Complaint, e: ev.TeamBriefed) -> Changes:
    return dict(practices=replace(c.practices, {"briefed": True}))


BRIEF_TEAM = Row(command=cmd.BriefTeam, event=ev.TeamBriefed, decide=_brief, evolve=_briefed,
                 routes=(stays_in(*OPEN_STAGES),), before_review=True)
