"""Business calendars from the ``holidays`` package (the ``complaintflow[holidays]`` extra).

``holidays`` is imported when one of these functions is called, never when complaintflow
is imported. The calendar keeps the resulting dates: it does not depend on the package
afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from typing import Literal

from .._values.checks import shown
from .._values.errors import ComplaintflowError, InvalidValueError
from .calendar import MONDAY_TO_FRIDAY, BusinessCalendar, DateSpan


def calendar_from_holidays(
    country: str, *, years: Iterable[int], time_zone: str,
    subdivisions: Iterable[str] | Literal["all", "common"] | None = None,
    working_days: Iterable[int] = MONDAY_TO_FRIDAY, opens_at: time = time(9, 0),
    closes_at: time = time(17, 0), extra_holidays: Iterable[date] = (),
) -> BusinessCalendar:
    """A :class:`BusinessCalendar` whose holidays are ``country``'s public holidays in
    ``years`` (observed days included), from the ``holidays`` package.

    ``subdivisions``: ``None`` for the country's nationwide holidays only; a list of
    subdivision codes (``["NSW"]``) to add theirs; ``"all"`` for a holiday in any part of
    the country (the most days off: the latest business-day deadlines); ``"common"`` for
    only the days that are holidays in every part (the fewest: the earliest). Needs
    ``pip install complaintflow[holidays]``.

    The calendar knows the holidays of ``years`` only: from 1 January of the first to 31
    December of the last (``holidays_from``, ``holidays_through``), less the years left out
    in between (``holiday_gaps``); arithmetic outside that span raises
    :class:`~complaintflow.InvalidValueError` (``calendar_too_short``).
    """
    try:
        import holidays
    except ImportError:
        raise ComplaintflowError("calendar_from_holidays needs the holidays package: "
                                 "pip install 'complaintflow[holidays]'") from None
    if isinstance(years, (int, str)) or not isinstance(years, Iterable):
        raise InvalidValueError(f"years must be a list of years, such as range(2026, 2029), "
                                f"got {shown(years)}", argument="years")
    year_list = list(years)
    if not year_list or any(isinstance(y, bool) or not isinstance(y, int) for y in year_list):
        raise InvalidValueError("years must be a non-empty list of years", argument="years")
    try:
        nationwide = holidays.country_holidays(country, years=year_list)
    except NotImplementedError:
        raise InvalidValueError(f"the holidays package has no country {shown(country)}",
                                argument="country") from None
    common = subdivisions == "common"
    if subdivisions in ("all", "common"):
        chosen: tuple[str, ...] = tuple(nationwide.subdivisions)
    elif subdivisions is None:
        chosen = ()
    elif isinstance(subdivisions, str):
        raise InvalidValueError("subdivisions must be a list of codes, or 'all'",
                                argument="subdivisions")
    else:
        chosen = tuple(subdivisions)
    dates: set[date] = set(nationwide.keys())
    every: set[date] | None = None
    for subdivision in chosen:
        try:
            regional = holidays.country_holidays(country, subdiv=subdivision, years=year_list)
        except NotImplementedError:
            raise InvalidValueError(f"{shown(country)} has no subdivision {shown(subdivision)}",
                                    argument="subdivisions") from None
        dates.update(regional.keys())
        every = set(regional.keys()) if every is None else every & set(regional.keys())
    if common and every is not None:
        dates = every
    dates.update(extra_holidays)
    return BusinessCalendar(time_zone=time_zone, working_days=working_days, opens_at=opens_at,
                            closes_at=closes_at, holidays=dates,
                            holidays_from=date(min(year_list), 1, 1),
                            holidays_through=date(max(year_list), 12, 31),
                            holiday_gaps=_missing_years(year_list))


def _missing_years(years: list[int]) -> tuple[DateSpan, ...]:
    """The runs of years between the first and the last that ``years`` leaves out."""
    given = set(years)
    gaps: list[DateSpan] = []
    year = min(given)
    while year < max(given):
        if year in given:
            year += 1
            continue
        end = year
        while end + 1 not in given:
            end += 1
        gaps.append(DateSpan(date(year, 1, 1), date(end, 12, 31)))
        year = end + 1
    return tuple(gaps)


UkPart = Literal["england_and_wales", "scotland", "northern_ireland", "any"]
"""The parts of the UK a calendar can follow; ``"any"`` is a bank holiday in any part."""

_UK_PARTS: dict[str | None, Iterable[str] | Literal["all", "common"]] = {
    None: "common", "england_and_wales": ["ENG"], "scotland": ["SCT"],
    "northern_ireland": ["NIR"], "any": "all"}


def uk_calendar(years: Iterable[int], *, part: UkPart | None = None,
                opens_at: time = time(9, 0), closes_at: time = time(17, 0)) -> BusinessCalendar:
    """The UK calendar of FCA DISP: Europe/London, Monday to Friday, less bank holidays.

    The FCA Glossary's business day is not "a bank holiday in that part of the United
    Kingdom" (https://handbook.fca.org.uk/handbook/glossary/G120.html), so a firm counts
    the bank holidays of the part it deals with the complaint in: ``part`` is
    ``"england_and_wales"``, ``"scotland"`` or ``"northern_ireland"``. By default, not
    knowing the part, only the days that are bank holidays in every part are off: the
    fewest days off, so no deadline is later than the one of any part. ``"any"`` counts a
    bank holiday in any part (the old default; later deadlines for a firm in England).
    Needs the ``holidays`` extra.
    """
    if part not in _UK_PARTS:
        raise InvalidValueError(f"part must be one of {', '.join(repr(p) for p in _UK_PARTS)}"
                                f", got {part!r}", argument="part")
    return calendar_from_holidays("GB", years=years, time_zone="Europe/London",
                                  subdivisions=_UK_PARTS[part], opens_at=opens_at,
                                  closes_at=closes_at)
