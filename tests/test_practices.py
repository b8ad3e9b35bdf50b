"""The sources' practices beyond the seven steps: each recorded act accepted and rejected,
its state, its audit rule failing on a conversation that skips it, with the evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest

from complaintflow import (
    Apologize,
    AssessImpact,
    BeginResponse,
    BriefTeam,
    Complaint,
    ConcernRecap,
    ConcernStatus,
    ConfirmConcern,
    ConfirmImpact,
    ConfirmNextSteps,
    Emotion,
    EndContact,
    ExplainFinding,
    ExpressEmpathy,
    GiveRelief,
    HearConcern,
    InteractionalNeed,
    InvalidValueError,
    LetVent,
    MarkUnresolvable,
    Needs,
    NoMoreConcerns,
    Owner,
    PlanAction,
    Prioritize,
    RecordEmotion,
    RecordInternalNote,
    RecordNeeds,
    RecordRootCause,
    Rejection,
    ResolveConcern,
    RestateConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    Stage,
    StartContact,
    TakeResponsibility,
    VerifyCustomer,
    apply_json,
    customer_view,
    dump,
    dump_event,
    dump_events,
    load,
    load_event,
    open_complaint,
)
from complaintflow import events as ev
from complaintflow.audit import Verdict, audit

from .scenario_logs import BareLog, unfixable_concern, venting_escalation
from .support import Clock, closed, confirmed, play, responding

# --- 5. emotion, recorded ---------------------------------------------------------------


def test_the_customers_emotion_is_recorded_at_points_of_the_conversation() -> None:
    clock = Clock()
    complaint = confirmed(clock)
    assert complaint.practices.emotion is None
    applied = complaint.apply(RecordEmotion(emotion="angry", note="raised voice"),
                              at=clock.tick())
    event = applied.events[0]
    assert isinstance(event, ev.EmotionRecorded)
    assert (event.emotion, event.note) == (Emotion.ANGRY, "raised voice")
    assert applied.complaint.practices.emotion is Emotion.ANGRY
    assert applied.complaint.stage is Stage.LISTENING
    calmer = play(applied.complaint, [RecordEmotion(emotion=Emotion.CALM)], clock)
    assert calmer.practices.emotion is Emotion.CALM
    assert load(dump(calmer)) == calmer
    assert load_event(dump_event(event)) == event


def test_an_emotion_outside_the_three_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="emotion must be one of calm, upset, angry"):
        RecordEmotion(emotion="furious")
    clock = Clock()
    complaint = confirmed(clock)
    reply = apply_json(complaint, {"command": "record_emotion", "emotion": "furious"},
                       at=clock.tick())
    assert isinstance(reply, Rejection)
    assert [reason.argument for reason in reply.reasons] == ["emotion"]


def test_no_emotion_is_recorded_once_the_complaint_is_closed() -> None:
    clock = Clock()
    rejection = closed(clock).check(RecordEmotion(emotion="calm"), at=clock.tick())
    assert rejection is not None
    assert "record_emotion" not in rejection.allowed


def _angry_log(*calming: type[ev.Event]) -> tuple[list[ev.Event], int, int]:
    """Anger, then ``calming``, then relief: the log and the seqs of anger and relief."""
    log = BareLog("CMP-ANGRY")
    log.add(ev.CustomerVerified, name="Lee Chan", callback="+44 20 7946 0999")
    log.add(ev.ConcernHeard, concern_id="K1", text="Charged twice.")
    angry = log.add(ev.EmotionRecorded, emotion=Emotion.ANGRY, note="shouting")
    for kind in calming:
        log.add(kind)
    relief = log.add(ev.ReliefGiven, concern_id="K1", description="Refunded one charge.")
    return log.events, angry, relief


def test_anger_heard_out_before_problem_solving_passes() -> None:
    events, angry, relief = _angry_log(ev.CustomerVented, ev.Apologized, ev.EmpathyExpressed)
    item = audit(events).item("calmed_before_solving")
    assert item.result is Verdict.PASSED
    assert item.evidence == (angry, angry + 1, angry + 2, angry + 3, relief)


def test_solving_an_angry_customers_problem_before_calming_them_fails() -> None:
    events, angry, relief = _angry_log(ev.Apologized)
    item = audit(events).item("calmed_before_solving")
    assert item.result is Verdict.FAILED
    assert item.evidence == (angry, relief)
    assert item.explanation == (f"Relief_given (seq {relief}) came after the customer's anger "
                                f"(seq {angry}) with no venting, no empathy.")


def test_conduct_before_the_anger_does_not_count() -> None:
    clock = Clock()
    opened = open_complaint("CMP-LATE", at=clock.now)
    log: list[ev.Event] = list(opened.events)
    play(opened.complaint, [
        VerifyCustomer(name="Lee Chan", callback="+44 20 7946 0999"),
        LetVent(), Apologize(), ExpressEmpathy(),
        HearConcern(text="Charged twice."),
        RestateConcern(concern_id="K1", restatement="Two charges for one order."),
        ConfirmConcern(concern_id="K1"), NoMoreConcerns(),
        AssessImpact(concern_id="K1", description="Overdrawn.", severity="high"),
        ConfirmImpact(concern_id="K1"),
        RecordEmotion(emotion="angry"), BeginResponse(),
        GiveRelief(concern_id="K1", description="A credit.")], clock, log)
    anger = next(e.seq for e in log if isinstance(e, ev.EmotionRecorded))
    relief = next(e.seq for e in log if isinstance(e, ev.ReliefGiven))
    item = audit(log).item("calmed_before_solving")
    assert item.result is Verdict.FAILED
    assert item.evidence == (anger, relief)
    assert item.explanation.endswith("with no venting, no apology, no empathy.")


def test_the_anger_rule_judges_only_conversations_that_recorded_anger() -> None:
    assert audit(venting_escalation()).item("calmed_before_solving").result is (
        Verdict.NOT_APPLICABLE)
    events, _, _ = _angry_log()
    upset = [ev.EmotionRecorded(seq=e.seq, at=e.at, emotion=Emotion.UPSET)
             if isinstance(e, ev.EmotionRecorded) else e for e in events]
    assert audit(upset).item("calmed_before_solving").result is Verdict.NOT_APPLICABLE
    still_angry = events[:-1]  # nothing solved since the anger: nothing to judge yet
    assert audit(still_angry).item("calmed_before_solving").result is Verdict.NOT_APPLICABLE


def test_each_outburst_needs_its_own_calming() -> None:
    log = BareLog("CMP-TWICE")
    log.add(ev.CustomerVerified, name="Lee Chan", callback="+44 20 7946 0999")
    log.add(ev.ConcernHeard, concern_id="K1", text="Charged twice.")
    log.add(ev.EmotionRecorded, emotion=Emotion.ANGRY)
    for kind in (ev.CustomerVented, ev.Apologized, ev.EmpathyExpressed):
        log.add(kind)
    log.add(ev.ReliefGiven, concern_id="K1", description="Refunded one charge.")
    again = log.add(ev.EmotionRecorded, emotion=Emotion.ANGRY)
    log.add(ev.Apologized)
    plan = log.add(ev.ActionPlanned, action_id="A1", description="Refund the other.",
                   owner="company", due=log.clock.now + timedelta(days=1),
                   concern_ids=("K1",))
    item = audit(log.events).item("calmed_before_solving")
    assert item.result is Verdict.FAILED
    assert item.evidence == (again, plan)


def test_apology_alone_is_conduct_not_emotion() -> None:
    clock = Clock()
    complaint = play(confirmed(clock), [Apologize()], clock)
    assert complaint.practices.emotion is None


# --- 1. transactional and interactional needs -------------------------------------------


def test_a_concerns_needs_are_recorded_and_replaced() -> None:
    clock = Clock()
    complaint = confirmed(clock)
    applied = complaint.apply(RecordNeeds(concern_id="K1", interactional=["apology", "heard"],
                                          transactional="Refund the second charge."),
                              at=clock.tick())
    event = applied.events[0]
    assert isinstance(event, ev.NeedsRecorded)
    assert event.interactional == (InteractionalNeed.HEARD, InteractionalNeed.APOLOGY)
    concern = applied.complaint.concern("K1")
    assert concern is not None
    assert concern.needs == Needs(interactional=(InteractionalNeed.HEARD,
                                                 InteractionalNeed.APOLOGY),
                                  transactional="Refund the second charge.")
    again = play(applied.complaint, [RecordNeeds(concern_id="K1", interactional=["empathy"])],
                 clock)
    replaced = again.concern("K1")
    assert replaced is not None
    assert replaced.needs == Needs(interactional=(InteractionalNeed.EMPATHY,))
    assert load(dump(again)) == again
    assert load_event(dump_event(event)) == event


def test_needs_are_refused_for_an_unknown_or_closed_concern_and_without_a_need() -> None:
    clock = Clock()
    complaint = confirmed(clock)
    rejection = complaint.check(RecordNeeds(concern_id="K9", interactional=["heard"]),
                                at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("unknown_concern",)
    done = play(responding(clock), [ResolveConcern(concern_id="K1", resolution="Refunded.")],
                clock)
    rejection = done.check(RecordNeeds(concern_id="K1", interactional=["heard"]),
                           at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("concern_not_open",)
    with pytest.raises(InvalidValueError, match="at least one need"):
        RecordNeeds(concern_id="K1", interactional=[])
    with pytest.raises(InvalidValueError, match="interactional must be one of"):
        RecordNeeds(concern_id="K1", interactional=["money"])
    rejection = closed(clock).check(RecordNeeds(concern_id="K1", interactional=["heard"]),
                                    at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("command_not_allowed_in_stage",)


def test_the_recap_shows_both_kinds_of_need_and_what_met_them() -> None:
    clock = Clock()
    complaint = play(confirmed(clock, concerns=2), [
        RecordNeeds(concern_id="K1", interactional=["heard", "empathy", "explanation"],
                    transactional="Staff paid by Friday."),
    ], clock)
    complaint = play(complaint, [NoMoreConcerns(), Prioritize(order=("K1", "K2"))], clock)
    for concern_id in ("K1", "K2"):
        complaint = play(complaint, [
            AssessImpact(concern_id=concern_id, description="Costly.", severity="high"),
            ConfirmImpact(concern_id=concern_id)], clock)
    complaint = play(complaint, [Apologize(), BeginResponse(),
                                 GiveRelief(concern_id="K1", description="Manual run.")], clock)
    first, second = complaint.recap()
    assert first == ConcernRecap(
        concern_id="K1", text="problem number 1", status=ConcernStatus.OPEN, outcome=None,
        transactional="Staff paid by Friday.", transactional_met=True,
        interactional_met=(InteractionalNeed.HEARD,),
        interactional_unmet=(InteractionalNeed.EMPATHY, InteractionalNeed.EXPLANATION))
    assert (second.transactional, second.transactional_met) == (None, False)
    assert second.interactional_met == second.interactional_unmet == ()
    complaint = play(complaint, [ExpressEmpathy(), MarkUnresolvable(
        concern_id="K1", explanation="The bank had closed.")], clock)
    first = complaint.recap()[0]
    assert first.interactional_unmet == ()
    assert (first.status, first.outcome) == (ConcernStatus.UNRESOLVABLE, "The bank had closed.")


def _needs_log(*conduct: type[ev.Event]) -> tuple[list[ev.Event], int, int]:
    """Needs recorded for K1, ``conduct``, then K1 resolved: the log, the needs' seq and
    the resolution's."""
    log = BareLog("CMP-NEEDS")
    log.add(ev.CustomerVerified, name="Lee Chan", callback="+44 20 7946 0999")
    log.add(ev.ConcernHeard, concern_id="K1", text="Charged twice.")
    log.add(ev.ConcernRestated, concern_id="K1", restatement="Two charges for one order.")
    log.add(ev.ConcernConfirmed, concern_id="K1")
    needs = log.add(ev.NeedsRecorded, concern_id="K1",
                    interactional=(InteractionalNeed.HEARD, InteractionalNeed.EMPATHY,
                                   InteractionalNeed.APOLOGY),
                    transactional="Refund one charge.")
    for kind in conduct:
        log.add(kind)
    resolved = log.add(ev.ConcernResolved, concern_id="K1", resolution="Refunded.")
    return log.events, needs, resolved


def test_interactional_needs_met_before_the_concern_closed_pass() -> None:
    events, needs, resolved = _needs_log(ev.Apologized, ev.EmpathyExpressed)
    item = audit(events).item("interactional_needs_met")
    assert item.result is Verdict.PASSED
    assert item.evidence == (needs, resolved)


def test_a_concern_closed_with_an_interactional_need_unmet_fails() -> None:
    events, needs, resolved = _needs_log(ev.Apologized)
    item = audit(events).item("interactional_needs_met")
    assert item.result is Verdict.FAILED
    assert item.evidence == (needs, resolved)
    assert item.explanation == (f"K1 was closed (concern_resolved, seq {resolved}) with its "
                                "interactional needs unmet: empathy.")


def test_a_restatement_the_customer_rejected_does_not_make_them_feel_heard() -> None:
    log = BareLog("CMP-HEARD")
    log.add(ev.CustomerVerified, name="Lee Chan", callback="+44 20 7946 0999")
    log.add(ev.ConcernHeard, concern_id="K1", text="Charged twice.")
    needs = log.add(ev.NeedsRecorded, concern_id="K1",
                    interactional=(InteractionalNeed.HEARD, InteractionalNeed.EXPLANATION))
    log.add(ev.ConcernRestated, concern_id="K1", restatement="One charge too many.")
    log.add(ev.RestatementRejected, concern_id="K1", correction="Two, not one.")
    gone = log.add(ev.ConcernUnresolvable, concern_id="K1", explanation="Card scheme rules.")
    item = audit(log.events).item("interactional_needs_met")
    assert item.result is Verdict.FAILED
    assert item.evidence == (needs, gone)
    assert item.explanation.endswith("unmet: heard.")  # the explanation came with it


def test_the_needs_rule_judges_only_concerns_that_recorded_needs() -> None:
    assert audit(venting_escalation()).item("interactional_needs_met").result is (
        Verdict.NOT_APPLICABLE)
    events, _, _ = _needs_log()
    still_open = events[:-1]
    assert audit(still_open).item("interactional_needs_met").result is Verdict.NOT_APPLICABLE


# --- 2. honest explanations -------------------------------------------------------------


def test_a_finding_is_explained_apart_from_the_internal_root_cause() -> None:
    clock = Clock()
    complaint = responding(clock)
    applied = complaint.apply(ExplainFinding(explanation="Our release broke the run.",
                                             concern_id="K1"), at=clock.tick())
    event = applied.events[0]
    assert isinstance(event, ev.FindingExplained)
    concern = applied.complaint.concern("K1")
    assert concern is not None
    assert concern.finding == "Our release broke the run."
    assert applied.complaint.root_causes == ()  # the internal record is another act
    overall = play(applied.complaint, [ExplainFinding(explanation="A supplier failed.")],
                   clock)
    assert overall.practices.finding == "A supplier failed."
    assert load(dump(overall)) == overall
    assert load_event(dump_event(event)) == event


def test_a_finding_about_an_unknown_concern_is_refused() -> None:
    clock = Clock()
    rejection = responding(clock).check(ExplainFinding(explanation="x", concern_id="K7"),
                                        at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("unknown_concern",)
    with pytest.raises(InvalidValueError, match="explanation"):
        ExplainFinding(explanation=" ")
    rejection = closed(clock).check(ExplainFinding(explanation="x"), at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("command_not_allowed_in_stage",)


def test_an_explained_finding_meets_the_explanation_need() -> None:
    clock = Clock()
    complaint = play(responding(clock), [
        RecordNeeds(concern_id="K1", interactional=["explanation"]),
        ExplainFinding(explanation="Our release broke the run.", concern_id="K1")], clock)
    assert complaint.recap()[0].interactional_met == (InteractionalNeed.EXPLANATION,)


def test_an_explained_finding_meets_the_explanation_need_in_the_audit() -> None:
    log = BareLog("CMP-EXPLAINED")
    log.add(ev.CustomerVerified, name="Lee Chan", callback="+44 20 7946 0999")
    log.add(ev.ConcernHeard, concern_id="K1", text="Payroll failed.")
    needs = log.add(ev.NeedsRecorded, concern_id="K1",
                    interactional=(InteractionalNeed.EXPLANATION,))
    unexplained = [*log.events, ev.ConcernResolved(seq=needs + 1, at=log.clock.tick(),
                                                   concern_id="K1", resolution="Rerun.")]
    assert audit(unexplained).item("interactional_needs_met").result is Verdict.FAILED
    log.add(ev.FindingExplained, explanation="Our release broke the run.", concern_id="K2")
    log.add(ev.FindingExplained, explanation="Our release broke the run.", concern_id="K1")
    resolved = log.add(ev.ConcernResolved, concern_id="K1", resolution="Rerun.")
    item = audit(log.events).item("interactional_needs_met")
    assert item.result is Verdict.PASSED
    assert item.evidence == (needs, resolved)


def test_responsibility_is_taken_explicitly() -> None:
    clock = Clock()
    complaint = responding(clock)
    assert complaint.practices.responsibility_taken is False
    applied = complaint.apply(TakeResponsibility(note="That was our mistake."),
                              at=clock.tick())
    assert [e.type for e in applied.events] == ["responsibility_taken"]
    assert applied.complaint.practices.responsibility_taken is True
    rejection = closed(clock).check(TakeResponsibility(), at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("command_not_allowed_in_stage",)


def test_a_plan_item_carries_why_it_is_the_best_solution() -> None:
    clock = Clock()
    complaint = play(responding(clock), [PlanAction(
        description="Reissue every invoice.", owner="company", due=clock.now + timedelta(days=2),
        concern_ids=["K1"], why_best="It fixes past invoices too, not only new ones.")], clock)
    assert complaint.actions[0].why_best == "It fixes past invoices too, not only new ones."
    assert load(dump(complaint)) == complaint
    with pytest.raises(InvalidValueError, match="why_best"):
        PlanAction(description="x", owner="agent", due=clock.now, concern_ids=["K1"],
                   why_best="")


def _at_fault_log(*acts: type[ev.Event]) -> tuple[BareLog, int, int]:
    log = BareLog("CMP-FAULT")
    log.add(ev.CustomerVerified, name="Lee Chan", callback="+44 20 7946 0999")
    log.add(ev.ConcernHeard, concern_id="K1", text="Payroll failed.")
    cause = log.add(ev.RootCauseRecorded, category="release", description="Bad release.",
                    company_at_fault=True)
    finding = log.add(ev.FindingExplained, explanation="Our release broke the run.")
    for kind in acts:
        log.add(kind)
    return log, cause, finding


def test_responsibility_taken_when_at_fault_passes() -> None:
    log, cause, finding = _at_fault_log(ev.ResponsibilityTaken)
    item = audit(log.events).item("responsibility_when_at_fault")
    assert item.result is Verdict.PASSED
    assert item.evidence == (cause, finding + 1)


def test_explaining_the_companys_fault_without_taking_responsibility_fails() -> None:
    log, cause, finding = _at_fault_log()
    item = audit(log.events).item("responsibility_when_at_fault")
    assert item.result is Verdict.FAILED
    assert item.evidence == (cause, finding)
    assert "responsibility was never taken explicitly" in item.explanation


def test_the_responsibility_rule_judges_only_explained_faults() -> None:
    # the unfixable-photos call was the company's fault, but no finding was explained
    assert audit(unfixable_concern()).item("responsibility_when_at_fault").result is (
        Verdict.NOT_APPLICABLE)
    log = BareLog("CMP-NOFAULT")
    log.add(ev.RootCauseRecorded, category="third party", description="Courier.",
            company_at_fault=False)
    log.add(ev.FindingExplained, explanation="The courier lost it.")
    assert audit(log.events).item("responsibility_when_at_fault").result is (
        Verdict.NOT_APPLICABLE)


# --- 3. internal preparation ------------------------------------------------------------


def test_an_internal_note_is_recorded_and_left_out_of_customer_facing_views() -> None:
    clock = Clock()
    complaint = responding(clock)
    applied = complaint.apply(RecordInternalNote(text="Courier admits the loss.",
                                                 concern_id="K1"), at=clock.tick())
    note = applied.events[0]
    assert isinstance(note, ev.InternalNoteRecorded)
    assert applied.complaint.stage is Stage.RESPONDING
    assert customer_view(dump_event(note)) is None
    told = dump_event(ev.FindingExplained(seq=9, at=clock.now,
                                          explanation="The courier lost it."))
    assert customer_view(told) == told
    rejection = complaint.check(RecordInternalNote(text="x", concern_id="K5"), at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("unknown_concern",)
    with pytest.raises(InvalidValueError, match="text"):
        RecordInternalNote(text="")
    with pytest.raises(InvalidValueError, match="dumped snapshot or event"):
        customer_view({"type": "nothing"})


def test_a_customer_facing_snapshot_withholds_the_internal_root_cause() -> None:
    clock = Clock()
    complaint = play(closed(clock), [RecordRootCause(
        category="people", description="The agent skipped the checklist.",
        company_at_fault=True)], clock)
    view = customer_view(dump(complaint))
    assert view is not None
    assert "skipped the checklist" not in str(view)
    shown = load(view)
    assert shown.root_causes[0].description == "<internal>"
    assert shown.root_causes[0].category == "people"
    opened = open_complaint("CMP-RC", at=clock.now)
    log: list[ev.Event] = list(opened.events)
    play(opened.complaint, [RecordRootCause(category="people", description="Skipped.",
                                            company_at_fault=False)], clock, log)
    dumped = dump_events(log)
    assert customer_view(dumped[0]) == dumped[0]  # the opening is what it was
    assert customer_view(dumped[-1]) is None  # the internal root-cause record is left out


def _involving(clock: Clock) -> Complaint:
    """Following up with company item A1, which involves others."""
    return play(responding(clock), [
        PlanAction(description="Trace the parcel with the courier.", owner="company",
                   due=clock.now + timedelta(days=3), concern_ids=["K1"], involves_others=True),
        ScheduleFollowUp(at=clock.now + timedelta(days=1)), ConfirmNextSteps()], clock)


def test_a_contact_while_a_company_item_involves_others_needs_a_briefing_first() -> None:
    clock = Clock()
    complaint = _involving(clock)
    assert complaint.actions[0].involves_others is True
    rejection = complaint.check(StartContact(channel="phone"), at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("briefing_required",)
    assert "brief_team" in rejection.allowed
    briefed = play(complaint, [BriefTeam(participants="courier desk",
                                         summary="Parcel found; say so.")], clock)
    assert briefed.practices.briefed is True
    called = play(briefed, [StartContact(channel="phone")], clock)
    assert called.practices.briefed is False  # the next contact needs its own briefing
    again = play(called, [ReviewOpenItems(), EndContact()], clock)
    rejection = again.check(StartContact(channel="phone"), at=clock.tick())
    assert rejection is not None
    assert rejection.codes == ("briefing_required",)
    assert load(dump(again)) == again
    plain = play(responding(clock), [
        PlanAction(description="Refund.", owner="company", due=clock.now + timedelta(days=3),
                   concern_ids=["K1"]),
        ScheduleFollowUp(at=clock.now + timedelta(days=1)), ConfirmNextSteps()], clock)
    assert plain.check(StartContact(channel="phone"), at=clock.tick()) is None


def _contact_log(*before: type[ev.Event]) -> tuple[list[ev.Event], int]:
    log = BareLog("CMP-BRIEF")
    log.add(ev.CustomerVerified, name="Lee Chan", callback="+44 20 7946 0999")
    log.add(ev.ConcernHeard, concern_id="K1", text="Parcel lost.")
    log.add(ev.ActionPlanned, action_id="A1", description="Trace it with the courier.",
            owner=Owner.COMPANY, due=log.clock.now + timedelta(days=3), concern_ids=("K1",),
            involves_others=True)
    for kind in before:
        if kind is ev.TeamBriefed:
            log.add(ev.TeamBriefed, participants="courier desk", summary="Found it.")
    contact = log.add(ev.ContactStarted, channel="phone")
    return log.events, contact


def test_a_contact_without_a_briefing_fails_the_briefing_rule() -> None:
    events, contact = _contact_log()
    item = audit(events).item("briefed_before_contact")
    assert item.result is Verdict.FAILED
    assert item.evidence == (contact,)
    briefed, contact = _contact_log(ev.TeamBriefed)
    item = audit(briefed).item("briefed_before_contact")
    assert item.result is Verdict.PASSED
    assert item.evidence == (contact - 1, contact)
    assert audit(venting_escalation()).item("briefed_before_contact").result is (
        Verdict.NOT_APPLICABLE)
