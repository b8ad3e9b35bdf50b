"""Business calendars: a time zone, working days, business hours and holidays, as data.

A :class:`BusinessCalendar` is plain, serializable data (the zone is an IANA key string,
holidays are dates). The arithmetic on it never walks day by day: working days are counted
in whole weeks plus a remainder, and holidays by bisecting their sorted ordinals, so every
operation costs O(log holidays) whatever the span.
"""

from __future__ import annotations

import functools
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import Attribute, field, frozen

from .._values.checks import as_tuple, shown, utc
from .._values.errors import InvalidValueError

MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)
"""The working days of most calendars, as ``date.weekday()`` numbers (Monday is 0)."""


def _zone_key(_: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidValueError(f"{attribute.name} must be an IANA time zone key such as "
                                f"'Europe/London', got {shown(value)}", argument=attribute.name)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValueError(f"{attribute.name}: {shown(value)} is not a known IANA time zone",
                                argument=attribute.name) from None


def _weekdays(value: Iterable[int]) -> tuple[int, ...]:
    days = as_tuple(value, "working_days", "a list of weekday numbers, 0 (Monday) to 6")
    if not days or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6
                       for d in days):
        raise InvalidValueError("working_days must hold weekday numbers from 0 (Monday) to 6 "
                                f"(Sunday), at least one; got {shown(value)}",
                                argument="working_days")
    return tuple(sorted(set(days)))


def _holiday_dates(value: Iterable[date]) -> tuple[date, ...]:
    days = as_tuple(value, "holidays", "a collection of dates")
    # a datetime is a date too, but a holiday is a whole day
    if any(not isinstance(d, date) or isinstance(d, datetime) for d in days):
        raise InvalidValueError("holidays must hold dates (datetime.date), not times",
                                argument="holidays")
    return _interned(tuple(sorted(set(days))))


_TABLES: dict[tuple[date, ...], tuple[date, ...]] = {}
_HASHES: dict[int, tuple[tuple[date, ...], int]] = {}  # by id: each interned table's hash
_MAX_TABLES = 256


def _interned(days: tuple[date, ...]) -> tuple[date, ...]:
    """One tuple object for equal lists of holidays, however often they are built.

    Equal calendars then hold the *same* tuple, and comparing them (which every cached
    lookup of a calendar's tables does when the calendar is equal to, but not the same
    object as, the one cached) takes the identity shortcut instead of comparing every
    holiday: a complaint loaded from a snapshot builds its own calendar, and its lookups
    stay O(log holidays). The table's hash is kept too, so that hashing a new calendar
    (once: the hash is cached) does not hash every holiday either. Building a calendar
    already costs O(holidays log holidays); the table is looked up once then. At most
    ``_MAX_TABLES`` lists are kept (the oldest go).
    """
    found = _TABLES.get(days)
    if found is None:
        if len(_TABLES) >= _MAX_TABLES:
            oldest = next(iter(_TABLES))
            del _TABLES[oldest]
            _HASHES.pop(id(oldest), None)
        found = _TABLES[days] = days
        _HASHES[id(days)] = (days, hash(days))
    return found


def _optional_date(_: object, attribute: Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise InvalidValueError(f"{attribute.name} must be a date or None, got {shown(value)}",
                                argument=attribute.name)


@frozen
class DateSpan:
    """The days from ``first`` to ``last``, both included."""

    first: date = field(validator=lambda _, a, v: _required_date(a, v))
    last: date = field(validator=lambda _, a, v: _required_date(a, v))

    def __attrs_post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidValueError(f"a span ends on or after it starts: {self.last} is "
                                    f"before {self.first}", argument="last")


def _required_date(attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidValueError(f"{attribute.name} must be a date, got "
                                f"{type(value).__name__}", argument=attribute.name)


def _gaps(value: Iterable[DateSpan]) -> tuple[DateSpan, ...]:
    gaps = as_tuple(value, "holiday_gaps", "a list of DateSpan values")
    if not all(isinstance(gap, DateSpan) for gap in gaps):
        raise InvalidValueError("holiday_gaps must hold DateSpan values",
                                argument="holiday_gaps")
    ordered = tuple(sorted(gaps, key=lambda gap: gap.first))
    for before, after in pairwise(ordered):
        if after.first <= before.last + timedelta(days=1):
            raise InvalidValueError(f"holiday_gaps overlap or touch: {before.first} to "
                                    f"{before.last}, and {after.first} to {after.last}",
                                    argument="holiday_gaps")
    return ordered


class _SameTable:
    """How calendars compare their holidays: the same (interned) tuple at once, else day by
    day. A tuple's ``==`` compares every item even with itself."""

    __slots__ = ("days",)

    def __init__(self, days: tuple[date, ...]):
        self.days = days

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SameTable) and (self.days is other.days
                                                  or self.days == other.days)

    def __hash__(self) -> int:
        known = _HASHES.get(id(self.days))
        if known is not None and known[0] is self.days:
            return known[1]
        return hash(self.days)


def _clock_time(_: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise InvalidValueError(f"{attribute.name} must be a local time of day without a "
                                "tzinfo (the calendar's zone applies)", argument=attribute.name)


@frozen(kw_only=True, cache_hash=True)
class BusinessCalendar:
    """When a business works: its time zone, working days, hours and holidays.

    ``time_zone`` is an IANA key (``"Europe/London"``); ``working_days`` are
    ``date.weekday()`` numbers (Monday 0 to Sunday 6); ``opens_at`` and ``closes_at`` are the
    business hours of every working day, in local time (``closes_at`` is the close of
    business); ``holidays`` are whole days off, given as dates. Build one from the
    ``holidays`` package with :func:`calendar_from_holidays`.

    The span the holidays are known for: from ``holidays_from`` to ``holidays_through``,
    less the ``holiday_gaps`` (:func:`calendar_from_holidays` sets them from the years it
    was given: 2026 and 2028 know nothing of 2027). Arithmetic that looks at a day outside
    that span, or that counts across a gap, raises :class:`~complaintflow.InvalidValueError`
    (code ``calendar_too_short``) rather than give a deadline that may be wrong. ``None``
    for either end means the host vouches that ``holidays`` is complete on that side.

    Business time is counted by the wall clock within ``opens_at`` to ``closes_at``, which
    assumes that no daylight-saving change falls inside business hours (they happen at
    night in the zones that have them).
    """

    time_zone: str = field(validator=_zone_key)
    working_days: tuple[int, ...] = field(default=MONDAY_TO_FRIDAY, converter=_weekdays)
    opens_at: time = field(default=time(9, 0), validator=_clock_time)
    closes_at: time = field(default=time(17, 0), validator=_clock_time)
    holidays: tuple[date, ...] = field(default=(), converter=_holiday_dates, eq=_SameTable)
    holidays_through: date | None = field(default=None, validator=_optional_date)
    holidays_from: date | None = field(default=None, validator=_optional_date)
    holiday_gaps: tuple[DateSpan, ...] = field(default=(), converter=_gaps)

    def __attrs_post_init__(self) -> None:
        if self.closes_at <= self.opens_at:
            raise InvalidValueError("closes_at must be later than opens_at",
                                    argument="closes_at")
        first, last = self.holidays_from, self.holidays_through
        if first is not None and last is not None and last < first:
            raise InvalidValueError(f"holidays_through ({last}) is before holidays_from "
                                    f"({first})", argument="holidays_through")
        for gap in self.holiday_gaps:
            if (first is not None and gap.first <= first) or (
                    last is not None and gap.last >= last):
                raise InvalidValueError(
                    f"a gap ({gap.first} to {gap.last}) must lie inside the span the "
                    "holidays are known for: move holidays_from or holidays_through instead",
                    argument="holiday_gaps")

    def covers(self, first: date, last: date | None = None) -> bool:
        """Whether the holidays are known for every day from ``first`` to ``last``
        (``first`` alone by default)."""
        index = _index(self)
        low, high = sorted((first.toordinal(), (last or first).toordinal()))
        segment = index.segment_of(low, strict=False)
        return segment != -1 and index.segment_of(high, strict=False) == segment

    def require_covers(self, first: date, last: date | None = None) -> None:
        """Raise :class:`~complaintflow.InvalidValueError` (``calendar_too_short``) unless
        :meth:`covers` ``(first, last)``: arithmetic over those days needs their holidays."""
        index = _index(self)
        index.same_segment(first.toordinal(), (last or first).toordinal())

    # --- days ---------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return _zone(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working weekday and not a holiday."""
        index = _index(self)
        ordinal = day.toordinal()
        index.segment(ordinal)
        return index.weekday_works[(ordinal - 1) % 7] and not index.is_holiday(ordinal)

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days after ``start`` up to and including ``end``
        (negative when ``end`` is before ``start``)."""
        index = _index(self)
        first, last = start.toordinal(), end.toordinal()
        index.same_segment(min(first, last), max(first, last))
        return index.rank(last) - index.rank(first)

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``count`` ≥ 1); for 0, ``day``
        itself when it is a working day, else the next working day."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidValueError("count must be a whole number of days, 0 or more",
                                    argument="count")
        index = _index(self)
        ordinal = day.toordinal()
        segment = index.segment(ordinal)
        rank = index.rank(ordinal)
        if count == 0 and self.is_working_day(day):
            return day
        found = index.nth(rank + max(count, 1))
        index.in_segment(segment, ordinal, found)
        return date.fromordinal(found)

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        return self.add_working_days(day, 1)

    # --- instants -----------------------------------------------------------------------

    def local(self, at: datetime) -> datetime:
        """``at`` (aware) as a local time in the calendar's zone."""
        return utc(at).astimezone(_index(self).zone)

    def at_local(self, day: date, clock: time) -> datetime:
        """The instant (in UTC) of the local wall-clock time ``clock`` on ``day``."""
        local = datetime.combine(day, clock, tzinfo=_index(self).zone)
        return local.astimezone(timezone.utc)

    def end_of_day(self, day: date) -> datetime:
        """The end of ``day`` in the calendar's zone: local midnight that ends it (ISO 8601's
        24:00), in UTC."""
        return self.at_local(day + timedelta(days=1), time(0))

    def close_of_business(self, day: date) -> datetime:
        """``closes_at`` on ``day``, in UTC."""
        return self.at_local(day, self.closes_at)

    def receipt_day(self, at: datetime) -> date:
        """The business day a communication received at ``at`` counts as received on: the
        local date, or the next working day when ``at`` is on a non-working day or at or
        after the close of business."""
        local = self.local(at)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.closes_at:
            return day
        return self.next_working_day(day)

    # --- business time ------------------------------------------------------------------

    @property
    def business_day_length(self) -> timedelta:
        """The business hours of one working day, by the wall clock."""
        return _index(self).length

    def business_position(self, at: datetime) -> timedelta:
        """Business time from the calendar's epoch to ``at``: monotone, flat outside
        business hours. Differences of positions are business durations."""
        index = _index(self)
        local = utc(at).astimezone(index.zone)
        day = local.date()
        ordinal = day.toordinal()
        length = index.length
        index.segment(ordinal)
        before = index.rank(ordinal - 1)
        if not (index.weekday_works[(ordinal - 1) % 7] and not index.is_holiday(ordinal)):
            return length * before
        into = local.replace(tzinfo=None) - datetime.combine(day, self.opens_at)
        return length * before + min(max(into, timedelta(0)), length)

    def at_business_position(self, position: timedelta) -> datetime:
        """The earliest instant (UTC) whose :meth:`business_position` is ``position``;
        a position at a day's boundary is that day's close of business."""
        found = self._at_position(position)
        _index(self).segment(found[0].toordinal())
        return found[1]

    def _at_position(self, position: timedelta) -> tuple[date, datetime]:
        """The day and instant of :meth:`at_business_position`, not checked against the
        span the holidays are known for."""
        index = _index(self)
        days, into = divmod(position, index.length)
        if into == timedelta(0) and days > 0:
            day = date.fromordinal(index.nth(days))
            return day, self.at_local(day, self.closes_at)
        day = date.fromordinal(index.nth(days + 1))
        local = datetime.combine(day, self.opens_at) + into
        return day, self.at_local(day, local.time())

    def business_day_of(self, position: timedelta) -> date:
        """The working day on which business time reaches ``position`` (a position at a
        day's boundary belongs to the day it closes)."""
        day = self._at_position(position)[0]
        _index(self).segment(day.toordinal())
        return day

    def add_business_time(self, at: datetime, duration: timedelta) -> datetime:
        """The instant ``duration`` of business time after ``at`` (UTC)."""
        day, found = self._at_position(self.business_position(at) + duration)
        self.require_covers(self.local(at).date(), day)
        return found


@functools.lru_cache(maxsize=64)
def _zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


class _Index:
    """A calendar's arithmetic tables: which weekdays work, and its holidays that fall on
    working weekdays as sorted ordinals (the others change nothing)."""

    __slots__ = ("ends", "first", "gaps", "holidays", "last", "length", "per_week",
                 "positions", "prefix", "single", "starts", "weekday_works", "zone")

    def __init__(self, calendar: BusinessCalendar):
        today = date(2000, 1, 3)
        self.length = (datetime.combine(today, calendar.closes_at)
                       - datetime.combine(today, calendar.opens_at))
        self.zone = _zone(calendar.time_zone)
        works = tuple(d in calendar.working_days for d in range(7))
        self.weekday_works = works
        self.per_week = sum(works)
        # prefix[r]: working weekdays among the first r days of a week (Monday first)
        self.prefix = tuple(sum(works[:r]) for r in range(8))
        self.positions = tuple(d for d in range(7) if works[d])
        self.holidays = [d.toordinal() for d in calendar.holidays if works[d.weekday()]]
        # the known span as segments without gaps: starts[i]..ends[i], in order
        first, last = calendar.holidays_from, calendar.holidays_through
        self.gaps = calendar.holiday_gaps
        self.starts = [first.toordinal() if first is not None else 1]
        self.ends: list[int] = []
        for gap in self.gaps:
            self.ends.append(gap.first.toordinal() - 1)
            self.starts.append(gap.last.toordinal() + 1)
        self.ends.append(last.toordinal() if last is not None else date.max.toordinal())
        self.single = not self.gaps
        self.first, self.last = self.starts[0], self.ends[-1]

    def segment_of(self, ordinal: int, strict: bool = True) -> int:
        """The index of the known segment that holds ``ordinal``; outside them all, a clear
        error (or -1, when not ``strict``)."""
        i = bisect_right(self.starts, ordinal) - 1
        if i >= 0 and ordinal <= self.ends[i]:
            return i
        if not strict:
            return -1
        day = date.fromordinal(ordinal)
        if i < 0:
            where = (f"before the first day this calendar knows the holidays for "
                     f"({date.fromordinal(self.starts[0])}): build it with earlier years")
        elif i == len(self.ends) - 1:
            where = (f"after the last day this calendar knows the holidays for "
                     f"({date.fromordinal(self.ends[-1])}): build it with more years")
        else:
            gap = self.gaps[i]
            where = (f"in a gap of this calendar's holidays ({gap.first} to {gap.last}): "
                     "build it with every year in between")
        raise InvalidValueError(f"{day} is {where}", argument="calendar",
                                code="calendar_too_short")

    def segment(self, ordinal: int) -> int:
        if self.single and self.first <= ordinal <= self.last:  # the common case, quickly
            return 0
        return self.segment_of(ordinal)

    def in_segment(self, segment: int, start: int, ordinal: int) -> None:
        """Refuse an answer (``ordinal``) counted from ``start`` in ``segment`` that lies
        outside it: the count crossed a day whose holidays are not known."""
        if self.segment_of(ordinal, strict=False) != segment:
            self.same_segment(start, ordinal)

    def same_segment(self, first: int, last: int) -> None:
        """Refuse counting from ``first`` to ``last`` (``first`` ≤ ``last``) unless one known
        segment holds both."""
        low, high = min(first, last), max(first, last)
        segment = self.segment_of(low)
        if self.segment_of(high, strict=False) != segment:
            if high > self.ends[-1]:
                self.segment_of(high)  # past the end: that message
            gap = self.gaps[segment]
            raise InvalidValueError(
                f"counting from {date.fromordinal(low)} to {date.fromordinal(high)} crosses a "
                f"gap of this calendar's holidays ({gap.first} to {gap.last}): build it with "
                "every year in between", argument="calendar", code="calendar_too_short")

    def is_holiday(self, ordinal: int) -> bool:
        i = bisect_left(self.holidays, ordinal)
        return i < len(self.holidays) and self.holidays[i] == ordinal

    def weekdays(self, ordinal: int) -> int:
        """Working weekdays in ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
        weeks, rest = divmod(ordinal, 7)
        return weeks * self.per_week + self.prefix[rest]

    def weekday_with_count(self, count: int) -> int:
        """The smallest ordinal whose :meth:`weekdays` is ``count`` (≥ 1)."""
        weeks, rest = divmod(count - 1, self.per_week)
        return weeks * 7 + self.positions[rest] + 1

    def rank(self, ordinal: int) -> int:
        """Working days in ordinals 1..ordinal: weekdays less holidays, O(log holidays)."""
        return self.weekdays(ordinal) - bisect_right(self.holidays, ordinal)

    def nth(self, count: int) -> int:
        """The ordinal of the ``count``-th working day (``count`` ≥ 1), O(log holidays).

        With ``j`` holidays before it, the answer is the weekday with count ``count + j``;
        the right ``j`` is the smallest for which the ``j``-th holiday (0-based) falls after
        that weekday, and that test is monotone in ``j``, so it is found by bisection.
        """
        holidays = self.holidays
        per_week, positions = self.per_week, self.positions
        low, high = 0, len(holidays)
        while low < high:
            middle = (low + high) // 2
            weeks, rest = divmod(count + middle - 1, per_week)  # weekday_with_count, inlined
            if holidays[middle] > weeks * 7 + positions[rest] + 1:
                high = middle
            else:
                low = middle + 1
        return self.weekday_with_count(count + low)


K = TypeVar("K")
V = TypeVar("V")


def per_object(compute: Callable[[K], V]) -> Callable[[K], V]:
    """``compute``, cached per object by identity, and by equality across objects.

    A value read on every lookup (a calendar's tables, a regime's clock order) is found by
    the object's identity, with no ``__eq__`` call: an ``lru_cache`` alone compares a new
    object that is equal to, but not the one it cached (a complaint loaded from a snapshot
    has its own calendar) field by field on every call. The first lookup of an object goes
    through the ``lru_cache`` so that equal objects share one value. Entries go with their
    objects (weak references).
    """
    shared = functools.lru_cache(maxsize=64)(compute)
    entries: dict[int, tuple[weakref.ref[Any], V]] = {}

    def cached(key: K) -> V:
        entry = entries.get(id(key))
        if entry is not None and entry[0]() is key:
            return entry[1]
        value = shared(key)
        identity = id(key)

        def forget(ref: weakref.ref[Any], identity: int = identity) -> None:
            if entries.get(identity, (None,))[0] is ref:
                del entries[identity]

        entries[identity] = (weakref.ref(key, forget), value)
        return value

    return cached


@per_object
def _index(calendar: BusinessCalendar) -> _Index:
    return _Index(calendar)
