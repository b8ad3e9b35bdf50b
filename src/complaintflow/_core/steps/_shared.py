"""What several steps' guards and folds share: concern lookups, future times, closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from ..._values.checks import shown
from ..._values.enums import ConcernStatus, Outcome
from ..._values.parts import Concern, replace
from ..._values.reasons import Reason, ReasonCode, ReasonKind, reason_code
from ...events import Event
from ..row import Changes

if TYPE_CHECKING:
    from ..complaint import Complaint

_RULE = ReasonKind.RULE


def per_id(about: Callable[[str], Reason]) -> Callable[[str], Reason]:
    """``about``, kept per id: for a reason about a library-assigned id (``K1``, ``A1``).
    A reason is a value and such ids are few, so one serves every refusal; the guidance,
    which asks every guard each turn, would otherwise build the same ones again."""
    return lru_cache(maxsize=1024)(about)


UNKNOWN_CONCERN = reason_code("unknown_concern", _RULE, "No concern has this id.")
CONCERN_NOT_OPEN = reason_code("concern_not_open",
                               _RULE, "The concern is already resolved or unresolvable.")
FOLLOW_UP_REQUIRED = reason_code(
    "follow_up_required", _RULE,
    "Items are still open and no follow-up is scheduled in the future.")
CURRENCY_REQUIRED = reason_code(
    "currency_required", _RULE,
    "An amount (or an escalation's authority limit) names no currency, and the policy's "
    "authority limits do not name exactly one to take.")


# --- guards -----------------------------------------------------------------------------


def in_future(when: datetime, now: datetime, code: ReasonCode, what: str,
              argument: str) -> list[Reason]:
    """No reason when ``when`` is after ``now``; else one with ``code`` for ``argument``."""
    if when <= now:
        return [code.reason(f"{what} ({when.isoformat()}) must be after {now.isoformat()}.",
                            argument)]
    return []


def unknown_concern(concern_id: str, argument: str = "concern_id") -> Reason:
    return UNKNOWN_CONCERN.reason(f"There is no concern {shown(concern_id)}.", argument)


def open_concern(complaint: Complaint, concern_id: str,
                 argument: str = "concern_id") -> list[Reason]:
    """Why the concern ``concern_id`` cannot be worked on, if it cannot."""
    return concern_problems(complaint.concern(concern_id), concern_id, argument)


def concern_problems(concern: Concern | None, concern_id: str,
                     argument: str = "concern_id") -> list[Reason]:
    """Why ``concern`` (looked up by ``concern_id``) cannot be worked on, if it cannot."""
    if concern is None:
        return [unknown_concern(concern_id, argument)]
    if concern.status is not ConcernStatus.OPEN:
        return [CONCERN_NOT_OPEN.reason(
            f"Concern {concern_id} is already {concern.status.value}.", argument)]
    return []


def currency_of(complaint: Complaint, currency: str | None, what: str) -> str | Reason:
    """The currency of an amount: the one given, else the policy's when its authority
    limits name exactly one; else why there is none (``what`` names the amount)."""
    if currency is not None:
        return currency
    limits = complaint.policy.authority_limits
    if len(limits) == 1:
        return limits[0].currency
    named = (f"in {', '.join(limit.currency for limit in limits)}" if limits
             else "in no currency")
    return CURRENCY_REQUIRED.reason(
        f"{what} needs a currency: the policy's authority limits are {named}, so say which "
        "(currency).", "currency")


def anything_open(complaint: Complaint) -> bool:
    """Whether a concern or an action item is still open (stops at the first; builds no
    tuple of them)."""
    return (any(concern.status is _OPEN for concern in complaint.concerns)
            or any(action.completed_at is None for action in complaint.actions))


_OPEN = ConcernStatus.OPEN


def follow_up_needed(complaint: Complaint, at: datetime,
                     open_now: bool | None = None) -> list[Reason]:
    """While anything is open, a follow-up must be scheduled after ``at``; ``open_now`` is
    :func:`anything_open`, when the caller knows it already."""
    follow_up = complaint.follow_up_at
    if follow_up is not None and follow_up > at:
        return []
    if open_now if open_now is not None else anything_open(complaint):
        return [_FOLLOW_UP]
    return []


_FOLLOW_UP = FOLLOW_UP_REQUIRED.reason(
    "Items are still open: schedule a follow-up in the future first (schedule_follow_up).")
"""A reason is a value: one serves every refusal."""


# --- folds ------------------------------------------------------------------------------


def with_concern(complaint: Complaint, concern_id: str, changes: Changes) -> Changes:
    """The complaint's concerns with ``changes`` made to one of them."""
    concerns = complaint.concerns
    for index, concern in enumerate(concerns):
        if concern.id == concern_id:
            changed = replace(concern, changes)
            return {"concerns": (*concerns[:index], changed, *concerns[index + 1:])}
    return {}


def closed(event: Event, outcome: Outcome) -> Changes:
    """What closing changes, whatever closed the complaint."""
    return {"outcome": outcome, "closed_at": event.at, "contact": None}


def unchanged(complaint: Complaint, event: Event) -> Changes:
    """The fold of an event that only marks a moment (the stage change records the move)."""
    return {}
