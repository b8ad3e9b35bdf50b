"""Reporting periods: whole local days in a time zone, such as the FCA's fixed half-years."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import Attribute, field, frozen

from .._values.errors import InvalidValueError

_LABEL = re.compile(r"(\d{4})(?:(H[12])|(Q[1-4])|-(\d{2}))?")


def _zone(_: object, __: Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidValueError("time_zone must be an IANA key such as 'Europe/London'",
                                argument="time_zone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValueError(f"time_zone: {value!r} is not a known IANA time zone",
                                argument="time_zone") from None


def _day(_: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        name = attribute.name
        raise InvalidValueError(f"{name} must be a date", argument=name)


@frozen(kw_only=True)
class ReportingPeriod:
    """The local days from ``first`` to ``last`` (both included) in ``time_zone``: from
    the local midnight that starts ``first`` (:attr:`start`) to the one that ends ``last``
    (:attr:`end`). ``label`` names it in reports (``"2027H1"``)."""

    first: date = field(validator=_day)
    last: date = field(validator=_day)
    time_zone: str = field(validator=_zone)
    label: str = ""

    def __attrs_post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidValueError(f"a period ends on or after it starts: {self.last} is "
                                    f"before {self.first}", argument="last")

    @classmethod
    def parse(cls, text: str, *, time_zone: str) -> ReportingPeriod:
        """``"2027H1"`` (1 January to 30 June), ``"2027H2"``, ``"2027Q3"``, ``"2027-05"``
        (a month) or ``"2027"`` (a year), in ``time_zone``."""
        match = _LABEL.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise InvalidValueError(f"a period is written 2027H1, 2027Q3, 2027-05 or 2027, "
                                    f"got {text!r}", argument="period")
        year = int(match.group(1))
        half, quarter, month = match.group(2), match.group(3), match.group(4)
        if half:
            first_month, months = (1 if half == "H1" else 7), 6
        elif quarter:
            first_month, months = 3 * (int(quarter[1]) - 1) + 1, 3
        elif month:
            first_month, months = int(month), 1
            if not 1 <= first_month <= 12:
                raise InvalidValueError(f"no month {month} in {text!r}", argument="period")
        else:
            first_month, months = 1, 12
        first = date(year, first_month, 1)
        return cls(first=first, last=_add_months(first, months) - timedelta(days=1),
                   time_zone=time_zone, label=match.group(0))

    @classmethod
    def half_year(cls, year: int, half: int, *,
                  time_zone: str = "Europe/London") -> ReportingPeriod:
        """The FCA's fixed six-month periods (PS25/19): ``half`` 1 is 1 January to 30
        June, 2 is 1 July to 31 December; the first under the new return is 2027, 1."""
        if half not in (1, 2):
            raise InvalidValueError("half must be 1 or 2", argument="half")
        return cls.parse(f"{year}H{half}", time_zone=time_zone)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def start(self) -> datetime:
        """The instant the period starts (UTC)."""
        return _midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """The instant the period ends, the first instant after it (UTC)."""
        return _midnight(self.last + timedelta(days=1), self.zone)

    def holds(self, at: datetime) -> bool:
        """Whether ``at`` falls within the period."""
        return self.start <= at < self.end

    def months(self) -> tuple[ReportingPeriod, ...]:
        """The period's calendar months (the first and last may be partial)."""
        found: list[ReportingPeriod] = []
        first = self.first
        while first <= self.last:
            following = _add_months(first.replace(day=1), 1)
            last = min(following - timedelta(days=1), self.last)
            found.append(ReportingPeriod(first=first, last=last, time_zone=self.time_zone,
                                         label=f"{first:%Y-%m}"))
            first = following
        return tuple(found)

    def __str__(self) -> str:
        return self.label or f"{self.first} to {self.last}"


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)
