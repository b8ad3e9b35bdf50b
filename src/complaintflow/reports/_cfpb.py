"""CFPB-style timeliness per complaint: responded within 15 days, closed within 60, and the
"company response" as the CFPB's complaint data shows it.

The CFPB's own algorithm behind "Timely response?" was not found; the days are read as the
``cfpb`` preset reads them (the day the complaint was sent to the company is day 1, by
default), in the complaint's ``cfpb`` calendar or the period's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from attrs import frozen

from .._clocks.calendar import BusinessCalendar
from .._clocks.evaluate import due_after
from .._clocks.regime import Limit, Unit
from ..events import Event
from ._facts import Facts, facts_of, regime_calendar
from ._period import ReportingPeriod

MONETARY = "Closed with monetary relief"
NON_MONETARY = "Closed with non-monetary relief"
EXPLANATION = "Closed with explanation"
IN_PROGRESS = "In progress"
UNTIMELY = "Untimely response"


@frozen(kw_only=True)
class CfpbRecord:
    """One complaint sent to the company in the period, as it stood at the period's end.

    ``responded_within_15_days``: a first response (final, or "in progress") by the 15-day
    limit; ``closed_within_60_days``: the final response (or the closing) by the 60-day
    limit, ``None`` while neither has come and the limit has not passed. ``timely`` is
    ``"Yes"``, ``"No"`` or, before the 15 days are out without a response, ``"Pending"``;
    ``company_response`` is one of the CFPB's values: closed with monetary relief (redress
    paid), with non-monetary relief (relief given), with explanation, in progress, or an
    untimely response.
    """

    complaint_id: str
    sent_at: datetime
    response_due: datetime
    first_response_at: datetime | None
    responded_within_15_days: bool
    final_due: datetime
    final_response_at: datetime | None
    closed_within_60_days: bool | None
    timely: str
    company_response: str


def cfpb_timeliness(logs: Iterable[Iterable[Event]], *, period: ReportingPeriod,
                    sent_day_counts: bool = True) -> Iterator[CfpbRecord]:
    """A :class:`CfpbRecord` for each complaint of ``logs`` sent to the company in
    ``period`` (its log opened then), streamed. ``sent_day_counts=False`` counts the days
    after the sending day instead (the later reading)."""
    start, end = period.start, period.end
    fifteen = Limit(amount=15, unit=Unit.CALENDAR_DAYS, counts_start_day=sent_day_counts)
    sixty = Limit(amount=60, unit=Unit.CALENDAR_DAYS, counts_start_day=sent_day_counts)
    fallback = BusinessCalendar(time_zone=period.time_zone)
    for log in logs:
        facts = facts_of(log, before=end)
        if facts is None or facts.received_at < start:
            continue
        calendar = regime_calendar(facts, "cfpb") or fallback
        yield _record(facts, due_after(calendar, facts.received_at, fifteen),
                      due_after(calendar, facts.received_at, sixty), end)


def _record(facts: Facts, due15: datetime, due60: datetime, end: datetime) -> CfpbRecord:
    first = facts.first_response_at
    final = facts.final_response_at or (facts.closures[0].at if facts.closures else None)
    responded = first is not None and first <= due15
    closed: bool | None = final <= due60 if final is not None else (
        False if due60 < end else None)
    if responded:
        timely = "Yes"
    elif first is not None or due15 < end:
        timely = "No"
    else:
        timely = "Pending"
    if facts.final_response_at is not None or not facts.is_open:
        response = (MONETARY if facts.redress else NON_MONETARY if facts.relief
                    else EXPLANATION)
    elif first is None and due15 < end:
        response = UNTIMELY
    else:
        response = IN_PROGRESS
    return CfpbRecord(complaint_id=facts.complaint_id, sent_at=facts.received_at,
                      response_due=due15, first_response_at=first,
                      responded_within_15_days=responded, final_due=due60,
                      final_response_at=final, closed_within_60_days=closed, timely=timely,
                      company_response=response)
