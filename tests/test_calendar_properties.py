"""Property tests of business-day arithmetic and clocks, against day-by-day reference
implementations (which only the tests may afford)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintflow import (
    BusinessCalendar,
    ClockRule,
    ClockState,
    Complaint,
    DayEnd,
    Limit,
    PauseInterval,
    Policy,
    Regime,
    StopWhen,
    Unit,
    deadlines,
    open_complaint,
)

ZONES = ("Europe/London", "Australia/Sydney", "America/New_York", "Asia/Kolkata", "UTC")
FIRST, LAST = date(2025, 1, 1), date(2029, 12, 31)
DAYS = st.dates(min_value=FIRST, max_value=LAST)


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    working = draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))
    holidays = draw(st.lists(st.dates(min_value=date(2024, 12, 1), max_value=date(2031, 6, 30)),
                             max_size=80))
    # business hours hold no daylight-saving change (those happen between 01:00 and 03:00)
    opens = draw(st.integers(4, 12))
    closes = draw(st.integers(opens + 1, 23))
    return BusinessCalendar(time_zone=draw(st.sampled_from(ZONES)), working_days=working,
                            opens_at=time(opens, draw(st.sampled_from([0, 30]))),
                            closes_at=time(closes, 0), holidays=holidays)


def works(calendar: BusinessCalendar, day: date) -> bool:
    """The definition, spelled out."""
    return day.weekday() in calendar.working_days and day not in calendar.holidays


def reference_add(calendar: BusinessCalendar, day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        count -= works(calendar, day)
    return day


@settings(max_examples=300, deadline=None)
@given(calendars(), DAYS, st.integers(1, 400))
def test_adding_n_working_days_then_counting_them_back_gives_n(
        calendar: BusinessCalendar, day: date, count: int) -> None:
    later = calendar.add_working_days(day, count)
    assert later == reference_add(calendar, day, count)
    assert calendar.working_days_between(day, later) == count
    assert calendar.is_working_day(later)
    assert calendar.working_days_between(later, day) == -count


@settings(max_examples=300, deadline=None)
@given(calendars(), DAYS, st.integers(0, 500))
def test_counting_working_days_matches_the_definition(calendar: BusinessCalendar, day: date,
                                                      span: int) -> None:
    end = day + timedelta(days=span)
    expected = sum(works(calendar, day + timedelta(days=n)) for n in range(1, span + 1))
    assert calendar.working_days_between(day, end) == expected
    assert calendar.is_working_day(end) == works(calendar, end)


INSTANTS = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2029, 6, 30),
                        timezones=st.just(timezone.utc))


def opened_with(calendar: BusinessCalendar, received: datetime, *rules: ClockRule) -> Complaint:
    regime = Regime(name="r", title="r", calendar=calendar, clocks=rules)
    return open_complaint("C-1", at=received, policy=Policy(regimes=(regime,))).complaint


def rule(limit: Limit, *, name: str = "x", next_day: bool = False,
         paused: bool = False) -> ClockRule:
    return ClockRule(name=name, rule="test", description="test", limit=limit,
                     stop_on=(StopWhen(all_of=("final_response",)),),
                     from_next_business_day=next_day, paused_by_customer_actions=paused)


@settings(max_examples=300, deadline=None)
@given(calendars(), INSTANTS, st.integers(1, 60), st.sampled_from(DayEnd), st.booleans())
def test_business_day_deadlines_never_end_on_a_non_working_day(
        calendar: BusinessCalendar, received: datetime, count: int, ends: DayEnd,
        next_day: bool) -> None:
    limit = Limit(amount=count, unit=Unit.BUSINESS_DAYS, ends=ends)
    complaint = opened_with(calendar, received, rule(limit, next_day=next_day))
    (status,) = deadlines(complaint, at=received)
    assert status.due_at is not None
    local = status.due_at.astimezone(ZoneInfo(calendar.time_zone))
    if ends is DayEnd.END_OF_DAY:
        last_day = (local - timedelta(microseconds=1)).date()
    else:
        last_day = local.date()
    assert works(calendar, last_day)
    start = calendar.receipt_day(received) if next_day else calendar.local(received).date()
    assert calendar.working_days_between(start, last_day) == count


@settings(max_examples=300, deadline=None)
@given(calendars(), INSTANTS, st.integers(1, 200))
def test_business_hours_land_in_business_hours(calendar: BusinessCalendar, start: datetime,
                                               hours: int) -> None:
    duration = timedelta(hours=hours)
    due = calendar.add_business_time(start, duration)
    local = calendar.local(due)
    assert works(calendar, local.date())
    assert calendar.opens_at <= local.time().replace(fold=0) <= calendar.closes_at
    assert calendar.business_position(due) - calendar.business_position(start) == duration
    assert due > start


PAUSES = st.lists(
    st.tuples(st.integers(0, 60 * 24 * 40), st.one_of(st.none(), st.integers(1, 60 * 24 * 20))),
    max_size=4)
UNITS = st.sampled_from(list(Unit))


@settings(max_examples=300, deadline=None)
@given(calendars(), INSTANTS, UNITS, st.integers(1, 30), PAUSES, st.integers(0, 60 * 24 * 60))
def test_pausing_never_shortens_a_deadline(calendar: BusinessCalendar, received: datetime,
                                           unit: Unit, amount: int,
                                           spans: list[tuple[int, int | None]],
                                           later: int) -> None:
    limit = Limit(amount=amount, unit=unit)
    complaint = opened_with(calendar, received, rule(limit, paused=True),
                            rule(limit, name="unpaused"))
    pauses = tuple(
        PauseInterval(action_id=f"A{n}", start=received + timedelta(minutes=begin),
                      start_seq=n + 2,
                      end=None if length is None else received + timedelta(minutes=begin + length),
                      end_seq=None if length is None else n + 10)
        for n, (begin, length) in enumerate(spans))
    paused_complaint = attrs.evolve(
        complaint, timeline=attrs.evolve(complaint.timeline, pauses=pauses))
    at = received + timedelta(minutes=later)
    paused, unpaused = deadlines(paused_complaint, at=at)
    assert paused.due_at is not None
    assert unpaused.due_at is not None
    assert paused.due_at >= unpaused.due_at
    if unit in (Unit.CALENDAR_DAYS, Unit.BUSINESS_DAYS, Unit.WEEKS):
        # a day-based limit ends at the end of a day, however a pause moved it
        assert calendar.local(paused.due_at).time() == time(0)
    if paused.state is ClockState.PAUSED:
        assert any(p.start <= at and (p.end is None or p.end > at) for p in pauses)
    # a longer pause never brings the deadline forward
    if pauses:
        first = pauses[0]
        longer = attrs.evolve(first, end=None if first.end is None
                              else first.end + timedelta(hours=5))
        timeline = attrs.evolve(complaint.timeline, pauses=(longer, *pauses[1:]))
        (more, _) = deadlines(attrs.evolve(complaint, timeline=timeline), at=at)
        assert more.due_at is not None
        assert more.due_at >= paused.due_at
