"""The test kit without pytest's fixtures: recordings, conversations and assertions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from complaintflow import (
    CommandRejected,
    ExpressEmpathy,
    HearConcern,
    InvalidValueError,
    Stage,
    VerifyCustomer,
)
from complaintflow.audit import AuditPolicy, Grade, Regrade
from complaintflow.testing import (
    DEFAULT_START,
    ComplaintFactory,
    ComplianceError,
    ManualClock,
    Recording,
    TraceError,
    assert_complies,
    assert_trace,
)

from .scenario_logs import careless_conversation, payroll_outage


def test_manual_clock() -> None:
    clock = ManualClock()
    assert clock.now == DEFAULT_START
    assert clock.tick() == DEFAULT_START + timedelta(minutes=1)
    assert clock.advance(timedelta(days=1)) == DEFAULT_START + timedelta(days=1, minutes=1)
    with pytest.raises(InvalidValueError):
        ManualClock(datetime(2026, 1, 1))
    with pytest.raises(InvalidValueError, match="positive"):
        ManualClock(step=timedelta(0))


def test_recording_keeps_complaint_and_log_in_step() -> None:
    recording = Recording.open("R-1", at=DEFAULT_START)
    recording = recording.apply(VerifyCustomer(name="A", callback="+1"),
                                at=DEFAULT_START + timedelta(minutes=1))
    assert [e.type for e in recording.events] == ["complaint_opened", "customer_verified",
                                                  "stage_changed"]
    assert Recording.from_events(recording.events) == recording


def test_conversations_share_the_factory_clock() -> None:
    factory = ComplaintFactory(ManualClock())
    first = factory()
    second = factory(stage=Stage.LISTENING)
    assert (first.complaint.complaint_id, second.complaint.complaint_id) == ("C-1", "C-2")
    assert factory.clock.now == DEFAULT_START + timedelta(minutes=1)
    first.do(VerifyCustomer(name="A", callback="+1"), HearConcern(text="Broken."))
    assert first.complaint.stage is Stage.LISTENING
    assert first.events[-1].at == factory.clock.now
    assert first.check(ExpressEmpathy()) is None
    assert first.check(VerifyCustomer(name="A", callback="+1")) is not None
    with pytest.raises(CommandRejected):
        first.do(VerifyCustomer(name="A", callback="+1"))


def test_assert_complies_passes_and_returns_the_scorecard() -> None:
    card = assert_complies(payroll_outage(), allow=["promises_kept"])
    assert card.failed_ids == ("promises_kept",)


def test_assert_complies_fails_with_rules_evidence_and_timeline() -> None:
    log, seq = careless_conversation()
    with pytest.raises(ComplianceError) as error:
        assert_complies(log, allow=("closed_properly",))
    message = str(error.value)
    lines = message.splitlines()
    assert lines[0] == "complaint CMP-13: 4 failed (1 critical), 4 passed, 15 not applicable"
    assert lines[1].startswith("  - [major] concerns_restated_and_confirmed (IBM steps 2a-2b): "
                               "Not restated and confirmed by the customer: K1 before "
                               "concerns_complete")
    assert lines[1].endswith(f"Evidence: seq {seq['heard']}, {seq['complete']}.")
    assert lines[3].startswith("  - [critical] compensation_within_authority")
    assert "closed_properly" not in message.split("timeline:")[0]
    assert len(message.split("timeline:\n")[1].splitlines()) == len(log)
    assert error.value.scorecard.failed_ids[-1] == "closed_properly"


def test_assert_complies_uses_the_policy() -> None:
    policy = AuditPolicy(disabled=("promises_kept",),
                         regrade=(Regrade("empathy_expressed", Grade.MAJOR),))
    assert assert_complies(payroll_outage(), policy=policy).complies


def test_assert_complies_refuses_unknown_allowances() -> None:
    with pytest.raises(InvalidValueError, match="unknown rules: promise_kept"):
        assert_complies(payroll_outage(), allow=["promise_kept"])
    with pytest.raises(InvalidValueError, match="sequence of rule ids"):
        assert_complies(payroll_outage(), allow="promises_kept")


def test_trace_order_assertions() -> None:
    log = payroll_outage()
    trace = assert_trace(log)
    trace.has("concern_confirmed").before("relief_given").then("action_planned").times(2)
    trace.has("relief_given", concern_id="K2").after("response_begun").after("apologized")
    trace.has("concern_restated", concern_id="K2").then("restatement_rejected").then(
        "concern_restated", concern_id="K2")
    trace.has_no("complaint_withdrawn").has_no("concern_heard", concern_id="K3")
    assert trace.has("complaint_closed").seq == len(log) - 1  # then stage_changed
    assert trace.types[0] == "complaint_opened"


@pytest.mark.parametrize(("check", "message"), [
    (lambda t: t.has("complaint_withdrawn"), "no complaint_withdrawn event"),
    (lambda t: t.has("relief_given").before("concern_confirmed"),
     "expected relief_given (seq 24) before concern_confirmed (seq 6)"),
    (lambda t: t.has("apologized").after("relief_given"),
     "expected apologized (seq 20) after relief_given (seq 24)"),
    (lambda t: t.has("complaint_closed").then("concern_heard"),
     "expected concern_heard after complaint_closed (seq 42)"),
    (lambda t: t.has("concern_heard").times(3), "expected 3 concern_heard events, found 2"),
    (lambda t: t.has_no("relief_given", concern_id="K2"),
     "unexpected relief_given concern_id='K2' at seq 24"),
])
def test_trace_failures_say_what_and_show_the_timeline(check: object, message: str) -> None:
    with pytest.raises(TraceError) as error:
        check(assert_trace(payroll_outage()))  # type: ignore[operator]  # lambdas above
    assert str(error.value).splitlines()[0] == message
    assert "timeline:" in str(error.value)


def test_trace_refuses_unknown_types_and_fields() -> None:
    trace = assert_trace(payroll_outage())
    with pytest.raises(InvalidValueError, match="unknown event type 'relief'"):
        trace.has("relief")
    with pytest.raises(InvalidValueError, match="relief_given has no field concern"):
        trace.has("relief_given", concern="K1")


def test_the_kit_audits_conversations_recordings_and_logs_alike() -> None:
    factory = ComplaintFactory(ManualClock(datetime(2026, 5, 1, tzinfo=timezone.utc)))
    conversation = factory(stage=Stage.RECAPPING).do(ExpressEmpathy())
    assert assert_complies(conversation) == assert_complies(conversation.recording)
    assert assert_complies(conversation) == assert_complies(list(conversation.events))
