"""Evaluate a complaint's clocks at a given time: :func:`deadlines`.

Nothing here runs when a command is applied: the complaint keeps the state the clocks
need (its ``timeline``: the first communication of each kind, the latest follow-up and
touches, the pause intervals, when the stage last changed), bounded however long its log
grows, and a clock is computed from it, lazily, when a host asks. Only what happened at or
before ``at`` counts. The evaluation is exact at or after the complaint's last change; for
an earlier time, evaluate the complaint as it stood then (``Complaint.from_events(log,
as_of=at)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Protocol

from attrs import frozen

from .._values.checks import utc
from .._values.enums import CommunicationKind, Outcome, Stage, StrEnum
from .._values.errors import InvalidValueError
from .._values.parts import PauseInterval, Timeline, Touch
from .calendar import BusinessCalendar, per_object
from .regime import ClockKind, ClockRule, DayEnd, Limit, Regime, Unit


class _Regimes(Protocol):
    @property
    def regimes(self) -> tuple[Regime, ...]: ...


class ClockSubject(Protocol):
    """What the clocks read of a complaint: a :class:`~complaintflow.Complaint` is one."""

    @property
    def received_at(self) -> datetime: ...
    @property
    def stage(self) -> Stage: ...
    @property
    def outcome(self) -> Outcome | None: ...
    @property
    def closed_at(self) -> datetime | None: ...
    @property
    def timeline(self) -> Timeline: ...
    @property
    def policy(self) -> _Regimes: ...


_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
_ENDED_BY_LEAVING = (Outcome.WITHDRAWN, Outcome.REFERRED)
_NO_PAUSES: tuple[PauseInterval, ...] = ()
_NO_GRACE = Limit(amount=1, unit=Unit.HOURS)  # a next contact without grace: elapsed time


class ClockState(StrEnum):
    """Where a clock stands at a given time."""

    RUNNING = "running"
    """Started, not stopped, not yet due."""
    PAUSED = "paused"
    """Started, not stopped, not yet due, and standing still (waiting on the customer)."""
    MET = "met"
    """Stopped at or before its due time."""
    BREACHED = "breached"
    """Stopped after its due time, or still running past it."""
    NOT_APPLICABLE = "not_applicable"
    """Not started, or the rule does not apply to this complaint (see the clock's rule)."""


@frozen(kw_only=True)
class ClockStatus:
    """One clock of one regime, evaluated at ``at``.

    ``due_at`` is the last instant that meets the clock (pauses included; a day-based limit
    ends at the local midnight that ends its last day, or at its close of business).
    ``remaining`` is ``due_at - at`` while the clock runs, is paused or is overdue (then
    negative); ``None`` once it stopped or when it does not apply. ``started_by``,
    ``stopped_by`` and the ``start_seq``/``end_seq`` of ``pauses`` are the ``seq`` numbers
    of the events that started, stopped and paused it (``started_by`` is ``None`` when the
    clock started with a stage change).
    """

    regime: str
    clock: str
    rule: str
    state: ClockState
    at: datetime
    due_at: datetime | None = None
    remaining: timedelta | None = None
    started_at: datetime | None = None
    started_by: int | None = None
    stopped_at: datetime | None = None
    stopped_by: tuple[int, ...] = ()
    pauses: tuple[PauseInterval, ...] = ()

    @property
    def breached(self) -> bool:
        """Whether the clock is breached."""
        return self.state is ClockState.BREACHED


# --- limits -------------------------------------------------------------------------------


def _day_end(calendar: BusinessCalendar, day: date, limit: Limit) -> datetime:
    if limit.ends is DayEnd.CLOSE_OF_BUSINESS:
        return calendar.close_of_business(day)
    return calendar.end_of_day(day)


def due_after(calendar: BusinessCalendar, start: datetime, limit: Limit,
              from_next_business_day: bool = False) -> datetime:
    """When ``limit`` runs out for a clock started at ``start`` (UTC), with no pauses."""
    unit = limit.unit
    if unit is Unit.HOURS:
        if from_next_business_day:  # received after hours: from the next opening
            local = calendar.local(start).date()
            day = calendar.receipt_day(start)
            if day != local:
                start = calendar.at_local(day, calendar.opens_at)
        return start + timedelta(hours=limit.amount)
    if unit is Unit.BUSINESS_HOURS:  # business time does not run after hours anyway
        return calendar.add_business_time(start, timedelta(hours=limit.amount))
    day = (calendar.receipt_day(start) if from_next_business_day
           else calendar.local(start).date())
    if unit is Unit.BUSINESS_DAYS:
        count = limit.amount
        if limit.counts_start_day and calendar.is_working_day(day):
            count -= 1  # the start day is day 1
        return _day_end(calendar, calendar.add_working_days(day, count), limit)
    days = limit.amount * 7 if unit is Unit.WEEKS else limit.amount
    if limit.counts_start_day:
        days -= 1
    return _day_end(calendar, day + timedelta(days=days), limit)


def _scale(calendar: BusinessCalendar, unit: Unit) -> tuple[Callable[[datetime], timedelta],
                                                             Callable[[timedelta], datetime]]:
    """The clock's time scale for ``unit``: a monotone position of an instant, and back.
    Pauses are measured on it, so a pause extends a deadline by the time it takes from it:
    business time for business units, elapsed time for the others (a wall-clock scale would
    run backwards in the hour repeated when daylight saving ends)."""
    if unit in _BUSINESS_UNITS:
        return calendar.business_position, calendar.at_business_position
    return _elapsed, _at_elapsed


def _elapsed(t: datetime) -> timedelta:
    return t - _EPOCH


def _at_elapsed(p: timedelta) -> datetime:
    return _EPOCH + p


def _merged(pauses: Sequence[PauseInterval], start: datetime,
            horizon: datetime) -> list[tuple[datetime, datetime, bool]]:
    """The pause intervals within [start, horizon], merged: (begin, end, still open)."""
    spans = sorted(
        (max(p.start, start), horizon if p.end is None or p.end > horizon else p.end,
         p.end is None or p.end > horizon)
        for p in pauses if p.start <= horizon
    )
    merged: list[tuple[datetime, datetime, bool]] = []
    for begin, end, still in spans:
        if end <= begin and not still:
            continue
        if merged and begin <= merged[-1][1]:
            last = merged[-1]  # an open span ends at the horizon, the latest end of all
            merged[-1] = (last[0], max(last[1], end), last[2] or still)
            continue
        merged.append((begin, end, still))
    return merged


_DAY_UNITS = (Unit.CALENDAR_DAYS, Unit.BUSINESS_DAYS, Unit.WEEKS)
_BUSINESS_UNITS = (Unit.BUSINESS_HOURS, Unit.BUSINESS_DAYS)


def _day_limit_end(calendar: BusinessCalendar, limit: Limit, position: timedelta) -> datetime:
    """The end of the day on which a day-based clock's extended ``position`` falls: a
    day-based limit ends at the end of its last day (or at its close of business), never
    in the middle of it, however long the pauses that moved it were."""
    if limit.unit is Unit.BUSINESS_DAYS:  # business time: the day the position is reached
        day = calendar.business_day_of(position)
    else:
        landing = calendar.local(_at_elapsed(position))
        day = landing.date()
        if landing.time() == time(0):
            day -= timedelta(days=1)  # local midnight ends the day before (ISO 8601's 24:00)
        if (limit.ends is DayEnd.CLOSE_OF_BUSINESS
                and _at_elapsed(position) > calendar.close_of_business(day)):
            day += timedelta(days=1)
    return _day_end(calendar, day, limit)


def _with_pauses(calendar: BusinessCalendar, limit: Limit, start: datetime, due: datetime,
                 pauses: Sequence[PauseInterval], horizon: datetime,
                 ) -> tuple[datetime, bool, tuple[PauseInterval, ...]]:
    """``due`` extended by the pauses that began before it; whether one is open at the
    horizon; the pause intervals that counted. A day-based limit still ends at the end of
    the day the extension reaches."""
    if not pauses or horizon < start:
        return due, False, ()
    unit = limit.unit
    position, at_position = _scale(calendar, unit)
    due_position = position(due)
    extended = False
    paused_now = False
    for begin, end, still in _merged(pauses, start, horizon):
        if position(begin) >= due_position:
            break
        due_position += position(end) - position(begin)
        extended = True
        paused_now = still
    if not extended:
        return due, False, ()
    if unit in _BUSINESS_UNITS:  # counted over working days: their holidays must be known
        calendar.require_covers(calendar.local(start).date(),
                                calendar.business_day_of(due_position))
    landing = (_day_limit_end(calendar, limit, due_position) if unit in _DAY_UNITS
               else at_position(due_position))
    extended_due = max(due, landing)
    counted = tuple(p for p in pauses if p.start <= horizon and p.start < extended_due
                    and (p.end is None or p.end > start))
    return extended_due, paused_now, counted


# --- evaluation ---------------------------------------------------------------------------


def _decide(regime: Regime, rule: ClockRule, at: datetime, *, started_at: datetime,
            started_by: int | None, due: datetime, stopped_at: datetime | None,
            stopped_by: tuple[int, ...], paused: bool,
            pauses: tuple[PauseInterval, ...]) -> ClockStatus:
    if stopped_at is not None:
        state = ClockState.MET if stopped_at <= due else ClockState.BREACHED
        remaining = None
    else:
        remaining = due - at
        if at > due:
            state = ClockState.NOT_APPLICABLE if rule.optional else ClockState.BREACHED
        else:
            state = ClockState.PAUSED if paused else ClockState.RUNNING
        if state is ClockState.NOT_APPLICABLE:
            remaining = None
    return ClockStatus(regime=regime.name, clock=rule.name, rule=rule.rule, state=state, at=at,
                       due_at=due, remaining=remaining, started_at=started_at,
                       started_by=started_by, stopped_at=stopped_at, stopped_by=stopped_by,
                       pauses=pauses)


def _not_applicable(regime: Regime, rule: ClockRule, at: datetime) -> ClockStatus:
    return ClockStatus(regime=regime.name, clock=rule.name, rule=rule.rule,
                       state=ClockState.NOT_APPLICABLE, at=at)


def _left(complaint: ClockSubject, at: datetime, since: datetime) -> bool:
    """Whether the customer withdrew the complaint, or it was referred away, by ``at``."""
    closed_at = complaint.closed_at
    return (closed_at is not None and since <= closed_at <= at
            and complaint.outcome in _ENDED_BY_LEAVING)


HISTORY_NOT_KEPT = "history_not_kept"


def _history_needed(complaint: ClockSubject, rule: ClockRule, at: datetime, what: str,
                    when: datetime) -> None:
    """Refuse a clock whose input at ``at`` the complaint no longer keeps: it holds state,
    not history, exact at or after its last change."""
    raise InvalidValueError(
        f"the {rule.name} clock at {at.isoformat()} needs history the complaint does not keep "
        f"({what} {when.isoformat()}): evaluate it on the complaint as it stood then, "
        "deadlines(Complaint.from_events(log, as_of=at), at=at)", argument="at",
        code=HISTORY_NOT_KEPT)


def _deadline(complaint: ClockSubject, regime: Regime, rule: ClockRule, at: datetime,
              met: Callable[[str], bool]) -> ClockStatus:
    # the first communication of each kind sent by `at`: any of a kind was sent by then
    # exactly when the first was, so the kept firsts answer for any time
    sent = [c for c in complaint.timeline.first_communications if c.at <= at]
    if rule.applies_after and not any(c.kind in rule.applies_after for c in sent):
        return _not_applicable(regime, rule, at)
    if any(met(name) for name in rule.unless_met):
        return _not_applicable(regime, rule, at)
    first: dict[CommunicationKind, tuple[datetime, int]] = {
        communication.kind: (communication.at, communication.seq) for communication in sent}
    stopped_at: datetime | None = None
    stopped_by: tuple[int, ...] = ()
    for condition in rule.stop_on:
        if all(kind in first for kind in condition.all_of):
            when = max(first[kind][0] for kind in condition.all_of)
            if stopped_at is None or when < stopped_at:
                stopped_at = when
                stopped_by = tuple(sorted({first[kind][1] for kind in condition.all_of}))
    start = complaint.received_at
    if stopped_at is None and _left(complaint, at, start):
        return _not_applicable(regime, rule, at)
    assert rule.limit is not None  # a deadline has a limit (checked by ClockRule)
    calendar = regime.calendar
    due = due_after(calendar, start, rule.limit, rule.from_next_business_day)
    paused, counted = False, _NO_PAUSES
    if rule.paused_by_customer_actions:
        horizon = at if stopped_at is None else stopped_at
        due, paused, counted = _with_pauses(calendar, rule.limit, start, due,
                                            complaint.timeline.pauses, horizon)
    return _decide(regime, rule, at, started_at=start, started_by=1, due=due,
                   stopped_at=stopped_at, stopped_by=stopped_by, paused=paused,
                   pauses=counted)


def _touched(touch: Touch | None, at: datetime) -> tuple[datetime | None, tuple[int, ...]]:
    """When, and by which event, a clock that stops at ``touch`` stopped by ``at``."""
    if touch is not None and touch.at <= at:
        return touch.at, (touch.seq,)
    return None, ()


def _graced(regime: Regime, rule: ClockRule, due: datetime) -> datetime:
    """A time agreed with the customer, plus the clock's limit as grace if it has one."""
    return due if rule.limit is None else due_after(regime.calendar, due, rule.limit)


def _next_contact(complaint: ClockSubject, regime: Regime, rule: ClockRule,
                  at: datetime) -> ClockStatus:
    timeline = complaint.timeline
    follow_up = timeline.follow_up
    if follow_up is None:
        return _not_applicable(regime, rule, at)
    if at < follow_up.scheduled_at:
        _history_needed(complaint, rule, at, "its latest follow-up was scheduled",
                        follow_up.scheduled_at)
    start = follow_up.scheduled_at
    stopped_at, stopped_by = _touched(timeline.follow_up_touch, at)
    closed_at = complaint.closed_at
    if stopped_at is None and closed_at is not None and start <= closed_at <= at:
        return _not_applicable(regime, rule, at)
    calendar = regime.calendar
    due = _graced(regime, rule, follow_up.due)
    paused, counted = False, _NO_PAUSES
    if rule.paused_by_customer_actions:
        limit = rule.limit if rule.limit is not None else _NO_GRACE
        horizon = at if stopped_at is None else stopped_at
        due, paused, counted = _with_pauses(calendar, limit, start, due,
                                            complaint.timeline.pauses, horizon)
    return _decide(regime, rule, at, started_at=start, started_by=follow_up.seq, due=due,
                   stopped_at=stopped_at, stopped_by=stopped_by, paused=paused, pauses=counted)


def _check_in(complaint: ClockSubject, regime: Regime, rule: ClockRule,
              at: datetime) -> ClockStatus:
    check_in = complaint.timeline.check_in
    if check_in is None:
        return _not_applicable(regime, rule, at)
    if at < check_in.scheduled_at:
        _history_needed(complaint, rule, at, "its latest check-in was scheduled",
                        check_in.scheduled_at)
    stopped_at, stopped_by = _touched(check_in.held, at)
    return _decide(regime, rule, at, started_at=check_in.scheduled_at,
                   started_by=check_in.seq, due=_graced(regime, rule, check_in.due),
                   stopped_at=stopped_at, stopped_by=stopped_by, paused=False,
                   pauses=_NO_PAUSES)


def _keep_in_loop(complaint: ClockSubject, regime: Regime, rule: ClockRule,
                  at: datetime) -> ClockStatus:
    since = complaint.timeline.stage_since or complaint.received_at
    if complaint.stage is not Stage.FOLLOWING_UP or since > at:
        return _not_applicable(regime, rule, at)
    start: datetime = since
    started_by: int | None = None
    touch = complaint.timeline.last_touch
    if touch is not None and touch.at > at:
        _history_needed(complaint, rule, at, "its latest contact or communication was",
                        touch.at)
    if touch is not None and touch.at >= since:
        start, started_by = touch.at, touch.seq
    assert rule.limit is not None  # a keep-in-loop clock has a limit (checked by ClockRule)
    calendar = regime.calendar
    due = due_after(calendar, start, rule.limit)
    paused, counted = False, _NO_PAUSES
    if rule.paused_by_customer_actions:
        due, paused, counted = _with_pauses(calendar, rule.limit, start, due,
                                            complaint.timeline.pauses, at)
    return _decide(regime, rule, at, started_at=start, started_by=started_by, due=due,
                   stopped_at=None, stopped_by=(), paused=paused, pauses=counted)


@per_object
def _order(regime: Regime) -> tuple[ClockRule, ...]:
    """The regime's clocks, each after the clocks its ``unless_met`` names (a cycle keeps the
    regime's order, and a clock not yet evaluated counts as not met)."""
    ordered: dict[str, ClockRule] = {}
    rules = {rule.name: rule for rule in regime.clocks}

    def visit(rule: ClockRule, path: frozenset[str]) -> None:
        if rule.name in ordered or rule.name in path:
            return
        for name in rule.unless_met:
            visit(rules[name], path | {rule.name})
        ordered[rule.name] = rule

    for rule in regime.clocks:
        visit(rule, frozenset())
    return tuple(ordered.values())


def _evaluate(complaint: ClockSubject, regime: Regime, at: datetime) -> list[ClockStatus]:
    results: dict[str, ClockStatus] = {}

    def met(name: str) -> bool:
        found = results.get(name)
        return found is not None and found.state is ClockState.MET

    for rule in _order(regime):
        if rule.kind is ClockKind.DEADLINE:
            results[rule.name] = _deadline(complaint, regime, rule, at, met)
        elif rule.kind is ClockKind.NEXT_CONTACT:
            results[rule.name] = _next_contact(complaint, regime, rule, at)
        elif rule.kind is ClockKind.CHECK_IN:
            results[rule.name] = _check_in(complaint, regime, rule, at)
        else:
            results[rule.name] = _keep_in_loop(complaint, regime, rule, at)
    return [results[rule.name] for rule in regime.clocks]


def deadlines(complaint: ClockSubject, *, at: datetime) -> tuple[ClockStatus, ...]:
    """Every clock of every regime the complaint's policy names, evaluated at ``at``.

    In the order of the policy's regimes and of each regime's clocks. Only what happened at
    or before ``at`` counts. Raises :class:`InvalidValueError` for a naive ``at``.

    Exact for any ``at`` at or after the complaint's last change (``updated_at``). The
    complaint keeps state, not history: for an earlier ``at``, the deadline clocks (every
    regulator's, and ``first_response``) still read what they need, the first
    communication of each kind and the pauses, but the stage and the outcome are those of
    the last change; a ``next_contact``, ``keep_in_loop`` or ``check_in`` clock that needs
    a follow-up, a contact or a check-in the complaint no longer keeps raises
    :class:`InvalidValueError` (code ``history_not_kept``). For an exact answer at any
    time, evaluate the complaint as it stood then:
    ``deadlines(Complaint.from_events(log, as_of=at), at=at)``.
    """
    try:
        regimes, received_at = complaint.policy.regimes, complaint.received_at
    except AttributeError:  # not a complaint: an Applied, say
        raise InvalidValueError(f"expected a Complaint, got {type(complaint).__name__}",
                                argument="complaint") from None
    when = utc(at)
    statuses: list[ClockStatus] = []
    for regime in regimes:
        if when < received_at:  # before the complaint existed, nothing applies
            statuses += [_not_applicable(regime, rule, when) for rule in regime.clocks]
        else:
            statuses += _evaluate(complaint, regime, when)
    return tuple(statuses)


def breaches(complaint: ClockSubject, *, at: datetime) -> tuple[ClockStatus, ...]:
    """The clocks of :func:`deadlines` that are breached at ``at``: for audits and alerts."""
    return tuple(status for status in deadlines(complaint, at=at) if status.breached)
