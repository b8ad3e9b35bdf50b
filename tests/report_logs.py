"""A fixed set of 42 complaints for the returns' golden tables, built through the real
commands from a spec written out below (dates in London; every time 10:00 unless said).

The expected figures in ``tests/test_reports.py`` were counted by hand from this spec,
not by the library: change a complaint here and count again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from attrs import frozen

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginResponse,
    BusinessCalendar,
    Classify,
    Close,
    Command,
    Complaint,
    CompleteAction,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    GiveRelief,
    HearConcern,
    NoMoreConcerns,
    Owner,
    PlanAction,
    Policy,
    Recap,
    RecordCommunication,
    RecordDecision,
    RecordPreventiveAction,
    RecordRedress,
    RecordRootCause,
    RecordVulnerability,
    Reopen,
    ResolveConcern,
    RestateConcern,
    SeekClosure,
    ThankCustomer,
    VerifyCustomer,
    Withdraw,
    fca_disp,
    open_complaint,
)
from complaintflow.events import Event
from complaintflow.reports import FCA_DISP1_ANNEX1

LONDON = ZoneInfo("Europe/London")
# England and Wales bank holidays of 2026 and 2027, written out
ENGLAND = BusinessCalendar(
    time_zone="Europe/London", holidays_from=date(2026, 1, 1),
    holidays_through=date(2027, 12, 31), holidays=[
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3),
        date(2027, 5, 31), date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28)])
POLICY = Policy(regimes=(fca_disp(ENGLAND),), taxonomy=FCA_DISP1_ANNEX1,
                reopen_window=timedelta(days=365), authority_limits={"GBP": 1000})


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@frozen(kw_only=True)
class Round:
    """One round of a complaint, from its receipt (or reopening) to its closing."""

    closed: datetime | None = None  # None: still open; else closed then (close path)
    withdrawn: bool = False  # closed by withdrawal instead of the close path
    decision: str | None = None  # recorded 30 minutes before the closing
    redress: str | None = None  # GBP paid 30 minutes before the closing
    relief: bool = False  # relief given on the way
    reopened: datetime | None = None  # the round starts with a reopening at this time


@frozen(kw_only=True)
class Spec:
    complaint_id: str
    received: datetime
    product: str | None = None
    cause: str | None = None
    customer: str | None = None
    rounds: Sequence[Round] = (Round(),)
    drivers: Sequence[str] = ()
    root_cause: tuple[str, bool, bool] | None = None  # category, at fault, vulnerability
    preventive: bool = False
    promise: tuple[date, datetime | None] | None = None  # due, completed
    holding: datetime | None = None


def _monday(weeks: int) -> date:
    return date(2027, 1, 11) + timedelta(weeks=weeks)


def specs() -> list[Spec]:
    found: list[Spec] = [
        # before the period
        Spec(complaint_id="P1", received=at(date(2026, 11, 2)), product="current_account",
             cause="general_admin_customer_service",
             rounds=[Round(closed=at(date(2026, 11, 3), 11), decision="upheld")]),
        Spec(complaint_id="P2", received=at(date(2026, 12, 1)), product="mortgage",
             cause="arrears", rounds=[Round(closed=at(date(2027, 1, 20), 11),
                                            decision="not_upheld")]),
        Spec(complaint_id="P3", received=at(date(2026, 10, 5)), product="mortgage",
             cause="arrears", rounds=[Round(closed=at(date(2027, 2, 10), 11),
                                            decision="upheld", redress="500.00")]),
        Spec(complaint_id="P4", received=at(date(2026, 12, 14)), product="credit_card",
             cause="terms_and_disputed_sums"),
        Spec(complaint_id="P5", received=at(date(2026, 9, 1)), product="credit_card",
             cause="terms_and_disputed_sums", rounds=[
                 Round(closed=at(date(2026, 10, 1), 11), decision="upheld", redress="100.00"),
                 Round(reopened=at(date(2027, 3, 1)), closed=at(date(2027, 3, 3), 11),
                       decision="partly_upheld", redress="40.00")]),
        Spec(complaint_id="P6", received=at(date(2026, 12, 20)), product="investments",
             cause="unsuitable_advice",
             rounds=[Round(closed=at(date(2027, 1, 5), 11), withdrawn=True)]),
    ]
    # B: current accounts, received on ten Mondays from 11 January 2027, closed the next
    # day at 11:00; upheld and not upheld in turn; redress on B0, B2, B4; B0, B1 and S6 are
    # one customer's
    for k in range(10):
        monday = _monday(k)
        found.append(Spec(
            complaint_id=f"B{k}", received=at(monday), product="current_account",
            cause="general_admin_customer_service",
            customer="CUST-A" if k < 2 else None,
            drivers={0: ("health",), 1: ("health",), 2: ("life_events", "resilience")}.get(
                k, ()),
            rounds=[Round(closed=at(monday + timedelta(days=1), 11),
                          decision="upheld" if k % 2 == 0 else "not_upheld",
                          redress="25.00" if k in (0, 2, 4) else None,
                          relief=k in (1, 3))]))
    # C: credit cards, received on eight Wednesdays from 3 February, closed three weeks
    # later; all with a root cause, "pricing", the company at fault; C0-C3 with prevention
    for k in range(8):
        wednesday = date(2027, 2, 3) + timedelta(weeks=k)
        found.append(Spec(
            complaint_id=f"C{k}", received=at(wednesday), product="credit_card",
            cause="terms_and_disputed_sums", drivers=("capability",) if k == 0 else (),
            root_cause=("pricing", True, False), preventive=k < 4,
            rounds=[Round(closed=at(wednesday + timedelta(weeks=3), 11),
                          decision=("partly_upheld", "partly_upheld", "partly_upheld",
                                    "partly_upheld", "upheld", "upheld", None, None)[k],
                          redress={0: "10.00", 4: "15.50"}.get(k), relief=k == 1)]))
    # D: mortgages in arrears, received on six Mondays from 4 January, closed ten weeks
    # later, none upheld; D0's cause a failure to respond to vulnerability
    for k in range(6):
        monday = date(2027, 1, 4) + timedelta(weeks=k)
        found.append(Spec(
            complaint_id=f"D{k}", received=at(monday), product="mortgage", cause="arrears",
            drivers=("life_events",) if k < 2 else (),
            root_cause=("arrears_handling", True, True) if k == 0 else None,
            rounds=[Round(closed=at(monday + timedelta(weeks=10), 11),
                          decision="not_upheld")]))
    # E: motor insurance, received on four Tuesdays in May, still open
    for k in range(4):
        tuesday = date(2027, 5, 4) + timedelta(weeks=k)
        found.append(Spec(
            complaint_id=f"E{k}", received=at(tuesday), product="motor_and_transport",
            cause="general_admin_customer_service", drivers=("health",) if k == 0 else (),
            holding=at(tuesday + timedelta(days=1)) if k == 1 else None))
    found += [
        # over Easter 2027: three business days after Thursday 25 March are 30 and 31
        # March and Thursday 1 April
        Spec(complaint_id="S1", received=at(date(2027, 3, 25)), product="investments",
             cause="unsuitable_advice", rounds=[Round(
                 closed=at(date(2027, 4, 1), 16), decision="upheld", redress="200.00")]),
        Spec(complaint_id="S2", received=at(date(2027, 3, 25)), product="investments",
             cause="unsuitable_advice",
             rounds=[Round(closed=at(date(2027, 4, 2)), decision="not_upheld")]),
        Spec(complaint_id="S3", received=at(date(2027, 4, 6)),
             rounds=[Round(closed=at(date(2027, 4, 6), 12), withdrawn=True)]),
        Spec(complaint_id="S4", received=at(date(2027, 6, 30), 23, 30),
             product="current_account", cause="general_admin_customer_service"),
        Spec(complaint_id="S5", received=at(date(2027, 7, 1), 0, 30),
             product="current_account", cause="general_admin_customer_service"),
        Spec(complaint_id="S6", received=at(date(2027, 1, 12)), product="current_account",
             cause="general_admin_customer_service", customer="CUST-A", rounds=[
                 Round(closed=at(date(2027, 1, 13), 11), decision="upheld"),
                 Round(reopened=at(date(2027, 2, 1)), closed=at(date(2027, 2, 25), 11))]),
        Spec(complaint_id="S7", received=at(date(2027, 6, 1)), product="credit_card",
             cause="terms_and_disputed_sums", customer="CUST-Z",
             promise=(date(2027, 6, 10), None)),
        Spec(complaint_id="S8", received=at(date(2027, 6, 2)), product="credit_card",
             cause="terms_and_disputed_sums", customer="CUST-Z",
             promise=(date(2027, 6, 5), at(date(2027, 6, 4)))),
    ]
    return found


class _Builder:
    def __init__(self, spec: Spec) -> None:
        opened = open_complaint(spec.complaint_id, at=spec.received, policy=POLICY)
        self.complaint: Complaint = opened.complaint
        self.log: list[Event] = list(opened.events)
        self.now = spec.received

    def run(self, *commands: Command, at: datetime | None = None) -> None:
        if at is not None:
            self.now = at
        for command in commands:
            applied = self.complaint.apply(command, at=self.now)
            self.complaint = applied.complaint
            self.log += applied.events
            self.now += timedelta(seconds=20)

    def listen(self, number: int) -> None:
        concern = f"K{number}"
        self.run(HearConcern(text="Something went wrong."),
                 RestateConcern(concern_id=concern, restatement="It went wrong."),
                 ConfirmConcern(concern_id=concern), NoMoreConcerns(),
                 AssessImpact(concern_id=concern, description="It matters.", severity="low"),
                 ConfirmImpact(concern_id=concern), Apologize(), BeginResponse())


def build(spec: Spec) -> list[Event]:
    """The complaint of ``spec``, through the commands, as its event log."""
    b = _Builder(spec)
    b.run(VerifyCustomer(name="Pat Example", callback="+44 20 7946 0999",
                         customer_id=spec.customer or f"CUST-{spec.complaint_id}"))
    if spec.product is not None and spec.cause is not None:
        b.run(Classify(product=spec.product, cause=spec.cause, channel="phone"))
    if spec.drivers:
        b.run(RecordVulnerability(drivers=spec.drivers))
    for number, round_ in enumerate(spec.rounds, start=1):
        if round_.reopened is not None:
            b.run(Reopen(reason="It happened again."), at=round_.reopened)
        if round_.withdrawn:
            assert round_.closed is not None
            b.run(Withdraw(reason="The customer withdrew it."), at=round_.closed)
            continue
        b.listen(number)
        if spec.promise is not None:
            due, done = spec.promise
            b.run(PlanAction(description="Send the statement.", owner=Owner.AGENT,
                             due=at(due, 17), concern_ids=(f"K{number}",)))
            if done is not None:
                b.run(CompleteAction(action_id="A1"), at=done)
        if spec.holding is not None:
            b.run(RecordCommunication(kind="holding_response", channel="email"),
                  at=spec.holding)
        if round_.closed is None:
            continue
        closing = round_.closed
        b.now = closing - timedelta(minutes=30)
        if round_.decision is not None:
            b.run(RecordDecision(decision=round_.decision))
        if round_.redress is not None:
            b.run(RecordRedress(kind="distress_and_inconvenience",
                                amount=Decimal(round_.redress), currency="GBP"))
        if round_.relief:
            b.run(GiveRelief(concern_id=f"K{number}", description="A fee refunded."))
        b.run(ResolveConcern(concern_id=f"K{number}", resolution="Put right."),
              ConfirmNextSteps(),
              RecordCommunication(kind="final_response", channel="letter"), Recap(),
              SeekClosure(customer_response="satisfied"), ThankCustomer())
        b.run(Close(), at=closing)
    if spec.root_cause is not None:
        category, fault, vulnerability = spec.root_cause
        b.run(RecordRootCause(category=category, description="Why it went wrong.",
                              company_at_fault=fault, vulnerability_failure=vulnerability),
              at=b.now + timedelta(minutes=1))
    if spec.preventive:
        b.run(RecordPreventiveAction(description="Fix the price table.", owner="pricing"))
    return b.log


def logs() -> list[list[Event]]:
    """Every complaint's log, in the order of the spec."""
    return [build(spec) for spec in specs()]
