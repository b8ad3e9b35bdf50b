"""IBM step 6, follow up: every later contact starts by reviewing the open items and ends
with an updated plan; once everything is resolved or explained, the recap begins."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ... import commands as cmd
from ... import events as ev
from ..._values.enums import Owner, Stage
from ..._values.parts import Contact, replace, touched
from ..._values.reasons import Reason, ReasonKind, reason_code
from ..row import Changes, Row, moves, stays_in
from ._shared import FOLLOW_UP_REQUIRED, follow_up_needed, per_id, unchanged

if TYPE_CHECKING:
    from ..complaint import Complaint

_RULE = ReasonKind.RULE
CONTACT_ALREADY_OPEN = reason_code("contact_already_open", _RULE,
                                   "A follow-up contact is already open: end it first.")
NO_OPEN_CONTACT = reason_code("no_open_contact", _RULE,
                              "There is no open contact to review or end.")
CONCERN_STILL_OPEN = reason_code(
    "concern_still_open", _RULE,
    "A concern is neither resolved nor unresolvable (one reason per concern).")
ACTION_STILL_OPEN = reason_code("action_still_open", _RULE,
                                "An action item is not completed (one reason per item).")

BRIEFING_REQUIRED = reason_code(
    "briefing_required", _RULE,
    "An open company item involves others: brief the team before the contact (brief_team).")

_FOLLOWING_UP = Stage.FOLLOWING_UP


def _start_contact(c: Complaint, command: cmd.StartContact, seq: int,
                   at: datetime) -> ev.ContactStarted | list[Reason]:
    if c.contact is not None:
        return [CONTACT_ALREADY_OPEN.reason(
            f"A {c.contact.channel} contact is still open; end it first (end_contact).")]
    others = briefing_needed(c)
    if others:
        return [BRIEFING_REQUIRED.reason(
            f"Company item{'s' if len(others) > 1 else ''} {', '.join(others)} "
            "involve others: meet the internal team before the contact (brief_team).")]
    return ev.ContactStarted(seq=seq, at=at, channel=command.channel)


def briefing_needed(c: Complaint) -> list[str]:
    """The open company items that involve others while the team has not been briefed
    since the last contact: what a contact needs a briefing for (IBM step 6)."""
    if c.practices.briefed:
        return []
    return [a.id for a in c.actions
            if a.involves_others and a.owner is Owner.COMPANY and a.completed_at is None]


def _contact_started(c: Complaint, e: ev.ContactStarted) -> Changes:
    changes = dict(contact=Contact(channel=e.channel, started_at=e.at),
                   timeline=replace(c.timeline, touched(c.timeline, e.seq, e.at)))
    if c.practices.briefed:  # the next contact needs a briefing of its own
        changes["practices"] = replace(c.practices, {"briefed": False})
    return changes


START_CONTACT = Row(
    command=cmd.StartContact, event=ev.ContactStarted, decide=_start_contact,
    evolve=_contact_started, routes=(stays_in(_FOLLOWING_UP),), before_review=False,
    refusals=(CONTACT_ALREADY_OPEN, BRIEFING_REQUIRED))


_NO_CONTACT = NO_OPEN_CONTACT.reason("There is no open contact; start one (start_contact).")
"""A reason is a value: one serves every refusal."""


def _no_contact() -> list[Reason]:
    return [_NO_CONTACT]


def _review(c: Complaint, command: cmd.ReviewOpenItems, seq: int,
            at: datetime) -> ev.OpenItemsReviewed | list[Reason]:
    if c.contact is None:
        return _no_contact()
    return ev.OpenItemsReviewed(seq=seq, at=at, open_action_ids=tuple(
        [a.id for a in c.actions if a.completed_at is None]))


def _reviewed(c: Complaint, e: ev.OpenItemsReviewed) -> Changes:
    return dict(contact=replace(c.contact, {"reviewed": True}) if c.contact else None)


REVIEW_OPEN_ITEMS = Row(
    command=cmd.ReviewOpenItems, event=ev.OpenItemsReviewed, decide=_review,
    evolve=_reviewed, routes=(stays_in(_FOLLOWING_UP),), before_review=True,
    refusals=(NO_OPEN_CONTACT,))


def _end_contact(c: Complaint, command: cmd.EndContact, seq: int,
                 at: datetime) -> ev.ContactEnded | list[Reason]:
    if c.contact is None:
        return _no_contact()
    return follow_up_needed(c, at) or ev.ContactEnded(seq=seq, at=at)


def _contact_ended(c: Complaint, e: ev.ContactEnded) -> Changes:
    return dict(contact=None)


END_CONTACT = Row(  # a customer may hang up before anything is reviewed
    command=cmd.EndContact, event=ev.ContactEnded, decide=_end_contact,
    evolve=_contact_ended, routes=(stays_in(_FOLLOWING_UP),), before_review=True,
    refusals=(NO_OPEN_CONTACT, FOLLOW_UP_REQUIRED))


def _begin_recap(c: Complaint, command: cmd.BeginRecap, seq: int,
                 at: datetime) -> ev.RecapBegun | list[Reason]:
    reasons = [_concern_still_open(concern.id) for concern in c.open_concerns]
    reasons += [_action_still_open(action.id) for action in c.open_actions]
    return reasons or ev.RecapBegun(seq=seq, at=at)


@per_id
def _concern_still_open(concern_id: str) -> Reason:
    return CONCERN_STILL_OPEN.reason(
        f"Concern {concern_id} is neither resolved nor marked unresolvable.")


@per_id
def _action_still_open(action_id: str) -> Reason:
    return ACTION_STILL_OPEN.reason(f"Action {action_id} is not completed.")


BEGIN_RECAP = Row(
    command=cmd.BeginRecap, event=ev.RecapBegun, decide=_begin_recap, evolve=unchanged,
    routes=(moves(_FOLLOWING_UP, to=Stage.RECAPPING),), before_review=False,
    refusals=(CONCERN_STILL_OPEN, ACTION_STILL_OPEN))
