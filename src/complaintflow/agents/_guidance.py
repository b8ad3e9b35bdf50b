"""What an agent should do next with a complaint: the guidance in every reply.

Which allowed commands are ready and why the others would be refused comes from the rows'
own guards, run on a probe of each command (its ids filled in with the complaint's, its
other arguments with harmless placeholders): the guidance cannot claim a step is ready
that the workflow would refuse. A row whose refusals are only about its ids (an unknown or
closed concern, a time not after now) is ready exactly for the open ones, without a probe.
Other guards are skipped only by what their row declares (and tests check against the
guard): refusals that need an optional argument given (``given_only``) never meet a probe,
which leaves them out; a guard that reads only the policy (``policy_only``) is asked once
per policy object; one that reads only the status of ids none of which is open
(``id_first``) answers such ids alike whatever else the complaint holds, so once per ids
and statuses; one that refuses exactly as another command's (``refuses_as``) is answered
by that one's answers for the same ids; one that reads only whether some fields of an open
concern are set (``reads``) is asked once per id and those.

The rest reads the complaint: what each open concern still needs, the open action items,
the conduct the policy still owes, the authority left, the clocks; and the playbook, the
sources' next steps for the stage, each with the ids it is for.
"""

from __future__ import annotations

import enum
import operator
import typing
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from itertools import filterfalse
from typing import Any

import attrs

from .._clocks.evaluate import ClockState, deadlines
from .._core.complaint import Complaint
from .._core.definition import ROW_OF
from .._core.policy import Policy
from .._core.steps._shared import CONCERN_NOT_OPEN, UNKNOWN_CONCERN
from .._core.steps.after_close import CHECK_IN_NOT_IN_FUTURE
from .._core.steps.follow_up import briefing_needed
from .._core.steps.respond import (
    ACTION_ALREADY_COMPLETED,
    DUE_NOT_IN_FUTURE,
    FOLLOW_UP_NOT_IN_FUTURE,
    UNKNOWN_ACTION,
)
from .._formats.json_value import JsonValue
from .._values.checks import WholeNumber, fixed_point, utc
from .._values.enums import CheckInOutcome, ConcernStatus, Emotion, InteractionalNeed, Stage
from .._values.errors import InvalidValueError
from .._values.parts import Concern
from .._values.reasons import Reason
from ..commands import COMMAND_TYPES, Command
from ._limits import NO_LIMITS, AgentLimits
from ._schema import arguments, enum_tuple

_FAR = datetime(8999, 1, 1, tzinfo=timezone.utc)
"""The time a cached probe's ``due`` or follow-up is set to: after any command's time."""
_SOON = timedelta(microseconds=1)
"""How long after the guidance's time a probe's times are when its row may refuse a time
that is too late (a check-in after the reopen window): the earliest time after now."""
_PLACEHOLDER = "probe"

_TARGET_CODES = frozenset(code.code for code in (
    UNKNOWN_CONCERN, CONCERN_NOT_OPEN, UNKNOWN_ACTION, ACTION_ALREADY_COMPLETED,
    DUE_NOT_IN_FUTURE, FOLLOW_UP_NOT_IN_FUTURE, CHECK_IN_NOT_IN_FUTURE))
"""Refusals that a probe with open ids and far-future times never meets: a row refused
only with these accepts exactly its open ids."""


_NEVER, _PLAIN, _ONE, _MANY, _POLICY = range(5)
"""How a command is probed: its guard never refuses the probe; a probe with no ids; one
per open id (a command about one concern or action); one with every open id (a list of
them); a probe with no ids whose answer depends on the policy alone (asked once per
policy)."""


@attrs.frozen
class _Spec:
    """How to probe one command: its placeholders and the argument its ids go in."""

    name: str
    cls: type[Command]
    placeholders: dict[str, object]
    target: str | None  # the required argument holding a concern or action id (or ids)
    concerns: bool  # whether those ids are concerns' (else action items')
    kind: int
    by_targets: bool  # whether the row's refusals are only about its ids
    by_status: bool  # whether ids not open are refused by their status alone (id_first)
    decide: Callable[[Complaint, Any, int, datetime], object]  # the row's guard
    plain: Command | None  # the probe, for a command that takes no ids
    refuses_as: str | None  # the command whose guard refuses exactly as this one's
    times: tuple[str, ...]  # the time arguments, set just after now when a row may refuse
    reads: Callable[[Concern], tuple[bool, ...]] | None  # what it reads of an open concern


def _spec(name: str) -> _Spec:
    cls = COMMAND_TYPES[name]
    hints = typing.get_type_hints(cls)
    placeholders: dict[str, object] = {}
    times: list[str] = []
    target = refers = None
    many = False
    for field in arguments(cls):
        if field.default is not attrs.NOTHING:
            continue  # a probe leaves out what may be left out
        hint, kind = hints[field.name], field.metadata.get("refers")
        if isinstance(kind, str):
            target, refers, many = field.name, kind, typing.get_origin(hint) is tuple
        elif hint is str:
            placeholders[field.name] = _PLACEHOLDER
        elif hint is bool:
            placeholders[field.name] = False
        elif hint is datetime:
            placeholders[field.name] = _FAR
            times.append(field.name)
        elif hint is int and isinstance(field.validator, WholeNumber):
            placeholders[field.name] = field.validator.low
        elif isinstance(hint, type) and issubclass(hint, enum.Enum):
            placeholders[field.name] = next(iter(hint))
        elif hint is Decimal:
            placeholders[field.name] = Decimal(1)  # within any limit a row checks
        elif enum_tuple(hint) is not None:
            placeholders[field.name] = (next(iter(enum_tuple(hint) or ())),)
        else:
            raise TypeError(f"no probe for the argument {field.name} of {cls.__name__}; "
                            "teach complaintflow.agents._guidance about it")
    row = ROW_OF[name]
    # the row declares which refusals need an optional argument given: the probe leaves
    # every optional argument out, so it never meets them
    refusals = {code.code for code in row.refusals} - {
        code.code for code, argument in row.given_only
        if argument not in placeholders and argument != target}
    # a row refused only for its ids or times (which a probe sets far ahead) is ready when
    # it takes no ids, or exactly for the open ones
    by_targets = target is not None and refusals <= _TARGET_CODES
    if not refusals or (target is None and refusals <= _TARGET_CODES):
        kind = _NEVER
    elif target is None:
        kind = _POLICY if row.policy_only else _PLAIN
    else:
        kind = _MANY if many else _ONE
    plain = None
    if kind in (_PLAIN, _POLICY):
        plain = cls(**placeholders)  # type: ignore[arg-type]  # by its fields
    late = not refusals <= _TARGET_CODES  # a time may be too late, not only too early
    timed = tuple(times) if late else ()
    if row.reads and (refers != "concern" or many or timed):
        raise TypeError(f"{name} declares what it reads of a concern, but is not about one "
                        "concern, or its answer depends on the time")
    return _Spec(name, cls, placeholders, target, refers == "concern", kind, by_targets,
                 by_status=row.id_first, decide=row.decide,
                 plain=plain, refuses_as=row.refuses_as, times=timed,
                 reads=_reader(row.reads) if row.reads else None)


def _reader(fields: tuple[str, ...]) -> Callable[[Concern], tuple[bool, ...]]:
    """Whether each of ``fields`` of a concern is set (a flag: whether it is true): what a
    row declares its guard ``reads`` of an open concern, as a key."""
    get = operator.attrgetter(*fields)
    if len(fields) == 1:
        return lambda concern: (bool(get(concern)),)
    return lambda concern: tuple(map(bool, get(concern)))


_SPECS: dict[str, _Spec] = {}
_TARGET_OF: dict[str, str] = {}
"""Each command's argument holding its ids (``""``: none), as the playbook's steps read it."""
_Plan = tuple[list[str], tuple[_Spec, ...], frozenset[str]]
"""The commands to show (a list, shared: copied into each answer), those to probe, and
the set of those shown."""
_NO_REASONS: list[Reason] = []  # shared, never changed
_NOT_OPEN: dict[tuple[str, object, object], list[Reason]] = {}
"""The answers about ids none of which is open, by command, ids and their statuses (what
they alone depend on: see :func:`_refused`); a few per command."""
_PROBES: dict[tuple[str, object], Command] = {}
_BY_POLICY: dict[int, tuple[Policy, dict[str, list[Reason]]]] = {}
"""The answers of the rows whose guard reads only the policy, per policy object (held, so
that its id is not reused while it is a key)."""


def _all_specs() -> dict[str, _Spec]:
    """How to probe every command, worked out when first needed."""
    if not _SPECS:
        specs = {name: _spec(name) for name in COMMAND_TYPES}
        _TARGET_OF.update({name: how.target or "" for name, how in specs.items()})
        _SPECS.update(specs)  # all, or none
    return _SPECS


def _built(how: _Spec, ids: object, at: datetime | None = None) -> Command:
    """The probe of ``how`` with ``ids``; with ``at``, its times the earliest after it (for
    a row that may refuse a time as too late: a check-in after the reopen window)."""
    given = dict(how.placeholders)
    if at is not None:
        given.update(dict.fromkeys(how.times, at + _SOON))
    if how.target is not None:
        given[how.target] = ids
    return how.cls(**given)  # type: ignore[arg-type]  # by its fields


def _probe(name: str, ids: object, at: datetime | None = None) -> Command:
    """The probe of ``name`` with ``ids`` (cached); for a row that may refuse a time as
    too late, with its times the earliest after ``at``."""
    how = _all_specs()[name]
    if at is not None and how.times:
        return _built(how, ids, at)
    key = (name, ids)
    probe = _PROBES.get(key)
    if probe is None:
        if len(_PROBES) > 10_000:  # ids are few per complaint; bound the cache anyway
            _PROBES.clear()
        probe = _PROBES[key] = _built(how, ids)
    return probe


def _decided(complaint: Complaint, how: _Spec, ids: object, at: datetime) -> list[Reason]:
    """Why the row's own guard refuses the probe of ``how`` (with ``ids``); none: ready."""
    probe: Command | None
    if how.times:
        probe = _built(how, ids, at)
    else:
        probe = how.plain if ids is None else (_PROBES.get((how.name, ids))
                                               or _probe(how.name, ids))
    outcome = how.decide(complaint, probe, complaint.seq + 1, at)
    return outcome if isinstance(outcome, list) else _NO_REASONS


def _by_policy(complaint: Complaint, how: _Spec, at: datetime) -> list[Reason]:
    """:func:`_decided` for a row whose guard reads only the policy: asked once a policy."""
    policy = complaint.policy
    entry = _BY_POLICY.get(id(policy))
    if entry is None or entry[0] is not policy:
        if len(_BY_POLICY) >= 256:  # a host has a few policies; bound it anyway
            _BY_POLICY.clear()
        entry = _BY_POLICY[id(policy)] = (policy, {})
    found = entry[1].get(how.name)
    if found is None:
        found = entry[1][how.name] = _decided(complaint, how, None, at)
    return found


_BY_READS: dict[tuple[str, str, tuple[bool, ...]], list[Reason]] = {}
"""The answers of rows that read only whether some fields of an open concern are set, by
command, concern id and those (see ``reads``); a few per command and id."""


def _by_reads(complaint: Complaint, how: _Spec, concern: Concern, at: datetime,
              ) -> list[Reason]:
    """:func:`_decided` for an open concern, by what the row declares its guard reads of
    it (``reads``): asked once per command, id and those fields."""
    assert how.reads is not None
    key = (how.name, concern.id, how.reads(concern))
    found = _BY_READS.get(key)
    if found is None:
        if len(_BY_READS) > 10_000:  # a few per command and id; bounded anyway
            _BY_READS.clear()
        found = _BY_READS[key] = _decided(complaint, how, concern.id, at)
    return found


def _refused(complaint: Complaint, how: _Spec, ids: object, at: datetime,
             known: dict[str, object]) -> list[Reason]:
    """Why the probe of a command about ids none of which is open would be refused;
    ``known`` maps the id of each concern (or action item) there is to its status."""
    if how.by_status:  # the row declares it reads nothing else of the complaint
        key = (how.name, ids, tuple(known.get(i) for i in ids) if isinstance(ids, tuple)
               else known.get(str(ids)))
    elif how.by_targets and (all(i not in known for i in ids) if isinstance(ids, tuple)
                             else ids not in known):
        # refused only about the ids: the guard says the same of ids that do not exist,
        # whatever else the complaint holds
        key = (how.name, ids, None)
    else:
        return _decided(complaint, how, ids, at)
    found = _NOT_OPEN.get(key)
    if found is None:
        if len(_NOT_OPEN) > 10_000:  # a few per command; bounded anyway
            _NOT_OPEN.clear()
        found = _NOT_OPEN[key] = _decided(complaint, how, ids, at)
    return found


def _readiness(complaint: Complaint, at: datetime, ordered: list[Concern], actions: list[str],
               plan: _Plan) -> tuple[list[JsonValue], dict[str, JsonValue],
                                     dict[str, list[str]], list[JsonValue], set[str]]:
    """Which of the plan's commands the complaint would accept now, from the rows' guards:
    those ready, the ids each command about one id is ready for (as JSON and as a list),
    those blocked with every reason, and their names."""
    concerns = [concern.id for concern in ordered]
    ready_for: dict[str, JsonValue] = {}
    ids_ready: dict[str, list[str]] = {}
    blocked: list[JsonValue] = []
    refused: set[str] = set()
    each_id: dict[str, tuple[list[str], list[Reason]]] = {}  # per command about one id:
    # the open ids it is ready for, else why not
    known: dict[bool, _Known] = {}  # concerns' (True) and actions' statuses, when needed
    for how in plan[1]:
        kind = how.kind
        if kind == _PLAIN:
            reasons = _decided(complaint, how, None, at)
        elif kind == _POLICY:
            reasons = _by_policy(complaint, how, at)
        else:
            candidates = concerns if how.concerns else actions
            if kind == _MANY:
                if candidates and how.by_targets:
                    continue
                reasons = (_decided(complaint, how, tuple(candidates), at) if candidates
                           else _refused(complaint, how, ("K1",), at,
                                         (known.get(how.concerns)
                                          or _known(complaint, how, known))[0]))
            else:
                if candidates:
                    if how.by_targets:
                        ready = candidates
                        reasons = _NO_REASONS
                    else:
                        answer = each_id.get(how.refuses_as or "")
                        if answer is None:  # (else as the command it refuses as, just asked)
                            each = ([_by_reads(complaint, how, concern, at)
                                     for concern in ordered] if how.reads is not None
                                    else [_decided(complaint, how, i, at) for i in candidates])
                            ready = [i for i, found in zip(candidates, each, strict=True)
                                     if not found]
                            answer = each_id[how.name] = (
                                ready, _NO_REASONS if ready else _merged(each))
                        ready, reasons = answer
                else:  # none is open: why with every id there is, or the next one
                    ready = []
                    statuses, every = known.get(how.concerns) or _known(complaint, how, known)
                    if how.by_status:  # the answer for every id, by their statuses
                        key = (how.name, every)
                        found = _EVERY_ID.get(key)
                        if found is None:
                            if len(_EVERY_ID) > 10_000:  # a few per command; bounded
                                _EVERY_ID.clear()
                            found = _EVERY_ID[key] = _merged([
                                _refused(complaint, how, i, at, statuses)
                                for i in _any_id(complaint, how.concerns)])
                        reasons = found
                    else:
                        reasons = _merged([_refused(complaint, how, i, at, statuses)
                                           for i in _any_id(complaint, how.concerns)])
                if not reasons:
                    ids_ready[how.name] = ready
                    ready_for[how.name] = list(ready)
                    continue
        if reasons:
            refused.add(how.name)
            blocked.append({"command": how.name, "reasons": [
                {"code": r.code, "kind": _KINDS.get(r.code) or _kind(r), "message": r.message,
                 "argument": r.argument} for r in reasons]})
    permitted = plan[0]
    ready_now: list[JsonValue] = ([*filterfalse(refused.__contains__, permitted)]
                                  if refused else list(permitted))
    return ready_now, ready_for, ids_ready, blocked, refused


_KINDS: dict[str, str] = {}
"""The kind of each reason code met, as JSON (one per declared code)."""


def _kind(reason: Reason) -> str:
    kind = _KINDS[reason.code] = reason.kind._value_  # raises for an undeclared code
    return kind


_Known = tuple[dict[str, object], tuple[tuple[str, object], ...]]
_EVERY_ID: dict[tuple[str, tuple[tuple[str, object], ...]], list[Reason]] = {}
"""Why a row that reads only the status of ids not open refuses every id there is (none
open), by command and every id with its status."""


def _known(complaint: Complaint, how: _Spec, known: dict[bool, _Known]) -> _Known:
    """The status of each concern (or action item, as ``how`` is about) by its id, and as
    a key (a concern's status by its value: an enum member hashes in Python, each time)."""
    statuses: dict[str, object] = (
        {concern.id: concern.status._value_ for concern in complaint.concerns} if how.concerns
        else {action.id: action.completed_at is None for action in complaint.actions})
    found = known[how.concerns] = (statuses, tuple(statuses.items()))
    return found


def _merged(each: list[list[Reason]]) -> list[Reason]:
    """Every reason of ``each``, once, in order (equal reasons are equal in every field: a
    set of the fields finds them in one pass, where comparing each with those kept is
    quadratic)."""
    if len(each) == 1:
        return each[0]
    reasons: list[Reason] = []
    seen: set[tuple[str, str, str | None]] = set()
    for found in each:
        for reason in found:
            key = (reason.code, reason.message, reason.argument)
            if key not in seen:
                seen.add(key)
                reasons.append(reason)
    return reasons


def _ordered(complaint: Complaint) -> list[Concern]:
    """The open concerns, the customer's priority first, then in the order heard."""
    open_concerns = [concern for concern in complaint.concerns
                     if concern.status is _OPEN]
    if not complaint.priority:
        return open_concerns
    unranked = {concern.id: concern for concern in open_concerns}
    ranked = [unranked.pop(i) for i in complaint.priority if i in unranked]
    return [*ranked, *unranked.values()] if unranked else ranked


def _any_id(complaint: Complaint, concerns: bool) -> list[str]:
    """The ids to show a refusal with when none is open: every one there is, or the next
    one (which does not exist yet)."""
    if concerns:
        return [c.id for c in complaint.concerns] or ["K1"]
    return [a.id for a in complaint.actions] or ["A1"]

# --- the playbook ------------------------------------------------------------------------

_CONDUCT = frozenset({"let_vent", "express_empathy", "apologize"})

_Step = tuple[str, dict[str, JsonValue], str, "str | None"]
"""A next step: its command, the arguments the library fills in, why, and when (for a step
that depends on what the customer says or does)."""


def _ids(concerns: Iterable[Concern]) -> str:
    return _ids_of([concern.id for concern in concerns])


def _ids_of(names: list[str]) -> str:
    """``K1``, ``K1 and K2``, ``K1, K2 and K3``."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


_NO_IDS: frozenset[str] = frozenset()


class _State:
    """What the playbook reads of a complaint, worked out once."""

    __slots__ = ("anything_open", "at", "c", "follow_up", "ordered", "planned", "unmet")

    def __init__(self, c: Complaint, at: datetime, ordered: list[Concern],
                 anything_open: bool) -> None:
        self.c, self.at, self.ordered = c, at, ordered
        self.planned = ({i for action in c.actions for i in action.concern_ids} if c.actions
                        else _NO_IDS)
        self.anything_open = anything_open
        self.follow_up = c.follow_up_at.isoformat() if c.follow_up_at is not None else None
        self.unmet = _interactional_unmet(c, ordered)


def _playbook(s: _State) -> list[_Step]:
    """The sources' next steps for the complaint as it stands, most pressing first."""
    c = s.c
    stage = c.stage
    steps: list[_Step] = []
    heard = bool(c.concerns)
    if stage in _VENTING and not c.vented and c.practices.emotion is not _CALM:
        steps.append(("let_vent", {}, "Let the customer vent without interrupting before "
                                      "going on.", "the customer needs to vent"))
    if stage is not _CLOSED and heard and not c.empathy_expressed:
        steps.append(("express_empathy", {}, "Show that you understand how the customer feels "
                                             "(best practice 2).", None))
    if stage in _LISTENED and heard and not c.apologized:
        required = " before responding, as the policy requires" if (
            c.policy.apology_before_response) else ""
        steps.append(("apologize", {}, f"Apologize{required} (Evenson: always apologize).",
                      None))
    steps += _STAGE_STEPS[stage](s)
    return steps


_VENTING = frozenset({Stage.VERIFYING, Stage.LISTENING})
_CLOSED, _RESPONDING, _FOLLOWING_UP = Stage.CLOSED, Stage.RESPONDING, Stage.FOLLOWING_UP
_OPEN, _CALM = ConcernStatus.OPEN, Emotion.CALM
_EXPLANATION: JsonValue = InteractionalNeed.EXPLANATION.value
"""Read once: an enum member is slow to look up on its class."""
_LISTENED = frozenset({Stage.LISTENING, Stage.PRIORITIZING, Stage.ASSESSING_IMPACT})


def _verifying(s: _State) -> list[_Step]:
    return [("verify_customer", {}, "Verify who is speaking, how to call them back and "
                                    "whether they are entitled to the service (IBM step 1).",
             None),
            ("refer", {}, "Refer the customer elsewhere.",
             "they are not entitled to the service, or it is not for this company")]


def _listening(s: _State) -> list[_Step]:
    steps: list[_Step] = []
    for concern in s.c.concerns:
        if not concern.is_open:
            continue
        k: dict[str, JsonValue] = {"concern_id": concern.id}
        if concern.restatement is None:
            steps.append(("restate_concern", k, f"Restate {concern.id} in your own words and "
                                                "ask the customer to confirm it.", None))
        elif not concern.confirmed:
            steps.append(("confirm_concern", k, f"Ask the customer whether your restatement "
                                                f"of {concern.id} is right.", None))
            steps.append(("reject_restatement", k, f"Record their correction of {concern.id}, "
                                                   "then restate it again.",
                          "the customer says the restatement is wrong"))
    if not s.c.concerns:
        steps.append(("hear_concern", {}, "Ask what is wrong and record each concern in the "
                                          "customer's own words (IBM step 2).", None))
    else:
        steps.append(("hear_concern", {}, "Ask whether there is anything else, and record it "
                                          "in the customer's own words.",
                      "the customer raises another concern"))
        steps.append(("no_more_concerns", {}, "Once every concern is restated and confirmed "
                                              "and there is nothing else, say so.", None))
    return steps


def _prioritizing(s: _State) -> list[_Step]:
    return [("prioritize", {}, f"Ask the customer which matters most and record their order "
                               f"of {_ids(s.ordered)}, most urgent first (IBM step 3).", None)]


def _assessing(s: _State) -> list[_Step]:
    steps: list[_Step] = []
    for concern in s.ordered:
        k: dict[str, JsonValue] = {"concern_id": concern.id}
        if concern.impact is None:
            steps.append(("assess_impact", k, f"Ask what {concern.id} means to the customer "
                                              "and how badly it hurts (IBM step 4).", None))
        elif not concern.impact.agreed:
            steps.append(("confirm_impact", k, f"Ask the customer to confirm the impact of "
                                               f"{concern.id} as you described it.", None))
            steps.append(("assess_impact", k, f"Describe the impact of {concern.id} again, as "
                                              "the customer corrects it.",
                          "the customer corrects the impact"))
    steps.append(("begin_response", {}, "Every impact is agreed: start responding.", None))
    return steps


def _work(s: _State) -> list[_Step]:
    """Responding and following up: relief or a plan for each open concern, most urgent
    first; compensation within authority; the action items; resolutions."""
    c = s.c
    steps: list[_Step] = []
    contact = c.contact
    if c.stage is _FOLLOWING_UP:
        if contact is not None and not contact.reviewed:
            return [("review_open_items", {}, "Start the contact by going over the open items "
                                              "and what each side did (IBM step 6).", None)]
        if contact is None and s.anything_open:
            others = briefing_needed(c)
            if others:
                steps.append(("brief_team", {}, f"{_ids_of(others)} involve others: meet the "
                                                "internal team and agree what to tell the "
                                                "customer before the contact (IBM step 6).",
                              None))
            due = f" (the follow-up is due {s.follow_up})" if s.follow_up is not None else ""
            steps.append(("start_contact", {}, f"When the customer is next in touch{due}, "
                                               "start the contact.", None))
    responded = []
    for concern in s.ordered:
        k: dict[str, JsonValue] = {"concern_id": concern.id}
        if concern.relief or concern.id in s.planned:
            responded.append(concern)
            continue
        why = (f"{concern.id} needs a response (IBM step 5): relief now, a plan item, a "
               "resolution or an explanation.")
        steps += [("give_relief", k, why, None),
                  ("plan_action", {"concern_ids": [concern.id]}, why, None),
                  ("resolve_concern", k, why, "it is fixed"),
                  ("mark_unresolvable", k, why, "it cannot be fixed")]
    for concern in s.ordered if s.unmet else ():
        if _EXPLANATION in s.unmet.get(concern.id, ()):
            steps.append(("explain_finding", {"concern_id": concern.id},
                          f"The customer needs to be told what happened with {concern.id}: "
                          "explain what was found, clearly and honestly (Evenson step 2).",
                          None))
    if c.stage is _FOLLOWING_UP:
        steps.append(("hear_concern", {}, "Record the new concern in the customer's own words "
                                          "(IBM step 6).", "the customer raises a new concern"))
    steps.append(("offer_compensation", {}, "Offer compensation within the authority left "
                                            "(see authority).",
                  "the customer is owed compensation"))
    steps.append(("escalate", {}, "Escalate to someone with more authority.",
                  "the customer needs more than your authority allows, or asks for a "
                  "supervisor"))
    for action in c.actions:
        if action.is_open:
            steps.append(("complete_action", {"action_id": action.id},
                          f"Record that {action.id} is done.", "it is done"))
    for concern in responded:
        k = {"concern_id": concern.id}
        steps += [("resolve_concern", k, f"Record how {concern.id} was fixed.", "it is fixed"),
                  ("mark_unresolvable", k, f"Explain why {concern.id} cannot be fixed, and "
                                           "what is offered instead.", "it cannot be fixed")]
    follow_up_ahead = c.follow_up_at is not None and c.follow_up_at > s.at
    if c.stage is _RESPONDING:
        if s.anything_open and not follow_up_ahead:
            steps.append(("schedule_follow_up", {}, "Items stay open: agree when the next "
                                                    "contact will be (IBM step 5).", None))
        steps.append(("confirm_next_steps", {}, "Confirm that the customer understands the "
                                                "next steps (IBM step 5).", None))
        return steps
    if contact is not None:
        latest = c.timeline.follow_up  # the latest scheduled: was one agreed in this contact?
        updated = latest is not None and latest.scheduled_at >= contact.started_at
        if s.anything_open and (not updated or not follow_up_ahead):
            steps.append(("schedule_follow_up", {}, "Items stay open: agree when the next "
                                                    "contact will be before ending this one "
                                                    "(IBM step 6).", None))
        steps.append(("end_contact", {}, "End the contact." if s.anything_open else
                      "Everything is resolved or explained: end the contact.", None))
    if not s.anything_open:
        steps.append(("begin_recap", {}, "Everything is resolved or explained: recap (IBM "
                                         "step 7).", None))
    return steps


def _recapping(s: _State) -> list[_Step]:
    c = s.c
    steps: list[_Step] = []
    if not c.recapped:
        steps.append(("recap", {}, "Recap every concern and its outcome (IBM step 7).", None))
    if c.closure is None:
        steps.append(("seek_closure", {}, "Ask whether the customer is satisfied.", None))
    if not c.thanked:
        steps.append(("thank_customer", {}, "Thank the customer for raising it (Evenson).",
                      None))
    if c.timeline.check_in is None:
        steps.append(("schedule_check_in", {}, _CHECK_IN, None))
    steps.append(("close", {}, "Close the complaint.", None))
    return steps


_CHECK_IN = ("Agree when you will check in after the close, by phone, email or a survey, to "
             "make sure it stays fixed (Evenson step 4).")


def _closed(s: _State) -> list[_Step]:
    c = s.c
    steps: list[_Step] = []
    check_in = c.timeline.check_in
    back = check_in is not None and check_in.outcome is CheckInOutcome.PROBLEM_BACK
    if back:
        steps.append(("reopen", {}, "The check-in found the problem back: reopen the "
                                    "complaint.", None))
    if c.feedback is None:
        steps.append(("record_feedback", {}, "Ask for the customer's feedback.",
                      "the customer gives feedback"))
    if not c.root_causes:
        steps.append(("record_root_cause", {}, "Record why it went wrong (Evenson step 2).",
                      None))
    if any(cause.company_at_fault for cause in c.root_causes) and not c.preventive_actions:
        steps.append(("record_preventive_action", {}, "The company was at fault: record what "
                                                      "will stop it happening again (Evenson "
                                                      "step 5).", None))
    if check_in is None or check_in.outcome is CheckInOutcome.NO_REPLY:
        again = "" if check_in is None else "The customer could not be reached: "
        steps.append(("schedule_check_in", {}, again + _CHECK_IN, None))
    elif check_in.held is None:
        steps.append(("record_check_in", {}, f"At the check-in (due "
                                             f"{check_in.due.isoformat()}), record whether the "
                                             "problem stays fixed, and the customer's score.",
                      "the check-in takes place"))
    if not back:
        steps.append(("reopen", {}, "Reopen the complaint.", "the customer comes back about it"))
    return steps


_STAGE_STEPS = {
    Stage.VERIFYING: _verifying, Stage.LISTENING: _listening, Stage.PRIORITIZING: _prioritizing,
    Stage.ASSESSING_IMPACT: _assessing, Stage.RESPONDING: _work, Stage.FOLLOWING_UP: _work,
    Stage.RECAPPING: _recapping, Stage.CLOSED: _closed}

_DONE = "Nothing is left to do for this complaint."


# --- the guidance ------------------------------------------------------------------------


def _reason(reason: Reason) -> dict[str, JsonValue]:
    return {"code": reason.code, "kind": reason.kind._value_, "message": reason.message,
            "argument": reason.argument}


def _interactional_unmet(complaint: Complaint, ordered: list[Concern],
                         ) -> dict[str, list[JsonValue]]:
    """Per open concern whose needs were recorded, the interactional needs not yet met
    (the three-step method), as the recap judges them."""
    for concern in ordered:
        if concern.needs is not None:
            break
    else:
        return _NONE_UNMET  # nothing recorded: the recap need not be worked out
    return {recap.concern_id: [need._value_ for need in recap.interactional_unmet]
            for recap in complaint.recap() if recap.interactional_unmet}


_NONE_UNMET: dict[str, list[JsonValue]] = {}  # shared, never changed


def _needs(concern: Concern, planned: typing.AbstractSet[str]) -> list[JsonValue]:
    needs: list[JsonValue] = []
    if concern.restatement is None:
        needs.append("restatement")
    if not concern.confirmed:
        needs.append("confirmation")
    if concern.impact is None:
        needs.append("impact")
    if concern.impact is None or not concern.impact.agreed:
        needs.append("impact_agreed")
    if not concern.relief and concern.id not in planned:
        needs.append("response")
    needs.append("resolution")
    return needs


def next_steps(complaint: Complaint, *, at: datetime | None = None,
               limits: AgentLimits | None = None) -> dict[str, JsonValue]:
    """What an agent should do next with ``complaint`` (at ``at``, by default the time of
    its last change), as JSON-safe data:

    * ``advice``: one sentence, from the sources, of what to do next;
    * ``steps``: the sources' next steps, most pressing first, each ready now: its
      ``command``, the ``arguments`` the library fills in (the ids it is for), ``why``,
      and ``when`` for a step that depends on what the customer says or does;
    * ``allowed``: every command the stage allows now (but those the host denies);
      ``ready`` those of them the complaint would accept now, with ``ready_for`` the ids
      each command about one concern or action item is ready for; ``blocked`` the others,
      each with the ``reasons`` it would be refused now, as a rejection gives them;
    * ``open_concerns``: each open concern, the customer's priority first, with what it
      still ``needs``: ``restatement``, ``confirmation``, ``impact``, ``impact_agreed``,
      ``response`` (relief or a plan item) and ``resolution`` (resolved or explained);
      and, when its needs were recorded (``record_needs``), the interactional needs not
      yet met (``interactional_unmet``: ``heard``, ``empathy``, ``apology``,
      ``explanation``);
    * ``open_actions``: the open action items, with their owner and due time;
    * ``conduct``: the conduct still owed (``required`` by the policy, or advised by the
      sources), and what it must come ``before``;
    * ``authority``: per currency, the limit in force, what was offered, what is left, and
      the ceiling the host sets on an agent's own escalation;
    * ``follow_up_at``, ``contact``, and the running ``clocks``
      (:func:`~complaintflow.deadlines`) with their due times.
    """
    if not isinstance(complaint, Complaint):
        raise InvalidValueError(f"expected a Complaint, got {type(complaint).__name__}",
                                argument="complaint")
    now = complaint.updated_at if at is None else utc(at)
    limits = limits or NO_LIMITS
    deny = limits.deny
    ordered = _ordered(complaint)
    if not _SPECS:
        _all_specs()  # (and each command's id argument, which the steps below read)
    allowed_now = complaint.allowed_commands()
    plan = _PLANS.get((allowed_now, deny))
    if plan is None:
        plan = _plan(allowed_now, deny)
    open_actions = [action for action in complaint.actions if action.completed_at is None]
    ready_now, ready_for, ids_ready, blocked, refused = _readiness(
        complaint, now, ordered,
        [action.id for action in open_actions], plan)
    state = _State(complaint, now, ordered, bool(ordered or open_actions))
    steps: list[JsonValue] = []
    advice: str | None = None
    shown = plan[2]
    for name, given, why, when in _playbook(state):
        if name in refused or name not in shown:
            continue
        ids = ids_ready.get(name)
        if ids is not None and given.get(_TARGET_OF[name]) not in ids:
            continue  # ready, but not for this id
        steps.append({"command": name, "arguments": given, "why": why, "when": when})
        if advice is None and when is None and name not in _CONDUCT:
            advice = why
    policy = complaint.policy
    stage = complaint.stage
    conduct: list[JsonValue] = []
    if stage is not _CLOSED:
        if not complaint.apologized and stage in _BEFORE_RESPONSE and complaint.concerns:
            conduct.append({"command": "apologize", "required": policy.apology_before_response,
                            "before": "begin_response"})
        if not complaint.empathy_expressed and complaint.concerns:
            conduct.append({"command": "express_empathy", "required": False, "before": None})
        if not complaint.thanked and policy.thanks_before_close and stage in _CLOSING:
            conduct.append({"command": "thank_customer", "required": True, "before": "close"})
    contact = complaint.contact
    unmet = state.unmet
    return {
        "stage": stage._value_,
        "at": now.isoformat(),
        "advice": advice or (_first_why(steps) if steps else _DONE),
        "steps": steps,
        "allowed": list(plan[0]),  # a copy: the plan's is shared
        "ready": ready_now,
        "ready_for": ready_for,
        "blocked": blocked,
        "open_concerns": [{"concern_id": concern.id, "text": concern.text,
                           "severity": (concern.impact.severity._value_ if concern.impact
                                        else None),
                           "needs": _needs(concern, state.planned),
                           "interactional_unmet": unmet.get(concern.id, [])}
                          for concern in ordered],
        "open_actions": [{"action_id": action.id, "description": action.description,
                          "owner": action.owner._value_, "due": action.due.isoformat(),
                          "concern_ids": list(action.concern_ids), "overdue": action.due < now}
                         for action in open_actions],
        "conduct": conduct,
        "authority": _authority(complaint, limits),
        "follow_up_at": state.follow_up,
        "contact": ({"channel": contact.channel, "reviewed": contact.reviewed}
                    if contact is not None else None),
        "clocks": _clocks(complaint, now),
    }


_PLANS: dict[tuple[tuple[str, ...], frozenset[str]], _Plan] = {}


def _plan(allowed: tuple[str, ...], deny: frozenset[str]) -> _Plan:
    """The commands to show for a stage's allowed commands (but the denied), and how to
    probe those whose guard may refuse a probe; worked out once per stage and limits."""
    specs = _all_specs()
    permitted = [name for name in allowed if name not in deny]
    probed = tuple(specs[name] for name in permitted if specs[name].kind != _NEVER)
    if len(_PLANS) > 1_000:  # a few per stage; bounded whatever the hosts' limits
        _PLANS.clear()
    found = _PLANS[(allowed, deny)] = (permitted, probed, frozenset(permitted))
    return found


def _first_why(steps: list[JsonValue]) -> str:
    first = steps[0]
    assert isinstance(first, dict)
    why = first["why"]
    assert isinstance(why, str)
    return why


_CLOSING = frozenset({Stage.RESPONDING, Stage.FOLLOWING_UP, Stage.RECAPPING})
_BEFORE_RESPONSE = frozenset({Stage.VERIFYING, Stage.LISTENING, Stage.PRIORITIZING,
                              Stage.ASSESSING_IMPACT})


_AuthorityRow = tuple[str, str | None, str, str | None, str | None]
_Offers = tuple[tuple[object, str | None], ...]
_AUTHORITY: dict[tuple[int, int, _Offers, _Offers],
                 tuple[Policy, AgentLimits, tuple[_AuthorityRow, ...]]] = {}
"""The authority rows by what alone sets them: the policy and the host's limits (by object,
both held so that their ids are not reused while they are a key), and each compensation's
and escalation's currency and amount, as written (``1.0`` and ``1.00`` are equal
decimals, but not the same text)."""


def _authority(complaint: Complaint, limits: AgentLimits) -> list[JsonValue]:
    """Per currency: the limit in force, what was offered, what is left, the ceiling."""
    policy = complaint.policy
    key = (id(policy), id(limits),
           tuple([(c.currency, None if c.amount is None else str(c.amount))
                  for c in complaint.compensations]) if complaint.compensations else (),
           tuple([(e.currency, None if e.authority_limit is None else str(e.authority_limit))
                  for e in complaint.escalations]) if complaint.escalations else ())
    entry = _AUTHORITY.get(key)
    if entry is None or entry[0] is not policy or entry[1] is not limits:
        if len(_AUTHORITY) >= 1024:  # a few policies, limits and offers at a time; bounded
            _AUTHORITY.clear()
        entry = _AUTHORITY[key] = (policy, limits, _authority_rows(complaint, limits))
    return [{"currency": currency, "limit": limit, "offered": offered, "left": left,
             "ceiling": ceiling} for currency, limit, offered, left, ceiling in entry[2]]


def _authority_rows(complaint: Complaint, limits: AgentLimits) -> tuple[_AuthorityRow, ...]:
    offered: dict[str, Decimal] = {}
    for compensation in complaint.compensations:
        if compensation.currency is not None and compensation.amount is not None:
            offered[compensation.currency] = (offered.get(compensation.currency, _ZERO)
                                              + compensation.amount)
    currencies = {money.currency for money in complaint.policy.authority_limits}
    currencies.update(e.currency for e in complaint.escalations if e.currency is not None)
    currencies.update(offered)
    found: list[_AuthorityRow] = []
    for currency in sorted(currencies):
        limit = complaint.authority_limit(currency)
        total = offered.get(currency, _ZERO)
        ceiling = limits.ceiling(currency) if limits.authority_ceiling is not None else None
        found.append((
            currency,
            fixed_point(limit) if limit is not None else None,
            fixed_point(total),
            fixed_point(max(limit - total, _ZERO)) if limit is not None else None,
            fixed_point(ceiling) if ceiling is not None else None,
        ))
    return tuple(found)


_ZERO = Decimal(0)


def _clocks(complaint: Complaint, at: datetime) -> list[JsonValue]:
    if not complaint.policy.regimes:
        return []
    return [{"regime": status.regime, "clock": status.clock, "state": status.state.value,
             "due_at": status.due_at.isoformat() if status.due_at is not None else None}
            for status in deadlines(complaint, at=at)
            if status.stopped_at is None and status.state is not ClockState.NOT_APPLICABLE]

