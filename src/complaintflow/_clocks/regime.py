"""Clock rules and regimes, as data: what a policy names, and what the clocks evaluate.

A :class:`ClockRule` says when a clock starts, what stops it, its limit and its pause rule;
a :class:`Regime` is a named set of them over one :class:`BusinessCalendar`. Everything here
is plain, serializable data; the evaluation lives in :mod:`complaintflow._clocks` and the
regulators' presets in :mod:`complaintflow._presets`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from attrs import Attribute, field, frozen

from .._values.checks import as_member, as_tuple, flag, non_blank
from .._values.enums import CommunicationKind, StrEnum
from .._values.errors import InvalidValueError
from .calendar import BusinessCalendar

T = TypeVar("T")


class Unit(StrEnum):
    """The unit of a clock's limit."""

    HOURS = "hours"
    """Elapsed hours, by the clock on the wall (an hour is an hour, DST or not)."""
    BUSINESS_HOURS = "business_hours"
    """Hours within the calendar's business hours on working days."""
    CALENDAR_DAYS = "calendar_days"
    """Days after the day the clock started, in the calendar's zone."""
    BUSINESS_DAYS = "business_days"
    """Working days after the day the clock started."""
    WEEKS = "weeks"
    """Whole weeks (7 calendar days each) after the day the clock started."""


class DayEnd(StrEnum):
    """When the last day of a day-based limit ends."""

    END_OF_DAY = "end_of_day"
    """Local midnight at the end of the day (ISO 8601's 24:00)."""
    CLOSE_OF_BUSINESS = "close_of_business"
    """The calendar's ``closes_at`` on that day."""


class ClockKind(StrEnum):
    """What starts a clock, and how it runs."""

    DEADLINE = "deadline"
    """Starts when the complaint is received; stops on a communication (``stop_on``)."""
    NEXT_CONTACT = "next_contact"
    """Starts when a follow-up is scheduled and is due at the scheduled time (plus the
    limit, if any, as grace); stops on the next contact or communication."""
    KEEP_IN_LOOP = "keep_in_loop"
    """Runs while the complaint is ``following_up``: restarts at every contact or
    communication, and is due ``limit`` after the last one. It is never met, only kept."""
    CHECK_IN = "check_in"
    """Starts when a check-in after the close is scheduled and is due at the scheduled
    time (plus the limit, if any, as grace); stops when the check-in is recorded. Reopening
    the complaint before it ends it."""


def _tuple_of(kind: type[T], argument: str) -> Any:
    def convert(value: Iterable[T]) -> tuple[T, ...]:
        items = as_tuple(value, argument)
        for item in items:
            if not isinstance(item, kind):
                raise InvalidValueError(f"{argument} must hold {kind.__name__} values, got "
                                        f"{type(item).__name__}", argument=argument)
        return items

    return convert


def _kinds(value: Iterable[CommunicationKind | str]) -> tuple[CommunicationKind, ...]:
    return tuple(as_member(CommunicationKind, item, "kinds")
                 for item in as_tuple(value, "kinds", "a list of communication kinds"))


def _unit(value: Unit | str) -> Unit:
    return as_member(Unit, value, "unit")


def _day_end(value: DayEnd | str) -> DayEnd:
    return as_member(DayEnd, value, "ends")


def _clock_kind(value: ClockKind | str) -> ClockKind:
    return as_member(ClockKind, value, "kind")


def _positive(_: object, attribute: Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidValueError(f"{attribute.name} must be a whole number, 1 or more",
                                argument=attribute.name)


def _clocks(value: Iterable[ClockRule]) -> tuple[ClockRule, ...]:
    clocks: tuple[ClockRule, ...] = _tuple_of(ClockRule, "clocks")(value)
    return clocks


def _stop_on(value: Iterable[StopWhen]) -> tuple[StopWhen, ...]:
    conditions: tuple[StopWhen, ...] = _tuple_of(StopWhen, "stop_on")(value)
    return conditions


def _names(value: Iterable[str]) -> tuple[str, ...]:
    names: tuple[str, ...] = _tuple_of(str, "unless_met")(value)
    return names


_DAY_UNITS = frozenset({Unit.CALENDAR_DAYS, Unit.BUSINESS_DAYS, Unit.WEEKS})
_SCHEDULED = frozenset({ClockKind.NEXT_CONTACT, ClockKind.CHECK_IN})
"""Clocks due at a time the agent agreed with the customer: their limit is grace."""


@frozen(kw_only=True)
class Limit:
    """How long a clock runs: ``amount`` of ``unit``; a day-based limit ends at the end of
    its last day, or at its close of business (``ends``).

    ``counts_start_day``: the day the clock starts on is day 1 (for business days, when it
    is a working day; else the next working day is), so the limit ends a day earlier than
    counting the days *after* it: "within 15 business days of receipt" read strictly.
    Only for day-based units.
    """

    amount: int = field(validator=_positive)
    unit: Unit = field(converter=_unit)
    ends: DayEnd = field(default=DayEnd.END_OF_DAY, converter=_day_end)
    counts_start_day: bool = field(default=False, validator=flag)

    def __attrs_post_init__(self) -> None:
        if self.counts_start_day and self.unit not in _DAY_UNITS:
            raise InvalidValueError(f"counts_start_day needs a day-based unit, not "
                                    f"{self.unit.value}", argument="counts_start_day")


@frozen(kw_only=True)
class StopWhen:
    """A clock stops once every communication kind in ``all_of`` has been sent; it stops at
    the last of them."""

    all_of: tuple[CommunicationKind, ...] = field(converter=_kinds)

    def __attrs_post_init__(self) -> None:
        if not self.all_of:
            raise InvalidValueError("all_of must name at least one communication kind",
                                    argument="all_of")


def stop_on_any(*kinds: CommunicationKind) -> tuple[StopWhen, ...]:
    """Stop conditions that any one of ``kinds`` meets."""
    return tuple(StopWhen(all_of=(kind,)) for kind in kinds)


@frozen(kw_only=True)
class ClockRule:
    """One clock: its name, the rule it implements (cited), when it starts and stops, its
    limit and its pause rule.

    ``stop_on``: the clock stops at the first of these conditions that is met.
    ``applies_after``: the clock applies only once one of these kinds has been sent (such as
    the 35-business-day limit after a holding response); empty means always.
    ``unless_met``: names of other clocks of the same regime; when one of them is met, this
    clock does not apply (such as the 8-week limit after a summary resolution).
    ``optional``: a window rather than a duty; when it passes without a stop it is
    ``not_applicable``, not ``breached``.
    ``from_next_business_day``: receipt on a non-working day or at or after the close of
    business counts as receipt on the next working day (for an ``hours`` limit, at its
    opening time; business hours skip that time anyway). A generous reading: no
    regulator's preset uses it by default.
    ``paused_by_customer_actions``: the clock stands still while an action item owned by the
    customer is open.
    """

    name: str = field(validator=non_blank)
    rule: str = field(validator=non_blank)
    description: str = field(validator=non_blank)
    kind: ClockKind = field(default=ClockKind.DEADLINE, converter=_clock_kind)
    limit: Limit | None = None
    stop_on: tuple[StopWhen, ...] = field(default=(), converter=_stop_on)
    applies_after: tuple[CommunicationKind, ...] = field(default=(), converter=_kinds)
    unless_met: tuple[str, ...] = field(default=(), converter=_names)
    optional: bool = field(default=False, validator=flag)
    from_next_business_day: bool = field(default=False, validator=flag)
    paused_by_customer_actions: bool = field(default=False, validator=flag)

    def __attrs_post_init__(self) -> None:
        if self.limit is not None and not isinstance(self.limit, Limit):
            raise InvalidValueError("limit must be a Limit", argument="limit")
        if self.kind not in _SCHEDULED and self.limit is None:
            raise InvalidValueError(f"a {self.kind.value} clock needs a limit",
                                    argument="limit")
        if self.kind is ClockKind.DEADLINE and not self.stop_on:
            raise InvalidValueError("a deadline clock needs stop_on conditions",
                                    argument="stop_on")


def _calendar(_: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, BusinessCalendar):
        raise InvalidValueError("calendar must be a BusinessCalendar", argument="calendar")


@frozen(kw_only=True)
class Regime:
    """A named set of clocks over one business calendar: a regulator's rules, or the host's
    own service levels. A :class:`Policy` names the regimes a complaint is handled under."""

    name: str = field(validator=non_blank)
    title: str = field(validator=non_blank)
    calendar: BusinessCalendar = field(validator=_calendar)
    clocks: tuple[ClockRule, ...] = field(converter=_clocks)

    def __attrs_post_init__(self) -> None:
        names = [clock.name for clock in self.clocks]
        if len(set(names)) != len(names):
            raise InvalidValueError("clock names must be unique within a regime",
                                    argument="clocks")
        for clock in self.clocks:
            unknown = set(clock.unless_met) - set(names)
            if unknown:
                raise InvalidValueError(f"clock {clock.name}: unless_met names no clock of "
                                        f"this regime: {', '.join(sorted(unknown))}",
                                        argument="clocks")
