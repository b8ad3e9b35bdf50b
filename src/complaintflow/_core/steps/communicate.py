"""Regulated communications, in any stage: acknowledgements, holding and final responses,
summary resolutions and referral rights, which the regulatory clocks stop on."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.parts import Communication, replace, touched
from ..._values.reasons import Reason
from ..row import EVERY_STAGE, Changes, Row, stays_in

if TYPE_CHECKING:
    from ..complaint import Complaint


def _communicate(c: Complaint, command: cmd.RecordCommunication, seq: int,
                 at: datetime) -> ev.CommunicationRecorded | list[Reason]:
    return ev.CommunicationRecorded(seq=seq, at=at, kind=command.kind, channel=command.channel,
                                    summary=command.summary)


def _communicated(c: Complaint, e: ev.CommunicationRecorded) -> Changes:
    timeline = c.timeline
    changes: Changes = touched(timeline, e.seq, e.at)
    if all(sent.kind is not e.kind for sent in timeline.first_communications):  # at most 5
        first = Communication(seq=e.seq, at=e.at, kind=e.kind, channel=e.channel,
                              summary=e.summary)
        changes["first_communications"] = (*timeline.first_communications, first)
    return dict(timeline=replace(timeline, changes))


RECORD_COMMUNICATION = Row(
    command=cmd.RecordCommunication, event=ev.CommunicationRecorded, decide=_communicate,
    evolve=_communicated, routes=(stays_in(*EVERY_STAGE),), before_review=True)
