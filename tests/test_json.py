"""The JSON entry point for bots: ``apply_json`` never raises for bad input and answers
with one stable reason code per kind of problem; accepted JSON equals the typed command."""

from __future__ import annotations

import enum
import json
import typing
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from complaintflow import (
    COMMAND_TYPES,
    AnyCommand,
    Apologize,
    Applied,
    AssessImpact,
    Assign,
    BeginRecap,
    BeginResponse,
    Close,
    CommandRejected,
    CommunicationKind,
    Complaint,
    ComplaintflowError,
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
    InvalidValueError,
    LetVent,
    MarkUnresolvable,
    NoMoreConcerns,
    OfferCompensation,
    Owner,
    PlanAction,
    Prioritize,
    Reason,
    Recap,
    RecordCommunication,
    RecordFeedback,
    RecordPreventiveAction,
    RecordRootCause,
    Refer,
    Rejection,
    RejectRestatement,
    Reopen,
    ResolveConcern,
    RestateConcern,
    ReviewOpenItems,
    ScheduleFollowUp,
    SeekClosure,
    Severity,
    StartContact,
    ThankCustomer,
    VerifyCustomer,
    Withdraw,
    apply_json,
    parse_command,
    to_json,
)
from tests.support import (
    Clock,
    closed,
    confirmed,
    following_up,
    listening,
    opened,
    responding,
)

UTC = timezone.utc
PLUS_ONE = timezone(timedelta(hours=1))


def zulu(when: datetime) -> str:
    """``when`` as an ISO-8601 string in UTC with a ``Z``."""
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def plus_one(when: datetime) -> str:
    """``when`` as an ISO-8601 string with a ``+01:00`` offset."""
    return when.astimezone(PLUS_ONE).isoformat()


def as_is(when: datetime) -> datetime:
    return when


def rejected(complaint: Complaint, payload: object, at: datetime | str,
             *codes: str) -> Rejection:
    """``apply_json`` answers with a rejection carrying exactly ``codes``."""
    result = apply_json(complaint, payload, at=at)
    assert isinstance(result, Rejection)
    assert result.codes == codes
    assert result.stage == complaint.stage.value
    assert result.allowed == complaint.allowed_commands()
    assert all(reason.message for reason in result.reasons)
    return result


# --- bad input, one code per kind -------------------------------------------------------


@pytest.mark.parametrize("payload", [
    "not json", '{"command": "hear_concern"', "", "{'command': 'recap'}", b"\xff\xfe",
], ids=["word", "unterminated", "empty", "single quotes", "bad bytes"])
def test_invalid_json(payload: str | bytes) -> None:
    clock = Clock()
    rejected(listening(clock), payload, clock.tick(), "invalid_json")


@pytest.mark.parametrize("payload", [
    ["hear_concern"], 5, 1.5, True, None, "5", "[1, 2]", "null", '"hear_concern"',
], ids=repr)
def test_invalid_payload(payload: object) -> None:
    clock = Clock()
    rejected(listening(clock), payload, clock.tick(), "invalid_payload")


@pytest.mark.parametrize("payload", [{}, {"text": "charged twice"}, {"command": None}],
                         ids=repr)
def test_missing_command(payload: dict[str, Any]) -> None:
    clock = Clock()
    rejection = rejected(listening(clock), payload, clock.tick(), "missing_command")
    assert rejection.reasons[0].argument == "command"


@pytest.mark.parametrize("name", ["fly_away", "HearConcern", "", 7, ["hear_concern"]],
                         ids=repr)
def test_unknown_command(name: object) -> None:
    clock = Clock()
    rejection = rejected(listening(clock), {"command": name, "text": "x"}, clock.tick(),
                         "unknown_command")
    assert rejection.reasons[0].argument == "command"


def test_unknown_command_is_named_in_the_rejection() -> None:
    clock = Clock()
    rejection = rejected(listening(clock), {"command": "fly_away"}, clock.tick(),
                         "unknown_command")
    assert rejection.command == "fly_away"


def test_missing_argument() -> None:
    clock = Clock()
    complaint = listening(clock)
    rejection = rejected(complaint, {"command": "hear_concern"}, clock.tick(),
                         "missing_argument")
    assert rejection.reasons[0].argument == "text"
    assert rejection.command == "hear_concern"
    rejection = rejected(complaint, {"command": "restate_concern"}, clock.tick(),
                         "missing_argument", "missing_argument")
    assert {reason.argument for reason in rejection.reasons} == {"concern_id", "restatement"}


def test_missing_argument_is_reported_whatever_the_stage() -> None:
    clock = Clock()
    rejected(closed(clock), {"command": "hear_concern"}, clock.tick(), "missing_argument")


@pytest.mark.parametrize(("payload", "argument"), [
    ({"command": "no_more_concerns", "please": True}, "please"),
    ({"command": "hear_concern", "text": "x", "concern_id": "K1"}, "concern_id"),
    ({"command": "apologize", "note": "sorry", "loudly": "yes"}, "loudly"),
], ids=["no-argument command", "extra id", "extra flag"])
def test_unexpected_argument(payload: dict[str, Any], argument: str) -> None:
    clock = Clock()
    rejection = rejected(listening(clock), payload, clock.tick(), "unexpected_argument")
    assert rejection.reasons[0].argument == argument


def _plan(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"command": "plan_action", "description": "refund",
                               "owner": "agent", "due": "2026-04-01T17:00:00Z",
                               "concern_ids": ["K1"]}
    payload.update(changes)
    return payload


INVALID_ARGUMENTS: list[tuple[str, dict[str, Any], str]] = [
    ("int for a string", {"command": "hear_concern", "text": 5}, "text"),
    ("null for a string", {"command": "hear_concern", "text": None}, "text"),
    ("object for a string", {"command": "hear_concern", "text": {"a": 1}}, "text"),
    ("blank string", {"command": "hear_concern", "text": "  "}, "text"),
    ("string for a bool", {"command": "verify_customer", "name": "Dana", "callback": "1",
                           "entitled": "true"}, "entitled"),
    ("int for a bool", {"command": "record_root_cause", "category": "x", "description": "x",
                        "company_at_fault": 1}, "company_at_fault"),
    ("bool for an optional string", {"command": "assign", "agent": "sam", "skill": True},
     "skill"),
    ("float for an amount", {"command": "offer_compensation", "kind": "refund",
                             "description": "x", "amount": 12.5}, "amount"),
    ("word for an amount", {"command": "offer_compensation", "kind": "refund",
                            "description": "x", "amount": "ten"}, "amount"),
    ("negative amount", {"command": "offer_compensation", "kind": "refund",
                         "description": "x", "amount": "-1"}, "amount"),
    ("negative limit", {"command": "escalate", "to": "lead", "reason": "x",
                        "authority_limit": "-5"}, "authority_limit"),
    ("string for an id list", _plan(concern_ids="K1"), "concern_ids"),
    ("empty id list", _plan(concern_ids=[]), "concern_ids"),
    ("ints in an id list", _plan(concern_ids=[1]), "concern_ids"),
    ("string for the order", {"command": "prioritize", "order": "K1"}, "order"),
    ("repeated id in the order", {"command": "prioritize", "order": ["K1", "K1"]}, "order"),
    ("string for a score", {"command": "record_feedback", "score": "5"}, "score"),
    ("float for a score", {"command": "record_feedback", "score": 4.0}, "score"),
    ("bool for a score", {"command": "record_feedback", "score": True}, "score"),
    ("score 0", {"command": "record_feedback", "score": 0}, "score"),
    ("score 6", {"command": "record_feedback", "score": 6}, "score"),
    ("unknown severity", {"command": "assess_impact", "concern_id": "K1", "description": "x",
                          "severity": "huge"}, "severity"),
    ("unknown owner", _plan(owner="boss"), "owner"),
    ("int for an owner", _plan(owner=1), "owner"),
    ("unknown response", {"command": "seek_closure", "customer_response": "meh"},
     "customer_response"),
]


@pytest.mark.parametrize(("payload", "argument"), [(p, a) for _, p, a in INVALID_ARGUMENTS],
                         ids=[name for name, _, _ in INVALID_ARGUMENTS])
def test_invalid_argument(payload: dict[str, Any], argument: str) -> None:
    clock = Clock()
    rejection = rejected(listening(clock), payload, clock.tick(), "invalid_argument")
    assert rejection.reasons[0].argument == argument
    assert rejection.command == payload["command"]


def test_every_bad_argument_is_reported() -> None:
    clock = Clock()
    payload = {"command": "offer_compensation", "kind": 1, "description": "x",
               "amount": 2.5, "bonus": True}
    rejection = rejected(listening(clock), payload, clock.tick(),
                         "invalid_argument", "invalid_argument", "unexpected_argument")
    assert [reason.argument for reason in rejection.reasons] == ["kind", "amount", "bonus"]


def test_every_invalid_value_is_reported_in_one_round_trip() -> None:
    """Each argument's converter and validator runs, not only until the first one raises."""
    clock = Clock()
    complaint = confirmed(clock)
    payload = {"command": "assess_impact", "concern_id": "", "description": "",
               "severity": "x"}
    rejection = rejected(complaint, payload, clock.tick(), *["invalid_argument"] * 3)
    assert [reason.argument for reason in rejection.reasons] == [
        "concern_id", "description", "severity"]
    assert [reason.message for reason in rejection.reasons] == [
        "concern_id must not be blank.", "description must not be blank.",
        "severity must be one of critical, high, medium, low; got 'x'."]


def test_missing_extra_and_mistyped_arguments_are_reported_together() -> None:
    clock = Clock()
    payload = {"command": "plan_action", "owner": "boss", "due": "soon",
               "concern_ids": [], "bonus": 1, "extra": 2}
    rejection = rejected(responding(clock), payload, clock.tick(), "missing_argument",
                         "invalid_argument", "invalid_time", "invalid_argument",
                         "unexpected_argument", "unexpected_argument")
    assert [reason.argument for reason in rejection.reasons] == [
        "description", "owner", "due", "concern_ids", "bonus", "extra"]
    parsed = parse_command(payload)
    assert isinstance(parsed, list)
    assert [reason.code for reason in parsed] == list(rejection.codes)


@pytest.mark.parametrize(("payload", "argument"), [
    (_plan(due="next tuesday"), "due"),
    (_plan(due="2026-02-30T10:00:00Z"), "due"),
    (_plan(due=1767225600), "due"),
    (_plan(due=None), "due"),
    ({"command": "schedule_follow_up", "at": "soon"}, "at"),
    ({"command": "schedule_follow_up", "at": ""}, "at"),
], ids=["words", "no such day", "epoch number", "null", "follow-up words", "empty"])
def test_invalid_time(payload: dict[str, Any], argument: str) -> None:
    clock = Clock()
    rejection = rejected(responding(clock), payload, clock.tick(), "invalid_time")
    assert rejection.reasons[0].argument == argument


@pytest.mark.parametrize(("payload", "argument"), [
    (_plan(due="2026-04-01T17:00:00"), "due"),
    ({"command": "schedule_follow_up", "at": "2026-04-01T17:00:00"}, "at"),
], ids=["due", "follow-up"])
def test_naive_time_in_an_argument(payload: dict[str, Any], argument: str) -> None:
    clock = Clock()
    rejection = rejected(responding(clock), payload, clock.tick(), "naive_time")
    assert rejection.reasons[0].argument == argument


@pytest.mark.parametrize("at", [datetime(2026, 3, 2, 10, 0), "2026-03-02T10:00:00"],
                         ids=["datetime", "string"])
def test_naive_time_for_at(at: datetime | str) -> None:
    clock = Clock()
    rejection = rejected(listening(clock), {"command": "hear_concern", "text": "x"}, at,
                         "naive_time")
    assert rejection.reasons[0].argument == "at"
    assert rejection.command == "hear_concern"


@pytest.mark.parametrize("at", ["tomorrow", "", "2026-03-02T25:00:00Z", None, 1767225600],
                         ids=repr)
def test_invalid_time_for_at(at: Any) -> None:
    clock = Clock()
    rejection = rejected(listening(clock), {"command": "hear_concern", "text": "x"}, at,
                         "invalid_time")
    assert rejection.reasons[0].argument == "at"


def test_bad_payload_and_bad_time_are_both_reported() -> None:
    clock = Clock()
    rejected(listening(clock), {"command": "hear_concern"}, "whenever",
             "missing_argument", "invalid_time")


def test_unknown_ids() -> None:
    clock = Clock()
    rejection = rejected(confirmed(clock),
                         {"command": "restate_concern", "concern_id": "K9", "restatement": "x"},
                         clock.tick(), "unknown_concern")
    assert rejection.reasons[0].argument == "concern_id"
    rejection = rejected(following_up(clock), {"command": "complete_action", "action_id": "A9"},
                         clock.tick(), "unknown_action")
    assert rejection.reasons[0].argument == "action_id"
    rejection = rejected(responding(clock), _plan(concern_ids=["K1", "K7"]), clock.tick(),
                         "unknown_concern")
    assert rejection.reasons[0].argument == "concern_ids"


@pytest.mark.parametrize(("build", "payload", "code"), [
    (closed, {"command": "hear_concern", "text": "x"}, "command_not_allowed_in_stage"),
    (listening, {"command": "no_more_concerns"}, "no_open_concerns"),
    (responding, {"command": "offer_compensation", "kind": "refund", "description": "x",
                  "amount": "50.01"}, "compensation_above_authority"),
    (responding, {"command": "schedule_follow_up", "at": "2020-01-01T00:00:00Z"},
     "follow_up_not_in_future"),
    (opened, {"command": "verify_customer", "name": "Dana", "callback": "1",
              "entitled": False}, "customer_not_entitled"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_broken_rules_come_back_as_data(build: Any, payload: dict[str, Any],
                                        code: str) -> None:
    clock = Clock()
    complaint: Complaint = build(clock)
    rejection = rejected(complaint, payload, clock.tick(), code)
    assert rejection.command == payload["command"]


def test_time_going_backwards_comes_back_as_data() -> None:
    clock = Clock()
    complaint = listening(clock)
    rejected(complaint, {"command": "hear_concern", "text": "x"},
             zulu(complaint.updated_at - timedelta(minutes=1)), "time_went_backwards")


@pytest.mark.parametrize("payload", [
    {"command": {"name": "hear_concern"}},
    {"command": "hear_concern", "text": ["a", "b"]},
    {"command": "prioritize", "order": [["K1"]]},
    {"command": "prioritize", "order": {"K1": 1}},
    {"command": "plan_action", "due": [], "concern_ids": None, "owner": {}},
    {"command": "offer_compensation", "kind": "x", "description": "x", "amount": "NaN"},
    {"command": "offer_compensation", "kind": "x", "description": "x", "amount": "Infinity"},
    {"command": "record_feedback", "score": 10**100},
    "[]", "{}", "true", '{"command": "hear_concern", "text": 1e999}',
    b'{"command": "no_more_concerns"}',
], ids=repr)
def test_never_raises_for_bad_input(payload: object) -> None:
    clock = Clock()
    complaint = listening(clock)
    result = apply_json(complaint, payload, at=clock.tick())
    assert isinstance(result, Rejection)
    assert result.reasons
    assert result.allowed == complaint.allowed_commands()


def test_deeply_nested_json_is_invalid_json_not_a_crash() -> None:
    clock = Clock()
    rejected(listening(clock), "[" * 100_000, clock.tick(), "invalid_json")


def test_rejection_names_the_command_of_a_json_string_payload() -> None:
    clock = Clock()
    complaint = listening(clock)
    payload = {"command": "hear_concern"}
    from_dict = rejected(complaint, payload, clock.now, "missing_argument")
    from_text = rejected(complaint, json.dumps(payload), clock.now, "missing_argument")
    assert from_text == from_dict
    assert from_text.command == "hear_concern"


# --- accepted JSON is the typed command -------------------------------------------------

DUE = "2026-03-05T17:00:00Z"
FOLLOW_UP = "2026-03-04T10:00:00+01:00"

# The whole workflow, step by step: each JSON payload beside the typed command it means.
SCENARIO: list[tuple[dict[str, Any], AnyCommand]] = [
    ({"command": "verify_customer", "name": "Dana Reyes", "callback": "+44 20 7946 0000",
      "customer_id": "C-77", "entitled": True, "service": "billing"},
     VerifyCustomer(name="Dana Reyes", callback="+44 20 7946 0000", customer_id="C-77",
                    service="billing")),
    ({"command": "let_vent", "note": "very upset"}, LetVent(note="very upset")),
    ({"command": "assign", "agent": "sam", "skill": "billing"},
     Assign(agent="sam", skill="billing")),
    ({"command": "hear_concern", "text": "charged twice"}, HearConcern(text="charged twice")),
    ({"command": "restate_concern", "concern_id": "K1", "restatement": "charged once"},
     RestateConcern(concern_id="K1", restatement="charged once")),
    ({"command": "reject_restatement", "concern_id": "K1", "correction": "twice"},
     RejectRestatement(concern_id="K1", correction="twice")),
    ({"command": "restate_concern", "concern_id": "K1", "restatement": "a double charge"},
     RestateConcern(concern_id="K1", restatement="a double charge")),
    ({"command": "confirm_concern", "concern_id": "K1"}, ConfirmConcern(concern_id="K1")),
    ({"command": "hear_concern", "text": "nobody called"}, HearConcern(text="nobody called")),
    ({"command": "restate_concern", "concern_id": "K2", "restatement": "no call back"},
     RestateConcern(concern_id="K2", restatement="no call back")),
    ({"command": "confirm_concern", "concern_id": "K2"}, ConfirmConcern(concern_id="K2")),
    ({"command": "no_more_concerns"}, NoMoreConcerns()),
    ({"command": "prioritize", "order": ["K2", "K1"]}, Prioritize(order=("K2", "K1"))),
    ({"command": "assess_impact", "concern_id": "K1", "description": "cannot pay staff",
      "severity": "critical", "restatement": "payroll at risk"},
     AssessImpact(concern_id="K1", description="cannot pay staff", severity=Severity.CRITICAL,
                  restatement="payroll at risk")),
    ({"command": "confirm_impact", "concern_id": "K1"}, ConfirmImpact(concern_id="K1")),
    ({"command": "assess_impact", "concern_id": "K2", "description": "lost time",
      "severity": "low"},
     AssessImpact(concern_id="K2", description="lost time", severity=Severity.LOW)),
    ({"command": "confirm_impact", "concern_id": "K2"}, ConfirmImpact(concern_id="K2")),
    ({"command": "apologize"}, Apologize()),
    ({"command": "express_empathy", "note": "I see"}, ExpressEmpathy(note="I see")),
    ({"command": "begin_response"}, BeginResponse()),
    ({"command": "record_communication", "kind": "acknowledgement", "channel": "email",
      "summary": "We are looking into it"},
     RecordCommunication(kind=CommunicationKind.ACKNOWLEDGEMENT, channel="email",
                         summary="We are looking into it")),
    ({"command": "give_relief", "concern_id": "K1", "description": "fee waived"},
     GiveRelief(concern_id="K1", description="fee waived")),
    ({"command": "plan_action", "description": "refund", "owner": "company", "due": DUE,
      "concern_ids": ["K1", "K2"]},
     PlanAction(description="refund", owner=Owner.COMPANY,
                due=datetime(2026, 3, 5, 17, 0, tzinfo=UTC), concern_ids=("K1", "K2"))),
    ({"command": "escalate", "to": "team lead", "reason": "big refund",
      "authority_limit": "200"},
     Escalate(to="team lead", reason="big refund", authority_limit=Decimal(200))),
    ({"command": "offer_compensation", "concern_id": "K1", "kind": "refund",
      "description": "fee and interest", "amount": "120.50", "currency": "GBP"},
     OfferCompensation(concern_id="K1", kind="refund", description="fee and interest",
                       amount=Decimal("120.50"), currency="GBP")),
    ({"command": "schedule_follow_up", "at": FOLLOW_UP},
     ScheduleFollowUp(at=datetime(2026, 3, 4, 10, 0, tzinfo=PLUS_ONE))),
    ({"command": "confirm_next_steps"}, ConfirmNextSteps()),
    ({"command": "start_contact", "channel": "phone"}, StartContact(channel="phone")),
    ({"command": "review_open_items"}, ReviewOpenItems()),
    ({"command": "complete_action", "action_id": "A1", "note": "refund sent"},
     CompleteAction(action_id="A1", note="refund sent")),
    ({"command": "resolve_concern", "concern_id": "K1", "resolution": "refunded"},
     ResolveConcern(concern_id="K1", resolution="refunded")),
    ({"command": "mark_unresolvable", "concern_id": "K2", "explanation": "no record",
      "accommodation": "a direct line"},
     MarkUnresolvable(concern_id="K2", explanation="no record", accommodation="a direct line")),
    ({"command": "end_contact"}, EndContact()),
    ({"command": "begin_recap"}, BeginRecap()),
    ({"command": "recap", "summary": "K1 refunded; K2 explained"},
     Recap(summary="K1 refunded; K2 explained")),
    ({"command": "seek_closure", "customer_response": "accepts"},
     SeekClosure(customer_response=CustomerResponse.ACCEPTS)),
    ({"command": "thank_customer"}, ThankCustomer()),
    ({"command": "close"}, Close()),
    ({"command": "record_feedback", "score": 4, "comment": "fair"},
     RecordFeedback(score=4, comment="fair")),
    ({"command": "record_root_cause", "category": "billing", "description": "batch ran twice",
      "company_at_fault": True},
     RecordRootCause(category="billing", description="batch ran twice",
                     company_at_fault=True)),
    ({"command": "record_preventive_action", "description": "idempotent batch",
      "owner": "billing team"},
     RecordPreventiveAction(description="idempotent batch", owner="billing team")),
    ({"command": "reopen", "reason": "charged again"}, Reopen(reason="charged again")),
    ({"command": "withdraw", "reason": "sorted"}, Withdraw(reason="sorted")),
]


def test_json_scenario_equals_the_typed_one() -> None:
    """Step by step through the workflow, JSON and typed commands give equal results."""
    clock = Clock()
    complaint = opened(clock)
    formats: list[Callable[[datetime], datetime | str]] = [zulu, plus_one, as_is]
    for step, (payload, command) in enumerate(SCENARIO):
        when = clock.tick()
        expected = complaint.apply(command, at=when)
        result = apply_json(complaint, payload, at=formats[step % 3](when))
        assert isinstance(result, Applied), (payload, result)
        assert result == expected, payload
        complaint = expected.complaint
    assert complaint.is_closed
    assert len({payload["command"] for payload, _ in SCENARIO}) >= 37  # all but refer


def test_refer_by_json_equals_typed() -> None:
    clock = Clock()
    complaint = opened(clock)
    when = clock.tick()
    result = apply_json(complaint, '{"command": "refer", "reason": "another bank"}',
                        at=zulu(when))
    assert result == complaint.apply(Refer(reason="another bank"), at=when)


@pytest.mark.parametrize("fmt", [zulu, plus_one], ids=["Z", "+01:00"])
def test_times_with_z_and_with_an_offset(fmt: Callable[[datetime], str]) -> None:
    clock = Clock()
    complaint = responding(clock)
    when = clock.tick()
    due = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
    result = apply_json(complaint, _plan(due=fmt(due)), at=fmt(when))
    assert isinstance(result, Applied)
    after = result.complaint
    assert after.updated_at == when
    assert after.actions[0].due == due
    # whatever offset comes in, the complaint records the same instant in UTC
    assert after.updated_at.utcoffset() == timedelta(0)
    assert after.actions[0].due.utcoffset() == timedelta(0)


# --- to_json ----------------------------------------------------------------------------


def test_to_json_of_a_rejection_is_json() -> None:
    clock = Clock()
    complaint = listening(clock)
    rejection = rejected(complaint, {"command": "hear_concern", "text": 5, "extra": 1},
                         clock.tick(), "invalid_argument", "unexpected_argument")
    data = to_json(rejection)
    assert json.loads(json.dumps(data)) == {
        "command": "hear_concern",
        "stage": "listening",
        "reasons": [
            {"code": "invalid_argument", "kind": "bad_input",
             "message": rejection.reasons[0].message, "argument": "text"},
            {"code": "unexpected_argument", "kind": "bad_input",
             "message": rejection.reasons[1].message, "argument": "extra"},
        ],
        "allowed": list(complaint.allowed_commands()),
    }


def test_to_json_of_a_rule_rejection() -> None:
    clock = Clock()
    complaint = listening(clock)
    rejection = rejected(complaint, {"command": "no_more_concerns"}, clock.tick(),
                         "no_open_concerns")
    loaded = json.loads(json.dumps(to_json(rejection)))
    assert loaded["reasons"] == [{"code": "no_open_concerns", "kind": "rule",
                                  "message": rejection.reasons[0].message, "argument": None}]
    assert loaded["allowed"] == list(rejection.allowed)


def test_every_reason_has_a_published_kind() -> None:
    clock = Clock()
    complaint = listening(clock)
    bad = rejected(complaint, {"command": "hear_concern", "text": 5}, clock.tick(),
                   "invalid_argument")
    rule = rejected(complaint, {"command": "no_more_concerns"}, clock.tick(),
                    "no_open_concerns")
    assert bad.reasons[0].kind == "bad_input"
    assert rule.reasons[0].kind == "rule"
    assert Reason("unknown_complaint", "No complaint 'C-9'.").kind == "not_found"


def test_an_undeclared_reason_code_has_no_kind() -> None:
    with pytest.raises(ComplaintflowError, match="not declared"):
        _ = Reason("made_up", "Nobody declared this code.").kind


def test_to_json_of_a_reason() -> None:
    reason = Reason("unknown_concern", "There is no concern 'K9'.", "concern_id")
    assert json.loads(json.dumps(to_json(reason))) == {
        "code": "unknown_concern", "kind": "rule", "message": "There is no concern 'K9'.",
        "argument": "concern_id"}


# --- parse_command ----------------------------------------------------------------------

PARSED: dict[str, tuple[dict[str, Any], AnyCommand]] = {
    payload["command"]: (payload, command) for payload, command in SCENARIO
}
PARSED["refer"] = ({"command": "refer", "reason": "another bank"}, Refer(reason="another bank"))


def _sample(command_type: type[AnyCommand]) -> tuple[dict[str, Any], AnyCommand]:
    """A command with every argument given, by its type, and its JSON: for a command the
    scenario above does not use."""
    hints = typing.get_type_hints(command_type)
    typed: dict[str, Any] = {}
    payload: dict[str, Any] = {"command": command_type.command}
    for field in attrs.fields(command_type):
        kind = hints[field.name]
        if type(None) in typing.get_args(kind):  # X | None: give the X
            kind = next(t for t in typing.get_args(kind) if t is not type(None))
        value: object
        text: Any
        if field.name == "command_id":
            value, text = "req-1", "req-1"
        elif field.name == "currency":  # a string that must be an ISO 4217 code
            value, text = "EUR", "EUR"
        elif kind is datetime:
            value = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
            text = value.isoformat()
        elif kind is Decimal:
            value, text = Decimal("1.50"), "1.50"
        elif kind is bool or kind is int:
            value = text = kind(1)
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            member = next(iter(kind))
            value, text = member, member.value
        elif typing.get_origin(kind) is tuple and isinstance(
                item := typing.get_args(kind)[0], type) and issubclass(item, enum.Enum):
            member = next(iter(item))
            value, text = (member,), [member.value]
        elif typing.get_origin(kind) is tuple:
            value, text = ("K1",), ["K1"]
        else:
            value, text = f"{field.name} text", f"{field.name} text"
        typed[field.name], payload[field.name] = value, text
    return payload, command_type(**typed)


for _name, _type in COMMAND_TYPES.items():
    PARSED.setdefault(_name, _sample(_type))


@pytest.mark.parametrize("name", sorted(COMMAND_TYPES))
def test_parse_command_round_trips_every_command(name: str) -> None:
    payload, command = PARSED[name]
    parsed = parse_command(payload)
    assert parsed == command
    assert type(parsed) is COMMAND_TYPES[name]
    assert parse_command(json.dumps(payload)) == command
    assert parse_command(json.dumps(payload).encode()) == command


def test_parse_command_covers_every_command() -> None:
    assert set(PARSED) == set(COMMAND_TYPES)


def test_parse_command_fills_defaults() -> None:
    parsed = parse_command({"command": "verify_customer", "name": "Dana", "callback": "1"})
    assert parsed == VerifyCustomer(name="Dana", callback="1")
    assert isinstance(parsed, VerifyCustomer)
    assert parsed.entitled is True
    assert parse_command({"command": "offer_compensation", "kind": "apology letter",
                          "description": "signed by the CEO"}) == OfferCompensation(
        kind="apology letter", description="signed by the CEO")


@pytest.mark.parametrize(("payload", "code"), [
    ("nope", "invalid_json"),
    ([1], "invalid_payload"),
    ({}, "missing_command"),
    ({"command": "zap"}, "unknown_command"),
    ({"command": "hear_concern"}, "missing_argument"),
    ({"command": "recap", "x": 1}, "unexpected_argument"),
    ({"command": "record_feedback", "score": "5"}, "invalid_argument"),
    ({"command": "schedule_follow_up", "at": "later"}, "invalid_time"),
    ({"command": "schedule_follow_up", "at": "2026-04-01T10:00:00"}, "naive_time"),
    ({"command": "record_communication", "kind": "postcard", "channel": "x"},
     "invalid_argument"),
    ({"command": "record_communication", "kind": "final_response"}, "missing_argument"),
], ids=lambda v: v if isinstance(v, str) and "_" in v else "")
def test_parse_command_returns_reasons(payload: object, code: str) -> None:
    parsed = parse_command(payload)
    assert isinstance(parsed, list)
    assert [reason.code for reason in parsed] == [code]


def test_a_complaint_that_is_not_one_is_the_hosts_bug() -> None:
    with pytest.raises(InvalidValueError, match="expected a Complaint"):
        apply_json("CMP-1", {"command": "withdraw"},  # type: ignore[arg-type]  # on purpose
                   at="2026-03-02T09:00:00Z")


def test_to_json_needs_a_rejection_or_a_reason() -> None:
    with pytest.raises(InvalidValueError, match="expected a Rejection or a Reason"):
        to_json("unknown_command")  # type: ignore[arg-type]  # on purpose


def test_to_json_of_an_applied_result_says_so_briefly() -> None:
    """Not the repr of the whole complaint (it was kilobytes long)."""
    clock = Clock()
    applied = listening(clock).apply(HearConcern(text="x" * 5000), at=clock.tick())
    with pytest.raises(InvalidValueError) as raised:
        to_json(applied)  # type: ignore[arg-type]  # on purpose
    assert str(raised.value) == "expected a Rejection or a Reason, got <Applied>"


# --- null means "not given" ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(COMMAND_TYPES))
def test_null_for_every_optional_argument_is_the_same_as_leaving_it_out(name: str) -> None:
    """Strict tool schemas (OpenAI's) send every key, null for what is not given."""
    cls = COMMAND_TYPES[name]
    optional = [a.name for a in attrs.fields(cls)
                if a.default is not attrs.NOTHING and a.name != "command_id"]
    payload = {"command": name, **{key: None for key in optional}}
    bare = parse_command({"command": name})
    nulls = parse_command(payload)
    if isinstance(bare, list):  # required arguments are missing either way, and alike
        assert isinstance(nulls, list)
        assert [r.code for r in nulls] == [r.code for r in bare]
        assert {r.argument for r in bare} == {r.argument for r in nulls}
    else:
        assert nulls == bare


def test_null_for_an_optional_argument_keeps_its_default_and_its_fingerprint() -> None:
    from complaintflow._core.fingerprint import fingerprint

    clock = Clock()
    complaint = opened(clock)
    sent = {"command": "verify_customer", "name": "Dana Reyes", "callback": "+44 20 7946 0000",
            "customer_id": None, "entitled": None, "service": None, "command_id": "call-1"}
    applied = apply_json(complaint, sent, at=clock.tick())
    assert isinstance(applied, Applied)
    assert applied.complaint.customer is not None
    assert applied.complaint.customer.customer_id is None
    plain = parse_command({k: v for k, v in sent.items() if v is not None})
    typed = parse_command(sent)
    assert isinstance(plain, VerifyCustomer)
    assert isinstance(typed, VerifyCustomer)
    assert typed == plain
    assert typed.entitled is True
    assert fingerprint(typed) == fingerprint(plain)
    # the retry without the nulls is the same command: answered from its receipt
    retry = apply_json(applied.complaint, {k: v for k, v in sent.items() if v is not None},
                       at=clock.tick())
    assert isinstance(retry, Applied)
    assert retry.duplicate is not None
    assert retry.events == ()
    # a different value under the same id is not
    other = apply_json(applied.complaint, {**sent, "service": "Payroll"}, at=clock.tick())
    assert isinstance(other, Rejection)
    assert other.codes == ("command_id_reused",)


@pytest.mark.parametrize(("payload", "argument"), [
    ({"command": "hear_concern", "text": None}, "text"),
    ({"command": "record_root_cause", "category": "process", "description": "x",
      "company_at_fault": None}, "company_at_fault"),
    ({"command": "prioritize", "order": None}, "order"),
])
def test_a_required_argument_never_takes_null(payload: dict[str, object],
                                              argument: str) -> None:
    reasons = parse_command(payload)
    assert isinstance(reasons, list)
    assert [(r.code, r.argument) for r in reasons] == [("invalid_argument", argument)]


def test_a_rejection_carries_the_complaint_that_refused_it() -> None:
    clock = Clock()
    complaint = listening(clock)
    rejection = apply_json(complaint, {"command": "no_more_concerns"}, at=clock.tick())
    assert isinstance(rejection, Rejection)
    assert rejection.complaint is complaint
    bad = apply_json(complaint, {"command": "hear_concern"}, at=clock.tick())
    assert isinstance(bad, Rejection)
    assert bad.complaint is complaint
    # not part of the value, nor of its JSON or its repr
    assert rejection == Rejection(command=rejection.command, stage=rejection.stage,
                                  reasons=rejection.reasons, allowed=rejection.allowed)
    assert set(to_json(rejection)) == {"command", "stage", "reasons", "allowed"}
    assert "complaint" not in repr(rejection)
    with pytest.raises(CommandRejected) as raised:
        complaint.apply(NoMoreConcerns(), at=clock.tick())
    assert raised.value.rejection.complaint is complaint


def test_a_rejection_without_a_complaint_explains_itself() -> None:
    rejection = Rejection(command="hear_concern", stage=None,
                          reasons=(Reason("unknown_complaint", "No complaint 'C-9'."),),
                          allowed=())
    assert rejection.complaint is None
    assert rejection.explain().splitlines()[0] == "'hear_concern' was rejected (no complaint):"
    assert to_json(rejection)["stage"] is None
