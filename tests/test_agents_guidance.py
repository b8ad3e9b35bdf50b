"""The guidance in every reply: what is ready is what the workflow accepts, what is blocked
says why, and what each open concern still needs."""

from __future__ import annotations

import enum
import json
import typing
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintflow import (
    COMMAND_TYPES,
    Apologize,
    BusinessCalendar,
    Command,
    Complaint,
    ExpressEmpathy,
    HearConcern,
    NoMoreConcerns,
    Policy,
    Rejection,
    RestateConcern,
    ScheduleFollowUp,
    StartContact,
    fca_disp,
)
from complaintflow.agents import AgentLimits, next_steps
from tests.support import (
    T0,
    Clock,
    assessing,
    confirmed,
    following_up,
    listening,
    opened,
    play,
    recapping,
    responding,
)
from tests.test_properties import Walk


def built(name: str, ids: object = None, at: datetime = T0) -> Command:
    """The command ``name`` with plain arguments, ``ids`` in its id argument and its times
    an hour after ``at``: what an agent that follows the guidance at ``at`` would send."""
    cls = COMMAND_TYPES[name]
    hints = typing.get_type_hints(cls)
    given: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.default is not attrs.NOTHING:
            continue
        hint = hints[field.name]
        if field.metadata.get("refers"):
            given[field.name] = ids
        elif hint is str:
            given[field.name] = "words"
        elif hint is bool:
            given[field.name] = True
        elif hint is datetime:
            given[field.name] = at + timedelta(hours=1)
        elif hint is int:
            given[field.name] = 3
        elif isinstance(hint, type) and issubclass(hint, enum.Enum):
            given[field.name] = list(hint)[-1]
        elif hint is Decimal:
            given[field.name] = Decimal("12.50")
        elif typing.get_origin(hint) is tuple:
            (member, _) = typing.get_args(hint)
            given[field.name] = list(member)[-1:]
        else:
            raise AssertionError(f"no value for {name}'s {field.name}: teach built()")
    return cls(**given)


def ids_for(name: str, complaint: Complaint) -> list[object]:
    """The ids to try ``name`` with: each open one (all of them, for a list of ids)."""
    field = next((f for f in attrs.fields(COMMAND_TYPES[name])
                  if f.metadata.get("refers") and f.default is attrs.NOTHING), None)
    if field is None:
        return [None]
    open_ids = ([c.id for c in complaint.open_concerns] if field.metadata["refers"] == "concern"
                else [a.id for a in complaint.open_actions])
    if typing.get_origin(typing.get_type_hints(COMMAND_TYPES[name])[field.name]) is tuple:
        return [tuple(open_ids)] if open_ids else [("K1",)]
    return list(open_ids) or ["K1" if field.metadata["refers"] == "concern" else "A1"]


def loaded(value: object) -> Any:
    """``value`` through JSON and back: it must be JSON-safe, and tests read it freely."""
    return json.loads(json.dumps(value))


def check_guidance(complaint: Complaint) -> Any:
    """The guidance agrees with the workflow itself (``Complaint.check``)."""
    at = complaint.updated_at
    guidance = loaded(next_steps(complaint))
    assert guidance["allowed"] == list(complaint.allowed_commands())
    blocked = {entry["command"]: entry["reasons"] for entry in guidance["blocked"]}
    assert set(guidance["ready"]) | set(blocked) == set(guidance["allowed"])
    assert not set(guidance["ready"]) & set(blocked)
    for name in guidance["allowed"]:
        outcomes = {ids: complaint.check(built(name, ids, at), at=at) for ids in
                    ids_for(name, complaint)}
        accepted = [ids for ids, rejection in outcomes.items() if rejection is None]
        if name in blocked:
            assert accepted == [], (name, accepted)
            codes = {code for r in outcomes.values() if r is not None for code in r.codes}
            assert {reason["code"] for reason in blocked[name]} == codes, name
            assert all(reason["kind"] == "rule" for reason in blocked[name])
        else:
            assert accepted, (name, outcomes)
            if name in guidance["ready_for"]:
                assert set(guidance["ready_for"][name]) == set(accepted), name
    ready = set(guidance["ready"])
    for step in guidance["steps"]:
        assert step["command"] in ready
        ids = next(iter(step["arguments"].values()), None)
        ids = tuple(ids) if isinstance(ids, list) else ids
        if ids is not None:
            assert complaint.check(built(step["command"], ids, at), at=at) is None, step
    return guidance


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.data_too_large])
@given(data=st.data())
def test_ready_is_what_the_workflow_accepts_and_blocked_says_why(data: st.DataObject) -> None:
    walk = Walk(data)
    check_guidance(walk.complaint)
    for _ in walk.steps():
        now = walk.next_time()
        command = walk.command(now)
        try:
            after = walk.complaint.apply(command, at=now)
        except Exception:  # a refused command changes nothing
            continue
        walk.complaint = after.complaint
        walk.clock = max(walk.clock, now)
        check_guidance(walk.complaint)


def guidance_of(complaint: Complaint) -> Any:
    return check_guidance(complaint)


def step_names(guidance: Any) -> list[str]:
    return [step["command"] for step in guidance["steps"]]


def test_begin_recap_says_why_not_yet() -> None:
    guidance = guidance_of(following_up(Clock()))
    blocked = {entry["command"]: entry["reasons"] for entry in guidance["blocked"]}
    assert [r["message"] for r in blocked["begin_recap"]] == [
        "Concern K1 is neither resolved nor marked unresolvable.",
        "Action A1 is not completed."]
    assert "begin_recap" in guidance["allowed"]


def test_listening_restate_then_confirm() -> None:
    clock = Clock()
    complaint = play(listening(clock), [HearConcern(text="Payroll won't run."),
                                        ExpressEmpathy(), Apologize()], clock)
    guidance = guidance_of(complaint)
    assert guidance["advice"] == "Restate K1 in your own words and ask the customer to confirm it."
    main = [step for step in guidance["steps"] if step["when"] is None]
    assert main[0]["arguments"] == {"concern_id": "K1"}
    assert guidance["open_concerns"][0]["needs"] == [
        "restatement", "confirmation", "impact", "impact_agreed", "response", "resolution"]
    complaint = play(complaint, [RestateConcern(concern_id="K1", restatement="It fails.")],
                     clock)
    guidance = guidance_of(complaint)
    assert [n for n in step_names(guidance) if n != "let_vent"][:2] == [
        "confirm_concern", "reject_restatement"]
    reject = next(step for step in guidance["steps"] if step["command"] == "reject_restatement")
    assert reject["when"] == "the customer says the restatement is wrong"
    assert guidance["ready_for"]["confirm_concern"] == ["K1"]


def test_conduct_owed_by_the_policy() -> None:
    clock = Clock()
    guidance = guidance_of(assessing(clock, 1))
    conduct = {entry["command"]: entry for entry in guidance["conduct"]}
    assert conduct["apologize"] == {"command": "apologize", "required": True,
                                    "before": "begin_response"}
    assert conduct["express_empathy"]["required"] is False
    lenient = Policy(apology_before_response=False)
    guidance = guidance_of(assessing(Clock(), 1, policy=lenient))
    conduct = {entry["command"]: entry for entry in guidance["conduct"]}
    assert conduct["apologize"]["required"] is False
    guidance = guidance_of(recapping(Clock()))
    assert {"command": "thank_customer", "required": True, "before": "close"} in (
        guidance["conduct"])
    # seeking closure is not ready before the recap, so it is not a step yet
    assert step_names(guidance)[:3] == ["express_empathy", "recap", "thank_customer"]


def test_open_actions_authority_and_follow_up() -> None:
    clock = Clock()
    complaint = following_up(clock)
    guidance = guidance_of(complaint)
    (action,) = guidance["open_actions"]
    assert (action["action_id"], action["owner"], action["concern_ids"], action["overdue"]) == (
        "A1", "agent", ["K1"], False)
    assert guidance["authority"] == [{"currency": "GBP", "limit": "50", "offered": "0",
                                      "left": "50", "ceiling": None}]
    capped = loaded(next_steps(complaint, limits=AgentLimits(authority_ceiling={"GBP": 200})))
    assert capped["authority"][0]["ceiling"] == "200"
    assert complaint.follow_up_at is not None
    assert guidance["follow_up_at"] == complaint.follow_up_at.isoformat()
    assert guidance["advice"].startswith("When the customer is next in touch")
    later = loaded(next_steps(complaint, at=complaint.updated_at + timedelta(days=5)))
    assert later["open_actions"][0]["overdue"] is True
    in_contact = play(complaint, [StartContact(channel="phone")], clock)
    assert step_names(guidance_of(in_contact)) == ["express_empathy", "review_open_items"]


def test_denied_commands_are_left_out() -> None:
    complaint = responding(Clock())
    guidance = loaded(next_steps(complaint, limits=AgentLimits(deny={"escalate",
                                                                      "give_relief"})))
    assert "escalate" not in guidance["allowed"]
    assert "give_relief" not in step_names(guidance)
    assert "plan_action" in step_names(guidance)


def test_responding_with_several_concerns_serves_the_top_priority_first() -> None:
    clock = Clock()
    complaint = responding(clock, concerns=2)  # prioritized K2, K1
    guidance = guidance_of(complaint)
    assert [c["concern_id"] for c in guidance["open_concerns"]] == ["K2", "K1"]
    first = next(step for step in guidance["steps"] if step["command"] == "give_relief")
    assert first["arguments"] == {"concern_id": "K2"}
    assert "confirm_next_steps" in {e["command"] for e in guidance["blocked"]}
    complaint = play(complaint, [ScheduleFollowUp(at=clock.now + timedelta(days=1))], clock)
    assert "schedule_follow_up" not in step_names(guidance_of(complaint))


def test_clocks_due_soon() -> None:
    clock = Clock()
    calendar = BusinessCalendar(time_zone="Europe/London")
    complaint = opened(clock, policy=Policy(regimes=(fca_disp(calendar),)))
    guidance = guidance_of(complaint)
    assert guidance["clocks"]
    assert all(entry["state"] in ("running", "paused", "breached") for entry in guidance["clocks"])
    assert {entry["regime"] for entry in guidance["clocks"]} == {"fca_disp"}


def test_no_more_concerns_is_blocked_until_every_concern_is_confirmed() -> None:
    clock = Clock()
    complaint = confirmed(clock, concerns=1)
    complaint = play(complaint, [HearConcern(text="Another thing.")], clock)
    guidance = guidance_of(complaint)
    blocked = {e["command"]: e["reasons"] for e in guidance["blocked"]}
    assert [r["code"] for r in blocked["no_more_concerns"]] == ["concern_not_confirmed"]
    done = play(complaint, [RestateConcern(concern_id="K2", restatement="x")], clock)
    assert "no_more_concerns" in {e["command"] for e in guidance_of(done)["blocked"]}
    rejection = done.check(NoMoreConcerns(), at=clock.tick())
    assert isinstance(rejection, Rejection)
