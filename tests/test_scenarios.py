"""The sources' scenarios, end to end."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginRecap,
    BeginResponse,
    Close,
    CommandRejected,
    Complaint,
    CompleteAction,
    ConcernStatus,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
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
    Stage,
    StartContact,
    ThankCustomer,
    VerifyCustomer,
    open_complaint,
)
from complaintflow.events import Event

from .support import Clock, play


def _types(log: list[Event]) -> list[str]:
    return [event.type for event in log]


def test_payroll_outage_in_ibm_seven_steps() -> None:
    """(a) Two concerns, payroll critical; relief now, an action plan for the other."""
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
    ], clock, log)
    assert c.stage is Stage.PRIORITIZING  # two concerns: the customer orders them
    c = play(c, [
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
    assert c.stage is Stage.FOLLOWING_UP
    assert c.priority == ("K2", "K1")
    assert [(a.id, a.owner) for a in c.open_actions] == [("A1", Owner.AGENT),
                                                         ("A2", Owner.CUSTOMER)]
    payroll = c.concern("K2")
    assert payroll is not None
    assert payroll.relief == ("Manual payroll run today.",)

    clock.advance(timedelta(days=3))
    c = play(c, [StartContact(channel="phone")], clock, log)
    with pytest.raises(CommandRejected) as rejected:
        c.apply(CompleteAction(action_id="A2"), at=clock.tick())
    assert rejected.value.rejection.codes == ("open_items_not_reviewed",)
    c = play(c, [
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
    assert c.stage is Stage.CLOSED
    assert c.outcome is Outcome.RESOLVED
    assert all(concern.status is ConcernStatus.RESOLVED for concern in c.concerns)
    review = _types(log).index("open_items_reviewed")
    assert _types(log)[review - 1] == "contact_started"
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert Complaint.from_events(log) == c


def test_venting_customer_escalated_to_a_supervisor_who_consoles() -> None:
    """(b) Vent, apology, empathy; consolation above authority until escalated."""
    clock = Clock()
    c = play(open_complaint("CMP-7", at=clock.now).complaint, [
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
    ], clock)
    assert c.stage is Stage.RESPONDING
    assert (c.vented, c.apologized, c.empathy_expressed) == (True, True, True)
    consolation = OfferCompensation(concern_id="K1", kind="goodwill_credit",
                                    amount=Decimal("120"), currency="GBP",
                                    description="For the lost day.")
    with pytest.raises(CommandRejected) as rejected:
        c.apply(consolation, at=clock.tick())
    reason = rejected.value.rejection.reasons[0]
    assert reason.code == "compensation_above_authority"
    assert "limit of 50 GBP" in reason.message
    assert reason.argument == "amount"

    c = play(c, [Escalate(to="supervisor", reason="Consolation above agent limit.",
                          authority_limit=Decimal("100"))], clock)
    with pytest.raises(CommandRejected):  # 100 still does not cover 120
        c.apply(consolation, at=clock.tick())
    c = play(c, [Escalate(to="duty manager", reason="Still above.",
                          authority_limit=Decimal("250")), consolation], clock)
    assert c.authority_limit("GBP") == Decimal("250")
    assert c.compensation_total("GBP") == Decimal("120")
    assert c.compensations[-1].amount == Decimal("120")
    assert c.compensations[-1].authority_limit == Decimal("250")
    assert [e.to for e in c.escalations] == ["supervisor", "duty manager"]


def test_unfixable_concern_closed_with_explanation_and_accommodation() -> None:
    """(c) Explain and accommodate; root cause and prevention after closing; feedback."""
    clock = Clock()
    c = play(open_complaint("CMP-9", at=clock.now).complaint, [
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
    ], clock)
    assert c.stage is Stage.RECAPPING  # nothing open: straight to the recap
    c = play(c, [Recap(), SeekClosure(customer_response="accepts"), ThankCustomer(), Close()],
             clock)
    assert c.outcome is Outcome.RESOLVED
    k1 = c.concerns[0]
    assert k1.status is ConcernStatus.UNRESOLVABLE
    assert k1.accommodation == "Two years of premium storage free."

    c = play(c, [
        RecordRootCause(category="process", description="Backups expired mid-migration.",
                        company_at_fault=True),
        RecordPreventiveAction(description="Keep backups until migration sign-off.",
                               owner="platform team"),
        RecordFeedback(score=4, comment="Sad, but handled well."),
    ], clock)
    assert c.stage is Stage.CLOSED
    assert c.root_causes[0].company_at_fault
    assert c.preventive_actions[0].owner == "platform team"
    assert c.feedback is not None
    assert c.feedback.score == 4
    with pytest.raises(CommandRejected) as rejected:
        c.apply(RecordFeedback(score=5), at=clock.tick())
    assert rejected.value.rejection.codes == ("feedback_already_recorded",)
