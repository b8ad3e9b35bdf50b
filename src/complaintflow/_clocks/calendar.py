"""Business calendars: a time zone, working days, business hours and holidays, as data.

A :class:`BusinessCalendar` is plain, serializable data (the zone is an IANA key string,
holidays are dates). The arithmetic on it never walks day by day: working days are counted
in whole weeks plus a remainder, and holidays by bisecting their sorted ordinals, so every
operation costs O(log holidays) whatever the span.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import Attribute, field, frozen

from .._values.checks import as_tuple, utc
from .._values.errors import InvalidValueError

MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)
"""The working days of most calendars, as ``date.weekday()`` numbers (Monday is 0)."""


def _zone_key(_: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidValueError(f"{attribute.name} must be an IANA time zone key such as "
                                f"'Europe/London', got {value!r}", argument=attribute.name)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValueError(f"{attribute.name}: {value!r} is not a known IANA time zone",
                                argument=attribute.name) from None


def _weekdays(value: Iterable[int]) -> tuple[int, ...]:
    days = as_tuple(value, "working_days", "a list of weekday numbers, 0 (Monday) to 6")
    if not days or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6
                       for d in days):
        raise InvalidValueError("working_days must hold weekday numbers from 0 (Monday) to 6 "
                                f"(Sunday), at least one; got {value!r}",
                                argument="working_days")
    return tuple(sorted(set(days)))


def _holiday_dates(value: Iterable[date]) -> tuple[date, ...]:
    days = as_tuple(value, "holidays", "a collection of dates")
    # a datetime is a date too, but a holiday is a whole day
    if any(not isinstance(d, date) or isinstance(d, datetime) for d in days):
        raise InvalidValueError("holidays must hold dates (datetime.date), not times",
                                argument="holidays")
    return tuple(sorted(set(days)))


def _optional_date(_: object, attribute: Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise InvalidValueError(f"{attribute.name} must be a date or None, got {value!r}",
                                argument=attribute.name)


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

    ``holidays_through`` is the last day the holidays are known for (the end of the last
    year given to :func:`calendar_from_holidays`): arithmetic that reaches past it raises
    :class:`~complaintflow.InvalidValueError` rather than give a deadline that may be wrong.
    ``None`` means the host vouches that ``holidays`` is complete.

    Business time is counted by the wall clock within ``opens_at`` to ``closes_at``, which
    assumes that no daylight-saving change falls inside business hours (they happen at
    night in the zones that have them).
    """

    time_zone: str = field(validator=_zone_key)
    working_days: tuple[int, ...] = field(default=MONDAY_TO_FRIDAY, converter=_weekdays)
    opens_at: time = field(default=time(9, 0), validator=_clock_time)
    closes_at: time = field(default=time(17, 0), validator=_clock_time)
    holidays: tuple[date, ...] = field(default=(), converter=_holiday_dates)
    holidays_through: date | None = field(default=None, validator=_optional_date)

    def __attrs_post_init__(self) -> None:
        if self.closes_at <= self.opens_at:
            raise InvalidValueError("closes_at must be later than opens_at",
                                    argument="closes_at")

    # --- days ---------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return _zone(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working weekday and not a holiday."""
        index = _index(self)
        ordinal = day.toordinal()
        return index.weekday_works[(ordinal - 1) % 7] and not index.is_holiday(ordinal)

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days after ``start`` up to and including ``end``
        (negative when ``end`` is before ``start``)."""
        index = _index(self)
        return index.rank(end.toordinal()) - index.rank(start.toordinal())

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``count`` ≥ 1); for 0, ``day``
        itself when it is a working day, else the next working day."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidValueError("count must be a whole number of days, 0 or more",
                                    argument="count")
        index = _index(self)
        rank = index.rank(day.toordinal())
        if count == 0:
            return day if self.is_working_day(day) else date.fromordinal(index.nth(rank + 1))
        return date.fromordinal(index.nth(rank + count))

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
        before = index.rank(ordinal - 1)
        if not (index.weekday_works[(ordinal - 1) % 7] and not index.is_holiday(ordinal)):
            return length * before
        into = local.replace(tzinfo=None) - datetime.combine(day, self.opens_at)
        return length * before + min(max(into, timedelta(0)), length)

    def at_business_position(self, position: timedelta) -> datetime:
        """The earliest instant (UTC) whose :meth:`business_position` is ``position``;
        a position at a day's boundary is that day's close of business."""
        index = _index(self)
        days, into = divmod(position, index.length)
        if into == timedelta(0) and days > 0:
            day = date.fromordinal(index.nth(days))
            return self.at_local(day, self.closes_at)
        day = date.fromordinal(index.nth(days + 1))
        local = datetime.combine(day, self.opens_at) + into
        return self.at_local(day, local.time())

    def business_day_of(self, position: timedelta) -> date:
        """The working day on which business time reaches ``position`` (a position at a
        day's boundary belongs to the day it closes)."""
        index = _index(self)
        days, into = divmod(position, index.length)
        if into == timedelta(0) and days > 0:
            return date.fromordinal(index.nth(days))
        return date.fromordinal(index.nth(days + 1))

    def add_business_time(self, at: datetime, duration: timedelta) -> datetime:
        """The instant ``duration`` of business time after ``at`` (UTC)."""
        return self.at_business_position(self.business_position(at) + duration)


@functools.lru_cache(maxsize=64)
def _zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


class _Index:
    """A calendar's arithmetic tables: which weekdays work, and its holidays that fall on
    working weekdays as sorted ordinals (the others change nothing)."""

    __slots__ = ("holidays", "length", "per_week", "positions", "prefix", "through",
                 "weekday_works", "zone")

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
        through = calendar.holidays_through
        self.through = through.toordinal() if through is not None else date.max.toordinal()

    def covered(self, ordinal: int) -> int:
        """``ordinal``, when the calendar knows the holidays up to it; else a clear error."""
        if ordinal > self.through:
            raise InvalidValueError(
                f"{date.fromordinal(ordinal)} is after the last day this calendar knows the "
                f"holidays for ({date.fromordinal(self.through)}): build it with more years",
                argument="calendar", code="calendar_too_short")
        return ordinal

    def is_holiday(self, ordinal: int) -> bool:
        i = bisect_left(self.holidays, self.covered(ordinal))
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
        return self.weekdays(self.covered(ordinal)) - bisect_right(self.holidays, ordinal)

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
        return self.covered(self.weekday_with_count(count + low))


@functools.lru_cache(maxsize=64)
def _index(calendar: BusinessCalendar) -> _Index:
    return _Index(calendar)
