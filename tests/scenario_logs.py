"""The sources' scenarios as event logs (played through the workflow), and a careless
conversation written as a bare log, the way another system could export one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginRecap,
    BeginResponse,
    Close,
    CompleteAction,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    CustomerResponse,
    EndContact,
    Escalate,
    ExpressEmpathy,
    GiveRelief,
    HearConcern,
    LetVent,
    MarkUnresolvable,
    NoMoreConcerns,
    OfferCompensation,
    Outcome,
    Owner,
    PlanAction,
    Prioritize,
    Recap,
    RecordFeedback,
    RecordPreventiveAction,
    RecordRootCause,
    RejectRestatement,
    ResolveConcern,
    RestateConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    SeekClosure,
    Severity,
    StartContact,
    ThankCustomer,
    VerifyCustomer,
    open_complaint,
)
from complaintflow import events as ev
from complaintflow.events import Event

from .support import Clock, play


def payroll_outage() -> list[Event]:
    """IBM's seven steps: two concerns, relief for payroll, a plan for the VAT number."""
    clock = Clock()
    opened = open_complaint("CMP-42", at=clock.now)
    log: list[Event] = list(opened.events)
    c = play(opened.complaint, [
        VerifyCustomer(name="Priya Shah", callback="+44 20 7946 0321", customer_id="ACME-4471",
                       service="Payroll Plus"),
        HearConcern(text="Invoices show our old VAT number."),
        RestateConcern(concern_id="K1", restatement="Invoices print a previous VAT number."),
        ConfirmConcern(concern_id="K1"),
        HearConcern(text="Payroll won't run."),
        RestateConcern(concern_id="K2", restatement="Your payroll app is slow."),
        RejectRestatement(concern_id="K2", correction="It does not run at all."),
        RestateConcern(concern_id="K2", restatement="Payroll stops before paying anyone."),
        ConfirmConcern(concern_id="K2"),
        NoMoreConcerns(),
        Prioritize(order=("K2", "K1")),
        AssessImpact(concern_id="K2", description="Cannot pay my staff on Friday.",
                     severity=Severity.CRITICAL, restatement="Your staff go unpaid."),
        ConfirmImpact(concern_id="K2"),
        AssessImpact(concern_id="K1", description="Customers query invoices.",
                     severity=Severity.MEDIUM),
        ConfirmImpact(concern_id="K1"),
        Apologize(),
        ExpressEmpathy(),
        BeginResponse(),
        GiveRelief(concern_id="K2", description="Manual payroll run today."),
        PlanAction(description="Correct the VAT number.", owner=Owner.AGENT,
                   due=clock.now + timedelta(days=1), concern_ids=("K1",)),
        PlanAction(description="Send the VAT certificate.", owner=Owner.CUSTOMER,
                   due=clock.now + timedelta(hours=20), concern_ids=("K1",)),
        ScheduleFollowUp(at=clock.now + timedelta(days=3)),
        ConfirmNextSteps(),
    ], clock, log)
    clock.advance(timedelta(days=3))
    play(c, [
        StartContact(channel="phone"),
        ReviewOpenItems(),
        CompleteAction(action_id="A2", note="certificate received"),
        CompleteAction(action_id="A1", note="VAT number corrected"),
        ResolveConcern(concern_id="K2", resolution="Payroll fixed."),
        ResolveConcern(concern_id="K1", resolution="Invoices reissued."),
        EndContact(),
        BeginRecap(),
        Recap(summary="Both fixed."),
        SeekClosure(customer_response="satisfied"),
        ThankCustomer(),
        Close(),
    ], clock, log)
    return log


def venting_escalation() -> list[Event]:
    """Let them vent, always apologize, escalate to a supervisor who can console."""
    clock = Clock()
    opened = open_complaint("CMP-7", at=clock.now)
    log: list[Event] = list(opened.events)
    play(opened.complaint, [
        VerifyCustomer(name="Tom Baker", callback="tom@example.com"),
        LetVent(note="Third missed delivery."),
        HearConcern(text="You missed my delivery again."),
        RestateConcern(concern_id="K1", restatement="The courier missed the slot."),
        ConfirmConcern(concern_id="K1"),
        NoMoreConcerns(),
        AssessImpact(concern_id="K1", description="Lost a day's pay.", severity="high"),
        ConfirmImpact(concern_id="K1"),
        Apologize(),
        ExpressEmpathy(),
        BeginResponse(),
        Escalate(to="supervisor", reason="Consolation above agent limit.",
                 authority_limit=Decimal("100")),
        Escalate(to="duty manager", reason="Still above.", authority_limit=Decimal("250")),
        OfferCompensation(concern_id="K1", kind="goodwill_credit", amount=Decimal("120"),
                          currency="GBP", description="For the lost day."),
    ], clock, log)
    return log


def unfixable_concern() -> list[Event]:
    """Explain and accommodate what cannot be fixed; root cause and prevention after."""
    clock = Clock()
    opened = open_complaint("CMP-9", at=clock.now)
    log: list[Event] = list(opened.events)
    play(opened.complaint, [
        VerifyCustomer(name="Ana Lima", callback="+55 11 5555 0100"),
        HearConcern(text="My old photos were deleted in the migration."),
        RestateConcern(concern_id="K1", restatement="Photos from before May are gone."),
        ConfirmConcern(concern_id="K1"),
        NoMoreConcerns(),
        AssessImpact(concern_id="K1", description="Family photos lost.",
                     severity=Severity.HIGH),
        ConfirmImpact(concern_id="K1"),
        Apologize(),
        BeginResponse(),
        MarkUnresolvable(concern_id="K1", explanation="The backups expired before the fix.",
                         accommodation="Two years of premium storage free."),
        OfferCompensation(concern_id="K1", kind="service", description="Premium storage."),
        ConfirmNextSteps(),
        Recap(),
        SeekClosure(customer_response="accepts"),
        ThankCustomer(),
        Close(),
        RecordRootCause(category="process", description="Backups expired mid-migration.",
                        company_at_fault=True),
        RecordPreventiveAction(description="Keep backups until migration sign-off.",
                               owner="platform team"),
        RecordFeedback(score=4, comment="Sad, but handled well."),
    ], clock, log)
    return log


class BareLog:
    """Writes events directly, with no workflow in between: seq and time are filled in."""

    def __init__(self, complaint_id: str) -> None:
        self.clock = Clock()
        self.events: list[Event] = [
            open_complaint(complaint_id, at=self.clock.now).events[0]]

    def add(self, event_type: type[Event], **fields: Any) -> int:
        seq = len(self.events) + 1
        self.events.append(event_type(seq=seq, at=self.clock.tick(), **fields))
        return seq


def careless_conversation() -> tuple[list[Event], dict[str, int]]:
    """No restatement, no apology, compensation above authority, closed without a recap.

    Returns the log and the seq of the events the audit must point at.
    """
    log = BareLog("CMP-13")
    seqs: dict[str, int] = {}
    log.add(ev.CustomerVerified, name="Sam Okafor", callback="+1 555 0100")
    seqs["heard"] = log.add(ev.ConcernHeard, concern_id="K1", text="Billed twice.")
    seqs["complete"] = log.add(ev.ConcernsComplete)
    log.add(ev.ImpactAssessed, concern_id="K1", description="Overdrawn.", severity=Severity.HIGH)
    log.add(ev.ImpactConfirmed, concern_id="K1")
    log.add(ev.EmpathyExpressed)
    seqs["response"] = log.add(ev.ResponseBegun)
    seqs["compensation"] = log.add(
        ev.CompensationOffered, concern_id="K1", kind="refund", amount=Decimal("80"),
        currency="GBP", description="Refund and goodwill.", authority_limit=Decimal("50"))
    log.add(ev.ConcernResolved, concern_id="K1", resolution="Refunded.")
    log.add(ev.NextStepsConfirmed)
    log.add(ev.ClosureSought, customer_response=CustomerResponse.ACCEPTS)
    log.add(ev.CustomerThanked)
    seqs["closed"] = log.add(ev.ComplaintClosed, outcome=Outcome.RESOLVED)
    return log.events, seqs
