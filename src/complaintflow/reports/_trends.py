"""Root-cause trends from event logs (DISP 1.3.3R: identify and remedy recurring or
systemic problems; the FCA's review of complaints and root cause analysis, 11 December
2024): causes by month, recurring root causes, repeat complainants, reopen rate, promises
kept, time to resolution, and the preventive actions recorded against causes found."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from attrs import frozen

from ..events import Event
from ._facts import Facts, facts_of
from ._fca import UNCLASSIFIED
from ._period import ReportingPeriod

HOUR = 3600.0


@frozen
class Series:
    """One key (a cause, a root-cause category) counted month by month."""

    key: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@frozen(kw_only=True)
class Trends:
    """What recurs, and how the handling went, in one period.

    ``causes``: complaints opened per cause (the ``classify`` code) per month;
    ``root_causes``: root causes recorded per category per month; ``recurring_root_causes``:
    the categories recorded in two months or more. ``repeat_complainants``: customers (by
    ``customer_id``, never by name) with two complaints or more opened in the period.
    ``reopen_rate``: reopenings per closing. ``promises_kept``: action items of agents and
    the company due in the period and completed by their due time. ``resolution_days``:
    the median and 90th percentile, in days to the hour, of receipt (or reopening) to
    closing, for the closings in the period, and ``resolution_histogram`` their count per
    whole day (the last bucket: that many days or more). ``causes_found``: complaints with
    a root cause recorded in the period; ``with_preventive_action``: of them, those with a
    preventive action recorded; ``at_fault_without_prevention``: those whose cause says the
    company was at fault and that have none.
    """

    period: ReportingPeriod
    months: tuple[str, ...]
    opened: int
    closed: int
    reopened: int
    causes: tuple[Series, ...]
    root_causes: tuple[Series, ...]
    recurring_root_causes: tuple[str, ...]
    complainants: int
    repeat_complainants: int
    complaints_from_repeat_complainants: int
    promises_due: int
    promises_kept: int
    resolution_days_median: float | None
    resolution_days_p90: float | None
    resolution_histogram: tuple[int, ...]
    causes_found: int
    with_preventive_action: int
    at_fault_without_prevention: int

    @property
    def reopen_rate(self) -> float | None:
        return self.reopened / self.closed if self.closed else None

    @property
    def promise_rate(self) -> float | None:
        return self.promises_kept / self.promises_due if self.promises_due else None


def complaint_trends(logs: Iterable[Iterable[Event]], *, period: ReportingPeriod,
                     histogram_days: int = 60) -> Trends:
    """The :class:`Trends` of ``logs`` (one complaint's events each) over ``period``.

    Streams the logs; memory holds the counts, one entry per customer id (for repeat
    complainants) and per hour of resolution time met (at most one per hour of the
    longest), not the complaints.
    """
    months = period.months()
    bounds = [(month.start, month.end) for month in months]
    start, end = period.start, period.end
    causes: dict[str, list[int]] = {}
    roots: dict[str, list[int]] = {}
    customers: dict[str, int] = {}
    hours: dict[int, int] = {}
    totals = {"opened": 0, "closed": 0, "reopened": 0, "due": 0, "kept": 0, "found": 0,
              "prevented": 0, "unprevented": 0}
    for log in logs:
        facts = facts_of(log, before=end)
        if facts is None:
            continue
        _see(facts, start, end, bounds, causes, roots, customers, hours, totals)
    histogram = [0] * (histogram_days + 1)
    for hour, count in hours.items():
        histogram[min(hour // 24, histogram_days)] += count
    repeat = [count for count in customers.values() if count > 1]
    return Trends(
        period=period, months=tuple(month.label for month in months),
        opened=totals["opened"], closed=totals["closed"], reopened=totals["reopened"],
        causes=_series(causes), root_causes=_series(roots),
        recurring_root_causes=tuple(sorted(key for key, counts in roots.items()
                                           if sum(1 for c in counts if c) > 1)),
        complainants=len(customers), repeat_complainants=len(repeat),
        complaints_from_repeat_complainants=sum(repeat),
        promises_due=totals["due"], promises_kept=totals["kept"],
        resolution_days_median=_percentile(hours, 50),
        resolution_days_p90=_percentile(hours, 90),
        resolution_histogram=tuple(histogram), causes_found=totals["found"],
        with_preventive_action=totals["prevented"],
        at_fault_without_prevention=totals["unprevented"])


def _see(facts: Facts, start: datetime, end: datetime,
         bounds: list[tuple[datetime, datetime]], causes: dict[str, list[int]],
         roots: dict[str, list[int]], customers: dict[str, int], hours: dict[int, int],
         totals: dict[str, int]) -> None:
    if start <= facts.received_at < end:
        totals["opened"] += 1
        _bump(causes, facts.cause or UNCLASSIFIED, _month(bounds, facts.received_at),
              len(bounds))
        if facts.customer_id is not None:
            customers[facts.customer_id] = customers.get(facts.customer_id, 0) + 1
    for closure in facts.closures:
        if start <= closure.at < end:
            totals["closed"] += 1
            hour = int((closure.at - closure.round_start).total_seconds() // HOUR)
            hours[hour] = hours.get(hour, 0) + 1
    totals["reopened"] += sum(start <= at < end for at in facts.reopens)
    found = [(at, category, fault) for at, category, fault in facts.root_causes
             if start <= at < end]
    for at, category, _ in found:
        _bump(roots, category, _month(bounds, at), len(bounds))
    if found:
        totals["found"] += 1
        if facts.preventive_actions:
            totals["prevented"] += 1
        elif any(fault for _, _, fault in found):
            totals["unprevented"] += 1
    for promise in facts.promises.values():
        if start <= promise.due < end:
            totals["due"] += 1
            done = promise.completed_at
            totals["kept"] += done is not None and done <= promise.due


def _month(bounds: list[tuple[datetime, datetime]], at: datetime) -> int:
    return next(index for index, (first, after) in enumerate(bounds) if first <= at < after)


def _bump(table: dict[str, list[int]], key: str, month: int, months: int) -> None:
    counts = table.get(key)
    if counts is None:
        counts = table[key] = [0] * months
    counts[month] += 1


def _series(table: dict[str, list[int]]) -> tuple[Series, ...]:
    """Most frequent first, then by key."""
    return tuple(Series(key, tuple(counts))
                 for key, counts in sorted(table.items(), key=lambda kv: (-sum(kv[1]), kv[0])))


def _percentile(hours: dict[int, int], percent: int) -> float | None:
    """The nearest-rank percentile of the durations (whole hours), in days."""
    total = sum(hours.values())
    if not total:
        return None
    rank = max(1, -(-percent * total // 100))  # ceil(percent / 100 * total)
    seen = 0
    for hour in sorted(hours):
        seen += hours[hour]
        if seen >= rank:
            return round(hour / 24, 2)
    raise AssertionError("unreachable")
