"""Regulatory and service clocks, as golden tables with every date spelled out.

The holidays come from the ``holidays`` package (the ``complaintflow[holidays]`` extra); the
expected dates were worked out by hand from the published rules and the bank holiday lists,
and each table says why.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest

from complaintflow import (
    Apologize,
    AsicComplaintType,
    AssessImpact,
    BeginResponse,
    BusinessCalendar,
    ClockKind,
    ClockRule,
    ClockState,
    ClockStatus,
    Complaint,
    ComplaintflowError,
    CompleteAction,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    DateSpan,
    Event,
    HearConcern,
    InvalidValueError,
    Limit,
    NoMoreConcerns,
    Owner,
    PauseInterval,
    PlanAction,
    Policy,
    RecordCommunication,
    Regime,
    RestateConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    StartContact,
    StopWhen,
    Unit,
    VerifyCustomer,
    Withdraw,
    asic_rg271,
    breaches,
    calendar_from_holidays,
    cfpb,
    deadlines,
    fca_disp,
    open_complaint,
    psd2,
    service_clocks,
    uk_calendar,
)
from tests.support import Clock, play, responding

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

UK = uk_calendar(range(2026, 2029))  # the default: bank holidays of every part of the UK
UK_ANY = uk_calendar(range(2026, 2029), part="any")  # a bank holiday in any part
ENGLAND = uk_calendar(range(2026, 2029), part="england_and_wales")
SCOTLAND = uk_calendar(range(2026, 2029), part="scotland")
NSW = calendar_from_holidays("AU", subdivisions=["NSW"], years=range(2026, 2029),
                             time_zone="Australia/Sydney")
GERMANY = calendar_from_holidays("DE", years=range(2026, 2029), time_zone="Europe/Berlin")
US = calendar_from_holidays("US", years=range(2026, 2029), time_zone="America/New_York")
PLAIN_LONDON = BusinessCalendar(time_zone="Europe/London")


def generous_fca(calendar: BusinessCalendar, **options: object) -> Regime:
    """The FCA preset read generously, as it was by default before the safe readings: a
    complaint received after close of business counts from the next business day (DISP
    1.5.3G, deleted), and 15/35 business days are counted after the day of receipt."""
    return fca_disp(calendar, next_business_day_after_close=True, receipt_day_counts=False,
                    **options)  # type: ignore[arg-type]  # the options of fca_disp


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def end_of(day: date, zone: ZoneInfo) -> datetime:
    """The end of ``day`` in ``zone`` (local midnight that ends it), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def opened(at: datetime, *regimes: Regime) -> Complaint:
    return open_complaint("C-1", at=at, policy=Policy(regimes=regimes)).complaint


def clock(complaint: Complaint, name: str, at: datetime) -> ClockStatus:
    (status,) = [s for s in deadlines(complaint, at=at) if s.clock == name]
    return status


def send(complaint: Complaint, kind: str, at: datetime) -> Complaint:
    return complaint.apply(RecordCommunication(kind=kind, channel="letter"), at=at).complaint


# --- the calendars themselves ---------------------------------------------------------------


def test_the_uk_calendar_has_a_bank_holiday_of_any_part_of_the_uk() -> None:
    # England: Boxing Day falls on Saturday 26 December 2026, substitute Monday 28th;
    # Scotland: 2 January 2027 is a Saturday, substitute Monday 4 January; Northern
    # Ireland: St Patrick's Day, Wednesday 17 March 2027; Scotland: St Andrew's Day,
    # Monday 30 November 2026.
    for day in (date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1), date(2027, 1, 4),
                date(2027, 3, 17), date(2026, 11, 30), date(2027, 3, 26), date(2027, 3, 29)):
        assert not UK_ANY.is_working_day(day), day
    assert ENGLAND.is_working_day(date(2027, 1, 4))
    assert ENGLAND.is_working_day(date(2027, 3, 17))
    assert UK_ANY.is_working_day(date(2026, 12, 24))  # Christmas Eve is no bank holiday
    assert not UK_ANY.is_working_day(date(2026, 12, 19))  # a Saturday


def test_the_default_uk_calendar_has_only_the_bank_holidays_of_every_part() -> None:
    """The FCA Glossary's business day excludes "a bank holiday in that part of the United
    Kingdom": not knowing the part, only the days off everywhere are off, so that no
    deadline is later than that of any part."""
    for day in (date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1), date(2027, 3, 26),
                date(2027, 5, 3), date(2027, 5, 31)):
        assert not UK.is_working_day(day), day
    # Scotland only (4 January 2027, St Andrew's Day, 2 August), Northern Ireland only
    # (17 March, 12 July), England, Wales and Northern Ireland (Easter Monday, 30 August)
    for day in (date(2027, 1, 4), date(2026, 11, 30), date(2027, 8, 2), date(2027, 3, 17),
                date(2027, 7, 12), date(2027, 3, 29), date(2027, 8, 30)):
        assert UK.is_working_day(day), day
    assert not SCOTLAND.is_working_day(date(2027, 1, 4))
    assert SCOTLAND.is_working_day(date(2027, 3, 29))
    assert not ENGLAND.is_working_day(date(2027, 3, 29))
    assert uk_calendar([2027], part="northern_ireland").is_working_day(date(2027, 3, 17)) is False
    with pytest.raises(InvalidValueError, match="part must be one of") as raised:
        uk_calendar([2027], part="wales")  # type: ignore[arg-type]  # on purpose
    assert raised.value.argument == "part"


@pytest.mark.parametrize(("calendar", "start", "count", "expected"), [
    # from Monday 21 December 2026: 22, 23, 24 December are business days 1 to 3
    (UK_ANY, date(2026, 12, 21), 3, date(2026, 12, 24)),
    # then Christmas (Fri 25), the weekend and the Boxing Day substitute (Mon 28) are skipped
    (UK_ANY, date(2026, 12, 21), 4, date(2026, 12, 29)),
    # 29, 30, 31 December are 4 to 6; New Year's Day (Fri 1) and Mon 4 January (Scotland) off
    (UK_ANY, date(2026, 12, 21), 7, date(2027, 1, 5)),
    (UK_ANY, date(2026, 12, 21), 15, date(2027, 1, 15)),
    (ENGLAND, date(2026, 12, 21), 15, date(2027, 1, 14)),  # 4 January works in England
    (UK_ANY, date(2026, 12, 21), 35, date(2027, 2, 12)),
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March
    (UK_ANY, date(2027, 3, 25), 1, date(2027, 3, 30)),
    (UK_ANY, date(2027, 3, 25), 3, date(2027, 4, 1)),
    # from a Saturday, the first business day is the Monday
    (UK_ANY, date(2027, 1, 9), 1, date(2027, 1, 11)),
    # 29 February 2028 is a Tuesday and an ordinary business day
    (UK_ANY, date(2028, 2, 28), 1, date(2028, 2, 29)),
    # 0 days: the day itself if it works, else the next working day
    (UK_ANY, date(2026, 12, 24), 0, date(2026, 12, 24)),
    (UK_ANY, date(2026, 12, 25), 0, date(2026, 12, 29)),
], ids=lambda v: v.isoformat() if isinstance(v, date) else str(v))
def test_adding_working_days(calendar: BusinessCalendar, start: date, count: int,
                             expected: date) -> None:
    assert calendar.add_working_days(start, count) == expected
    if count:
        assert calendar.working_days_between(start, expected) == count


@pytest.mark.parametrize(("received", "expected"), [
    (london(2026, 12, 18, 17, 45), date(2026, 12, 21)),  # Friday after close: Monday
    (london(2026, 12, 18, 16, 59), date(2026, 12, 18)),  # Friday before close
    (london(2026, 12, 18, 17, 0), date(2026, 12, 21)),  # at the close: next business day
    (london(2026, 12, 24, 18, 0), date(2026, 12, 29)),  # Christmas Eve evening: Tuesday 29th
    (london(2026, 12, 26, 11, 0), date(2026, 12, 29)),  # Boxing Day (a Saturday)
    (london(2027, 3, 26, 10, 0), date(2027, 3, 30)),  # Good Friday: Tuesday after Easter
], ids=lambda v: v.isoformat())
def test_receipt_day(received: datetime, expected: date) -> None:
    assert UK_ANY.receipt_day(received) == expected


# --- FCA DISP: Friday 18 December 2026, 17:45 in London --------------------------------------

RECEIVED_UK = london(2026, 12, 18, 17, 45)


@pytest.mark.parametrize(("regime", "name", "due"), [
    # the defaults count from the calendar day of receipt, Friday 18 December 2026, however
    # late in the day: the third business day following it is Wednesday 23 December
    (fca_disp(UK), "summary_resolution", london(2026, 12, 23, 17, 0)),
    (fca_disp(UK), "final_response_8_weeks", end_of(date(2027, 2, 12), LONDON)),  # Fri 12 Feb
    # 15 business days with Friday 18 December as day 1: 21-24 December are days 2-5,
    # 29-31 December 6-8 (Christmas Day, Monday 28 for Boxing Day and New Year's Day off),
    # Monday 4 to Friday 8 January 9-13, Monday 11 and Tuesday 12 January 14 and 15
    (fca_disp(UK, payment_services=True), "final_response_15_business_days",
     end_of(date(2027, 1, 12), LONDON)),
    (fca_disp(ENGLAND, payment_services=True), "final_response_15_business_days",
     end_of(date(2027, 1, 12), LONDON)),
    # in Scotland Monday 4 January is the substitute for Saturday 2 January: Wednesday 13th
    (fca_disp(SCOTLAND, payment_services=True), "final_response_15_business_days",
     end_of(date(2027, 1, 13), LONDON)),
    # the 15 business days after the day of receipt, opted into: Wednesday 13 January
    (fca_disp(ENGLAND, payment_services=True, receipt_day_counts=False),
     "final_response_15_business_days", end_of(date(2027, 1, 13), LONDON)),
    (fca_disp(UK, acknowledgement=Limit(amount=1, unit=Unit.BUSINESS_DAYS)),
     "acknowledgement", end_of(date(2026, 12, 21), LONDON)),  # Mon 21 December
    # the generous readings, opted into: received after close of business, it counts as
    # received on Monday 21 December (DISP 1.5.3G, deleted), with a bank holiday in any
    # part of the UK off, and the 15 business days after the day of receipt
    (generous_fca(UK_ANY), "summary_resolution", london(2026, 12, 24, 17, 0)),  # Thu 24, 17:00
    (generous_fca(UK_ANY), "final_response_8_weeks", end_of(date(2027, 2, 15), LONDON)),
    (generous_fca(UK_ANY, payment_services=True), "final_response_15_business_days",
     end_of(date(2027, 1, 15), LONDON)),  # Fri 15 January (4 January off in Scotland)
    (generous_fca(ENGLAND, payment_services=True), "final_response_15_business_days",
     end_of(date(2027, 1, 14), LONDON)),  # with English bank holidays only: Thu 14 January
    (generous_fca(UK_ANY, acknowledgement=Limit(amount=1, unit=Unit.BUSINESS_DAYS)),
     "acknowledgement", end_of(date(2026, 12, 22), LONDON)),  # Tue 22 December
], ids=lambda v: v if isinstance(v, str) else "")
def test_fca_due_times_over_christmas(regime: Regime, name: str, due: datetime) -> None:
    status = clock(opened(RECEIVED_UK, regime), name, london(2026, 12, 21, 9, 0))
    assert status.state is ClockState.RUNNING
    assert status.due_at == due
    assert status.remaining == due - london(2026, 12, 21, 9, 0)
    assert status.started_at == RECEIVED_UK.astimezone(UTC)
    assert status.started_by == 1


def test_fca_payment_services_holding_reply_then_final_response() -> None:
    regime = generous_fca(UK_ANY, payment_services=True)
    complaint = send(opened(RECEIVED_UK, regime), "holding_response", london(2027, 1, 13, 10, 0))
    fifteen = clock(complaint, "final_response_15_business_days", london(2027, 1, 20))
    assert (fifteen.state, fifteen.stopped_by) == (ClockState.MET, (2,))
    assert fifteen.stopped_at == london(2027, 1, 13, 10, 0)
    thirty_five = clock(complaint, "final_response_35_business_days", london(2027, 1, 20))
    assert thirty_five.state is ClockState.RUNNING
    assert thirty_five.due_at == end_of(date(2027, 2, 12), LONDON)  # Fri 12 February
    # before the holding reply, the 35-day limit did not apply
    assert clock(complaint, "final_response_35_business_days",
                 london(2027, 1, 12)).state is ClockState.NOT_APPLICABLE
    late = send(complaint, "final_response", london(2027, 2, 15, 9, 0))
    status = clock(late, "final_response_35_business_days", london(2027, 3, 1))
    assert (status.state, status.stopped_by) == (ClockState.BREACHED, (3,))


def test_fca_eight_weeks_met_by_holding_response_with_referral_rights() -> None:
    complaint = opened(RECEIVED_UK, generous_fca(UK_ANY))
    complaint = send(complaint, "holding_response", london(2027, 2, 10, 12, 0))
    at = london(2027, 2, 11)
    assert clock(complaint, "final_response_8_weeks", at).state is ClockState.RUNNING
    complaint = send(complaint, "referral_rights", london(2027, 2, 15, 23, 59))
    status = clock(complaint, "final_response_8_weeks", london(2027, 3, 1))
    assert status.state is ClockState.MET
    assert status.stopped_at == london(2027, 2, 15, 23, 59)  # the later of the two
    assert status.stopped_by == (2, 3)


def test_fca_eight_weeks_breached_at_midnight_that_ends_the_last_day() -> None:
    complaint = opened(RECEIVED_UK, generous_fca(UK_ANY))
    name = "final_response_8_weeks"
    last_moment = london(2027, 2, 16, 0, 0)
    assert clock(complaint, name, last_moment).state is ClockState.RUNNING
    overdue = clock(complaint, name, last_moment + timedelta(microseconds=1))
    assert overdue.state is ClockState.BREACHED
    assert overdue.remaining == timedelta(microseconds=-1)
    assert [b.clock for b in breaches(complaint, at=london(2027, 3, 1))] == [name]
    met = send(complaint, "final_response", last_moment)
    assert clock(met, name, london(2027, 3, 1)).state is ClockState.MET


def test_fca_summary_resolution_within_the_window_waives_the_time_limits() -> None:
    complaint = send(opened(RECEIVED_UK, generous_fca(UK_ANY)), "summary_resolution",
                     london(2026, 12, 24, 16, 59))
    statuses = {s.clock: s.state for s in deadlines(complaint, at=london(2027, 6, 1))}
    assert statuses == {"summary_resolution": ClockState.MET,
                        "final_response_8_weeks": ClockState.NOT_APPLICABLE}


def test_fca_summary_resolution_after_the_window() -> None:
    complaint = opened(RECEIVED_UK, generous_fca(UK_ANY))
    # unused, the window lapses at 17:00 on Thursday 24 December: not a breach
    lapsed = clock(complaint, "summary_resolution", london(2026, 12, 24, 17, 1))
    assert lapsed.state is ClockState.NOT_APPLICABLE
    late = send(complaint, "summary_resolution", london(2026, 12, 29, 10, 0))
    statuses = {s.clock: s.state for s in deadlines(late, at=london(2027, 1, 5))}
    assert statuses == {"summary_resolution": ClockState.BREACHED,
                        "final_response_8_weeks": ClockState.RUNNING}


def test_a_withdrawn_complaint_needs_no_response() -> None:
    complaint = opened(RECEIVED_UK, generous_fca(UK_ANY))
    complaint = complaint.apply(Withdraw(reason="sorted out"), at=london(2026, 12, 21, 10, 0)
                                ).complaint
    assert {s.state for s in deadlines(complaint, at=london(2027, 6, 1))} == {
        ClockState.NOT_APPLICABLE}
    # but before the withdrawal, the clocks ran
    assert clock(complaint, "final_response_8_weeks",
                 london(2026, 12, 21, 9, 0)).state is ClockState.RUNNING


def test_before_receipt_nothing_applies() -> None:
    complaint = opened(RECEIVED_UK, generous_fca(UK_ANY))
    statuses = deadlines(complaint, at=RECEIVED_UK - timedelta(seconds=1))
    assert [s.state for s in statuses] == [ClockState.NOT_APPLICABLE] * 2


def test_a_complaint_rebuilt_from_its_events_has_the_same_clocks() -> None:
    clock_ = Clock()
    policy = Policy(regimes=(generous_fca(UK_ANY), service_clocks(
        UK_ANY, first_response=Limit(amount=4, unit=Unit.BUSINESS_HOURS),
        keep_in_loop=Limit(amount=2, unit=Unit.BUSINESS_DAYS))))
    opening = open_complaint("C-1", at=clock_.now, policy=policy)
    log: list[Event] = list(opening.events)
    complaint = play(opening.complaint, [
        VerifyCustomer(name="Dana Reyes", callback="+44 20 7946 0000"),
        RecordCommunication(kind="acknowledgement", channel="email"),
        HearConcern(text="charged twice"),
        RestateConcern(concern_id="K1", restatement="a double charge"),
        ConfirmConcern(concern_id="K1"), NoMoreConcerns(),
        AssessImpact(concern_id="K1", description="overdrawn", severity="high"),
        ConfirmImpact(concern_id="K1"), Apologize(), BeginResponse(),
        PlanAction(description="send the statement", owner=Owner.CUSTOMER,
                   due=clock_.now + timedelta(days=3), concern_ids=("K1",)),
        ScheduleFollowUp(at=clock_.now + timedelta(days=1)), ConfirmNextSteps(),
        StartContact(channel="phone"), ReviewOpenItems(), CompleteAction(action_id="A1"),
    ], clock_, log)
    timeline = complaint.timeline
    assert [c.kind for c in timeline.first_communications] == ["acknowledgement"]
    assert timeline.follow_up is not None
    assert timeline.follow_up_touch == timeline.last_touch
    assert timeline.last_touch is not None
    assert timeline.last_touch.seq == complaint.seq - 2  # the contact, before its review
    assert len(timeline.pauses) == 1
    assert timeline.pauses[0].end is not None
    for days in (0, 1, 3, 30, 90):
        at = clock_.now + timedelta(days=days)
        assert deadlines(Complaint.from_events(log), at=at) == deadlines(complaint, at=at)


def test_only_what_happened_by_the_evaluation_time_counts() -> None:
    complaint = send(opened(RECEIVED_UK, generous_fca(UK_ANY)), "final_response",
                     london(2027, 1, 20, 10, 0))
    before = clock(complaint, "final_response_8_weeks", london(2027, 1, 19))
    assert before.state is ClockState.RUNNING
    assert before.stopped_at is None


# --- ASIC RG 271: Friday 22 January 2027, 15:00 in Sydney ------------------------------------

RECEIVED_AU = datetime(2027, 1, 22, 15, 0, tzinfo=SYDNEY)


@pytest.mark.parametrize(("complaint_type", "name", "due"), [
    # five business days, skipping Australia Day (Tuesday 26 January): Monday 1 February
    (AsicComplaintType.STANDARD, "resolved_within_5_business_days",
     end_of(date(2027, 2, 1), SYDNEY)),
    # 30 calendar days: Sunday 21 February (no business-day roll)
    (AsicComplaintType.STANDARD, "idr_response", end_of(date(2027, 2, 21), SYDNEY)),
    (AsicComplaintType.SUPERANNUATION, "idr_response", end_of(date(2027, 3, 8), SYDNEY)),
    (AsicComplaintType.DEFAULT_NOTICE, "idr_response", end_of(date(2027, 2, 12), SYDNEY)),
    (AsicComplaintType.HARDSHIP, "idr_response", end_of(date(2027, 2, 12), SYDNEY)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_asic_received_on_a_friday(complaint_type: AsicComplaintType, name: str,
                                   due: datetime) -> None:
    regime = asic_rg271(NSW, complaint_type=complaint_type)
    for received in (RECEIVED_AU, RECEIVED_AU.replace(hour=19)):  # after hours: the same
        status = clock(opened(received, regime), name, RECEIVED_AU + timedelta(hours=5))
        assert status.due_at == due
        assert status.state is ClockState.RUNNING


def test_asic_acknowledges_within_24_hours_by_default() -> None:
    # "within 24 hours (or one business day)": 24 hours is never later than the end of the
    # next business day (Friday 15:00 to Monday midnight is 57 hours)
    complaint = opened(RECEIVED_AU, asic_rg271(NSW))
    status = clock(complaint, "acknowledgement", RECEIVED_AU)
    assert status.due_at == datetime(2027, 1, 23, 15, 0, tzinfo=SYDNEY)  # Saturday 15:00
    business_day = asic_rg271(NSW, acknowledgement=Limit(amount=1, unit=Unit.BUSINESS_DAYS))
    status = clock(opened(RECEIVED_AU, business_day), "acknowledgement", RECEIVED_AU)
    assert status.due_at == end_of(date(2027, 1, 25), SYDNEY)  # the end of Monday 25


@pytest.mark.parametrize("regime", [
    asic_rg271(NSW, complaint_type=AsicComplaintType.HARDSHIP),
    asic_rg271(NSW, complaint_type=AsicComplaintType.DEFAULT_NOTICE),
    asic_rg271(NSW, written_response_requested=True),
], ids=["hardship", "default notice", "written response requested"])
def test_asic_five_day_window_is_not_offered_where_a_written_response_is_due(
        regime: Regime) -> None:
    """RG 271: hardship complaints always get a written IDR response; the texts found say
    nothing of default notices, so the safe side gives no window either (both have the
    21-day limit), nor when the customer asked for a written response. A summary
    resolution then does not switch off the IDR response clock."""
    assert "resolved_within_5_business_days" not in [c.name for c in regime.clocks]
    complaint = send(opened(RECEIVED_AU, regime), "summary_resolution",
                     datetime(2027, 1, 25, 10, 0, tzinfo=SYDNEY))
    status = clock(complaint, "idr_response", datetime(2027, 4, 1, tzinfo=SYDNEY))
    assert status.state is ClockState.BREACHED


def test_asic_strict_counting_of_the_idr_response() -> None:
    # receipt_day_counts: Friday 22 January 2027 is day 1, so day 30 is Saturday 20 February
    regime = asic_rg271(NSW, receipt_day_counts=True)
    status = clock(opened(RECEIVED_AU, regime), "idr_response", RECEIVED_AU)
    assert status.due_at == end_of(date(2027, 2, 20), SYDNEY)


def test_asic_due_time_in_utc_across_the_end_of_daylight_saving() -> None:
    # Sydney leaves daylight saving on Sunday 4 April 2027 (UTC+11 -> UTC+10)
    complaint = opened(datetime(2027, 3, 15, 10, 0, tzinfo=SYDNEY), asic_rg271(NSW))
    status = clock(complaint, "idr_response", datetime(2027, 3, 16, tzinfo=SYDNEY))
    assert status.due_at == datetime(2027, 4, 14, 14, 0, tzinfo=UTC)  # midnight, UTC+10


def test_asic_resolved_within_five_business_days_needs_no_idr_response() -> None:
    complaint = send(opened(RECEIVED_AU, asic_rg271(NSW)), "summary_resolution",
                     datetime(2027, 2, 1, 16, 0, tzinfo=SYDNEY))
    statuses = {s.clock: s.state for s in deadlines(complaint, at=datetime(2027, 4, 1,
                                                                           tzinfo=SYDNEY))}
    assert statuses == {"acknowledgement": ClockState.BREACHED,
                        "resolved_within_5_business_days": ClockState.MET,
                        "idr_response": ClockState.NOT_APPLICABLE}


def test_asic_acknowledgement_met_by_any_response() -> None:
    complaint = send(opened(RECEIVED_AU, asic_rg271(NSW)), "holding_response",
                     datetime(2027, 1, 23, 9, 0, tzinfo=SYDNEY))
    assert clock(complaint, "acknowledgement", datetime(2027, 2, 1, tzinfo=SYDNEY)
                 ).state is ClockState.MET
    # on Monday morning it is late by the default, in time by the business-day reading
    monday = datetime(2027, 1, 25, 9, 0, tzinfo=SYDNEY)
    late = send(opened(RECEIVED_AU, asic_rg271(NSW)), "acknowledgement", monday)
    assert clock(late, "acknowledgement", monday).state is ClockState.BREACHED
    lenient = asic_rg271(NSW, acknowledgement=Limit(amount=1, unit=Unit.BUSINESS_DAYS))
    in_time = send(opened(RECEIVED_AU, lenient), "acknowledgement", monday)
    assert clock(in_time, "acknowledgement", monday).state is ClockState.MET


# --- PSD2 over Easter 2027, in Germany -------------------------------------------------------

RECEIVED_DE = datetime(2027, 3, 23, 11, 0, tzinfo=BERLIN)  # Tuesday


def test_psd2_over_easter() -> None:
    # Good Friday 26 March and Easter Monday 29 March are holidays; so are Labour Day
    # (Saturday 1 May, no effect) and Ascension Day (Thursday 6 May). "Within 15 business
    # days of receipt": Tuesday 23 March is day 1, so day 15 is Wednesday 14 April
    complaint = opened(RECEIVED_DE, psd2(GERMANY))
    reply = clock(complaint, "reply_15_business_days", RECEIVED_DE)
    assert reply.due_at == end_of(date(2027, 4, 14), BERLIN)  # Wednesday 14 April
    assert reply.due_at == datetime(2027, 4, 14, 22, 0, tzinfo=UTC)  # CEST after 28 March
    after = clock(opened(RECEIVED_DE, psd2(GERMANY, receipt_day_counts=False)),
                  "reply_15_business_days", RECEIVED_DE)
    assert after.due_at == end_of(date(2027, 4, 15), BERLIN)  # the days after: Thursday 15
    holding = send(complaint, "holding_response", datetime(2027, 4, 14, 9, 0, tzinfo=BERLIN))
    final = clock(holding, "final_reply_35_business_days", datetime(2027, 4, 15, tzinfo=BERLIN))
    assert final.due_at == end_of(date(2027, 5, 13), BERLIN)  # Thursday 13 May
    assert final.state is ClockState.RUNNING
    assert clock(holding, "reply_15_business_days", datetime(2027, 4, 15, tzinfo=BERLIN)
                 ).state is ClockState.MET


# --- CFPB ----------------------------------------------------------------------------------


def test_cfpb_fifteen_days_across_the_start_of_daylight_saving() -> None:
    # New York moves to EDT on Sunday 14 March 2027
    # sent to the company on Monday 1 March 2027, day 1: day 15 is Monday 15 March
    complaint = opened(datetime(2027, 3, 1, 10, 0, tzinfo=NEW_YORK), cfpb(US))
    status = clock(complaint, "company_response_15_days", datetime(2027, 3, 2, tzinfo=NEW_YORK))
    assert status.due_at == datetime(2027, 3, 16, 4, 0, tzinfo=UTC)  # end of Mon 15 March
    lenient = opened(datetime(2027, 3, 1, 10, 0, tzinfo=NEW_YORK), cfpb(US, sent_day_counts=False))
    status = clock(lenient, "company_response_15_days", datetime(2027, 3, 2, tzinfo=NEW_YORK))
    assert status.due_at == datetime(2027, 3, 17, 4, 0, tzinfo=UTC)  # end of Tue 16 March
    assert clock(complaint, "final_response_60_days", datetime(2027, 3, 2, tzinfo=NEW_YORK)
                 ).state is ClockState.NOT_APPLICABLE


def test_cfpb_in_progress_then_final_within_sixty_days() -> None:
    received = datetime(2027, 3, 1, 10, 0, tzinfo=NEW_YORK)
    complaint = send(opened(received, cfpb(US)), "holding_response",
                     datetime(2027, 3, 10, 9, 0, tzinfo=NEW_YORK))
    sixty = clock(complaint, "final_response_60_days", datetime(2027, 3, 11, tzinfo=NEW_YORK))
    assert sixty.due_at == end_of(date(2027, 4, 29), NEW_YORK)  # Thursday 29 April, day 60
    done = send(complaint, "final_response", datetime(2027, 4, 29, 23, 0, tzinfo=NEW_YORK))
    assert clock(done, "final_response_60_days", datetime(2027, 6, 1, tzinfo=NEW_YORK)
                 ).state is ClockState.MET
    late = send(complaint, "final_response", datetime(2027, 4, 30, 23, 0, tzinfo=NEW_YORK))
    assert clock(late, "final_response_60_days", datetime(2027, 6, 1, tzinfo=NEW_YORK)
                 ).state is ClockState.BREACHED


# --- 29 February 2028 ----------------------------------------------------------------------


@pytest.mark.parametrize(("received", "regime", "name", "due"), [
    # sent on Tuesday 15 February 2028, day 1: day 15 is Tuesday 29 February
    (datetime(2028, 2, 15, 9, 0, tzinfo=NEW_YORK), cfpb(US), "company_response_15_days",
     end_of(date(2028, 2, 29), NEW_YORK)),
    # eight weeks after Tuesday 4 January 2028, by default: Tuesday 29 February
    (london(2028, 1, 4, 10, 0), fca_disp(UK), "final_response_8_weeks",
     end_of(date(2028, 2, 29), LONDON)),
    # eight weeks after Tuesday 4 January 2028: Tuesday 29 February (in England) ...
    (london(2028, 1, 4, 10, 0), generous_fca(ENGLAND), "final_response_8_weeks",
     end_of(date(2028, 2, 29), LONDON)),
    # ... but 4 January 2028 is a bank holiday in Scotland (for Sunday 2 January), so with
    # the UK_ANY calendar it counts as received on Wednesday 5 January: Wednesday 1 March
    (london(2028, 1, 4, 10, 0), generous_fca(UK_ANY), "final_response_8_weeks",
     end_of(date(2028, 3, 1), LONDON)),
    # 30 calendar days after Sunday 30 January 2028: Tuesday 29 February
    (datetime(2028, 1, 30, 12, 0, tzinfo=SYDNEY), asic_rg271(NSW), "idr_response",
     end_of(date(2028, 2, 29), SYDNEY)),
    # 15 business days after Monday 7 February 2028: Monday 28 February; 16: Tuesday 29th
    (london(2028, 2, 7, 10, 0), generous_fca(UK_ANY, payment_services=True),
     "final_response_15_business_days", end_of(date(2028, 2, 28), LONDON)),
], ids=["cfpb", "fca", "fca-england", "fca-uk", "asic", "fca-psd"])
def test_leap_day(received: datetime, regime: Regime, name: str, due: datetime) -> None:
    assert clock(opened(received, regime), name, received).due_at == due


# --- daylight saving and business hours ------------------------------------------------------


@pytest.mark.parametrize(("calendar", "received", "limit", "due"), [
    # Friday 26 March 2027, 15:00 GMT; the clocks go forward on Sunday 28 March:
    # 2 business hours on Friday, 2 on Monday 29 March from 09:00 BST
    (PLAIN_LONDON, london(2027, 3, 26, 15, 0), Limit(amount=4, unit=Unit.BUSINESS_HOURS),
     london(2027, 3, 29, 11, 0)),
    # ... with the UK_ANY's Easter bank holidays, Tuesday 30 March
    (UK_ANY, london(2027, 3, 25, 15, 0), Limit(amount=4, unit=Unit.BUSINESS_HOURS),
     london(2027, 3, 30, 11, 0)),
    # 72 elapsed hours from Friday 12:00 GMT are Monday 13:00 BST (one wall-clock hour more)
    (PLAIN_LONDON, london(2027, 3, 26, 12, 0), Limit(amount=72, unit=Unit.HOURS),
     london(2027, 3, 29, 13, 0)),
    # the clocks go back on Sunday 25 October 2026: Friday 16:00 BST + 4 business hours
    (PLAIN_LONDON, london(2026, 10, 23, 16, 0), Limit(amount=4, unit=Unit.BUSINESS_HOURS),
     london(2026, 10, 26, 12, 0)),
    # 72 elapsed hours from Friday 12:00 BST are Monday 11:00 GMT
    (PLAIN_LONDON, london(2026, 10, 23, 12, 0), Limit(amount=72, unit=Unit.HOURS),
     london(2026, 10, 26, 11, 0)),
    # received at 07:00, before opening: the business day starts at 09:00
    (PLAIN_LONDON, london(2026, 10, 26, 7, 0), Limit(amount=8, unit=Unit.BUSINESS_HOURS),
     london(2026, 10, 26, 17, 0)),
    # a whole number of business days of hours ends at the close, not the next opening
    (PLAIN_LONDON, london(2026, 10, 23, 9, 0), Limit(amount=16, unit=Unit.BUSINESS_HOURS),
     london(2026, 10, 26, 17, 0)),
    # calendar days across the autumn change end at local midnight (GMT by then)
    (PLAIN_LONDON, london(2026, 10, 20, 12, 0), Limit(amount=7, unit=Unit.CALENDAR_DAYS),
     datetime(2026, 10, 28, 0, 0, tzinfo=UTC)),
], ids=["spring-business-hours", "spring-easter", "spring-hours", "autumn-business-hours",
        "autumn-hours", "before-opening", "close-not-next-opening", "autumn-days"])
def test_first_response_across_daylight_saving(calendar: BusinessCalendar, received: datetime,
                                               limit: Limit, due: datetime) -> None:
    regime = service_clocks(calendar, first_response=limit, include_next_contact=False)
    status = clock(opened(received, regime), "first_response", received)
    assert status.due_at == due


# --- service clocks: next contact, keeping in the loop, pauses -------------------------------


def service_policy(first_response: Limit | None = None, next_contact_grace: Limit | None = None,
                   keep_in_loop: Limit | None = None) -> Policy:
    return Policy(regimes=(service_clocks(PLAIN_LONDON, first_response=first_response,
                                          next_contact_grace=next_contact_grace,
                                          keep_in_loop=keep_in_loop),))


def test_next_contact_met_and_breached() -> None:
    clock_ = Clock()
    complaint = responding(clock_, policy=service_policy())
    assert clock(complaint, "next_contact", clock_.now).state is ClockState.NOT_APPLICABLE
    due = london(2026, 3, 4, 10, 0)
    complaint = play(complaint, [ScheduleFollowUp(at=due)], clock_)
    status = clock(complaint, "next_contact", clock_.now)
    assert (status.state, status.due_at, status.started_by) == (
        ClockState.RUNNING, due, complaint.seq)
    assert clock(complaint, "next_contact", due + timedelta(seconds=1)).state is (
        ClockState.BREACHED)
    contacted = send(complaint, "holding_response", due)
    status = clock(contacted, "next_contact", due + timedelta(days=1))
    assert (status.state, status.stopped_by) == (ClockState.MET, (contacted.seq,))


def test_next_contact_with_grace() -> None:
    clock_ = Clock()
    complaint = responding(clock_, policy=service_policy(
        next_contact_grace=Limit(amount=2, unit=Unit.HOURS)))
    due = london(2026, 3, 4, 10, 0)
    complaint = play(complaint, [ScheduleFollowUp(at=due)], clock_)
    assert clock(complaint, "next_contact", clock_.now).due_at == london(2026, 3, 4, 12, 0)


def test_a_follow_up_contact_stops_the_next_contact_clock() -> None:
    from tests.support import following_up

    clock_ = Clock()
    complaint = following_up(clock_)
    policy = service_policy(keep_in_loop=Limit(amount=2, unit=Unit.BUSINESS_DAYS))
    complaint = attrs.evolve(complaint, policy=policy)
    contact_at = clock_.now + timedelta(hours=3)
    after = complaint.apply(StartContact(channel="phone"), at=contact_at).complaint
    status = clock(after, "next_contact", contact_at)
    assert (status.state, status.stopped_at, status.stopped_by) == (
        ClockState.MET, contact_at, (after.seq,))
    loop = clock(after, "keep_in_loop", contact_at)
    assert (loop.started_at, loop.started_by) == (contact_at, after.seq)
    # Monday 2 March 2026, 12:xx: two business days later is the end of Wednesday 4 March
    assert loop.due_at == end_of(date(2026, 3, 4), LONDON)


def test_keep_in_loop_only_while_following_up() -> None:
    from tests.support import following_up

    clock_ = Clock()
    policy = service_policy(keep_in_loop=Limit(amount=3, unit=Unit.CALENDAR_DAYS))
    before = responding(clock_, policy=policy)
    assert clock(before, "keep_in_loop", clock_.now).state is ClockState.NOT_APPLICABLE
    complaint = attrs.evolve(following_up(Clock()), policy=policy)
    assert complaint.timeline.stage_since is not None
    status = clock(complaint, "keep_in_loop", complaint.updated_at)
    assert (status.state, status.started_at, status.started_by) == (
        ClockState.RUNNING, complaint.timeline.stage_since, None)
    assert status.due_at == end_of(date(2026, 3, 5), LONDON)  # Monday 2 March + 3 days
    assert clock(complaint, "keep_in_loop", end_of(date(2026, 3, 5), LONDON)
                 + timedelta(seconds=1)).state is ClockState.BREACHED


def test_a_customer_action_pauses_the_first_response_clock() -> None:
    clock_ = Clock()
    limit = Limit(amount=8, unit=Unit.BUSINESS_HOURS)
    complaint = responding(clock_, policy=service_policy(first_response=limit))
    unpaused_due = clock(complaint, "first_response", clock_.now).due_at
    assert unpaused_due == london(2026, 3, 2, 17, 0)  # Monday 09:00 + 8 business hours
    start = clock_.tick()
    complaint = complaint.apply(PlanAction(description="send the bank statement",
                                           owner=Owner.CUSTOMER, due=london(2026, 3, 9, 9, 0),
                                           concern_ids=("K1",)), at=start).complaint
    assert complaint.timeline.pauses == (PauseInterval(action_id="A1", start=start.astimezone(UTC),
                                              start_seq=complaint.seq),)
    paused = clock(complaint, "first_response", london(2026, 3, 2, 15, 0))
    assert paused.state is ClockState.PAUSED
    assert paused.due_at is not None
    assert unpaused_due is not None
    assert paused.due_at > unpaused_due
    end = london(2026, 3, 3, 11, 0)  # Tuesday 11:00: 2h into the next business day
    complaint = complaint.apply(CompleteAction(action_id="A1"), at=end).complaint
    status = clock(complaint, "first_response", end)
    assert status.state is ClockState.RUNNING
    # m business minutes ran on Monday from 09:00 until the pause began; after Tuesday 11:00,
    # 8h - m remain: 6h on Tuesday to 17:00, and 2h - m on Wednesday from 09:00
    ran = start - london(2026, 3, 2, 9, 0)
    assert status.due_at == london(2026, 3, 4, 11, 0) - ran
    assert status.pauses == complaint.timeline.pauses
    assert status.pauses[0].end_seq == complaint.seq


@pytest.mark.parametrize("completed", [
    london(2026, 3, 3, 10, 0),  # a whole business day's pause: Monday 10:00 to Tuesday 10:00
    london(2026, 3, 2, 10, 1),  # a one-minute pause
], ids=["a day", "a minute"])
def test_a_pause_on_a_business_day_limit_keeps_the_evening_of_its_last_day(
        completed: datetime) -> None:
    """Regression: a paused business-day limit ended at the first instant of its business
    position (Thursday 17:00 after a day's pause, Thursday 09:01 after a minute's), not at
    the end of its last day, so a response on Thursday evening was called breached."""
    clock_ = Clock()  # received Monday 2 March 2026, 09:00 London
    complaint = responding(clock_, policy=service_policy(
        first_response=Limit(amount=2, unit=Unit.BUSINESS_DAYS)))
    assert clock(complaint, "first_response", clock_.now).due_at == end_of(
        date(2026, 3, 4), LONDON)  # unpaused: the end of Wednesday 4 March
    complaint = complaint.apply(PlanAction(description="send the bank statement",
                                           owner=Owner.CUSTOMER, due=london(2026, 3, 9, 9, 0),
                                           concern_ids=("K1",)),
                                at=london(2026, 3, 2, 10, 0)).complaint
    complaint = complaint.apply(CompleteAction(action_id="A1"), at=completed).complaint
    status = clock(complaint, "first_response", london(2026, 3, 5, 12, 0))
    assert status.due_at == end_of(date(2026, 3, 5), LONDON)  # the end of Thursday 5 March
    answered = send(complaint, "final_response", london(2026, 3, 5, 18, 0))
    assert clock(answered, "first_response", london(2026, 3, 6, 9, 0)).state is ClockState.MET


def test_a_pause_on_a_calendar_day_limit_ends_at_the_end_of_a_day() -> None:
    clock_ = Clock()  # Monday 2 March 2026, 09:00 London; 3 calendar days: end of Thursday 5
    complaint = responding(clock_, policy=service_policy(
        first_response=Limit(amount=3, unit=Unit.CALENDAR_DAYS)))
    complaint = complaint.apply(PlanAction(description="send the bank statement",
                                           owner=Owner.CUSTOMER, due=london(2026, 3, 9, 9, 0),
                                           concern_ids=("K1",)),
                                at=london(2026, 3, 2, 10, 0)).complaint
    complaint = complaint.apply(CompleteAction(action_id="A1"),
                                at=london(2026, 3, 2, 12, 0)).complaint
    # two hours of elapsed time reach 02:00 on Friday 6 March: the limit ends with that day
    status = clock(complaint, "first_response", london(2026, 3, 3))
    assert status.due_at == end_of(date(2026, 3, 6), LONDON)


def hours_rule(shift: bool) -> Regime:
    return Regime(name="r", title="t", calendar=PLAIN_LONDON, clocks=(ClockRule(
        name="reply", rule="house rule", description="d",
        limit=Limit(amount=24, unit=Unit.HOURS), stop_on=(StopWhen(all_of=("final_response",)),),
        from_next_business_day=shift),))


def test_an_hours_limit_honours_from_next_business_day() -> None:
    received = london(2026, 12, 18, 17, 45)  # Friday, after close of business
    assert clock(opened(received, hours_rule(False)), "reply", received).due_at == london(
        2026, 12, 19, 17, 45)  # 24 hours later
    # received on Monday 21 December at its opening, 09:00: Tuesday 09:00
    assert clock(opened(received, hours_rule(True)), "reply", received).due_at == london(
        2026, 12, 22, 9, 0)
    during = london(2026, 12, 18, 11, 0)  # within business hours: no shift
    assert clock(opened(during, hours_rule(True)), "reply", during).due_at == london(
        2026, 12, 19, 11, 0)


def test_counting_the_start_day_needs_a_day_based_limit() -> None:
    with pytest.raises(InvalidValueError, match="counts_start_day needs a day-based unit"):
        Limit(amount=4, unit=Unit.BUSINESS_HOURS, counts_start_day=True)
    # from Saturday 19 December 2026, day 1 is Monday 21 December: day 3 is Wednesday 23rd
    regime = service_clocks(PLAIN_LONDON, include_next_contact=False, first_response=Limit(
        amount=3, unit=Unit.BUSINESS_DAYS, counts_start_day=True))
    saturday = london(2026, 12, 19, 10, 0)
    assert clock(opened(saturday, regime), "first_response", saturday).due_at == end_of(
        date(2026, 12, 23), LONDON)


def test_an_agent_action_does_not_pause() -> None:
    clock_ = Clock()
    complaint = responding(clock_, policy=service_policy(
        first_response=Limit(amount=8, unit=Unit.BUSINESS_HOURS)))
    complaint = play(complaint, [PlanAction(description="refund", owner=Owner.AGENT,
                                            due=london(2026, 3, 9, 9, 0),
                                            concern_ids=("K1",))], clock_)
    assert complaint.timeline.pauses == ()
    assert clock(complaint, "first_response", clock_.now).state is ClockState.RUNNING


def test_regulatory_clocks_do_not_pause() -> None:
    clock_ = Clock()
    policy = Policy(regimes=(fca_disp(UK_ANY),))
    complaint = responding(clock_, policy=policy)
    before = clock(complaint, "final_response_8_weeks", clock_.now).due_at
    complaint = play(complaint, [PlanAction(description="send statements",
                                            owner=Owner.CUSTOMER, due=london(2026, 4, 9, 9, 0),
                                            concern_ids=("K1",))], clock_)
    status = clock(complaint, "final_response_8_weeks", london(2026, 3, 20))
    assert (status.state, status.due_at, status.pauses) == (ClockState.RUNNING, before, ())


# --- the API --------------------------------------------------------------------------------


def test_no_regimes_no_clocks() -> None:
    assert deadlines(open_complaint("C-1", at=RECEIVED_UK).complaint, at=RECEIVED_UK) == ()


def test_deadlines_refuses_a_naive_time() -> None:
    complaint = opened(RECEIVED_UK, fca_disp(UK_ANY))
    with pytest.raises(InvalidValueError) as raised:
        deadlines(complaint, at=datetime(2027, 1, 1))
    assert raised.value.code == "naive_time"


def test_statuses_come_in_policy_order_and_name_their_regime_and_rule() -> None:
    complaint = opened(RECEIVED_UK, fca_disp(UK_ANY), service_clocks(
        UK_ANY, first_response=Limit(amount=4, unit=Unit.BUSINESS_HOURS)))
    statuses = deadlines(complaint, at=RECEIVED_UK)
    assert [(s.regime, s.clock, s.rule) for s in statuses] == [
        ("fca_disp", "summary_resolution", "FCA DISP 1.5.1R, 1.5.4R"),
        ("fca_disp", "final_response_8_weeks", "FCA DISP 1.6.2R"),
        ("service", "first_response", "service level: first response"),
        ("service", "next_contact", "service level: next contact as scheduled"),
    ]
    assert all(s.at == RECEIVED_UK for s in statuses)
    # 4 business hours from Friday 17:45 (after close): Monday 21 December 13:00
    assert statuses[2].due_at == london(2026, 12, 21, 13, 0)


def test_unless_met_rules_that_name_each_other_do_not_loop() -> None:
    def rule(name: str, other: str) -> ClockRule:
        return ClockRule(name=name, rule="r", description="d",
                         limit=Limit(amount=1, unit=Unit.CALENDAR_DAYS),
                         stop_on=(StopWhen(all_of=("final_response",)),), unless_met=(other,))

    regime = Regime(name="r", title="t", calendar=UK_ANY, clocks=(rule("a", "b"), rule("b", "a")))
    complaint = send(opened(RECEIVED_UK, regime), "final_response", RECEIVED_UK)
    # "b" is evaluated first (for "a"), sees "a" unevaluated, and is met; so "a" is waived
    assert [(s.clock, s.state) for s in deadlines(complaint, at=RECEIVED_UK)] == [
        ("a", ClockState.NOT_APPLICABLE), ("b", ClockState.MET)]


def test_the_policy_and_its_regimes_are_values() -> None:
    assert fca_disp(UK_ANY) == fca_disp(UK_ANY)
    assert Policy(regimes=[fca_disp(UK_ANY)]).regimes == (fca_disp(UK_ANY),)
    with pytest.raises(InvalidValueError) as raised:
        Policy(regimes=(fca_disp(UK_ANY), fca_disp(ENGLAND)))
    assert raised.value.argument == "regimes"


@pytest.mark.parametrize(("build", "argument"), [
    (lambda: BusinessCalendar(time_zone="Mars/Olympus"), "time_zone"),
    (lambda: BusinessCalendar(time_zone="Europe/London", working_days=()), "working_days"),
    (lambda: BusinessCalendar(time_zone="Europe/London", working_days=(7,)), "working_days"),
    (lambda: BusinessCalendar(time_zone="Europe/London", holidays=[datetime(2027, 1, 1)]),
     "holidays"),
    (lambda: BusinessCalendar(time_zone="Europe/London", opens_at=time(18, 0)), "closes_at"),
    (lambda: BusinessCalendar(time_zone="Europe/London",
                              opens_at=time(9, 0, tzinfo=UTC)), "opens_at"),
    (lambda: Limit(amount=0, unit=Unit.HOURS), "amount"),
    (lambda: Limit(amount=3, unit="fortnights"), "unit"),
    (lambda: StopWhen(all_of=()), "all_of"),
    (lambda: StopWhen(all_of=("postcard",)), "kinds"),
    (lambda: ClockRule(name="x", rule="r", description="d"), "limit"),
    (lambda: ClockRule(name="x", rule="r", description="d",
                       limit=Limit(amount=1, unit=Unit.HOURS)), "stop_on"),
    (lambda: ClockRule(name="x", rule="r", description="d", kind=ClockKind.KEEP_IN_LOOP),
     "limit"),
    (lambda: Regime(name="r", title="t", calendar=UK_ANY, clocks=(
        ClockRule(name="x", rule="r", description="d", kind=ClockKind.NEXT_CONTACT),
        ClockRule(name="x", rule="r", description="d", kind=ClockKind.NEXT_CONTACT))),
     "clocks"),
    (lambda: Regime(name="r", title="t", calendar=UK_ANY, clocks=(
        ClockRule(name="x", rule="r", description="d", kind=ClockKind.NEXT_CONTACT,
                  unless_met=("y",)),)), "clocks"),
    (lambda: calendar_from_holidays("XX", years=[2027], time_zone="UTC"), "country"),
    (lambda: calendar_from_holidays("GB", years=[], time_zone="UTC"), "years"),
    (lambda: calendar_from_holidays("GB", years=[2027], time_zone="UTC", subdivisions="ENG"),
     "subdivisions"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_clock_values_name_their_argument(build: object, argument: str) -> None:
    assert callable(build)
    with pytest.raises(InvalidValueError) as raised:
        build()
    assert raised.value.argument == argument


def test_without_the_holidays_extra_the_error_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "holidays", None)  # import holidays -> ImportError
    with pytest.raises(ComplaintflowError, match=r"complaintflow\[holidays\]"):
        uk_calendar([2027])


def test_importing_complaintflow_does_not_import_holidays() -> None:
    import subprocess
    import sys

    code = "import sys, complaintflow; print('holidays' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("years", [2026, "2026"])
def test_years_must_be_a_list_of_years(years: object) -> None:
    with pytest.raises(InvalidValueError, match="years must be a list of years"):
        uk_calendar(years)  # type: ignore[arg-type]  # deliberately a lone year


def test_a_calendar_refuses_days_past_the_holidays_it_knows() -> None:
    calendar = uk_calendar([2026])
    assert calendar.holidays_through == date(2026, 12, 31)
    assert calendar.add_working_days(date(2026, 12, 21), 6) == date(2026, 12, 31)
    with pytest.raises(InvalidValueError, match="after the last day this calendar knows"):
        calendar.add_working_days(date(2026, 12, 21), 7)  # into 2027: holidays unknown
    with pytest.raises(InvalidValueError, match="build it with more years"):
        calendar.is_working_day(date(2027, 1, 1))
    vouched = BusinessCalendar(time_zone="Europe/London", holidays=calendar.holidays)
    assert vouched.holidays_through is None  # the host vouches for the list: no limit
    assert vouched.is_working_day(date(2027, 1, 1))  # ... and gets what it vouched for


def test_a_calendar_knows_the_span_of_its_years_and_their_gaps() -> None:
    calendar = uk_calendar([2026, 2028])
    assert (calendar.holidays_from, calendar.holidays_through) == (date(2026, 1, 1),
                                                                   date(2028, 12, 31))
    assert calendar.holiday_gaps == (DateSpan(date(2027, 1, 1), date(2027, 12, 31)),)
    assert calendar.covers(date(2026, 12, 1), date(2026, 12, 31))
    assert not calendar.covers(date(2026, 12, 1), date(2028, 1, 31))
    assert not calendar.covers(date(2025, 12, 31))
    with pytest.raises(InvalidValueError, match="before the first day this calendar knows"):
        calendar.is_working_day(date(2025, 12, 31))
    with pytest.raises(InvalidValueError, match="in a gap of this calendar's holidays"):
        calendar.is_working_day(date(2027, 12, 22))
    with pytest.raises(InvalidValueError, match="crosses a gap") as raised:
        calendar.add_working_days(date(2026, 12, 30), 5)  # counted through 2027
    assert raised.value.code == "calendar_too_short"
    with pytest.raises(InvalidValueError, match="crosses a gap"):
        calendar.working_days_between(date(2026, 12, 30), date(2028, 1, 5))
    with pytest.raises(InvalidValueError, match="crosses a gap"):
        calendar.add_business_time(datetime(2026, 12, 31, 16, 0, tzinfo=LONDON),
                                   timedelta(hours=8))
    assert calendar.add_working_days(date(2028, 1, 5), 1) == date(2028, 1, 6)
    assert uk_calendar([2026, 2027, 2028, 2030]).holiday_gaps == (
        DateSpan(date(2029, 1, 1), date(2029, 12, 31)),)
    assert uk_calendar([2026, 2029, 2030]).holiday_gaps == (
        DateSpan(date(2027, 1, 1), date(2028, 12, 31)),)


def test_a_calendar_with_a_gap_in_its_years_refuses_dates_in_the_gap() -> None:
    """Regression: ``uk_calendar([2026, 2028])`` knew no 2027 holidays but claimed to know
    every holiday through 2028, so a payment-services complaint received on Wednesday 22
    December 2027 got its summary window closing on Monday 27 December and its 15 business
    days ending on Friday 14 January 2028, ignoring the Christmas and New Year holidays."""
    received = datetime(2027, 12, 22, 10, 0, tzinfo=LONDON)
    gappy = Policy(regimes=(fca_disp(uk_calendar([2026, 2028]), payment_services=True),))
    complaint = open_complaint("CMP-GAP", at=received, policy=gappy).complaint
    with pytest.raises(InvalidValueError, match="in a gap") as raised:
        deadlines(complaint, at=received)
    assert raised.value.code == "calendar_too_short"
    # with every year (and a bank holiday of any part, as the report counted): 27 and 28
    # December 2027 are the substitutes for Christmas Day and Boxing Day, 3 and 4 January
    # 2028 those for 1 and 2 January (Scotland)
    every_year = uk_calendar([2026, 2027, 2028], part="any")
    assert every_year.add_working_days(date(2027, 12, 22), 3) == date(2027, 12, 29)
    assert every_year.add_working_days(date(2027, 12, 22), 15) == date(2028, 1, 18)


def test_equal_calendars_share_their_holidays_so_lookups_need_not_compare_them() -> None:
    """Regression: a complaint loaded from a snapshot has its own calendar, equal to but not
    the one its tables were cached under, and every lookup compared the whole holiday
    tuples (6.7 µs became 227 µs per call at 10,000 holidays). Equal calendars now hold
    the same tuple, so the cached lookup compares it by identity (bench/clocks.py times
    it)."""
    from complaintflow import dump, load

    days = [date(2026, 1, 5) + timedelta(days=7 * n) for n in range(500)]
    first = BusinessCalendar(time_zone="Europe/London", holidays=days)
    again = BusinessCalendar(time_zone="Europe/London", holidays=reversed(days))
    assert first == again
    assert first is not again
    assert first.holidays is again.holidays
    complaint = opened(RECEIVED_UK, fca_disp(first))
    loaded = load(dump(complaint)).policy.regimes[0].calendar
    assert loaded == first
    assert loaded is not first
    assert loaded.holidays is first.holidays
    # complaints loaded with equal policies share one: their calendars are one object
    assert load(dump(complaint)).policy is load(dump(complaint)).policy
    other = BusinessCalendar(time_zone="Europe/London", holidays=days[:-1])
    assert other != first


def test_calendar_spans_are_checked() -> None:
    with pytest.raises(InvalidValueError, match="before holidays_from"):
        BusinessCalendar(time_zone="UTC", holidays_from=date(2027, 1, 1),
                         holidays_through=date(2026, 12, 31))
    with pytest.raises(InvalidValueError, match="inside the span"):
        BusinessCalendar(time_zone="UTC", holidays_from=date(2027, 1, 1),
                         holiday_gaps=[DateSpan(date(2026, 1, 1), date(2027, 3, 1))])
    with pytest.raises(InvalidValueError, match="overlap or touch"):
        BusinessCalendar(time_zone="UTC", holiday_gaps=[
            DateSpan(date(2027, 1, 1), date(2027, 3, 1)),
            DateSpan(date(2027, 3, 2), date(2027, 4, 1))])
    with pytest.raises(InvalidValueError, match="ends on or after it starts"):
        DateSpan(date(2027, 3, 1), date(2027, 1, 1))
    with pytest.raises(InvalidValueError, match="holiday_gaps must hold DateSpan"):
        BusinessCalendar(time_zone="UTC", holiday_gaps=[(date(2027, 1, 1),  # type: ignore[list-item]  # on purpose
                                                        date(2027, 2, 1))])


def test_a_regulatory_clock_past_the_calendar_is_an_error_not_a_wrong_date() -> None:
    policy = Policy(regimes=(fca_disp(uk_calendar([2026]), payment_services=True),))
    complaint = open_complaint("CMP-Y", at=datetime(2026, 12, 14, 10, 0, tzinfo=LONDON),
                               policy=policy).complaint
    with pytest.raises(InvalidValueError, match="2026-12-31"):
        deadlines(complaint, at=datetime(2026, 12, 15, 10, 0, tzinfo=LONDON))


def test_deadlines_needs_a_complaint() -> None:
    with pytest.raises(InvalidValueError, match="expected a Complaint"):
        deadlines("CMP-1", at=datetime(2026, 3, 2, tzinfo=LONDON))  # type: ignore[arg-type]  # on purpose
