"""Every row of the command table (DESIGN §3): where each command applies, what it does,
where it is refused, and each of its content rules with its stable reason code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from attrs import evolve

from complaintflow import (
    COMMAND_TYPES,
    ActionItem,
    AnyCommand,
    Apologize,
    AssessImpact,
    Assign,
    Assignment,
    BeginRecap,
    BeginResponse,
    BriefTeam,
    Classify,
    Close,
    CommandRejected,
    Communication,
    CommunicationKind,
    Compensation,
    Complaint,
    CompleteAction,
    Concern,
    ConcernStatus,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    Contact,
    Customer,
    CustomerResponse,
    EndContact,
    Escalate,
    Escalation,
    ExplainFinding,
    ExpressEmpathy,
    Feedback,
    GiveRelief,
    HearConcern,
    Impact,
    InvalidValueError,
    LetVent,
    MarkUnresolvable,
    NoMoreConcerns,
    OfferCompensation,
    Outcome,
    Owner,
    PlanAction,
    Policy,
    PreventiveAction,
    Prioritize,
    Recap,
    RecordCheckIn,
    RecordCommunication,
    RecordDecision,
    RecordEmotion,
    RecordFeedback,
    RecordInternalNote,
    RecordNeeds,
    RecordPreventiveAction,
    RecordRedress,
    RecordRootCause,
    RecordVulnerability,
    Refer,
    Rejection,
    RejectRestatement,
    Reopen,
    ResolveConcern,
    RestateConcern,
    ReviewOpenItems,
    RootCause,
    ScheduleCheckIn,
    ScheduleFollowUp,
    SeekClosure,
    Severity,
    Stage,
    StartContact,
    TakeResponsibility,
    ThankCustomer,
    Touch,
    VerifyCustomer,
    Withdraw,
    stage_commands,
)
from complaintflow.events import OpenItemsReviewed
from tests.support import (
    T0,
    Clock,
    assessing,
    closed,
    confirmed,
    following_up,
    listening,
    opened,
    play,
    prioritizing,
    recapping,
    responding,
)

Build = Callable[[Clock], Complaint]
UTC = timezone.utc

# --- the command table of DESIGN §3, written out independently of the library ----------

OPEN = frozenset(Stage) - {Stage.CLOSED}
ANY = frozenset(Stage)
WORK = frozenset({Stage.RESPONDING, Stage.FOLLOWING_UP})


def _only(*stages: Stage) -> frozenset[Stage]:
    return frozenset(stages)


TABLE: dict[str, frozenset[Stage]] = {
    "verify_customer": _only(Stage.VERIFYING),
    "refer": _only(Stage.VERIFYING),
    "assign": OPEN,
    "hear_concern": _only(Stage.LISTENING, Stage.FOLLOWING_UP),
    "restate_concern": _only(Stage.LISTENING),
    "confirm_concern": _only(Stage.LISTENING),
    "reject_restatement": _only(Stage.LISTENING),
    "no_more_concerns": _only(Stage.LISTENING),
    "prioritize": _only(Stage.PRIORITIZING),
    "assess_impact": _only(Stage.ASSESSING_IMPACT),
    "confirm_impact": _only(Stage.ASSESSING_IMPACT),
    "begin_response": _only(Stage.ASSESSING_IMPACT),
    "give_relief": WORK,
    "plan_action": WORK,
    "complete_action": WORK,
    "resolve_concern": WORK,
    "mark_unresolvable": WORK,
    "offer_compensation": WORK,
    "schedule_follow_up": WORK,
    "confirm_next_steps": _only(Stage.RESPONDING),
    "start_contact": _only(Stage.FOLLOWING_UP),
    "review_open_items": _only(Stage.FOLLOWING_UP),
    "end_contact": _only(Stage.FOLLOWING_UP),
    "begin_recap": _only(Stage.FOLLOWING_UP),
    "recap": _only(Stage.RECAPPING),
    "seek_closure": _only(Stage.RECAPPING),
    "thank_customer": _only(Stage.RECAPPING),
    "close": _only(Stage.RECAPPING),
    "reopen": _only(Stage.CLOSED),
    "schedule_check_in": _only(Stage.RECAPPING, Stage.CLOSED),
    "record_check_in": _only(Stage.CLOSED),
    "apologize": OPEN,
    "express_empathy": OPEN,
    "let_vent": OPEN,
    "record_emotion": OPEN,
    "record_internal_note": ANY,
    "brief_team": OPEN,
    "explain_finding": OPEN,
    "take_responsibility": OPEN,
    "record_needs": _only(Stage.LISTENING, Stage.PRIORITIZING, Stage.ASSESSING_IMPACT,
                          Stage.RESPONDING, Stage.FOLLOWING_UP),
    "escalate": OPEN,
    "withdraw": OPEN,
    "record_root_cause": ANY,
    "record_preventive_action": ANY,
    "record_feedback": _only(Stage.CLOSED),
    "record_communication": ANY,
    "classify": ANY,
    "record_decision": ANY,
    "record_redress": ANY,
    "record_vulnerability": ANY,
}

FAR = T0 + timedelta(days=400)

SAMPLES: dict[str, AnyCommand] = {
    "verify_customer": VerifyCustomer(name="Dana Reyes", callback="+44 20 7946 0000"),
    "refer": Refer(reason="not our product"),
    "assign": Assign(agent="sam", skill="billing"),
    "hear_concern": HearConcern(text="I was charged twice"),
    "restate_concern": RestateConcern(concern_id="K1", restatement="a double charge"),
    "confirm_concern": ConfirmConcern(concern_id="K1"),
    "reject_restatement": RejectRestatement(concern_id="K1"),
    "no_more_concerns": NoMoreConcerns(),
    "prioritize": Prioritize(order=("K1",)),
    "assess_impact": AssessImpact(concern_id="K1", description="cannot pay staff",
                                  severity=Severity.HIGH),
    "confirm_impact": ConfirmImpact(concern_id="K1"),
    "begin_response": BeginResponse(),
    "give_relief": GiveRelief(concern_id="K1", description="fee waived"),
    "plan_action": PlanAction(description="refund", owner=Owner.AGENT, due=FAR,
                              concern_ids=("K1",)),
    "complete_action": CompleteAction(action_id="A1"),
    "resolve_concern": ResolveConcern(concern_id="K1", resolution="refunded"),
    "mark_unresolvable": MarkUnresolvable(concern_id="K1", explanation="out of policy"),
    "offer_compensation": OfferCompensation(kind="voucher", description="10 off",
                                            amount=Decimal(10)),
    "schedule_follow_up": ScheduleFollowUp(at=FAR),
    "confirm_next_steps": ConfirmNextSteps(),
    "start_contact": StartContact(channel="phone"),
    "review_open_items": ReviewOpenItems(),
    "end_contact": EndContact(),
    "begin_recap": BeginRecap(),
    "recap": Recap(summary="all fixed"),
    "seek_closure": SeekClosure(customer_response=CustomerResponse.SATISFIED),
    "thank_customer": ThankCustomer(),
    "close": Close(),
    "reopen": Reopen(reason="it broke again"),
    "schedule_check_in": ScheduleCheckIn(due=FAR, channel="phone"),
    "record_check_in": RecordCheckIn(outcome="still_resolved"),
    "apologize": Apologize(note="sorry"),
    "express_empathy": ExpressEmpathy(),
    "let_vent": LetVent(),
    "record_emotion": RecordEmotion(emotion="angry", note="raised voice"),
    "explain_finding": ExplainFinding(explanation="A release broke the payroll run."),
    "take_responsibility": TakeResponsibility(note="That was our mistake."),
    "record_internal_note": RecordInternalNote(text="The courier admits the loss."),
    "brief_team": BriefTeam(participants="billing", summary="Refund before the call."),
    "record_needs": RecordNeeds(concern_id="K1", interactional=["heard", "apology"]),
    "escalate": Escalate(to="supervisor", reason="wants a manager"),
    "withdraw": Withdraw(reason="changed their mind"),
    "record_root_cause": RecordRootCause(category="billing", description="batch ran twice",
                                         company_at_fault=True),
    "record_preventive_action": RecordPreventiveAction(description="idempotent batch",
                                                       owner="billing team"),
    "record_feedback": RecordFeedback(score=4),
    "record_communication": RecordCommunication(kind=CommunicationKind.FINAL_RESPONSE,
                                                channel="letter"),
    "classify": Classify(product="current_account", cause="charges"),
    "record_decision": RecordDecision(decision="partly_upheld"),
    "record_redress": RecordRedress(kind="interest", amount="4.20", currency="GBP"),
    "record_vulnerability": RecordVulnerability(drivers=["capability"]),
}

# --- builders and helpers ---------------------------------------------------------------


def reopened(clock: Clock) -> Complaint:
    """Back in listening after closing; K1 is resolved."""
    return play(closed(clock), [Reopen(reason="it broke again")], clock)


def reassessing(clock: Clock) -> Complaint:
    """In assessing_impact after a reopen: K1 resolved, K2 new and open."""
    return play(reopened(clock), [
        HearConcern(text="and now this"),
        RestateConcern(concern_id="K2", restatement="a new problem"),
        ConfirmConcern(concern_id="K2"),
        NoMoreConcerns(),
    ], clock)


def unreviewed(clock: Clock) -> Complaint:
    """In following_up (K1 and A1 open) with a contact whose open items are not reviewed."""
    return play(following_up(clock), [StartContact(channel="phone")], clock)


def in_contact(clock: Clock) -> Complaint:
    """In following_up (K1 and A1 open) inside a contact whose open items were reviewed."""
    return play(unreviewed(clock), [ReviewOpenItems()], clock)


def recapping_with(clock: Clock, policy: Policy) -> Complaint:
    return play(responding(clock, policy=policy), [
        ResolveConcern(concern_id="K1", resolution="fee refunded"),
        ConfirmNextSteps(),
    ], clock)


def closed_with(clock: Clock, policy: Policy) -> Complaint:
    return play(recapping_with(clock, policy), [
        Recap(), SeekClosure(customer_response="satisfied"), ThankCustomer(), Close(),
    ], clock)


STAGE_BUILDERS: dict[Stage, Build] = {
    Stage.VERIFYING: opened,
    Stage.LISTENING: confirmed,
    Stage.PRIORITIZING: prioritizing,
    Stage.ASSESSING_IMPACT: assessing,
    Stage.RESPONDING: responding,
    Stage.FOLLOWING_UP: following_up,
    Stage.RECAPPING: recapping,
    Stage.CLOSED: closed,
}
OPEN_STAGES = [stage for stage in Stage if stage is not Stage.CLOSED]


def accept(complaint: Complaint, command: AnyCommand, clock: Clock, stage: Stage,
           *tags: str, at: datetime | None = None) -> Complaint:
    """Apply ``command``; check the stage reached, the event tags and the revision."""
    when = clock.tick() if at is None else at
    assert complaint.check(command, at=when) is None
    applied = complaint.apply(command, at=when)
    after = applied.complaint
    assert after.stage is stage
    assert tuple(event.type for event in applied.events) == tags
    assert after.revision == complaint.revision + 1
    assert [event.seq for event in applied.events] == list(
        range(complaint.seq + 1, complaint.seq + 1 + len(tags)))
    assert all(event.at == when for event in applied.events)
    assert after.updated_at == when
    return after


def refuse(complaint: Complaint, command: AnyCommand, clock: Clock, *codes: str,
           at: datetime | None = None) -> Rejection:
    """``command`` is rejected with exactly ``codes`` and changes nothing."""
    when = clock.tick() if at is None else at
    before = evolve(complaint)
    rejection = complaint.check(command, at=when)
    assert rejection is not None
    with pytest.raises(CommandRejected) as raised:
        complaint.apply(command, at=when)
    assert raised.value.rejection == rejection
    assert rejection.codes == codes
    assert all(reason.message for reason in rejection.reasons)
    assert rejection.command == command.command
    assert rejection.stage == complaint.stage.value
    assert rejection.allowed == complaint.allowed_commands()
    assert complaint == before
    return rejection


def concern(complaint: Complaint, concern_id: str) -> Concern:
    found = complaint.concern(concern_id)
    assert found is not None
    return found


def action(complaint: Complaint, action_id: str) -> ActionItem:
    found = complaint.action(action_id)
    assert found is not None
    return found


# --- the table itself -------------------------------------------------------------------


def test_table_covers_every_command() -> None:
    assert set(TABLE) == set(COMMAND_TYPES) == set(SAMPLES)
    for name, command in SAMPLES.items():
        assert command.command == name
        assert type(command) is COMMAND_TYPES[name]


@pytest.mark.parametrize("stage", list(Stage), ids=str)
def test_each_stage_accepts_exactly_the_table_commands(stage: Stage) -> None:
    expected = {name for name, stages in TABLE.items() if stage in stages}
    assert set(stage_commands(stage)) == expected
    complaint = STAGE_BUILDERS[stage](Clock())
    assert complaint.stage is stage
    assert set(complaint.allowed_commands()) == expected


@pytest.mark.parametrize(
    ("name", "stage"),
    [(name, stage) for name in TABLE for stage in Stage if stage not in TABLE[name]],
    ids=lambda value: str(value),
)
def test_command_not_allowed_outside_its_stages(name: str, stage: Stage) -> None:
    clock = Clock()
    complaint = STAGE_BUILDERS[stage](clock)
    rejection = refuse(complaint, SAMPLES[name], clock, "command_not_allowed_in_stage")
    assert name not in rejection.allowed


# --- verifying --------------------------------------------------------------------------


def test_verify_customer_moves_to_listening() -> None:
    clock = Clock()
    command = VerifyCustomer(name="Dana Reyes", callback="+44 20 7946 0000",
                             customer_id="C-77", service="billing")
    after = accept(opened(clock), command, clock, Stage.LISTENING,
                   "customer_verified", "stage_changed")
    assert after.customer == Customer(name="Dana Reyes", callback="+44 20 7946 0000",
                                      customer_id="C-77", service="billing")
    assert after.outcome is None


def test_verify_customer_not_entitled_is_rejected() -> None:
    clock = Clock()
    command = VerifyCustomer(name="Dana Reyes", callback="+44", entitled=False)
    rejection = refuse(opened(clock), command, clock, "customer_not_entitled")
    assert rejection.reasons[0].argument == "entitled"
    assert "refer" in rejection.allowed


def test_refer_closes_as_referred() -> None:
    clock = Clock()
    after = accept(opened(clock), Refer(reason="a different bank"), clock, Stage.CLOSED,
                   "complaint_referred", "stage_changed")
    assert after.outcome is Outcome.REFERRED
    assert after.closed_at == clock.now
    assert after.customer is None


# --- any open stage: assign, conduct, escalate, withdraw --------------------------------


@pytest.mark.parametrize("stage", OPEN_STAGES, ids=str)
def test_assign_in_every_open_stage(stage: Stage) -> None:
    clock = Clock()
    after = accept(STAGE_BUILDERS[stage](clock), Assign(agent="sam", skill="billing"), clock,
                   stage, "complaint_assigned")
    assert after.assignment == Assignment(agent="sam", skill="billing")


CONDUCT: list[tuple[AnyCommand, str, str]] = [
    (Apologize(note="so sorry"), "apologized", "apologized"),
    (ExpressEmpathy(note="that sounds awful"), "empathy_expressed", "empathy_expressed"),
    (LetVent(), "vented", "customer_vented"),
]


@pytest.mark.parametrize("stage", OPEN_STAGES, ids=str)
@pytest.mark.parametrize(("command", "flag", "tag"), CONDUCT,
                         ids=["apologize", "express_empathy", "let_vent"])
def test_conduct_is_recorded_in_every_open_stage(stage: Stage, command: AnyCommand,
                                                 flag: str, tag: str) -> None:
    clock = Clock()
    after = accept(STAGE_BUILDERS[stage](clock), command, clock, stage, tag)
    assert getattr(after, flag) is True


@pytest.mark.parametrize("stage", OPEN_STAGES, ids=str)
def test_escalate_in_every_open_stage(stage: Stage) -> None:
    clock = Clock()
    command = Escalate(to="supervisor", reason="needs a refund above my limit",
                       authority_limit=Decimal(500))
    after = accept(STAGE_BUILDERS[stage](clock), command, clock, stage, "escalated")
    assert after.escalations == (Escalation(to="supervisor", reason="needs a refund above my "
                                            "limit", authority_limit=Decimal(500),
                                            currency="GBP"),)  # the policy's one currency
    assert after.authority_limit("GBP") == Decimal(500)


WITHDRAW_FROM: list[Build] = [
    opened, listening, confirmed, prioritizing, assessing, responding, following_up,
    unreviewed, in_contact, recapping,
]


@pytest.mark.parametrize("build", WITHDRAW_FROM, ids=lambda b: b.__name__)
def test_withdraw_closes_as_withdrawn(build: Build) -> None:
    clock = Clock()
    complaint = build(clock)
    after = accept(complaint, Withdraw(reason="sorted it out myself"), clock, Stage.CLOSED,
                   "complaint_withdrawn", "stage_changed")
    assert after.outcome is Outcome.WITHDRAWN
    assert after.closed_at == clock.now
    assert after.contact is None
    assert after.concerns == complaint.concerns


@pytest.mark.parametrize("stage", list(Stage), ids=str)
def test_root_cause_and_preventive_action_in_every_stage(stage: Stage) -> None:
    clock = Clock()
    complaint = STAGE_BUILDERS[stage](clock)
    after = accept(complaint, RecordRootCause(category="billing", description="batch ran twice",
                                              company_at_fault=True),
                   clock, stage, "root_cause_recorded")
    assert after.root_causes == (RootCause(category="billing", description="batch ran twice",
                                           company_at_fault=True),)
    after = accept(after, RecordPreventiveAction(description="make the batch idempotent",
                                                 owner="billing team"),
                   clock, stage, "preventive_action_recorded")
    assert after.preventive_actions == (PreventiveAction(description="make the batch idempotent",
                                                         owner="billing team"),)


@pytest.mark.parametrize("stage", list(Stage), ids=str)
def test_record_communication_in_every_stage(stage: Stage) -> None:
    clock = Clock()
    complaint = STAGE_BUILDERS[stage](clock)
    after = accept(complaint, RecordCommunication(kind="acknowledgement", channel="email"),
                   clock, stage, "communication_recorded")
    first = Communication(seq=after.seq, at=clock.now.astimezone(UTC),
                          kind=CommunicationKind.ACKNOWLEDGEMENT, channel="email")
    assert after.timeline.first_communications == (first,)
    assert after.timeline.last_touch == Touch(seq=first.seq, at=first.at)
    after = accept(after, RecordCommunication(kind=CommunicationKind.FINAL_RESPONSE,
                                              channel="letter", summary="refund of 40 GBP"),
                   clock, stage, "communication_recorded")
    assert after.timeline.first_communications == (first, Communication(
        seq=after.seq, at=clock.now.astimezone(UTC), kind=CommunicationKind.FINAL_RESPONSE,
        channel="letter", summary="refund of 40 GBP"))
    assert after.timeline.first_communications[1].at.utcoffset() == timedelta(0)
    # a second acknowledgement stays in the log; the clocks keep the first of each kind
    again = accept(after, RecordCommunication(kind="acknowledgement", channel="phone"),
                   clock, stage, "communication_recorded")
    assert again.timeline.first_communications == after.timeline.first_communications
    assert again.timeline.last_touch == Touch(seq=again.seq, at=clock.now.astimezone(UTC))


@pytest.mark.parametrize(("arguments", "argument"), [
    ({"kind": "postcard", "channel": "letter"}, "kind"),
    ({"kind": "final_response", "channel": " "}, "channel"),
    ({"kind": "final_response", "channel": "letter", "summary": ""}, "summary"),
])
def test_record_communication_validates_its_arguments(arguments: dict[str, Any],
                                                      argument: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        RecordCommunication(**arguments)
    assert raised.value.argument == argument


# --- listening --------------------------------------------------------------------------


def test_hear_concern_numbers_concerns_in_order() -> None:
    clock = Clock()
    complaint = accept(listening(clock), HearConcern(text="charged twice"), clock,
                       Stage.LISTENING, "concern_heard")
    complaint = accept(complaint, HearConcern(text="nobody called back"), clock,
                       Stage.LISTENING, "concern_heard")
    assert [(c.id, c.text) for c in complaint.concerns] == [
        ("K1", "charged twice"), ("K2", "nobody called back")]
    assert concern(complaint, "K2") == Concern(id="K2", text="nobody called back")


def test_hear_concern_from_following_up_returns_to_listening() -> None:
    clock = Clock()
    complaint = following_up(clock)
    after = accept(complaint, HearConcern(text="and the card was blocked"), clock,
                   Stage.LISTENING, "concern_heard", "stage_changed")
    assert [c.id for c in after.concerns] == ["K1", "K2"]
    assert concern(after, "K1") == concern(complaint, "K1")
    assert after.actions == complaint.actions


def test_hear_concern_after_reopen_continues_the_numbering() -> None:
    clock = Clock()
    after = accept(reopened(clock), HearConcern(text="again"), clock, Stage.LISTENING,
                   "concern_heard")
    assert [c.id for c in after.concerns] == ["K1", "K2"]


def test_restate_concern() -> None:
    clock = Clock()
    complaint = play(listening(clock), [HearConcern(text="charged twice")], clock)
    after = accept(complaint, RestateConcern(concern_id="K1", restatement="a double charge"),
                   clock, Stage.LISTENING, "concern_restated")
    assert concern(after, "K1").restatement == "a double charge"
    assert concern(after, "K1").confirmed is False


def test_restate_concern_rules() -> None:
    clock = Clock()
    command = RestateConcern(concern_id="K1", restatement="again")
    unknown = RestateConcern(concern_id="K9", restatement="again")
    rejection = refuse(confirmed(clock), unknown, clock, "unknown_concern")
    assert rejection.reasons[0].argument == "concern_id"
    refuse(confirmed(clock), command, clock, "concern_already_confirmed")
    refuse(reopened(clock), command, clock, "concern_not_open")


def test_confirm_concern() -> None:
    clock = Clock()
    complaint = play(listening(clock), [
        HearConcern(text="charged twice"),
        RestateConcern(concern_id="K1", restatement="a double charge"),
    ], clock)
    after = accept(complaint, ConfirmConcern(concern_id="K1"), clock, Stage.LISTENING,
                   "concern_confirmed")
    assert concern(after, "K1").confirmed is True


def test_confirm_concern_rules() -> None:
    clock = Clock()
    heard = play(listening(clock), [HearConcern(text="charged twice")], clock)
    refuse(heard, ConfirmConcern(concern_id="K1"), clock, "restatement_required")
    refuse(heard, ConfirmConcern(concern_id="K2"), clock, "unknown_concern")
    refuse(confirmed(clock), ConfirmConcern(concern_id="K1"), clock, "concern_already_confirmed")
    refuse(reopened(clock), ConfirmConcern(concern_id="K1"), clock, "concern_not_open")


def test_reject_restatement_requires_a_new_restatement() -> None:
    clock = Clock()
    complaint = play(listening(clock), [
        HearConcern(text="charged twice"),
        RestateConcern(concern_id="K1", restatement="you were charged once"),
    ], clock)
    after = accept(complaint, RejectRestatement(concern_id="K1", correction="twice!"), clock,
                   Stage.LISTENING, "restatement_rejected")
    assert concern(after, "K1").restatement is None
    assert concern(after, "K1").confirmed is False
    refuse(after, ConfirmConcern(concern_id="K1"), clock, "restatement_required")
    after = play(after, [RestateConcern(concern_id="K1", restatement="charged twice")], clock)
    after = accept(after, ConfirmConcern(concern_id="K1"), clock, Stage.LISTENING,
                   "concern_confirmed")


def test_reject_restatement_rules() -> None:
    clock = Clock()
    heard = play(listening(clock), [HearConcern(text="charged twice")], clock)
    refuse(heard, RejectRestatement(concern_id="K1"), clock, "restatement_required")
    refuse(heard, RejectRestatement(concern_id="K7"), clock, "unknown_concern")
    refuse(confirmed(clock), RejectRestatement(concern_id="K1"), clock,
           "concern_already_confirmed")
    refuse(reopened(clock), RejectRestatement(concern_id="K1"), clock, "concern_not_open")


def test_no_more_concerns_with_one_concern_skips_prioritizing() -> None:
    clock = Clock()
    after = accept(confirmed(clock, 1), NoMoreConcerns(), clock, Stage.ASSESSING_IMPACT,
                   "concerns_complete", "stage_changed")
    assert after.priority == ()


@pytest.mark.parametrize("count", [2, 3])
def test_no_more_concerns_with_several_concerns_goes_to_prioritizing(count: int) -> None:
    clock = Clock()
    accept(confirmed(clock, count), NoMoreConcerns(), clock, Stage.PRIORITIZING,
           "concerns_complete", "stage_changed")


def test_no_more_concerns_counts_only_open_concerns() -> None:
    """After a reopen, one new concern beside a resolved one is the single-concern case."""
    clock = Clock()
    complaint = play(reopened(clock), [
        HearConcern(text="and now this"),
        RestateConcern(concern_id="K2", restatement="a new problem"),
        ConfirmConcern(concern_id="K2"),
    ], clock)
    accept(complaint, NoMoreConcerns(), clock, Stage.ASSESSING_IMPACT,
           "concerns_complete", "stage_changed")


def test_no_more_concerns_rules() -> None:
    clock = Clock()
    refuse(listening(clock), NoMoreConcerns(), clock, "no_open_concerns")
    refuse(reopened(clock), NoMoreConcerns(), clock, "no_open_concerns")
    complaint = play(confirmed(clock, 1), [
        HearConcern(text="not restated"),
        HearConcern(text="restated only"),
        RestateConcern(concern_id="K3", restatement="the third"),
    ], clock)
    rejection = refuse(complaint, NoMoreConcerns(), clock,
                       "concern_not_confirmed", "concern_not_confirmed")
    assert "K2" in rejection.reasons[0].message
    assert "K3" in rejection.reasons[1].message


# --- prioritizing and impact ------------------------------------------------------------


def test_prioritize_records_the_order() -> None:
    clock = Clock()
    after = accept(prioritizing(clock, 3), Prioritize(order=["K2", "K3", "K1"]), clock,
                   Stage.ASSESSING_IMPACT, "concerns_prioritized", "stage_changed")
    assert after.priority == ("K2", "K3", "K1")


def test_prioritize_rules() -> None:
    clock = Clock()
    complaint = prioritizing(clock, 2)
    rejection = refuse(complaint, Prioritize(order=("K2", "K9")), clock, "unknown_concern")
    assert rejection.reasons[0].argument == "order"
    rejection = refuse(complaint, Prioritize(order=("K2",)), clock, "priority_incomplete")
    assert rejection.reasons[0].argument == "order"


def test_assess_impact() -> None:
    clock = Clock()
    command = AssessImpact(concern_id="K1", description="cannot pay my staff",
                           severity="critical", restatement="payroll is at risk")
    after = accept(assessing(clock), command, clock, Stage.ASSESSING_IMPACT, "impact_assessed")
    assert concern(after, "K1").impact == Impact(description="cannot pay my staff",
                                                 severity=Severity.CRITICAL,
                                                 restatement="payroll is at risk", agreed=False)


def test_assess_impact_rules() -> None:
    clock = Clock()
    unknown = AssessImpact(concern_id="K5", description="x", severity=Severity.LOW)
    refuse(assessing(clock), unknown, clock, "unknown_concern")
    complaint = reassessing(clock)
    assert complaint.stage is Stage.ASSESSING_IMPACT
    closed_one = AssessImpact(concern_id="K1", description="x", severity=Severity.LOW)
    refuse(complaint, closed_one, clock, "concern_not_open")


def test_confirm_impact() -> None:
    clock = Clock()
    complaint = play(assessing(clock), [
        AssessImpact(concern_id="K1", description="cannot pay staff", severity=Severity.HIGH),
    ], clock)
    after = accept(complaint, ConfirmImpact(concern_id="K1"), clock, Stage.ASSESSING_IMPACT,
                   "impact_confirmed")
    impact = concern(after, "K1").impact
    assert impact is not None
    assert impact.agreed is True
    assert impact.description == "cannot pay staff"


def test_confirm_impact_rules() -> None:
    clock = Clock()
    refuse(assessing(clock), ConfirmImpact(concern_id="K1"), clock, "impact_required")
    refuse(assessing(clock), ConfirmImpact(concern_id="K4"), clock, "unknown_concern")
    refuse(reassessing(clock), ConfirmImpact(concern_id="K1"), clock, "concern_not_open")


def _impacts_agreed(clock: Clock, concerns: int = 1, policy: Policy | None = None) -> Complaint:
    complaint = assessing(clock, concerns, policy)
    for n in range(1, concerns + 1):
        complaint = play(complaint, [
            AssessImpact(concern_id=f"K{n}", description="bad", severity=Severity.MEDIUM),
            ConfirmImpact(concern_id=f"K{n}"),
        ], clock)
    return complaint


def test_begin_response() -> None:
    clock = Clock()
    complaint = play(_impacts_agreed(clock, 2), [Apologize()], clock)
    accept(complaint, BeginResponse(), clock, Stage.RESPONDING, "response_begun",
           "stage_changed")


def test_begin_response_needs_every_impact_agreed() -> None:
    clock = Clock()
    complaint = play(assessing(clock, 2), [
        Apologize(),
        AssessImpact(concern_id="K1", description="bad", severity=Severity.HIGH),
        ConfirmImpact(concern_id="K1"),
        AssessImpact(concern_id="K2", description="worse", severity=Severity.CRITICAL),
    ], clock)
    rejection = refuse(complaint, BeginResponse(), clock, "impact_not_agreed")
    assert "K2" in rejection.reasons[0].message
    no_impact = play(assessing(clock), [Apologize()], clock)
    refuse(no_impact, BeginResponse(), clock, "impact_not_agreed")


def test_begin_response_needs_an_apology_by_default() -> None:
    clock = Clock()
    refuse(_impacts_agreed(clock), BeginResponse(), clock, "apology_required")
    refuse(assessing(clock), BeginResponse(), clock, "impact_not_agreed", "apology_required")


def test_policy_can_switch_off_the_apology_rule() -> None:
    clock = Clock()
    complaint = _impacts_agreed(clock, policy=Policy(apology_before_response=False))
    assert complaint.apologized is False
    accept(complaint, BeginResponse(), clock, Stage.RESPONDING, "response_begun",
           "stage_changed")


# --- responding and following up --------------------------------------------------------

WORK_BUILDERS: list[Build] = [responding, in_contact]


@pytest.mark.parametrize("build", WORK_BUILDERS, ids=lambda b: b.__name__)
def test_give_relief(build: Build) -> None:
    clock = Clock()
    complaint = build(clock)
    after = accept(complaint, GiveRelief(concern_id="K1", description="fee waived"), clock,
                   complaint.stage, "relief_given")
    after = accept(after, GiveRelief(concern_id="K1", description="card unblocked"), clock,
                   complaint.stage, "relief_given")
    assert concern(after, "K1").relief == ("fee waived", "card unblocked")


def test_give_relief_rules() -> None:
    clock = Clock()
    refuse(responding(clock), GiveRelief(concern_id="K2", description="x"), clock,
           "unknown_concern")
    resolved = play(responding(clock), [ResolveConcern(concern_id="K1", resolution="done")],
                    clock)
    refuse(resolved, GiveRelief(concern_id="K1", description="x"), clock, "concern_not_open")


def test_plan_action_numbers_actions() -> None:
    clock = Clock()
    complaint = responding(clock, 2)
    due = clock.now + timedelta(days=3)
    first = PlanAction(description="refund the fee", owner="agent", due=due,
                       concern_ids=["K1", "K2"])
    after = accept(complaint, first, clock, Stage.RESPONDING, "action_planned")
    second = PlanAction(description="send statements", owner=Owner.CUSTOMER, due=due,
                        concern_ids=("K2",))
    after = accept(after, second, clock, Stage.RESPONDING, "action_planned")
    assert [a.id for a in after.actions] == ["A1", "A2"]
    assert action(after, "A1") == ActionItem(id="A1", description="refund the fee",
                                             owner=Owner.AGENT, due=due,
                                             concern_ids=("K1", "K2"))
    assert after.open_actions == after.actions


def test_plan_action_in_following_up() -> None:
    clock = Clock()
    command = PlanAction(description="call the bank", owner=Owner.COMPANY,
                         due=clock.now + timedelta(days=5), concern_ids=("K1",))
    after = accept(in_contact(clock), command, clock, Stage.FOLLOWING_UP, "action_planned")
    assert [a.id for a in after.actions] == ["A1", "A2"]


def test_plan_action_rules() -> None:
    clock = Clock()
    complaint = responding(clock)
    now = clock.tick()
    at_now = PlanAction(description="x", owner=Owner.AGENT, due=now, concern_ids=("K1",))
    rejection = refuse(complaint, at_now, clock, "due_not_in_future", at=now)
    assert rejection.reasons[0].argument == "due"
    past = PlanAction(description="x", owner=Owner.AGENT, due=T0, concern_ids=("K1",))
    refuse(complaint, past, clock, "due_not_in_future")
    later = clock.now + timedelta(days=2)
    unknown = PlanAction(description="x", owner=Owner.AGENT, due=later,
                         concern_ids=("K1", "K3"))
    rejection = refuse(complaint, unknown, clock, "unknown_concern")
    assert rejection.reasons[0].argument == "concern_ids"
    resolved = play(complaint, [ResolveConcern(concern_id="K1", resolution="done")], clock)
    refuse(resolved, PlanAction(description="x", owner=Owner.AGENT, due=later,
                                concern_ids=("K1",)), clock, "concern_not_open")


@pytest.mark.parametrize("build", [following_up, in_contact], ids=lambda b: b.__name__)
def test_complete_action(build: Build) -> None:
    clock = Clock()
    complaint = build(clock)
    after = accept(complaint, CompleteAction(action_id="A1", note="refund sent"), clock,
                   Stage.FOLLOWING_UP, "action_completed")
    assert action(after, "A1").completed_at == clock.now
    assert action(after, "A1").note == "refund sent"
    assert after.open_actions == ()


def test_complete_action_in_responding() -> None:
    clock = Clock()
    complaint = play(responding(clock), [
        PlanAction(description="x", owner=Owner.AGENT, due=clock.now + timedelta(days=1),
                   concern_ids=("K1",)),
    ], clock)
    accept(complaint, CompleteAction(action_id="A1"), clock, Stage.RESPONDING,
           "action_completed")


def test_complete_action_rules() -> None:
    clock = Clock()
    complaint = in_contact(clock)
    rejection = refuse(complaint, CompleteAction(action_id="A2"), clock, "unknown_action")
    assert rejection.reasons[0].argument == "action_id"
    done = play(complaint, [CompleteAction(action_id="A1")], clock)
    refuse(done, CompleteAction(action_id="A1"), clock, "action_already_completed")


@pytest.mark.parametrize("build", WORK_BUILDERS, ids=lambda b: b.__name__)
def test_resolve_concern(build: Build) -> None:
    clock = Clock()
    complaint = build(clock)
    after = accept(complaint, ResolveConcern(concern_id="K1", resolution="fee refunded"), clock,
                   complaint.stage, "concern_resolved")
    assert concern(after, "K1").status is ConcernStatus.RESOLVED
    assert concern(after, "K1").resolution == "fee refunded"
    assert after.open_concerns == ()


@pytest.mark.parametrize("build", WORK_BUILDERS, ids=lambda b: b.__name__)
def test_mark_unresolvable(build: Build) -> None:
    clock = Clock()
    complaint = build(clock)
    command = MarkUnresolvable(concern_id="K1", explanation="the law forbids it",
                               accommodation="a goodwill voucher")
    after = accept(complaint, command, clock, complaint.stage, "concern_unresolvable")
    found = concern(after, "K1")
    assert found.status is ConcernStatus.UNRESOLVABLE
    assert (found.explanation, found.accommodation) == ("the law forbids it",
                                                        "a goodwill voucher")


@pytest.mark.parametrize(("command", "unknown"), [
    (ResolveConcern(concern_id="K1", resolution="again"),
     ResolveConcern(concern_id="K8", resolution="again")),
    (MarkUnresolvable(concern_id="K1", explanation="again"),
     MarkUnresolvable(concern_id="K8", explanation="again")),
], ids=["resolve_concern", "mark_unresolvable"])
def test_resolve_and_mark_unresolvable_rules(command: AnyCommand, unknown: AnyCommand) -> None:
    clock = Clock()
    for first in (ResolveConcern(concern_id="K1", resolution="done"),
                  MarkUnresolvable(concern_id="K1", explanation="cannot")):
        finished = play(responding(clock), [first], clock)
        refuse(finished, command, clock, "concern_not_open")
    rejection = refuse(responding(clock), unknown, clock, "unknown_concern")
    assert rejection.reasons[0].argument == "concern_id"


@pytest.mark.parametrize("build", WORK_BUILDERS, ids=lambda b: b.__name__)
def test_offer_compensation_up_to_the_limit(build: Build) -> None:
    clock = Clock()
    complaint = build(clock)
    assert complaint.authority_limit("GBP") == Decimal(50)
    assert complaint.compensation_total("GBP") == Decimal(0)
    command = OfferCompensation(concern_id="K1", kind="refund", amount="50.00", currency="GBP",
                                description="the fee back")
    after = accept(complaint, command, clock, complaint.stage, "compensation_offered")
    assert after.compensations == (Compensation(kind="refund", description="the fee back",
                                                concern_id="K1", amount=Decimal("50.00"),
                                                currency="GBP",
                                                authority_limit=Decimal(50)),)
    assert after.compensation_total("GBP") == Decimal(50)


@pytest.mark.parametrize("limits", [{"GBP": 0}, {}, {"GBP": 10, "EUR": 10}],
                         ids=["zero", "none", "two currencies"])
def test_offer_compensation_without_an_amount_needs_no_authority(
        limits: dict[str, int]) -> None:
    clock = Clock()
    complaint = responding(clock, policy=Policy(authority_limits=limits))
    after = accept(complaint, OfferCompensation(kind="alternative", description="a faster card"),
                   clock, Stage.RESPONDING, "compensation_offered")
    assert after.compensations[0].currency is None
    assert after.compensations[0].authority_limit is None


def test_offer_compensation_rules() -> None:
    clock = Clock()
    complaint = responding(clock)
    above = OfferCompensation(kind="refund", amount="50.01", description="too much")
    rejection = refuse(complaint, above, clock, "compensation_above_authority")
    assert rejection.reasons[0].argument == "amount"
    assert "escalate" in rejection.allowed
    unknown = OfferCompensation(concern_id="K2", kind="voucher", description="x")
    refuse(complaint, unknown, clock, "unknown_concern")
    both = OfferCompensation(concern_id="K2", kind="refund", amount=100, description="x")
    refuse(complaint, both, clock, "unknown_concern", "compensation_above_authority")


def test_escalate_raises_the_authority_limit() -> None:
    clock = Clock()
    complaint = responding(clock)
    offer = OfferCompensation(kind="refund", amount=Decimal(150), description="full refund")
    refuse(complaint, offer, clock, "compensation_above_authority")
    escalated = accept(complaint, Escalate(to="team lead", reason="refund above my limit",
                                           authority_limit=Decimal(200)),
                       clock, Stage.RESPONDING, "escalated")
    assert escalated.authority_limit("GBP") == Decimal(200)
    after = accept(escalated, offer, clock, Stage.RESPONDING, "compensation_offered")
    assert after.compensations[0].authority_limit == Decimal(200)
    assert after.compensations[0].currency == "GBP"
    refuse(escalated, evolve(offer, amount=Decimal(201)), clock, "compensation_above_authority")


@pytest.mark.parametrize("limit", [Decimal(10), None], ids=["lower", "none"])
def test_escalate_never_lowers_the_authority_limit(limit: Decimal | None) -> None:
    clock = Clock()
    complaint = play(responding(clock), [
        Escalate(to="team lead", reason="big refund", authority_limit=Decimal(200)),
    ], clock)
    after = accept(complaint, Escalate(to="agent", reason="back to the agent",
                                       authority_limit=limit),
                   clock, Stage.RESPONDING, "escalated")
    assert after.authority_limit("GBP") == Decimal(200)
    assert len(after.escalations) == 2
    assert after.escalations[1].authority_limit == limit


@pytest.mark.parametrize(("limit", "ok", "too_much"), [
    (Decimal(10), Decimal(10), Decimal("10.01")),
    (Decimal(500), Decimal(400), Decimal(501)),
    (Decimal(0), Decimal(0), Decimal("0.01")),
])
def test_policy_sets_the_agent_authority_limit(limit: Decimal, ok: Decimal,
                                               too_much: Decimal) -> None:
    clock = Clock()
    complaint = responding(clock, policy=Policy(authority_limits={"GBP": limit}))
    assert complaint.authority_limit("GBP") == limit
    refuse(complaint, OfferCompensation(kind="refund", amount=too_much, description="x"), clock,
           "compensation_above_authority")
    accept(complaint, OfferCompensation(kind="refund", amount=ok, description="x"), clock,
           Stage.RESPONDING, "compensation_offered")


@pytest.mark.parametrize("build", WORK_BUILDERS, ids=lambda b: b.__name__)
def test_schedule_follow_up(build: Build) -> None:
    clock = Clock()
    complaint = build(clock)
    when = clock.now + timedelta(days=7)
    after = accept(complaint, ScheduleFollowUp(at=when), clock, complaint.stage,
                   "follow_up_scheduled")
    assert after.follow_up_at == when


def test_schedule_follow_up_must_be_in_the_future() -> None:
    clock = Clock()
    complaint = responding(clock)
    now = clock.tick()
    rejection = refuse(complaint, ScheduleFollowUp(at=now), clock, "follow_up_not_in_future",
                       at=now)
    assert rejection.reasons[0].argument == "at"
    refuse(complaint, ScheduleFollowUp(at=now - timedelta(hours=1)), clock,
           "follow_up_not_in_future", at=now)


def test_confirm_next_steps_with_open_items_goes_to_following_up() -> None:
    clock = Clock()
    complaint = play(responding(clock), [
        GiveRelief(concern_id="K1", description="fee waived"),
        ScheduleFollowUp(at=clock.now + timedelta(days=1)),
    ], clock)
    accept(complaint, ConfirmNextSteps(), clock, Stage.FOLLOWING_UP, "next_steps_confirmed",
           "stage_changed")


def test_confirm_next_steps_with_only_an_open_action_goes_to_following_up() -> None:
    clock = Clock()
    complaint = play(responding(clock), [
        PlanAction(description="send the letter", owner=Owner.COMPANY,
                   due=clock.now + timedelta(days=2), concern_ids=("K1",)),
        ResolveConcern(concern_id="K1", resolution="refunded"),
        ScheduleFollowUp(at=clock.now + timedelta(days=1)),
    ], clock)
    assert complaint.open_concerns == ()
    accept(complaint, ConfirmNextSteps(), clock, Stage.FOLLOWING_UP, "next_steps_confirmed",
           "stage_changed")


@pytest.mark.parametrize("finish", [
    ResolveConcern(concern_id="K1", resolution="refunded"),
    MarkUnresolvable(concern_id="K1", explanation="cannot undo it"),
], ids=lambda c: c.command)
def test_confirm_next_steps_with_nothing_open_goes_to_recapping(finish: AnyCommand) -> None:
    clock = Clock()
    complaint = play(responding(clock), [finish], clock)
    accept(complaint, ConfirmNextSteps(), clock, Stage.RECAPPING, "next_steps_confirmed",
           "stage_changed")


def test_confirm_next_steps_rules() -> None:
    clock = Clock()
    complaint = responding(clock, 2)
    rejection = refuse(complaint, ConfirmNextSteps(), clock,
                       "response_incomplete", "response_incomplete", "follow_up_required")
    assert "K1" in rejection.reasons[0].message
    assert "K2" in rejection.reasons[1].message
    planned = play(complaint, [
        PlanAction(description="x", owner=Owner.AGENT, due=clock.now + timedelta(days=2),
                   concern_ids=("K1", "K2")),
    ], clock)
    refuse(planned, ConfirmNextSteps(), clock, "follow_up_required")
    scheduled = play(planned, [ScheduleFollowUp(at=clock.now + timedelta(hours=1))], clock)
    refuse(scheduled, ConfirmNextSteps(), clock, "follow_up_required",
           at=clock.advance(timedelta(hours=2)))


def test_start_contact() -> None:
    clock = Clock()
    after = accept(following_up(clock), StartContact(channel="chat"), clock,
                   Stage.FOLLOWING_UP, "contact_started")
    assert after.contact == Contact(channel="chat", started_at=clock.now, reviewed=False)


def test_start_contact_while_one_is_open() -> None:
    clock = Clock()
    refuse(in_contact(clock), StartContact(channel="chat"), clock, "contact_already_open")


def test_review_open_items() -> None:
    clock = Clock()
    complaint = unreviewed(clock)
    applied = complaint.apply(ReviewOpenItems(), at=clock.tick())
    event = applied.events[0]
    assert isinstance(event, OpenItemsReviewed)
    assert event.open_action_ids == ("A1",)
    after = accept(complaint, ReviewOpenItems(), clock, Stage.FOLLOWING_UP,
                   "open_items_reviewed")
    assert after.contact is not None
    assert after.contact.reviewed is True
    assert after.allowed_commands() == stage_commands(Stage.FOLLOWING_UP)


def test_review_open_items_needs_a_contact() -> None:
    clock = Clock()
    refuse(following_up(clock), ReviewOpenItems(), clock, "no_open_contact")


def test_end_contact() -> None:
    clock = Clock()
    after = accept(in_contact(clock), EndContact(), clock, Stage.FOLLOWING_UP, "contact_ended")
    assert after.contact is None
    after = accept(after, StartContact(channel="email"), clock, Stage.FOLLOWING_UP,
                   "contact_started")
    refuse(after, GiveRelief(concern_id="K1", description="x"), clock, "open_items_not_reviewed")


def test_end_contact_rules() -> None:
    clock = Clock()
    refuse(following_up(clock), EndContact(), clock, "no_open_contact")
    complaint = in_contact(clock)
    late = clock.advance(timedelta(days=3))  # the follow-up scheduled for day 1 has passed
    refuse(complaint, EndContact(), clock, "follow_up_required", at=late)
    rescheduled = complaint.apply(ScheduleFollowUp(at=late + timedelta(days=1)), at=late)
    accept(rescheduled.complaint, EndContact(), clock, Stage.FOLLOWING_UP, "contact_ended")


def test_end_contact_with_nothing_open_needs_no_follow_up() -> None:
    clock = Clock()
    complaint = play(in_contact(clock), [
        CompleteAction(action_id="A1"),
        ResolveConcern(concern_id="K1", resolution="refunded"),
    ], clock)
    accept(complaint, EndContact(), clock, Stage.FOLLOWING_UP, "contact_ended",
           at=clock.advance(timedelta(days=3)))


BEFORE_REVIEW_WORK: list[AnyCommand] = [
    HearConcern(text="one more thing"),
    GiveRelief(concern_id="K1", description="x"),
    PlanAction(description="x", owner=Owner.AGENT, due=FAR, concern_ids=("K1",)),
    CompleteAction(action_id="A1"),
    ResolveConcern(concern_id="K1", resolution="x"),
    MarkUnresolvable(concern_id="K1", explanation="x"),
    OfferCompensation(kind="voucher", description="x"),
    ScheduleFollowUp(at=FAR),
    StartContact(channel="chat"),
    BeginRecap(),
]
BEFORE_REVIEW_OK: list[tuple[AnyCommand, str]] = [
    (Apologize(), "apologized"),
    (ExpressEmpathy(), "empathy_expressed"),
    (LetVent(), "customer_vented"),
    (Assign(agent="sam"), "complaint_assigned"),
    (Escalate(to="lead", reason="x"), "escalated"),
    (RecordRootCause(category="x", description="x", company_at_fault=False),
     "root_cause_recorded"),
    (RecordPreventiveAction(description="x", owner="x"), "preventive_action_recorded"),
    (RecordCommunication(kind="holding_response", channel="email"), "communication_recorded"),
]


def test_a_customer_may_hang_up_before_the_review() -> None:
    clock = Clock()
    complaint = unreviewed(clock)
    assert "end_contact" in complaint.allowed_commands()
    after = accept(complaint, EndContact(), clock, Stage.FOLLOWING_UP, "contact_ended")
    assert after.contact is None


@pytest.mark.parametrize("command", BEFORE_REVIEW_WORK, ids=lambda c: c.command)
def test_a_contact_starts_with_reviewing_open_items(command: AnyCommand) -> None:
    clock = Clock()
    complaint = unreviewed(clock)
    rejection = refuse(complaint, command, clock, "open_items_not_reviewed")
    assert "review_open_items" in rejection.allowed
    assert command.command not in rejection.allowed
    reviewed = play(complaint, [ReviewOpenItems()], clock)
    after_review = reviewed.check(command, at=clock.tick())
    assert after_review is None or "open_items_not_reviewed" not in after_review.codes


@pytest.mark.parametrize(("command", "tag"), BEFORE_REVIEW_OK,
                         ids=[c.command for c, _ in BEFORE_REVIEW_OK])
def test_conduct_is_allowed_before_the_review(command: AnyCommand, tag: str) -> None:
    clock = Clock()
    complaint = unreviewed(clock)
    assert command.command in complaint.allowed_commands()
    after = accept(complaint, command, clock, Stage.FOLLOWING_UP, tag)
    assert after.contact is not None
    assert after.contact.reviewed is False


def test_allowed_commands_before_the_review() -> None:
    clock = Clock()
    assert set(unreviewed(clock).allowed_commands()) == {
        "review_open_items", "end_contact", "apologize", "express_empathy", "let_vent",
        "record_emotion", "take_responsibility", "record_internal_note", "brief_team",
        "assign",
        "escalate", "withdraw", "record_root_cause", "record_preventive_action",
        "record_communication", "classify", "record_decision", "record_redress",
        "record_vulnerability",
    }


def test_begin_recap() -> None:
    clock = Clock()
    complaint = play(in_contact(clock), [
        CompleteAction(action_id="A1"),
        ResolveConcern(concern_id="K1", resolution="refunded"),
    ], clock)
    accept(complaint, BeginRecap(), clock, Stage.RECAPPING, "recap_begun", "stage_changed")


def test_begin_recap_rules() -> None:
    clock = Clock()
    complaint = in_contact(clock)
    refuse(complaint, BeginRecap(), clock, "concern_still_open", "action_still_open")
    resolved = play(complaint, [ResolveConcern(concern_id="K1", resolution="refunded")], clock)
    rejection = refuse(resolved, BeginRecap(), clock, "action_still_open")
    assert "A1" in rejection.reasons[0].message
    completed = play(complaint, [CompleteAction(action_id="A1")], clock)
    refuse(completed, BeginRecap(), clock, "concern_still_open")


# --- recapping and closing --------------------------------------------------------------


def test_recap() -> None:
    clock = Clock()
    after = accept(recapping(clock), Recap(summary="K1: fee refunded"), clock, Stage.RECAPPING,
                   "recapped")
    assert after.recapped is True


@pytest.mark.parametrize("response", list(CustomerResponse), ids=str)
def test_seek_closure(response: CustomerResponse) -> None:
    clock = Clock()
    complaint = play(recapping(clock), [Recap()], clock)
    after = accept(complaint, SeekClosure(customer_response=response.value), clock,
                   Stage.RECAPPING, "closure_sought")
    assert after.closure is response


def test_seek_closure_needs_a_recap() -> None:
    clock = Clock()
    refuse(recapping(clock), SeekClosure(customer_response=CustomerResponse.SATISFIED), clock,
           "recap_required")


def test_thank_customer() -> None:
    clock = Clock()
    after = accept(recapping(clock), ThankCustomer(), clock, Stage.RECAPPING,
                   "customer_thanked")
    assert after.thanked is True


@pytest.mark.parametrize(("response", "outcome"), [
    (CustomerResponse.SATISFIED, Outcome.RESOLVED),
    (CustomerResponse.ACCEPTS, Outcome.RESOLVED),
    (CustomerResponse.DISSATISFIED, Outcome.UNRESOLVED),
], ids=str)
def test_close(response: CustomerResponse, outcome: Outcome) -> None:
    clock = Clock()
    complaint = play(recapping(clock), [
        Recap(), SeekClosure(customer_response=response), ThankCustomer(),
    ], clock)
    after = accept(complaint, Close(), clock, Stage.CLOSED, "complaint_closed", "stage_changed")
    assert after.outcome is outcome
    assert after.closed_at == clock.now


def test_close_rules() -> None:
    clock = Clock()
    complaint = recapping(clock)
    refuse(complaint, Close(), clock, "recap_required", "closure_not_sought", "thanks_required")
    recapped = play(complaint, [Recap()], clock)
    refuse(recapped, Close(), clock, "closure_not_sought", "thanks_required")
    sought = play(recapped, [SeekClosure(customer_response="accepts")], clock)
    refuse(sought, Close(), clock, "thanks_required")
    thanked_only = play(complaint, [ThankCustomer()], clock)
    refuse(thanked_only, Close(), clock, "recap_required", "closure_not_sought")


def test_policy_can_switch_off_the_thanks_rule() -> None:
    clock = Clock()
    complaint = play(recapping_with(clock, Policy(thanks_before_close=False)), [
        Recap(), SeekClosure(customer_response="satisfied"),
    ], clock)
    assert complaint.thanked is False
    after = accept(complaint, Close(), clock, Stage.CLOSED, "complaint_closed", "stage_changed")
    assert after.outcome is Outcome.RESOLVED
    refuse(recapping_with(clock, Policy(thanks_before_close=False)), Close(), clock,
           "recap_required", "closure_not_sought")


def _utc_clock() -> Clock:
    return Clock(start=datetime(2026, 6, 1, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize("after_close", [
    timedelta(minutes=1), timedelta(days=29, hours=23), timedelta(days=30),
], ids=str)
def test_reopen_within_the_window(after_close: timedelta) -> None:
    clock = _utc_clock()
    complaint = closed(clock)
    assert complaint.closed_at is not None
    at = complaint.closed_at + after_close
    after = accept(complaint, Reopen(reason="the refund never arrived"), clock,
                   Stage.LISTENING, "complaint_reopened", "stage_changed", at=at)
    assert after.outcome is None
    assert after.closed_at is None
    assert (after.recapped, after.closure, after.thanked) == (False, None, False)
    assert after.concerns == complaint.concerns
    assert after.customer == complaint.customer


@pytest.mark.parametrize("after_close", [timedelta(days=30, minutes=1), timedelta(days=90)],
                         ids=str)
def test_reopen_outside_the_window(after_close: timedelta) -> None:
    clock = _utc_clock()
    complaint = closed(clock)
    assert complaint.closed_at is not None
    refuse(complaint, Reopen(reason="late"), clock, "reopen_window_expired",
           at=complaint.closed_at + after_close)


def test_policy_sets_the_reopen_window() -> None:
    clock = _utc_clock()
    complaint = closed_with(clock, Policy(reopen_window=timedelta(days=7)))
    assert complaint.closed_at is not None
    refuse(complaint, Reopen(reason="late"), clock, "reopen_window_expired",
           at=complaint.closed_at + timedelta(days=8))
    accept(complaint, Reopen(reason="in time"), clock, Stage.LISTENING,
           "complaint_reopened", "stage_changed", at=complaint.closed_at + timedelta(days=6))


@pytest.mark.parametrize("close", [Refer(reason="wrong bank"), Withdraw(reason="never mind")],
                         ids=lambda c: c.command)
def test_reopen_needs_a_verified_customer(close: AnyCommand) -> None:
    clock = Clock()
    complaint = play(opened(clock), [close], clock)
    refuse(complaint, Reopen(reason="again"), clock, "customer_not_verified")


def test_reopen_a_withdrawn_complaint() -> None:
    clock = Clock()
    complaint = play(confirmed(clock), [Withdraw(reason="never mind")], clock)
    accept(complaint, Reopen(reason="changed my mind again"), clock, Stage.LISTENING,
           "complaint_reopened", "stage_changed")


def test_record_feedback() -> None:
    clock = Clock()
    after = accept(closed(clock), RecordFeedback(score=5, comment="well handled"), clock,
                   Stage.CLOSED, "feedback_recorded")
    assert after.feedback == Feedback(score=5, comment="well handled")
    refuse(after, RecordFeedback(score=1), clock, "feedback_already_recorded")


# --- time -------------------------------------------------------------------------------


def test_time_cannot_go_backwards() -> None:
    clock = Clock()
    complaint = listening(clock)
    rejection = refuse(complaint, HearConcern(text="x"), clock, "time_went_backwards",
                       at=complaint.updated_at - timedelta(seconds=1))
    assert rejection.reasons[0].argument == "at"


def test_time_in_another_offset_is_compared_as_an_instant() -> None:
    clock = Clock()
    complaint = listening(clock)
    earlier = (complaint.updated_at - timedelta(minutes=5)).astimezone(
        timezone(timedelta(hours=5)))
    refuse(complaint, HearConcern(text="x"), clock, "time_went_backwards", at=earlier)
    later = (complaint.updated_at + timedelta(minutes=5)).astimezone(
        timezone(timedelta(hours=-8)))
    accept(complaint, HearConcern(text="x"), clock, Stage.LISTENING, "concern_heard", at=later)


LONDON = ZoneInfo("Europe/London")


def test_time_order_across_the_autumn_clock_change() -> None:
    clock = Clock(start=datetime(2026, 10, 25, 0, 0, tzinfo=LONDON))
    complaint = listening(clock)
    bst = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)  # 00:30 UTC
    complaint = complaint.apply(HearConcern(text="first"), at=bst).complaint
    gmt = datetime(2026, 10, 25, 1, 10, tzinfo=LONDON, fold=1)  # 01:10 UTC, 40 minutes later
    assert gmt.astimezone(UTC) > bst.astimezone(UTC)
    assert complaint.check(HearConcern(text="second"), at=gmt) is None


def test_reopen_window_is_elapsed_time_across_the_spring_clock_change() -> None:
    clock = Clock(start=datetime(2026, 3, 20, 9, 0, tzinfo=LONDON))
    complaint = closed(clock)
    assert complaint.closed_at is not None
    at_utc = complaint.closed_at.astimezone(UTC) + timedelta(days=30, minutes=-30)
    assert complaint.check(Reopen(reason="x"), at=at_utc) is None
    assert complaint.check(Reopen(reason="x"), at=at_utc.astimezone(LONDON)) is None


def test_naive_at_is_refused() -> None:
    clock = Clock()
    complaint = listening(clock)
    naive = datetime(2026, 3, 2, 10, 0)
    with pytest.raises(InvalidValueError) as raised:
        complaint.apply(HearConcern(text="x"), at=naive)
    assert raised.value.code == "naive_time"
    with pytest.raises(InvalidValueError):
        complaint.check(HearConcern(text="x"), at=naive)


# --- typed commands validate their values -----------------------------------------------

NAIVE = datetime(2026, 3, 9, 10, 0)
FLOAT: Any = 1.5

BAD_VALUES: list[tuple[str, Callable[[], object]]] = [
    ("blank text", lambda: HearConcern(text="")),
    ("whitespace text", lambda: HearConcern(text="   ")),
    ("blank name", lambda: VerifyCustomer(name=" ", callback="123")),
    ("blank optional", lambda: VerifyCustomer(name="a", callback="1", service="")),
    ("blank concern id", lambda: ConfirmConcern(concern_id="")),
    ("blank reason", lambda: Withdraw(reason="\t")),
    ("blank note", lambda: Apologize(note="")),
    ("score 0", lambda: RecordFeedback(score=0)),
    ("score 6", lambda: RecordFeedback(score=6)),
    ("score True", lambda: RecordFeedback(score=True)),
    ("naive due", lambda: PlanAction(description="x", owner=Owner.AGENT, due=NAIVE,
                                     concern_ids=("K1",))),
    ("naive follow-up", lambda: ScheduleFollowUp(at=NAIVE)),
    ("bare string order", lambda: Prioritize(order="K1")),
    ("empty order", lambda: Prioritize(order=())),
    ("repeated order", lambda: Prioritize(order=("K1", "K1"))),
    ("bare string concern_ids", lambda: PlanAction(description="x", owner=Owner.AGENT,
                                                   due=FAR, concern_ids="K1")),
    ("empty concern_ids", lambda: PlanAction(description="x", owner=Owner.AGENT, due=FAR,
                                             concern_ids=[])),
    ("unknown severity", lambda: AssessImpact(concern_id="K1", description="x",
                                              severity="catastrophic")),
    ("unknown owner", lambda: PlanAction(description="x", owner="boss", due=FAR,
                                         concern_ids=("K1",))),
    ("unknown response", lambda: SeekClosure(customer_response="meh")),
    ("negative amount", lambda: OfferCompensation(kind="x", description="x", amount="-1")),
    ("not a number", lambda: OfferCompensation(kind="x", description="x", amount="ten")),
    ("float amount", lambda: OfferCompensation(kind="x", description="x", amount=FLOAT)),
    ("infinite amount", lambda: OfferCompensation(kind="x", description="x",
                                                  amount=Decimal("Infinity"))),
    ("negative limit", lambda: Escalate(to="x", reason="x", authority_limit=-5)),
]


@pytest.mark.parametrize("build", [b for _, b in BAD_VALUES], ids=[n for n, _ in BAD_VALUES])
def test_bad_values_are_refused_when_a_command_is_built(build: Callable[[], object]) -> None:
    with pytest.raises(InvalidValueError):
        build()


@pytest.mark.parametrize("build", [
    lambda: PlanAction(description="x", owner=Owner.AGENT, due=NAIVE, concern_ids=("K1",)),
    lambda: ScheduleFollowUp(at=NAIVE),
], ids=["due", "at"])
def test_naive_times_in_commands_say_naive_time(build: Callable[[], object]) -> None:
    with pytest.raises(InvalidValueError) as raised:
        build()
    assert raised.value.code == "naive_time"


def test_string_values_are_converted_when_a_command_is_built() -> None:
    assert AssessImpact(concern_id="K1", description="x", severity="low").severity is (
        Severity.LOW)
    assert PlanAction(description="x", owner="company", due=FAR,
                      concern_ids=["K1"]).concern_ids == ("K1",)
    assert OfferCompensation(kind="x", description="x", amount="12.50").amount == (
        Decimal("12.50"))
    assert Prioritize(order=["K2", "K1"]).order == ("K2", "K1")


def test_every_argument_says_what_it_is_once_on_its_field() -> None:
    """The schemas, tool definitions and docs read each argument's description from its
    field; a command added without them is caught here, naming the argument."""
    import attrs

    from complaintflow import COMMAND_TYPES
    from complaintflow._values.parts import description_of

    undescribed = [f"{name}.{field.name}" for name, cls in COMMAND_TYPES.items()
                   for field in attrs.fields(cls) if not description_of(field)]
    assert undescribed == []
    refers = {field.metadata.get("refers") for cls in COMMAND_TYPES.values()
              for field in attrs.fields(cls)}
    assert refers == {None, "concern", "action"}
