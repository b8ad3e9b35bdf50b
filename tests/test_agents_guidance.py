"""The guidance in every reply: what is ready is what the workflow accepts, what is blocked
says why, and what each open concern still needs."""

from __future__ import annotations

import enum
import json
import typing
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintflow import (
    COMMAND_TYPES,
    Apologize,
    AssessImpact,
    BriefTeam,
    BusinessCalendar,
    Category,
    Command,
    Complaint,
    Concern,
    ConfirmNextSteps,
    Escalate,
    ExplainFinding,
    ExpressEmpathy,
    HearConcern,
    NoMoreConcerns,
    OfferCompensation,
    PlanAction,
    Policy,
    RecordEmotion,
    RecordNeeds,
    Rejection,
    RestateConcern,
    ScheduleFollowUp,
    Severity,
    StartContact,
    Taxonomy,
    fca_disp,
    open_complaint,
)
from complaintflow._core.definition import ROW_OF
from complaintflow._core.row import Row
from complaintflow._core.steps._shared import CURRENCY_REQUIRED
from complaintflow._values.reasons import Reason
from complaintflow.agents import AgentLimits, next_steps
from complaintflow.agents._guidance import _probe
from tests.support import (
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
from tests.test_properties import POLICIES, T0, Walk


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


def id_argument(name: str) -> attrs.Attribute[Any] | None:
    """The required argument of ``name`` that holds a concern's or action item's id(s)."""
    return next((f for f in attrs.fields(COMMAND_TYPES[name])
                 if f.metadata.get("refers") and f.default is attrs.NOTHING), None)


def reference_readiness(complaint: Complaint, at: datetime,
                        limits: AgentLimits | None = None) -> Any:
    """``ready``, ``ready_for`` and ``blocked`` worked out the long way, with no shortcut:
    the guidance's probe of every allowed command (but the denied), with each open id (or
    every id there is, or the next one, when none is open), applied by the workflow itself
    (``Complaint.check``); blocked with every reason of every probe, once, in order."""
    deny = (limits or AgentLimits()).deny
    concerns = [c.id for c in complaint.open_concerns]
    rank = {concern_id: index for index, concern_id in enumerate(complaint.priority)}
    concerns.sort(key=lambda i: rank.get(i, len(rank)))
    actions = [a.id for a in complaint.open_actions]
    ready: list[str] = []
    ready_for: dict[str, list[str]] = {}
    blocked: list[Any] = []
    for name in complaint.allowed_commands():
        if name in deny:
            continue
        field = id_argument(name)
        open_ids: list[str] = []
        tries: list[object] = [None]
        if field is not None:
            about_concerns = field.metadata["refers"] == "concern"
            open_ids = concerns if about_concerns else actions
            if typing.get_origin(typing.get_type_hints(COMMAND_TYPES[name])[field.name]
                                 ) is tuple:
                tries = [tuple(open_ids) or ("K1",)]
            elif open_ids:
                tries = list(open_ids)
            elif about_concerns:
                tries = [c.id for c in complaint.concerns] or ["K1"]
            else:
                tries = [a.id for a in complaint.actions] or ["A1"]
        outcomes = [(ids, complaint.check(_probe(name, ids, at), at=at)) for ids in tries]
        accepted = [ids for ids, rejection in outcomes if rejection is None]
        if accepted:
            ready.append(name)
            if field is not None and tries != [None] and not isinstance(tries[0], tuple):
                ready_for[name] = [i for i in accepted if i in open_ids]
            continue
        reasons: list[Reason] = []
        for _, rejection in outcomes:
            assert rejection is not None
            reasons += [r for r in rejection.reasons if r not in reasons]
        blocked.append({"command": name, "reasons": [
            {"code": r.code, "kind": r.kind.value, "message": r.message, "argument": r.argument}
            for r in reasons]})
    return loaded({"ready": ready, "ready_for": ready_for, "blocked": blocked})


def check_guidance(complaint: Complaint, limits: AgentLimits | None = None) -> Any:
    """The guidance agrees with the workflow itself (``Complaint.check``): with the long
    way of :func:`reference_readiness` exactly, and with commands as an agent sends them."""
    at = complaint.updated_at
    guidance = loaded(next_steps(complaint, limits=limits))
    assert {key: guidance[key] for key in ("ready", "ready_for", "blocked")} == (
        reference_readiness(complaint, at, limits))
    if limits is not None:
        return guidance
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


# --- what the rows declare about their guards, which the guidance relies on -------------

FRESH_AT = datetime(2001, 2, 3, 4, 5, tzinfo=timezone.utc)
_OTHER_POLICY = Policy(apology_before_response=False, thanks_before_close=False,
                       authority_limits={"EUR": 7}, max_text_length=40)


def _refusal(outcome: object) -> list[Reason] | None:
    return outcome if isinstance(outcome, list) else None


def declared_violations(complaint: Complaint, command: Command, at: datetime,
                        row: Row[Any, Any] | None = None) -> list[str]:
    """How the guard of ``row`` (by default the command's) contradicts what the row
    declares, on ``command`` in ``complaint`` at ``at``: a ``given_only`` refusal met with
    its argument left out; a ``policy_only`` guard answering otherwise in a fresh complaint
    under the same policy, at another time; an ``id_first`` guard answering ids not open
    (unknown, closed, completed) otherwise than in a complaint holding nothing but those
    (or nothing); a guard refusing otherwise than the one it ``refuses_as``, for the same
    id; a guard that ``reads`` only whether some fields of an open concern are set
    answering otherwise than in a complaint holding nothing but a concern with that id
    and those fields set alike (to other values)."""
    row = row or ROW_OF[command.command]
    seq = complaint.seq + 1
    fields = attrs.fields_dict(type(command))
    found: list[str] = []
    for code, argument in row.given_only:
        default = fields[argument].default
        if default is attrs.NOTHING:
            found.append(f"{row.name}: {argument} may not be left out")
            continue
        left_out = attrs.evolve(command, **{argument: default})
        outcome = _refusal(row.decide(complaint, left_out, seq, at)) or []
        if code.code in {reason.code for reason in outcome}:
            found.append(f"{row.name} gave {code.code} without {argument}: {left_out!r}")
    fresh = open_complaint("C-fresh", at=FRESH_AT, policy=complaint.policy).complaint
    # the answers kept by ids and statuses, or by what is read of a concern, are kept
    # whatever the policy: a complaint under another policy must be answered alike
    elsewhere = open_complaint("C-other", at=FRESH_AT, policy=_OTHER_POLICY).complaint
    if row.policy_only:
        mine = _refusal(row.decide(complaint, command, seq, at))
        theirs = _refusal(row.decide(fresh, command, fresh.seq + 1, FRESH_AT))
        if mine != theirs:
            found.append(f"{row.name} reads more than the policy: {mine} != {theirs}")
    if row.id_first:
        field = next(f for f in attrs.fields(type(command)) if f.metadata.get("refers"))
        about_concerns = field.metadata["refers"] == "concern"
        many = typing.get_origin(typing.get_type_hints(type(command))[field.name]) is tuple
        items: tuple[Any, ...] = complaint.concerns if about_concerns else complaint.actions
        letter = "K" if about_concerns else "A"
        cases: list[tuple[str, tuple[Any, ...]]] = [(f"{letter}{len(items) + 1}", ()),
                                                    (f"{letter}99", ())]
        cases += [(item.id, (item,)) for item in items if not item.is_open]
        for i, held in cases:
            if not held and any(item.id == i for item in items):
                continue
            given: dict[str, Any] = {field.name: (i,) if many else i}
            probe = attrs.evolve(command, **given)
            mine = _refusal(row.decide(complaint, probe, seq, at))
            # a complaint holding nothing but that concern (or action item), or not even it
            holding: dict[str, Any] = {"concerns" if about_concerns else "actions": held}
            alone = attrs.evolve(elsewhere, **holding)
            theirs = _refusal(row.decide(alone, probe, seq, at))
            if mine is None or mine != theirs:
                found.append(f"{row.name} answers {i}, not open, with {mine}; "
                             f"holding nothing else, with {theirs}")
    if row.reads:
        field = id_argument(row.name)
        assert field is not None, f"{row.name} reads a concern but names none"
        i = getattr(command, field.name)
        concern = complaint.concern(i) if isinstance(i, str) else None
        if concern is not None and concern.is_open:
            mine = _refusal(row.decide(complaint, command, seq, at))
            alike = Concern(id=i, text="(alone)", **{
                name: _alike(getattr(concern, name)) for name in row.reads})
            alone = attrs.evolve(elsewhere, concerns=(alike,))
            theirs = _refusal(row.decide(alone, command, seq, at))
            if mine != theirs:
                found.append(f"{row.name} reads more of {i} than {row.reads}: {mine}; "
                             f"holding nothing else, {theirs}")
    if row.refuses_as is not None:
        field, other = id_argument(row.name), id_argument(row.refuses_as)
        if field is None or other is None or (
                field.metadata["refers"] != other.metadata["refers"]):
            found.append(f"{row.name} and {row.refuses_as} are not about the same ids")
        else:
            ids = getattr(command, field.name)
            mine = _refusal(row.decide(complaint, command, seq, at))
            theirs = _refusal(ROW_OF[row.refuses_as].decide(
                complaint, _probe(row.refuses_as, ids), seq, at))
            if mine != theirs:
                found.append(f"{row.name} refuses {ids} otherwise than {row.refuses_as}: "
                             f"{mine} != {theirs}")
    return found


def _alike(value: Any) -> Any:
    """Another value set alike: a flag as it is, text or a value other than ``value`` (its
    flags turned), unset as unset; so that a guard reading more than whether it is set
    answers otherwise."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return f"(not {value[:20]})"
    if attrs.has(type(value)):
        flags = {f.name: not getattr(value, f.name) for f in attrs.fields(type(value))
                 if isinstance(getattr(value, f.name), bool)}
        return attrs.evolve(value, **flags)
    raise TypeError(f"teach _alike about {type(value).__name__}")


DECLARING = [name for name, row in ROW_OF.items()
             if row.given_only or row.policy_only or row.id_first or row.refuses_as
             or row.reads]


def check_declarations(complaint: Complaint, at: datetime,
                       drawn: Command | None = None) -> None:
    """Every declaring row's declarations hold in ``complaint``: on the guidance's probe,
    on the command as an agent sends it, and on ``drawn`` (a command of the walk)."""
    commands: list[Command] = []
    for name in DECLARING:
        for ids in ids_for(name, complaint):
            commands += [_probe(name, ids, at), built(name, ids, at)]
    if drawn is not None and drawn.command in DECLARING:
        commands.append(drawn)
    for command in commands:
        assert not declared_violations(complaint, command, at), command


TAXONOMY = Taxonomy(name="house list", version="1", source="the tests",
                    products=[Category(code="cards", label="Cards")],
                    causes=[Category(code="fees", label="Fees")])
WIDER_POLICIES = st.one_of(POLICIES, st.builds(
    Policy, taxonomy=st.just(TAXONOMY), apology_before_response=st.booleans(),
    authority_limits=st.sampled_from([{}, {"GBP": 50}, {"GBP": 50, "EUR": 100}])))
"""The walks' policies, and some with a taxonomy (which classify's refusals need)."""


class WiderWalk(Walk):
    """A walk whose policy is drawn from :data:`WIDER_POLICIES`."""

    def __init__(self, data: st.DataObject) -> None:
        super().__init__(data)
        opened = open_complaint("C-1", at=self.local(T0), policy=data.draw(WIDER_POLICIES))
        self.complaint = opened.complaint
        self.log = list(opened.events)
        self.stages = {self.complaint.stage}


WALKS = settings(max_examples=100, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@WALKS
@given(data=st.data())
def test_ready_is_what_the_workflow_accepts_and_blocked_says_why(data: st.DataObject) -> None:
    walk = WiderWalk(data)
    check_guidance(walk.complaint)
    denied = AgentLimits(deny={"escalate", "give_relief", "classify"})
    for _ in walk.steps():
        now = walk.next_time()
        command = walk.command(now)
        check_declarations(walk.complaint, now, command)
        try:
            after = walk.complaint.apply(command, at=now)
        except Exception:  # a refused command changes nothing
            continue
        walk.complaint = after.complaint
        walk.clock = max(walk.clock, now)
        check_guidance(walk.complaint)
        check_guidance(walk.complaint, denied)


def test_a_wrong_declaration_is_found() -> None:
    """The checks of the declarations can fail: a row that declared what its guard does
    not do is caught."""
    two = open_complaint("C-2", at=T0, policy=Policy(
        authority_limits={"GBP": 50, "EUR": 100})).complaint
    redress = ROW_OF["record_redress"]
    wrong = attrs.evolve(redress, given_only=((CURRENCY_REQUIRED, "currency"),))
    command = built("record_redress")
    assert not declared_violations(two, command, T0, redress)
    assert declared_violations(two, command, T0, wrong)
    compensation = OfferCompensation(kind="refund", description="x", amount=Decimal(40),
                                     currency="GBP")
    clock = Clock()
    offered = play(responding(clock), [compensation], clock)  # 40 of the 50 GBP offered
    compensation = attrs.evolve(compensation, concern_id="K7")
    row = ROW_OF["offer_compensation"]
    assert not declared_violations(offered, compensation, T0, row)
    assert declared_violations(offered, compensation, T0,
                               attrs.evolve(row, policy_only=True))
    assert declared_violations(offered, compensation, T0, attrs.evolve(row, id_first=True))
    heard = play(listening(clock), [HearConcern(text="It broke.")], clock)
    restate = ROW_OF["restate_concern"]
    assert not declared_violations(heard, built("restate_concern", "K1"), T0, restate)
    assert declared_violations(heard, built("restate_concern", "K1"), T0,
                               attrs.evolve(restate, refuses_as="confirm_concern"))
    restated = play(heard, [RestateConcern(concern_id="K1", restatement="It broke.")], clock)
    confirm = ROW_OF["confirm_concern"]
    assert not declared_violations(restated, built("confirm_concern", "K1"), T0, confirm)
    # confirming reads whether the concern was restated, not only whether it was confirmed
    assert declared_violations(restated, built("confirm_concern", "K1"), T0,
                               attrs.evolve(confirm, reads=("confirmed",)))
    impact = ROW_OF["confirm_impact"]
    assessed = play(assessing(clock), [AssessImpact(
        concern_id="K1", description="no pay this month", severity=Severity.HIGH)], clock)
    assert not declared_violations(assessed, built("confirm_impact", "K1"), T0, impact)
    assert declared_violations(assessed, built("confirm_impact", "K1"), T0,
                               attrs.evolve(impact, reads=("confirmed",)))


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


# --- the practices beyond the seven steps, in the guidance -------------------------------


def _commands(guidance: Any) -> list[str]:
    return [step["command"] for step in guidance["steps"]]


def test_the_guidance_does_not_ask_a_customer_recorded_calm_to_vent() -> None:
    clock = Clock()
    complaint = listening(clock)
    assert "let_vent" in _commands(loaded(next_steps(complaint)))
    calm = play(complaint, [RecordEmotion(emotion="calm")], clock)
    assert "let_vent" not in _commands(loaded(next_steps(calm)))
    angry = play(calm, [RecordEmotion(emotion="angry")], clock)
    assert "let_vent" in _commands(loaded(next_steps(angry)))


def test_the_guidance_asks_for_a_briefing_before_a_contact_that_needs_one() -> None:
    clock = Clock()
    complaint = play(responding(clock), [
        PlanAction(description="Ask the carrier to trace it.", owner="company",
                   due=clock.now + timedelta(days=3), concern_ids=("K1",),
                   involves_others=True),
        ScheduleFollowUp(at=clock.now + timedelta(days=1)), ConfirmNextSteps()], clock)
    guidance = check_guidance(complaint)
    steps = _commands(guidance)
    assert "start_contact" not in guidance["ready"]
    assert steps.index("brief_team") < steps.index("hear_concern")
    (step,) = [s for s in guidance["steps"] if s["command"] == "brief_team"]
    assert step["why"].startswith("A1 involve others: meet the internal team")
    briefed = play(complaint, [BriefTeam(participants="logistics",
                                         summary="Agree what to tell the customer.")], clock)
    guidance = check_guidance(briefed)
    assert "start_contact" in guidance["ready"]
    assert "brief_team" not in _commands(guidance)


def test_the_guidance_shows_the_unmet_interactional_needs_and_asks_for_an_explanation() -> None:
    clock = Clock()
    complaint = play(responding(clock), [RecordNeeds(
        concern_id="K1", interactional=("explanation", "heard", "apology"),
        transactional="Refund the fee.")], clock)
    guidance = check_guidance(complaint)
    (concern,) = guidance["open_concerns"]
    assert concern["interactional_unmet"] == ["explanation"]  # heard and apologized
    (step,) = [s for s in guidance["steps"] if s["command"] == "explain_finding"]
    assert step["arguments"] == {"concern_id": "K1"}
    explained = play(complaint, [ExplainFinding(explanation="A fee rule misfired.",
                                                concern_id="K1")], clock)
    guidance = check_guidance(explained)
    assert guidance["open_concerns"][0]["interactional_unmet"] == []
    assert "explain_finding" not in _commands(guidance)
    assert loaded(next_steps(responding(clock)))["open_concerns"][0][
        "interactional_unmet"] == []


def test_authority_reads_each_complaints_offers_as_written() -> None:
    """The authority is kept by what sets it, so equal amounts written apart (``1.0`` and
    ``1.00``) are not confused, and an escalation's grant is read (a regression guard for
    the authority kept per offers: equal decimals are not the same text)."""
    clock = Clock()
    base = following_up(clock)

    def authority(*commands: Command) -> list[Any]:
        return list(guidance_of(play(base, list(commands), clock))["authority"])

    def offer(amount: str) -> OfferCompensation:
        return OfferCompensation(kind="refund", description="the fee back",
                                 amount=Decimal(amount), currency="GBP")

    assert authority(offer("1.0")) == [{"currency": "GBP", "limit": "50", "offered": "1.0",
                                        "left": "49.0", "ceiling": None}]
    assert authority(offer("1.00")) == [{"currency": "GBP", "limit": "50",
                                         "offered": "1.00", "left": "49.00", "ceiling": None}]
    assert authority(offer("1.00"), offer("2.5")) == [
        {"currency": "GBP", "limit": "50", "offered": "3.50", "left": "46.50", "ceiling": None}]
    raised = Escalate(to="team lead", reason="more than my limit",
                      authority_limit=Decimal(80), currency="GBP")
    assert authority(raised, offer("1.0")) == [
        {"currency": "GBP", "limit": "80", "offered": "1.0", "left": "79.0", "ceiling": None}]
    euros = Escalate(to="team lead", reason="a euro refund", authority_limit=Decimal(30),
                     currency="EUR")
    assert [row["currency"] for row in authority(euros)] == ["EUR", "GBP"]
