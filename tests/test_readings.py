"""The presets' defaults are the safe readings: no deadline later than the rule's words.

For every default preset and any time of receipt, each clock's due time is compared with
the rule read literally, worked out here day by day from the regulator's words and the
``holidays`` package's lists (not with the library's calendar arithmetic). Where the words
allow several readings, the default must not be later than any of them. The readings are
the table on the clocks page of the docs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintflow import (
    AsicComplaintType,
    ClockStatus,
    Policy,
    RecordCommunication,
    Regime,
    asic_rg271,
    calendar_from_holidays,
    cfpb,
    deadlines,
    fca_disp,
    open_complaint,
    psd2,
    uk_calendar,
)

YEARS = range(2026, 2030)
LONDON, SYDNEY = ZoneInfo("Europe/London"), ZoneInfo("Australia/Sydney")
BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
PARTS = {part: set(holidays.country_holidays("GB", subdiv=part, years=YEARS))
         for part in ("ENG", "SCT", "NIR", "WLS")}
NSW_DAYS = set(holidays.country_holidays("AU", subdiv="NSW", years=YEARS))
GERMAN_DAYS = set(holidays.country_holidays("DE", years=YEARS))

RECEIPTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 6, 30),
                        timezones=st.just(timezone.utc))


def works(day: date, off: set[date]) -> bool:
    return day.weekday() < 5 and day not in off


def business_day(day: date, count: int, off: set[date], *, day_one_is_receipt: bool) -> date:
    """The ``count``-th business day, counting the days after ``day`` (or ``day`` itself
    as day 1, when it is a business day)."""
    if day_one_is_receipt and works(day, off):
        count -= 1
    while count:
        day += timedelta(days=1)
        count -= works(day, off)
    return day


def end_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(
        timezone.utc)


def at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone).astimezone(timezone.utc)


def dues(regime: Regime, received: datetime) -> dict[str, datetime]:
    """Every clock's due time, a holding response sent a second after receipt (so that the
    clocks that apply only after one apply too)."""
    opened = open_complaint("C-1", at=received, policy=Policy(regimes=(regime,))).complaint
    held = opened.apply(RecordCommunication(kind="holding_response", channel="email"),
                        at=received + timedelta(seconds=1)).complaint
    found: dict[str, datetime] = {}
    for status in deadlines(held, at=received + timedelta(seconds=1)):
        assert isinstance(status, ClockStatus)
        if status.due_at is not None:
            found[status.clock] = status.due_at
    return found


def fca_readings(received: datetime) -> dict[str, list[datetime]]:
    """FCA DISP read literally, in every part of the UK (the Glossary's business day: not
    a bank holiday "in that part"), every reading of each limit."""
    day = received.astimezone(LONDON).date()
    readings: dict[str, list[datetime]] = {name: [] for name in (
        "summary_resolution", "final_response_8_weeks", "final_response_15_business_days",
        "final_response_35_business_days")}
    for off in PARTS.values():
        # DISP 1.5.1R: "by close of business on the third business day following the day
        # on which it is received"
        readings["summary_resolution"].append(at(
            business_day(day, 3, off, day_one_is_receipt=False), time(17), LONDON))
        for count in (15, 35):  # DISP 1.6.2AR: "after the day", or "of its receipt"
            for day_one in (False, True):
                readings[f"final_response_{count}_business_days"].append(end_of(
                    business_day(day, count, off, day_one_is_receipt=day_one), LONDON))
    # DISP 1.6.2R: "by the end of eight weeks after its receipt"
    readings["final_response_8_weeks"].append(end_of(day + timedelta(weeks=8), LONDON))
    return readings


@settings(max_examples=150, deadline=None)
@given(RECEIPTS, st.booleans())
def test_fca_defaults_are_never_later_than_the_rules(received: datetime,
                                                     payment_services: bool) -> None:
    regime = fca_disp(uk_calendar(YEARS), payment_services=payment_services)
    readings = fca_readings(received)
    for clock, due in dues(regime, received).items():
        assert readings[clock], clock
        assert due <= min(readings[clock]), (clock, due, readings[clock])


NSW = calendar_from_holidays("AU", subdivisions=["NSW"], years=YEARS,
                             time_zone="Australia/Sydney")
ASIC_DAYS = {AsicComplaintType.STANDARD: 30, AsicComplaintType.SUPERANNUATION: 45,
             AsicComplaintType.DEFAULT_NOTICE: 21, AsicComplaintType.HARDSHIP: 21}


@settings(max_examples=150, deadline=None)
@given(RECEIPTS, st.sampled_from(list(AsicComplaintType)))
def test_asic_defaults_are_never_later_than_the_guide(received: datetime,
                                                      kind: AsicComplaintType) -> None:
    day = received.astimezone(SYDNEY).date()
    readings = {
        # "within 24 hours (or one business day)": either
        "acknowledgement": [received + timedelta(hours=24), end_of(
            business_day(day, 1, NSW_DAYS, day_one_is_receipt=False), SYDNEY)],
        # "by the end of the fifth business day" after receipt (a window: not for the
        # 21-day types, where a written response is due)
        "resolved_within_5_business_days": [end_of(
            business_day(day, 5, NSW_DAYS, day_one_is_receipt=False), SYDNEY)],
        # "no later than 30 calendar days after receiving the complaint"
        "idr_response": [end_of(day + timedelta(days=ASIC_DAYS[kind]), SYDNEY)],
    }
    found = dues(asic_rg271(NSW, complaint_type=kind), received)
    if kind in (AsicComplaintType.DEFAULT_NOTICE, AsicComplaintType.HARDSHIP):
        assert "resolved_within_5_business_days" not in found
    for clock, due in found.items():
        assert due <= min(readings[clock]), (clock, due, readings[clock])


US = calendar_from_holidays("US", years=YEARS, time_zone="America/New_York")


@settings(max_examples=150, deadline=None)
@given(RECEIPTS)
def test_cfpb_defaults_are_never_later_than_the_portal_manual(received: datetime) -> None:
    """"within 15 calendar days of the complaint being sent": the end of the 15th day after
    it, or the end of the 14th day after it (the sending day as day 1). (15 x 24 hours
    from the sending is not a reading of *calendar* days; it ends on the 15th day after,
    or within the hour a change of the clocks moves it.)"""
    day = received.astimezone(NEW_YORK).date()
    found = dues(cfpb(US), received)
    for clock, days in (("company_response_15_days", 15), ("final_response_60_days", 60)):
        readings = [end_of(day + timedelta(days=days), NEW_YORK),
                    end_of(day + timedelta(days=days - 1), NEW_YORK)]
        assert found[clock] <= received + timedelta(days=days, hours=1)
        assert found[clock] <= min(readings), (clock, found[clock], readings)


GERMANY = calendar_from_holidays("DE", years=YEARS, time_zone="Europe/Berlin")


@settings(max_examples=150, deadline=None)
@given(RECEIPTS)
def test_psd2_defaults_are_never_later_than_the_directive(received: datetime) -> None:
    """"at the latest within 15 business days of receipt of the complaint": the day of
    receipt is day 1 when it is a business day (or the days after it)."""
    day = received.astimezone(BERLIN).date()
    found = dues(psd2(GERMANY), received)
    for clock, count in (("reply_15_business_days", 15), ("final_reply_35_business_days", 35)):
        readings = [end_of(business_day(day, count, GERMAN_DAYS, day_one_is_receipt=one),
                           BERLIN) for one in (True, False)]
        assert found[clock] <= min(readings), (clock, found[clock], readings)


@pytest.mark.parametrize(("regime", "received", "clock", "literal"), [
    # Friday 23 October 2026, 23:59: eight weeks end on Friday 18 December (the old default,
    # shifted to the next business day, said the end of Monday 21 December)
    (fca_disp(uk_calendar(YEARS)), datetime(2026, 10, 23, 23, 59, tzinfo=LONDON),
     "final_response_8_weeks", end_of(date(2026, 12, 18), LONDON)),
    (fca_disp(uk_calendar(YEARS), next_business_day_after_close=True),
     datetime(2026, 10, 23, 23, 59, tzinfo=LONDON), "final_response_8_weeks",
     end_of(date(2026, 12, 21), LONDON)),
], ids=["default", "generous, opted into"])
def test_the_eight_weeks_of_a_complaint_received_late_on_a_friday(
        regime: Regime, received: datetime, clock: str, literal: datetime) -> None:
    assert dues(regime, received)[clock] == literal
