"""Versions of the persisted formats, and the upcasters that lift old data to the current one.

Each format (the snapshot, and each event type) has a version. A change that an older
reader could not load — a field added, removed, renamed or retyped — raises it by one,
and registers an upcaster from the old version to the new. The chains are checked for
gaps when this module is imported, so a version raised without its upcaster fails at
once, in the tests, not in a host's database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from attrs import field, frozen

from .._values.checks import fixed_point, shown
from .._values.errors import ComplaintflowError, Problem
from ..events import EVENT_TYPES

Data = dict[str, Any]
Upcaster = Callable[[Data], Data]
"""Lifts the JSON of one version to the next; receives a copy it may change."""


@frozen
class UpcasterChain:
    """The upcasters of one format: ``steps[v]`` lifts version ``v`` to ``v + 1``."""

    format: str
    current: int
    steps: Mapping[int, Upcaster] = field(factory=dict)
    oldest: int = 1

    def __attrs_post_init__(self) -> None:
        expected = set(range(self.oldest, self.current))
        if set(self.steps) != expected:
            raise ComplaintflowError(
                f"the upcasters of {self.format} must lift every version from {self.oldest} "
                f"to {self.current}: expected steps from {sorted(expected)}, "
                f"got {sorted(self.steps)}")

    def problem(self, version: object, path: str) -> Problem | None:
        """Why data of ``version`` cannot be read, or ``None`` when it can."""
        if not isinstance(version, int) or isinstance(version, bool):
            return Problem(path, f"expected a whole number, got {shown(version)}")
        if version >= 10**9:  # and no huge number is ever written out in full
            return Problem(path, f"{self.format} version is far newer than this complaintflow "
                                 f"reads (up to {self.current})")
        if version > self.current:
            return Problem(path, f"{self.format} version {version} is newer than this "
                                 f"complaintflow reads (up to {self.current}); upgrade "
                                 "complaintflow to load it")
        if version < self.oldest:
            return Problem(path, f"{self.format} version {shown(version)} is no longer supported "
                                 f"(the oldest readable is {self.oldest})")
        return None

    def upgrade(self, data: Mapping[str, Any], version: int) -> Data:
        """``data`` of ``version`` lifted to the current version (``data`` is not changed)."""
        lifted = dict(data)
        for step in range(version, self.current):
            lifted = self.steps[step](lifted)
        return lifted


SNAPSHOT_SCHEMA = "complaintflow/complaint"
SNAPSHOT_VERSION = 2


# --- version 1 to 2 ---------------------------------------------------------------------
# Receipts and events keep the fingerprint of the command they answer. Version 1 had none:
# its receipts answer any retry of their id, as version 1 did.
# Amounts are written in fixed point: version 1 wrote Decimal("1E+9") as "1E+9".
# Money has a currency: version 1's amounts had none and are read as pounds sterling (its
# one agent_authority_limit becomes authority_limits in GBP; an escalation's limit, and an
# offered amount without a currency, are in GBP).

_V1_CURRENCY = "GBP"


def _fixed(amount: object) -> object:
    """A version-1 amount in fixed point; anything but what version 1 wrote is left for
    the loader to judge (and refuse, with its path)."""
    if not isinstance(amount, str):
        return amount
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return amount
    if not value.is_finite() or str(value) != amount:
        return amount
    return fixed_point(value)


def _fixed_fields(data: Data, *names: str) -> Data:
    """A copy of ``data`` with its amounts ``names`` in fixed point."""
    return {key: _fixed(value) if key in names else value for key, value in data.items()}


def _compensation_1_to_2(compensation: Data) -> Data:
    """A version-1 compensation (or compensation_offered event): an amount without a
    currency is in pounds sterling."""
    lifted = _fixed_fields(compensation, "amount", "authority_limit")
    if lifted.get("amount") is not None and lifted.get("currency") is None:
        lifted["currency"] = _V1_CURRENCY
    return lifted


def _escalation_1_to_2(escalation: Data) -> Data:
    """A version-1 escalation (or escalated event): its limit, if any, is in GBP."""
    lifted = _fixed_fields(escalation, "authority_limit")
    lifted["currency"] = _V1_CURRENCY if lifted.get("authority_limit") is not None else None
    return lifted


def _lift_each(data: Data, key: str, lift: Upcaster) -> None:
    """Each object of the array ``data[key]`` (if there is one) lifted by ``lift``; what is
    not an object is left for the loader to refuse."""
    items = data.get(key)
    if isinstance(items, list):
        data[key] = [lift(item) if isinstance(item, dict) else item for item in items]


def _calendar_1_to_2(calendar: Data) -> Data:
    """A version-1 calendar knew its holidays up to ``holidays_through`` at most: from the
    start of time, without gaps (as version 1 counted)."""
    return {**calendar, "holidays_from": None, "holiday_gaps": []}


def _clock_1_to_2(clock: Data) -> Data:
    """A version-1 limit counted the days after the clock's start day."""
    lifted = dict(clock)
    if isinstance(lifted.get("limit"), dict):
        lifted["limit"] = {**lifted["limit"], "counts_start_day": False}
    return lifted


def _regime_1_to_2(regime: Data) -> Data:
    lifted = dict(regime)
    if isinstance(lifted.get("calendar"), dict):
        lifted["calendar"] = _calendar_1_to_2(lifted["calendar"])
    _lift_each(lifted, "clocks", _clock_1_to_2)
    return lifted


def policy_1_to_2(policy: Data) -> Data:
    """A version-1 policy as version 2 holds it (in snapshots and in complaint_opened):
    its one ``agent_authority_limit`` is the limit in GBP, its free text is bounded by
    version 2's default, and its regimes' calendars and limits mean what they meant."""
    lifted = dict(policy, max_text_length=10_000)
    if "agent_authority_limit" in lifted:
        limit = _fixed(lifted.pop("agent_authority_limit"))
        lifted["authority_limits"] = [{"currency": _V1_CURRENCY, "amount": limit}]
    _lift_each(lifted, "regimes", _regime_1_to_2)
    lifted.setdefault("taxonomy", None)
    return lifted


def _receipt_1_to_2(receipt: Data) -> Data:
    return {**receipt, "fingerprint": None}


def _touch(item: Data) -> Data:
    return {"seq": item.get("seq"), "at": item.get("at")}


def _seq_of(item: object) -> int:
    seq = item.get("seq") if isinstance(item, dict) else None
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else -1


def _timeline_1_to_2(timeline: Data) -> Data:
    """Version 1 kept every communication, contact and follow-up; version 2 keeps what the
    clocks need of them (the first communication of each kind, the latest follow-up, the
    first touch after it and the latest touch), which version 1's lists tell exactly."""
    lifted = {key: value for key, value in timeline.items()
              if key not in ("communications", "contacts", "follow_ups")}
    sent = timeline.get("communications")
    contacts = timeline.get("contacts")
    follow_ups = timeline.get("follow_ups")
    if not (isinstance(sent, list) and isinstance(contacts, list)
            and isinstance(follow_ups, list)):
        return timeline  # the loader names what is wrong
    firsts: dict[object, Data] = {}
    for item in sorted(sent, key=_seq_of):
        if isinstance(item, dict):
            firsts.setdefault(item.get("kind"), item)
    lifted["first_communications"] = list(firsts.values())
    touches = sorted((t for t in [*sent, *contacts] if isinstance(t, dict)), key=_seq_of)
    follow_up = max(follow_ups, key=_seq_of) if follow_ups else None
    lifted["follow_up"] = follow_up
    after = [t for t in touches if follow_up is not None and _seq_of(t) > _seq_of(follow_up)]
    lifted["follow_up_touch"] = _touch(after[0]) if after else None
    lifted["last_touch"] = _touch(touches[-1]) if touches else None
    lifted["check_in"] = None  # version 1 had no check-in after the close
    return lifted


def _root_cause_1_to_2(cause: Data) -> Data:
    """Version 1 knew nothing of vulnerability: no root cause was flagged."""
    return {**cause, "vulnerability_failure": False}


def _classification_1_to_2(snapshot: Data) -> None:
    """Version 1 kept the root causes and preventive actions on the complaint; version 2
    keeps them with what the returns count, of which version 1 recorded nothing."""
    causes = snapshot.pop("root_causes", None)
    if isinstance(causes, list):
        causes = [_root_cause_1_to_2(c) if isinstance(c, dict) else c for c in causes]
    actions = snapshot.pop("preventive_actions", None)
    if causes is None and actions is None:
        return  # the loader names the missing fields
    snapshot["classification"] = {
        "product": None, "cause": None, "channel": None, "decision": None, "redress": [],
        "vulnerability": [], "root_causes": causes, "preventive_actions": actions}


def _concern_1_to_2(concern: Data) -> Data:
    """Version 1 recorded no needs, and explained no findings."""
    return {**concern, "finding": None, "needs": None}


def _action_1_to_2(action: Data) -> Data:
    """Version 1 said no plan item was the best solution, nor that one involved others."""
    return {**action, "why_best": None, "involves_others": False}


def _snapshot_1_to_2(snapshot: Data) -> Data:
    if isinstance(snapshot.get("policy"), dict):  # else the loader names what is wrong
        snapshot["policy"] = policy_1_to_2(snapshot["policy"])
    _classification_1_to_2(snapshot)
    snapshot.setdefault("practices", {  # version 1 recorded none of them
        "emotion": None, "finding": None, "responsibility_taken": False, "briefed": False})
    if isinstance(snapshot.get("timeline"), dict):
        snapshot["timeline"] = _timeline_1_to_2(snapshot["timeline"])
    _lift_each(snapshot, "concerns", _concern_1_to_2)
    _lift_each(snapshot, "actions", _action_1_to_2)
    _lift_each(snapshot, "receipts", _receipt_1_to_2)
    _lift_each(snapshot, "compensations", _compensation_1_to_2)
    _lift_each(snapshot, "escalations", _escalation_1_to_2)
    return snapshot


def _event_1_to_2(event: Data) -> Data:
    event["command_fingerprint"] = None
    if event.get("type") == "complaint_opened" and isinstance(event.get("policy"), dict):
        event["policy"] = policy_1_to_2(event["policy"])
    elif event.get("type") == "compensation_offered":
        event = _compensation_1_to_2(event)
    elif event.get("type") == "escalated":
        event = _escalation_1_to_2(event)
    elif event.get("type") == "root_cause_recorded":
        event = _root_cause_1_to_2(event)
    elif event.get("type") == "action_planned":
        event = _action_1_to_2(event)
    return event


SNAPSHOT_UPCASTERS = UpcasterChain("snapshot", SNAPSHOT_VERSION, steps={1: _snapshot_1_to_2})
"""Lifts a snapshot of any readable version to the current one."""

_EVENT_STEPS: dict[int, Upcaster] = {1: _event_1_to_2}
"""The steps every event type shares (each type may add its own)."""

EVENT_UPCASTERS: dict[str, UpcasterChain] = {
    tag: UpcasterChain(f"event {tag}", cls.version, steps=_EVENT_STEPS)
    for tag, cls in EVENT_TYPES.items()
}
